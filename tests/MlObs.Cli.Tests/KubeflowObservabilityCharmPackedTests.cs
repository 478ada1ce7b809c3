// The packed kubeflow-observability-k8s charm run through `mlobs charm run` as Juju's unit agent would run it, with its three
// COS relations joined: the data it publishes must be what the COS consumers accept (prometheus-k8s' scrape job and rule
// derivation, Grafana's dashboards, the Loki rules), and outside a Kubernetes pod it must say so rather than start the
// exporter or fail the hook.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;

namespace MlObs.Cli.Tests;

/// <summary>The test classes that share one pack of charms/kubeflow-observability-k8s.</summary>
[CollectionDefinition(Name)]
public sealed class SharedKubeflowObservabilityPack : ICollectionFixture<PackedKubeflowObservabilityCharm>
{
    public const string Name = "packed kubeflow-observability-k8s";
}

/// <summary>Packs charms/kubeflow-observability-k8s once and unzips it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackedKubeflowObservabilityCharm() : PackedCharm("kubeflow-observability-k8s");

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(SharedKubeflowObservabilityPack.Name)]
public sealed class KubeflowObservabilityCharmPackedTests(PackedKubeflowObservabilityCharm packed) : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string State(int port) => _temp.Write("in.json", """
        {
          "leader": true,
          "config": {"port": PORT},
          "containers": [{"name": "kubeflow-exporter", "can_connect": true,
                          "mounts": {"config": {"location": "/etc/kubeflow-exporter", "source": "SOURCE"}}}],
          "relations": [
            {"id": 1, "endpoint": "metrics-endpoint", "remote_app_name": "opentelemetry-collector-k8s", "remote_units_data": {"0": {}}},
            {"id": 2, "endpoint": "grafana-dashboard", "remote_app_name": "opentelemetry-collector-k8s", "remote_units_data": {"0": {}}},
            {"id": 3, "endpoint": "logging", "remote_app_name": "opentelemetry-collector-k8s",
             "remote_units_data": {"0": {"endpoint": "{\"url\": \"http://otelcol-0.otelcol-endpoints.kubeflow.svc.cluster.local:3500/loki/api/v1/push\"}"}}}
          ]
        }
        """.Replace("PORT", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("SOURCE", _temp.Path, StringComparison.Ordinal));

    private async Task<JsonElement> RunAsync(string stateIn, string stateOut, params string[] eventArguments)
    {
        var run = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(10), ["charm", "run", packed.CharmDir, .. eventArguments, "--state", stateIn, "--out", stateOut]);
        Assert.True(run.ExitCode == 0, run.Describe());
        using var output = JsonDocument.Parse(File.ReadAllText(stateOut));
        Assert.Equal(0, output.RootElement.GetProperty("exit_code").GetInt32());
        return output.RootElement.Clone();
    }

    private static Dictionary<string, string> Databag(JsonElement root, string endpoint, string bag) =>
        root.GetProperty("relations").EnumerateArray().Single(r => r.GetProperty("endpoint").GetString() == endpoint)
            .GetProperty(bag).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    [Fact]
    public async Task CosRelations_PublishWhatCosConsumes_AndOutsideAPodTheUnitWaits()
    {
        Assert.True(packed.Pack.ExitCode == 0, packed.Pack.Describe());
        const int Port = 9102;
        await RunAsync(State(Port), _temp.File("metrics.json"), "--event", "metrics-endpoint-relation-joined", "--relation-id", "1", "--remote-unit", "opentelemetry-collector-k8s/0");
        await RunAsync(_temp.File("metrics.json"), _temp.File("dashboards.json"), "--event", "grafana-dashboard-relation-joined", "--relation-id", "2", "--remote-unit", "opentelemetry-collector-k8s/0");
        await RunAsync(_temp.File("dashboards.json"), _temp.File("logging.json"), "--event", "logging-relation-joined", "--relation-id", "3", "--remote-unit", "opentelemetry-collector-k8s/0");
        JsonElement root = await RunAsync(_temp.File("logging.json"), _temp.File("out.json"), "--event", "config-changed");

        // No cluster here: the charm says what it cannot check, and neither starts the exporter nor errors.
        Assert.Equal("waiting", root.GetProperty("unit_status").GetProperty("name").GetString());
        Assert.Equal("cannot check cluster access: the charm is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)",
            root.GetProperty("unit_status").GetProperty("message").GetString());

        // What prometheus-k8s derives from the metrics-endpoint data: one job on the port, the charm's rules with topology.
        Dictionary<string, string> appData = Databag(root, "metrics-endpoint", "local_app_data");
        var derived = ScrapeConfigBuilder.Derive(new ScrapeRelationData("metrics-endpoint", 1, appData,
            new Dictionary<string, IReadOnlyDictionary<string, string>> { ["kubeflow-observability-k8s/0"] = Databag(root, "metrics-endpoint", "local_unit_data") }));
        Assert.Empty(derived.Problems);
        JsonObject job = Assert.Single(derived.Jobs);
        Assert.EndsWith("_prometheus_scrape_kubeflow-observability-0", job["job_name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($":{Port}", job.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(derived.RuleFile);
        Assert.Contains("KubeflowInferenceServiceNotReady", appData["alert_rules"], StringComparison.Ordinal);

        // Grafana's three dashboards, and the Loki rules for the logging relation.
        string dashboards = Databag(root, "grafana-dashboard", "local_app_data")["dashboards"];
        foreach (string name in new[] { "kubeflow-pipelines", "kubeflow-serving", "kubeflow-notebooks-experiments" })
            Assert.Contains($"\"file:{name}\"", dashboards, StringComparison.Ordinal);
        Assert.Contains("\"groups\"", Databag(root, "logging", "local_app_data")["alert_rules"], StringComparison.Ordinal);
    }
}
