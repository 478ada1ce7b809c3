// GoYaml: YAML as Go's gopkg.in/yaml.v2 writes it (juju/cmd's `yaml` and `smart` formats, spec §3.1),
// and the YAML reading the tools share: relation-set, state-set and secret --file read a YAML (or
// JSON, which is YAML) map of strings.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Testing.Emulator;

internal static partial class GoYaml
{
    /// <summary><c>yaml.Marshal(value)</c>: a document ending in a newline.</summary>
    public static string Marshal(object? value)
    {
        var builder = new StringBuilder();
        if (GoValues.Entries(value) is { Count: > 0 } entries)
        {
            WriteMap(builder, entries, 0);
        }
        else if (GoValues.Items(value) is { Count: > 0 } items)
        {
            WriteSeq(builder, items, 0);
        }
        else
        {
            builder.Append(Inline(value, 0)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reads <paramref name="text"/> as Go's <c>yaml.Unmarshal</c> into <c>map[string]string</c>:
    /// scalars keep their text (<c>1</c> becomes <c>"1"</c>), <c>null</c> becomes the empty string,
    /// empty input is an empty map.
    /// </summary>
    /// <exception cref="FormatException">The text is not YAML, or not a map of scalars.</exception>
    public static Dictionary<string, string> ReadStringMap(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"yaml: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0)
        {
            return result;
        }

        switch (stream.Documents[0].RootNode)
        {
            case YamlScalarNode { Value: null or "" or "~" or "null" }:
                return result;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw new FormatException("yaml: unmarshal errors:\n  cannot unmarshal a non-scalar key into string");
                    }

                    result[name] = value switch
                    {
                        YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" or "null" or "Null" or "NULL" or "" } => string.Empty,
                        YamlScalarNode s => s.Value ?? string.Empty,
                        YamlSequenceNode => throw new FormatException($"yaml: unmarshal errors:\n  line {value.Start.Line}: cannot unmarshal !!seq into string"),
                        _ => throw new FormatException($"yaml: unmarshal errors:\n  line {value.Start.Line}: cannot unmarshal !!map into string"),
                    };
                }

                return result;
            case YamlScalarNode scalar:
                throw new FormatException($"yaml: unmarshal errors:\n  line {scalar.Start.Line}: cannot unmarshal !!str `{scalar.Value}` into map[string]string");
            case var node:
                throw new FormatException($"yaml: unmarshal errors:\n  line {node.Start.Line}: cannot unmarshal !!seq into map[string]string");
        }
    }

    private static void WriteMap(StringBuilder builder, IReadOnlyList<KeyValuePair<string, object?>> entries, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var (key, value) in entries)
        {
            builder.Append(pad).Append(Scalar(key, indent)).Append(':');
            if (GoValues.Entries(value) is { Count: > 0 } map)
            {
                builder.Append('\n');
                WriteMap(builder, map, indent + 2);
            }
            else if (GoValues.Items(value) is { Count: > 0 } items)
            {
                // yaml.v2 does not indent a sequence under a mapping key.
                builder.Append('\n');
                WriteSeq(builder, items, indent);
            }
            else
            {
                builder.Append(' ').Append(Inline(value, indent + 2)).Append('\n');
            }
        }
    }

