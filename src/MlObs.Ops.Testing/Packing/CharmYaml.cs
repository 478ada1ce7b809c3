// CharmYaml: charmcraft.yaml read as PyYAML's safe_load types it (YAML 1.1 plain scalars), and the files of a packed
// charm written as charmcraft writes them: yaml.safe_dump (sorted keys, block style) with charmcraft's representer that
// puts multi-line strings in literal blocks (charmcraft/utils/yaml.py), or in field order for manifest.yaml.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Testing.Packing;

/// <summary>A YAML value with the line it starts on (1-based; 0 for generated values).</summary>
internal abstract record YamlValue(int Line);

/// <summary>A mapping with string keys, in document order.</summary>
internal sealed record YamlMap(IReadOnlyList<KeyValuePair<string, YamlValue>> Entries, int Line) : YamlValue(Line)
{
    public YamlValue? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;

    public IEnumerable<string> Keys => Entries.Select(e => e.Key);

    public static YamlMap Of(params (string Key, YamlValue Value)[] entries) =>
        new(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)).ToList(), 0);
}

/// <summary>A sequence.</summary>
internal sealed record YamlList(IReadOnlyList<YamlValue> Items, int Line) : YamlValue(Line)
{
    public static YamlList Of(params YamlValue[] items) => new(items, 0);
}

/// <summary>The type PyYAML gives a scalar.</summary>
internal enum YamlScalarKind
{
    String,
    Int,
    Float,
    Bool,
    Null,
}

/// <summary>A scalar: its type and its text (canonical for int, float and bool).</summary>
internal sealed record YamlScalar(YamlScalarKind Kind, string Text, int Line) : YamlValue(Line)
{
    public static YamlScalar Str(string text) => new(YamlScalarKind.String, text, 0);

    public bool IsNull => Kind == YamlScalarKind.Null;
}

