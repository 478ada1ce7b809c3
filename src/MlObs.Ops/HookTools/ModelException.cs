// The error a failing hook tool turns into (ops' ModelError).
namespace MlObs.Ops.HookTools;

/// <summary>
/// A hook tool failed or could not be run (ops' <c>ModelError</c>). When it comes from a tool the
/// message is the tool's trimmed standard error and <see cref="Tool"/>, <see cref="ExitCode"/> and
/// <see cref="Stderr"/> say which call failed.
/// </summary>
public class ModelException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ModelException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public ModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="tool"/> exiting with <paramref name="exitCode"/>; the message is the trimmed <paramref name="stderr"/>.</summary>
    /// <param name="tool">The hook tool that failed.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="stderr">What it wrote to standard error.</param>
    public ModelException(string tool, int exitCode, string stderr)
        : this(MessageFromStderr(tool, exitCode, stderr), tool, exitCode, stderr, null)
    {
    }

    /// <summary>The full constructor the subclasses and the runner use.</summary>
    private protected ModelException(string message, string? tool, int? exitCode, string? stderr, Exception? innerException)
        : base(message, innerException)
    {
        Tool = tool;
        ExitCode = exitCode;
        Stderr = stderr;
    }

    /// <summary>The hook tool that failed, or <see langword="null"/> when the error did not come from a tool.</summary>
    public string? Tool { get; }

    /// <summary>The tool's exit code, or <see langword="null"/> when it did not run.</summary>
    public int? ExitCode { get; }

    /// <summary>The tool's standard error as printed, or <see langword="null"/> when it did not run.</summary>
    public string? Stderr { get; }

    /// <summary>The trimmed stderr; a tool that failed silently still gets a message that names it.</summary>
    private protected static string MessageFromStderr(string tool, int exitCode, string stderr)
    {
        var trimmed = (stderr ?? string.Empty).Trim();
        return trimmed.Length > 0
            ? trimmed
            : $"hook tool '{tool}' exited with code {exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)} and printed no error";
    }

    /// <summary>Builds the exception for a tool that could not be started at all.</summary>
    internal static ModelException NotStarted(string tool, string message, Exception? innerException) =>
        new(message, tool, null, null, innerException);
}
