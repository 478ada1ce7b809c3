// DashboardTests: the drift overview dashboard uses only COS's datasource variables, every PromQL and LogQL target
// parses with MlObs.Cos's parsers (Grafana variables included), it shows what operators need, and it renders through
// GrafanaDashboardRenderer as grafana-k8s would, with the Juju topology injected into every target.
using System.Text.Json.Nodes;
using CharmRules.Testing;

namespace DriftMonitorRules.Tests;

public sealed class DashboardTests
{
    private static JsonObject Dashboard => DashboardChecks.Load(DriftCharm.Files.Dashboard("drift-overview.json"));

    private static List<JsonObject> Panels() => DashboardChecks.Panels(Dashboard);

    [Fact]
    public void Dashboard_HasATitleAnIntegerVersionAndNoFixedUid() => DashboardChecks.AssertTitleVersionAndNoFixedUid(Dashboard);

    [Fact]
    public void EveryPanel_UsesThePrometheusOrLokiDatasourceVariable() => DashboardChecks.AssertDatasourcesAreTheCosVariables(Dashboard);

    [Fact]
    public void EveryTarget_ParsesInItsQueryLanguage()
    {
        var count = DashboardChecks.AssertEveryTargetParses(Dashboard);

        Assert.True(count >= 20, $"only {count} targets");
    }

    [Fact]
    public void TemplateVariables_SelectModelAndFeature_WithLabelValuesQueries() =>
        DashboardChecks.AssertLabelValuesVariables(Dashboard, "model", "feature");

    [Fact]
    public void Dashboard_ShowsWhatOperatorsNeed()
    {
        DashboardChecks.AssertQueriesShow(
            Dashboard,
            ("mlobs_dataset_drift_share", "dataset drift share"),
            ("topk(10, ", "the most drifted features"),
            ("mlobs_drift_score{", "the score"),
            ("mlobs_drift_threshold{", "the threshold"),
            ("rate(mlobs_records_ingested_total", "ingest rate"),
            ("sum by (model, reason) (rate(mlobs_records_rejected_total", "rejection rate by reason"),
            ("mlobs_window_records", "window sizes"),
            ("time() - mlobs_last_evaluation_timestamp_seconds", "last evaluation age"),
            ("mlobs_join_pending", "join pending"),
            ("mlobs_evaluation_duration_seconds_bucket", "evaluation duration"));
        Assert.Contains(Panels(), p => p["type"]!.GetValue<string>() == "logs" && DashboardChecks.DatasourceUid(p["datasource"]) == DashboardChecks.LokiDs);
        var scoreAgainstThreshold = Assert.Single(Panels(), p => p["title"]!.GetValue<string>() == "Drift score against threshold");
        Assert.True(scoreAgainstThreshold["targets"]!.AsArray().Count >= 2, "the threshold is a second query");
    }

    [Fact]
    public void Dashboard_RendersAsGrafanaK8sWould_WithTheTopologyInEveryTarget() =>
        DashboardChecks.AssertRendersWithTheTopology(Dashboard, "drift-monitor-k8s", "file:drift-overview", DriftCharm.Topology, "model", "feature");
}