/// <summary>Reads and writes YAML the way charmcraft (PyYAML) does.</summary>
internal static partial class CharmYaml
{
    /// <summary>Parses one YAML document; null when the document is empty.</summary>
    /// <exception cref="FormatException">Invalid YAML (the message has the line), a repeated key, or a non-scalar key.</exception>
    public static YamlValue? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"line {e.Start.Line}: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"invalid YAML: {e.Message}", e);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => Convert(stream.Documents[0].RootNode, 0),
            _ => throw new FormatException("expected one YAML document, found several"),
        };
    }

    private static YamlValue Convert(YamlNode node, int depth)
    {
        if (depth > 64)
        {
            throw new FormatException($"line {node.Start.Line}: nesting is too deep");
        }

        var line = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode mapping:
                var entries = new List<KeyValuePair<string, YamlValue>>();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode scalarKey ? Scalar(scalarKey).Text : throw new FormatException($"line {key.Start.Line}: a mapping key is not a scalar");
                    entries.Add(KeyValuePair.Create(name, Convert(value, depth + 1)));
                }

                return new YamlMap(entries, line);
            case YamlSequenceNode sequence:
                return new YamlList(sequence.Children.Select(item => Convert(item, depth + 1)).ToList(), line);
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new FormatException($"line {line}: aliases and other {node.NodeType} nodes are not supported");
        }
    }

    private static YamlScalar Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var line = (int)scalar.Start.Line;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" or "!" || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            return new YamlScalar(YamlScalarKind.String, text, line);
        }

        var kind = tag switch
        {
            "tag:yaml.org,2002:int" => YamlScalarKind.Int,
            "tag:yaml.org,2002:float" => YamlScalarKind.Float,
            "tag:yaml.org,2002:bool" => YamlScalarKind.Bool,
            "tag:yaml.org,2002:null" => YamlScalarKind.Null,
            null => Resolve(text),
            _ => YamlScalarKind.String,
        };
        return kind switch
        {
            YamlScalarKind.Null => new YamlScalar(kind, "null", line),
            YamlScalarKind.Bool => new YamlScalar(kind, text.ToUpperInvariant() is "YES" or "TRUE" or "ON" ? "true" : "false", line),
            YamlScalarKind.Int => ParseInt(text) is { } i ? new YamlScalar(kind, i.ToString(CultureInfo.InvariantCulture), line) : new YamlScalar(YamlScalarKind.String, text, line),
            YamlScalarKind.Float => new YamlScalar(kind, FloatText(text), line),
            _ => new YamlScalar(YamlScalarKind.String, text, line),
        };
    }

    /// <summary>The type YAML 1.1 (PyYAML's resolver) gives a plain scalar; timestamps stay strings.</summary>
    private static YamlScalarKind Resolve(string text)
    {
        if (NullRegex().IsMatch(text))
        {
            return YamlScalarKind.Null;
        }

        if (BoolRegex().IsMatch(text))
        {
            return YamlScalarKind.Bool;
        }

        if (IntRegex().IsMatch(text))
        {
            return YamlScalarKind.Int;
        }

        return FloatRegex().IsMatch(text) ? YamlScalarKind.Float : YamlScalarKind.String;
    }

    private static long? ParseInt(string text)
    {
        var t = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = t.StartsWith('-');
        if (t.StartsWith('-') || t.StartsWith('+'))
        {
            t = t[1..];
        }

        long value;
        try
        {
            if (t.StartsWith("0b", StringComparison.Ordinal))
            {
                value = System.Convert.ToInt64(t[2..], 2);
            }
            else if (t.StartsWith("0x", StringComparison.Ordinal))
            {
                value = long.Parse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
            else if (t.Length > 1 && t[0] == '0' && !t.Contains(':', StringComparison.Ordinal))
            {
                value = System.Convert.ToInt64(t[1..], 8);
            }
            else if (t.Contains(':', StringComparison.Ordinal))
            {
                value = t.Split(':').Aggregate(0L, (acc, part) => checked((acc * 60) + long.Parse(part, CultureInfo.InvariantCulture)));
            }
            else
            {
                value = long.Parse(t, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }

        return negative ? -value : value;
    }

    private static string FloatText(string text)
    {
        var t = text.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        if (t.EndsWith(".inf", StringComparison.Ordinal))
        {
            return t.StartsWith('-') ? "-.inf" : ".inf";
        }

        if (t == ".nan")
        {
            return ".nan";
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? PythonFloat(d) : text;
    }

    // PyYAML's represent_float: repr(value).lower(), with ".0" added when repr has no dot.
    private static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        if (text.Contains('.', StringComparison.Ordinal))
        {
            return text;
        }

        var e = text.IndexOf('e', StringComparison.Ordinal);
        return e < 0 ? text + ".0" : string.Concat(text.AsSpan(0, e), ".0", text.AsSpan(e));
    }

    [GeneratedRegex(@"^(?:~|null|Null|NULL|)$")]
    private static partial Regex NullRegex();

    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolRegex();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntRegex();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatRegex();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampRegex();

    /// <summary>
    /// Writes <paramref name="value"/> as charmcraft does: block style, mappings sorted by key when
    /// <paramref name="sortKeys"/> (safe_dump's default), literal blocks for multi-line strings, PyYAML's choice
    /// between plain, single- and double-quoted scalars. Long lines are not folded at 80 columns as PyYAML does;
    /// the documents read back to the same values.
    /// </summary>
    public static string Dump(YamlValue value, bool sortKeys)
    {
        var output = new StringBuilder();
        switch (value)
        {
            case YamlMap { Entries.Count: > 0 } map:
                WriteMap(output, map, 0, sortKeys, inline: false);
                break;
            case YamlList { Items.Count: > 0 } list:
                WriteList(output, list, 0, sortKeys, inline: false);
                break;
            default:
                output.Append(ScalarOrEmpty(value, 0)).Append('\n');
                break;
        }

        return output.ToString();
    }

    private static IEnumerable<KeyValuePair<string, YamlValue>> Ordered(YamlMap map, bool sortKeys) =>
        sortKeys ? map.Entries.OrderBy(e => e.Key, StringComparer.Ordinal) : map.Entries;

    // A mapping in block style at `indent`; with `inline` its first key follows a "- " already written.
    private static void WriteMap(StringBuilder output, YamlMap map, int indent, bool sortKeys, bool inline)
    {
        var first = true;
        foreach (var (key, value) in Ordered(map, sortKeys))
        {
            if (!(first && inline))
            {
                output.Append(' ', indent);
            }

            first = false;
            output.Append(KeyText(key)).Append(':');
            WriteValueAfterIndicator(output, value, indent, sortKeys, inSequence: false);
        }
    }

    private static void WriteList(StringBuilder output, YamlList list, int indent, bool sortKeys, bool inline)
    {
        var first = true;
        foreach (var item in list.Items)
        {
            if (!(first && inline))
            {
                output.Append(' ', indent);
            }

            first = false;
            output.Append('-');
            WriteValueAfterIndicator(output, item, indent, sortKeys, inSequence: true);
        }
    }

    // Writes what follows "key:" or "-" (the indicator is written), ending with a newline.
    private static void WriteValueAfterIndicator(StringBuilder output, YamlValue value, int indent, bool sortKeys, bool inSequence)
    {
        switch (value)
        {
            case YamlMap { Entries.Count: > 0 } child when inSequence:
                output.Append(' ');
                WriteMap(output, child, indent + 2, sortKeys, inline: true);
                break;
            case YamlMap { Entries.Count: > 0 } child:
                output.Append('\n');
                WriteMap(output, child, indent + 2, sortKeys, inline: false);
                break;
            case YamlList { Items.Count: > 0 } child when inSequence:
                output.Append(' ');
                WriteList(output, child, indent + 2, sortKeys, inline: true);
                break;
            case YamlList { Items.Count: > 0 } child:
                // PyYAML writes a sequence in a mapping "indentless": its dashes line up with the key.
                output.Append('\n');
                WriteList(output, child, indent, sortKeys, inline: false);
                break;
            default:
                output.Append(' ').Append(ScalarOrEmpty(value, indent + 2)).Append('\n');
                break;
        }
    }

    private static string ScalarOrEmpty(YamlValue value, int blockIndent) => value switch
    {
        YamlMap => "{}",
        YamlList => "[]",
        YamlScalar { Kind: YamlScalarKind.String } s => StringText(s.Text, blockIndent),
        YamlScalar s => s.Text,
        _ => "null",
    };

    private static string KeyText(string key) =>
        CanBePlain(key) ? key : HasSpecialCharacters(key) || key.Contains('\n', StringComparison.Ordinal) ? DoubleQuoted(key) : SingleQuoted(key);

    private static string StringText(string text, int blockIndent)
    {
        if (text.Contains('\n', StringComparison.Ordinal))
        {
            return CanBeLiteral(text) ? Literal(text, blockIndent) : DoubleQuoted(text);
        }

        if (CanBePlain(text))
        {
            return text;
        }

        return HasSpecialCharacters(text) ? DoubleQuoted(text) : SingleQuoted(text);
    }

    // safe_dump runs with allow_unicode=False: anything outside printable ASCII (and tab/newline) is escaped.
    private static bool HasSpecialCharacters(string text) =>
        text.Any(c => c is not ('\n' or '\t') && (c < ' ' || c > '~'));

    private static bool CanBePlain(string text)
    {
        if (text.Length == 0 || text.Contains('\n', StringComparison.Ordinal) || HasSpecialCharacters(text) || text.Contains('\t', StringComparison.Ordinal))
        {
            return false;
        }

        if (Resolve(text) != YamlScalarKind.String || TimestampRegex().IsMatch(text) || text is "<<" or "=")
        {
            return false;
        }

        if (text.StartsWith("---", StringComparison.Ordinal) || text.StartsWith("...", StringComparison.Ordinal))
        {
            return false;
        }

        if (text[0] == ' ' || text[^1] == ' ' || "#,[]{}&*!|>'\"%@`".Contains(text[0], StringComparison.Ordinal))
        {
            return false;
        }

        if ("?:-".Contains(text[0], StringComparison.Ordinal) && (text.Length == 1 || text[1] == ' '))
        {
            return false;
        }

        return !text.Contains(": ", StringComparison.Ordinal) && !text.EndsWith(':') && !text.Contains(" #", StringComparison.Ordinal);
    }

    // PyYAML refuses block style when a line ends in a space or the text has special characters.
    private static bool CanBeLiteral(string text) =>
        !HasSpecialCharacters(text) && !text.Contains(" \n", StringComparison.Ordinal) && !text.Contains("\t\n", StringComparison.Ordinal) && !text.EndsWith(' ');

    private static string Literal(string text, int indent)
    {
        var header = new StringBuilder("|");
        if (text[0] is ' ' or '\n')
        {
            header.Append('2');
        }

        if (!text.EndsWith('\n'))
        {
            header.Append('-');
        }
        else if (text.Length == 1 || text[^2] == '\n')
        {
            header.Append('+');
        }

        var body = text.EndsWith('\n') ? text[..^1] : text;
        var lines = body.Split('\n').Select(line => line.Length == 0 ? string.Empty : new string(' ', indent) + line);
        return header + "\n" + string.Join('\n', lines);
    }

    private static string SingleQuoted(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string DoubleQuoted(string text)
    {
        var output = new StringBuilder("\"");
        foreach (var c in text)
        {
            output.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when c is >= ' ' and <= '~' => c.ToString(),
                _ when c <= '\xFF' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
            });
        }

        return output.Append('"').ToString();
    }
}
