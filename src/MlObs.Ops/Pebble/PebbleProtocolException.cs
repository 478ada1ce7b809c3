// PebbleProtocolException: Pebble answered, but not in the shape the API promises.
namespace MlObs.Ops.Pebble;

/// <summary>
/// Pebble's answer was not what the API specifies: the wrong content type, malformed JSON or multipart, or a
/// missing field (ops' <c>pebble.ProtocolError</c>).
/// </summary>
public sealed class PebbleProtocolException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleProtocolException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What was wrong with the answer.</param>
    public PebbleProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What was wrong with the answer.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
