// DispatchPath: turns JUJU_DISPATCH_PATH into an ops-style event name, and that name into an event kind.
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Hosting;

/// <summary>The event name a dispatch path stands for, computed exactly as ops does.</summary>
/// <param name="RawName">The last path segment as Juju wrote it, e.g. <c>db-relation-changed</c>.</param>
/// <param name="EventName">The ops event name: dashes become underscores, actions get <c>_action</c>, e.g. <c>db_relation_changed</c>.</param>
/// <param name="IsAction">Whether the path is under <c>actions/</c>.</param>
public sealed record DispatchPath(string RawName, string EventName, bool IsAction)
{
    /// <summary>Parses <c>hooks/&lt;name&gt;</c>, <c>actions/&lt;name&gt;</c> or any custom path.</summary>
    /// <param name="path">The value of <c>JUJU_DISPATCH_PATH</c>.</param>
    /// <returns>The parsed name.</returns>
    public static DispatchPath Parse(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var raw = slash >= 0 ? trimmed[(slash + 1)..] : trimmed;
        var parent = slash >= 0 ? trimmed[..slash] : string.Empty;
        var parentName = parent[(parent.LastIndexOf('/') + 1)..];
        var isAction = parentName == "actions";
        var name = raw.Replace('-', '_');
        return new DispatchPath(raw, isAction ? name + "_action" : name, isAction);
    }
}

/// <summary>What a Juju event is, independent of which endpoint, container, storage or action it concerns.</summary>
public enum EventKind
{
    /// <summary>A name no metadata explains: a custom dispatch path.</summary>
    Custom,

    /// <summary><c>install</c>.</summary>
    Install,

    /// <summary><c>start</c>.</summary>
    Start,

    /// <summary><c>stop</c> (not deferrable).</summary>
    Stop,

    /// <summary><c>remove</c> (not deferrable).</summary>
    Remove,

    /// <summary><c>config-changed</c>.</summary>
    ConfigChanged,

    /// <summary><c>upgrade-charm</c>.</summary>
    UpgradeCharm,

    /// <summary><c>update-status</c>.</summary>
    UpdateStatus,

    /// <summary><c>leader-elected</c>.</summary>
    LeaderElected,

    /// <summary><c>leader-settings-changed</c>.</summary>
    LeaderSettingsChanged,

    /// <summary><c>collect-metrics</c> (legacy; a restricted context).</summary>
    CollectMetrics,

    /// <summary><c>meter-status-changed</c> (legacy; a restricted context).</summary>
    MeterStatusChanged,

    /// <summary><c>pre-series-upgrade</c> (machines only).</summary>
    PreSeriesUpgrade,

    /// <summary><c>post-series-upgrade</c> (machines only).</summary>
    PostSeriesUpgrade,

    /// <summary><c>&lt;endpoint&gt;-relation-created</c>.</summary>
    RelationCreated,

    /// <summary><c>&lt;endpoint&gt;-relation-joined</c>.</summary>
    RelationJoined,

    /// <summary><c>&lt;endpoint&gt;-relation-changed</c>.</summary>
    RelationChanged,

    /// <summary><c>&lt;endpoint&gt;-relation-departed</c>.</summary>
    RelationDeparted,

    /// <summary><c>&lt;endpoint&gt;-relation-broken</c>.</summary>
    RelationBroken,

    /// <summary><c>&lt;container&gt;-pebble-ready</c>.</summary>
    PebbleReady,

    /// <summary><c>&lt;container&gt;-pebble-custom-notice</c>.</summary>
    PebbleCustomNotice,

    /// <summary><c>&lt;container&gt;-pebble-check-failed</c>.</summary>
    PebbleCheckFailed,

    /// <summary><c>&lt;container&gt;-pebble-check-recovered</c>.</summary>
    PebbleCheckRecovered,

    /// <summary><c>secret-changed</c>.</summary>
    SecretChanged,

    /// <summary><c>secret-rotate</c> (not deferrable).</summary>
    SecretRotate,

    /// <summary><c>secret-remove</c>.</summary>
    SecretRemove,

    /// <summary><c>secret-expired</c> (not deferrable).</summary>
    SecretExpired,

    /// <summary><c>&lt;storage&gt;-storage-attached</c>.</summary>
    StorageAttached,

    /// <summary><c>&lt;storage&gt;-storage-detaching</c>.</summary>
    StorageDetaching,

    /// <summary>An action, <c>actions/&lt;name&gt;</c> (not deferrable).</summary>
    Action,

    /// <summary>Framework lifecycle: collect the application status (leader only; not deferrable).</summary>
    CollectAppStatus,

    /// <summary>Framework lifecycle: collect the unit status (not deferrable).</summary>
    CollectUnitStatus,
}

