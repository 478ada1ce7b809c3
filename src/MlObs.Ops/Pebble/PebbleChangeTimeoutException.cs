// PebbleChangeTimeoutException: a change was not ready before the caller's timeout.
namespace MlObs.Ops.Pebble;

/// <summary>A change did not become ready in the time the caller allowed (ops' <c>pebble.TimeoutError</c>); the change keeps running in Pebble.</summary>
public sealed class PebbleChangeTimeoutException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleChangeTimeoutException()
    {
        ChangeId = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What timed out.</param>
    public PebbleChangeTimeoutException(string message)
        : base(message)
    {
        ChangeId = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleChangeTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ChangeId = string.Empty;
    }

    /// <summary>Creates the exception for change <paramref name="changeId"/> not ready after <paramref name="timeout"/>.</summary>
    /// <param name="changeId">The change waited on.</param>
    /// <param name="timeout">How long the caller waited.</param>
    public PebbleChangeTimeoutException(string changeId, TimeSpan timeout)
        : base($"timed out waiting for change {changeId} ({GoDuration.Format(timeout)})")
    {
        ChangeId = changeId;
        Timeout = timeout;
    }

    /// <summary>The change that was not ready.</summary>
    public string ChangeId { get; }

    /// <summary>How long the caller waited.</summary>
    public TimeSpan Timeout { get; }
}
