// The error for a hook tool that succeeded but printed something we cannot read.
namespace MlObs.Ops.HookTools;

/// <summary>
/// A hook tool exited 0 but its output was not what the contract promises (malformed JSON, or JSON
/// of the wrong shape). This points at a Juju or emulator bug, not at the charm.
/// </summary>
public sealed class HookToolOutputException : ModelException
{
    private const int OutputExcerptLength = 200;

    /// <summary>Creates an exception with a generic message.</summary>
    public HookToolOutputException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public HookToolOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public HookToolOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Creates the exception for <paramref name="tool"/> printing <paramref name="output"/> that could not be parsed:
    /// <c>&lt;tool&gt; printed malformed JSON: &lt;detail&gt;; output was: &lt;first 200 chars&gt;</c>.
    /// </summary>
    /// <param name="tool">The hook tool whose output was rejected.</param>
    /// <param name="detail">What was wrong with it.</param>
    /// <param name="output">The tool's standard output.</param>
    public HookToolOutputException(string tool, string detail, string output)
        : this(tool, detail, output, null)
    {
    }

    /// <summary>As the public tool constructor, keeping the parser's exception as the inner exception.</summary>
    internal HookToolOutputException(string tool, string detail, string output, Exception? innerException)
        : base(BuildMessage(tool, detail, output), tool, 0, null, innerException)
    {
        Output = output;
    }

    /// <summary>The tool's standard output that could not be parsed, or <see langword="null"/> when not from a tool.</summary>
    public string? Output { get; }

    private static string BuildMessage(string tool, string detail, string output)
    {
        output ??= string.Empty;
        var excerpt = output.Length > OutputExcerptLength ? output[..OutputExcerptLength] : output;
        return $"{tool} printed malformed JSON: {detail}; output was: {excerpt}";
    }
}
