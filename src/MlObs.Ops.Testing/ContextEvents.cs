// ContextEvents: `ctx.On.*`, the event factories of the in-process harness (Scenario's `ctx.on`).
// Each returns the EventSpec for one event kind, taking the state object the event is about.
using System.Globalization;
using System.Text.Json;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing;

/// <summary>Builds the events a <see cref="Context{TCharm}"/> runs, one factory per event kind.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822:Mark members as static", Justification = "Reached as ctx.On.X(), like Scenario's ctx.on.x(); some factories need the metadata.")]
public sealed class ContextEvents
{
    private readonly string _appName;

    internal ContextEvents(string appName)
    {
        _appName = appName;
    }

    /// <summary><c>install</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec Install() => new(EventKind.Install);

    /// <summary><c>start</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec Start() => new(EventKind.Start);

    /// <summary><c>stop</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec Stop() => new(EventKind.Stop);

    /// <summary><c>remove</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec Remove() => new(EventKind.Remove);

    /// <summary><c>update-status</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec UpdateStatus() => new(EventKind.UpdateStatus);

    /// <summary><c>config-changed</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec ConfigChanged() => new(EventKind.ConfigChanged);

    /// <summary><c>upgrade-charm</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec UpgradeCharm() => new(EventKind.UpgradeCharm);

    /// <summary><c>leader-elected</c>.</summary>
    /// <returns>The event.</returns>
    public EventSpec LeaderElected() => new(EventKind.LeaderElected);

    /// <summary><c>&lt;endpoint&gt;-relation-created</c>.</summary>
    /// <param name="relation">The relation, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec RelationCreated(RelationState relation) => Relation(EventKind.RelationCreated, relation, null, null);

    /// <summary><c>&lt;endpoint&gt;-relation-joined</c>.</summary>
    /// <param name="relation">The relation, which must be in the state.</param>
    /// <param name="remoteUnitId">The joining unit's number; the relation's first remote unit when null.</param>
    /// <returns>The event.</returns>
    public EventSpec RelationJoined(RelationState relation, int? remoteUnitId = null) => Relation(EventKind.RelationJoined, relation, remoteUnitId, null);

    /// <summary><c>&lt;endpoint&gt;-relation-changed</c>.</summary>
    /// <param name="relation">The relation, which must be in the state.</param>
    /// <param name="remoteUnitId">The changed unit's number; the relation's first remote unit when null.</param>
    /// <returns>The event.</returns>
    public EventSpec RelationChanged(RelationState relation, int? remoteUnitId = null) => Relation(EventKind.RelationChanged, relation, remoteUnitId, null);

    /// <summary><c>&lt;endpoint&gt;-relation-departed</c>.</summary>
    /// <param name="relation">The relation, which must be in the state.</param>
    /// <param name="remoteUnitId">The remote unit's number; the relation's first when null.</param>
    /// <param name="departingUnitId">The departing unit's number; the remote unit when null.</param>
    /// <returns>The event.</returns>
    public EventSpec RelationDeparted(RelationState relation, int? remoteUnitId = null, int? departingUnitId = null) =>
        Relation(EventKind.RelationDeparted, relation, remoteUnitId, departingUnitId);

    /// <summary><c>&lt;endpoint&gt;-relation-broken</c>.</summary>
    /// <param name="relation">The relation, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec RelationBroken(RelationState relation) => Relation(EventKind.RelationBroken, relation, null, null);

    /// <summary><c>&lt;container&gt;-pebble-ready</c>.</summary>
    /// <param name="container">The container, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec PebbleReady(ContainerState container) =>
        EventSpec.Workload(EventKind.PebbleReady, (container ?? throw new ArgumentNullException(nameof(container))).Name);

    /// <summary><c>&lt;container&gt;-pebble-custom-notice</c>.</summary>
    /// <param name="container">The container, which must be in the state.</param>
    /// <param name="noticeId">The id of one of the container's notices.</param>
    /// <returns>The event.</returns>
    public EventSpec PebbleCustomNotice(ContainerState container, string noticeId) =>
        EventSpec.Workload(EventKind.PebbleCustomNotice, (container ?? throw new ArgumentNullException(nameof(container))).Name, noticeId: noticeId);

    /// <summary><c>&lt;container&gt;-pebble-check-failed</c>.</summary>
    /// <param name="container">The container, which must be in the state.</param>
    /// <param name="checkName">The check, one of the container's check infos.</param>
    /// <returns>The event.</returns>
    public EventSpec PebbleCheckFailed(ContainerState container, string checkName) =>
        EventSpec.Workload(EventKind.PebbleCheckFailed, (container ?? throw new ArgumentNullException(nameof(container))).Name, checkName: checkName);

