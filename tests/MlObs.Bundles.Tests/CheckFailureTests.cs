// One minimal bad bundle per check: each produces exactly the one error it is about, at the line it
// names, with the application and endpoint. The good bundle they are varied from has no problem.
namespace MlObs.Bundles.Tests;

public sealed class CheckFailureTests
{
    private const string Apps = TestBundles.TwoApplications;

    private const string Good = Apps + "relations:\n  - [drift:metrics-endpoint, otelcol:metrics-endpoint]\n";

    /// <summary>code, line, application, endpoint, bundle, overlays.</summary>
    public static TheoryData<string, int, string?, string?, string, string[]> Cases => new()
    {
        { "yaml-syntax", 4, null, null, "bundle: kubernetes\napplications:\n  x: [\n", [] },
        { "empty", 1, null, null, "", [] },
        { "empty", 1, null, null, "bundle: kubernetes\n", [] },
        { "empty", 1, null, null, "relations: []\n", [] },
        { "unknown-key", 2, null, null, "bundle: kubernetes\naplications:\n  drift: {charm: drift-monitor-k8s, scale: 1}\napplications:\n  drift: {charm: drift-monitor-k8s, scale: 1}\n", [] },
        { "unknown-key", 5, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1,\n    config: {port: 8080}}\n", StringComparison.Ordinal), [] },
        { "type", 4, "drift", null, Apps.Replace("drift-monitor-k8s, scale: 1", "drift-monitor-k8s, scale: \"1\"", StringComparison.Ordinal), [] },
        { "type", 4, "drift", null, Apps.Replace("drift-monitor-k8s, scale: 1", "drift-monitor-k8s, scale: 1, trust: maybe", StringComparison.Ordinal), [] },
        { "scale-and-num-units", 4, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1, num_units: 1}\n", StringComparison.Ordinal), [] },
        { "overlay-only", 5, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1,\n    offers: {drift-metrics: {endpoints: [metrics-endpoint]}}}\n", StringComparison.Ordinal), [] },
        { "invalid-name", 3, "Drift_Monitor", null, "bundle: kubernetes\napplications:\n  Drift_Monitor: {charm: drift-monitor-k8s}\n  drift: {charm: drift-monitor-k8s}\n", [] },
        { "relation-syntax", 6, null, null, Apps + "relations:\n  - [drift:metrics-endpoint]\n", [] },
        { "relation-syntax", 6, "drift", null, Apps + "relations:\n  - [drift:Metrics, otelcol]\n", [] },
        { "missing-charm", 4, "drift", null, Apps.Replace("{charm: drift-monitor-k8s, scale: 1}", "{scale: 1}", StringComparison.Ordinal), [] },
        { "unknown-charm", 4, "drift", null, Apps.Replace("charm: drift-monitor-k8s,", "charm: drift-monitor-k9s,", StringComparison.Ordinal), [] },
        { "unknown-charm", 4, "drift", null, Apps.Replace("charm: drift-monitor-k8s,", "charm: cs:drift-monitor-k8s,", StringComparison.Ordinal), [] },
        { "charm-path", 4, "drift", null, Apps.Replace("charm: drift-monitor-k8s,", "charm: ./nowhere_amd64.charm,", StringComparison.Ordinal), [] },
        { "invalid-channel", 3, "otelcol", null, Apps.Replace("2/stable", "2/stabel", StringComparison.Ordinal), [] },
        { "revision-channel", 3, "otelcol", null, Apps.Replace("channel: 2/stable,", "revision: 12,", StringComparison.Ordinal), [] },
        { "invalid-base", 3, "otelcol", null, Apps.Replace("channel: 2/stable,", "channel: 2/stable, base: noble,", StringComparison.Ordinal), [] },
        { "invalid-base", 1, null, null, "default-base: ubuntu-24.04\n" + Apps, [] },
        { "bundle-type", 1, null, null, Apps.Replace("bundle: kubernetes", "bundle: k8s", StringComparison.Ordinal), [] },
        { "bundle-type", 3, "drift", null, "applications:\n  otelcol: {charm: opentelemetry-collector-k8s, num_units: 1}\n  drift: {charm: drift-monitor-k8s, num_units: 1}\n", [] },
        { "machines-k8s", 5, null, null, Apps + "machines:\n  \"0\": {}\n", [] },
        { "placement", 4, "drift", null, Apps.Replace("drift-monitor-k8s, scale: 1}", "drift-monitor-k8s, scale: 1, to: [a=b, c=d]}", StringComparison.Ordinal), [] },
        { "expose", 3, "drift", null, Apps, ["applications:\n  drift:\n    exposed-endpoints: {metrics-endpoint: {expose-to-cidrs: [10.0.0.0/8]}}\n    expose: true\n"] },
        { "unknown-option", 4, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1, options: {prot: 8080}}\n", StringComparison.Ordinal), [] },
        { "option-type", 4, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1, options: {port: eighty}}\n", StringComparison.Ordinal), [] },
        { "unknown-resource", 4, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1, resources: {image: x}}\n", StringComparison.Ordinal), [] },
        { "missing-resource", 4, "drift", null, Apps.Replace("charm: drift-monitor-k8s,", "charm: ../../../../../charms/drift-monitor-k8s,", StringComparison.Ordinal), [] },
        { "unknown-storage", 4, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1, storage: {database: 2G}}\n", StringComparison.Ordinal), [] },
        { "binding", 4, "drift", null, Apps.Replace("scale: 1}\n", "scale: 1, bindings: {metric-endpoint: alpha}}\n", StringComparison.Ordinal), [] },
        { "offer-endpoint", 4, "drift", "metric-endpoint", Apps, ["applications:\n  drift:\n    offers:\n      drift-metrics: {endpoints: [metric-endpoint]}\n"] },
        { "offer-endpoint", 4, "drift", "drift-monitor-peers", Apps, ["applications:\n  drift:\n    offers:\n      drift-metrics: {endpoints: [drift-monitor-peers]}\n"] },
        { "offer-acl", 4, "drift", null, Apps, ["applications:\n  drift:\n    offers:\n      drift-metrics: {endpoints: [metrics-endpoint], acl: {alice: write}}\n"] },
        { "offer", 4, "drift", null, Apps, ["applications:\n  drift:\n    offers:\n      drift-metrics: {acl: {alice: read}}\n"] },
        { "duplicate-offer", 7, "drift", null, Apps, ["applications:\n  otelcol:\n    offers:\n      metrics: {endpoints: [metrics-endpoint]}\n  drift:\n    offers:\n      metrics: {endpoints: [metrics-endpoint]}\n"] },
        { "saas-url", 6, "loki", null, Apps + "saas:\n  loki: {url: cos-loki-logging}\n", [] },
        { "saas-url", 6, "loki", null, Apps + "saas:\n  loki: {}\n", [] },
        { "unknown-offer", 6, "loki", null, Apps + "saas:\n  loki: {url: admin/cos.loki-loging}\n", [] },
        { "saas-conflict", 6, "drift", null, Apps + "saas:\n  drift: {url: admin/cos.loki-logging}\n", [] },
        { "undefined-application", 6, "otelcoll", null, Apps + "relations:\n  - [drift:metrics-endpoint, otelcoll:metrics-endpoint]\n", [] },
        { "self-relation", 6, "drift", null, Apps + "relations:\n  - [drift:metrics-endpoint, drift:logging]\n", [] },
        { "unknown-endpoint", 6, "drift", "metric-endpoint", Apps + "relations:\n  - [drift:metric-endpoint, otelcol:metrics-endpoint]\n", [] },
        { "unknown-endpoint", 8, "loki", "logs", Apps + "saas:\n  loki: {url: admin/cos.loki-logging}\nrelations:\n  - [otelcol:send-loki-logs, loki:logs]\n", [] },
        { "peer-relation", 6, "drift", "drift-monitor-peers", Apps + "relations:\n  - [drift:drift-monitor-peers, otelcol]\n", [] },
        { "role-mismatch", 6, "drift", "logging", Apps + "relations:\n  - [drift:logging, otelcol:send-loki-logs]\n", [] },
        { "interface-mismatch", 6, "drift", "grafana-dashboard", Apps + "relations:\n  - [drift:grafana-dashboard, otelcol:metrics-endpoint]\n", [] },
        { "no-relation", 6, "drift", "ingress", Apps + "relations:\n  - [drift:ingress, otelcol]\n", [] },
        { "ambiguous-relation", 6, "drift", null, Apps + "relations:\n  - [drift, otelcol]\n", [] },
        { "duplicate-relation", 7, "otelcol", "metrics-endpoint", Apps + "relations:\n  - [drift:metrics-endpoint, otelcol:metrics-endpoint]\n  - [otelcol:metrics-endpoint, drift:metrics-endpoint]\n", [] },
        { "duplicate-relation", 7, "drift", null, Apps + "relations:\n  - [drift:logging, otelcol:receive-loki-logs]\n  - [drift, otelcol:receive-loki-logs]\n", [] },
    };

