// BlockYamlReader: reads the block-style YAML that charm metadata is written in straight into
// YamlDotNet's representation model, building the nodes YamlStream.Load would build, without
// YamlDotNet's scanner and parser (their class constructors and allocations are a visible part of a
// Native AOT dispatch). It knows a subset: block mappings and sequences, one-line plain and quoted
// scalars, literal and folded block scalars, one-line flow collections of scalars, comments. On
// anything else it gives up and the caller reads the text through YamlDotNet: a give-up costs time,
// a tree that differs from YamlDotNet's would be a bug.
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Metadata;

internal sealed class BlockYamlReader
{
    // Deeper nesting than metadata ever has goes to YamlDotNet rather than deeper into the stack.
    private const int MaxDepth = 64;

    // YAML's limit on the length of an implicit key; YamlDotNet refuses longer ones.
    private const int MaxKeyLength = 1024;

    private readonly string _text;
    private StringBuilder? _builder;

    // The current line is _text[_start.._end] without its line break; the next one starts at _next.
    // _indent counts the spaces that open it. At the end of the text _start is _text.Length.
    private int _start;
    private int _end;
    private int _next;
    private int _indent;

    private BlockYamlReader(string text)
    {
        _text = text;
        Load(0);
    }

    private enum Stop
    {
        End,
        Colon,
        Comment,
        FlowIndicator,
    }

    private bool AtEnd => _start >= _text.Length;

    private bool IsBlank => _start + _indent == _end;

    // A '\n' follows the line (a lone '\r' never gets this far).
    private bool HasBreak => _next > _end;

    /// <summary>
    /// Reads <paramref name="text"/> when it stays inside the subset. <paramref name="root"/> is
    /// null for a text with no content (YamlDotNet loads no document from it).
    /// </summary>
    /// <returns><see langword="false"/> when the text needs YamlDotNet.</returns>
    public static bool TryRead(string text, out YamlNode? root)
    {
        root = null;
        if (!HasOnlyPlainLines(text))
        {
            return false;
        }

        var reader = new BlockYamlReader(text);
        if (!reader.SkipInsignificant())
        {
            return true;
        }

        if (!reader.TryBlockNode(-1, 0, out var node) || !reader.AtEnd)
        {
            return false;
        }

        root = node;
        return true;
    }

