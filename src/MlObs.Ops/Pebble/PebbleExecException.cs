// PebbleExecException: a command run with exec exited with a non-zero code.
using System.Globalization;

namespace MlObs.Ops.Pebble;

/// <summary>A command run through <see cref="PebbleClient.ExecAndCheckAsync"/> exited with a non-zero code (ops' <c>pebble.ExecError</c>).</summary>
public sealed class PebbleExecException : PebbleException
{
    private const int MaxOutputInMessage = 1024;

    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleExecException()
    {
        Command = [];
        Stdout = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public PebbleExecException(string message)
        : base(message)
    {
        Command = [];
        Stdout = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleExecException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Command = [];
        Stdout = string.Empty;
    }

    /// <summary>Creates the exception for <paramref name="command"/> exiting with <paramref name="exitCode"/>.</summary>
    /// <param name="command">The command line.</param>
    /// <param name="exitCode">The exit code (non-zero).</param>
    /// <param name="stdout">What it wrote to standard output.</param>
    /// <param name="stderr">What it wrote to standard error, or <see langword="null"/> when combined into <paramref name="stdout"/>.</param>
    public PebbleExecException(IReadOnlyList<string> command, int exitCode, string stdout, string? stderr)
        : base(Describe(command, exitCode, stdout, stderr))
    {
        Command = command;
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The command line that failed.</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Standard output.</summary>
    public string Stdout { get; }

    /// <summary>Standard error, or <see langword="null"/> when it was combined into <see cref="Stdout"/>.</summary>
    public string? Stderr { get; }

    private static string Describe(IReadOnlyList<string> command, int exitCode, string stdout, string? stderr)
    {
        ArgumentNullException.ThrowIfNull(command);
        var message = $"non-zero exit code {exitCode.ToString(CultureInfo.InvariantCulture)} executing '{(command.Count > 0 ? command[0] : string.Empty)}'";
        foreach (var (name, output) in new[] { ("stdout", stdout), ("stderr", stderr) })
        {
            if (output is null)
            {
                continue;
            }

            var truncated = output.Length > MaxOutputInMessage;
            message += $", {name}='{(truncated ? output[..MaxOutputInMessage] : output)}'{(truncated ? " [truncated]" : string.Empty)}";
        }

        return message;
    }
}
