// ExecRequest and ExecResponse: what a charm asked the fake Pebble to run (POST /v1/exec plus the
// stdin it streamed), and the scripted answer: exit code, stdout, stderr.
using System.Text;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>One command a client ran through <c>POST /v1/exec</c>, as it sent it (Scenario's <c>exec_history</c> entry).</summary>
public sealed record ExecRequest
{
    /// <summary>The command and its arguments.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The environment the client sent (not the merged one Pebble runs with).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The working directory the client asked for, if any.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The timeout the client asked for, if any.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The user id the client asked for.</summary>
    public int? UserId { get; init; }

    /// <summary>The user name the client asked for.</summary>
    public string? User { get; init; }

    /// <summary>The group id the client asked for.</summary>
    public int? GroupId { get; init; }

    /// <summary>The group name the client asked for.</summary>
    public string? Group { get; init; }

    /// <summary>The service whose context (environment, user, working directory) the command runs in.</summary>
    public string? ServiceContext { get; init; }

    /// <summary>Whether the client asked for a terminal.</summary>
    public bool Terminal { get; init; }

    /// <summary>Whether stdout and stderr travel on separate websockets.</summary>
    public bool SplitStderr { get; init; }

    /// <summary>The exec change's id.</summary>
    public string ChangeId { get; init; } = "";

    /// <summary>The exec task's id (the websockets' address).</summary>
    public string TaskId { get; init; } = "";

    /// <summary>The bytes the client sent on stdin before ending it (as far as they had arrived when the command finished).</summary>
    public ReadOnlyMemory<byte> Stdin { get; init; }

    /// <summary><see cref="Stdin"/> as UTF-8 text.</summary>
    public string StdinText => Encoding.UTF8.GetString(Stdin.Span);
}

/// <summary>What a scripted command does: its exit code and output.</summary>
/// <param name="ExitCode">The exit code the exec change reports (<c>tasks[0].data["exit-code"]</c>).</param>
/// <param name="Stdout">Written to the stdio websocket.</param>
/// <param name="Stderr">Written to the stderr websocket, or after stdout when the client combines them.</param>
public sealed record ExecResponse(int ExitCode = 0, string Stdout = "", string Stderr = "");