    // Characters YAML does not print (controls, NEL, the Unicode line separators, a BOM, a lone
    // surrogate), tabs (indentation or not: the subset never needs them), a lone '\r', and lines
    // that open a directive or mark a document all leave the subset.
    private static bool HasOnlyPlainLines(string text)
    {
        var span = text.AsSpan();
        if (!IsPlainLineStart(span))
        {
            return false;
        }

        var i = 0;
        while (true)
        {
            var skip = span[i..].IndexOfAnyExceptInRange(' ', '~');
            if (skip < 0)
            {
                return true;
            }

            i += skip;
            var c = span[i];
            if (c == '\n')
            {
                if (!IsPlainLineStart(span[(i + 1)..]))
                {
                    return false;
                }
            }
            else if (c == '\r')
            {
                if (i + 1 == span.Length || span[i + 1] != '\n')
                {
                    return false;
                }
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 == span.Length || !char.IsLowSurrogate(span[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (c < ' ' || c is >= '\u007f' and <= '\u009f' or '\u2028' or '\u2029' or '\ufeff' or >= '\ufffe' || char.IsLowSurrogate(c))
            {
                return false;
            }

            i++;
        }
    }

    private static bool IsPlainLineStart(ReadOnlySpan<char> line)
    {
        if (line.Length > 0 && line[0] == '%')
        {
            return false;
        }

        if (line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("...", StringComparison.Ordinal))
        {
            return line.Length > 3 && line[3] is not (' ' or '\r' or '\n');
        }

        return true;
    }

    private static bool IsFlowIndicator(char c) => c is ',' or '[' or ']' or '{' or '}';

    private static YamlScalarNode EmptyScalar() => new(string.Empty) { Style = ScalarStyle.Plain };

    private static int HexDigits(char escape) => escape switch
    {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => 0,
    };

    private void Load(int start)
    {
        _start = start;
        if (start >= _text.Length)
        {
            _start = _end = _next = _text.Length;
            _indent = 0;
            return;
        }

        var newline = _text.IndexOf('\n', start);
        _next = newline < 0 ? _text.Length : newline + 1;
        _end = newline < 0 ? _text.Length : newline;
        if (_end > start && _text[_end - 1] == '\r')
        {
            _end--;
        }

        var indent = 0;
        while (start + indent < _end && _text[start + indent] == ' ')
        {
            indent++;
        }

        _indent = indent;
    }

    // Moves past blank and comment-only lines; false at the end of the text.
    private bool SkipInsignificant()
    {
        while (!AtEnd && (IsBlank || _text[_start + _indent] == '#'))
        {
            Load(_next);
        }

        return !AtEnd;
    }

    private int SkipSpaces(int i)
    {
        while (i < _end && _text[i] == ' ')
        {
            i++;
        }

        return i;
    }

    private bool IsSequenceEntry(int i) => _text[i] == '-' && (i + 1 == _end || _text[i + 1] == ' ');

    private bool IsComment(int i) => _text[i] == '#' && _text[i - 1] == ' ';

    // The node whose first line is the current one, indented more than its parent's.
    private bool TryBlockNode(int parentIndent, int depth, out YamlNode node)
    {
        node = null!;
        if (depth > MaxDepth || _indent <= parentIndent)
        {
            return false;
        }

        return IsSequenceEntry(_start + _indent)
            ? TryBlockSequence(_start + _indent, depth, out node)
            : TryBlockMapping(_start + _indent, depth, out node);
    }

    // A sequence whose first dash is at `at` on the current line; its indentation is that column
    // (`- - a` nests one sequence in another on one line).
    private bool TryBlockSequence(int at, int depth, out YamlNode node)
    {
        var indent = at - _start;
        var sequence = new YamlSequenceNode { Style = SequenceStyle.Block };
        node = sequence;
        while (true)
        {
            if (!TryValue(indent, SkipSpaces(at + 1), depth, inSequence: true, out var item))
            {
                return false;
            }

            sequence.Add(item);
            if (AtEnd || _indent != indent || !IsSequenceEntry(_start + indent))
            {
                return true;
            }

            at = _start + indent;
        }
    }

    // A mapping whose first key starts at `at` on the current line; its indentation is that column
    // (a compact `- key: value` mapping starts after its sequence entry's dash).
    private bool TryBlockMapping(int at, int depth, out YamlNode node)
    {
        var indent = at - _start;
        var mapping = new YamlMappingNode { Style = MappingStyle.Block };
        node = mapping;
        while (true)
        {
            if (!TryKey(at, out var key, out var afterColon) || mapping.Children.ContainsKey(key))
            {
                return false;
            }

            if (!TryValue(indent, SkipSpaces(afterColon), depth, inSequence: false, out var value))
            {
                return false;
            }

            mapping.Add(key, value);
            if (AtEnd || _indent < indent)
            {
                return true;
            }

            at = _start + indent;
            if (_indent > indent || IsSequenceEntry(at))
            {
                return false;
            }
        }
    }

    // The value of a key or a sequence entry, from `at` (after the colon or dash and its spaces).
    private bool TryValue(int ownerIndent, int at, int depth, bool inSequence, out YamlNode value)
    {
        if (depth > MaxDepth)
        {
            value = null!;
            return false;
        }

        return at == _end || _text[at] == '#'
            ? TryBlockValue(ownerIndent, depth, sameIndentSequence: !inSequence, out value)
            : TryInlineNode(ownerIndent, at, depth, inSequence, out value);
    }

    // The value of a key or sequence entry that ends its line: a block node on the next lines, or
    // an empty plain scalar. A mapping's value may be a sequence at the mapping's own indentation.
    private bool TryBlockValue(int ownerIndent, int depth, bool sameIndentSequence, out YamlNode value)
    {
        Load(_next);
        if (SkipInsignificant())
        {
            if (_indent > ownerIndent)
            {
                return TryBlockNode(ownerIndent, depth + 1, out value);
            }

            if (sameIndentSequence && _indent == ownerIndent && IsSequenceEntry(_start + _indent))
            {
                return TryBlockSequence(_start + _indent, depth + 1, out value);
            }
        }

        value = EmptyScalar();
        return true;
    }

    // A node that starts at `at` on the current line after a key or a dash.
    private bool TryInlineNode(int ownerIndent, int at, int depth, bool inSequence, out YamlNode node)
    {
        node = null!;
        if (inSequence && IsSequenceEntry(at))
        {
            return TryBlockSequence(at, depth + 1, out node);
        }

        switch (_text[at])
        {
            case '|' or '>':
                return TryBlockScalar(ownerIndent, at, out node);
            case '[':
                return TryFlowSequence(at, out var end, out node) && TryEndLine(ownerIndent, end);
            case '{':
                return TryFlowMapping(at, out end, out node) && TryEndLine(ownerIndent, end);
        }

        if (!TryScanScalar(at, flow: false, out var scalar, out var after, out var stop))
        {
            return false;
        }

        if (inSequence && IsKeyEnd(after, stop, out _))
        {
            return TryBlockMapping(at, depth + 1, out node);
        }

        node = scalar;
        return TryEndLine(ownerIndent, after);
    }

    // After a one-line value: only a comment may follow on its line, and the next line must not be
    // indented past the value's owner (it would continue a multi-line scalar, or be an error).
    private bool TryEndLine(int ownerIndent, int after)
    {
        var rest = SkipSpaces(after);
        if (rest < _end && !IsComment(rest))
        {
            return false;
        }

        Load(_next);
        return !SkipInsignificant() || _indent <= ownerIndent;
    }

    private bool IsKeyEnd(int after, Stop stop, out int afterColon)
    {
        afterColon = 0;
        var colon = stop == Stop.Colon ? after : SkipSpaces(after);
        if (colon == _end || _text[colon] != ':' || (colon + 1 < _end && _text[colon + 1] != ' '))
        {
            return false;
        }

        afterColon = colon + 1;
        return true;
    }

    private bool TryKey(int at, out YamlScalarNode key, out int afterColon)
    {
        afterColon = 0;
        return TryScanScalar(at, flow: false, out key, out var after, out var stop)
            && IsKeyEnd(after, stop, out afterColon)
            && afterColon - at <= MaxKeyLength;
    }

    // A plain, single- or double-quoted scalar that starts at `at` and ends on this line. `after` is
    // past the closing quote, or where a plain scalar stopped: a ':' that makes it a key, a comment,
    // a flow indicator (in flow context) or the end of the line. A plain scalar's trailing spaces
    // are not part of it.
    private bool TryScanScalar(int at, bool flow, out YamlScalarNode scalar, out int after, out Stop stop)
    {
        scalar = null!;
        stop = Stop.End;
        var c = _text[at];
        if (c == '\'')
        {
            return TryScanSingleQuoted(at, out scalar, out after);
        }

        if (c == '"')
        {
            return TryScanDoubleQuoted(at, out scalar, out after);
        }

        after = at;
        if (!CanStartPlain(at, flow))
        {
            return false;
        }

        var i = at + 1;
        for (; i < _end; i++)
        {
            c = _text[i];
            if (c == ':' && (i + 1 == _end || _text[i + 1] == ' ' || (flow && IsFlowIndicator(_text[i + 1]))))
            {
                stop = Stop.Colon;
                break;
            }

            if (c == '#' && _text[i - 1] == ' ')
            {
                stop = Stop.Comment;
                break;
            }

            // YamlDotNet reads `a *b: c`, a first key, as the scalar "a *b: c".
            if (c == '*' && _text[i - 1] == ' ')
            {
                return false;
            }

            if (flow && IsFlowIndicator(c))
            {
                stop = Stop.FlowIndicator;
                break;
            }
        }

        var end = i;
        while (_text[end - 1] == ' ')
        {
            end--;
        }

        after = stop == Stop.End ? end : i;
        scalar = new YamlScalarNode(_text[at..end]) { Style = ScalarStyle.Plain };
        return true;
    }

    // Indicators cannot open a plain scalar; '-' can when a non-space follows. '?' and ':' could
    // too, but metadata has no use for them.
    private bool CanStartPlain(int at, bool flow)
    {
        var c = _text[at];
        if (c == '-')
        {
            return at + 1 < _end && _text[at + 1] != ' ' && !(flow && IsFlowIndicator(_text[at + 1]));
        }

        return c is not ('?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`');
    }

    private bool TryScanSingleQuoted(int at, out YamlScalarNode scalar, out int after)
    {
        scalar = null!;
        var doubled = false;
        for (var i = at + 1; i < _end; i++)
        {
            if (_text[i] != '\'')
            {
                continue;
            }

            if (i + 1 < _end && _text[i + 1] == '\'')
            {
                doubled = true;
                i++;
                continue;
            }

            var body = _text[(at + 1)..i];
            scalar = new YamlScalarNode(doubled ? body.Replace("''", "'", StringComparison.Ordinal) : body) { Style = ScalarStyle.SingleQuoted };
            after = i + 1;
            return true;
        }

        // Not closed on this line: a multi-line scalar.
        after = at;
        return false;
    }

    private bool TryScanDoubleQuoted(int at, out YamlScalarNode scalar, out int after)
    {
        scalar = null!;
        after = at;
        StringBuilder? decoded = null;
        var copied = at + 1;
        for (var i = at + 1; i < _end; i++)
        {
            var c = _text[i];
            if (c == '"')
            {
                var value = decoded is null ? _text[(at + 1)..i] : decoded.Append(_text, copied, i - copied).ToString();
                scalar = new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted };
                after = i + 1;
                return true;
            }

            if (c != '\\')
            {
                continue;
            }

            // A backslash at the end of the line continues the scalar on the next one.
            if (i + 1 == _end)
            {
                return false;
            }

            decoded ??= Builder();
            decoded.Append(_text, copied, i - copied);
            var escape = _text[i + 1];
            var digits = HexDigits(escape);
            if (digits > 0)
            {
                if (i + 2 + digits > _end
                    || !int.TryParse(_text.AsSpan(i + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    || code > 0x10FFFF
                    || code is >= 0xD800 and <= 0xDFFF)
                {
                    return false;
                }

                decoded.Append(char.ConvertFromUtf32(code));
                i += 1 + digits;
            }
            else
            {
                var single = escape switch
                {
                    '0' => '\0',
                    'a' => '\a',
                    'b' => '\b',
                    't' => '\t',
                    'n' => '\n',
                    'v' => '\v',
                    'f' => '\f',
                    'r' => '\r',
                    'e' => '\u001b',
                    ' ' or '"' or '/' or '\\' => escape,
                    'N' => '\u0085',
                    '_' => '\u00a0',
                    'L' => '\u2028',
                    'P' => '\u2029',
                    _ => (char?)null,
                };
                if (single is not { } unescaped)
                {
                    return false;
                }

                decoded.Append(unescaped);
                i++;
            }

            copied = i + 1;
        }

        return false;
    }

    // `|` or `>` at `at`, with `-` or `+` chomping, then the indented lines below. Explicit
    // indentation indicators, more-indented or space-ended lines in folded text, spaces on a
    // blank line before the text or deeper than the text, and an empty body go to YamlDotNet.
    private bool TryBlockScalar(int ownerIndent, int at, out YamlNode node)
    {
        node = null!;
        var literal = _text[at] == '|';
        var chomp = at + 1 < _end && _text[at + 1] is '-' or '+' ? _text[at + 1] : ' ';
        var headerEnd = at + (chomp == ' ' ? 1 : 2);
        var rest = SkipSpaces(headerEnd);
        if (rest < _end && !(rest > headerEnd && _text[rest] == '#'))
        {
            return false;
        }

        var text = Builder();
        var indent = -1;
        var spacedLeadingBlank = false;
        var breaks = 0;
        var hasContent = false;
        Load(_next);
        for (; !AtEnd; Load(_next))
        {
            if (IsBlank)
            {
                if (indent < 0)
                {
                    spacedLeadingBlank |= _indent > 0;
                }
                else if (_indent > indent)
                {
                    return false;
                }

                breaks += HasBreak ? 1 : 0;
                continue;
            }

            if (indent < 0)
            {
                // YamlDotNet has rules of its own for spaces on the blank lines before the text
                // ("found extra spaces in first line"); only empty ones stay in the subset.
                if (_indent <= ownerIndent || spacedLeadingBlank)
                {
                    return false;
                }

                indent = _indent;
            }
            else if (_indent < indent)
            {
                break;
            }

            if (!literal && (_indent > indent || _text[_end - 1] == ' '))
            {
                return false;
            }

            if (hasContent && !literal)
            {
                // Folding: one line break between two lines becomes a space; of more, the first goes.
                if (breaks == 1)
                {
                    text.Append(' ');
                }
                else
                {
                    text.Append('\n', breaks - 1);
                }
            }
            else
            {
                text.Append('\n', breaks);
            }

            text.Append(_text, _start + indent, _end - _start - indent);
            hasContent = true;
            breaks = HasBreak ? 1 : 0;
        }

        // A less indented line that is still inside the owner is a trailing comment or an error.
        if (!hasContent || (!AtEnd && _indent > ownerIndent))
        {
            return false;
        }

        text.Append('\n', chomp switch
        {
            '-' => 0,
            '+' => breaks,
            _ => Math.Min(breaks, 1),
        });
        node = new YamlScalarNode(text.ToString()) { Style = literal ? ScalarStyle.Literal : ScalarStyle.Folded };
        SkipInsignificant();
        return true;
    }

    // `[a, 'b', "c"]` on one line: scalars only, no empty or trailing entries, no ':'.
    private bool TryFlowSequence(int at, out int end, out YamlNode node)
    {
        var sequence = new YamlSequenceNode { Style = SequenceStyle.Flow };
        node = sequence;
        return TryFlowEntries(at, ']', entry =>
        {
            if (!TryFlowScalar(entry, out var item, out var after))
            {
                return -1;
            }

            sequence.Add(item);
            return after;
        }, out end);
    }

    // `{a: b, c: 'd'}` on one line: scalar keys and values, each key once, no empty values.
    private bool TryFlowMapping(int at, out int end, out YamlNode node)
    {
        var mapping = new YamlMappingNode { Style = MappingStyle.Flow };
        node = mapping;
        return TryFlowEntries(at, '}', entry =>
        {
            if (!TryScanScalar(entry, flow: true, out var key, out var after, out var stop)
                || !IsKeyEnd(after, stop, out var afterColon)
                || mapping.Children.ContainsKey(key))
            {
                return -1;
            }

            var valueAt = SkipSpaces(afterColon);
            if (valueAt == _end || !TryFlowScalar(valueAt, out var value, out after))
            {
                return -1;
            }

            mapping.Add(key, value);
            return after;
        }, out end);
    }

    // The entries between the opening bracket at `at` and `close`, separated by commas; `entry`
    // reads one and returns where it ended, or -1.
    private bool TryFlowEntries(int at, char close, Func<int, int> entry, out int end)
    {
        end = at;
        var i = SkipSpaces(at + 1);
        if (i < _end && _text[i] == close)
        {
            end = i + 1;
            return true;
        }

        while (i < _end)
        {
            i = entry(i);
            if (i < 0)
            {
                return false;
            }

            i = SkipSpaces(i);
            if (i == _end)
            {
                return false;
            }

            if (_text[i] == close)
            {
                end = i + 1;
                return true;
            }

            if (_text[i] != ',')
            {
                return false;
            }

            i = SkipSpaces(i + 1);
        }

        return false;
    }

    private bool TryFlowScalar(int at, out YamlScalarNode scalar, out int after) =>
        TryScanScalar(at, flow: true, out scalar, out after, out var stop)
        && stop is Stop.End or Stop.FlowIndicator
        && (scalar.Style != ScalarStyle.Plain || stop == Stop.FlowIndicator);

    private StringBuilder Builder() => (_builder ??= new StringBuilder(256)).Clear();
}
