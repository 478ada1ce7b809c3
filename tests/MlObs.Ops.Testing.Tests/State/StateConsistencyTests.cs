// StateConsistencyTests: every check of StateConsistency, each with a case that fails (and what
// the message says) and a case that passes.
using System.Text.Json;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.State;
using static MlObs.Ops.Tests.State.StateFixtures;

namespace MlObs.Ops.Tests.State;

public sealed class StateConsistencyTests
{
    private static readonly ContainerState Drift = new() { Name = "drift", CanConnect = true };

    private static ConsistencyReport Check(UnitState state, EventSpec? ev = null) => StateConsistency.Check(Meta, state, ev);

    private static string SingleError(UnitState state, EventSpec? ev = null) => Assert.Single(Check(state, ev).Errors);

    private static void AssertConsistent(UnitState state, EventSpec? ev = null)
    {
        var report = Check(state, ev);
        Assert.Empty(report.Errors);
        Assert.True(report.IsConsistent);
    }

    [Fact]
    public void Check_FullFixtureState_IsConsistent()
    {
        var report = Check(Full());

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    // ---- containers ----

    [Fact]
    public void Check_UndeclaredContainer_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Containers = [new ContainerState { Name = "sidecar" }] });

        Assert.Equal("container 'sidecar' is in the state but not declared under containers in the metadata (declared: drift); declare it or remove it from the state", error);
    }

    [Fact]
    public void Check_DeclaredContainer_IsConsistent() => AssertConsistent(UnitState.Empty with { Containers = [Drift] });

    [Fact]
    public void Check_DuplicateContainer_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Containers = [Drift, Drift] });

        Assert.Contains("container 'drift' appears more than once", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DuplicateExecPrefix_IsAnError()
    {
        var exec = new ExecState { CommandPrefix = ["ls", "-l"] };

        var error = SingleError(UnitState.Empty with { Containers = [Drift with { Execs = [exec, exec with { ReturnCode = 1 }] }] });

        Assert.Equal("container 'drift' has more than one exec with command_prefix [ls -l]; keep one", error);
    }

    [Fact]
    public void Check_DistinctExecPrefixes_AreConsistent() =>
        AssertConsistent(UnitState.Empty with { Containers = [Drift with { Execs = [new ExecState { CommandPrefix = ["ls"] }, new ExecState { CommandPrefix = ["ls", "-l"] }] }] });

    private static UnitState WithCheckInfo(CheckInfo info) => UnitState.Empty with
    {
        Containers = [Drift with { Layers = new Dictionary<string, Layer> { ["drift"] = Layer.FromYaml(LayerYaml) }, CheckInfos = [info] }],
    };

    private static CheckInfo UpCheck => new("up", CheckLevel.Alive, StartupMode.Enabled, CheckStatus.Up, 0, 0, 5, null, null);

    [Fact]
    public void Check_CheckInfoMatchingThePlan_IsConsistent() => AssertConsistent(WithCheckInfo(UpCheck));

    [Fact]
    public void Check_CheckInfoNotInThePlan_IsAnError()
    {
        var error = SingleError(WithCheckInfo(UpCheck with { Name = "ready" }));

        Assert.Equal("container 'drift' has check_infos entry 'ready' but its layers define no such check (declared: up); add the check to a layer or remove the entry", error);
    }

    [Fact]
    public void Check_CheckInfoLevelDiffers_IsAnError()
    {
        var error = SingleError(WithCheckInfo(UpCheck with { Level = CheckLevel.Ready }));

        Assert.Equal("container 'drift' check 'up': check_infos level ready differs from the layer's alive; make them equal", error);
    }

    [Fact]
    public void Check_CheckInfoStartupDiffers_IsAnError()
    {
        var error = SingleError(WithCheckInfo(UpCheck with { Startup = StartupMode.Disabled }));

        Assert.Equal("container 'drift' check 'up': check_infos startup disabled differs from the layer's enabled; make them equal", error);
    }

    [Fact]
    public void Check_CheckInfoThresholdDiffers_IsAnError()
    {
        var error = SingleError(WithCheckInfo(UpCheck with { Threshold = 3 }));

        Assert.Equal("container 'drift' check 'up': check_infos threshold 3 differs from the layer's 5; make them equal", error);
    }

    // ---- config ----

    [Theory]
    [InlineData("port", "\"8080\"", "config option 'port' is declared int but the state gives \"8080\"; give an int value")]
    [InlineData("port", "1.5", "config option 'port' is declared int but the state gives 1.5; give an int value")]
    [InlineData("ratio", "\"0.5\"", "config option 'ratio' is declared float but the state gives \"0.5\"; give a float value")]
    [InlineData("debug", "\"true\"", "config option 'debug' is declared boolean but the state gives \"true\"; give a boolean value")]
    [InlineData("log-level", "1", "config option 'log-level' is declared string but the state gives 1; give a string value")]
    [InlineData("api-token", "\"secret:short\"", "config option 'api-token' is declared secret but the state gives \"secret:short\"; give a secret value (a secret URI, secret: followed by 20 characters of [0-9a-z])")]
    public void Check_ConfigValueOfWrongType_IsAnError(string key, string json, string expected)
    {
        var error = SingleError(UnitState.Empty with { Config = new Dictionary<string, JsonElement> { [key] = Json(json) } });

        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("port", "8080")]
    [InlineData("port", "8080.0")]
    [InlineData("ratio", "1")]
    [InlineData("debug", "false")]
    [InlineData("log-level", "\"warning\"")]
    [InlineData("api-token", "\"secret:d0erdn5mp25c7a5ksvtg\"")]
    public void Check_ConfigValueOfDeclaredType_IsConsistent(string key, string json) =>
        AssertConsistent(UnitState.Empty with { Config = new Dictionary<string, JsonElement> { [key] = Json(json) } });

    [Fact]
    public void Check_UndeclaredConfigOption_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Config = new Dictionary<string, JsonElement> { ["colour"] = Json("\"red\"") } });

        Assert.StartsWith("config option 'colour' is not declared in the charm's config (declared: log-level, port, ratio, debug, api-token)", error, StringComparison.Ordinal);
    }

    // ---- resources and storage ----

    [Fact]
    public void Check_UndeclaredResource_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Resources = new Dictionary<string, string> { ["model"] = "/tmp/m" } });

        Assert.Equal("resource 'model' is not declared under resources in the metadata (declared: drift-image); declare it or remove it from resources", error);
    }

    [Fact]
    public void Check_DeclaredResource_IsConsistent() =>
        AssertConsistent(UnitState.Empty with { Resources = new Dictionary<string, string> { ["drift-image"] = "/tmp/i" } });

    [Fact]
    public void Check_UndeclaredStorage_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Storages = [new StorageState("cache")] });

        Assert.Equal("storage 'cache' is not declared under storage in the metadata (declared: data); declare it or remove it from storages", error);
    }

    [Fact]
    public void Check_DuplicateStorageInstance_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Storages = [new StorageState("data", 1), new StorageState("data", 1)] });

        Assert.Equal("storage data/1 appears more than once in storages; give each instance its own index", error);
    }

    [Fact]
    public void Check_StorageInstancesWithDistinctIndexes_AreConsistent() =>
        AssertConsistent(UnitState.Empty with { Storages = [new StorageState("data", 0), new StorageState("data", 1)] });

    // ---- relations ----

    [Fact]
    public void Check_RelationOnUndeclaredEndpoint_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Regular("db", 1)] });

        Assert.Equal("relation 1 (db): endpoint 'db' is not declared under requires, provides or peers (declared: database, logging, metrics, cluster); declare it or fix the endpoint", error);
    }

    [Fact]
    public void Check_PeerEndpointAsRegular_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Regular("cluster", 1)] });

        Assert.Equal("relation 1 (cluster): 'cluster' is a peers endpoint, so the relation must have kind peer", error);
    }

    [Fact]
    public void Check_RegularEndpointAsPeer_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Peer("database", 1)] });

        Assert.Equal("relation 1 (database): kind peer needs an endpoint declared under peers, but 'database' is under requires; use kind regular", error);
    }

    [Fact]
    public void Check_ContainerScopedEndpointAsRegular_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Regular("logging", 1)] });

        Assert.Equal("relation 1 (logging): 'logging' has scope: container, so the relation must have kind subordinate", error);
    }

    [Fact]
    public void Check_GlobalEndpointAsSubordinate_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Subordinate("metrics", 1)] });

        Assert.Equal("relation 1 (metrics): kind subordinate needs an endpoint with scope: container, but 'metrics' is global; use kind regular", error);
    }

    [Fact]
    public void Check_EachKindOnItsEndpoint_IsConsistent() =>
        AssertConsistent(UnitState.Empty with { Relations = [RelationState.Regular("database", 1), RelationState.Peer("cluster", 2), RelationState.Subordinate("logging", 3)] });

    [Fact]
    public void Check_DuplicateRelationId_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Regular("database", 1), RelationState.Regular("metrics", 1)] });

        Assert.Equal("relation id 1 is used by more than one relation; relation ids must be unique", error);
    }

    [Fact]
    public void Check_InterfaceDiffersFromMetadata_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Relations = [RelationState.Regular("database", 1) with { Interface = "mysql_client" }] });

        Assert.Equal("relation 1 (database): interface 'mysql_client' differs from the metadata's 'postgresql_client'; fix it or leave it out", error);
    }

    [Fact]
    public void Check_PeersDataOnRegularRelation_IsAnError()
    {
        var relation = RelationState.Regular("database", 1) with { PeersData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [1] = RelationState.DefaultUnitData } };

        Assert.Equal("relation 1 (database): peers_data belongs to peer relations; put remote units in remote_units_data", SingleError(UnitState.Empty with { Relations = [relation] }));
    }

    [Fact]
    public void Check_RemoteDataOnPeerRelation_IsAnError()
    {
        var relation = RelationState.Peer("cluster", 1) with { RemoteAppData = new Dictionary<string, string> { ["a"] = "b" } };

        Assert.StartsWith("relation 1 (cluster): a peer relation has no remote application;", SingleError(UnitState.Empty with { Relations = [relation] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SubordinateWithTwoRemoteUnits_IsAnError()
    {
        var relation = RelationState.Subordinate("logging", 1) with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData, [1] = RelationState.DefaultUnitData },
        };

        Assert.Equal("relation 1 (logging): a subordinate relation has exactly one remote unit, but remote_units_data has 2", SingleError(UnitState.Empty with { Relations = [relation] }));
    }

    // ---- secrets ----

    private static SecretState Secret => new() { Id = SecretId, TrackedContent = new Dictionary<string, string> { ["a"] = "b" } };

    [Fact]
    public void Check_DuplicateSecret_IsAnError()
    {
        Assert.Equal($"secret {SecretId} appears more than once in secrets; keep one entry per secret", SingleError(UnitState.Empty with { Secrets = [Secret, Secret] }));
    }

    [Fact]
    public void Check_SecretIdNotAUri_IsAnError()
    {
        Assert.StartsWith("secret id 'd0erdn5mp25c7a5ksvtg' is not a secret URI;", SingleError(UnitState.Empty with { Secrets = [Secret with { Id = "d0erdn5mp25c7a5ksvtg" }] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OneSecret_IsConsistent() => AssertConsistent(UnitState.Empty with { Secrets = [Secret] });

    // ---- networks ----

    [Theory]
    [InlineData("database")]
    [InlineData("public")]
    [InlineData("juju-info")]
    public void Check_NetworkOnEndpointExtraBindingOrJujuInfo_IsConsistent(string binding) =>
        AssertConsistent(UnitState.Empty with { Networks = new Dictionary<string, NetworkState> { [binding] = NetworkState.Default } });

    [Theory]
    [InlineData("nowhere")]
    [InlineData("logging")]
    public void Check_NetworkOnUnknownOrSubordinateBinding_IsAnError(string binding)
    {
        var error = SingleError(UnitState.Empty with { Networks = new Dictionary<string, NetworkState> { [binding] = NetworkState.Default } });

        Assert.Equal($"network binding '{binding}' is neither a (non-subordinate) endpoint, an extra-binding nor juju-info; bindings allowed: declared: database, metrics, cluster, public, juju-info", error);
    }

    [Fact]
    public void Check_ExtraBindingNamedLikeAnEndpoint_IsAnError()
    {
        var meta = Meta with { ExtraBindings = ["database"] };

        var error = Assert.Single(StateConsistency.Check(meta, UnitState.Empty, null).Errors);

        Assert.Equal("extra-binding 'database' has the name of an endpoint; rename one of them in the metadata", error);
    }

    // ---- relation events ----

    private static UnitState WithDatabase => UnitState.Empty with { Relations = [RelationState.Regular("database", 1, "postgresql")] };

    [Fact]
    public void Check_RelationChangedWithItsRemoteUnit_IsConsistent()
    {
        var report = Check(WithDatabase, EventSpec.Relation(EventKind.RelationChanged, "database", 1, "postgresql/0"));

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Check_RelationEventWithoutRelationId_IsAnError()
    {
        var error = SingleError(WithDatabase, new EventSpec(EventKind.RelationCreated) { Owner = "database" });

        Assert.Equal("database-relation-created needs a relation: give the relation id", error);
    }

    [Fact]
    public void Check_RelationEventOnRelationNotInState_IsAnError()
    {
        var error = SingleError(WithDatabase, EventSpec.Relation(EventKind.RelationBroken, "database", 9));

        Assert.Equal("database-relation-broken is about relation 9, which is not in the state's relations; add it", error);
    }

    [Fact]
    public void Check_RelationEventPrefixNotTheEndpoint_IsAnError()
    {
        var error = SingleError(WithDatabase, EventSpec.Relation(EventKind.RelationCreated, "metrics", 1));

        Assert.Equal("metrics-relation-created is about relation 1, whose endpoint is 'database'; the event must be database-relation-created", error);
    }

    [Fact]
    public void Check_RelationJoinedWithoutAnyRemoteUnit_IsAnError()
    {
        var state = UnitState.Empty with { Relations = [RelationState.Peer("cluster", 2)] };

        var error = SingleError(state, EventSpec.Relation(EventKind.RelationJoined, "cluster", 2));

        Assert.Equal("cluster-relation-joined needs a remote unit, but relation 2 has none; add one to peers_data and name it as the remote unit", error);
    }

    [Fact]
    public void Check_RelationChangedWithoutNamingTheRemoteUnit_IsAWarning()
    {
        var report = Check(WithDatabase, EventSpec.Relation(EventKind.RelationChanged, "database", 1));

        Assert.Empty(report.Errors);
        Assert.Equal("database-relation-changed names no remote unit; Juju always sets JUJU_REMOTE_UNIT, so name one of relation 1's units", Assert.Single(report.Warnings));
    }

    [Fact]
    public void Check_RelationChangedWithAUnitNotInTheRelation_IsAnError()
    {
        var error = SingleError(WithDatabase, EventSpec.Relation(EventKind.RelationChanged, "database", 1, "postgresql/3"));

        Assert.Equal("database-relation-changed: remote unit 'postgresql/3' is not a unit of relation 1; add its number to remote_units_data", error);
    }

    [Fact]
    public void Check_RelationDepartedWithoutDepartingUnit_IsAnError()
    {
        var error = SingleError(WithDatabase, EventSpec.Relation(EventKind.RelationDeparted, "database", 1, "postgresql/0"));

        Assert.Equal("database-relation-departed needs a departing unit (JUJU_DEPARTING_UNIT): name the unit that leaves", error);
    }

    [Fact]
    public void Check_RelationDepartedWithDepartingUnit_IsConsistent() =>
        AssertConsistent(WithDatabase, EventSpec.Relation(EventKind.RelationDeparted, "database", 1, "postgresql/0", "postgresql/0"));

    // ---- workload events ----

    [Fact]
    public void Check_PebbleReadyOnPresentContainer_IsConsistent()
    {
        var report = Check(UnitState.Empty with { Containers = [Drift] }, EventSpec.Workload(EventKind.PebbleReady, "drift"));

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Check_WorkloadEventWithoutContainer_IsAnError()
    {
        Assert.Equal("drift-pebble-ready needs a container: give the container name", SingleError(UnitState.Empty, new EventSpec(EventKind.PebbleReady) { Owner = "drift" }));
    }

    [Fact]
    public void Check_WorkloadEventOnUndeclaredContainer_IsAnError()
    {
        var report = Check(UnitState.Empty, EventSpec.Workload(EventKind.PebbleReady, "sidecar"));

        Assert.Equal(
            ["sidecar-pebble-ready: container 'sidecar' is not declared under containers in the metadata (declared: drift)", "sidecar-pebble-ready: container 'sidecar' is not in the state's containers; add it"],
            report.Errors);
    }

    [Fact]
    public void Check_WorkloadEventOnContainerNotInState_IsAnError()
    {
        Assert.Equal("drift-pebble-ready: container 'drift' is not in the state's containers; add it", SingleError(UnitState.Empty, EventSpec.Workload(EventKind.PebbleReady, "drift")));
    }

    [Fact]
    public void Check_WorkloadEventPrefixNotTheContainer_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Containers = [Drift] }, EventSpec.Workload(EventKind.PebbleReady, "drift") with { Owner = "other" });

        Assert.Equal("other-pebble-ready is about container 'drift'; the event must be drift-pebble-ready", error);
    }

    [Fact]
    public void Check_WorkloadEventWhenCannotConnect_IsAWarning()
    {
        var report = Check(UnitState.Empty with { Containers = [Drift with { CanConnect = false }] }, EventSpec.Workload(EventKind.PebbleReady, "drift"));

        Assert.Empty(report.Errors);
        Assert.Equal("drift-pebble-ready fires while container 'drift' has can_connect false; Juju only sends workload events when Pebble answers", Assert.Single(report.Warnings));
    }

    private static Notice ReloadNotice => new("7", null, "custom", "example.com/reload", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, new Dictionary<string, string>(), null, null);

    [Fact]
    public void Check_CustomNoticeNotInContainer_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Containers = [Drift] }, EventSpec.Workload(EventKind.PebbleCustomNotice, "drift", noticeId: "7"));

        Assert.Equal("drift-pebble-custom-notice: notice '7' is not among container 'drift''s notices; add it", error);
    }

    [Fact]
    public void Check_CustomNoticeWithoutId_IsAnError()
    {
        Assert.Equal("drift-pebble-custom-notice needs a notice: give the notice id", SingleError(UnitState.Empty with { Containers = [Drift] }, EventSpec.Workload(EventKind.PebbleCustomNotice, "drift")));
    }

    [Fact]
    public void Check_CustomNoticeInContainer_IsConsistent() =>
        AssertConsistent(UnitState.Empty with { Containers = [Drift with { Notices = [ReloadNotice] }] }, EventSpec.Workload(EventKind.PebbleCustomNotice, "drift", noticeId: "7"));

    [Fact]
    public void Check_CheckFailedOnUnknownCheck_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Containers = [Drift] }, EventSpec.Workload(EventKind.PebbleCheckFailed, "drift", checkName: "up"));

        Assert.Equal("drift-pebble-check-failed: check 'up' is not among container 'drift''s check_infos; add it", error);
    }

    [Fact]
    public void Check_CheckRecoveredOnKnownCheck_IsConsistent() =>
        AssertConsistent(WithCheckInfo(UpCheck), EventSpec.Workload(EventKind.PebbleCheckRecovered, "drift", checkName: "up"));

    // ---- actions ----

    private static Dictionary<string, JsonElement> Params(string json) =>
        Json(json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    [Fact]
    public void Check_ActionWithDeclaredTypedParams_IsConsistent()
    {
        var report = Check(UnitState.Empty, EventSpec.Action("rotate", Params("""{"count": 2, "force": true}""")));

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Check_UndeclaredAction_IsAnError()
    {
        Assert.Equal("action 'backup' is not declared under actions (declared: rotate, loose); declare it or fix the name", SingleError(UnitState.Empty, EventSpec.Action("backup")));
    }

    [Fact]
    public void Check_ActionEventNamedForAnotherAction_IsAnError()
    {
        var error = SingleError(UnitState.Empty, EventSpec.Action("rotate", Params("""{"count": 1}""")) with { Owner = "loose" });

        Assert.Equal("the action event is named 'loose' but runs action 'rotate'; make them the same", error);
    }

    [Fact]
    public void Check_ActionParamOfWrongType_IsAnError()
    {
        var error = SingleError(UnitState.Empty, EventSpec.Action("rotate", Params("""{"count": "two"}""")));

        Assert.Equal("action 'rotate': parameter 'count' is declared integer but is \"two\"; give an integer", error);
    }

    [Fact]
    public void Check_ActionMissingRequiredParam_IsAnError()
    {
        Assert.Equal("action 'rotate': required parameter 'count' is missing; give it", SingleError(UnitState.Empty, EventSpec.Action("rotate")));
    }

    [Fact]
    public void Check_UndeclaredParamWhenAdditionalPropertiesFalse_IsAnError()
    {
        var error = SingleError(UnitState.Empty, EventSpec.Action("rotate", Params("""{"count": 1, "dry": true}""")));

        Assert.Equal("action 'rotate': parameter 'dry' is not declared (declared: force, count); Juju rejects it because additionalProperties is false", error);
    }

    [Fact]
    public void Check_UndeclaredParamWhenAdditionalPropertiesAllowed_IsAWarning()
    {
        var report = Check(UnitState.Empty, EventSpec.Action("loose", Params("""{"dry": true}""")));

        Assert.Empty(report.Errors);
        Assert.Equal("action 'loose': parameter 'dry' is not declared (declared: name); Juju accepts it because additionalProperties is not false", Assert.Single(report.Warnings));
    }

    // ---- storage events ----

    [Fact]
    public void Check_StorageAttachedForPresentStorage_IsConsistent() =>
        AssertConsistent(UnitState.Empty with { Storages = [new StorageState("data")] }, EventSpec.Storage(EventKind.StorageAttached, "data"));

    [Fact]
    public void Check_StorageEventWithoutStorage_IsAnError()
    {
        Assert.Equal("data-storage-attached needs a storage: give the storage name and index", SingleError(UnitState.Empty, new EventSpec(EventKind.StorageAttached) { Owner = "data" }));
    }

    [Fact]
    public void Check_StorageEventForStorageNotInState_IsAnError()
    {
        Assert.Equal("data-storage-detaching: storage data/1 is not in the state's storages; add it", SingleError(UnitState.Empty with { Storages = [new StorageState("data")] }, EventSpec.Storage(EventKind.StorageDetaching, "data", 1)));
    }

    [Fact]
    public void Check_StorageEventForUndeclaredStorage_IsAnError()
    {
        var report = Check(UnitState.Empty, EventSpec.Storage(EventKind.StorageAttached, "cache"));

        Assert.Contains("cache-storage-attached: storage 'cache' is not declared under storage in the metadata (declared: data)", report.Errors);
    }

    [Fact]
    public void Check_StorageEventPrefixNotTheStorage_IsAnError()
    {
        var error = SingleError(UnitState.Empty with { Storages = [new StorageState("data")] }, EventSpec.Storage(EventKind.StorageAttached, "data") with { Owner = "logs" });

        Assert.Equal("logs-storage-attached is about storage 'data'; the event must be data-storage-attached", error);
    }

    // ---- secret events ----

    [Fact]
    public void Check_SecretChangedForSecretInState_IsConsistent() =>
        AssertConsistent(UnitState.Empty with { Secrets = [Secret] }, EventSpec.Secret(EventKind.SecretChanged, "secret://6b8d8a6e-3f1c-4c1a-9a53-3f5f2a6c2b7e/d0erdn5mp25c7a5ksvtg"));

    [Fact]
    public void Check_SecretEventForSecretNotInState_IsAnError()
    {
        Assert.Equal($"secret-remove: secret {SecretId} is not in the state's secrets; add it", SingleError(UnitState.Empty, EventSpec.Secret(EventKind.SecretRemove, SecretId, 1)));
    }

    [Fact]
    public void Check_SecretEventWithoutId_IsAnError()
    {
        Assert.Equal("secret-rotate needs a secret: give the secret id", SingleError(UnitState.Empty, new EventSpec(EventKind.SecretRotate)));
    }

    // ---- other events and the report ----

    [Fact]
    public void Check_CustomEvent_IsAWarning()
    {
        var report = Check(UnitState.Empty, new EventSpec(EventKind.Custom));

        Assert.True(report.IsConsistent);
        Assert.Equal("a custom event cannot be checked for consistency", Assert.Single(report.Warnings));
    }

    [Fact]
    public void Check_StandardEvent_IsConsistent() => AssertConsistent(UnitState.Empty, new EventSpec(EventKind.ConfigChanged));

    [Fact]
    public void ThrowIfInconsistent_WithErrors_ListsThemAll()
    {
        var report = Check(UnitState.Empty with { Storages = [new StorageState("cache")], Resources = new Dictionary<string, string> { ["x"] = "y" } });

        var ex = Assert.Throws<InconsistentStateException>(report.ThrowIfInconsistent);

        Assert.Equal(
            "the state is inconsistent with the charm's metadata or the event:\n  - resource 'x' is not declared under resources in the metadata (declared: drift-image); declare it or remove it from resources\n  - storage 'cache' is not declared under storage in the metadata (declared: data); declare it or remove it from storages",
            ex.Message);
    }

    [Fact]
    public void ThrowIfInconsistent_WithOnlyWarnings_DoesNotThrow()
    {
        Check(UnitState.Empty, new EventSpec(EventKind.Custom)).ThrowIfInconsistent();
    }
}
