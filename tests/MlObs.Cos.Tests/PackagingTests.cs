// PackagingTests: rules found in a packed charm (prometheus_alert_rules/ at the charm root), and
// the rules-only provider (no topology, sorted keys).
using System.Text.Json.Nodes;
using MlObs.Ops.Testing;

namespace MlObs.Cos.Tests;

public sealed class PackagingTests
{
    [Fact]
    public void PackedCharm_RulesAtTheCharmRoot_AreFound()
    {
        using var dir = Golden.CharmDir(withRules: false);
        Golden.CopyDir(Path.Combine(Golden.CosDir, "charm", "src", "prometheus_alert_rules"), Path.Combine(dir.Path, "prometheus_alert_rules"));
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, []), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusGoldenTests.PrometheusRelation();

        var after = ctx.Run(ctx.On.RelationJoined(relation), PrometheusGoldenTests.State(relation));

        var names = JsonNode.Parse(after.GetRelation(0)!.LocalAppData["alert_rules"])!["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>());
        Assert.Equal(["dev_model_f2c1b2a6_myapp_high_latency_rules", "dev_model_f2c1b2a6_myapp_sub_my_group_rules", "dev_model_f2c1b2a6_myapp_HostHealth_rules"], names);
    }

    [Fact]
    public void PrometheusRulesProvider_WritesRulesWithoutTopology_SortedKeys()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<RulesOnlyCharm>(f => new RulesOnlyCharm(f), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = PrometheusGoldenTests.PrometheusRelation();

        var after = ctx.Run(ctx.On.RelationJoined(relation), PrometheusGoldenTests.State(relation));

        var value = after.GetRelation(0)!.LocalAppData["alert_rules"];
        Assert.Equal(after.GetRelation(0)!.LocalAppData.Keys, ["alert_rules"]);
        Assert.StartsWith("""{"groups": [{"name": "high_latency_rules", "rules": [{"alert": "HighRequestLatency", "annotations": """, value, StringComparison.Ordinal);
        Assert.Contains("{%%juju_topology%%}", value, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"sub_my_group_rules\"", value, StringComparison.Ordinal);
        Assert.DoesNotContain("juju_model", value, StringComparison.Ordinal);
        Promtool.AssertRulesValid(MlObs.Cos.PrometheusScrape.ScrapeConfigBuilder.DumpYaml(JsonNode.Parse(value.Replace("%%juju_topology%%", "", StringComparison.Ordinal))!));
    }
}
