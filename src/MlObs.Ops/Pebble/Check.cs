// Check: one entry of a layer's (or the plan's) checks section, and its three kinds of probe
// (http, tcp, exec).
namespace MlObs.Ops.Pebble;

/// <summary>
/// A health check in a Pebble layer or plan: exactly one of <see cref="Http"/>, <see cref="Tcp"/> and
/// <see cref="Exec"/> in the combined plan. Unset fields are <see langword="null"/>; durations are Go
/// duration strings and compare by value.
/// </summary>
public sealed record Check
{
    /// <summary>How this entry combines with the same check in lower layers (required in a layer).</summary>
    public required Override Override { get; init; }

    /// <summary>The level the check counts for; <see langword="null"/> is unset (counts for neither).</summary>
    public CheckLevel? Level { get; init; }

    /// <summary>Whether the check runs from the start; <see langword="null"/> is unset (Pebble: enabled).</summary>
    public StartupMode? Startup { get; init; }

    /// <summary>How often the check runs, as a Go duration (Pebble: <c>10s</c>).</summary>
    public string? Period { get; init; }

    /// <summary>How long one run may take, as a Go duration (Pebble: <c>3s</c>, capped at the period).</summary>
    public string? Timeout { get; init; }

    /// <summary>Failures in a row before the check is down (Pebble: 3; the combined plan shows it).</summary>
    public int? Threshold { get; init; }

    /// <summary>An HTTP probe: up when the URL answers 2xx.</summary>
    public HttpCheck? Http { get; init; }

    /// <summary>A TCP probe: up when the port accepts a connection.</summary>
    public TcpCheck? Tcp { get; init; }

    /// <summary>A command probe: up when the command exits 0.</summary>
    public ExecCheck? Exec { get; init; }

    /// <summary>
    /// The usual check of an HTTP workload: replaces any lower check of the same name, counts for <paramref name="level"/>, and is
    /// up while <paramref name="url"/> answers 2xx (e.g. an <c>alive</c> check on <c>/healthz</c>, a <c>ready</c> one on <c>/readyz</c>).
    /// </summary>
    /// <param name="level">Alive or ready.</param>
    /// <param name="url">The URL probed, e.g. <c>http://localhost:8080/healthz</c>.</param>
    /// <param name="period">How often, as a Go duration.</param>
    /// <param name="threshold">Failures in a row before the check is down.</param>
    /// <returns>The check.</returns>
    public static Check HttpProbe(CheckLevel level, string url, string period = "10s", int threshold = 3) => new()
    {
        Override = Override.Replace,
        Level = level,
        Period = period,
        Threshold = threshold,
        Http = new HttpCheck { Url = url },
    };

    /// <summary>Compares every field; durations by value.</summary>
    /// <param name="other">The check to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same check.</returns>
    public bool Equals(Check? other) =>
        other is not null
        && Override == other.Override
        && Level == other.Level
        && Startup == other.Startup
        && PebbleEquality.Durations(Period, other.Period)
        && PebbleEquality.Durations(Timeout, other.Timeout)
        && Threshold == other.Threshold
        && Equals(Http, other.Http)
        && Equals(Tcp, other.Tcp)
        && Equals(Exec, other.Exec);

    /// <summary>A hash consistent with <see cref="Equals(Check?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Override, Level, Startup, PebbleEquality.DurationHash(Period), Threshold, Http, Tcp, Exec);
}

/// <summary>The <c>http</c> probe of a check.</summary>
public sealed record HttpCheck
{
    /// <summary>The URL to GET (required in the combined plan).</summary>
    public string? Url { get; init; }

    /// <summary>Request headers (merged key by key).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyMap<string>.Instance;

    /// <summary>Compares the URL and the headers by content.</summary>
    /// <param name="other">The probe to compare with.</param>
    /// <returns><see langword="true"/> when both are the same probe.</returns>
    public bool Equals(HttpCheck? other) =>
        other is not null && Url == other.Url && PebbleEquality.Maps(Headers, other.Headers);

    /// <summary>A hash consistent with <see cref="Equals(HttpCheck?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Url, PebbleEquality.MapHash(Headers));
}

/// <summary>The <c>tcp</c> probe of a check.</summary>
public sealed record TcpCheck
{
    /// <summary>The port to connect to (required in the combined plan).</summary>
    public int? Port { get; init; }

    /// <summary>The host to connect to (Pebble: <c>localhost</c>).</summary>
    public string? Host { get; init; }
}

/// <summary>The <c>exec</c> probe of a check.</summary>
public sealed record ExecCheck
{
    /// <summary>The command line to run (required in the combined plan). Not run through a shell.</summary>
    public string? Command { get; init; }

    /// <summary>A service whose environment, user, group and working directory the command inherits.</summary>
    public string? ServiceContext { get; init; }

    /// <summary>Environment variables of the command (merged key by key).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = EmptyMap<string>.Instance;

    /// <summary>The user to run as, by name.</summary>
    public string? User { get; init; }

    /// <summary>The user to run as, by id.</summary>
    public int? UserId { get; init; }

    /// <summary>The group to run as, by name.</summary>
    public string? Group { get; init; }

    /// <summary>The group to run as, by id.</summary>
    public int? GroupId { get; init; }

    /// <summary>The working directory of the command.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Compares every field; the environment by content.</summary>
    /// <param name="other">The probe to compare with.</param>
    /// <returns><see langword="true"/> when both are the same probe.</returns>
    public bool Equals(ExecCheck? other) =>
        other is not null
        && Command == other.Command
        && ServiceContext == other.ServiceContext
        && PebbleEquality.Maps(Environment, other.Environment)
        && User == other.User
        && UserId == other.UserId
        && Group == other.Group
        && GroupId == other.GroupId
        && WorkingDir == other.WorkingDir;

    /// <summary>A hash consistent with <see cref="Equals(ExecCheck?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Command, ServiceContext, PebbleEquality.MapHash(Environment), User, UserId, Group, GroupId, WorkingDir);
}
