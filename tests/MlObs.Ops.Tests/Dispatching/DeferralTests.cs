// Tests of deferral (ops §5 semantics) and stored state across dispatches, through state-get/state-set.
using System.Text.Json.Serialization;

namespace MlObs.Ops.Tests.Dispatching;

public sealed class DeferralTests : IDisposable
{
    private readonly DispatchHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static List<DeferredNotice> DeferredIn(DispatchHarness harness) =>
        harness.UnitState.TryGetValue(StateStore.DeferredKey, out var json)
            ? System.Text.Json.JsonSerializer.Deserialize(json, OpsJsonContext.Default.ListDeferredNotice)!
            : [];

    [Fact]
    public async Task Defer_ThenNextDispatch_ReemitsBeforeNewEventToDeferringHandlerOnly()
    {
        var order = new List<string>();
        var deferOnce = true;
        void Setup(ProbeCharm c)
        {
            c.On.Relation("db").Changed.Observe(e =>
            {
                order.Add($"deferring-handler:{e.Name}:{e.Relation.Id}:{e.Unit?.Name}:{e.IsReemitted}");
                if (deferOnce)
                {
                    e.Defer();
                }
            });
            c.On.Relation("db").Changed.Observe(e => order.Add($"other-handler:{e.Name}:{e.IsReemitted}"));
            c.On.UpdateStatus.Observe(e => order.Add($"update:{e.Name}"));
        }

        await _harness.DispatchAsync("hooks/db-relation-changed", Setup, DispatchHarness.RelationEnv("db", 3, "pg", "pg/0"));
        deferOnce = false;
        order.Clear();
        var code = await _harness.DispatchAsync("hooks/update-status", Setup);

        Assert.Equal(0, code);
        Assert.Equal(["deferring-handler:db_relation_changed:3:pg/0:True", "update:update_status"], order);
        Assert.Empty(DeferredIn(_harness));
    }

    [Fact]
    public async Task Defer_StoresNoticeInUnitStateWithSnapshot()
    {
        await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe(OnChanged),
            DispatchHarness.RelationEnv("db", 3, "pg", "pg/0"));

        var json = _harness.UnitState[StateStore.DeferredKey];
        Assert.Contains("\"event\":\"db_relation_changed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"observer\":\"OnChanged\"", json, StringComparison.Ordinal);
        Assert.Contains("\"relation_id\":\"3\"", json, StringComparison.Ordinal);

