// Tests of one dispatch end to end in-process: event mapping, handlers, collect-status, errors and exit codes.
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.Dispatching;

public sealed class DispatchTests : IDisposable
{
    private readonly DispatchHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ConfigChanged_ObservedHandler_RunsOnceAndExitsZero()
    {
        var seen = new List<string>();

        var code = await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(e => seen.Add(e.Name)));

        Assert.Equal(0, code);
        Assert.Equal(["config_changed"], seen);
    }

    public static TheoryData<string, string> StandardHooks => new()
    {
        { "install", nameof(CharmEvents.Install) },
        { "start", nameof(CharmEvents.Start) },
        { "stop", nameof(CharmEvents.Stop) },
        { "remove", nameof(CharmEvents.Remove) },
        { "config-changed", nameof(CharmEvents.ConfigChanged) },
        { "upgrade-charm", nameof(CharmEvents.UpgradeCharm) },
        { "update-status", nameof(CharmEvents.UpdateStatus) },
        { "leader-elected", nameof(CharmEvents.LeaderElected) },
        { "leader-settings-changed", nameof(CharmEvents.LeaderSettingsChanged) },
        { "collect-metrics", nameof(CharmEvents.CollectMetrics) },
        { "meter-status-changed", nameof(CharmEvents.MeterStatusChanged) },
        { "pre-series-upgrade", nameof(CharmEvents.PreSeriesUpgrade) },
        { "post-series-upgrade", nameof(CharmEvents.PostSeriesUpgrade) },
    };

    [Theory]
    [MemberData(nameof(StandardHooks))]
    public async Task StandardHook_ObservedSource_RunsOnlyThatHandler(string hook, string source)
    {
        var seen = new List<string>();

        var code = await _harness.DispatchAsync($"hooks/{hook}", c =>
        {
            EventSource<HookEvent>[] all =
            [
                c.On.Install, c.On.Start, c.On.Stop, c.On.Remove, c.On.ConfigChanged, c.On.UpgradeCharm, c.On.UpdateStatus,
                c.On.LeaderElected, c.On.LeaderSettingsChanged, c.On.CollectMetrics, c.On.MeterStatusChanged,
                c.On.PreSeriesUpgrade, c.On.PostSeriesUpgrade,
            ];
            string[] names = [.. StandardHooks.Select(row => (string)row[1])];
            for (var i = 0; i < all.Length; i++)
            {
                var name = names[i];
                all[i].Observe(_ => seen.Add(name), name);
            }
        });

        Assert.Equal(0, code);
        Assert.Equal([source], seen);
    }

    [Fact]
    public async Task ConfigChanged_EmittingEvent_LogsDebugLineLikeOps()
    {
        await _harness.DispatchAsync("hooks/config-changed", _ => { });

        Assert.Contains(("DEBUG", "Emitting Juju event config_changed."), _harness.Logs);
    }

    [Fact]
    public async Task Logging_BeforeHookTool_ReachesJujuLogFirst()
    {
        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(async (e, ct) =>
        {
            c.Logger.LogInformation("about to read config");
            await c.Model.GetConfigAsync(ct);
        }));

        var tools = _harness.ToolsCalled;
        var log = _harness.Runner.Calls.ToList().FindIndex(c => c.Tool == "juju-log" && c.Arguments[3] == "about to read config");
        Assert.True(log >= 0 && log < tools.ToList().IndexOf("config-get"), string.Join(", ", tools));
    }

    [Fact]
    public async Task CustomPath_ObservedCustomEvent_Runs()
    {
        var ran = false;

        var code = await _harness.DispatchAsync("hooks/heartbeat", c => c.On.Custom("heartbeat").Observe(_ => ran = true));

        Assert.Equal(0, code);
        Assert.True(ran);
    }

    [Fact]
    public async Task CustomPath_NoObserver_IsIgnoredAndSucceeds()
    {
        var code = await _harness.DispatchAsync("hooks/not-a-juju-hook", _ => { });

        Assert.Equal(0, code);
        Assert.Contains(_harness.Logs, l => l.Message.Contains("not_a_juju_hook has no observer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RelationChanged_Handler_GetsRelationAppAndUnit()
    {
        RelationEvent? seen = null;

        await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe(e => seen = e),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/1"));

        Assert.NotNull(seen);
        Assert.Equal(("db", 4), (seen.Relation.Name, seen.Relation.Id));
        Assert.Equal("postgresql", seen.App!.Name);
        Assert.Equal("postgresql/1", seen.Unit!.Name);
    }

    [Fact]
    public async Task RelationChanged_RemoteAppData_ReadsWithRelationGet()
    {
        string? endpoint = null;

        await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe(async (e, ct) =>
            {
                var bag = await e.Relation.GetRemoteAppDataAsync(ct);
                endpoint = await bag!.GetAsync("endpoint", ct);
            }),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/1"),
            r => r.Respond("relation-get", """{"endpoint":"10.0.0.5:5432"}"""));

        Assert.Equal("10.0.0.5:5432", endpoint);
        Assert.Equal(["--format=json", "-r", "db:4", "--app", "-", "postgresql"], _harness.Runner.CallsTo("relation-get")[0].Arguments);
    }

    [Fact]
    public async Task RelationBroken_GetRelations_ExcludesBrokenRelation()
    {
        IReadOnlyList<Relation>? relations = null;
        bool? active = null;

        await _harness.DispatchAsync(
            "hooks/db-relation-broken",
            c => c.On.Relation("db").Broken.Observe(async (e, ct) =>
            {
                active = e.Relation.Active;
                relations = await c.Model.GetRelationsAsync("db", ct);
            }),
            DispatchHarness.RelationEnv("db", 4, "postgresql"),
            r => r.Respond("relation-ids", """["db:4","db:5"]"""));

        Assert.False(active);
        Assert.Equal([5], relations!.Select(r => r.Id));
    }

    [Fact]
    public async Task AppDatabag_WriteAsNonLeader_FailsBeforeRelationSet()
    {
        _harness.Leader = false;

        var code = await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe((e, ct) => e.Relation.LocalAppData.SetAsync("port", "8080", ct)),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/1"));

        Assert.Equal(1, code);
        Assert.Empty(_harness.Runner.CallsTo("relation-set"));
        Assert.Contains(_harness.Logs, l => l.Level == "ERROR" && l.Message.Contains("RelationDataAccessException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppDatabag_WriteAsLeader_CallsRelationSetWithApp()
    {
        var code = await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe((e, ct) => e.Relation.LocalAppData.SetAsync("port", "8080", ct)),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/1"));

        Assert.Equal(0, code);
        var call = Assert.Single(_harness.Runner.CallsTo("relation-set"));
        Assert.Equal(["-r", "db:4", "--app", "--file", "-"], call.Arguments);
        Assert.Equal("""{"port": "8080"}""", call.Stdin);
    }

    [Fact]
    public async Task RemoteDatabag_Write_IsRefused()
    {
        var code = await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe((e, ct) => e.Relation.Data(e.Unit!).SetAsync("x", "y", ct)),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/1"));

        Assert.Equal(1, code);
        Assert.Empty(_harness.Runner.CallsTo("relation-set"));
    }

    [Fact]
    public async Task OwnAppDatabag_ReadAsNonLeader_IsRefusedButPeerIsAllowed()
    {
        _harness.Leader = false;
        Exception? error = null;
        IReadOnlyDictionary<string, string>? peerData = null;

        await _harness.DispatchAsync(
            "hooks/config-changed",
            c => c.On.ConfigChanged.Observe(async (e, ct) =>
            {
                var db = (await c.Model.GetRelationAsync("db", cancellationToken: ct))!;
                error = await Record.ExceptionAsync(() => db.LocalAppData.GetAsync(ct));
                var peers = (await c.Model.GetRelationAsync("replicas", cancellationToken: ct))!;
                peerData = await peers.LocalAppData.GetAsync(ct);
            }),
            script: r => r.On("relation-ids", req => new HookCommandResult(0, req.Arguments[0] == "db" ? """["db:1"]""" : """["replicas:2"]""", string.Empty))
                .Respond("relation-get", """{"k":"v"}"""));

        Assert.IsType<RelationDataAccessException>(error);
        Assert.Equal("v", peerData!["k"]);
    }

    [Fact]
    public async Task IsLeader_FalseAnswer_StaysFalseForTheDispatch()
    {
        var time = new ManualTime();
        _harness.Leader = false;

        await _harness.DispatchAsync(
            "hooks/config-changed",
            c => c.On.ConfigChanged.Observe(async (e, ct) =>
            {
                await c.Model.Unit.IsLeaderAsync(ct);
                time.Advance(TimeSpan.FromMinutes(5));
                await c.Model.Unit.IsLeaderAsync(ct);
            }),
            time: time);

        Assert.Single(_harness.Runner.CallsTo("is-leader"));
    }

    [Fact]
    public async Task IsLeader_TrueAnswer_IsAskedAgainAfterTheLease()
    {
        var time = new ManualTime();

        await _harness.DispatchAsync(
            "hooks/config-changed",
            c => c.On.ConfigChanged.Observe(async (e, ct) =>
            {
                await c.Model.Unit.IsLeaderAsync(ct);
                time.Advance(TimeSpan.FromSeconds(10));
                await c.Model.Unit.IsLeaderAsync(ct);
                time.Advance(TimeSpan.FromSeconds(31));
                await c.Model.Unit.IsLeaderAsync(ct);
            }),
            time: time);

        Assert.Equal(2, _harness.Runner.CallsTo("is-leader").Count);
    }

    [Fact]
    public async Task CollectUnitStatus_SeveralStatuses_SetsHighestPriority()
    {
        await _harness.DispatchAsync("hooks/update-status", c =>
        {
            c.On.CollectUnitStatus.Observe(e => e.AddStatus(new ActiveStatus("fine")));
            c.On.CollectUnitStatus.Observe(e =>
            {
                e.AddStatus(new WaitingStatus("waiting for db"));
                e.AddStatus(new BlockedStatus("set port"));
            });
        });

        var call = Assert.Single(_harness.Runner.CallsTo("status-set"));
        Assert.Equal(["--application=False", "blocked", "--", "set port"], call.Arguments);
    }

    [Fact]
    public async Task CollectAppStatus_NonLeader_IsNotEmitted()
    {
        _harness.Leader = false;
        var ran = false;

        await _harness.DispatchAsync("hooks/update-status", c => c.On.CollectAppStatus.Observe(e =>
        {
            ran = true;
            e.AddStatus(new ActiveStatus());
        }));

        Assert.False(ran);
        Assert.Empty(_harness.Runner.CallsTo("status-set"));
    }

    [Fact]
    public async Task CollectAppStatus_Leader_SetsApplicationStatus()
    {
        await _harness.DispatchAsync("hooks/update-status", c => c.On.CollectAppStatus.Observe(e => e.AddStatus(new MaintenanceStatus("upgrading"))));

        var call = Assert.Single(_harness.Runner.CallsTo("status-set"));
        Assert.Equal(["--application=True", "maintenance", "--", "upgrading"], call.Arguments);
    }

    [Fact]
    public async Task CollectStatus_NoStatusAdded_DoesNotCallStatusSet()
    {
        await _harness.DispatchAsync("hooks/update-status", c => c.On.CollectUnitStatus.Observe(_ => { }));

        Assert.Empty(_harness.Runner.CallsTo("status-set"));
    }

    [Fact]
    public async Task CollectStatus_ErrorStatusWins_FailsDispatch()
    {
        var code = await _harness.DispatchAsync("hooks/update-status", c => c.On.CollectUnitStatus.Observe(e => e.AddStatus(new ErrorStatus("boom"))));

        Assert.Equal(1, code);
        Assert.Contains(_harness.Logs, l => l.Level == "ERROR" && l.Message.Contains("InvalidStatusException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handler_Throws_LogsErrorExitsOneAndKeepsNoState()
    {
        var code = await _harness.DispatchAsync("hooks/config-changed", c =>
        {
            var state = c.Framework.GetStoredState("s", TestJsonContext.Default.Counter, () => new Counter(0));
            c.On.ConfigChanged.Observe(_ =>
            {
                state.Value = new Counter(1);
                throw new InvalidOperationException("kaput");
            });
        });

        Assert.Equal(1, code);
        var error = Assert.Single(_harness.Logs, l => l.Level == "ERROR");
        Assert.StartsWith("Uncaught exception while in charm code:", error.Message, StringComparison.Ordinal);
        Assert.Contains("kaput", error.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.Runner.CallsTo("state-set"));
        Assert.Contains("kaput", _harness.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HookTool_RelationNotFound_GivesClearErrorNotNullReference()
    {
        var code = await _harness.DispatchAsync(
            "hooks/config-changed",
            c => c.On.ConfigChanged.Observe(async (e, ct) =>
            {
                var relation = (await c.Model.GetRelationAsync("db", 9, ct))!;
                await relation.Data(c.Model.GetUnit("postgresql/0")).GetAsync(ct);
            }),
            script: r => r.Respond("relation-ids", """["db:9"]""").Fail("relation-get", 1, "ERROR relation 9 not found\n"));

        Assert.Equal(1, code);
        var error = Assert.Single(_harness.Logs, l => l.Level == "ERROR").Message;
        Assert.Contains(nameof(RelationNotFoundException), error, StringComparison.Ordinal);
        Assert.Contains("relation 9 not found", error, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(NullReferenceException), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigGet_MalformedJson_GivesClearError()
    {
        _harness.ConfigJson = """{"port": 80""";

        var code = await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe((e, ct) => c.Model.GetConfigAsync(ct)));

        Assert.Equal(1, code);
        var error = Assert.Single(_harness.Logs, l => l.Level == "ERROR").Message;
        Assert.Contains("config-get printed malformed JSON", error, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(NullReferenceException), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingJujuVariable_ExitsOneWithMessageAndCallsNoTool()
    {
        var env = DispatchHarness.Environment("hooks/install");
        env.Remove("JUJU_UNIT_NAME");
        var runner = new Tests.HookTools.FakeHookCommandRunner();
        using var stderr = new StringWriter();

        var code = await CharmHost.RunAsync(f => new ProbeCharm(f, _ => { }), new CharmHostOptions { Environment = env, Runner = runner, Stderr = stderr });

        Assert.Equal(1, code);
        Assert.Contains("ERROR JUJU_UNIT_NAME is required", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task MissingMetadata_ExitsOneWithClearError()
    {
        File.Delete(Path.Combine(_harness.CharmDir, "charmcraft.yaml"));

        var code = await _harness.DispatchAsync("hooks/install", _ => { });

        Assert.Equal(1, code);
        Assert.Contains(_harness.Logs, l => l.Level == "ERROR" && l.Message.Contains("charmcraft.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Action_ParamsResultsAndFail_UseActionTools()
    {
        var code = await _harness.DispatchAsync(
            "actions/greet",
            c => c.On.Action("greet").Observe(async (e, ct) =>
            {
                var name = (await e.GetParamsAsync(ct)).GetProperty("name").GetString();
                await e.SetResultsAsync(new Dictionary<string, object?> { ["greeting"] = $"hi {name}" }, ct);
                await e.FailAsync("and yet", ct);
            }),
            new Dictionary<string, string> { ["JUJU_ACTION_NAME"] = "greet", ["JUJU_ACTION_UUID"] = "7" },
            r => r.Respond("action-get", """{"name":"ada"}"""));

        Assert.Equal(0, code);
        Assert.Equal(["greeting=hi ada"], _harness.Runner.CallsTo("action-set")[0].Arguments);
        Assert.Equal(["--", "and yet"], _harness.Runner.CallsTo("action-fail")[0].Arguments);
    }

    [Fact]
    public async Task Action_Defer_IsRefused()
    {
        var code = await _harness.DispatchAsync(
            "actions/greet",
            c => c.On.Action("greet").Observe(e => e.Defer()),
            new Dictionary<string, string> { ["JUJU_ACTION_NAME"] = "greet", ["JUJU_ACTION_UUID"] = "7" });

        Assert.Equal(1, code);
        Assert.Contains(_harness.Logs, l => l.Level == "ERROR" && l.Message.Contains("not deferrable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Observe_UndeclaredEndpoint_ThrowsListingDeclaredOnes()
    {
        ArgumentException? thrown = null;

        var code = await _harness.DispatchAsync("hooks/install", c => thrown = Assert.Throws<ArgumentException>(() => c.On.Relation("database")));

        Assert.Equal(0, code);
        Assert.Contains("declared: db, metrics, replicas", thrown!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_Typed_ReadsDeclaredOptions()
    {
        long? port = null;
        _harness.ConfigJson = """{"port":9090,"name":"x"}""";

        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(async (e, ct) => port = (await c.Model.GetConfigAsync(ct)).GetInt("port")));

        Assert.Equal(9090, port);
    }

    [Fact]
    public async Task Logger_Information_GoesToJujuLogAtInfo()
    {
        await _harness.DispatchAsync("hooks/install", c => c.On.Install.Observe(_ => c.Logger.LogInformation("Installing {Thing}", "it")));

        Assert.Contains(("INFO", "Installing it"), _harness.Logs);
    }
}

internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
