// RelationState and RelationKind: one relation of the unit under test, with the databags on both
// sides, as Scenario's Relation, PeerRelation and SubordinateRelation hold them.
namespace MlObs.Ops.Testing.State;

/// <summary>Which kind of relation a <see cref="RelationState"/> is; Scenario has one class for each.</summary>
public enum RelationKind
{
    /// <summary><c>regular</c>: a relation to another application over a <c>requires</c> or <c>provides</c> endpoint.</summary>
    Regular,

    /// <summary><c>peer</c>: the relation of a <c>peers</c> endpoint, between the units of this application.</summary>
    Peer,

    /// <summary><c>subordinate</c>: a <c>scope: container</c> relation between a principal and a subordinate.</summary>
    Subordinate,
}

/// <summary>
/// A relation as the unit under test sees it: the endpoint, the remote application and the
/// databags of every participant. Use <see cref="Regular"/>, <see cref="Peer"/> and
/// <see cref="Subordinate"/> to get Scenario's defaults, and <c>with</c> to vary them.
/// </summary>
public sealed record RelationState
{
    /// <summary>The address keys Juju puts in every unit databag, each set to <c>192.0.2.0</c> (as Scenario does).</summary>
    public static IReadOnlyDictionary<string, string> DefaultUnitData { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["egress-subnets"] = "192.0.2.0",
        ["ingress-address"] = "192.0.2.0",
        ["private-address"] = "192.0.2.0",
    };

    private static readonly IReadOnlyDictionary<string, string> NoData = new Dictionary<string, string>(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> NoUnits =
        new Dictionary<int, IReadOnlyDictionary<string, string>>();

    /// <summary>The relation id, the number in <c>JUJU_RELATION_ID=endpoint:id</c>; unique within the state.</summary>
    public required int Id { get; init; }

    /// <summary>The local endpoint name, as declared in the charm's metadata.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The interface name, or <see langword="null"/> to take it from the metadata.</summary>
    public string? Interface { get; init; }

    /// <summary>Regular, peer or subordinate.</summary>
    public RelationKind Kind { get; init; } = RelationKind.Regular;

    /// <summary>The remote application (<c>JUJU_REMOTE_APP</c>); for a peer relation, ignored (it is this application).</summary>
    public string RemoteAppName { get; init; } = "remote";

    /// <summary>This application's databag (writable by the leader only).</summary>
    public IReadOnlyDictionary<string, string> LocalAppData { get; init; } = NoData;

    /// <summary>This unit's databag; defaults to Juju's address keys.</summary>
    public IReadOnlyDictionary<string, string> LocalUnitData { get; init; } = DefaultUnitData;

    /// <summary>The remote application's databag (regular and subordinate relations).</summary>
    public IReadOnlyDictionary<string, string> RemoteAppData { get; init; } = NoData;

    /// <summary>
    /// The databags of the remote units, keyed by unit number (<c>remote/0</c> is 0). Regular and
    /// subordinate relations get <c>{0: Juju's address keys}</c> from the factories; a subordinate
    /// relation has at most one.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> RemoteUnitsData { get; init; } = NoUnits;

    /// <summary>The databags of the other units of this application, keyed by unit number (peer relations only).</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> PeersData { get; init; } = NoUnits;

    /// <summary>The model of the remote application for a cross-model relation, or <see langword="null"/> for this model.</summary>
    public string? RemoteModelUuid { get; init; }

    /// <summary>A regular relation with one remote unit, <c>remote/0</c>, whose databag holds Juju's address keys.</summary>
    /// <param name="endpoint">The local endpoint.</param>
    /// <param name="id">The relation id.</param>
    /// <param name="remoteAppName">The remote application.</param>
    /// <returns>The relation.</returns>
    public static RelationState Regular(string endpoint, int id, string remoteAppName = "remote") => new()
    {
        Id = id,
        Endpoint = endpoint,
        Kind = RelationKind.Regular,
        RemoteAppName = remoteAppName,
        RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = DefaultUnitData },
    };

    /// <summary>A peer relation; the unit under test is alone until <see cref="PeersData"/> adds others.</summary>
    /// <param name="endpoint">The <c>peers</c> endpoint.</param>
    /// <param name="id">The relation id.</param>
    /// <returns>The relation.</returns>
    public static RelationState Peer(string endpoint, int id) => new()
    {
        Id = id,
        Endpoint = endpoint,
        Kind = RelationKind.Peer,
    };

    /// <summary>A subordinate relation with its one remote unit, <c>remote/0</c>.</summary>
    /// <param name="endpoint">The <c>scope: container</c> endpoint.</param>
    /// <param name="id">The relation id.</param>
    /// <param name="remoteAppName">The principal (or subordinate) application on the other side.</param>
    /// <returns>The relation.</returns>
    public static RelationState Subordinate(string endpoint, int id, string remoteAppName = "remote") =>
        Regular(endpoint, id, remoteAppName) with { Kind = RelationKind.Subordinate };

    /// <summary>The remote unit names, <c>app/N</c>, of <see cref="RemoteUnitsData"/> (or <see cref="PeersData"/> for a peer relation) in unit order.</summary>
    /// <param name="localAppName">This application's name, used for peer units.</param>
    /// <returns>The unit names.</returns>
    public IReadOnlyList<string> RemoteUnitNames(string localAppName)
    {
        ArgumentNullException.ThrowIfNull(localAppName);
        var (app, units) = Kind == RelationKind.Peer ? (localAppName, PeersData) : (RemoteAppName, RemoteUnitsData);
        return [.. units.Keys.Order().Select(n => $"{app}/{n}")];
    }

    /// <summary>Compares every field; databags by content.</summary>
    /// <param name="other">The relation to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same relation.</returns>
    public bool Equals(RelationState? other) =>
        other is not null
        && Id == other.Id
        && Endpoint == other.Endpoint
        && Interface == other.Interface
        && Kind == other.Kind
        && RemoteAppName == other.RemoteAppName
        && StateEquality.Maps(LocalAppData, other.LocalAppData)
        && StateEquality.Maps(LocalUnitData, other.LocalUnitData)
        && StateEquality.Maps(RemoteAppData, other.RemoteAppData)
        && StateEquality.Maps(RemoteUnitsData, other.RemoteUnitsData, StateEquality.Databag)
        && StateEquality.Maps(PeersData, other.PeersData, StateEquality.Databag)
        && RemoteModelUuid == other.RemoteModelUuid;

    /// <summary>A hash consistent with <see cref="Equals(RelationState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Id, Endpoint, Kind, RemoteAppName, StateEquality.MapHash(RemoteUnitsData), StateEquality.MapHash(PeersData));
}
