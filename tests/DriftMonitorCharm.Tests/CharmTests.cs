using System.Text.Json;
using MlObs.Drift.Evaluation;
using MlObs.DriftMonitor.Configuration;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;
using static DriftMonitorCharm.Tests.CharmTestData;

namespace DriftMonitorCharm.Tests;

/// <summary>State-transition tests of drift-monitor-k8s: every event path, against a scripted workload.</summary>
public sealed class CharmTests : IDisposable
{
    private readonly string _configDir = Directory.CreateTempSubdirectory("dm-charm-").FullName;
    private readonly FakeWorkload _workload = new();

    public void Dispose() => Directory.Delete(_configDir, recursive: true);

    private string WorkloadConfig => File.ReadAllText(Path.Combine(_configDir, "config.yaml"));

    private static Service ServiceOf(UnitState state) =>
        state.GetContainer(DriftMonitorK8sCharm.ContainerName)!.GetPlan().Services[DriftMonitorK8sCharm.ServiceName];

    [Fact]
    public void Install_WithoutPebble_WaitsForTheContainer()
    {
        var ctx = Context(_workload);
        UnitState after = ctx.Run(ctx.On.Install(), State(Container(_configDir, canConnect: false)));
        Assert.Equal(new StatusState("waiting", "waiting for the drift-monitor container (Pebble)"), after.UnitStatus);
    }

    [Fact]
    public void PebbleReady_WritesConfigAndLayer_OpensThePort_AndAsksForAReference()
    {
        var ctx = Context(_workload);
        ContainerState container = Container(_configDir);
        UnitState after = ctx.Run(ctx.On.PebbleReady(container), State(container));
        Service service = ServiceOf(after);
        Assert.Equal("/opt/mlobs/mlobs drift serve --bind 0.0.0.0 --port 8080 --data-dir /var/lib/drift-monitor --config /etc/drift-monitor/config.yaml --log-level info", service.Command);
        Assert.Equal(StartupMode.Enabled, service.Startup);
        Plan plan = after.GetContainer(DriftMonitorK8sCharm.ContainerName)!.GetPlan();
        Assert.Equal("http://localhost:8080/healthz", plan.Checks["alive"].Http!.Url);
        Assert.Contains(new PortState(PortProtocol.Tcp, 8080), after.OpenedPorts);
        // The file the workload reads is a configuration it accepts.
        MonitorConfig config = MonitorConfigLoader.Parse(WorkloadConfig);
        Assert.Equal(10_000, config.Defaults.Window.Records);
        Assert.Equal(["prediction"], config.Defaults.Outputs!);
        Assert.Equal("blocked", after.UnitStatus.Name);
        Assert.Contains("set-reference model=<name> source=", after.UnitStatus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigChanged_ChangesTheWorkloadConfiguration_AndRestartsThroughANewRevision()
    {
        var ctx = Context(_workload);
        ContainerState container = Container(_configDir);
        UnitState first = ctx.Run(ctx.On.ConfigChanged(), State(container));
        string revision = ServiceOf(first).Environment!["DRIFT_MONITOR_CONFIG_REVISION"];
        UnitState changed = ctx.Run(ctx.On.ConfigChanged(), first with
        {
            Config = new Dictionary<string, JsonElement>
            {
                ["window-kind"] = JsonSerializer.SerializeToElement("tumbling"),
                ["window-seconds"] = JsonSerializer.SerializeToElement(3600),
                ["methods"] = JsonSerializer.SerializeToElement("age=ks, country=jensenshannon"),
                ["thresholds"] = JsonSerializer.SerializeToElement("age=0.01"),
                ["default-model"] = JsonSerializer.SerializeToElement("iris"),
                ["reference"] = JsonSerializer.SerializeToElement("https://example.com/iris.csv"),
                ["inputs"] = JsonSerializer.SerializeToElement("a,b,c,d"),
                ["port"] = JsonSerializer.SerializeToElement(9000),
            },
        });
        Assert.NotEqual(revision, ServiceOf(changed).Environment!["DRIFT_MONITOR_CONFIG_REVISION"]);
        Assert.Contains("--port 9000", ServiceOf(changed).Command, StringComparison.Ordinal);
        MonitorConfig config = MonitorConfigLoader.Parse(WorkloadConfig);
        Assert.Equal(TimeSpan.FromHours(1), config.Defaults.Window.Duration);
        Assert.Equal("iris", config.DefaultModel);
        Assert.Equal("https://example.com/iris.csv", config.For("iris").Reference);
        Assert.Equal(["a", "b", "c", "d"], config.For("iris").Inputs!);
        Assert.Equal(new ColumnOverride("ks", 0.01), config.Defaults.Drift.Overrides["age"]);
        Assert.Equal("jensenshannon", config.Defaults.Drift.Overrides["country"].Method);
        Assert.Contains(new PortState(PortProtocol.Tcp, 9000), changed.OpenedPorts);
        Assert.DoesNotContain(new PortState(PortProtocol.Tcp, 8080), changed.OpenedPorts);
    }

    [Fact]
    public void ConfigChanged_NothingChangedOnTheSamePebble_WritesNothingToTheContainer_UntilPebbleRestarts()
    {
        var ctx = Context(_workload);
        UnitState first = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir)));
        string bootId = first.GetContainer(DriftMonitorK8sCharm.ContainerName)!.BootId!;

