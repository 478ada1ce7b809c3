// The error for a secret that does not exist or cannot be seen (ops' SecretNotFoundError).
namespace MlObs.Ops.HookTools;

/// <summary>
/// A <c>secret-*</c> tool failed with <c>not found</c> (ops' <c>SecretNotFoundError</c>):
/// the secret does not exist or this unit has no access to it.
/// </summary>
public sealed class SecretNotFoundException : ModelException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SecretNotFoundException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public SecretNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SecretNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="tool"/> exiting with <paramref name="exitCode"/>; the message is the trimmed <paramref name="stderr"/>.</summary>
    /// <param name="tool">The hook tool that failed.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="stderr">What it wrote to standard error.</param>
    public SecretNotFoundException(string tool, int exitCode, string stderr)
        : base(MessageFromStderr(tool, exitCode, stderr), tool, exitCode, stderr, null)
    {
    }
}