    private static void WriteSeq(StringBuilder builder, IReadOnlyList<object?> items, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var item in items)
        {
            builder.Append(pad).Append('-');
            if (GoValues.Entries(item) is { Count: > 0 } map)
            {
                // The first key shares the dash's line; the others line up under it.
                var nested = new StringBuilder();
                WriteMap(nested, map, indent + 2);
                builder.Append(' ').Append(nested.ToString(indent + 2, nested.Length - indent - 2));
            }
            else if (GoValues.Items(item) is { Count: > 0 } inner)
            {
                var nested = new StringBuilder();
                WriteSeq(nested, inner, indent + 2);
                builder.Append(' ').Append(nested.ToString(indent + 2, nested.Length - indent - 2));
            }
            else
            {
                builder.Append(' ').Append(Inline(item, indent + 2)).Append('\n');
            }
        }
    }

    private static string Inline(object? value, int indent)
    {
        if (GoValues.IsNull(value))
        {
            return "null";
        }

        switch (value)
        {
            case string s:
                return Scalar(s, indent);
            case bool b:
                return b ? "true" : "false";
            case int or long:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            case double d:
                return d.ToString("R", CultureInfo.InvariantCulture);
            case JsonElement { ValueKind: JsonValueKind.String } e:
                return Scalar(e.GetString()!, indent);
            case JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number } e:
                return e.GetRawText();
        }

        if (GoValues.Entries(value) is not null)
        {
            return "{}";
        }

        if (GoValues.Items(value) is not null)
        {
            return "[]";
        }

        throw new InvalidOperationException($"cannot format a {value!.GetType().Name} as YAML");
    }

    // yaml.v2 picks plain style when the text reads back as the same string, a literal block for
    // multi-line text, and quotes otherwise (double quotes for text that would resolve to another
    // type, single quotes where only the plain-style rules of libyaml's emitter forbid plain).
    private static string Scalar(string value, int indent)
    {
        if (value.Length == 0 || ResolvesToOtherType(value))
        {
            return DoubleQuoted(value);
        }

        if (value.Contains('\n', StringComparison.Ordinal))
        {
            if (value.Any(c => char.IsControl(c) && c != '\n') || value.Split('\n').Any(l => l.Length > 0 && (l[0] == ' ' || l[^1] == ' ')))
            {
                return DoubleQuoted(value);
            }

            var chomp = value.EndsWith('\n') ? string.Empty : "-";
            var body = value.EndsWith('\n') ? value[..^1] : value;
            var pad = new string(' ', Math.Max(indent, 2));
            var lines = body.Split('\n').Select(l => l.Length == 0 ? string.Empty : pad + l);
            return "|" + chomp + "\n" + string.Join('\n', lines);
        }

        if (value.Any(c => char.IsControl(c) || c == '\uFEFF'))
        {
            return DoubleQuoted(value);
        }

        return PlainAllowed(value) ? value : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static bool PlainAllowed(string value)
    {
        if (value[0] == ' ' || value[^1] == ' ' || value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal))
        {
            return false;
        }

        if ("#,[]{}&*!|>'\"%@`".Contains(value[0], StringComparison.Ordinal))
        {
            return false;
        }

        if ((value[0] is '-' or '?' or ':') && (value.Length == 1 || value[1] == ' '))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == ':' && (i + 1 == value.Length || value[i + 1] == ' '))
            {
                return false;
            }

            if (c == '#' && i > 0 && value[i - 1] == ' ')
            {
                return false;
            }
        }

        return true;
    }

    private static bool ResolvesToOtherType(string value) =>
        OtherTypes().IsMatch(value) || (value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '+' or '-' or '.') && NumberLike().IsMatch(value));

    private static string DoubleQuoted(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
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
                    if (char.IsControl(c))
                    {
                        builder.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The YAML 1.1 words yaml.v2 resolves to bool or null, and the timestamp forms it parses (a trailing zone only after a <c>T</c>).</summary>
    [GeneratedRegex(@"^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|\.inf|\.Inf|\.INF|[-+]\.inf|[-+]\.Inf|[-+]\.INF|\.nan|\.NaN|\.NAN|\d{4}-\d\d?-\d\d?|\d{4}-\d\d?-\d\d?[Tt]\d\d?:\d\d?:\d\d?(\.\d*)?(Z|[-+]\d\d?(:\d\d)?)|\d{4}-\d\d?-\d\d? \d\d?:\d\d?:\d\d?(\.\d*)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex OtherTypes();

    /// <summary>Integers (decimal, 0x, 0o, 0b, with underscores), floats and base-60 numbers.</summary>
    [GeneratedRegex(@"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();
}
