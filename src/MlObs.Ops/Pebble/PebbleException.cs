// PebbleException: the base of every error the Pebble client and layer model raise (ops' pebble.Error).
namespace MlObs.Ops.Pebble;

/// <summary>The base of the errors raised by <see cref="PebbleClient"/> and the layer model (ops' <c>pebble.Error</c>).</summary>
public class PebbleException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public PebbleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
