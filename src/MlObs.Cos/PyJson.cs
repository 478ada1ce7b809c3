// PyJson: JSON text exactly as Python's json.dumps writes it (", " and ": " separators, ASCII only,
// insertion order unless sorted). The COS charms parse what we write, so any valid JSON would do;
// writing what the Python libraries write keeps values byte-stable, so a hook that changes nothing
// writes nothing and fires no relation-changed on the COS side.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlObs.Cos;

/// <summary>Python's <c>json.dumps</c> for JSON nodes.</summary>
public static class PyJson
{
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
                WriteString(text, value.GetValue<string>());
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

    private static void WriteString(StringBuilder text, string value)
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
