// EventSpec: the event a run dispatches, with the objects it concerns (relation, unit, container,
// notice, check, secret, action, storage); the CLI and the harness build it from their arguments.
using System.Text.Json;
using MlObs.Ops.Hosting;

namespace MlObs.Ops.Testing.State;

/// <summary>
/// The event to dispatch and what it is about. <see cref="Owner"/> is the prefix of the event's
/// name (the endpoint of <c>db-relation-changed</c>, the container of <c>workload-pebble-ready</c>,
/// the storage of <c>data-storage-attached</c>, the action's name); the other fields pick the
/// object in the <see cref="UnitState"/>. The factories fill <see cref="Owner"/> for you.
/// </summary>
/// <param name="Kind">What the event is.</param>
public sealed record EventSpec(EventKind Kind)
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoParams = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The endpoint, container, storage or action the event's name starts with; <see langword="null"/> for standard events.</summary>
    public string? Owner { get; init; }

    /// <summary>The relation id, for relation events (<c>JUJU_RELATION_ID</c>).</summary>
    public int? RelationId { get; init; }

    /// <summary>The remote unit, e.g. <c>remote/0</c>, for relation joined, changed and departed (<c>JUJU_REMOTE_UNIT</c>).</summary>
    public string? RemoteUnit { get; init; }

    /// <summary>The departing unit, for relation departed (<c>JUJU_DEPARTING_UNIT</c>).</summary>
    public string? DepartingUnit { get; init; }

    /// <summary>The container, for workload events (<c>JUJU_WORKLOAD_NAME</c>).</summary>
    public string? Container { get; init; }

    /// <summary>The notice id, for <c>pebble-custom-notice</c> (<c>JUJU_NOTICE_ID</c>).</summary>
    public string? NoticeId { get; init; }

    /// <summary>The check name, for <c>pebble-check-failed</c> and <c>-recovered</c> (<c>JUJU_PEBBLE_CHECK_NAME</c>).</summary>
    public string? CheckName { get; init; }

    /// <summary>The secret URI, for secret events (<c>JUJU_SECRET_ID</c>).</summary>
    public string? SecretId { get; init; }

    /// <summary>The revision, for <c>secret-remove</c> and <c>secret-expired</c> (<c>JUJU_SECRET_REVISION</c>).</summary>
    public int? SecretRevision { get; init; }

    /// <summary>The action name, for actions (<c>JUJU_ACTION_NAME</c>).</summary>
    public string? ActionName { get; init; }

    /// <summary>The action's parameters, as <c>action-get</c> returns them.</summary>
    public IReadOnlyDictionary<string, JsonElement> ActionParams { get; init; } = NoParams;

    /// <summary>The storage name, for storage events (<c>JUJU_STORAGE_ID=name/index</c>).</summary>
    public string? StorageName { get; init; }

    /// <summary>The storage index, for storage events.</summary>
    public int? StorageIndex { get; init; }

    /// <summary>A relation event about relation <paramref name="relationId"/> of <paramref name="endpoint"/>.</summary>
    /// <param name="kind">One of the relation event kinds.</param>
    /// <param name="endpoint">The endpoint, the prefix of the event name.</param>
    /// <param name="relationId">The relation id.</param>
    /// <param name="remoteUnit">The remote unit (joined, changed, departed).</param>
    /// <param name="departingUnit">The departing unit (departed).</param>
    /// <returns>The event.</returns>
    public static EventSpec Relation(EventKind kind, string endpoint, int relationId, string? remoteUnit = null, string? departingUnit = null) =>
        new(kind) { Owner = endpoint, RelationId = relationId, RemoteUnit = remoteUnit, DepartingUnit = departingUnit };

    /// <summary>A workload event about <paramref name="container"/>.</summary>
    /// <param name="kind">One of the Pebble event kinds.</param>
    /// <param name="container">The container, the prefix of the event name.</param>
    /// <param name="noticeId">The notice id (custom notice).</param>
    /// <param name="checkName">The check name (check failed or recovered).</param>
    /// <returns>The event.</returns>
    public static EventSpec Workload(EventKind kind, string container, string? noticeId = null, string? checkName = null) =>
        new(kind) { Owner = container, Container = container, NoticeId = noticeId, CheckName = checkName };

    /// <summary>A secret event about <paramref name="secretId"/>.</summary>
    /// <param name="kind">One of the secret event kinds.</param>
    /// <param name="secretId">The secret URI.</param>
    /// <param name="revision">The revision (remove, expired).</param>
    /// <returns>The event.</returns>
    public static EventSpec Secret(EventKind kind, string secretId, int? revision = null) =>
        new(kind) { SecretId = secretId, SecretRevision = revision };

    /// <summary>The action <paramref name="name"/> with its parameters.</summary>
    /// <param name="name">The action name.</param>
    /// <param name="parameters">The parameters, or <see langword="null"/> for none.</param>
    /// <returns>The event.</returns>
    public static EventSpec Action(string name, IReadOnlyDictionary<string, JsonElement>? parameters = null) =>
        new(EventKind.Action) { Owner = name, ActionName = name, ActionParams = parameters ?? NoParams };

    /// <summary>A storage event about instance <paramref name="index"/> of <paramref name="name"/>.</summary>
    /// <param name="kind">Storage attached or detaching.</param>
    /// <param name="name">The storage name, the prefix of the event name.</param>
    /// <param name="index">The instance number.</param>
    /// <returns>The event.</returns>
    public static EventSpec Storage(EventKind kind, string name, int index = 0) =>
        new(kind) { Owner = name, StorageName = name, StorageIndex = index };

    /// <summary>Compares every field; action parameters by JSON content.</summary>
    /// <param name="other">The event to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same event.</returns>
    public bool Equals(EventSpec? other) =>
        other is not null
        && Kind == other.Kind
        && Owner == other.Owner
        && RelationId == other.RelationId
        && RemoteUnit == other.RemoteUnit
        && DepartingUnit == other.DepartingUnit
        && Container == other.Container
        && NoticeId == other.NoticeId
        && CheckName == other.CheckName
        && SecretId == other.SecretId
        && SecretRevision == other.SecretRevision
        && ActionName == other.ActionName
        && StateEquality.Maps(ActionParams, other.ActionParams, StateEquality.Json)
        && StorageName == other.StorageName
        && StorageIndex == other.StorageIndex;

    /// <summary>A hash consistent with <see cref="Equals(EventSpec?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Kind, Owner, RelationId, Container, SecretId, ActionName, StorageName, StorageIndex);
}
