// Overlays merge as Juju's ReadAndMergeBundleData merges them, and the findings that are warnings
// (Juju accepts the bundle, but something is off) come out as warnings, not errors.
namespace MlObs.Bundles.Tests;

public sealed class MergeTests
{
    private static readonly string Base =
        TestBundles.TwoApplications.Replace("drift-monitor-k8s, scale: 1}", "drift-monitor-k8s, scale: 1, options: {port: 8080, preset: mlobs}}", StringComparison.Ordinal)
        + "relations:\n  - [drift:metrics-endpoint, otelcol:metrics-endpoint]\n  - [drift:logging, otelcol:receive-loki-logs]\n";

    [Fact]
    public async Task Overlay_NullApplication_RemovesItAndItsRelations()
    {
        var result = await Scratch.RunAsync(Base, "applications:\n  drift:\n");

        Assert.Empty(result.Problems);
        Assert.Equal((1, 0), (result.Applications, result.Relations));
    }

    [Fact]
    public async Task LaterOverlay_RelationToRemovedApplication_IsUndefined()
    {
        var result = await Scratch.RunAsync(Base, "applications:\n  drift:\n", "relations:\n  - [drift:grafana-dashboard, otelcol:grafana-dashboards-consumer]\n");

        var problem = result.Single("undefined-application");
        Assert.EndsWith("overlay2.yaml", problem.Location.File, StringComparison.Ordinal);
        Assert.Equal(2, problem.Location.Line);
    }

    [Fact]
    public async Task Overlay_SaasAndRelations_AreAdded()
    {
        var result = await Scratch.RunAsync(Base, """
            saas:
              loki-logging: {url: cos-controller:admin/cos.loki-logging}
            relations:
              - [otelcol:send-loki-logs, loki-logging]
            """);

        Assert.Empty(result.Problems);
        Assert.Equal((2, 1, 3), (result.Applications, result.Saas, result.Relations));
    }

    [Fact]
    public async Task Overlay_NullSaas_RemovesItAndItsRelations()
    {
        using var scratch = new Scratch();
        const string WithSaas = "saas:\n  loki-logging: {url: admin/cos.loki-logging}\nrelations:\n  - [otelcol:send-loki-logs, loki-logging:logging]\n";

        var result = await scratch.CheckAsync(Base, WithSaas, "saas:\n  loki-logging:\n");

        Assert.Empty(result.Problems);
        Assert.Equal((0, 2), (result.Saas, result.Relations));
    }

    [Fact]
    public async Task Overlay_OptionEntries_MergeKeyByKeyAndNullDeletes()
    {
        // port: eighty would be an option-type error; the overlay replaces it, and deletes preset.
        using var scratch = new Scratch();

        var broken = await scratch.CheckAsync(Base.Replace("port: 8080", "port: eighty", StringComparison.Ordinal));
        var fixedByOverlay = await scratch.CheckAsync(Base.Replace("port: 8080", "port: eighty", StringComparison.Ordinal), "applications:\n  drift:\n    options: {port: 9090, preset: null}\n");

        Assert.Equal(["option-type"], broken.ErrorCodes());
        Assert.Empty(fixedByOverlay.Problems);
    }

    [Fact]
    public async Task Overlay_EmptyMap_ClearsTheField()
    {
        var result = await Scratch.RunAsync(Base.Replace("port: 8080", "prot: 8080", StringComparison.Ordinal), "applications:\n  drift:\n    options: {}\n");

        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task SecondDocument_OfTheBundleFile_IsAnOverlay()
    {
        var result = await Scratch.RunAsync(Base + "\n---\napplications:\n  drift:\n    offers:\n      drift-metrics: {endpoints: [metrics-endpoint], acl: {admin: admin}}\n");

        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task Overlay_NumUnits_ReplacesTheBasesScaleWithoutConflict()
    {
        var result = await Scratch.RunAsync(Base, "applications:\n  drift:\n    num_units: 2\n");

        Assert.Equal([], result.ErrorCodes());
        Assert.Equal(["units-key"], result.WarningCodes());
    }

    [Theory]
    [InlineData("name: suite\n", "charmhub-only")]
    [InlineData("series: jammy\n", "deprecated")]
    [InlineData("_ci_only: true\n", "ignored-key")]
    public async Task Check_KeyJujuIgnores_IsAWarning(string topLevel, string code)
    {
        var result = await Scratch.RunAsync(topLevel + Base);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal([code], result.WarningCodes());
    }

    [Fact]
    public async Task Check_MachineBundleWithScale_WarnsToUseNumUnits()
    {
        var result = await Scratch.RunAsync("applications:\n  grafana: {charm: grafana-agent-k8s, scale: 1}\n");

        Assert.Equal([], result.ErrorCodes());
        Assert.Contains("write num_units", result.Single("units-key").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EndpointPastItsLimit_Warns()
    {
        // drift-monitor-k8s ingress has limit: 1.
        var result = await Scratch.RunAsync("""
            bundle: kubernetes
            applications:
              drift: {charm: drift-monitor-k8s, scale: 1}
              a: {charm: traefik-k8s, scale: 1, trust: true}
              b: {charm: traefik-k8s, scale: 1, trust: true}
            relations:
              - [drift:ingress, a:ingress]
              - [drift:ingress, b:ingress]
            """);

        Assert.Equal([], result.ErrorCodes());
        var problem = result.Single("limit");
        Assert.Equal(("drift", "ingress", 8), (problem.Application, problem.Endpoint, problem.Location.Line));
    }

    [Fact]
    public async Task Overlay_RemovingAnUnknownApplication_Warns()
    {
        var result = await Scratch.RunAsync(Base, "applications:\n  grafana:\n");

        Assert.Equal(["remove-unknown"], result.WarningCodes());
    }

    [Fact]
    public async Task Check_MissingOverlayFile_IsAUsageError()
    {
        using var scratch = new Scratch();
        var bundle = scratch.Write("bundle.yaml", Base);

        var error = await Assert.ThrowsAsync<BundleUsageException>(() => TestRepo.CheckAsync(bundle, Path.Combine(scratch.Directory, "missing.yaml")));

        Assert.Contains("missing.yaml: no such overlay file", error.Message, StringComparison.Ordinal);
    }
}
