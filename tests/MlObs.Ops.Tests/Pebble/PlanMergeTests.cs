// PlanMergeTests: Pebble's layer merge rules (replace, merge, appended lists, per-key maps, log
// target removal), plan comparison and the combined-plan checks.
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PlanMergeTests
{
    private static Layer Services(params (string Name, Service Service)[] services) =>
        new() { Services = services.ToDictionary(s => s.Name, s => s.Service) };

    private static Layer Checks(params (string Name, Check Check)[] checks) =>
        new() { Checks = checks.ToDictionary(c => c.Name, c => c.Check) };

    private static Layer Targets(params (string Name, LogTarget Target)[] targets) =>
        new() { LogTargets = targets.ToDictionary(t => t.Name, t => t.Target) };

    private static readonly Service Base = new()
    {
        Override = Override.Replace,
        Command = "/bin/app",
        Summary = "app",
        Startup = StartupMode.Enabled,
        After = ["db"],
        Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" },
        OnCheckFailure = new Dictionary<string, ServiceAction> { ["up"] = ServiceAction.Restart },
        UserId = 1000,
        BackoffDelay = "1s",
    };

    [Fact]
    public void Combine_MergeOverride_OverlaysOnlyTheFieldsItSets()
    {
        var plan = Plan.Combine([
            Services(("app", Base)),
            Services(("app", new Service { Override = Override.Merge, Command = "/bin/app --v2", KillDelay = "10s" })),
        ]);

        Assert.Equal(
            Base with { Command = "/bin/app --v2", KillDelay = "10s" },
            plan.Services["app"]);
    }

    [Fact]
    public void Combine_ReplaceOverride_SwapsTheWholeEntry()
    {
        var replacement = new Service { Override = Override.Replace, Command = "/bin/other" };

        var plan = Plan.Combine([Services(("app", Base)), Services(("app", replacement))]);

        Assert.Equal(replacement, plan.Services["app"]);
    }

    [Fact]
    public void Combine_MergeOverride_AppendsDependencyLists()
    {
        var plan = Plan.Combine([
            Services(("app", Base with { Before = ["proxy"], Requires = ["db"] })),
            Services(("app", new Service { Override = Override.Merge, After = ["cache", "db"], Before = ["web"], Requires = ["cache"] })),
        ]);

        var app = plan.Services["app"];
        Assert.Equal(["db", "cache", "db"], app.After);
        Assert.Equal(["proxy", "web"], app.Before);
        Assert.Equal(["db", "cache"], app.Requires);
    }

    [Fact]
    public void Combine_MergeOverride_MergesMapsKeyByKey()
    {
        var plan = Plan.Combine([
            Services(("app", Base)),
            Services(("app", new Service
            {
                Override = Override.Merge,
                Environment = new Dictionary<string, string> { ["B"] = "two", ["C"] = "3" },
                OnCheckFailure = new Dictionary<string, ServiceAction> { ["ready"] = ServiceAction.Ignore },
            })),
        ]);

        var app = plan.Services["app"];
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two", ["C"] = "3" }, app.Environment);
        Assert.Equal(new Dictionary<string, ServiceAction> { ["up"] = ServiceAction.Restart, ["ready"] = ServiceAction.Ignore }, app.OnCheckFailure);
    }

    [Fact]
    public void Combine_MergeOfNewEntry_AddsItAsIs()
    {
        var entry = new Service { Override = Override.Merge, Command = "/bin/new" };

        var plan = Plan.Combine([Services(("app", Base)), Services(("new", entry))]);

        Assert.Equal(entry, plan.Services["new"]);
        Assert.Equal(Base, plan.Services["app"]);
    }

    [Fact]
    public void Combine_MergeWithEmptyString_KeepsTheOldValue()
    {
        var plan = Plan.Combine([Services(("app", Base)), Services(("app", new Service { Override = Override.Merge, Summary = "" }))]);

        Assert.Equal("app", plan.Services["app"].Summary);
    }

    [Fact]
    public void Combine_ChecksMerge_OverlaysProbeFieldsAndMergesHeaders()
    {
        var plan = Plan.Combine([
            Checks(("up", new Check
            {
                Override = Override.Replace,
                Level = CheckLevel.Alive,
                Period = "10s",
                Threshold = 5,
                Http = new HttpCheck { Url = "http://localhost:8080/health", Headers = new Dictionary<string, string> { ["A"] = "1" } },
            })),
            Checks(("up", new Check
            {
                Override = Override.Merge,
                Period = "30s",
                Http = new HttpCheck { Headers = new Dictionary<string, string> { ["B"] = "2" } },
            })),
        ]);

        var up = plan.Checks["up"];
        Assert.Equal(CheckLevel.Alive, up.Level);
        Assert.Equal("30s", up.Period);
        Assert.Equal(5, up.Threshold);
        Assert.Equal("http://localhost:8080/health", up.Http!.Url);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, up.Http.Headers);
    }

    [Fact]
    public void Combine_ChecksMerge_MergesExecEnvironmentAndTcpFields()
    {
        var plan = Plan.Combine([
            Checks(
                ("exec", new Check { Override = Override.Replace, Exec = new ExecCheck { Command = "probe", Environment = new Dictionary<string, string> { ["X"] = "1" } } }),
                ("tcp", new Check { Override = Override.Replace, Tcp = new TcpCheck { Port = 80 } })),
            Checks(
                ("exec", new Check { Override = Override.Merge, Exec = new ExecCheck { WorkingDir = "/tmp", Environment = new Dictionary<string, string> { ["Y"] = "2" } } }),
                ("tcp", new Check { Override = Override.Merge, Tcp = new TcpCheck { Host = "db" } })),
        ]);

        Assert.Equal(
            new ExecCheck { Command = "probe", WorkingDir = "/tmp", Environment = new Dictionary<string, string> { ["X"] = "1", ["Y"] = "2" } },
            plan.Checks["exec"].Exec);
        Assert.Equal(new TcpCheck { Port = 80, Host = "db" }, plan.Checks["tcp"].Tcp);
    }

    [Fact]
    public void Combine_CheckWithoutThreshold_GetsPebbleDefault()
    {
        var plan = Plan.Combine([Checks(("up", new Check { Override = Override.Replace, Tcp = new TcpCheck { Port = 80 } }))]);

        Assert.Equal(3, plan.Checks["up"].Threshold);
        Assert.Null(plan.Checks["up"].Period);
    }

    [Fact]
    public void Combine_LogTargetMerge_AppendsServicesAndMergesLabels()
    {
        var plan = Plan.Combine([
            Targets(("loki", new LogTarget { Override = Override.Replace, Type = "loki", Location = "http://a", Services = ["app"], Labels = new Dictionary<string, string> { ["a"] = "1" } })),
            Targets(("loki", new LogTarget { Override = Override.Merge, Services = ["db"], Labels = new Dictionary<string, string> { ["b"] = "2" } })),
        ]);

        var loki = plan.LogTargets["loki"];
        Assert.Equal("http://a", loki.Location);
        Assert.Equal(["app", "db"], loki.Services);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, loki.Labels);
    }

    [Fact]
    public void Combine_LaterMinusAll_DisablesTheTargetForEveryService()
    {
        var plan = Plan.Combine([
            Targets(("loki", new LogTarget { Override = Override.Replace, Type = "loki", Location = "http://a", Services = ["all"] })),
            Targets(("loki", new LogTarget { Override = Override.Merge, Services = ["-all"] })),
        ]);

        Assert.Equal(["all", "-all"], plan.LogTargets["loki"].Services);
        Assert.False(plan.LogTargets["loki"].AppliesTo("app"));
    }

    [Fact]
    public void Combine_LogForwarderRemoval_ReplacesTheTargetWithADisabledOne()
    {
        var plan = Plan.Combine([LayerFixtures.LogForwardingLayer() with
        {
            LogTargets = new Dictionary<string, LogTarget> { ["loki/1"] = new() { Override = Override.Replace, Type = "loki", Location = "http://loki-1", Services = ["all"], Labels = new Dictionary<string, string> { ["x"] = "y" } } },
        }, LayerFixtures.LogForwardingLayer()]);

        var removed = plan.LogTargets["loki/1"];
        Assert.Equal("(removed)", removed.Location);
        Assert.Empty(removed.Labels);
        Assert.False(removed.AppliesTo("app"));
        Assert.True(plan.LogTargets["loki/0"].AppliesTo("app"));
    }

    [Theory]
    [InlineData(new[] { "all" }, "app", true)]
    [InlineData(new[] { "app" }, "app", true)]
    [InlineData(new[] { "db" }, "app", false)]
    [InlineData(new string[0], "app", false)]
    [InlineData(new[] { "all", "-app" }, "app", false)]
    [InlineData(new[] { "all", "-app" }, "db", true)]
    [InlineData(new[] { "-all", "app" }, "app", true)]
    [InlineData(new[] { "app", "-all" }, "app", false)]
    [InlineData(new[] { "-app", "all" }, "app", true)]
    public void AppliesTo_ServicesList_FollowsTheLastMatchingEntry(string[] services, string service, bool expected)
    {
        var target = new LogTarget { Override = Override.Merge, Services = services };

        Assert.Equal(expected, target.AppliesTo(service));
    }

    [Fact]
    public void Combine_EntryWithoutOverride_Throws()
    {
        var layer = Services(("app", new Service { Override = default, Command = "x" }));

        var ex = Assert.Throws<PebbleLayerException>(() => Plan.Empty.Apply(layer, "charm"));

        Assert.Equal("layer \"charm\" must define \"override\" for service \"app\"", ex.Message);
    }

    [Fact]
    public void Combine_InvalidOverrideValue_Throws()
    {
        var layer = Checks(("up", new Check { Override = (Override)7 }));

        var ex = Assert.Throws<PebbleLayerException>(() => Plan.Combine([layer]));

        Assert.Equal("layer has invalid \"override\" value for check \"up\"", ex.Message);
    }

    [Fact]
    public void Apply_LayerOnPlan_EqualsCombiningBoth()
    {
        var first = Services(("app", Base));
        var second = Services(("app", new Service { Override = Override.Merge, After = ["cache"] }));

        Assert.Equal(Plan.Combine([first, second]), Plan.Combine([first]).Apply(second));
    }

    [Fact]
    public void Includes_LayerAlreadyApplied_IsTrue()
    {
        // Replace entries, and merge entries without lists, apply idempotently.
        var layer = LayerFixtures.FullLayer() with { LogTargets = LayerFixtures.LogForwardingLayer().LogTargets };
        var plan = Plan.Combine([layer]);

        Assert.True(plan.Includes(layer));
        Assert.True(plan.Includes(new Layer()));
    }

    [Fact]
    public void Includes_ChangedCommand_IsFalse()
    {
        var layer = Services(("app", Base));
        var plan = Plan.Combine([layer]);

        Assert.False(plan.Includes(Services(("app", Base with { Command = "/bin/app --new" }))));
    }

    [Fact]
    public void Includes_MergeThatAppendsToAList_IsFalse()
    {
        var plan = Plan.Combine([Services(("app", Base))]);

        Assert.False(plan.Includes(Services(("app", new Service { Override = Override.Merge, After = ["db"] }))));
    }

    [Fact]
    public void Includes_SameDurationWrittenAsPebblePrintsIt_IsTrue()
    {
        var plan = Plan.FromYaml("services:\n  app:\n    override: replace\n    command: /bin/app\n    kill-delay: 1m0s\n");

        Assert.True(plan.Includes(Services(("app", new Service { Override = Override.Replace, Command = "/bin/app", KillDelay = "60s" }))));
    }

    [Fact]
    public void FromYaml_PebblePlanOutput_EqualsTheCombinedLayers()
    {
        const string pebbleOutput = """
            services:
                app:
                    summary: app
                    startup: enabled
                    override: replace
                    command: /bin/app
                    after:
                        - db
                    environment:
                        A: "1"
                        B: "2"
                    user-id: 1000
                    on-check-failure:
                        up: restart
                    backoff-delay: 1s
            checks:
                up:
                    override: replace
                    threshold: 3
                    tcp:
                        port: 8080
            log-targets:
                loki:
                    type: loki
                    location: http://loki
                    services:
                        - all
                    override: replace
            """;
        var layer = new Layer
        {
            Services = new Dictionary<string, Service> { ["app"] = Base },
            Checks = new Dictionary<string, Check> { ["up"] = new() { Override = Override.Replace, Tcp = new TcpCheck { Port = 8080 } } },
            LogTargets = new Dictionary<string, LogTarget> { ["loki"] = new() { Override = Override.Replace, Type = "loki", Location = "http://loki", Services = ["all"] } },
        };

        Assert.Equal(Plan.Combine([layer]), Plan.FromYaml(pebbleOutput));
    }

    [Fact]
    public void FromYaml_PlanWithFieldsFromNewerPebble_SkipsThem()
    {
        var plan = Plan.FromYaml("services:\n  app:\n    override: replace\n    command: x\n    workload: w\nworkloads:\n  w: {}\n");

        Assert.Equal("x", plan.Services["app"].Command);
    }

    [Fact]
    public void ToYaml_Plan_RoundTrips()
    {
        var plan = Plan.Combine([LayerFixtures.FullLayer(), LayerFixtures.LogForwardingLayer()]);

        Assert.Equal(plan, Plan.FromYaml(plan.ToYaml()));
    }

    [Fact]
    public void Combine_LayerWithSameLabel_MergesAndTakesTheNewSummary()
    {
        var first = Services(("app", Base)) with { Summary = "first" };
        var second = Services(("app", new Service { Override = Override.Merge, After = ["cache"] }));

        var combined = first.Combine(second);

        Assert.Null(combined.Summary);
        Assert.Equal(["db", "cache"], combined.Services["app"].After);
    }

    [Theory]
    [InlineData("services:\n  app:\n    override: merge\n", "plan must define \"command\" for service \"app\"")]
    [InlineData("checks:\n  up:\n    override: merge\n    tcp: {port: 1}\n    http: {url: http://x}\n", "plan must specify one of \"http\", \"tcp\", or \"exec\" for check \"up\"")]
    [InlineData("checks:\n  up:\n    override: merge\n    http: {headers: {A: b}}\n", "plan must set \"url\" for http check \"up\"")]
    [InlineData("log-targets:\n  t:\n    override: merge\n    type: loki\n    location: http://x\n    services: [ghost]\n", "log target \"t\" specifies unknown service \"ghost\"")]
    [InlineData("log-targets:\n  t:\n    override: merge\n    location: http://x\n", "plan must define \"type\" (\"loki\", \"opentelemetry\" or \"syslog\") for log target \"t\"")]
    [InlineData("log-targets:\n  t:\n    override: merge\n    type: loki\n    services: [-all]\n", "plan must define \"location\" for log target \"t\"")]
    [InlineData("services:\n  a:\n    override: merge\n    command: a\n    requires: [ghost]\n", "service \"ghost\" does not exist")]
    [InlineData("services:\n  a:\n    override: merge\n    command: a\n    after: [b]\n  b:\n    override: merge\n    command: b\n    after: [a]\n", "services in before/after loop: a, b")]
    [InlineData("services:\n  a:\n    override: merge\n    command: a\n    before: [b]\n  b:\n    override: merge\n    command: b\n    before: [a]\n", "services in before/after loop: a, b")]
    public void Validate_PlanBreakingPebbleRule_Throws(string yaml, string expected)
    {
        var plan = Plan.Combine([Layer.FromYaml(yaml)]);

        var ex = Assert.Throws<PebbleLayerException>(plan.Validate);

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Validate_ValidPlan_DoesNotThrow()
    {
        var plan = Plan.Combine([
            Layer.FromYaml("services:\n  db:\n    override: replace\n    command: db\n  proxy:\n    override: replace\n    command: proxy\n"),
            LayerFixtures.FullLayer(),
        ]);

        plan.Validate();
    }
}