/// <summary>An event name resolved against the charm's metadata.</summary>
/// <param name="Kind">What the event is.</param>
/// <param name="EventName">The ops event name, e.g. <c>db_relation_changed</c>.</param>
/// <param name="Owner">The endpoint, container, storage or action the event is about (with its declared spelling), or null.</param>
public sealed record ResolvedEvent(EventKind Kind, string EventName, string? Owner)
{
    private static readonly Dictionary<string, EventKind> Standard = new(StringComparer.Ordinal)
    {
        ["install"] = EventKind.Install,
        ["start"] = EventKind.Start,
        ["stop"] = EventKind.Stop,
        ["remove"] = EventKind.Remove,
        ["config_changed"] = EventKind.ConfigChanged,
        ["upgrade_charm"] = EventKind.UpgradeCharm,
        ["update_status"] = EventKind.UpdateStatus,
        ["leader_elected"] = EventKind.LeaderElected,
        ["leader_settings_changed"] = EventKind.LeaderSettingsChanged,
        ["collect_metrics"] = EventKind.CollectMetrics,
        ["meter_status_changed"] = EventKind.MeterStatusChanged,
        ["pre_series_upgrade"] = EventKind.PreSeriesUpgrade,
        ["post_series_upgrade"] = EventKind.PostSeriesUpgrade,
        ["secret_changed"] = EventKind.SecretChanged,
        ["secret_rotate"] = EventKind.SecretRotate,
        ["secret_remove"] = EventKind.SecretRemove,
        ["secret_expired"] = EventKind.SecretExpired,
    };

    private static readonly (string Suffix, EventKind Kind)[] RelationSuffixes =
    [
        ("_relation_created", EventKind.RelationCreated),
        ("_relation_joined", EventKind.RelationJoined),
        ("_relation_changed", EventKind.RelationChanged),
        ("_relation_departed", EventKind.RelationDeparted),
        ("_relation_broken", EventKind.RelationBroken),
    ];

    private static readonly (string Suffix, EventKind Kind)[] WorkloadSuffixes =
    [
        ("_pebble_ready", EventKind.PebbleReady),
        ("_pebble_custom_notice", EventKind.PebbleCustomNotice),
        ("_pebble_check_failed", EventKind.PebbleCheckFailed),
        ("_pebble_check_recovered", EventKind.PebbleCheckRecovered),
    ];

    private static readonly (string Suffix, EventKind Kind)[] StorageSuffixes =
    [
        ("_storage_attached", EventKind.StorageAttached),
        ("_storage_detaching", EventKind.StorageDetaching),
    ];

    /// <summary>Whether a handler may defer this kind of event.</summary>
    public bool IsDeferrable => Kind is not (EventKind.Stop or EventKind.Remove or EventKind.SecretRotate
        or EventKind.SecretExpired or EventKind.Action or EventKind.CollectAppStatus or EventKind.CollectUnitStatus);

    /// <summary>
    /// Resolves an ops event name against the metadata as ops' <c>CharmBase</c> defines its events:
    /// standard hooks, then per-endpoint, per-container, per-storage and per-action events; any other
    /// name is a custom event.
    /// </summary>
    /// <param name="eventName">The ops event name, from <see cref="DispatchPath.EventName"/>.</param>
    /// <param name="meta">The charm's metadata.</param>
    /// <returns>The resolved event.</returns>
    public static ResolvedEvent Resolve(string eventName, CharmMeta meta)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(meta);

        if (Standard.TryGetValue(eventName, out var standard))
        {
            return new ResolvedEvent(standard, eventName, null);
        }

        if (eventName.EndsWith("_action", StringComparison.Ordinal))
        {
            var action = FindOwner(eventName[..^"_action".Length], meta.Actions.Keys);
            if (action is not null)
            {
                return new ResolvedEvent(EventKind.Action, eventName, action);
            }
        }

        var match = Match(eventName, RelationSuffixes, meta.Relations.Keys)
            ?? Match(eventName, WorkloadSuffixes, meta.Containers.Keys)
            ?? Match(eventName, StorageSuffixes, meta.Storages.Keys);
        return match ?? new ResolvedEvent(EventKind.Custom, eventName, null);
    }

    /// <summary>The ops event name of an event about <paramref name="owner"/>, e.g. (<c>my-db</c>, RelationChanged) → <c>my_db_relation_changed</c>.</summary>
    /// <param name="kind">The event kind.</param>
    /// <param name="owner">The endpoint, container, storage or action name, or null for standard events.</param>
    /// <returns>The ops event name.</returns>
    public static string NameOf(EventKind kind, string? owner)
    {
        var prefix = owner?.Replace('-', '_');
        foreach (var (suffix, k) in RelationSuffixes.Concat(WorkloadSuffixes).Concat(StorageSuffixes))
        {
            if (k == kind)
            {
                return prefix + suffix;
            }
        }

        if (kind == EventKind.Action)
        {
            return prefix + "_action";
        }

        foreach (var (name, k) in Standard)
        {
            if (k == kind)
            {
                return name;
            }
        }

        return kind switch
        {
            EventKind.CollectAppStatus => "collect_app_status",
            EventKind.CollectUnitStatus => "collect_unit_status",
            _ => throw new ArgumentException($"Event kind {kind} has no fixed name.", nameof(kind)),
        };
    }

    private static ResolvedEvent? Match(string eventName, (string Suffix, EventKind Kind)[] suffixes, IEnumerable<string> owners)
    {
        foreach (var (suffix, kind) in suffixes)
        {
            if (eventName.EndsWith(suffix, StringComparison.Ordinal))
            {
                var owner = FindOwner(eventName[..^suffix.Length], owners);
                if (owner is not null)
                {
                    return new ResolvedEvent(kind, eventName, owner);
                }
            }
        }

        return null;
    }

    private static string? FindOwner(string normalized, IEnumerable<string> owners) =>
        owners.FirstOrDefault(o => string.Equals(o.Replace('-', '_'), normalized, StringComparison.Ordinal));
}
