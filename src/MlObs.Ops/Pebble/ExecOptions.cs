// ExecOptions and ExecResult: how to run a command in the workload container, and what came back.
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Pebble;

/// <summary>Options of <see cref="PebbleClient.ExecAsync"/>; every field is optional.</summary>
public sealed record ExecOptions
{
    /// <summary>Environment variables of the command (on top of the service context's, if any).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = EmptyMap<string>.Instance;

    /// <summary>The working directory (Pebble: the service context's, or the user's home).</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Pebble kills the command after this long and the exec fails; <see langword="null"/> for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The user to run as, by name.</summary>
    public string? User { get; init; }

    /// <summary>The user to run as, by id.</summary>
    public int? UserId { get; init; }

    /// <summary>The group to run as, by name.</summary>
    public string? Group { get; init; }

    /// <summary>The group to run as, by id.</summary>
    public int? GroupId { get; init; }

    /// <summary>A service whose environment, user, group and working directory the command inherits.</summary>
    public string? ServiceContext { get; init; }

    /// <summary>Text written to the command's standard input (UTF-8), then end of input.</summary>
    public string? Stdin { get; init; }

    /// <summary>A stream copied to the command's standard input, then end of input; used when <see cref="Stdin"/> is <see langword="null"/>.</summary>
    public Stream? StdinStream { get; init; }

    /// <summary>Send standard error into standard output (one stream) instead of capturing it separately.</summary>
    public bool CombineStderr { get; init; }

    /// <summary>Compares every field; the environment by content, the stream by reference.</summary>
    /// <param name="other">The options to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same run.</returns>
    public bool Equals(ExecOptions? other) =>
        other is not null
        && Structural.DictionaryEquals(Environment, other.Environment)
        && WorkingDir == other.WorkingDir
        && Timeout == other.Timeout
        && User == other.User
        && UserId == other.UserId
        && Group == other.Group
        && GroupId == other.GroupId
        && ServiceContext == other.ServiceContext
        && Stdin == other.Stdin
        && ReferenceEquals(StdinStream, other.StdinStream)
        && CombineStderr == other.CombineStderr;

    /// <summary>A hash consistent with <see cref="Equals(ExecOptions?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Structural.DictionaryHash(Environment), WorkingDir, Timeout, User, UserId, ServiceContext, Stdin, CombineStderr);
}

/// <summary>How a command run with exec ended.</summary>
/// <param name="ExitCode">The exit code (-1 when Pebble recorded none).</param>
/// <param name="Stdout">Standard output, decoded as UTF-8.</param>
/// <param name="Stderr">Standard error, decoded as UTF-8, or <see langword="null"/> when combined into <paramref name="Stdout"/>.</param>
public sealed record ExecResult(int ExitCode, string Stdout, string? Stderr);