        // The unit remembers what it pushed on this Pebble boot: with the same config nothing is pushed again, so a
        // file removed behind the charm's back stays removed...
        File.Delete(Path.Combine(_configDir, "config.yaml"));
        UnitState second = ctx.Run(ctx.On.ConfigChanged(), first);
        Assert.False(File.Exists(Path.Combine(_configDir, "config.yaml")));
        Assert.Equal(bootId, second.GetContainer(DriftMonitorK8sCharm.ContainerName)!.BootId);
        Assert.Equal(ServiceOf(first).Command, ServiceOf(second).Command);

        // ...until Pebble restarts (a new boot id, as Juju announces with pebble-ready): then everything is applied again.
        ContainerState restarted = Container(_configDir) with { BootId = "a-restarted-pebble" };
        UnitState third = ctx.Run(ctx.On.PebbleReady(restarted), second with { Containers = [restarted] });
        Assert.Equal(10_000, MonitorConfigLoader.Parse(WorkloadConfig).Defaults.Window.Records);
        Assert.Equal(ServiceOf(first).Command, ServiceOf(third).Command);
    }

    [Theory]
    [InlineData("window-kind", "hopping", "window-kind 'hopping' is not sliding or tumbling")]
    [InlineData("drift-share", 1.5, "drift-share 1.5 is not in (0, 1]")]
    [InlineData("methods", "age=magic", "methods entry 'age=magic': 'magic' is not a method")]
    [InlineData("thresholds", "age", "thresholds entry 'age' is not FEATURE=VALUE")]
    [InlineData("port", 70000, "port 70000 is out of range")]
    [InlineData("reference", "/data/x.csv", "reference is set but default-model is not")]
    [InlineData("window-records", 5, "window-records 5 is too small for a sliding window")]
    [InlineData("log-level", "loud", "log-level 'loud' is not debug, info, warning or error")]
    public void ConfigChanged_InvalidValue_BlocksNamingTheOption_WithoutTouchingTheWorkload(string option, object value, string message)
    {
        var ctx = Context(_workload);
        ContainerState container = Container(_configDir);
        UnitState state = State(container, config: new Dictionary<string, object> { [option] = value });
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), state);
        Assert.Equal("blocked", after.UnitStatus.Name);
        Assert.StartsWith("invalid config: ", after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Contains(message, after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Empty(after.GetContainer(DriftMonitorK8sCharm.ContainerName)!.Layers);
    }

    [Fact]
    public void Status_WorkloadNotReachable_IsWaiting_ConfiguredReferenceFailing_IsBlocked()
    {
        var ctx = Context(_workload);
        ContainerState container = Container(_configDir);
        _workload.NotReady = "not reachable on port 8080 yet";
        Assert.Equal(new StatusState("waiting", "workload not reachable on port 8080 yet"), ctx.Run(ctx.On.UpdateStatus(), State(container)).UnitStatus);
        _workload.NotReady = "model iris: https://x/iris.csv: GET answered 404";
        Assert.Equal(new StatusState("blocked", "workload not ready: model iris: https://x/iris.csv: GET answered 404"), ctx.Run(ctx.On.UpdateStatus(), State(container)).UnitStatus);
    }

    [Fact]
    public void Status_WithReferences_IsActive_AndCountsDrift()
    {
        var ctx = Context(_workload);
        _workload.Models.Add(("iris", true, true));
        _workload.Models.Add(("wine", true, false));
        _workload.Models.Add(("new", false, null));
        UnitState after = ctx.Run(ctx.On.UpdateStatus(), State(Container(_configDir)));
        Assert.Equal(new StatusState("active", "monitoring 2 models, 1 drifting"), after.UnitStatus);
    }

    [Fact]
    public void AuthToken_FromASecret_IsPushedAndPassed_AndAnUnreadableSecretBlocks()
    {
        var ctx = Context(_workload);
        var secret = new SecretState { Id = "secret:cn1ab2cd3ef4gh5ij6kl", TrackedContent = new Dictionary<string, string> { ["token"] = "t0ken" } };
        ContainerState container = Container(_configDir);
        UnitState state = State(container, config: new Dictionary<string, object> { ["auth-token"] = secret.Id }) with { Secrets = [secret] };
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), state);
        Assert.EndsWith("--token-file /etc/drift-monitor/token", ServiceOf(after).Command, StringComparison.Ordinal);
        Assert.Equal("t0ken", File.ReadAllText(Path.Combine(_configDir, "token")));
        Assert.Equal("t0ken", _workload.LastToken);

        UnitState missing = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object> { ["auth-token"] = "secret:cn1ab2cd3ef4gh5ij6zz" }));
        Assert.Equal("blocked", missing.UnitStatus.Name);
        Assert.Contains("juju grant-secret secret:cn1ab2cd3ef4gh5ij6zz", missing.UnitStatus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsEndpoint_Joined_PublishesTheFixedJobAndTheAlertRules()
    {
        var ctx = Context(_workload);
        var relation = RelationState.Regular("metrics-endpoint", 3, "opentelemetry-collector-k8s") with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
        };
        UnitState after = ctx.Run(ctx.On.RelationJoined(relation), State(Container(_configDir)) with { Relations = [relation] });
        IReadOnlyDictionary<string, string> app = after.Relations.Single().LocalAppData;
        using JsonDocument jobs = JsonDocument.Parse(app["scrape_jobs"]);
        JsonElement job = Assert.Single(jobs.RootElement.EnumerateArray());
        Assert.Equal("drift-monitor", job.GetProperty("job_name").GetString());
        Assert.Equal("*:8080", job.GetProperty("static_configs")[0].GetProperty("targets")[0].GetString());
        Assert.Contains("alert_rules", app.Keys);
    }

    [Fact]
    public void Ingress_Joined_RequestsARouteToThePort()
    {
        var ctx = Context(_workload);
        var relation = RelationState.Regular("ingress", 5, "traefik-k8s") with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
            RemoteAppData = new Dictionary<string, string> { ["ingress"] = """{"url": "http://10.0.0.1/kubeflow-drift-monitor-k8s"}""" },
        };
        _workload.Models.Add(("iris", true, false));
        UnitState after = ctx.Run(ctx.On.RelationChanged(relation), State(Container(_configDir)) with { Relations = [relation] });
        RelationState published = after.Relations.Single();
        Assert.Equal("8080", published.LocalAppData["port"]);
        Assert.Equal("\"drift-monitor-k8s\"", published.LocalAppData["name"]);
        Assert.Equal("\"drift-monitor-k8s-0.drift-monitor-k8s-endpoints.test-model.svc.cluster.local\"", published.LocalUnitData["host"]);
        Assert.Equal(new StatusState("active", "monitoring 1 model, at http://10.0.0.1/kubeflow-drift-monitor-k8s"), after.UnitStatus);
    }

    [Fact]
    public void Actions_CallTheWorkload_AndReportItsAnswers()
    {
        var ctx = Context(_workload);
        UnitState state = State(Container(_configDir));
        ctx.Run(ctx.On.Action("set-reference", """{"model": "iris", "source": "https://example.com/iris.csv"}"""), state);
        Assert.Equal("300", ctx.ActionResults!.Value.GetProperty("rows").GetString());
        Assert.Equal("a,b", ctx.ActionResults!.Value.GetProperty("features").GetString());

        ctx.Run(ctx.On.Action("show-report", """{"model": "iris"}"""), state);
        Assert.Equal("a (wasserstein 0.31 vs 0.1)", ctx.ActionResults!.Value.GetProperty("drifted-features").GetString());

        ctx.Run(ctx.On.Action("show-report", """{"model": "iris", "format": "json"}"""), state);
        Assert.Contains("\"drift_share\"", ctx.ActionResults!.Value.GetProperty("report").GetString(), StringComparison.Ordinal);

        ctx.Run(ctx.On.Action("reset-window", """{"model": "iris"}"""), state);
        _workload.Models.Add(("iris", true, true));
        ctx.Run(ctx.On.Action("list-models"), state);
        Assert.Equal("iris: reference 300 rows, window 42 records, drift", ctx.ActionResults!.Value.GetProperty("models").GetString());
        Assert.Equal(["set-reference iris https://example.com/iris.csv", "report iris", "report iris", "reset iris"], _workload.Calls.Where(c => c != "list"));
    }

    [Fact]
    public void Actions_WorkloadRefusal_FailsTheActionWithItsDetail()
    {
        var ctx = Context(_workload);
        _workload.FailWith = "/no/such.csv: no such file.";
        ActionFailedException e = Assert.Throws<ActionFailedException>(() =>
            ctx.Run(ctx.On.Action("set-reference", """{"model": "iris", "source": "/no/such.csv"}"""), State(Container(_configDir))));
        Assert.Contains("/no/such.csv: no such file.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpgradeAndLeaderElected_Reconcile()
    {
        var ctx = Context(_workload);
        ContainerState container = Container(_configDir);
        Assert.NotEmpty(ctx.Run(ctx.On.UpgradeCharm(), State(container)).GetContainer(DriftMonitorK8sCharm.ContainerName)!.Layers);
        Assert.NotEmpty(ctx.Run(ctx.On.LeaderElected(), State(container)).GetContainer(DriftMonitorK8sCharm.ContainerName)!.Layers);
    }

    [Fact]
    public void MethodIds_AreTheEnginesMethods() =>
        Assert.Equal(DriftMethods.All.Select(m => m.Id).Order(), CharmSettings.MethodIds.Order());
    public static TheoryData<string, string> RelationEvents() => new()
    {
        { "metrics-endpoint", "joined" }, { "metrics-endpoint", "changed" }, { "metrics-endpoint", "broken" },
        { "grafana-dashboard", "joined" }, { "grafana-dashboard", "changed" }, { "grafana-dashboard", "broken" },
        { "logging", "joined" }, { "logging", "changed" }, { "logging", "broken" },
        { "ingress", "joined" }, { "ingress", "changed" }, { "ingress", "broken" },
    };

    [Theory]
    [MemberData(nameof(RelationEvents))]
    public void EveryRelation_JoiningChangingAndBreaking_KeepsTheUnitHealthy(string endpoint, string kind)
    {
        var ctx = Context(_workload);
        _workload.Models.Add(("iris", true, false));
        var remote = new Dictionary<string, string>(RelationState.DefaultUnitData);
        if (endpoint == "logging")
            remote["endpoint"] = """{"url": "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push"}""";
        var relation = RelationState.Regular(endpoint, 7, "cos") with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = remote },
        };
        ContainerState container = Container(_configDir);
        UnitState state = State(container) with { Relations = [relation] };
        UnitState after = ctx.Run(kind switch
        {
            "joined" => ctx.On.RelationJoined(relation, 0),
            "changed" => ctx.On.RelationChanged(relation, 0),
            _ => ctx.On.RelationBroken(relation),
        }, state);
        Assert.Equal(new StatusState("active", "monitoring 1 model"), after.UnitStatus);
        if (endpoint == "grafana-dashboard" && kind == "joined")
            Assert.Contains("drift-overview", after.Relations.Single().LocalAppData["dashboards"], StringComparison.Ordinal);
        if (endpoint == "logging" && kind == "changed")
            Assert.Contains("drift-monitor-log-forwarding", after.GetContainer(DriftMonitorK8sCharm.ContainerName)!.Layers.Keys);
    }

    [Fact]
    public void NonLeader_ReconcilesTheWorkload_ButWritesNoApplicationData()
    {
        var ctx = Context(_workload);
        var relation = RelationState.Regular("metrics-endpoint", 3, "otel") with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
        };
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), leader: false) with { Relations = [relation] });
        Assert.NotEmpty(after.GetContainer(DriftMonitorK8sCharm.ContainerName)!.Layers);
        Assert.DoesNotContain("scrape_jobs", after.Relations.Single().LocalAppData.Keys);
    }
    [Fact]
    public void ConfigChanged_PortAlreadyOpen_IsNeitherClosedNorReopened()
    {
        var ctx = Context(_workload);
        UnitState state = State(Container(_configDir)) with { OpenedPorts = [new PortState(PortProtocol.Tcp, 8080)] };
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), state);
        Assert.Equal([new PortState(PortProtocol.Tcp, 8080)], after.OpenedPorts);
        Assert.DoesNotContain(ctx.HookToolCalls, c => c.Tool is "close-port" or "open-port");
    }
}
