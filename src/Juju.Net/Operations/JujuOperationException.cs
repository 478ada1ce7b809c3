// The exceptions of the high-level operations: a failed operation, a failed bundle change, a wait
// that timed out, a unit in error or blocked. Server error replies of whole calls surface as what
// the IRpcCaller throws; per-item errors of bulk results become JujuOperationException with the code.
namespace Juju.Net;

/// <summary>A high-level Juju operation failed; <see cref="Exception.Message"/> says what and, when the server answered, its message.</summary>
public class JujuOperationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, with the server's message when there is one.</param>
    /// <param name="code">The server's error code (e.g. <c>not found</c>), or empty.</param>
    /// <param name="innerException">The failure underneath, if any.</param>
    public JujuOperationException(string message, string? code = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code ?? "";
    }

    /// <summary>Creates the exception without a code.</summary>
    public JujuOperationException()
        : this("A Juju operation failed.")
    {
    }

    /// <summary>Creates the exception without a code.</summary>
    /// <param name="message">What failed.</param>
    public JujuOperationException(string message)
        : this(message, null, null)
    {
    }

    /// <summary>Creates the exception without a code.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The failure underneath.</param>
    public JujuOperationException(string message, Exception innerException)
        : this(message, null, innerException)
    {
    }

    /// <summary>The server's error code of a per-item error (<c>already exists</c>, <c>not found</c>, …); empty when there was none.</summary>
    public string Code { get; }
}

/// <summary>One change of a bundle deployment failed; the changes before it were applied, the ones after it were not.</summary>
public sealed class BundleChangeException : JujuOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="change">The change that failed.</param>
    /// <param name="reason">The server's message, or what the client found wrong.</param>
    /// <param name="code">The server's error code, or empty.</param>
    /// <param name="innerException">The failure underneath, if any.</param>
    public BundleChangeException(BundleChangeSpec change, string reason, string? code = null, Exception? innerException = null)
        : base($"bundle change {change?.Id} ({change?.Description}) failed: {reason}", code, innerException)
    {
        Change = change ?? throw new ArgumentNullException(nameof(change));
        Reason = reason;
    }

    /// <summary>The change that failed.</summary>
    public BundleChangeSpec Change { get; }

    /// <summary>The server's message, or what the client found wrong.</summary>
    public string Reason { get; }
}

/// <summary>A wait ended without the model settling: the timeout passed, or a unit went into error (or blocked, when that counts as failure).</summary>
public sealed class JujuWaitException : JujuOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the wait saw.</param>
    /// <param name="timedOut">Whether the timeout passed (otherwise a unit failed).</param>
    /// <param name="units">The units that were not ready, with their state.</param>
    public JujuWaitException(string message, bool timedOut, IReadOnlyList<UnitState> units)
        : base(message)
    {
        TimedOut = timedOut;
        Units = units;
    }

    /// <summary>True when the timeout passed; false when a unit went into error or blocked.</summary>
    public bool TimedOut { get; }

    /// <summary>The units that were not ready (for a failure: the failed units first).</summary>
    public IReadOnlyList<UnitState> Units { get; }
}
