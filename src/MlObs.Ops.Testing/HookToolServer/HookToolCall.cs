// HookToolCall and HookToolReply: what HookToolServer hands its handler, and what the handler
// answers (a result, or "send me your stdin").
using System.Text;

namespace MlObs.Ops.Testing.HookTools;

/// <summary>One hook-tool invocation received from <c>mlobs-jujuc</c>.</summary>
/// <param name="ContextId">The caller's <c>JUJU_CONTEXT_ID</c>.</param>
/// <param name="WorkingDirectory">The caller's working directory, absolute (resolve <c>--file</c> paths against it).</param>
/// <param name="Tool">The tool name: the basename the client was invoked by (<c>relation-get</c>, ...).</param>
/// <param name="Args">The arguments after the tool name, verbatim.</param>
/// <param name="Stdin">All of the caller's stdin, or null when it has not been sent (see <see cref="HookToolReply.NeedsStdin"/>).</param>
public sealed record HookToolCall(
    string ContextId,
    string WorkingDirectory,
    string Tool,
    IReadOnlyList<string> Args,
    ReadOnlyMemory<byte>? Stdin);

/// <summary>A handler's answer to a <see cref="HookToolCall"/>.</summary>
public sealed class HookToolReply
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private HookToolReply(bool needsStdin, int exitCode, ReadOnlyMemory<byte> stdout, ReadOnlyMemory<byte> stderr)
    {
        IsNeedsStdin = needsStdin;
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>
    /// Asks the client for all of its stdin: the server calls the handler again with
    /// <see cref="HookToolCall.Stdin"/> set. Only valid while <see cref="HookToolCall.Stdin"/> is null.
    /// </summary>
    public static HookToolReply NeedsStdin { get; } = new(true, 0, default, default);

    /// <summary>True for <see cref="NeedsStdin"/>.</summary>
    public bool IsNeedsStdin { get; }

    /// <summary>The exit code the tool exits with.</summary>
    public int ExitCode { get; }

    /// <summary>The bytes the tool writes to stdout.</summary>
    public ReadOnlyMemory<byte> Stdout { get; }

    /// <summary>The bytes the tool writes to stderr.</summary>
    public ReadOnlyMemory<byte> Stderr { get; }

    /// <summary>A result with raw output bytes.</summary>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="stdout">Bytes for stdout.</param>
    /// <param name="stderr">Bytes for stderr.</param>
    public static HookToolReply Result(int exitCode, ReadOnlyMemory<byte> stdout, ReadOnlyMemory<byte> stderr) =>
        new(false, exitCode, stdout, stderr);

    /// <summary>A result with text output, written as UTF-8.</summary>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="stdout">Text for stdout.</param>
    /// <param name="stderr">Text for stderr.</param>
    public static HookToolReply Result(int exitCode, string stdout = "", string stderr = "") =>
        new(false, exitCode, Utf8.GetBytes(stdout), Utf8.GetBytes(stderr));

    /// <summary>Success: exit code 0 and <paramref name="stdout"/>.</summary>
    /// <param name="stdout">Text for stdout (include the trailing newline the tool prints).</param>
    public static HookToolReply Ok(string stdout = "") => Result(0, stdout);

    /// <summary>A failure as jujuc reports it: <c>ERROR &lt;message&gt;</c> and a newline on stderr.</summary>
    /// <param name="message">The message after <c>ERROR </c>.</param>
    /// <param name="exitCode">1 for a run-time error, 2 for a bad option or argument.</param>
    public static HookToolReply Error(string message, int exitCode = 1) => Result(exitCode, "", $"ERROR {message}\n");
}
