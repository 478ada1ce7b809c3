// PyJson: JSON text exactly as Python's json.dumps writes it (", " and ": " separators, ASCII only,
// insertion order unless sorted). The COS charms parse what we write, so any valid JSON would do;
// writing what the Python libraries write keeps values byte-stable, so a hook that changes nothing
// writes nothing and fires no relation-changed on the COS side.
//
// A settled hook writes scrape jobs through here, so the path for trees parsed from JSON text reads their
// strings without System.Text.Json's converters (a JsonValue made from a .NET string builds one, reading
// reflection metadata), without Utf8JsonWriter (which starts the JavaScript encoder) and without a generic
// virtual call (which starts Native AOT's type loader).
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlObs.Cos;

/// <summary>Python's <c>json.dumps</c> for JSON nodes.</summary>
public static class PyJson
{
    // The concrete type of a value parsed from JSON text (System.Text.Json's element-backed value), whose
    // ToString() is the string itself when the value is a JSON string. Compared by reference, never by name.
    private static readonly Type ParsedValueType = JsonNode.Parse("0")!.GetType();

    /// <summary>Serialises <paramref name="node"/> as <c>json.dumps(node)</c> would (or with <c>sort_keys=True</c>).</summary>
    /// <param name="node">The value; null is <c>null</c>.</param>
    /// <param name="sortKeys">Sort object keys by code point, as <c>sort_keys=True</c>.</param>
    /// <returns>The JSON text.</returns>
    public static string Dumps(JsonNode? node, bool sortKeys = false)
    {
        var text = new StringBuilder();
        Write(text, node, sortKeys);
        return text.ToString();
    }

    /// <summary>A JSON array of <paramref name="items"/>, as <c>json.dumps(list)</c> would write it (no copies of the items).</summary>
    internal static string DumpsArray(IReadOnlyList<JsonObject> items)
    {
        var text = new StringBuilder();
        text.Append('[');
        for (var i = 0; i < items.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ");
            Write(text, items[i], sortKeys: false);
        }

        return text.Append(']').ToString();
    }

    /// <summary>
    /// Parses JSON text this library wrote into an object whose values are backed by the parsed document: no
    /// System.Text.Json converter is built for them, as one is for each kind of .NET value put in a node.
    /// </summary>
    internal static JsonObject ParseObject(string json) => (JsonObject)JsonNode.Parse(json)!;

    /// <summary>
    /// The string a node holds (as <c>TryGetValue&lt;string&gt;</c>), without a generic virtual call when the node
    /// was parsed from text.
    /// </summary>
    internal static bool TryGetString(JsonNode? node, [NotNullWhen(true)] out string? value)
    {
        if (node is not JsonValue jsonValue)
        {
            value = null;
            return false;
        }

        if (jsonValue.GetType() == ParsedValueType)
        {
            value = jsonValue.GetValueKind() == JsonValueKind.String ? jsonValue.ToString() : null;
            return value is not null;
        }

        return jsonValue.TryGetValue(out value);
    }

    /// <summary>Whether <paramref name="value"/> is well-formed UTF-16 (no lone surrogate), so that it survives JSON text.</summary>
    internal static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void Write(StringBuilder text, JsonNode? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var properties = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : (IEnumerable<KeyValuePair<string, JsonNode?>>)obj;
                var first = true;
                foreach (var (key, value) in properties)
                {
                    text.Append(first ? string.Empty : ", ");
                    first = false;
                    WriteString(text, key);
                    text.Append(": ");
                    Write(text, value, sortKeys);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i == 0 ? string.Empty : ", ");
                    Write(text, array[i], sortKeys);
                }

                text.Append(']');
                break;
            default:
                WriteValue(text, node.AsValue());
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, TryGetString(value, out var s) ? s : value.GetValue<string>());
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                // Numbers keep their JSON text (integers and the floats our data holds print alike in Python).
                text.Append(value.ToJsonString());
                break;
        }
    }

    /// <summary>Appends <paramref name="value"/> as a JSON string, escaped as <c>json.dumps</c> escapes it (<c>ensure_ascii</c>).</summary>
    internal static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        // ensure_ascii: every non-ASCII UTF-16 unit as \uXXXX (surrogate pairs stay pairs), lowercase hex.
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
