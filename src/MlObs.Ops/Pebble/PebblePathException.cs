// PebblePathException: a file operation failed for one path (not found, permission denied, other).
namespace MlObs.Ops.Pebble;

/// <summary>
/// A file operation failed for a path (ops' <c>pebble.PathError</c>). <see cref="Kind"/> is <c>not-found</c>,
/// <c>permission-denied</c> or <c>generic-file-error</c>.
/// </summary>
public sealed class PebblePathException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebblePathException()
    {
        Kind = "generic-file-error";
        Path = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public PebblePathException(string message)
        : base(message)
    {
        Kind = "generic-file-error";
        Path = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebblePathException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Kind = "generic-file-error";
        Path = string.Empty;
    }

    /// <summary>Creates the exception for a per-path error Pebble reported.</summary>
    /// <param name="kind">The error kind, e.g. <c>not-found</c>.</param>
    /// <param name="message">Pebble's message.</param>
    /// <param name="path">The path the error is about.</param>
    /// <param name="innerException">The API error it came from, if any.</param>
    public PebblePathException(string kind, string message, string path, Exception? innerException = null)
        : base($"{kind} - {message}", innerException)
    {
        Kind = kind;
        Path = path;
    }

    /// <summary>The error kind: <c>not-found</c>, <c>permission-denied</c> or <c>generic-file-error</c>.</summary>
    public string Kind { get; }

    /// <summary>The path the error is about.</summary>
    public string Path { get; }
}
