// Shape checks for one hook tool's JSON output; every failure becomes a HookToolOutputException.
using System.Globalization;
using System.Text.Json;

namespace MlObs.Ops.HookTools;

/// <summary>
/// Reads JSON printed by one tool. Each accessor checks the shape it needs and reports a mismatch as
/// a <see cref="HookToolOutputException"/> naming the tool, so callers never see a raw
/// <see cref="InvalidOperationException"/> or <see cref="KeyNotFoundException"/> from <see cref="JsonElement"/>.
/// </summary>
internal sealed class ToolJson
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private readonly string _tool;
    private readonly string _output;

    public ToolJson(string tool, string output)
    {
        _tool = tool;
        _output = output;
    }

    public HookToolOutputException Malformed(string detail, Exception? innerException = null) =>
        new(_tool, detail, _output, innerException);

    public JsonElement Object(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"expected {what} to be a JSON object but it was {Describe(element)}");
        }

        return element;
    }

    public string String(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw Malformed($"expected {what} to be a JSON string but it was {Describe(element)}");
        }

        return element.GetString()!;
    }

    public bool Boolean(JsonElement element, string what) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Malformed($"expected {what} to be true or false but it was {Describe(element)}"),
    };

    public int Int32(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            throw Malformed($"expected {what} to be an integer but it was {Describe(element)}");
        }

        return value;
    }

    /// <summary>A list of strings; JSON <c>null</c> is an empty list when <paramref name="nullIsEmpty"/>.</summary>
    public IReadOnlyList<string> StringList(JsonElement element, string what, bool nullIsEmpty)
    {
        if (nullIsEmpty && element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Malformed($"expected {what} to be a JSON array but it was {Describe(element)}");
        }

        var list = new List<string>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            list.Add(String(item, $"each item of {what}"));
        }

        return list;
    }

    /// <summary>An object of string values; JSON <c>null</c> is an empty map when <paramref name="nullIsEmpty"/>.</summary>
    public IReadOnlyDictionary<string, string> StringMap(JsonElement element, string what, bool nullIsEmpty)
    {
        if (nullIsEmpty && element.ValueKind == JsonValueKind.Null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in Object(element, what).EnumerateObject())
        {
            map[property.Name] = String(property.Value, $"the value of \"{property.Name}\" in {what}");
        }

        return map;
    }

    /// <summary>The named property; absent is a malformed-output error.</summary>
    public JsonElement Required(JsonElement obj, string name, string what)
    {
        if (!Object(obj, what).TryGetProperty(name, out var value))
        {
            throw Malformed($"expected {what} to have a \"{name}\" field");
        }

        return value;
    }

    /// <summary>The named property, or null when it is absent or JSON <c>null</c>.</summary>
    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? OptionalString(JsonElement obj, string name, string what) =>
        Optional(obj, name) is { } value ? String(value, $"\"{name}\" in {what}") : null;

    /// <summary>Parses RFC 3339 and Juju's <c>2006-01-02 15:04:05Z</c>; Go's nanoseconds are cut to .NET's 100 ns ticks.</summary>
    public DateTimeOffset Timestamp(JsonElement element, string what)
    {
        var text = String(element, what);
        if (TryParseTimestamp(text, out var value))
        {
            return value;
        }

        throw Malformed($"expected {what} to be an RFC 3339 timestamp but it was \"{text}\"");
    }

    public DateTimeOffset? OptionalTimestamp(JsonElement obj, string name, string what) =>
        Optional(obj, name) is { } value ? Timestamp(value, $"\"{name}\" in {what}") : null;

    internal static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        var normalized = text.Trim();
        if (normalized.Length > 10 && (normalized[10] == ' ' || normalized[10] == 't'))
        {
            normalized = string.Concat(normalized.AsSpan(0, 10), "T", normalized.AsSpan(11));
        }

        normalized = TrimFraction(normalized);
        return DateTimeOffset.TryParseExact(
            normalized,
            TimestampFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out value);
    }

    /// <summary>Keeps at most seven fractional digits, the most <c>FFFFFFF</c> accepts.</summary>
    private static string TrimFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        const int MaxDigits = 7;
        return end - dot - 1 <= MaxDigits ? text : string.Concat(text.AsSpan(0, dot + 1 + MaxDigits), text.AsSpan(end));
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
