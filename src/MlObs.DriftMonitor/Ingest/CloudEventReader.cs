using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// Reads the CloudEvents of an HTTP request (CloudEvents HTTP protocol binding 1.0): binary mode (attributes in <c>ce-*</c>
/// headers, the body is the data), structured mode (<c>application/cloudevents+json</c>: one JSON event) and batch mode
/// (<c>application/cloudevents-batch+json</c>: a JSON array of events).
/// </summary>
public static class CloudEventReader
{
    private const string HeaderPrefix = "ce-";
    private const string SupportedSpecVersion = "1.0";

    /// <summary>The context attributes that are not extensions.</summary>
    private static readonly HashSet<string> CoreAttributes = new(StringComparer.Ordinal)
    {
        "specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "data", "data_base64",
    };

    /// <summary>
    /// Reads the events of a request. The mode comes from <paramref name="contentType"/>: structured and batch mode by their
    /// media types, binary mode otherwise. In binary mode the <c>ce-</c> headers are matched without case, their values are
    /// percent-decoded (UTF-8), a header given twice keeps its first value, and <paramref name="contentType"/> (or else the
    /// <c>Content-Type</c> header) is the data content type.
    /// </summary>
    /// <param name="headers">The request headers, in any case; duplicates are allowed.</param>
    /// <param name="contentType">The <c>Content-Type</c> of the request, or null to look it up in <paramref name="headers"/>.</param>
    /// <param name="body">The request body.</param>
    /// <returns>The events: one in binary and structured mode, any number (zero included) in batch mode.</returns>
    /// <exception cref="PayloadException">
    /// <see cref="RejectionReasons.InvalidEvent"/> when a required attribute (<c>specversion</c> "1.0", <c>id</c>,
    /// <c>source</c>, <c>type</c>) is missing or empty or an attribute is invalid, naming it;
    /// <see cref="RejectionReasons.Malformed"/> when a structured or batch body is not valid JSON of the expected shape.
    /// </exception>
    public static IReadOnlyList<CloudEventEnvelope> Read(
        IEnumerable<KeyValuePair<string, string>> headers, string? contentType, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        contentType ??= HeaderValue(headers, "content-type");
        try
        {
            return PayloadFormats.Classify(contentType) switch
            {
                PayloadFormat.CloudEventStructured => [ReadStructured(body, "the event")],
                PayloadFormat.CloudEventBatch => ReadBatch(body),
                _ => [ReadBinary(headers, contentType, body)],
            };
        }
        catch (JsonException e)
        {
            throw Refusals.Malformed($"The CloudEvent body is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw Refusals.Malformed($"The CloudEvent body cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// The value of a header by name, compared without case; the first non-empty value when the header is given several
    /// times; null when absent.
    /// </summary>
    internal static string? HeaderValue(IEnumerable<KeyValuePair<string, string>> headers, string name)
    {
        string? empty = null;
        foreach (KeyValuePair<string, string> header in headers)
        {
            if (header.Key is null || !string.Equals(header.Key.Trim(), name, StringComparison.OrdinalIgnoreCase))
                continue;
            string value = (header.Value ?? string.Empty).Trim();
            if (value.Length > 0)
                return value;
            empty ??= value;
        }
        return empty;
    }

    private static CloudEventEnvelope ReadBinary(
        IEnumerable<KeyValuePair<string, string>> headers, string? contentType, ReadOnlyMemory<byte> body)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> header in headers)
        {
            string? key = header.Key?.Trim();
            if (key is null || key.Length <= HeaderPrefix.Length || !key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
                continue;
            string name = key[HeaderPrefix.Length..].ToLowerInvariant();
            string value = PercentDecode(key, (header.Value ?? string.Empty).Trim());
            // A header given twice keeps its first non-empty value.
            if (!attributes.TryGetValue(name, out string? existing) || existing.Length == 0)
                attributes[name] = value;
        }
        if (attributes.Count == 0)
        {
            throw Refusals.InvalidEvent(
                "The request is not a CloudEvent: binary mode needs the ce-specversion, ce-id, ce-source and ce-type headers, "
                + "structured mode the content type application/cloudevents+json.");
        }
        string Required(string name)
        {
            if (!attributes.TryGetValue(name, out string? value))
                throw Refusals.InvalidEvent($"The CloudEvent has no ce-{name} header (a required attribute).");
            if (value.Length == 0)
                throw Refusals.InvalidEvent($"The CloudEvent's ce-{name} header is empty (a required attribute).");
            return value;
        }
        string specVersion = Required("specversion");
        CheckSpecVersion(specVersion, "ce-specversion header");
        string id = Required("id");
        string source = Required("source");
        string type = Required("type");
        DateTimeOffset? time = attributes.TryGetValue("time", out string? t) && t.Length > 0 ? ParseTime(t, "ce-time header") : null;
        string? dataContentType = string.IsNullOrWhiteSpace(contentType) ? NonEmpty(attributes, "datacontenttype") : contentType.Trim();
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string value) in attributes)
        {
            if (!CoreAttributes.Contains(name))
                extensions[name] = value;
        }
        return new CloudEventEnvelope(
            specVersion, id, type, source, time, NonEmpty(attributes, "subject"), dataContentType, extensions, body)
        {
            DataSchema = NonEmpty(attributes, "dataschema"),
        };
    }

