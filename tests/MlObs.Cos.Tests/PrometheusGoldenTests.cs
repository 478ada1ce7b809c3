// PrometheusGoldenTests: the provider writes what the Python MetricsEndpointProvider wrote
// (golden/produce-prometheus.out.json), and the consumer derivation gives what prometheus-k8s
// derived (golden/consume-prometheus.out.json); every rule file passes promtool.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.PrometheusScrape;
using MlObs.Cos.Rules;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace MlObs.Cos.Tests;

public sealed class PrometheusGoldenTests
{
    internal static UnitState State(RelationState relation, bool leader = true) => UnitState.Empty with
    {
        Leader = leader,
        Relations = [relation],
        Model = new ModelState("dev-model", "f2c1b2a6-1234-4abc-8def-0123456789ab", ModelType.Kubernetes),
        Networks = new Dictionary<string, NetworkState>(StringComparer.Ordinal)
        {
            ["metrics-endpoint"] = new()
            {
                BindAddresses = [new BindAddressState { InterfaceName = "eth0", Addresses = [new AddressState("10.1.0.6", "10.1.0.0/24")] }],
                IngressAddresses = ["10.1.0.6"],
                EgressSubnets = ["10.1.0.0/24"],
            },
        },
    };

    internal static RelationState PrometheusRelation() => RelationState.Regular("metrics-endpoint", 0, "prometheus") with
    {
        RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
    };

    private static IReadOnlyList<JsonObject> GoldenJobs() =>
        [.. Golden.Load("produce-prometheus.json")["jobs"]!.AsArray().Select(j => j!.AsObject())];

    [Fact]
    public void Provider_WritesTheGoldenAppAndUnitDatabags()
    {
        using var dir = Golden.CharmDir();
        var golden = Golden.Load("golden/produce-prometheus.out.json");
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, GoldenJobs()), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusRelation();

        var after = ctx.Run(ctx.On.RelationJoined(relation), State(relation));

        var app = after.GetRelation(0)!.LocalAppData;
        var expectedApp = Golden.Strings(golden["app databag"]);
        Assert.Equal(expectedApp.Keys.Order(), app.Keys.Order());
        foreach (var key in expectedApp.Keys)
        {
            // Byte-for-byte: scrape_metadata, job names and group names included.
            Assert.Equal(expectedApp[key], app[key]);
        }

        var unit = after.GetRelation(0)!.LocalUnitData;
        foreach (var (key, value) in Golden.Strings(golden["unit databag"]))
        {
            Assert.Equal(value, unit[key]);
        }

