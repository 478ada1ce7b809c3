// ActionParameters: `mlobs juju run UNIT ACTION key=value ...` parameters, typed as `juju run` types them
// (YAML scalars: true, 3, 0.5 and null keep their type; anything else, or a quoted value, is a string;
// dotted keys build nested objects: a.b=1 → {"a": {"b": 1}}).
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlObs.Cli.Commands;

internal static partial class ActionParameters
{
    /// <summary>Parses KEY=VALUE pairs into the action's parameters object.</summary>
    /// <exception cref="JujuUsageException">A pair has no '=' or an empty key, or a key is both a value and an object.</exception>
    public static IReadOnlyDictionary<string, JsonElement>? Parse(IReadOnlyList<string> pairs)
    {
        if (pairs.Count == 0)
        {
            return null;
        }

        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new JujuUsageException($"action parameter '{pair}': expected KEY=VALUE");
            }

            var path = pair[..equals].Split('.');
            if (path.Any(p => p.Length == 0))
            {
                throw new JujuUsageException($"action parameter '{pair}': empty key segment");
            }

            var node = root;
            for (var i = 0; i < path.Length - 1; i++)
            {
                if (!node.TryGetValue(path[i], out var child))
                {
                    child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                    node[path[i]] = child;
                }

                node = child as SortedDictionary<string, object>
                    ?? throw new JujuUsageException($"action parameter '{pair}': {string.Join('.', path[..(i + 1)])} already has a value");
            }

            if (node.TryGetValue(path[^1], out var existing) && existing is SortedDictionary<string, object>)
            {
                throw new JujuUsageException($"action parameter '{pair}': {pair[..equals]} already has nested keys");
            }

            node[path[^1]] = new Scalar(pair[(equals + 1)..]);
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, root);
        }

        var parsed = JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
        return parsed.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
    }

    /// <summary>Writes action results as indented JSON, keys in order.</summary>
    public static string ToJson(IReadOnlyDictionary<string, JsonElement> output)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in output.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, SortedDictionary<string, object> node)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in node)
        {
            writer.WritePropertyName(key);
            if (value is SortedDictionary<string, object> child)
            {
                Write(writer, child);
            }
            else
            {
                WriteScalar(writer, ((Scalar)value).Text);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>A YAML 1.1-style plain scalar as <c>juju run</c> reads it.</summary>
    private static void WriteScalar(Utf8JsonWriter writer, string text)
    {
        if (text.Length >= 2 && ((text[0] == '"' && text[^1] == '"') || (text[0] == '\'' && text[^1] == '\'')))
        {
            writer.WriteStringValue(text[1..^1]);
        }
        else if (text is "true" or "True" or "TRUE" or "yes" or "Yes" or "on" or "On")
        {
            writer.WriteBooleanValue(true);
        }
        else if (text is "false" or "False" or "FALSE" or "no" or "No" or "off" or "Off")
        {
            writer.WriteBooleanValue(false);
        }
        else if (text is "null" or "~" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private sealed record Scalar(string Text);
}
