// Tests of the dispatch-path → event mapping table (ops' _set_name_from_path and CharmBase events).
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Tests.Hosting;

public sealed class DispatchPathTests
{
    private static readonly CharmMeta Meta = CharmMeta.FromCharmcraftYaml("""
        name: mapping-k8s
        containers:
          my-workload:
            resource: image
        resources:
          image:
            type: oci-image
        requires:
          my-db:
            interface: pg
        provides:
          metrics-endpoint:
            interface: prometheus_scrape
        peers:
          replicas:
            interface: rep
        storage:
          data:
            type: filesystem
            location: /data
        actions:
          get-db-info:
            description: x
        """);

    [Theory]
    [InlineData("hooks/install", "install", false)]
    [InlineData("hooks/my-db-relation-changed", "my_db_relation_changed", false)]
    [InlineData("actions/get-db-info", "get_db_info_action", true)]
    [InlineData("hooks/heartbeat", "heartbeat", false)]
    [InlineData("/var/lib/juju/charm/hooks/start", "start", false)]
    public void Parse_Path_GivesOpsEventName(string path, string expected, bool isAction)
    {
        var parsed = DispatchPath.Parse(path);

        Assert.Equal(expected, parsed.EventName);
        Assert.Equal(isAction, parsed.IsAction);
    }

    [Theory]
    [InlineData("install", EventKind.Install, null)]
    [InlineData("start", EventKind.Start, null)]
    [InlineData("stop", EventKind.Stop, null)]
    [InlineData("remove", EventKind.Remove, null)]
    [InlineData("config_changed", EventKind.ConfigChanged, null)]
    [InlineData("upgrade_charm", EventKind.UpgradeCharm, null)]
    [InlineData("update_status", EventKind.UpdateStatus, null)]
    [InlineData("leader_elected", EventKind.LeaderElected, null)]
    [InlineData("leader_settings_changed", EventKind.LeaderSettingsChanged, null)]
    [InlineData("secret_changed", EventKind.SecretChanged, null)]
    [InlineData("secret_rotate", EventKind.SecretRotate, null)]
    [InlineData("secret_remove", EventKind.SecretRemove, null)]
    [InlineData("secret_expired", EventKind.SecretExpired, null)]
    [InlineData("collect_metrics", EventKind.CollectMetrics, null)]
    [InlineData("my_db_relation_created", EventKind.RelationCreated, "my-db")]
    [InlineData("my_db_relation_joined", EventKind.RelationJoined, "my-db")]
    [InlineData("my_db_relation_changed", EventKind.RelationChanged, "my-db")]
    [InlineData("my_db_relation_departed", EventKind.RelationDeparted, "my-db")]
    [InlineData("my_db_relation_broken", EventKind.RelationBroken, "my-db")]
    [InlineData("metrics_endpoint_relation_joined", EventKind.RelationJoined, "metrics-endpoint")]
    [InlineData("replicas_relation_changed", EventKind.RelationChanged, "replicas")]
    [InlineData("my_workload_pebble_ready", EventKind.PebbleReady, "my-workload")]
    [InlineData("my_workload_pebble_custom_notice", EventKind.PebbleCustomNotice, "my-workload")]
    [InlineData("my_workload_pebble_check_failed", EventKind.PebbleCheckFailed, "my-workload")]
    [InlineData("my_workload_pebble_check_recovered", EventKind.PebbleCheckRecovered, "my-workload")]
    [InlineData("data_storage_attached", EventKind.StorageAttached, "data")]
    [InlineData("data_storage_detaching", EventKind.StorageDetaching, "data")]
    [InlineData("get_db_info_action", EventKind.Action, "get-db-info")]
    [InlineData("heartbeat", EventKind.Custom, null)]
    [InlineData("other_relation_changed", EventKind.Custom, null)]
    [InlineData("unknown_action", EventKind.Custom, null)]
    public void Resolve_Name_GivesKindAndOwner(string name, EventKind kind, string? owner)
    {
        var resolved = ResolvedEvent.Resolve(name, Meta);

        Assert.Equal(kind, resolved.Kind);
        Assert.Equal(owner, resolved.Owner);
        Assert.Equal(name, resolved.EventName);
    }

    [Theory]
    [InlineData(EventKind.Stop, false)]
    [InlineData(EventKind.Remove, false)]
    [InlineData(EventKind.SecretRotate, false)]
    [InlineData(EventKind.SecretExpired, false)]
    [InlineData(EventKind.Action, false)]
    [InlineData(EventKind.CollectUnitStatus, false)]
    [InlineData(EventKind.ConfigChanged, true)]
    [InlineData(EventKind.RelationChanged, true)]
    [InlineData(EventKind.SecretRemove, true)]
    [InlineData(EventKind.Custom, true)]
    public void IsDeferrable_Kind_FollowsOps(EventKind kind, bool deferrable) =>
        Assert.Equal(deferrable, new ResolvedEvent(kind, "x", null).IsDeferrable);

    [Theory]
    [InlineData(EventKind.RelationChanged, "my-db", "my_db_relation_changed")]
    [InlineData(EventKind.Action, "get-db-info", "get_db_info_action")]
    [InlineData(EventKind.ConfigChanged, null, "config_changed")]
    [InlineData(EventKind.CollectUnitStatus, null, "collect_unit_status")]
    public void NameOf_KindAndOwner_RoundTrips(EventKind kind, string? owner, string expected) =>
        Assert.Equal(expected, ResolvedEvent.NameOf(kind, owner));
}
