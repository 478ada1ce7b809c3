// PebbleApiException: Pebble answered with an error envelope (type "error").
using System.Text.Json;

namespace MlObs.Ops.Pebble;

/// <summary>
/// Pebble refused a request with an error envelope (ops' <c>pebble.APIError</c>). <see cref="Exception.Message"/>
/// is the envelope's <c>result.message</c>.
/// </summary>
public sealed class PebbleApiException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleApiException()
    {
        Status = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">Pebble's error message.</param>
    public PebbleApiException(string message)
        : base(message)
    {
        Status = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">Pebble's error message.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Status = string.Empty;
    }

    /// <summary>Creates the exception for an error envelope.</summary>
    /// <param name="statusCode">The HTTP status code, e.g. 400.</param>
    /// <param name="status">The status text, e.g. <c>Bad Request</c>.</param>
    /// <param name="message">The envelope's <c>result.message</c>.</param>
    /// <param name="kind">The envelope's <c>result.kind</c>, when Pebble set one.</param>
    /// <param name="value">The envelope's <c>result.value</c>, when Pebble set one.</param>
    public PebbleApiException(int statusCode, string status, string message, string? kind = null, JsonElement? value = null)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
        Kind = kind;
        Value = value;
    }

    /// <summary>The HTTP status code, e.g. 400, 404 or 504.</summary>
    public int StatusCode { get; }

    /// <summary>The HTTP status text, e.g. <c>Bad Request</c>.</summary>
    public string Status { get; }

    /// <summary>The error kind (<c>not-found</c>, <c>permission-denied</c>, <c>generic-file-error</c>, <c>no-default-services</c>, <c>login-required</c>, ...), or <see langword="null"/>: most errors have none.</summary>
    public string? Kind { get; }

    /// <summary>The error's <c>value</c>, or <see langword="null"/> when Pebble sent none.</summary>
    public JsonElement? Value { get; }
}
