// GrafanaDashboardRendererTests: what grafana-k8s derives from a dashboards value (golden
// consume-grafana), the conversion rules, topology injection, de-duplication and malformed input.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MlObs.Cos.Compression;
using MlObs.Cos.GrafanaDashboard;

namespace MlObs.Cos.Tests.GrafanaDashboard;

public sealed class GrafanaDashboardRendererTests
{
    private static readonly GrafanaRenderOptions NoInjection = new() { InjectTopology = false };

    [Fact]
    public void ConsumeGolden_DerivesTheDashboardGrafanaK8sProvisions()
    {
        var input = Golden.Load("consume-grafana.json")["app"]!["dashboards"]!.GetValue<string>();
        var golden = Golden.Load("golden/consume-grafana.out.json")["dashboards (GrafanaDashboardConsumer.dashboards, after dedupe by uid)"]!.AsArray().Single()!;

        // The golden ran without a label-injecting cos-tool: no injection here either.
        var result = GrafanaDashboardRenderer.Render(input, 1, NoInjection);

        Assert.Null(result.HookError);
        Assert.Null(result.Event);
        var dashboard = Assert.Single(GrafanaDashboardRenderer.Deduplicate(result.Dashboards));
        Assert.Equal(golden["id"]!.GetValue<string>(), dashboard.Id);
        Assert.Equal(golden["relation_id"]!.GetValue<string>(), dashboard.RelationId);
        Assert.Equal(golden["charm"]!.GetValue<string>(), dashboard.Charm);
        Assert.Equal(golden["dashboard_uid"]!.GetValue<string>(), dashboard.Uid);
        Assert.Equal(golden["dashboard_version"]!.GetValue<long>(), dashboard.Version);
        Assert.Equal(golden["dashboard_title"]!.GetValue<string>(), dashboard.Title);
        Assert.Equal(golden["grafana-k8s file name"]!.GetValue<string>(), dashboard.FileName);

        var summary = golden["content_summary"]!.AsObject();
        var content = JsonNode.Parse(dashboard.Content)!.AsObject();
        Assert.Equal(summary["uid"]!.GetValue<string>(), content["uid"]!.GetValue<string>());
        Assert.Equal(summary["title"]!.GetValue<string>(), content["title"]!.GetValue<string>());
        Assert.Equal(summary["version"]!.GetValue<int>(), content["version"]!.GetValue<int>());
        Assert.Null(content["tags"]);
        Assert.Equal(
            summary["templating.list[].name"]!.AsArray().Select(n => n!.GetValue<string>()),
            content["templating"]!["list"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        var panels = content["panels"]!.AsArray();
        Assert.Equal(summary["panel datasources"]!.ToJsonString(), new JsonArray([.. panels.Select(p => p!["datasource"]!.DeepClone())]).ToJsonString());
        Assert.Equal(
            summary["panel exprs"]!.AsArray().Select(n => n!.GetValue<string>()),
            panels.Select(p => p!["targets"]![0]!["expr"]!.GetValue<string>()));
    }

    [Fact]
    public void ProduceGolden_KeepsThePath40Uid_AndTheCharmTag()
    {
        var input = Golden.Load("golden/produce-grafana.out.json")["app databag"]!["dashboards"]!.GetValue<string>();

        var dashboard = Assert.Single(GrafanaDashboardRenderer.Render(input, 3, NoInjection).Dashboards);

        Assert.Equal("02b2f5a06c5423a692195263e711685c65df3934", dashboard.Uid);
        Assert.Equal("3", dashboard.RelationId);
        Assert.Contains("\"tags\": [\"charm: my-charm\"]", dashboard.Content, StringComparison.Ordinal);
    }

    // Expected file-name hashes computed by running the Python library's _convert_dashboard_fields
    // (LIBPATCH 50) offline on the same dashboards: sha256(json.dumps(result))[:7].
    [Theory]
    [InlineData(true, "c2d74cf")]
    [InlineData(false, "8967b7b")]
    public void Convert_WithoutTemplating_InsertsTheDropdowns_AndRewritesEveryKnownDatasource(bool injectDropdowns, string hash)
    {
        var dashboard = JsonNode.Parse("""
            {"title":"A","uid":"a","version":2,"panels":[{"datasource":"Prometheus","targets":[{"expr":"up"}]},{"datasource":"my-loki","targets":[{"expr":"{a=\"b\"}"}]},{"datasource":"-- Grafana --"},{"datasource":{"type":"prometheus","uid":"abc"}},{"datasource":{"type":"influx","uid":"x"}},{"title":"no ds"}],"rows":[{"panels":[{"datasource":"loki"}]}]}
            """)!.AsObject();

        GrafanaDashboardRenderer.ConvertDashboardFields(dashboard, injectDropdowns);

        Assert.Equal(hash, Sha7(PyJson.Dumps(dashboard)));
        Assert.Equal(injectDropdowns ? 6 : 2, dashboard["templating"]!["list"]!.AsArray().Count);
        // The library looks for "grafana" case-sensitively: Grafana's own "-- Grafana --" becomes Prometheus.
        Assert.Equal("${prometheusds}", dashboard["panels"]![2]!["datasource"]!.GetValue<string>());
    }

    [Fact]
    public void Convert_WithTemplating_InsertsMissingDropdownsFirst_AndReplacesDatasourceVariables()
    {
        var dashboard = JsonNode.Parse("""
            {"__inputs":[{"name":"DS_PROM","type":"datasource","pluginName":"Prometheus"}],"title":"B","uid":"b","version":1,"templating":{"list":[{"name":"ds","type":"datasource","query":"Loki"},{"name":"juju_model","type":"query"}]},"panels":[{"datasource":"${DS_PROM}"},{"datasource":{"type":"loki","uid":"$ds"}},{"datasource":"${prometheusds}"},{"datasource":"other"}]}
            """)!.AsObject();

        GrafanaDashboardRenderer.ConvertDashboardFields(dashboard, injectDropdowns: true);

        Assert.Equal("12605a2", Sha7(PyJson.Dumps(dashboard)));
        Assert.Equal(
            ["lokids", "prometheusds", "juju_unit", "juju_application", "juju_model_uuid", "juju_model"],
            dashboard["templating"]!["list"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        Assert.Null(dashboard["__inputs"]);
    }

    [Fact]
    public void Injection_PassesTheTopologyMatchers_AndRestoresRangesAndOffsets()
    {
        var input = Value(new JsonObject
        {
            ["title"] = "T",
            ["uid"] = "t",
            ["panels"] = new JsonArray(
                new JsonObject { ["datasource"] = "${prometheusds}", ["targets"] = new JsonArray(new JsonObject { ["expr"] = "rate(x[$__rate_interval] offset $off)" }) },
                new JsonObject { ["datasource"] = new JsonObject { ["type"] = "loki", ["uid"] = "${lokids}" }, ["targets"] = new JsonArray(new JsonObject { ["expr"] = "{a=\"b\"}" }) },
                new JsonObject { ["datasource"] = "${prometheusds}", ["targets"] = new JsonArray(new JsonObject { ["expr"] = "broken(" }) }),
        });
        var seen = new List<(string Expr, string Matchers)>();
        var options = new GrafanaRenderOptions
        {
            PromQlInjector = (expr, matchers) =>
            {
                seen.Add((expr, string.Join(",", matchers.Select(m => $"{m.Name}{m.Op}\"{m.Value}\""))));
                return expr.StartsWith("broken", StringComparison.Ordinal)
                    ? throw new FormatException("parse error")
                    : expr.Replace("x[", "x{juju_model=\"$juju_model\"}[", StringComparison.Ordinal);
            },
            LogQlInjector = (expr, matchers) => expr.Replace("}", ", juju_unit=~\"$juju_unit\"}", StringComparison.Ordinal),
        };

        var content = JsonNode.Parse(Assert.Single(GrafanaDashboardRenderer.Render(input, 1, options).Dashboards).Content)!;

        Assert.Equal("rate(x[5y] offset 5y)", seen[0].Expr);
        Assert.Equal("juju_model=~\"$juju_model\",juju_model_uuid=~\"$juju_model_uuid\",juju_application=~\"$juju_application\",juju_unit=~\"$juju_unit\"", seen[0].Matchers);
        Assert.Equal("rate(x{juju_model=~\"$juju_model\"}[$__rate_interval] offset $off)", content["panels"]![0]!["targets"]![0]!["expr"]!.GetValue<string>());
        Assert.Equal("{a=\"b\", juju_unit=~\"$juju_unit\"}", content["panels"]![1]!["targets"]![0]!["expr"]!.GetValue<string>());
        Assert.Equal("broken(", content["panels"]![2]!["targets"]![0]!["expr"]!.GetValue<string>());
    }

    [Fact]
    public void Injection_IsSkipped_WithoutTopology()
    {
        var calls = 0;
        var input = Value(new JsonObject { ["uid"] = "t", ["panels"] = new JsonArray(new JsonObject { ["datasource"] = "${prometheusds}", ["targets"] = new JsonArray(new JsonObject { ["expr"] = "up" }) }) }, topology: new JsonObject());

        GrafanaDashboardRenderer.Render(input, 1, new GrafanaRenderOptions { PromQlInjector = (e, _) => { calls++; return e; } });

        Assert.Equal(0, calls);
    }

    [Fact]
    public void MissingUid_TakesTheAlternativeUid()
    {
        var dashboard = Assert.Single(GrafanaDashboardRenderer.Render(Value(new JsonObject { ["title"] = "No uid" }), 1, NoInjection).Dashboards);

        Assert.Equal("e727ce7b8000e7a1", dashboard.Uid);
    }

    [Fact]
    public void Deduplicate_KeepsTheHighestVersion_PerUid_AndDropsEmptyUids()
    {
        RenderedDashboard D(string uid, long version, string relation) => new("file:x", relation, "c", "{}", uid, version, "t");

        var kept = GrafanaDashboardRenderer.Deduplicate(
            [D("a", 1, "1"), D("b", 5, "1"), D("a", 3, "2"), D("a", 2, "3"), D("", 9, "1"), D("b", 5, "10"), D("c", 1, "9"), D("c", 1, "10")]);

        // Ties go to the higher relation id compared as text, as Python's max over the peer-data keys.
        Assert.Equal([("a", 3L, "2"), ("b", 5L, "10"), ("c", 1L, "9")], kept.Select(d => (d.Uid, d.Version, d.RelationId)));
    }

    [Fact]
    public void NotXz_IsTheEventGrafanaWrites_AndDropsEveryDashboardOfTheRelation()
    {
        var good = Value(new JsonObject { ["uid"] = "good" });
        var data = JsonNode.Parse(good)!.AsObject();
        data["templates"]!["file:bad"] = new JsonObject { ["charm"] = "my-charm", ["content"] = Convert.ToBase64String("not xz"u8) };

        var result = GrafanaDashboardRenderer.Render(data.ToJsonString(), 1, NoInjection);

        Assert.Empty(result.Dashboards);
        Assert.Null(result.HookError);
        Assert.Equal("""{"errors": [{"dashboard_id": "file:bad", "error": "Input format not supported by decoder"}]}""", result.Event);
    }

    [Theory]
    [InlineData("{not json", "JSONDecodeError")]
    [InlineData("[]", "AttributeError")]
    [InlineData("""{"uuid": "x"}""", "KeyError: 'templates'")]
    [InlineData("""{"templates": {"file:a": {"charm": "c", "content": "a"}}}""", "Invalid base64-encoded string")]
    [InlineData("""{"templates": {"file:a": {"charm": "c"}}}""", "KeyError: 'content'")]
    public void WhereGrafanaK8sWouldFailItsHook_TheResultSaysSo_WithoutThrowing(string value, string expected)
    {
        var result = GrafanaDashboardRenderer.Render(value, 1);

        Assert.Contains(expected, result.HookError, StringComparison.Ordinal);
        Assert.Empty(result.Dashboards);
    }

    [Fact]
    public void ContentThatIsNotJson_IsSkippedWithAWarning()
    {
        var value = new JsonObject
        {
            ["templates"] = new JsonObject { ["file:a"] = new JsonObject { ["charm"] = "c", ["content"] = LzmaBase64.Compress("{oops") } },
        };

        var result = GrafanaDashboardRenderer.Render(value.ToJsonString(), 1);

        Assert.Empty(result.Dashboards);
        Assert.Null(result.Event);
        Assert.Contains(result.Warnings, w => w.Contains("file:a", StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyValue_IsAWarning() =>
        Assert.Single(GrafanaDashboardRenderer.Render(null, 1).Warnings);

    private static string Value(JsonObject dashboard, JsonObject? topology = null) => PyJson.Dumps(new JsonObject
    {
        ["templates"] = new JsonObject
        {
            ["file:overview"] = new JsonObject
            {
                ["charm"] = "my-charm",
                ["content"] = LzmaBase64.Compress(PyJson.Dumps(dashboard)),
                ["juju_topology"] = topology ?? new JsonObject { ["model"] = "m", ["model_uuid"] = "u", ["application"] = "a", ["unit"] = "a/0" },
                ["inject_dropdowns"] = true,
                ["dashboard_alt_uid"] = "e727ce7b8000e7a1",
            },
        },
        ["uuid"] = "00000000-0000-4000-8000-000000000001",
    });

    private static string Sha7(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..7];
}
