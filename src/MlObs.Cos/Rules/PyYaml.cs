// PyYaml: rule files read as PyYAML's yaml.safe_load reads them (YAML 1.1 plain-scalar typing) and
// rule files written as yaml.safe_dump writes them (sorted keys, block style, PyYAML's choice of
// plain/single/double quoting and its 80-column folding), so what the COS charms load and what we
// derive for them are the same documents.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Cos.Rules;

/// <summary>YAML in and out the way the Python COS libraries see it (PyYAML <c>safe_load</c>/<c>safe_dump</c>).</summary>
internal static partial class PyYaml
{
    private const int BestWidth = 80;

    /// <summary>Parses one YAML document into JSON nodes with PyYAML's implicit typing of plain scalars.</summary>
    /// <param name="text">The YAML text.</param>
    /// <returns>The document, or null for an empty document.</returns>
    /// <exception cref="FormatException">The text is not valid YAML, holds several documents, or repeats a key.</exception>
    public static JsonNode? Load(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"invalid YAML: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // YamlDotNet reports a duplicate mapping key as an ArgumentException.
            throw new FormatException($"invalid YAML: {e.Message}", e);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => Convert(stream.Documents[0].RootNode, 0),
            _ => throw new FormatException("expected a single YAML document"),
        };
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > 64)
        {
            throw new FormatException("YAML nesting is too deep");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode scalarKey ? KeyText(scalarKey) : throw new FormatException("a mapping key is not a scalar");
                    obj[name] = Convert(value, depth + 1);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new FormatException($"unsupported YAML node {node.NodeType}");
        }
    }

    private static string KeyText(YamlScalarNode key) => Scalar(key) switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            return JsonValue.Create(value);
        }

        var kind = tag switch
        {
            "tag:yaml.org,2002:int" => ScalarKind.Int,
            "tag:yaml.org,2002:float" => ScalarKind.Float,
            "tag:yaml.org,2002:bool" => ScalarKind.Bool,
            "tag:yaml.org,2002:null" => ScalarKind.Null,
            null => Resolve(value),
            _ => ScalarKind.Str,
        };
        return kind switch
        {
            ScalarKind.Null => null,
            ScalarKind.Bool => JsonValue.Create(value.ToUpperInvariant() is "YES" or "TRUE" or "ON"),
            ScalarKind.Int => ParseInt(value) is { } i ? JsonValue.Create(i) : JsonValue.Create(value),
            ScalarKind.Float => double.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? JsonValue.Create(d)
                : JsonValue.Create(value),
            // Timestamps stay text: json.dumps could not write a datetime anyway.
            _ => JsonValue.Create(value),
        };
    }

    private static long? ParseInt(string text)
    {
        var t = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = t.StartsWith('-');
        if (t.Length > 0 && t[0] is '-' or '+')
        {
            t = t[1..];
        }

        try
        {
            long value;
            if (t.StartsWith("0b", StringComparison.Ordinal))
            {
                value = System.Convert.ToInt64(t[2..], 2);
            }
            else if (t.StartsWith("0x", StringComparison.Ordinal))
            {
                value = long.Parse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            }
            else if (t.Length > 1 && t[0] == '0')
            {
                value = System.Convert.ToInt64(t[1..], 8);
            }
            else if (t.Contains(':', StringComparison.Ordinal))
            {
                value = 0;
                foreach (var part in t.Split(':'))
                {
                    value = checked((value * 60) + long.Parse(part, CultureInfo.InvariantCulture));
                }
            }
            else
            {
                value = long.Parse(t, CultureInfo.InvariantCulture);
            }

            return negative ? -value : value;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private enum ScalarKind
    {
        Str,
        Null,
        Bool,
        Int,
        Float,
        Timestamp,
        Other,
    }

    // PyYAML's implicit resolvers (resolver.py), in their order of registration.
    private static ScalarKind Resolve(string value)
    {
        if (BoolRegex().IsMatch(value))
        {
            return ScalarKind.Bool;
        }

        if (FloatRegex().IsMatch(value))
        {
            return ScalarKind.Float;
        }

        if (IntRegex().IsMatch(value))
        {
            return ScalarKind.Int;
        }

        if (value == "<<" || value == "=")
        {
            return ScalarKind.Other;
        }

        if (NullRegex().IsMatch(value))
        {
            return ScalarKind.Null;
        }

        return TimestampRegex().IsMatch(value) ? ScalarKind.Timestamp : ScalarKind.Str;
    }

    // Python's `$` also matches before one final newline; `\z`-style anchoring plus `\n?` keeps that.
    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)\n?\z")]
    private static partial Regex BoolRegex();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\n?\z")]
    private static partial Regex FloatRegex();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\n?\z")]
    private static partial Regex IntRegex();

    [GeneratedRegex(@"^(?:~|null|Null|NULL|)\n?\z")]
    private static partial Regex NullRegex();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)\n?\z")]
    private static partial Regex TimestampRegex();

    /// <summary>Writes <paramref name="node"/> as <c>yaml.safe_dump(node)</c> does (sorted keys, block style, width 80).</summary>
    /// <param name="node">The document.</param>
    /// <returns>The YAML text, ending with a newline.</returns>
    public static string Dump(JsonNode? node)
    {
        var emitter = new Emitter();
        emitter.Node(node, root: true, inSequence: false, inMapping: false, simpleKey: false);
        emitter.WriteIndent();
        return emitter.ToString();
    }

    // A port of the parts of PyYAML's Emitter that safe_dump of JSON-shaped data reaches.
    private sealed class Emitter
    {
        private readonly StringBuilder _out = new();
        private readonly Stack<int?> _indents = new();
        private int? _indent;
        private int _column;
        private bool _whitespace = true;
        private bool _indention = true;
        private int _flowLevel;

        public override string ToString() => _out.ToString();

        public void Node(JsonNode? node, bool root, bool inSequence, bool inMapping, bool simpleKey)
        {
            _ = root;
            _ = inSequence;
            switch (node)
            {
                case JsonObject obj when obj.Count == 0:
                    EmptyFlow('{', '}');
                    break;
                case JsonArray array when array.Count == 0:
                    EmptyFlow('[', ']');
                    break;
                case JsonObject obj:
                    IncreaseIndent(flow: false, indentless: false);
                    foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        WriteIndent();
                        if (IsSimpleKey(key))
                        {
                            Node(JsonValue.Create(key), root: false, inSequence: false, inMapping: true, simpleKey: true);
                            WriteIndicator(":", needWhitespace: false);
                        }
                        else
                        {
                            WriteIndicator("?", needWhitespace: true, indention: true);
                            Node(JsonValue.Create(key), root: false, inSequence: false, inMapping: true, simpleKey: false);
                            WriteIndent();
                            WriteIndicator(":", needWhitespace: true, indention: true);
                        }

                        Node(value, root: false, inSequence: false, inMapping: true, simpleKey: false);
                    }

                    _indent = _indents.Pop();
                    break;
                case JsonArray array:
                    IncreaseIndent(flow: false, indentless: inMapping && !_indention);
                    foreach (var item in array)
                    {
                        WriteIndent();
                        WriteIndicator("-", needWhitespace: true, indention: true);
                        Node(item, root: false, inSequence: true, inMapping: false, simpleKey: false);
                    }

                    _indent = _indents.Pop();
                    break;
                default:
                    IncreaseIndent(flow: true, indentless: false);
                    Scalar(node, simpleKey);
                    _indent = _indents.Pop();
                    break;
            }
        }

        private static bool IsSimpleKey(string key)
        {
            var analysis = Analyze(key);
            return key.Length < 128 && !analysis.Empty && !analysis.Multiline;
        }

        private void EmptyFlow(char open, char close)
        {
            WriteIndicator(open.ToString(), needWhitespace: true, whitespace: true);
            _flowLevel++;
            IncreaseIndent(flow: true, indentless: false);
            _indent = _indents.Pop();
            _flowLevel--;
            WriteIndicator(close.ToString(), needWhitespace: false);
        }

        private void Scalar(JsonNode? node, bool simpleKey)
        {
            string text;
            var implicitPlain = true;
            switch (node)
            {
                case null:
                    text = "null";
                    break;
                case JsonValue v when v.TryGetValue<string>(out var s):
                    text = s;
                    implicitPlain = Resolve(s) == ScalarKind.Str;
                    break;
                case JsonValue v when v.TryGetValue<bool>(out var b):
                    text = b ? "true" : "false";
                    break;
                case JsonValue v when v.TryGetValue<long>(out var l):
                    text = l.ToString(CultureInfo.InvariantCulture);
                    break;
                case JsonValue v when v.TryGetValue<double>(out var d):
                    text = FloatText(d);
                    break;
                default:
                    text = node.ToJsonString();
                    break;
            }

            var analysis = Analyze(text);
            var split = !simpleKey;
            var plainAllowed = implicitPlain
                && !(simpleKey && (analysis.Empty || analysis.Multiline))
                && (_flowLevel > 0 ? analysis.AllowFlowPlain : analysis.AllowBlockPlain);
            if (plainAllowed)
            {
                WritePlain(text, split);
            }
            else if (analysis.AllowSingleQuoted && !(simpleKey && analysis.Multiline))
            {
                WriteSingleQuoted(text, split);
            }
            else
            {
                WriteDoubleQuoted(text, split);
            }
        }

        private static string FloatText(double d)
        {
            if (double.IsNaN(d))
            {
                return ".nan";
            }

            if (double.IsInfinity(d))
            {
                return d > 0 ? ".inf" : "-.inf";
            }

            // Python's repr: shortest round-trip digits, exponent from 1e16 up and below 1e-4.
            var r = d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
            if (!r.Contains('.', StringComparison.Ordinal) && !r.Contains('e', StringComparison.Ordinal))
            {
                r += ".0";
            }

            if (!r.Contains('.', StringComparison.Ordinal) && r.Contains('e', StringComparison.Ordinal))
            {
                r = r.Replace("e", ".0e", StringComparison.Ordinal);
            }

            return r;
        }

        private void IncreaseIndent(bool flow, bool indentless)
        {
            _indents.Push(_indent);
            if (_indent is null)
            {
                _indent = flow ? 2 : 0;
            }
            else if (!indentless)
            {
                _indent += 2;
            }
        }

        private void WriteIndicator(string indicator, bool needWhitespace, bool whitespace = false, bool indention = false)
        {
            var data = _whitespace || !needWhitespace ? indicator : " " + indicator;
            _whitespace = whitespace;
            _indention = _indention && indention;
            _column += data.Length;
            _out.Append(data);
        }

        public void WriteIndent()
        {
            var indent = _indent ?? 0;
            if (!_indention || _column > indent || (_column == indent && !_whitespace))
            {
                WriteLineBreak();
            }

            if (_column < indent)
            {
                _whitespace = true;
                _out.Append(' ', indent - _column);
                _column = indent;
            }
        }

        private void WriteLineBreak(char data = '\n')
        {
            _whitespace = true;
            _indention = true;
            _column = 0;
            _out.Append(data);
        }

        private void Write(string data)
        {
            _column += data.Length;
            _out.Append(data);
        }

        private static bool IsBreak(char c) => c is '\n' or '\x85' or '\u2028' or '\u2029';

        private void WritePlain(string text, bool split)
        {
            if (text.Length == 0)
            {
                return;
            }

            if (!_whitespace)
            {
                Write(" ");
            }

            _whitespace = false;
            _indention = false;
            bool spaces = false, breaks = false;
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > BestWidth && split)
                        {
                            WriteIndent();
                            _whitespace = false;
                            _indention = false;
                        }
                        else
                        {
                            Write(text[start..end]);
                        }

                        start = end;
                    }
                }
                else if (breaks)
                {
                    if (ch is null || !IsBreak(ch.Value))
                    {
                        if (text[start] == '\n')
                        {
                            WriteLineBreak();
                        }

                        foreach (var br in text[start..end])
                        {
                            WriteLineBreak(br);
                        }

                        WriteIndent();
                        _whitespace = false;
                        _indention = false;
                        start = end;
                    }
                }
                else if (ch is null || ch == ' ' || IsBreak(ch.Value))
                {
                    Write(text[start..end]);
                    start = end;
                }

                if (ch is not null)
                {
                    spaces = ch == ' ';
                    breaks = IsBreak(ch.Value);
                }

                end++;
            }
        }

        private void WriteSingleQuoted(string text, bool split)
        {
            WriteIndicator("'", needWhitespace: true);
            bool spaces = false, breaks = false;
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch is null || ch != ' ')
                    {
                        if (start + 1 == end && _column > BestWidth && split && start != 0 && end != text.Length)
                        {
                            WriteIndent();
                        }
                        else
                        {
                            Write(text[start..end]);
                        }

                        start = end;
                    }
                }
                else if (breaks)
                {
                    if (ch is null || !IsBreak(ch.Value))
                    {
                        if (text[start] == '\n')
                        {
                            WriteLineBreak();
                        }

                        foreach (var br in text[start..end])
                        {
                            WriteLineBreak(br);
                        }

                        WriteIndent();
                        start = end;
                    }
                }
                else if ((ch is null || ch == ' ' || IsBreak(ch.Value) || ch == '\'') && start < end)
                {
                    Write(text[start..end]);
                    start = end;
                }

                if (ch == '\'')
                {
                    Write("''");
                    start = end + 1;
                }

                if (ch is not null)
                {
                    spaces = ch == ' ';
                    breaks = IsBreak(ch.Value);
                }

                end++;
            }

            WriteIndicator("'", needWhitespace: false);
        }

        private void WriteDoubleQuoted(string text, bool split)
        {
            WriteIndicator("\"", needWhitespace: true);
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (ch is null || ch is '"' or '\\' or '\x85' or '\u2028' or '\u2029' or '\uFEFF' || ch.Value < '\x20' || ch.Value > '\x7E')
                {
                    if (start < end)
                    {
                        Write(text[start..end]);
                        start = end;
                    }

                    if (ch is { } c)
                    {
                        var data = c switch
                        {
                            '\0' => "\\0",
                            '\x07' => "\\a",
                            '\x08' => "\\b",
                            '\x09' => "\\t",
                            '\x0A' => "\\n",
                            '\x0B' => "\\v",
                            '\x0C' => "\\f",
                            '\x0D' => "\\r",
                            '\x1B' => "\\e",
                            '"' => "\\\"",
                            '\\' => "\\\\",
                            '\x85' => "\\N",
                            '\xA0' => "\\_",
                            '\u2028' => "\\L",
                            '\u2029' => "\\P",
                            <= '\xFF' => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                            _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                        };
                        Write(data);
                        start = end + 1;
                    }
                }

                if (end > 0 && end < text.Length - 1 && (ch == ' ' || start >= end) && _column + (end - start) > BestWidth && split)
                {
                    // Python's text[start:end] is empty when an escape has just moved start past end.
                    var data = (start < end ? text[start..end] : string.Empty) + "\\";
                    if (start < end)
                    {
                        start = end;
                    }

                    Write(data);
                    WriteIndent();
                    _whitespace = false;
                    _indention = false;
                    if (text[start] == ' ')
                    {
                        Write("\\");
                    }
                }

                end++;
            }

            WriteIndicator("\"", needWhitespace: false);
        }

        private readonly record struct Analysis(bool Empty, bool Multiline, bool AllowFlowPlain, bool AllowBlockPlain, bool AllowSingleQuoted);

        private static bool IsSpaceOrBreak(char c) => c is '\0' or ' ' or '\t' or '\r' or '\n' or '\x85' or '\u2028' or '\u2029';

        private static Analysis Analyze(string scalar)
        {
            if (scalar.Length == 0)
            {
                return new Analysis(Empty: true, Multiline: false, AllowFlowPlain: false, AllowBlockPlain: true, AllowSingleQuoted: true);
            }

            bool blockIndicators = false, flowIndicators = false, lineBreaks = false, special = false;
            bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
            if (scalar.StartsWith("---", StringComparison.Ordinal) || scalar.StartsWith("...", StringComparison.Ordinal))
            {
                blockIndicators = flowIndicators = true;
            }

            var precededByWhitespace = true;
            var followedByWhitespace = scalar.Length == 1 || IsSpaceOrBreak(scalar[1]);
            bool previousSpace = false, previousBreak = false;
            for (var index = 0; index < scalar.Length; index++)
            {
                var ch = scalar[index];
                if (index == 0)
                {
                    if ("#,[]{}&*!|>'\"%@`".Contains(ch, StringComparison.Ordinal))
                    {
                        flowIndicators = blockIndicators = true;
                    }

                    if (ch is '?' or ':')
                    {
                        flowIndicators = true;
                        blockIndicators |= followedByWhitespace;
                    }

                    if (ch == '-' && followedByWhitespace)
                    {
                        flowIndicators = blockIndicators = true;
                    }
                }
                else
                {
                    if (",?[]{}".Contains(ch, StringComparison.Ordinal))
                    {
                        flowIndicators = true;
                    }

                    if (ch == ':')
                    {
                        flowIndicators = true;
                        blockIndicators |= followedByWhitespace;
                    }

                    if (ch == '#' && precededByWhitespace)
                    {
                        flowIndicators = blockIndicators = true;
                    }
                }

                if (IsBreak(ch))
                {
                    lineBreaks = true;
                }

                if (!(ch == '\n' || (ch >= '\x20' && ch <= '\x7E')))
                {
                    // allow_unicode is False in safe_dump: every other character is "special".
                    special = true;
                }

                if (ch == ' ')
                {
                    leadingSpace |= index == 0;
                    trailingSpace |= index == scalar.Length - 1;
                    breakSpace |= previousBreak;
                    previousSpace = true;
                    previousBreak = false;
                }
                else if (IsBreak(ch))
                {
                    leadingBreak |= index == 0;
                    trailingBreak |= index == scalar.Length - 1;
                    spaceBreak |= previousSpace;
                    previousSpace = false;
                    previousBreak = true;
                }
                else
                {
                    previousSpace = previousBreak = false;
                }

                precededByWhitespace = IsSpaceOrBreak(ch);
                followedByWhitespace = index + 2 >= scalar.Length || IsSpaceOrBreak(scalar[index + 2]);
            }

            bool flowPlain = true, blockPlain = true, singleQuoted = true;
            if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
            {
                flowPlain = blockPlain = false;
            }

            if (breakSpace)
            {
                flowPlain = blockPlain = singleQuoted = false;
            }

            if (spaceBreak || special)
            {
                flowPlain = blockPlain = singleQuoted = false;
            }

            if (lineBreaks)
            {
                flowPlain = blockPlain = false;
            }

            if (flowIndicators)
            {
                flowPlain = false;
            }

            if (blockIndicators)
            {
                blockPlain = false;
            }

            return new Analysis(Empty: false, Multiline: lineBreaks, flowPlain, blockPlain, singleQuoted);
        }
    }
}
