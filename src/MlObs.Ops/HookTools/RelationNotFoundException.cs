// The error for a relation that Juju does not know (ops' RelationNotFoundError).
namespace MlObs.Ops.HookTools;

/// <summary>
/// A <c>relation-*</c> or <c>network-*</c> tool failed with <c>relation not found</c>
/// (ops' <c>RelationNotFoundError</c>): the relation is gone or the id is wrong.
/// </summary>
public sealed class RelationNotFoundException : ModelException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public RelationNotFoundException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public RelationNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public RelationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="tool"/> exiting with <paramref name="exitCode"/>; the message is the trimmed <paramref name="stderr"/>.</summary>
    /// <param name="tool">The hook tool that failed.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="stderr">What it wrote to standard error.</param>
    public RelationNotFoundException(string tool, int exitCode, string stderr)
        : base(MessageFromStderr(tool, exitCode, stderr), tool, exitCode, stderr, null)
    {
    }
}