    /// <summary><c>&lt;container&gt;-pebble-check-recovered</c>.</summary>
    /// <param name="container">The container, which must be in the state.</param>
    /// <param name="checkName">The check, one of the container's check infos.</param>
    /// <returns>The event.</returns>
    public EventSpec PebbleCheckRecovered(ContainerState container, string checkName) =>
        EventSpec.Workload(EventKind.PebbleCheckRecovered, (container ?? throw new ArgumentNullException(nameof(container))).Name, checkName: checkName);

    /// <summary><c>secret-changed</c> (for a secret the unit observes).</summary>
    /// <param name="secret">The secret, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec SecretChanged(SecretState secret) => EventSpec.Secret(EventKind.SecretChanged, IdOf(secret));

    /// <summary><c>secret-rotate</c> (for a secret the unit owns).</summary>
    /// <param name="secret">The secret, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec SecretRotate(SecretState secret) => EventSpec.Secret(EventKind.SecretRotate, IdOf(secret));

    /// <summary><c>secret-remove</c>: a revision nobody tracks any more.</summary>
    /// <param name="secret">The secret, which must be in the state.</param>
    /// <param name="revision">The revision to remove.</param>
    /// <returns>The event.</returns>
    public EventSpec SecretRemove(SecretState secret, int revision) => EventSpec.Secret(EventKind.SecretRemove, IdOf(secret), revision);

    /// <summary><c>secret-expired</c>.</summary>
    /// <param name="secret">The secret, which must be in the state.</param>
    /// <param name="revision">The revision that expired.</param>
    /// <returns>The event.</returns>
    public EventSpec SecretExpired(SecretState secret, int revision) => EventSpec.Secret(EventKind.SecretExpired, IdOf(secret), revision);

    /// <summary><c>&lt;storage&gt;-storage-attached</c>.</summary>
    /// <param name="storage">The storage instance, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec StorageAttached(StorageState storage) =>
        EventSpec.Storage(EventKind.StorageAttached, (storage ?? throw new ArgumentNullException(nameof(storage))).Name, storage.Index);

    /// <summary><c>&lt;storage&gt;-storage-detaching</c>.</summary>
    /// <param name="storage">The storage instance, which must be in the state.</param>
    /// <returns>The event.</returns>
    public EventSpec StorageDetaching(StorageState storage) =>
        EventSpec.Storage(EventKind.StorageDetaching, (storage ?? throw new ArgumentNullException(nameof(storage))).Name, storage.Index);

    /// <summary>The action <paramref name="name"/> (<c>actions/&lt;name&gt;</c>).</summary>
    /// <param name="name">A declared action.</param>
    /// <param name="parameters">Its parameters as JSON values; defaults fill the rest.</param>
    /// <returns>The event.</returns>
    public EventSpec Action(string name, IReadOnlyDictionary<string, JsonElement>? parameters = null) => EventSpec.Action(name, parameters);

    /// <summary>The action <paramref name="name"/> with parameters given as a JSON object.</summary>
    /// <param name="name">A declared action.</param>
    /// <param name="parametersJson">A JSON object, e.g. <c>{"name": "Ada"}</c>.</param>
    /// <returns>The event.</returns>
    public EventSpec Action(string name, string parametersJson)
    {
        using var document = JsonDocument.Parse(parametersJson);
        return EventSpec.Action(name, document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal));
    }

    /// <summary>A custom event dispatched as <c>hooks/&lt;name&gt;</c> (as <c>juju-exec … JUJU_DISPATCH_PATH=hooks/&lt;name&gt; ./dispatch</c> does).</summary>
    /// <param name="name">The hook name, e.g. <c>heartbeat</c>.</param>
    /// <returns>The event.</returns>
    public EventSpec Custom(string name) => new(EventKind.Custom) { Owner = name };

    private EventSpec Relation(EventKind kind, RelationState relation, int? remoteUnitId, int? departingUnitId)
    {
        ArgumentNullException.ThrowIfNull(relation);
        var app = relation.Kind == RelationKind.Peer ? _appName : relation.RemoteAppName;
        string? Unit(int? id) => id is { } n ? string.Create(CultureInfo.InvariantCulture, $"{app}/{n}") : null;
        return EventSpec.Relation(kind, relation.Endpoint, relation.Id, Unit(remoteUnitId), Unit(departingUnitId));
    }

    private static string IdOf(SecretState secret) => (secret ?? throw new ArgumentNullException(nameof(secret))).Id;
}
