// LokiGoldenTests: LogForwarder writes the golden metadata/alert_rules and Pebble log targets
// (golden/produce-loki-forwarder.out.json), and the Loki-side rule file matches
// golden/consume-loki.out.json.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.LokiPushApi;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace MlObs.Cos.Tests;

public sealed class LokiGoldenTests
{
    internal static RelationState LokiRelation(IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> units) =>
        RelationState.Regular("logging", 1, "loki") with { RemoteUnitsData = units };

    internal static UnitState State(RelationState relation, ContainerState? container = null, bool leader = true) => UnitState.Empty with
    {
        Leader = leader,
        Relations = [relation],
        Containers = [container ?? new ContainerState { Name = "workload", CanConnect = true }],
        Model = new ModelState("dev-model", "f2c1b2a6-1234-4abc-8def-0123456789ab", ModelType.Kubernetes),
    };

    private static Dictionary<int, IReadOnlyDictionary<string, string>> GoldenLokiUnits()
    {
        var input = Golden.Load("produce-loki-forwarder.json");
        return input["remote_units"]!.AsObject().ToDictionary(
            u => int.Parse(u.Key.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture),
            u => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(RelationState.DefaultUnitData)
            {
                // Juju stores strings: the golden input's endpoint object as json.dumps wrote it.
                ["endpoint"] = PyJson.Dumps(u.Value!["endpoint"]),
            });
    }

    [Fact]
    public void LogForwarder_WritesTheGoldenDatabagAndLogTargets()
    {
        using var dir = Golden.CharmDir();
        var golden = Golden.Load("golden/produce-loki-forwarder.out.json");
        var ctx = new Context<ForwarderCharm>(f => new ForwarderCharm(f), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiRelation(GoldenLokiUnits());

        var after = ctx.Run(ctx.On.RelationChanged(relation), State(relation));

        var app = after.GetRelation(1)!.LocalAppData;
        var expected = Golden.Strings(golden["app databag"]);
        Assert.Equal(expected["metadata"], app["metadata"]);
        // Intentional difference: the Python library turns `{%%juju_topology%%, level="error"}` into
        // `{job=~".+" level="error"}` (invalid LogQL, Loki rejects the whole relation's rules); we keep
        // the comma. Everything else is byte-for-byte the golden value.
        var upstreamBug = "{job=~\\\".+\\\" level=\\\"error\\\"}";
        Assert.Contains(upstreamBug, expected["alert_rules"], StringComparison.Ordinal);
        Assert.Equal(expected["alert_rules"].Replace(upstreamBug, "{job=~\\\".+\\\", level=\\\"error\\\"}", StringComparison.Ordinal), app["alert_rules"]);

        var layer = after.GetContainer("workload")!.Layers["workload-log-forwarding"];
        var expectedTargets = golden["pebble layers added"]!["workload-log-forwarding"]!["log-targets"]!.AsObject();
        Assert.Equal(expectedTargets.Select(t => t.Key).Order(), layer.LogTargets.Keys.Order());
        foreach (var (name, target) in expectedTargets)
        {
            var actual = layer.LogTargets[name];
            Assert.Equal(Override.Replace, actual.Override);
            Assert.Equal("loki", actual.Type);
            Assert.Equal(target!["location"]!.GetValue<string>(), actual.Location);
            Assert.Equal(["all"], actual.Services);
            Assert.Equal(Golden.Strings(target["labels"]).OrderBy(kv => kv.Key), actual.Labels.OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void LogForwarder_GoneLokiUnit_IsDisabledAsRemoved()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<ForwarderCharm>(f => new ForwarderCharm(f), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiRelation(GoldenLokiUnits());
        var after = ctx.Run(ctx.On.RelationChanged(relation), State(relation));

        var shrunk = after.GetRelation(1)! with { RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = GoldenLokiUnits()[0] } };
        after = ctx.Run(ctx.On.RelationChanged(shrunk), after with { Relations = [shrunk] });

        var plan = after.GetContainer("workload")!.GetPlan();
        Assert.Equal("(removed)", plan.LogTargets["loki/1"].Location);
        Assert.Equal(["-all"], plan.LogTargets["loki/1"].Services);
        Assert.Empty(plan.LogTargets["loki/1"].Labels);
        Assert.Equal(["all"], plan.LogTargets["loki/0"].Services);
    }

    [Fact]
    public void LogForwarder_BeforeJuju34_AddsNoLayer()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<ForwarderCharm>(f => new ForwarderCharm(f), dir.Path, new ContextOptions { ApplicationName = "myapp", JujuVersion = "3.3.6" });
        var relation = LokiRelation(GoldenLokiUnits());

        var after = ctx.Run(ctx.On.RelationChanged(relation), State(relation));

        Assert.Empty(after.GetContainer("workload")!.Layers);
        Assert.Equal("blocked", after.UnitStatus.Name);
    }

    [Fact]
    public void LogForwarder_ContainerThatCannotConnect_IsLeftAlone()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<ForwarderCharm>(f => new ForwarderCharm(f), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiRelation(GoldenLokiUnits());

        var after = ctx.Run(ctx.On.RelationChanged(relation), State(relation, new ContainerState { Name = "workload", CanConnect = false }));

        Assert.Empty(after.GetContainer("workload")!.Layers);
        Assert.True(after.GetRelation(1)!.LocalAppData.ContainsKey("alert_rules"));
    }

    [Fact]
    public void LokiConsumer_DerivesTheGoldenRuleFile()
    {
        var input = Golden.Load("consume-loki.json");
        var golden = Golden.Load("golden/consume-loki.out.json");

        var file = LokiRuleFileBuilder.Derive(Golden.Strings(input["app"]), input["units"]!.AsObject().Count, null, out var problems);

        Assert.Empty(problems);
        var (name, content) = golden["alert rule files (loki rules dir/<tenant>/<name>, as loki-k8s writes them)"]!.AsObject().Single();
        Assert.Equal(name, file!.FileName);
        Assert.Equal(content!.GetValue<string>(), file.Yaml);
    }

    [Fact]
    public void LokiPushApiConsumer_ReadsEndpointsAndPublishesRules()
    {
        using var dir = Golden.CharmDir();
        IReadOnlyList<LokiEndpoint> seen = [];
        var ctx = new Context<LokiConsumerCharm>(f => new LokiConsumerCharm(f, e => seen = e), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiRelation(GoldenLokiUnits());

        var after = ctx.Run(ctx.On.RelationJoined(relation), State(relation));
        ctx.Run(ctx.On.RelationChanged(relation), after);

        Assert.Equal(
            ["http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push", "http://loki-1.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push"],
            seen.Select(e => e.Url));
        var rules = JsonNode.Parse(after.GetRelation(1)!.LocalAppData["alert_rules"])!;
        Assert.Equal(2, rules["groups"]!.AsArray().Count);
        Assert.DoesNotContain(after.UnitStatus.Name, new[] { "blocked", "waiting" });
    }
}
