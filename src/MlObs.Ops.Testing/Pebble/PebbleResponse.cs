// PebbleResponse: Pebble's JSON envelope (sync, async, error) as internals/daemon/response.go
// writes it, field order included, plus the JSON and time formats the fake server shares.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>One response of the fake server: the envelope Pebble writes for every JSON call.</summary>
internal sealed class PebbleResponse
{
    private PebbleResponse(string type, int statusCode, string? change, JsonNode? result)
    {
        Type = type;
        StatusCode = statusCode;
        Change = change;
        Result = result;
    }

    /// <summary><c>sync</c>, <c>async</c> or <c>error</c>.</summary>
    public string Type { get; }

    /// <summary>The HTTP status, repeated as <c>status-code</c>.</summary>
    public int StatusCode { get; }

    /// <summary>The change id of an async response.</summary>
    public string? Change { get; }

    /// <summary>The result; <see langword="null"/> leaves the field out, as Go's <c>omitempty</c> does.</summary>
    public JsonNode? Result { get; }

    public static PebbleResponse Sync(JsonNode? result, int statusCode = StatusCodes.Status200OK) =>
        new("sync", statusCode, null, result);

    public static PebbleResponse Async(string changeId, JsonNode? result = null) =>
        new("async", StatusCodes.Status202Accepted, changeId, result);

    public static PebbleResponse Error(int statusCode, string message, string? kind = null, JsonNode? value = null)
    {
        var result = new JsonObject { ["message"] = message };
        if (kind is not null)
        {
            result["kind"] = kind;
        }

        if (value is not null)
        {
            result["value"] = value;
        }

        return new("error", statusCode, null, result);
    }

    public static PebbleResponse BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    public static PebbleResponse NotFound(string message) => Error(StatusCodes.Status404NotFound, message);

    public static PebbleResponse ServerError(string message) => Error(StatusCodes.Status500InternalServerError, message);

    /// <summary>The envelope: <c>type</c>, <c>status-code</c>, <c>status</c>, <c>change</c>?, <c>result</c>?.</summary>
    public JsonObject ToJson()
    {
        var envelope = new JsonObject
        {
            ["type"] = Type,
            ["status-code"] = StatusCode,
            ["status"] = PebbleJson.StatusText(StatusCode),
        };
        if (Change is not null)
        {
            envelope["change"] = Change;
        }

        if (Result is not null)
        {
            envelope["result"] = Result.DeepClone();
        }

        return envelope;
    }

    public async Task WriteAsync(HttpContext context)
    {
        var body = PebbleJson.Serialize(ToJson());
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}

/// <summary>JSON and time formats shared by the fake server's handlers.</summary>
internal static class PebbleJson
{
    /// <summary>Like Go's encoder: non-ASCII text stays as it is; HTML-sensitive characters are escaped.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static byte[] Serialize(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Go's <c>http.StatusText</c>.</summary>
    public static string StatusText(int statusCode) => ReasonPhrases.GetReasonPhrase(statusCode);

    /// <summary>A Go <c>time.Time</c> in JSON: RFC 3339 with up to nanosecond digits, trailing zeros dropped.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>time.RFC3339</c>: whole seconds (file listings, task logs).</summary>
    public static string WholeSeconds(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A JSON array of strings.</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    /// <summary>A JSON object of strings, keys sorted as Go sorts map keys.</summary>
    public static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>Go's <c>%q</c> for the plain strings Pebble quotes in messages.</summary>
    public static string Quote(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 2);
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    if (c < ' ')
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
        return builder.ToString();
    }
}