    [Fact]
    public async Task Check_GoodBundle_HasNoProblem()
    {
        var result = await Scratch.RunAsync(Good);

        Assert.Empty(result.Problems);
        Assert.Equal((2, 0, 1), (result.Applications, result.Saas, result.Relations));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Check_BundleWithOneDefect_ReportsExactlyThatError(string code, int line, string? application, string? endpoint, string bundle, string[] overlays)
    {
        var result = await Scratch.RunAsync(bundle, overlays);

        Assert.True(result.ErrorCodes().SequenceEqual([code]), result.Describe());
        var problem = result.Problems.First(p => p.Code == code);
        Assert.Equal(line, problem.Location.Line);
        Assert.Equal(application, problem.Application);
        if (endpoint is not null)
        {
            Assert.Equal(endpoint, problem.Endpoint);
        }

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Check_CkfProfilesDashboardWithoutEndpoints_IsAmbiguousAndListsTheCandidates()
    {
        // Upstream CKF 1.11 writes this pair bare; with the default-branch endpoints of the catalog it has three readings.
        var result = await Scratch.RunAsync("""
            bundle: kubernetes
            applications:
              kubeflow-profiles: {charm: kubeflow-profiles, channel: 1.10/stable, scale: 1, trust: true}
              kubeflow-dashboard: {charm: kubeflow-dashboard, channel: 1.10/stable, scale: 1, trust: true}
            relations:
              - [kubeflow-profiles, kubeflow-dashboard]
            """);

        var problem = result.Single("ambiguous-relation");
        Assert.Contains("[kubeflow-profiles:kubeflow-profiles, kubeflow-dashboard:kubeflow-profiles]", problem.Message, StringComparison.Ordinal);
        Assert.Contains("[kubeflow-profiles:provide-cmr-mesh, kubeflow-dashboard:require-cmr-mesh]", problem.Message, StringComparison.Ordinal);
        Assert.Contains("[kubeflow-profiles:require-cmr-mesh, kubeflow-dashboard:provide-cmr-mesh]", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BareRelationWithOneReading_InfersTheEndpoints()
    {
        // argo-controller and minio share only object-storage, as in the CKF bundle.
        var result = await Scratch.RunAsync("""
            bundle: kubernetes
            applications:
              argo-controller: {charm: argo-controller, channel: 3.7/stable, scale: 1}
              minio: {charm: minio, channel: 1.10/stable, scale: 1}
            relations:
              - [argo-controller, minio]
              - [argo-controller:object-storage, minio:object-storage]
            """);

        // The explicit second entry is the same relation once the first is inferred.
        Assert.Equal(["duplicate-relation"], result.ErrorCodes());
    }

    [Fact]
    public async Task Check_UnknownKey_SuggestsTheClosestKey()
    {
        var result = await Scratch.RunAsync(Apps.Replace("channel: 2/stable,", "chanel: 2/stable,", StringComparison.Ordinal));

        Assert.EndsWith("unknown key 'chanel'; did you mean 'channel'?", result.Single("unknown-key").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ProblemText_NamesFileLineAndColumn()
    {
        using var scratch = new Scratch();

        var result = await scratch.CheckAsync(Apps + "relations:\n  - [drift:metric-endpoint, otelcol:metrics-endpoint]\n");

        var line = result.Single("unknown-endpoint").ToString();
        Assert.StartsWith($"{Path.Combine(scratch.Directory, "bundle.yaml")}:6:6: error unknown-endpoint: ", line, StringComparison.Ordinal);
        Assert.EndsWith("did you mean 'metrics-endpoint'?", line, StringComparison.Ordinal);
    }
}
