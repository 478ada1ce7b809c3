// LogQlLexer: tokens of a LogQL expression as Loki's lexer (a Go text/scanner) produces them: identifiers,
// Go numbers, durations and byte sizes glued to numbers (5m, 10KB), "…" and `…` strings, ranges read raw
// between [ and ], two-character operators; plus Grafana template variables ($var, ${var}) as tokens.

namespace MlObs.Cos.Rules;

internal enum LTok
{
    Eof,
    Identifier,
    Number,
    Duration,
    Bytes,
    String,
    Range,
    Variable,
    Punct,
}

/// <summary>A LogQL token; <see cref="Text"/> is the source text (the unquoted value for strings).</summary>
internal readonly record struct LToken(LTok Kind, string Text, int Pos, long Ns = 0, ulong ByteCount = 0, string? RawRange = null)
{
    public bool Is(string punct) => (Kind == LTok.Punct || Kind == LTok.Identifier) && Text == punct;

    public string Describe() => Kind switch
    {
        LTok.Eof => "$end",
        LTok.String => GoText.Quote(Text),
        LTok.Range => "RANGE",
        _ => Text,
    };
}

internal sealed class LogQlLexer
{
    private static readonly string[] TwoCharOps = ["!=", "=~", "!~", "|=", "|~", "==", ">=", "<="];

    private readonly string _input;
    private readonly List<LToken> _tokens = [];
    private int _pos;

    private LogQlLexer(string input) => _input = input;

    public static List<LToken> Lex(string input)
    {
        var l = new LogQlLexer(input);
        l.Run();
        return l._tokens;
    }

    private char Peek(int ahead = 0) => _pos + ahead < _input.Length ? _input[_pos + ahead] : '\0';

    private static bool IsIdentStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsIdentPart(char c) => c == '_' || char.IsLetterOrDigit(c);

    private void Run()
    {
        while (true)
        {
            while (_pos < _input.Length && char.IsWhiteSpace(_input[_pos]))
            {
                _pos++;
            }

            if (_pos >= _input.Length)
            {
                _tokens.Add(new LToken(LTok.Eof, string.Empty, _pos));
                return;
            }

            var start = _pos;
            var c = _input[_pos];
            if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (_pos < _input.Length && _input[_pos] != '\n')
                {
                    _pos++;
                }

                continue;
            }

            if (c == '/' && Peek(1) == '*')
            {
                var end = _input.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new LogQlSyntaxException(start, "comment not terminated");
                }

                _pos = end + 2;
                continue;
            }

