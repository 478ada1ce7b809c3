using System.Text.Json;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>A member of a JSON object: its name and where its value lies in the input.</summary>
/// <param name="Name">The member name, unescaped.</param>
/// <param name="Start">The offset of the value's first byte.</param>
/// <param name="End">The offset just past the value's last byte.</param>
/// <param name="Token">The value's first token (StartArray, StartObject, String, Number, True, False or Null).</param>
internal readonly record struct JsonField(string Name, int Start, int End, JsonTokenType Token)
{
    /// <summary>The value's JSON text in <paramref name="json"/> (the input the field was read from).</summary>
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> json) => json[Start..End];
}

/// <summary>Small JSON helpers of the decoders: object members by position, token names, the UTF-8 byte order mark.</summary>
internal static class JsonFields
{
    /// <summary>
    /// The members of the JSON object that <paramref name="json"/> holds, values skipped (not decoded); the first of a repeated
    /// name wins in <see cref="Find"/>.
    /// </summary>
    /// <param name="json">A JSON object and nothing else but white space.</param>
    /// <param name="what">What the object is, for the message when it is not one (e.g. "the body").</param>
    /// <exception cref="PayloadException">Malformed when the value is not an object.</exception>
    /// <exception cref="JsonException">The JSON is invalid.</exception>
    public static List<JsonField> Of(ReadOnlySpan<byte> json, string what)
    {
        if (json.IndexOfAnyExcept(" \t\r\n"u8) < 0)
            throw Refusals.Malformed($"{Capitalized(what)} is empty: a JSON object was expected.");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Refusals.Malformed($"{Capitalized(what)} is {Describe(reader.TokenType)}, expected a JSON object.");
        var fields = new List<JsonField>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            JsonTokenType token = reader.TokenType;
            reader.Skip();
            fields.Add(new JsonField(name, start, (int)reader.BytesConsumed, token));
        }
        // Reading to the end makes the reader refuse trailing content after the object.
        while (reader.Read())
        {
        }
        return fields;
    }

    /// <summary>The first member of a name, or null.</summary>
    public static JsonField? Find(List<JsonField> fields, string name)
    {
        foreach (JsonField field in fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
                return field;
        }
        return null;
    }

    /// <summary>The input without a leading UTF-8 byte order mark.</summary>
    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> json) =>
        json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..] : json;

    /// <summary>A token's kind as words: "an array", "a number", …</summary>
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "not a JSON value",
    };

    /// <summary>Whether a token starts a single value (not an array or object).</summary>
    public static bool IsScalar(JsonTokenType token) =>
        token is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;

    /// <summary>The number of elements of the JSON array that <paramref name="array"/> holds, elements skipped.</summary>
    public static int CountElements(ReadOnlySpan<byte> array)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read();
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
            count++;
        }
        return count;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
