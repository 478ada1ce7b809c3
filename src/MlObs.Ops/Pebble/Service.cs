// Service: one entry of a layer's (or the plan's) services section, with every field of Pebble's
// layer specification.
namespace MlObs.Ops.Pebble;

/// <summary>
/// A service in a Pebble layer or plan. Unset fields are <see langword="null"/> (or empty for lists and
/// maps) and are left out of the YAML; in a <see cref="Override.Merge"/> entry they keep the value of the
/// layers below. Durations are Go duration strings (<c>"500ms"</c>, <c>"30s"</c>) and compare by value.
/// </summary>
public sealed record Service
{
    /// <summary>How this entry combines with the same service in lower layers (required in a layer).</summary>
    public required Override Override { get; init; }

    /// <summary>The command line (required in the combined plan); <c>[ ... ]</c> marks default arguments. Not run through a shell.</summary>
    public string? Command { get; init; }

    /// <summary>A one-line summary.</summary>
    public string? Summary { get; init; }

    /// <summary>A longer description.</summary>
    public string? Description { get; init; }

    /// <summary>Whether <c>replan</c>/<c>autostart</c> start the service; <see langword="null"/> is unset (Pebble: disabled).</summary>
    public StartupMode? Startup { get; init; }

    /// <summary>Services this one starts after (appended on merge).</summary>
    public IReadOnlyList<string> After { get; init; } = [];

    /// <summary>Services this one starts before (appended on merge).</summary>
    public IReadOnlyList<string> Before { get; init; } = [];

    /// <summary>Services started with this one (appended on merge).</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>Environment variables of the process (merged key by key).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = EmptyMap<string>.Instance;

    /// <summary>The user to run as, by name.</summary>
    public string? User { get; init; }

    /// <summary>The user to run as, by id.</summary>
    public int? UserId { get; init; }

    /// <summary>The group to run as, by name.</summary>
    public string? Group { get; init; }

    /// <summary>The group to run as, by id.</summary>
    public int? GroupId { get; init; }

    /// <summary>The working directory of the process.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>What to do when the service exits with code 0 (Pebble: restart); <see cref="ServiceAction.SuccessShutdown"/> is not allowed.</summary>
    public ServiceAction? OnSuccess { get; init; }

    /// <summary>What to do when the service exits with a non-zero code (Pebble: restart); <see cref="ServiceAction.FailureShutdown"/> is not allowed.</summary>
    public ServiceAction? OnFailure { get; init; }

    /// <summary>What to do when a named check fails (merged key by key); <see cref="ServiceAction.FailureShutdown"/> is not allowed.</summary>
    public IReadOnlyDictionary<string, ServiceAction> OnCheckFailure { get; init; } = EmptyMap<ServiceAction>.Instance;

    /// <summary>First restart delay as a Go duration (Pebble: <c>500ms</c>).</summary>
    public string? BackoffDelay { get; init; }

    /// <summary>Factor applied to the delay after each restart, at least 1 (Pebble: 2.0).</summary>
    public double? BackoffFactor { get; init; }

    /// <summary>Upper bound of the restart delay as a Go duration (Pebble: <c>30s</c>).</summary>
    public string? BackoffLimit { get; init; }

    /// <summary>How long to wait after SIGTERM before SIGKILL, as a Go duration (Pebble: <c>5s</c>).</summary>
    public string? KillDelay { get; init; }

    /// <summary>Compares every field; lists in order, maps by content, durations by value.</summary>
    /// <param name="other">The service to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same service.</returns>
    public bool Equals(Service? other) =>
        other is not null
        && Override == other.Override
        && Command == other.Command
        && Summary == other.Summary
        && Description == other.Description
        && Startup == other.Startup
        && PebbleEquality.Lists(After, other.After)
        && PebbleEquality.Lists(Before, other.Before)
        && PebbleEquality.Lists(Requires, other.Requires)
        && PebbleEquality.Maps(Environment, other.Environment)
        && User == other.User
        && UserId == other.UserId
        && Group == other.Group
        && GroupId == other.GroupId
        && WorkingDir == other.WorkingDir
        && OnSuccess == other.OnSuccess
        && OnFailure == other.OnFailure
        && PebbleEquality.Maps(OnCheckFailure, other.OnCheckFailure)
        && PebbleEquality.Durations(BackoffDelay, other.BackoffDelay)
        && BackoffFactor == other.BackoffFactor
        && PebbleEquality.Durations(BackoffLimit, other.BackoffLimit)
        && PebbleEquality.Durations(KillDelay, other.KillDelay);

    /// <summary>A hash consistent with <see cref="Equals(Service?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Override);
        hash.Add(Command);
        hash.Add(Startup);
        hash.Add(PebbleEquality.ListHash(After));
        hash.Add(PebbleEquality.ListHash(Requires));
        hash.Add(PebbleEquality.MapHash(Environment));
        hash.Add(UserId);
        hash.Add(User);
        hash.Add(OnSuccess);
        hash.Add(OnFailure);
        hash.Add(PebbleEquality.DurationHash(BackoffDelay));
        hash.Add(PebbleEquality.DurationHash(KillDelay));
        return hash.ToHashCode();
    }
}
