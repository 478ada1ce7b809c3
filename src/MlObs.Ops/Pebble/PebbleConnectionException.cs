// PebbleConnectionException: Pebble's socket is missing, refuses connections, or went away mid-call.
namespace MlObs.Ops.Pebble;

/// <summary>
/// The client could not talk to Pebble: the socket does not exist (the container restarted or is not up yet),
/// refused the connection, closed it mid-request, or did not answer in time (ops' <c>pebble.ConnectionError</c>).
/// </summary>
public sealed class PebbleConnectionException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleConnectionException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public PebbleConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
