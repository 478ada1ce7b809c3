// DashboardTests: the drift overview dashboard uses only COS's datasource variables, every PromQL and LogQL target
// parses with MlObs.Cos's parsers (Grafana variables included), it shows what operators need, and it renders through
// GrafanaDashboardRenderer as grafana-k8s would, with the Juju topology injected into every target.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.Compression;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Cos.Rules;

namespace DriftMonitorRules.Tests;

public sealed class DashboardTests
{
    private const string PrometheusDs = "${prometheusds}";
    private const string LokiDs = "${lokids}";

    private static string DashboardFile => Assert.Single(CharmFiles.DashboardFiles, f => Path.GetFileName(f) == "drift-overview.json");

    [Fact]
    public void Dashboard_HasATitleAnIntegerVersionAndNoFixedUid()
    {
        var dashboard = CharmFiles.LoadDashboard(DashboardFile);

        Assert.False(string.IsNullOrWhiteSpace(dashboard["title"]?.GetValue<string>()));
        Assert.True(dashboard["version"]!.GetValue<int>() >= 1);
        Assert.Null(dashboard["uid"]); // the provider derives the Path40 uid from the charm and the file
    }

    [Fact]
    public void EveryPanel_UsesThePrometheusOrLokiDatasourceVariable()
    {
        foreach (var panel in Panels())
        {
            var title = panel["title"]!.GetValue<string>();
            var datasource = DatasourceUid(panel["datasource"]);
            Assert.True(datasource is PrometheusDs or LokiDs, $"panel '{title}': datasource {datasource}");
            foreach (var target in panel["targets"]!.AsArray().Select(t => t!.AsObject()))
            {
                Assert.Equal(datasource, DatasourceUid(target["datasource"]));
            }
        }
    }

    [Fact]
    public void EveryTarget_ParsesInItsQueryLanguage()
    {
        var count = 0;
        foreach (var panel in Panels())
        {
            var logs = DatasourceUid(panel["datasource"]) == LokiDs;
            foreach (var target in panel["targets"]!.AsArray())
            {
                var expr = target!["expr"]!.GetValue<string>();
                string? error;
                var valid = logs ? LogQl.TryParse(expr, out error) : PromQl.TryParse(expr, out error);
                Assert.True(valid, $"panel '{panel["title"]}': {error}");
                count++;
            }
        }

        Assert.True(count >= 20, $"only {count} targets");
    }

    [Fact]
    public void TemplateVariables_SelectModelAndFeature_WithLabelValuesQueries()
    {
        var variables = CharmFiles.LoadDashboard(DashboardFile)["templating"]!["list"]!.AsArray().Select(v => v!.AsObject()).ToDictionary(v => v["name"]!.GetValue<string>());

        Assert.Equal(["model", "feature"], variables.Keys);
        foreach (var (name, variable) in variables)
        {
            Assert.Equal(PrometheusDs, DatasourceUid(variable["datasource"]));
            var query = variable["query"]!["query"]!.GetValue<string>();
            Assert.StartsWith("label_values(", query, StringComparison.Ordinal);
            Assert.EndsWith($", {name})", query, StringComparison.Ordinal);
            var selector = query["label_values(".Length..query.LastIndexOf(',')];
            Assert.True(PromQl.TryParse(selector, out var error), error);
        }
    }

    [Fact]
    public void Dashboard_ShowsWhatOperatorsNeed()
    {
        var exprs = Panels().SelectMany(p => p["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        bool Uses(string text) => exprs.Exists(e => e.Contains(text, StringComparison.Ordinal));

        Assert.True(Uses("mlobs_dataset_drift_share"), "dataset drift share");
        Assert.True(Uses("topk(10, "), "the most drifted features");
        Assert.True(Uses("mlobs_drift_score{") && Uses("mlobs_drift_threshold{"), "score against threshold");
        Assert.True(Uses("rate(mlobs_records_ingested_total"), "ingest rate");
        Assert.True(Uses("sum by (model, reason) (rate(mlobs_records_rejected_total"), "rejection rate by reason");
        Assert.True(Uses("mlobs_window_records"), "window sizes");
        Assert.True(Uses("time() - mlobs_last_evaluation_timestamp_seconds"), "last evaluation age");
        Assert.True(Uses("mlobs_join_pending"), "join pending");
        Assert.True(Uses("mlobs_evaluation_duration_seconds_bucket"), "evaluation duration");
        Assert.Contains(Panels(), p => p["type"]!.GetValue<string>() == "logs" && DatasourceUid(p["datasource"]) == LokiDs);
        var scoreAgainstThreshold = Assert.Single(Panels(), p => p["title"]!.GetValue<string>() == "Drift score against threshold");
        Assert.True(scoreAgainstThreshold["targets"]!.AsArray().Count >= 2, "the threshold is a second query");
    }

    [Fact]
    public void Dashboard_RendersAsGrafanaK8sWould_WithTheTopologyInEveryTarget()
    {
        var dashboard = CharmFiles.LoadDashboard(DashboardFile);
        var template = new JsonObject
        {
            ["charm"] = "drift-monitor-k8s",
            ["content"] = LzmaBase64.Compress(dashboard.ToJsonString()),
            ["juju_topology"] = new JsonObject
            {
                ["model"] = "kubeflow",
                ["model_uuid"] = "f2c1b2a6-1234-4abc-8def-0123456789ab",
                ["application"] = "drift-monitor",
                ["unit"] = "drift-monitor/0",
            },
            ["inject_dropdowns"] = true,
            ["dashboard_alt_uid"] = "0123456789abcdef",
        };
        var value = new JsonObject { ["templates"] = new JsonObject { ["file:drift-overview"] = template }, ["uuid"] = "a2c1b2a6-1234-4abc-8def-0123456789ab" };

        var result = GrafanaDashboardRenderer.Render(value.ToJsonString(), 1, new GrafanaRenderOptions
        {
            PromQlInjector = CosTool.PromQlInjector,
            LogQlInjector = CosTool.LogQlInjector,
        });

        Assert.Null(result.HookError);
        Assert.Null(result.Event);
        Assert.Empty(result.Warnings);
        var rendered = JsonNode.Parse(Assert.Single(result.Dashboards).Content)!.AsObject();
        var variables = rendered["templating"]!["list"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToList();
        Assert.Superset(new HashSet<string> { "juju_model", "juju_model_uuid", "juju_application", "juju_unit", "prometheusds", "lokids", "model", "feature" }, variables.ToHashSet());
        foreach (var panel in rendered["panels"]!.AsArray().Select(p => p!.AsObject()).Where(p => p["targets"] is JsonArray))
        {
            var logs = DatasourceUid(panel["datasource"]) == LokiDs;
            foreach (var target in panel["targets"]!.AsArray())
            {
                var expr = target!["expr"]!.GetValue<string>();
                // The renderer leaves an expression unchanged when injection fails: the matcher proves it worked.
                Assert.True(expr.Contains("juju_application=~\"$juju_application\"", StringComparison.Ordinal), $"panel '{panel["title"]}': no topology in {expr}");
                string? error;
                Assert.True(logs ? LogQl.TryParse(expr, out error) : PromQl.TryParse(expr, out error), $"panel '{panel["title"]}': {error}");
            }
        }
    }

    private static List<JsonObject> Panels() =>
        [.. CharmFiles.LoadDashboard(DashboardFile)["panels"]!.AsArray().Select(p => p!.AsObject()).Where(p => p["type"]!.GetValue<string>() != "row")];

    private static string? DatasourceUid(JsonNode? datasource) => datasource switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => o["uid"]?.GetValue<string>(),
        _ => null,
    };
}
