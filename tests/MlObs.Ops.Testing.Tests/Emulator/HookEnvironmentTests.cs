// HookEnvironmentTests: the variables a hook gets match ops-contract §1.2 for every hook kind.
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;
using Xunit;

namespace MlObs.Ops.Tests.Emulator;

public sealed class HookEnvironmentTests
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
          raw: {type: block}
        requires:
          db: {interface: pg}
        peers:
          replicas: {interface: demo_peers}
        actions:
          greet: {}
        """);

    private static readonly HookSite Site = new("/charm/dir", "demo-k8s/2", "3.6.8", "ctx-1", "/run/agent.socket", "/run/tools", "42");

    private static readonly UnitState State = UnitState.Empty with
    {
        Relations =
        [
            RelationState.Regular("db", 7, "pg") with
            {
                RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [1] = RelationState.DefaultUnitData, [0] = RelationState.DefaultUnitData },
            },
            RelationState.Peer("replicas", 8),
        ],
        Storages = [new StorageState("data", 1)],
        Secrets = [new SecretState { Id = "secret:cvhgtsvmp25c7889ks0g", Label = "db-pass", TrackedContent = new Dictionary<string, string> { ["pw"] = "x" } }],
    };

    private static Dictionary<string, string> Build(EventSpec spec) => HookEnvironment.Build(Meta, State, spec, Site);

    [Fact]
    public void Every_hook_gets_the_common_variables()
    {
        var env = Build(new EventSpec(EventKind.ConfigChanged));

        Assert.Equal("hooks/config-changed", env["JUJU_DISPATCH_PATH"]);
        Assert.Equal("config-changed", env["JUJU_HOOK_NAME"]);
        Assert.Equal("/charm/dir", env["JUJU_CHARM_DIR"]);
        Assert.Equal("/charm/dir", env["CHARM_DIR"]);
        Assert.Equal("demo-k8s/2", env["JUJU_UNIT_NAME"]);
        Assert.Equal(State.Model.Name, env["JUJU_MODEL_NAME"]);
        Assert.Equal(State.Model.Uuid, env["JUJU_MODEL_UUID"]);
        Assert.Equal("3.6.8", env["JUJU_VERSION"]);
        Assert.Equal("ctx-1", env["JUJU_CONTEXT_ID"]);
        Assert.Equal("/run/agent.socket", env["JUJU_AGENT_SOCKET_ADDRESS"]);
        Assert.Equal("unix", env["JUJU_AGENT_SOCKET_NETWORK"]);
        Assert.StartsWith("/run/tools:", env["PATH"], StringComparison.Ordinal);
        Assert.Equal("C.UTF-8", env["LANG"]);
        Assert.Equal(string.Empty, env["JUJU_PRINCIPAL_UNIT"]);
        Assert.False(env.ContainsKey("JUJU_RELATION"));
    }

    [Fact]
    public void Relation_hooks_name_the_relation_and_the_remote_unit()
    {
        var env = Build(EventSpec.Relation(EventKind.RelationDeparted, "db", 7, departingUnit: "pg/1"));

        Assert.Equal("hooks/db-relation-departed", env["JUJU_DISPATCH_PATH"]);
        Assert.Equal("db", env["JUJU_RELATION"]);
        Assert.Equal("db:7", env["JUJU_RELATION_ID"]);
        Assert.Equal("pg", env["JUJU_REMOTE_APP"]);
        Assert.Equal("pg/0", env["JUJU_REMOTE_UNIT"]);
        Assert.Equal("pg/1", env["JUJU_DEPARTING_UNIT"]);
    }

    [Fact]
    public void Created_and_broken_have_an_empty_remote_unit_and_peers_name_their_own_app()
    {
        var broken = Build(EventSpec.Relation(EventKind.RelationBroken, "db", 7));
        var peer = Build(EventSpec.Relation(EventKind.RelationCreated, "replicas", 8));

        Assert.Equal(string.Empty, broken["JUJU_REMOTE_UNIT"]);
        Assert.False(broken.ContainsKey("JUJU_DEPARTING_UNIT"));
        Assert.Equal("demo-k8s", peer["JUJU_REMOTE_APP"]);
    }

    [Fact]
    public void Actions_have_an_empty_hook_name_and_their_id()
    {
        var env = Build(EventSpec.Action("greet"));

        Assert.Equal("actions/greet", env["JUJU_DISPATCH_PATH"]);
        Assert.Equal(string.Empty, env["JUJU_HOOK_NAME"]);
        Assert.Equal("greet", env["JUJU_ACTION_NAME"]);
        Assert.Equal("42", env["JUJU_ACTION_UUID"]);
        Assert.Equal("action-42", env["JUJU_ACTION_TAG"]);
    }

    [Fact]
    public void Workload_secret_and_storage_hooks_get_their_variables()
    {
        var check = Build(EventSpec.Workload(EventKind.PebbleCheckFailed, "workload", checkName: "alive"));
        var secret = Build(EventSpec.Secret(EventKind.SecretRemove, "secret:cvhgtsvmp25c7889ks0g", 2));
        var storage = Build(EventSpec.Storage(EventKind.StorageAttached, "data", 1));
        var block = Build(EventSpec.Storage(EventKind.StorageDetaching, "raw", 0));

        Assert.Equal("hooks/workload-pebble-check-failed", check["JUJU_DISPATCH_PATH"]);
        Assert.Equal("workload", check["JUJU_WORKLOAD_NAME"]);
        Assert.Equal("alive", check["JUJU_PEBBLE_CHECK_NAME"]);
        Assert.Equal("secret:cvhgtsvmp25c7889ks0g", secret["JUJU_SECRET_ID"]);
        Assert.Equal("db-pass", secret["JUJU_SECRET_LABEL"]);
        Assert.Equal("2", secret["JUJU_SECRET_REVISION"]);
        Assert.Equal("data/1", storage["JUJU_STORAGE_ID"]);
        Assert.Equal("/var/lib/juju/storage/data/1", storage["JUJU_STORAGE_LOCATION"]);
        Assert.Equal("filesystem", storage["JUJU_STORAGE_KIND"]);
        Assert.Equal("block", block["JUJU_STORAGE_KIND"]);
    }

    [Fact]
    public void A_custom_event_dispatches_under_hooks() =>
        Assert.Equal("hooks/heartbeat", Build(new EventSpec(EventKind.Custom) { Owner = "heartbeat" })["JUJU_DISPATCH_PATH"]);
}