            if (IsIdentStart(c))
            {
                while (_pos < _input.Length && IsIdentPart(_input[_pos]))
                {
                    _pos++;
                }

                _tokens.Add(new LToken(LTok.Identifier, _input[start.._pos], start));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
            {
                LexNumber(start);
                continue;
            }

            if (c is '"' or '`')
            {
                LexString(c, start);
                continue;
            }

            if (c == '[')
            {
                LexRange(start);
                continue;
            }

            var v = GoText.VariableLength(_input, _pos);
            if (v > 0)
            {
                _pos += v;
                _tokens.Add(new LToken(LTok.Variable, _input[start.._pos], start));
                continue;
            }

            var two = _pos + 1 < _input.Length ? _input.Substring(_pos, 2) : string.Empty;
            if (Array.IndexOf(TwoCharOps, two) >= 0)
            {
                _pos += 2;
                _tokens.Add(new LToken(LTok.Punct, two, start));
                continue;
            }

            if (",.{}=|()+-*/%^><]".Contains(c, StringComparison.Ordinal))
            {
                _pos++;
                _tokens.Add(new LToken(LTok.Punct, c.ToString(), start));
                continue;
            }

            throw new LogQlSyntaxException(start, $"syntax error: unexpected character {GoText.Quote(c.ToString())}");
        }
    }

    private void LexNumber(int start)
    {
        if (_input[_pos] == '0' && (Peek(1) == 'x' || Peek(1) == 'X'))
        {
            _pos += 2;
            while (_pos < _input.Length && (char.IsAsciiHexDigit(_input[_pos]) || _input[_pos] == '_'))
            {
                _pos++;
            }
        }
        else
        {
            while (_pos < _input.Length && (char.IsAsciiDigit(_input[_pos]) || _input[_pos] == '_'))
            {
                _pos++;
            }

            if (Peek() == '.')
            {
                _pos++;
                while (_pos < _input.Length && char.IsAsciiDigit(_input[_pos]))
                {
                    _pos++;
                }
            }

            if ((Peek() == 'e' || Peek() == 'E') && (char.IsAsciiDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && char.IsAsciiDigit(Peek(2)))))
            {
                _pos += 2;
                while (_pos < _input.Length && char.IsAsciiDigit(_input[_pos]))
                {
                    _pos++;
                }
            }
        }

        var number = _input[start.._pos];

        // A duration (5m, 1h30m, 1.5s) or a byte size (10KB, 1MiB) glued to the number, up to a space.
        var d = _pos;
        while (d < _input.Length && !char.IsWhiteSpace(_input[d]) && (char.IsDigit(_input[d]) || "nuµmshdwy.".Contains(_input[d], StringComparison.Ordinal)))
        {
            d++;
        }

        if (d > _pos)
        {
            var text = _input[start..d];
            var ns = GoText.ParsePromDuration(text, out _) ?? GoText.ParseGoDuration(text);
            if (ns is { } n)
            {
                _pos = d;
                _tokens.Add(new LToken(LTok.Duration, text, start, n));
                return;
            }
        }

        var b = _pos;
        while (b < _input.Length && !char.IsWhiteSpace(_input[b]) && (char.IsDigit(_input[b]) || "BikKMGTP.".Contains(_input[b], StringComparison.Ordinal)))
        {
            b++;
        }

        if (b > _pos && GoText.ParseBytes(_input[start..b]) is { } bytes)
        {
            _pos = b;
            _tokens.Add(new LToken(LTok.Bytes, _input[start..b], start, 0, bytes));
            return;
        }

        _tokens.Add(new LToken(LTok.Number, number, start));
    }

    private void LexString(char quote, int start)
    {
        _pos++;
        while (true)
        {
            if (_pos >= _input.Length)
            {
                throw new LogQlSyntaxException(start, "literal not terminated");
            }

            var ch = _input[_pos++];
            if (ch == quote)
            {
                break;
            }

            if (quote == '"')
            {
                if (ch == '\n')
                {
                    throw new LogQlSyntaxException(start, "literal not terminated");
                }

                if (ch == '\\')
                {
                    _pos++;
                }
            }
        }

        var token = _input[start.._pos];
        var value = GoText.Unquote(token, out var err) ?? throw new LogQlSyntaxException(start, err ?? "invalid string");
        _tokens.Add(new LToken(LTok.String, value, start));
    }

    private void LexRange(int start)
    {
        var close = _input.IndexOf(']', _pos + 1);
        if (close < 0)
        {
            throw new LogQlSyntaxException(start, "missing closing ']' in duration");
        }

        var body = _input[(_pos + 1)..close];
        _pos = close + 1;
        if (body.Length > 0 && GoText.VariableLength(body, 0) == body.Length)
        {
            _tokens.Add(new LToken(LTok.Range, body, start, 0, 0, body));
            return;
        }

        var ns = GoText.ParsePromDuration(body, out var err) ?? throw new LogQlSyntaxException(start, err ?? "invalid duration");
        _tokens.Add(new LToken(LTok.Range, body, start, ns));
    }
}

/// <summary>A LogQL syntax error at a position of the input.</summary>
internal sealed class LogQlSyntaxException(int pos, string message) : Exception(message)
{
    public int Pos { get; } = pos;
}
