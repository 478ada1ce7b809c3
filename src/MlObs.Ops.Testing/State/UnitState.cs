// UnitState: the root of the emulator's state — everything Juju and Pebble would tell one unit of a
// charm, mirroring Scenario's State. The emulator reads it before a dispatch and writes it after.
using System.Text.Json;

namespace MlObs.Ops.Testing.State;

/// <summary>
/// What one unit of a charm sees of the world, as Scenario's <c>State</c> holds it: config,
/// relations, networks, containers, secrets, storage, ports, leadership, the model, resources,
/// the unit's controller-side store, statuses and the workload version. It is the input and the
/// output of a state-transition test: vary it with <c>with</c>, compare it by content.
/// </summary>
/// <remarks>
/// Named <c>UnitState</c> rather than <c>State</c> so that it does not clash with the
/// <c>MlObs.Ops.Testing.State</c> namespace. <see cref="StateJson"/> reads and writes it.
/// </remarks>
public sealed partial record UnitState
{
    /// <summary>A state with nothing in it: no config, relations or containers; not leader; unknown statuses.</summary>
    public static UnitState Empty { get; } = new();

    /// <summary>The config values (<c>config-get</c>), by option name; options left out take their default.</summary>
    public IReadOnlyDictionary<string, JsonElement> Config { get; init; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The relations, each with a unique <see cref="RelationState.Id"/>.</summary>
    public IReadOnlyList<RelationState> Relations { get; init; } = [];

    /// <summary>What <c>network-get</c> answers, by binding name; a binding left out gets <see cref="NetworkState.Default"/>.</summary>
    public IReadOnlyDictionary<string, NetworkState> Networks { get; init; } = new Dictionary<string, NetworkState>(StringComparer.Ordinal);

    /// <summary>The workload containers.</summary>
    public IReadOnlyList<ContainerState> Containers { get; init; } = [];

    /// <summary>The secrets the unit owns or has been granted.</summary>
    public IReadOnlyList<SecretState> Secrets { get; init; } = [];

    /// <summary>The storage instances attached to the unit.</summary>
    public IReadOnlyList<StorageState> Storages { get; init; } = [];

    /// <summary>The ports the unit has opened.</summary>
    public IReadOnlyList<PortState> OpenedPorts { get; init; } = [];

    /// <summary>Whether the unit is the leader (<c>is-leader</c>).</summary>
    public bool Leader { get; init; }

    /// <summary>The model.</summary>
    public ModelState Model { get; init; } = ModelState.Default;

    /// <summary>The resources (<c>resource-get</c>): resource name → a local file path.</summary>
    public IReadOnlyDictionary<string, string> Resources { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How many units Juju plans for the application (<c>goal-state</c>).</summary>
    public int PlannedUnits { get; init; } = 1;

    /// <summary>
    /// The unit's controller-side key-value store (<c>state-get</c>/<c>state-set</c>); the C#
    /// framework keeps its stored state and deferred events there.
    /// </summary>
    public IReadOnlyDictionary<string, string> UnitStateData { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The unit's workload status.</summary>
    public StatusState UnitStatus { get; init; } = StatusState.Unknown;

    /// <summary>The application's status (set by the leader).</summary>
    public StatusState AppStatus { get; init; } = StatusState.Unknown;

    /// <summary>The workload version (<c>application-version-set</c>); empty when unset.</summary>
    public string WorkloadVersion { get; init; } = string.Empty;

    /// <summary>The relation with this id, if any.</summary>
    /// <param name="id">The relation id.</param>
    /// <returns>The relation, or <see langword="null"/>.</returns>
    public RelationState? GetRelation(int id) => Relations.FirstOrDefault(r => r.Id == id);

    /// <summary>The container with this name, if any.</summary>
    /// <param name="name">The container name.</param>
    /// <returns>The container, or <see langword="null"/>.</returns>
    public ContainerState? GetContainer(string name) => Containers.FirstOrDefault(c => c.Name == name);

    /// <summary>The secret with this id or label, if any; an id matches with or without a model-UUID prefix (<c>secret://uuid/id</c>).</summary>
    /// <param name="idOrLabel">The secret URI or its label.</param>
    /// <returns>The secret, or <see langword="null"/>.</returns>
    public SecretState? GetSecret(string idOrLabel)
    {
        ArgumentNullException.ThrowIfNull(idOrLabel);
        var shortId = ShortSecretId(idOrLabel);
        return Secrets.FirstOrDefault(s => ShortSecretId(s.Id) == shortId)
            ?? Secrets.FirstOrDefault(s => s.Label == idOrLabel);
    }

    /// <summary>The storage instance with this name and index, if any.</summary>
    /// <param name="name">The storage name.</param>
    /// <param name="index">The instance number.</param>
    /// <returns>The storage, or <see langword="null"/>.</returns>
    public StorageState? GetStorage(string name, int index) => Storages.FirstOrDefault(s => s.Name == name && s.Index == index);

    /// <summary>Compares every field; collections by content (lists in order, dictionaries by key).</summary>
    /// <param name="other">The state to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same state.</returns>
    public bool Equals(UnitState? other) =>
        other is not null
        && StateEquality.Maps(Config, other.Config, StateEquality.Json)
        && StateEquality.Lists(Relations, other.Relations)
        && StateEquality.Maps(Networks, other.Networks)
        && StateEquality.Lists(Containers, other.Containers)
        && StateEquality.Lists(Secrets, other.Secrets)
        && StateEquality.Lists(Storages, other.Storages)
        && StateEquality.Lists(OpenedPorts, other.OpenedPorts)
        && Leader == other.Leader
        && Model == other.Model
        && StateEquality.Maps(Resources, other.Resources)
        && PlannedUnits == other.PlannedUnits
        && StateEquality.Maps(UnitStateData, other.UnitStateData)
        && UnitStatus == other.UnitStatus
        && AppStatus == other.AppStatus
        && WorkloadVersion == other.WorkloadVersion;

    /// <summary>A hash consistent with <see cref="Equals(UnitState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(StateEquality.MapHash(Config));
        hash.Add(StateEquality.ListHash(Relations));
        hash.Add(StateEquality.ListHash(Containers));
        hash.Add(StateEquality.ListHash(Secrets));
        hash.Add(Leader);
        hash.Add(Model);
        hash.Add(PlannedUnits);
        hash.Add(UnitStatus);
        hash.Add(AppStatus);
        hash.Add(WorkloadVersion);
        return hash.ToHashCode();
    }

    private static string ShortSecretId(string id)
    {
        // secret://<model-uuid>/<id> and secret:<id> name the same secret.
        if (id.StartsWith("secret://", StringComparison.Ordinal))
        {
            var slash = id.LastIndexOf('/');
            return id[(slash + 1)..];
        }

        return id.StartsWith("secret:", StringComparison.Ordinal) ? id["secret:".Length..] : id;
    }
}
