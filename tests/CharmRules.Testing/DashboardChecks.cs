// DashboardChecks: a charm's Grafana dashboard uses only COS's datasource variables, every PromQL and LogQL target and
// template variable query parses with MlObs.Cos's parsers, and it renders through GrafanaDashboardRenderer as
// grafana-k8s would, with the Juju topology injected into every target.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.Compression;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Cos.Rules;
using Xunit;

namespace CharmRules.Testing;

/// <summary>Assertions over a charm's dashboard files.</summary>
public static class DashboardChecks
{
    public const string PrometheusDs = "${prometheusds}";
    public const string LokiDs = "${lokids}";

    public static JsonObject Load(string file) => JsonNode.Parse(File.ReadAllText(file))!.AsObject();

    /// <summary>The panels that hold queries (rows excluded), including those nested in collapsed rows.</summary>
    public static List<JsonObject> Panels(JsonObject dashboard) =>
        [.. dashboard["panels"]!.AsArray().Select(p => p!.AsObject())
            .SelectMany(p => p["panels"] is JsonArray nested ? nested.Select(n => n!.AsObject()).Prepend(p) : [p])
            .Where(p => p["type"]!.GetValue<string>() != "row")];

    /// <summary>Every query of the dashboard's panels.</summary>
    public static List<string> Expressions(JsonObject dashboard) =>
        [.. Panels(dashboard).SelectMany(p => p["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>())];

    /// <summary>Some query of the dashboard contains each text; a failure names what is missing.</summary>
    public static void AssertQueriesShow(JsonObject dashboard, params (string Text, string What)[] expected)
    {
        var exprs = Expressions(dashboard);
        Assert.All(expected, e => Assert.True(exprs.Exists(x => x.Contains(e.Text, StringComparison.Ordinal)), $"no query shows {e.What} ({e.Text})"));
    }

    public static string? DatasourceUid(JsonNode? datasource) => datasource switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => o["uid"]?.GetValue<string>(),
        _ => null,
    };

    public static void AssertTitleVersionAndNoFixedUid(JsonObject dashboard)
    {
        Assert.False(string.IsNullOrWhiteSpace(dashboard["title"]?.GetValue<string>()));
        Assert.True(dashboard["version"]!.GetValue<int>() >= 1);
        Assert.Null(dashboard["uid"]); // the provider derives the uid from the charm and the file
    }

    /// <summary>Every panel, and each of its targets, uses <c>${prometheusds}</c> or <c>${lokids}</c>.</summary>
    public static void AssertDatasourcesAreTheCosVariables(JsonObject dashboard)
    {
        foreach (var panel in Panels(dashboard))
        {
            var title = panel["title"]!.GetValue<string>();
            var datasource = DatasourceUid(panel["datasource"]);
            Assert.True(datasource is PrometheusDs or LokiDs, $"panel '{title}': datasource {datasource}");
            Assert.True(panel["targets"] is JsonArray { Count: > 0 }, $"panel '{title}' has no target");
            foreach (var target in panel["targets"]!.AsArray().Select(t => t!.AsObject()))
            {
                Assert.Equal(datasource, DatasourceUid(target["datasource"]));
            }
        }
    }

    /// <summary>Every target parses in its panel's query language (Grafana variables included); returns how many.</summary>
    public static int AssertEveryTargetParses(JsonObject dashboard)
    {
        var count = 0;
        foreach (var panel in Panels(dashboard))
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

        return count;
    }

    /// <summary>
    /// The template variables are exactly <paramref name="names"/>, each a Prometheus <c>label_values(selector, name)</c>
    /// query whose selector parses; returns the selectors by variable.
    /// </summary>
    public static Dictionary<string, string> AssertLabelValuesVariables(JsonObject dashboard, params string[] names)
    {
        var variables = dashboard["templating"]!["list"]!.AsArray().Select(v => v!.AsObject()).ToDictionary(v => v["name"]!.GetValue<string>());

        Assert.Equal(names, variables.Keys);
        var selectors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, variable) in variables)
        {
            Assert.Equal(PrometheusDs, DatasourceUid(variable["datasource"]));
            var query = variable["query"]!["query"]!.GetValue<string>();
            Assert.StartsWith("label_values(", query, StringComparison.Ordinal);
            Assert.EndsWith($", {name})", query, StringComparison.Ordinal);
            var selector = query["label_values(".Length..query.LastIndexOf(',')];
            Assert.True(PromQl.TryParse(selector, out var error), $"variable {name}: {error}");
            selectors[name] = selector;
        }

        return selectors;
    }

    /// <summary>
    /// Renders the dashboard as grafana-k8s would from the charm's relation data (topology dropdowns injected), asserts
    /// there was no error or warning, that the variables include the topology and <paramref name="variables"/>, and that
    /// every target carries the topology matcher and still parses; returns the rendered dashboard.
    /// </summary>
    public static JsonObject AssertRendersWithTheTopology(JsonObject dashboard, string charm, string fileKey, JujuTopology topology, params string[] variables)
    {
        var template = new JsonObject
        {
            ["charm"] = charm,
            ["content"] = LzmaBase64.Compress(dashboard.ToJsonString()),
            ["juju_topology"] = new JsonObject
            {
                ["model"] = topology.Model,
                ["model_uuid"] = topology.ModelUuid,
                ["application"] = topology.Application,
                ["unit"] = topology.Unit,
            },
            ["inject_dropdowns"] = true,
            ["dashboard_alt_uid"] = "0123456789abcdef",
        };
        var value = new JsonObject { ["templates"] = new JsonObject { [fileKey] = template }, ["uuid"] = "a2c1b2a6-1234-4abc-8def-0123456789ab" };

        var result = GrafanaDashboardRenderer.Render(value.ToJsonString(), 1, new GrafanaRenderOptions
        {
            PromQlInjector = CosTool.PromQlInjector,
            LogQlInjector = CosTool.LogQlInjector,
        });

        Assert.Null(result.HookError);
        Assert.Null(result.Event);
        Assert.Empty(result.Warnings);
        var rendered = JsonNode.Parse(Assert.Single(result.Dashboards).Content)!.AsObject();
        var names = rendered["templating"]!["list"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string>(["juju_model", "juju_model_uuid", "juju_application", "juju_unit", "prometheusds", "lokids", .. variables]), names);
        foreach (var panel in Panels(rendered).Where(p => p["targets"] is JsonArray))
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

        return rendered;
    }
}
