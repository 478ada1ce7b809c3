// EventRequestTests: naming an event on the command line resolves to the right EventSpec, and every
// ambiguity or mistake gives an error that says what to add.
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;
using Xunit;

namespace MlObs.Ops.Tests.Emulator;

public sealed class EventRequestTests
{
    private static readonly CharmMeta Meta = CharmMeta.FromCharmcraftYaml("""
        name: demo-k8s
        type: charm
        containers:
          workload: {resource: image}
        resources:
          image: {type: oci-image}
        storage:
          data: {type: filesystem}
        requires:
          db: {interface: pg}
        peers:
          my-peers: {interface: demo_peers}
        actions:
          greet:
            params:
              name: {type: string}
        """);

    private static readonly UnitState State = UnitState.Empty with
    {
        Relations = [RelationState.Regular("db", 3), RelationState.Peer("my-peers", 4)],
        Containers = [new ContainerState { Name = "workload", CanConnect = true }],
        Secrets = [new SecretState { Id = "secret:cvhgtsvmp25c7889ks0g", TrackedContent = new Dictionary<string, string> { ["key"] = "v" }, LatestRevision = 3 }],
    };

    [Theory]
    [InlineData("install", EventKind.Install)]
    [InlineData("config-changed", EventKind.ConfigChanged)]
    [InlineData("update-status", EventKind.UpdateStatus)]
    [InlineData("leader-elected", EventKind.LeaderElected)]
    public void Standard_hooks_resolve_by_name(string name, EventKind kind) =>
        Assert.Equal(new EventSpec(kind), new EventRequest { Event = name }.Resolve(Meta, State));

    [Fact]
    public void A_relation_event_takes_the_only_relation_on_its_endpoint()
    {
        var spec = new EventRequest { Event = "db-relation-changed", RemoteUnit = "pg/1" }.Resolve(Meta, State);

        Assert.Equal(EventSpec.Relation(EventKind.RelationChanged, "db", 3, "pg/1"), spec);
    }

    [Fact]
    public void A_dashed_endpoint_keeps_its_name()
    {
        var spec = new EventRequest { Event = "my-peers-relation-joined" }.Resolve(Meta, State);

        Assert.Equal(EventSpec.Relation(EventKind.RelationJoined, "my-peers", 4), spec);
    }

    [Fact]
    public void Several_relations_on_the_endpoint_need_a_relation_id()
    {
        var state = State with { Relations = [RelationState.Regular("db", 3), RelationState.Regular("db", 7)] };

        var error = Assert.Throws<CharmRunException>(() => new EventRequest { Event = "db-relation-changed" }.Resolve(Meta, state));

        Assert.Equal("db-relation-changed: the state has 2 relations on \"db\" (ids 3, 7); pick one with --relation-id", error.Message);
        Assert.Equal(7, new EventRequest { Event = "db-relation-changed", RelationId = 7 }.Resolve(Meta, state).RelationId);
    }

    [Fact]
    public void A_relation_event_without_a_relation_says_to_add_one()
    {
        var error = Assert.Throws<CharmRunException>(() => new EventRequest { Event = "db-relation-broken" }.Resolve(Meta, UnitState.Empty));

        Assert.Contains("add one to \"relations\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_action_resolves_with_its_params()
    {
        var spec = new EventRequest { Action = "greet", Params = """{"name": "Ada"}""" }.Resolve(Meta, State);

        Assert.Equal(EventKind.Action, spec.Kind);
        Assert.Equal("greet", spec.ActionName);
        Assert.Equal("Ada", spec.ActionParams["name"].GetString());
        Assert.Equal(EventKind.Action, new EventRequest { Event = "greet-action" }.Resolve(Meta, State).Kind);
    }

    [Theory]
    [InlineData("nope", null, "action \"nope\" is not declared by demo-k8s; it declares greet")]
    [InlineData("greet", "[1]", "--params must be a JSON object, e.g. '{\"name\": \"x\"}'; got array")]
    [InlineData("greet", "{", "--params is not valid JSON:")]
    public void Bad_actions_are_explained(string action, string? parameters, string expected)
    {
        var error = Assert.Throws<CharmRunException>(() => new EventRequest { Action = action, Params = parameters }.Resolve(Meta, State));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undeclared_event_is_refused_unless_custom()
    {
        var error = Assert.Throws<CharmRunException>(() => new EventRequest { Event = "heartbeat" }.Resolve(Meta, State));

        Assert.Contains("pass --custom", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            new EventSpec(EventKind.Custom) { Owner = "heartbeat" },
            new EventRequest { Event = "heartbeat", AllowCustom = true }.Resolve(Meta, State));
    }

    [Fact]
    public void No_event_at_all_is_explained() =>
        Assert.StartsWith("no event given", Assert.Throws<CharmRunException>(() => new EventRequest().Resolve(Meta, State)).Message, StringComparison.Ordinal);

    [Fact]
    public void Workload_events_pick_the_only_notice_or_check()
    {
        var notice = new Notice("12", 0, "custom", "example.com/reload", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1,
            new Dictionary<string, string>(), null, null);
        var state = State with { Containers = [new ContainerState { Name = "workload", CanConnect = true, Notices = [notice] }] };

        var spec = new EventRequest { Event = "workload-pebble-custom-notice" }.Resolve(Meta, state);

        Assert.Equal(EventSpec.Workload(EventKind.PebbleCustomNotice, "workload", noticeId: "12"), spec);
        var error = Assert.Throws<CharmRunException>(() => new EventRequest { Event = "workload-pebble-check-failed" }.Resolve(Meta, state));
        Assert.Equal("workload-pebble-check-failed needs a check; add one to the state's containers[workload].check_infos", error.Message);
    }

    [Fact]
    public void Secret_removal_defaults_to_the_latest_revision()
    {
        var spec = new EventRequest { Event = "secret-remove" }.Resolve(Meta, State);

        Assert.Equal(EventSpec.Secret(EventKind.SecretRemove, "secret:cvhgtsvmp25c7889ks0g", 3), spec);
    }

    [Fact]
    public void Storage_events_take_the_instance_index() =>
        Assert.Equal(
            EventSpec.Storage(EventKind.StorageAttached, "data", 2),
            new EventRequest { Event = "data-storage-attached", StorageIndex = 2 }.Resolve(Meta, State));
}
