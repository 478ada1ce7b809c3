// SampleCharmContextTests: the in-process harness drives the sample charm through every event kind,
// and its records and errors behave as Scenario's do.
using System.Text.Json;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;
using SampleCharm;
using Xunit;

namespace MlObs.Ops.Tests.Context;

public sealed class SampleCharmContextTests
{
    private static readonly RelationState Db = RelationState.Regular("db", 1, "pg") with
    {
        RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
        RemoteAppData = new Dictionary<string, string> { ["endpoint"] = "pg:5432" },
    };

    private static readonly RelationState Replicas = RelationState.Peer("replicas", 2) with
    {
        PeersData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [1] = RelationState.DefaultUnitData },
    };

    private static readonly DateTimeOffset Recently = DateTimeOffset.UtcNow.AddMinutes(-1);

    private static readonly ContainerState Workload = new()
    {
        Name = "workload",
        CanConnect = true,
        Layers = new Dictionary<string, Layer>
        {
            ["base"] = Layer.FromYaml("""
                checks:
                  alive:
                    override: replace
                    level: alive
                    exec:
                      command: /bin/true
                """),
        },
        CheckInfos = [new CheckInfo("alive", CheckLevel.Alive, StartupMode.Enabled, CheckStatus.Up, 1, 0, 3, null, null)],
        Notices = [new Notice("1", null, "custom", "example.com/reload", Recently, Recently, Recently, 1, new Dictionary<string, string>(), null, null)],
    };

    private static readonly SecretState Secret = new()
    {
        Id = "secret:cvhgtsvmp25c7889ks0g",
        TrackedContent = new Dictionary<string, string> { ["password"] = "hunter2" },
        LatestRevision = 2,
    };

    private static readonly StorageState Data = new("data", 0);

    private static readonly UnitState State = UnitState.Empty with
    {
        Leader = true,
        Relations = [Db, Replicas],
        Containers = [Workload],
        Secrets = [Secret],
        Storages = [Data],
    };

    private static Context<SampleK8sCharm> NewContext() => new(f => new SampleK8sCharm(f), AppContext.BaseDirectory);

    public static TheoryData<string> EventKinds() =>
    [
        "install", "start", "stop", "remove", "update_status", "config_changed", "upgrade_charm", "leader_elected",
        "db_relation_created", "db_relation_joined", "db_relation_changed", "db_relation_departed", "db_relation_broken",
        "replicas_relation_changed", "workload_pebble_ready", "workload_pebble_custom_notice", "workload_pebble_check_failed",
        "workload_pebble_check_recovered", "secret_changed", "secret_rotate", "secret_remove", "secret_expired",
        "data_storage_attached", "data_storage_detaching", "greet_action", "heartbeat",
    ];

    private static EventSpec EventFor(Context<SampleK8sCharm> ctx, string name) => name switch
    {
        "install" => ctx.On.Install(),
        "start" => ctx.On.Start(),
        "stop" => ctx.On.Stop(),
        "remove" => ctx.On.Remove(),
        "update_status" => ctx.On.UpdateStatus(),
        "config_changed" => ctx.On.ConfigChanged(),
        "upgrade_charm" => ctx.On.UpgradeCharm(),
        "leader_elected" => ctx.On.LeaderElected(),
        "db_relation_created" => ctx.On.RelationCreated(Db),
        "db_relation_joined" => ctx.On.RelationJoined(Db, remoteUnitId: 0),
        "db_relation_changed" => ctx.On.RelationChanged(Db),
        "db_relation_departed" => ctx.On.RelationDeparted(Db, remoteUnitId: 0, departingUnitId: 0),
        "db_relation_broken" => ctx.On.RelationBroken(Db),
        "replicas_relation_changed" => ctx.On.RelationChanged(Replicas, remoteUnitId: 1),
        "workload_pebble_ready" => ctx.On.PebbleReady(Workload),
        "workload_pebble_custom_notice" => ctx.On.PebbleCustomNotice(Workload, "1"),
        "workload_pebble_check_failed" => ctx.On.PebbleCheckFailed(Workload, "alive"),
        "workload_pebble_check_recovered" => ctx.On.PebbleCheckRecovered(Workload, "alive"),
        "secret_changed" => ctx.On.SecretChanged(Secret),
        "secret_rotate" => ctx.On.SecretRotate(Secret),
        "secret_remove" => ctx.On.SecretRemove(Secret, 1),
        "secret_expired" => ctx.On.SecretExpired(Secret, 1),
        "data_storage_attached" => ctx.On.StorageAttached(Data),
        "data_storage_detaching" => ctx.On.StorageDetaching(Data),
        "greet_action" => ctx.On.Action("greet", """{"name": "Ada"}"""),
        "heartbeat" => ctx.On.Custom("heartbeat"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such event in this test"),
    };

    [Theory]
    [MemberData(nameof(EventKinds))]
    public async Task EveryEventKind_Runs_AndCollectsStatus(string eventName)
    {
        var ctx = NewContext();

        var after = await ctx.RunAsync(EventFor(ctx, eventName), State);

        Assert.Equal(eventName, ctx.EmittedEvents[0]);
        Assert.Equal("collect_unit_status", ctx.EmittedEvents[^1]);
        Assert.Equal("active", after.UnitStatus.Name);
        Assert.Equal([StatusState.Unknown], ctx.UnitStatusHistory);
    }

    [Fact]
    public void RelationChanged_RemembersTheEndpoint_ForTheNextRun()
    {
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.RelationChanged(Db), State);
        var next = ctx.Run(ctx.On.UpdateStatus(), after);

        Assert.Equal(new StatusState("active", "serving on 8080, database pg:5432"), next.UnitStatus);
        Assert.Equal([new StatusState("active", "serving on 8080, database pg:5432")], ctx.UnitStatusHistory);
    }

    [Fact]
    public void ConfigChanged_AsLeader_PublishesThePort_ButNotAsFollower()
    {
        var ctx = NewContext();
        var config = new Dictionary<string, JsonElement> { ["port"] = JsonDocument.Parse("9000").RootElement };

        var leader = ctx.Run(ctx.On.ConfigChanged(), State with { Config = config });
        var follower = ctx.Run(ctx.On.ConfigChanged(), State with { Config = config, Leader = false });

        Assert.Equal("9000", leader.GetRelation(1)!.LocalAppData["port"]);
        Assert.Empty(follower.GetRelation(1)!.LocalAppData);
    }

    [Fact]
    public void PebbleReady_AddsTheLayer_AndStartsTheService()
    {
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.PebbleReady(Workload), State);

        var workload = after.GetContainer("workload")!;
        Assert.Equal("/bin/sample-server --port 8080", workload.Layers["sample"].Services["sample"].Command);
        Assert.Equal(ServiceStatus.Active, workload.ServiceStatuses["sample"]);
    }

    [Fact]
    public void PebbleReady_ChainedRuns_KeepTheContainersBootId()
    {
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.PebbleReady(Workload), State);
        var next = ctx.Run(ctx.On.UpdateStatus(), after);

        var bootId = after.GetContainer("workload")!.BootId;
        Assert.False(string.IsNullOrEmpty(bootId));
        Assert.Equal(bootId, next.GetContainer("workload")!.BootId);
    }

    [Fact]
    public void Run_BootIdInTheState_IsTheOneServed()
    {
        var ctx = NewContext();
        var state = State with { Containers = [Workload with { BootId = "9e1d-restarted" }] };

        var after = ctx.Run(ctx.On.UpdateStatus(), state);

        Assert.Equal("9e1d-restarted", after.GetContainer("workload")!.BootId);
    }

    [Fact]
    public void Action_RecordsResultsAndLogs()
    {
        var ctx = NewContext();

        ctx.Run(ctx.On.Action("greet", """{"name": "Ada"}"""), State);

        Assert.Equal("Hello, Ada!", ctx.ActionResults!.Value.GetProperty("greeting").GetString());
        Assert.Equal(["greeting"], ctx.ActionLogs);
    }

    [Fact]
    public void FailedAction_Throws_WithTheMessageAndTheState()
    {
        var ctx = NewContext();

        var error = Assert.Throws<ActionFailedException>(() => ctx.Run(ctx.On.Action("greet", """{"name": "Bob", "fail": true}"""), State));

        Assert.Equal("asked to fail greeting Bob", error.Message);
        Assert.NotNull(error.State);
    }

    [Fact]
    public void CharmException_Throws_AndCommitsNothing()
    {
        var ctx = NewContext();

        // Two relations on db, whose limit is 1: the reconcile's GetRelationAsync("db") throws.
        var state = State with { Relations = [Db, Db with { Id = 5 }], UnitStateData = new Dictionary<string, string> { ["kept"] = "yes" } };

        var error = Assert.Throws<UncaughtCharmException>(() => ctx.Run(ctx.On.ConfigChanged(), state));

        Assert.Contains("hooks/config-changed", error.Message, StringComparison.Ordinal);
        Assert.IsType<TooManyRelatedAppsException>(error.InnerException);
        Assert.Contains(ctx.JujuLog, l => l.Level == "ERROR" && l.Message.StartsWith("Uncaught exception while in charm code", StringComparison.Ordinal));
    }

    [Fact]
    public void InconsistentState_IsRefused_WithWhatToFix()
    {
        var ctx = NewContext();
        var state = State with { Containers = [new ContainerState { Name = "sidecar", CanConnect = true }] };

        var error = Assert.Throws<InconsistentStateException>(() => ctx.Run(ctx.On.Install(), state));

        Assert.Contains("sidecar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heartbeat_CountsInStoredState_AcrossRuns()
    {
        var ctx = NewContext();

        var once = ctx.Run(ctx.On.Custom("heartbeat"), State);
        var twice = ctx.Run(ctx.On.Custom("heartbeat"), once);

        Assert.Contains(ctx.JujuLog, l => l.Message == "Heartbeat 2");
        Assert.Contains("\"Heartbeats\":2", twice.UnitStateData["mlobs.stored.sample"], StringComparison.Ordinal);
    }

    [Fact]
    public void StoredState_SeededInTheState_IsWhatTheCharmFinds()
    {
        var ctx = NewContext();
        var state = State.WithStoredState("sample", """{"DbEndpoint": null, "Heartbeats": 41}""");

        var after = ctx.Run(ctx.On.Custom("heartbeat"), state);

        Assert.Equal(42, after.GetStoredStates()["sample"].GetProperty("Heartbeats").GetInt32());
    }

    [Fact]
    public void DeferredEvent_InTheState_IsReemittedFirst_AndLeavesTheQueue()
    {
        var ctx = NewContext();
        var state = State.WithDeferred(new DeferredEventState("install", "OnInstall", new Dictionary<string, string>()));

        var after = ctx.Run(ctx.On.UpdateStatus(), state);

        Assert.Equal(["install", "update_status", "collect_unit_status"], ctx.EmittedEvents);
        Assert.Contains(ctx.JujuLog, l => l.Message == "Installing sample charm");
        Assert.Empty(after.GetDeferred());
    }
}