        Assert.False(unit.ContainsKey("prometheus_scrape_unit_path"));
        Assert.Equal(new StatusState("unknown"), after.UnitStatus);
    }

    [Fact]
    public void Provider_AlertRules_PassPromtool()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, GoldenJobs()), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusRelation();
        var after = ctx.Run(ctx.On.RelationJoined(relation), State(relation));

        var rules = JsonNode.Parse(after.GetRelation(0)!.LocalAppData["alert_rules"])!;
        Promtool.AssertRulesValid(ScrapeConfigBuilder.DumpYaml(rules));
    }

    [Fact]
    public void Provider_SecondRunWithSameData_WritesNothing()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, GoldenJobs()), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusRelation();
        var after = ctx.Run(ctx.On.RelationJoined(relation), State(relation));

        ctx.Run(ctx.On.RelationJoined(after.GetRelation(0)!), after);

        var tools = ctx.HookToolCalls.Select(c => c.Tool).ToList();
        Assert.DoesNotContain("relation-set", tools);
        // Each databag read once: our unit's and our application's. Prometheus' `event` is read on
        // relation-changed and kept in stored state, so collect-status reads no databag.
        Assert.Equal(2, tools.Count(t => t == "relation-get"));
        Assert.Equal(1, tools.Count(t => t == "relation-ids"));
    }

    [Fact]
    public void Provider_NonLeader_WritesOnlyItsUnitDatabag()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, GoldenJobs()), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusRelation();

        var after = ctx.Run(ctx.On.RelationJoined(relation), State(relation, leader: false));

        Assert.Empty(after.GetRelation(0)!.LocalAppData);
        Assert.Equal("10.1.0.6", after.GetRelation(0)!.LocalUnitData["prometheus_scrape_unit_address"]);
    }

    [Fact]
    public void Provider_WithExternalUrl_PublishesItsHostAndPath()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, GoldenJobs(), () => "https://Ingress.Example.com:8443/dev-model-myapp-1"), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusRelation();

        var after = ctx.Run(ctx.On.UpdateStatus(), State(relation));

        var unit = after.GetRelation(0)!.LocalUnitData;
        Assert.Equal("ingress.example.com", unit["prometheus_scrape_unit_address"]);
        Assert.Equal("/dev-model-myapp-1", unit["prometheus_scrape_unit_path"]);
        Assert.False(unit.ContainsKey("prometheus_scrape_unit_fqdn"));
    }

    [Fact]
    public void Consumer_DerivesTheGoldenScrapeConfigsAndRuleFile()
    {
        var input = Golden.Load("consume-prometheus.json");
        var golden = Golden.Load("golden/consume-prometheus.out.json");
        var relation = new ScrapeRelationData(
            "metrics-endpoint",
            0,
            Golden.Strings(input["app"]),
            input["units"]!.AsObject().ToDictionary(u => u.Key, u => Golden.Strings(u.Value), StringComparer.Ordinal));

        var derived = ScrapeConfigBuilder.Derive(relation);

        Assert.Empty(derived.Problems);
        var expectedJobs = golden["scrape_configs (as appended to prometheus.yml; honor_labels added by the charm)"]!.AsArray();
        Assert.Equal(PyJson.Dumps(expectedJobs), PyJson.Dumps(new JsonArray([.. derived.Jobs.Select(j => (JsonNode?)j.DeepClone())])));

        var (fileName, content) = golden["alert rule files (/etc/prometheus/rules/<name>)"]!.AsObject().Single();
        Assert.Equal(fileName, derived.RuleFile!.FileName);
        Assert.Equal(content!.GetValue<string>(), derived.RuleFile.Yaml);
        Promtool.AssertRulesValid(derived.RuleFile.Yaml, fileName);
    }

    [Fact]
    public void ProviderOutput_AsConsumed_GivesValidRulesAndPerUnitJobs()
    {
        var input = Golden.Load("golden/produce-prometheus.out.json")["as_consume_input"]!;
        var relation = new ScrapeRelationData(
            "metrics-endpoint",
            3,
            Golden.Strings(input["app"]),
            input["units"]!.AsObject().ToDictionary(u => u.Key, u => Golden.Strings(u.Value), StringComparer.Ordinal));

        var derived = ScrapeConfigBuilder.Derive(relation);

        Assert.Equal(["juju_dev-model_f2c1b2a6_myapp_prometheus_scrape_app-1"], derived.Jobs.Select(j => j["job_name"]!.GetValue<string>()));
        Assert.Equal("juju_dev-model_f2c1b2a6_myapp_metrics-endpoint_3.rules", derived.RuleFile!.FileName);
        Promtool.AssertRulesValid(derived.RuleFile.Yaml);
        var config = ScrapeConfigBuilder.RenderPrometheusConfig(derived.Jobs, ["/etc/prometheus/rules/juju_*.rules"]);
        Assert.Contains("job_name: juju_dev-model_f2c1b2a6_myapp_prometheus_scrape_app-1", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Consumer_UnnamedCollidingJobs_GetTheHashSuffix()
    {
        var jobs = """[{"static_configs": [{"targets": ["*:9000"]}]}, {"static_configs": [{"targets": ["*:9001"]}]}]""";
        var relation = new ScrapeRelationData("metrics-endpoint", 0, new Dictionary<string, string>
        {
            ["scrape_jobs"] = jobs,
            ["scrape_metadata"] = PyJson.Dumps(Golden.Topology.ToJson()),
        }, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["myapp/0"] = new Dictionary<string, string> { ["prometheus_scrape_unit_address"] = "10.1.0.5" } });

        var names = ScrapeConfigBuilder.Derive(relation).Jobs.Select(j => j["job_name"]!.GetValue<string>()).ToList();

        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.Matches("^juju_dev-model_f2c1b2a6_myapp_prometheus_scrape-0_[0-9a-f]{64}$", n));
        Assert.NotEqual(names[0], names[1]);
    }
}