        static void OnChanged(RelationEvent e) => e.Defer();
    }

    [Fact]
    public async Task Defer_Again_KeepsNoticeAndOrder()
    {
        void Setup(ProbeCharm c)
        {
            c.On.ConfigChanged.Observe(e => e.Defer());
            c.On.Install.Observe(e => e.Defer());
        }

        await _harness.DispatchAsync("hooks/config-changed", Setup);
        await _harness.DispatchAsync("hooks/install", Setup);
        await _harness.DispatchAsync("hooks/update-status", Setup);

        var notices = DeferredIn(_harness);
        Assert.Equal(["config_changed", "install"], notices.Select(n => n.EventName));
    }

    [Fact]
    public async Task Defer_SameEventTwice_IsQueuedOnce()
    {
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe(e => e.Defer());

        await _harness.DispatchAsync("hooks/config-changed", Setup);
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        var notices = DeferredIn(_harness);
        Assert.Single(notices);
    }

    [Fact]
    public async Task Defer_ThenCrashInNextDispatch_KeepsNotice()
    {
        var crash = false;
        void Setup(ProbeCharm c)
        {
            c.On.ConfigChanged.Observe(e =>
            {
                if (!crash)
                {
                    e.Defer();
                }
            });
            c.On.UpdateStatus.Observe(_ =>
            {
                if (crash)
                {
                    throw new InvalidOperationException("boom");
                }
            });
        }

        await _harness.DispatchAsync("hooks/config-changed", Setup);
        crash = true;
        var code = await _harness.DispatchAsync("hooks/update-status", Setup);

        Assert.Equal(1, code);
        Assert.Single(DeferredIn(_harness));
    }

    [Fact]
    public async Task Reemit_HandlerNoLongerObserving_DropsNotice()
    {
        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(e => e.Defer()));

        await _harness.DispatchAsync("hooks/update-status", _ => { });

        Assert.Empty(DeferredIn(_harness));
    }

    [Fact]
    public async Task Reemit_CollectMetrics_SkipsDeferredEvents()
    {
        var reemitted = false;
        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(e => e.Defer()));

        await _harness.DispatchAsync("hooks/collect-metrics", c => c.On.ConfigChanged.Observe(_ => reemitted = true));

        Assert.False(reemitted);
    }

    [Fact]
    public async Task Commit_NothingChanged_WritesNothing()
    {
        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(e => e.Defer()));
        await _harness.DispatchAsync("hooks/update-status", c => c.On.ConfigChanged.Observe(_ => { }));

        await _harness.DispatchAsync("hooks/update-status", c => c.On.ConfigChanged.Observe(_ => { }));

        Assert.Empty(_harness.Runner.CallsTo("state-set"));
        Assert.Empty(_harness.Runner.CallsTo("state-delete"));
    }

    [Fact]
    public async Task StoredState_Changed_SurvivesToNextDispatch()
    {
        var seen = -1;
        void Setup(ProbeCharm c)
        {
            var counter = c.Framework.GetStoredState("counter", TestJsonContext.Default.Counter, () => new Counter(0));
            c.On.UpdateStatus.Observe(_ =>
            {
                seen = counter.Value.Count;
                counter.Value = counter.Value with { Count = counter.Value.Count + 1 };
            });
        }

        await _harness.DispatchAsync("hooks/update-status", Setup);
        await _harness.DispatchAsync("hooks/update-status", Setup);
        await _harness.DispatchAsync("hooks/update-status", Setup);

        Assert.Equal(2, seen);
    }

    [Fact]
    public async Task StoredState_Unchanged_WritesNothing()
    {
        await _harness.DispatchAsync("hooks/update-status", c => c.Framework.GetStoredState("counter", TestJsonContext.Default.Counter, () => new Counter(0)));

        Assert.Empty(_harness.Runner.CallsTo("state-set"));
    }

    [Fact]
    public async Task StoredState_OwnTextForm_SurvivesToNextDispatchAsWritten()
    {
        var seen = new List<int>();
        void Setup(ProbeCharm c)
        {
            var counter = c.Framework.GetStoredState(
                "counter",
                text => new Counter(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)),
                value => value.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                () => new Counter(0));
            c.On.UpdateStatus.Observe(_ =>
            {
                seen.Add(counter.Value.Count);
                counter.Value = counter.Value with { Count = counter.Value.Count + 1 };
            });
        }

        await _harness.DispatchAsync("hooks/update-status", Setup);
        await _harness.DispatchAsync("hooks/update-status", Setup);

        Assert.Equal([0, 1], seen);
        Assert.Equal("2", _harness.UnitState["mlobs.stored.counter"]);
    }

    [Fact]
    public async Task StoredState_OwnTextFormDoesNotFit_FailsNamingTheState()
    {
        _harness.UnitState["mlobs.stored.counter"] = "many";
        var code = await _harness.DispatchAsync("hooks/update-status", c => c.Framework.GetStoredState(
            "counter",
            text => new Counter(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)),
            value => value.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            () => new Counter(0)));

        Assert.Equal(1, code);
        Assert.Contains(_harness.Logs, l => l.Message.Contains("Stored state 'counter' does not fit Counter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoredState_DuplicateName_Throws()
    {
        var code = await _harness.DispatchAsync("hooks/install", c =>
        {
            c.Framework.GetStoredState("a", TestJsonContext.Default.Counter, () => new Counter(0));
            c.Framework.GetStoredState("a", TestJsonContext.Default.Counter, () => new Counter(0));
        });

        Assert.Equal(1, code);
    }
}

internal sealed record Counter(int Count);

[JsonSerializable(typeof(Counter))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
