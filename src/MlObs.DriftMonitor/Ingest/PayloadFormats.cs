namespace MlObs.DriftMonitor.Ingest;

/// <summary>The body formats the ingest endpoints read, as told by the <c>Content-Type</c> header.</summary>
public enum PayloadFormat
{
    /// <summary>JSON (<c>application/json</c> and other <c>+json</c> types): rows, or an inference request or response.</summary>
    Json,

    /// <summary>JSON lines: one JSON object per line (<c>application/x-ndjson</c>, <c>application/jsonl</c>, …).</summary>
    JsonLines,

    /// <summary>CSV with a header line (<c>text/csv</c>, <c>application/csv</c>).</summary>
    Csv,

    /// <summary>An Apache Parquet file (<c>application/vnd.apache.parquet</c>, <c>application/x-parquet</c>).</summary>
    Parquet,

    /// <summary>One CloudEvent in structured mode (<c>application/cloudevents+json</c>).</summary>
    CloudEventStructured,

    /// <summary>A batch of CloudEvents (<c>application/cloudevents-batch+json</c>).</summary>
    CloudEventBatch,

    /// <summary>Any other content type: refused with <see cref="RejectionReasons.UnsupportedMediaType"/>.</summary>
    Unsupported,
}

/// <summary>Maps a <c>Content-Type</c> header to a <see cref="PayloadFormat"/>.</summary>
public static class PayloadFormats
{
    /// <summary>
    /// The format of a body from its content type. The media type is compared without case and without its parameters
    /// (<c>; charset=utf-8</c>); a missing or blank content type is <see cref="PayloadFormat.Json"/>.
    /// </summary>
    /// <param name="contentType">The <c>Content-Type</c> header value, or null when the request has none.</param>
    /// <returns>The format, or <see cref="PayloadFormat.Unsupported"/> for a media type the service does not read.</returns>
    public static PayloadFormat Classify(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return PayloadFormat.Json;
        ReadOnlySpan<char> media = contentType.AsSpan();
        int semicolon = media.IndexOf(';');
        if (semicolon >= 0)
            media = media[..semicolon];
        media = media.Trim();
        if (media.IsEmpty)
            return PayloadFormat.Json;
        if (Is(media, "application/cloudevents+json"))
            return PayloadFormat.CloudEventStructured;
        if (Is(media, "application/cloudevents-batch+json"))
            return PayloadFormat.CloudEventBatch;
        if (Is(media, "application/json"))
            return PayloadFormat.Json;
        if (Is(media, "application/x-ndjson") || Is(media, "application/jsonl") || Is(media, "application/json-lines")
            || Is(media, "application/x-jsonlines"))
        {
            return PayloadFormat.JsonLines;
        }
        if (Is(media, "text/csv") || Is(media, "application/csv"))
            return PayloadFormat.Csv;
        if (Is(media, "application/vnd.apache.parquet") || Is(media, "application/x-parquet"))
            return PayloadFormat.Parquet;
        if (IsJsonSuffixed(media))
            return PayloadFormat.Json;
        return PayloadFormat.Unsupported;
    }

    private static bool Is(ReadOnlySpan<char> media, string expected) =>
        media.Equals(expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>A structured-syntax JSON type (RFC 6839): <c>type/subtype+json</c> with a non-empty type and subtype.</summary>
    private static bool IsJsonSuffixed(ReadOnlySpan<char> media)
    {
        int slash = media.IndexOf('/');
        if (slash <= 0 || !media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            return false;
        ReadOnlySpan<char> subtype = media[(slash + 1)..^"+json".Length];
        return !subtype.IsEmpty && !subtype.Contains('/') && !subtype.ContainsAny(' ', '\t');
    }
}
