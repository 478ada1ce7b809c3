// HttpAnswer: an HTTP answer read whole — what PebbleClient decodes (envelope, multipart, JSON lines),
// whether it came from UnixHttpTransport's parser or from an HttpResponseMessage (an injected handler,
// the SocketsHttpHandler fallback).
namespace MlObs.Ops.Pebble;

/// <summary>The status, headers and whole body of an answer.</summary>
/// <param name="statusCode">The status code, 100–999.</param>
/// <param name="reasonPhrase">The reason phrase; empty when the status line has none.</param>
/// <param name="body">The body, decoded from its transfer encoding.</param>
internal sealed class HttpAnswer(int statusCode, string reasonPhrase, byte[] body)
{
    public int StatusCode { get; } = statusCode;

    public string ReasonPhrase { get; } = reasonPhrase;

    public byte[] Body { get; } = body;

    /// <summary>Whether the status line said HTTP/1.0.</summary>
    public bool Http10 { get; init; }

    /// <summary>Every header line of the answer, in order, names as sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The <c>Content-Type</c> value, or <see langword="null"/> when there is none or it is repeated.</summary>
    public string? ContentType { get; init; }

    /// <summary>The media type of <see cref="ContentType"/> (<c>application/json</c>), or <see langword="null"/> when it has none.</summary>
    public string? MediaType => MediaTypeOf(ContentType);

    /// <summary>Reads the body of <paramref name="response"/> and keeps what the Pebble client looks at.</summary>
    public static async Task<HttpAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new HttpAnswer((int)response.StatusCode, response.ReasonPhrase ?? response.StatusCode.ToString(), body)
        {
            // The parsed header's text: a value HttpHeaders cannot parse is null here, as it was to ContentType.
            ContentType = response.Content.Headers.ContentType?.ToString(),
        };
    }

    /// <summary>The <c>type/subtype</c> before the parameters, or <see langword="null"/> when it is not one.</summary>
    internal static string? MediaTypeOf(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < mediaType.Length - 1 && mediaType.IndexOf('/', slash + 1) < 0 && !mediaType.AsSpan().ContainsAnyExceptInRange('!', '~')
            ? mediaType
            : null;
    }
}
