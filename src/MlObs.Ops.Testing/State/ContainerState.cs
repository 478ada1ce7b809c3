// ContainerState, MountState and ExecState: a workload container as the charm's Pebble sees it —
// layers, service statuses, a filesystem through mounts, canned exec results, notices and checks.
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.State;

/// <summary>
/// A workload container of the unit under test, as Scenario's <c>Container</c> holds it. The
/// fake Pebble serves its plan (the <see cref="Layers"/> combined in order), its service
/// statuses, files under <see cref="Mounts"/>, and the canned results of <see cref="Execs"/>.
/// </summary>
public sealed record ContainerState
{
    /// <summary>The container name, as declared under <c>containers</c> in the metadata.</summary>
    public required string Name { get; init; }

    /// <summary>Whether Pebble answers; when <see langword="false"/> every Pebble call fails to connect.</summary>
    public bool CanConnect { get; init; }

    /// <summary>
    /// The boot id the container's Pebble reports (<c>GET /v1/system-info</c>); a fresh one when
    /// <see langword="null"/>. Pebble keeps it until the container restarts, and Juju fires
    /// <c>&lt;container&gt;-pebble-ready</c> when it changes: a run's output state records the one
    /// served, so the next run from it sees the same Pebble.
    /// </summary>
    public string? BootId { get; init; }

    /// <summary>The layers added so far, by label, lowest first.</summary>
    public IReadOnlyDictionary<string, Layer> Layers { get; init; } = new Dictionary<string, Layer>(StringComparer.Ordinal);

    /// <summary>The status of each service; a service of the plan that is not listed is inactive.</summary>
    public IReadOnlyDictionary<string, ServiceStatus> ServiceStatuses { get; init; } = new Dictionary<string, ServiceStatus>(StringComparer.Ordinal);

    /// <summary>Local directories that stand for paths in the container, by mount name.</summary>
    public IReadOnlyDictionary<string, MountState> Mounts { get; init; } = new Dictionary<string, MountState>(StringComparer.Ordinal);

    /// <summary>The canned results of commands the charm may run; the longest matching prefix wins.</summary>
    public IReadOnlyList<ExecState> Execs { get; init; } = [];

    /// <summary>The Pebble notices the container has recorded.</summary>
    public IReadOnlyList<Notice> Notices { get; init; } = [];

    /// <summary>The state of the health checks; each must be a check of the plan.</summary>
    public IReadOnlyList<CheckInfo> CheckInfos { get; init; } = [];

    /// <summary>The plan Pebble computes from <see cref="Layers"/>, in their order.</summary>
    /// <returns>The combined plan.</returns>
    /// <exception cref="PebbleLayerException">A layer entry has no valid <c>override</c>.</exception>
    public Plan GetPlan() => Plan.Combine(Layers.Values);

    /// <summary>Compares every field; collections by content.</summary>
    /// <param name="other">The container to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same container.</returns>
    public bool Equals(ContainerState? other) =>
        other is not null
        && Name == other.Name
        && CanConnect == other.CanConnect
        && BootId == other.BootId
        && StateEquality.Maps(Layers, other.Layers)
        && StateEquality.Maps(ServiceStatuses, other.ServiceStatuses)
        && StateEquality.Maps(Mounts, other.Mounts)
        && StateEquality.Lists(Execs, other.Execs)
        && StateEquality.Lists(Notices, other.Notices)
        && StateEquality.Lists(CheckInfos, other.CheckInfos);

    /// <summary>A hash consistent with <see cref="Equals(ContainerState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Name, CanConnect, BootId, StateEquality.MapHash(Layers), StateEquality.MapHash(ServiceStatuses), StateEquality.MapHash(Mounts), Execs.Count);
}

/// <summary>A directory on this machine that stands for a path in the container.</summary>
/// <param name="Location">The path in the container, e.g. <c>/etc/drift</c>.</param>
/// <param name="Source">The local directory holding its files.</param>
public sealed record MountState(string Location, string Source);

/// <summary>The canned result of a command the charm runs in the container.</summary>
public sealed record ExecState
{
    /// <summary>The command prefix to match, e.g. <c>["drift", "--version"]</c>; the longest matching prefix wins.</summary>
    public required IReadOnlyList<string> CommandPrefix { get; init; }

    /// <summary>The exit code.</summary>
    public int ReturnCode { get; init; }

    /// <summary>The text the command writes to stdout.</summary>
    public string Stdout { get; init; } = string.Empty;

    /// <summary>The text the command writes to stderr.</summary>
    public string Stderr { get; init; } = string.Empty;

    /// <summary>Compares every field; the prefix in order.</summary>
    /// <param name="other">The exec to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same result.</returns>
    public bool Equals(ExecState? other) =>
        other is not null
        && StateEquality.Lists(CommandPrefix, other.CommandPrefix)
        && ReturnCode == other.ReturnCode
        && Stdout == other.Stdout
        && Stderr == other.Stderr;

    /// <summary>A hash consistent with <see cref="Equals(ExecState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(StateEquality.ListHash(CommandPrefix), ReturnCode, Stdout, Stderr);
}