    private static string? NonEmpty(Dictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;

    /// <summary>Decodes the percent-encoding of a binary-mode header value (%XX sequences are UTF-8 bytes).</summary>
    private static string PercentDecode(string header, string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
            return value;
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(value)];
        int length = 0;
        int literalStart = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '%' || i + 2 >= value.Length || !Uri.IsHexDigit(value[i + 1]) || !Uri.IsHexDigit(value[i + 2]))
                continue;
            length += Encoding.UTF8.GetBytes(value.AsSpan(literalStart, i - literalStart), bytes.AsSpan(length));
            bytes[length++] = (byte)((Uri.FromHex(value[i + 1]) << 4) | Uri.FromHex(value[i + 2]));
            i += 2;
            literalStart = i + 1;
        }
        length += Encoding.UTF8.GetBytes(value.AsSpan(literalStart), bytes.AsSpan(length));
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw Refusals.InvalidEvent($"The {header} header is not valid percent-encoded UTF-8: '{value}'.");
        }
    }

    private static void CheckSpecVersion(string specVersion, string where)
    {
        if (!string.Equals(specVersion, SupportedSpecVersion, StringComparison.Ordinal))
        {
            throw Refusals.InvalidEvent(
                $"The {where} is '{specVersion}': only CloudEvents specversion {SupportedSpecVersion} is read.");
        }
    }

    /// <summary>Parses an RFC 3339 timestamp (a value without an offset is taken as UTC).</summary>
    private static DateTimeOffset ParseTime(string text, string where)
    {
        bool shaped = text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[3]) && text[4] == '-' && text[7] == '-';
        if (shaped && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
            return time;
        throw Refusals.InvalidEvent($"The {where} is not an RFC 3339 timestamp: '{text}'.");
    }

    private static List<CloudEventEnvelope> ReadBatch(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            throw Refusals.Malformed("A CloudEvents batch (application/cloudevents-batch+json) must be a JSON array of events.");
        var events = new List<CloudEventEnvelope>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Refusals.Malformed(
                    $"Event {events.Count} of the CloudEvents batch is {JsonFields.Describe(reader.TokenType)}, expected an object.");
            }
            reader.Skip();
            int end = (int)reader.BytesConsumed;
            events.Add(ReadStructured(body[start..end], $"event {events.Count} of the batch"));
        }
        return events;
    }

    /// <summary>Reads one structured-mode event: a JSON object whose members are the attributes and the data.</summary>
    private static CloudEventEnvelope ReadStructured(ReadOnlyMemory<byte> json, string where)
    {
        var reader = new Utf8JsonReader(json.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw Refusals.Malformed($"In structured mode {where} must be a JSON object.");
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        (int Start, int End, bool IsString)? data = null;
        string? dataBase64 = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            switch (name)
            {
                case "data":
                    reader.Skip();
                    if (reader.TokenType != JsonTokenType.Null)
                        data = (start, (int)reader.BytesConsumed, reader.TokenType == JsonTokenType.String);
                    continue;
                case "data_base64":
                    if (reader.TokenType == JsonTokenType.Null)
                        continue;
                    if (reader.TokenType != JsonTokenType.String)
                        throw Refusals.InvalidEvent($"The data_base64 member of {where} must be a string.");
                    dataBase64 = reader.GetString();
                    continue;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    break;
                case JsonTokenType.String:
                    attributes.TryAdd(name, reader.GetString()!);
                    break;
                case JsonTokenType.Number:
                    attributes.TryAdd(name, Encoding.UTF8.GetString(reader.ValueSpan));
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    attributes.TryAdd(name, reader.TokenType == JsonTokenType.True ? "true" : "false");
                    break;
                default:
                    throw Refusals.InvalidEvent(
                        $"The attribute '{name}' of {where} is {JsonFields.Describe(reader.TokenType)}: attributes are strings, numbers or booleans.");
            }
            if (CoreAttributes.Contains(name) && reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                throw Refusals.InvalidEvent($"The attribute '{name}' of {where} must be a string.");
            reader.Skip();
        }
        string Required(string name)
        {
            if (!attributes.TryGetValue(name, out string? value))
                throw Refusals.InvalidEvent($"The attribute '{name}' of {where} is missing (a required attribute).");
            if (value.Length == 0)
                throw Refusals.InvalidEvent($"The attribute '{name}' of {where} is empty (a required attribute).");
            return value;
        }
        string specVersion = Required("specversion");
        CheckSpecVersion(specVersion, $"specversion of {where}");
        string id = Required("id");
        string source = Required("source");
        string type = Required("type");
        DateTimeOffset? time = NonEmpty(attributes, "time") is { } t ? ParseTime(t, $"time of {where}") : null;
        string? dataContentType = NonEmpty(attributes, "datacontenttype");
        ReadOnlyMemory<byte> bytes = ReadOnlyMemory<byte>.Empty;
        if (data is { } d && dataBase64 is not null)
            throw Refusals.InvalidEvent($"{Capitalize(where)} has both data and data_base64; an event carries one of them.");
        if (dataBase64 is not null)
        {
            try
            {
                bytes = Convert.FromBase64String(dataBase64);
            }
            catch (FormatException)
            {
                throw Refusals.InvalidEvent($"The data_base64 member of {where} is not valid base64.");
            }
        }
        else if (data is { } value)
        {
            bytes = json[value.Start..value.End];
            if (value.IsString && !IsJson(dataContentType))
                bytes = StringContent(bytes);
        }
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string text) in attributes)
        {
            if (!CoreAttributes.Contains(name))
                extensions[name] = text;
        }
        return new CloudEventEnvelope(specVersion, id, type, source, time, NonEmpty(attributes, "subject"), dataContentType, extensions, bytes)
        {
            DataSchema = NonEmpty(attributes, "dataschema"),
        };
    }

    /// <summary>Whether data of this content type is carried as a JSON value (absent means JSON).</summary>
    private static bool IsJson(string? dataContentType) =>
        dataContentType is null || PayloadFormats.Classify(dataContentType) == PayloadFormat.Json;

    /// <summary>The UTF-8 bytes of a JSON string token's content (unescaped).</summary>
    private static ReadOnlyMemory<byte> StringContent(ReadOnlyMemory<byte> token)
    {
        var reader = new Utf8JsonReader(token.Span);
        reader.Read();
        if (!reader.ValueIsEscaped)
            return token[1..^1];
        return Encoding.UTF8.GetBytes(reader.GetString()!);
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
