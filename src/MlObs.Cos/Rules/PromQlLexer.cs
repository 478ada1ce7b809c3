// PromQlLexer: tokens of a PromQL expression, following the states of Prometheus' lexer (statements,
// inside braces, inside a range bracket), plus Grafana template variables ($var, ${var}) as tokens of their own.
using System.Globalization;

namespace MlObs.Cos.Rules;

internal enum PTok
{
    Eof,
    Comma,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Eql,
    Op,
    Number,
    Duration,
    String,
    Identifier,
    MetricIdentifier,
    Keyword,
    Variable,
}

/// <summary>A token. <see cref="Text"/> is the source text; for keywords and operators it is lower-cased.</summary>
internal readonly record struct PToken(PTok Kind, string Text, int Pos, bool HasVariable = false)
{
    public bool Is(PTok kind, string text) => Kind == kind && Text == text;

    public string Describe() => Kind switch
    {
        PTok.Eof => "end of input",
        PTok.Identifier => $"identifier {GoText.Quote(Text)}",
        PTok.MetricIdentifier => $"metric identifier {GoText.Quote(Text)}",
        PTok.Number => $"number {GoText.Quote(Text)}",
        PTok.Duration => $"duration {GoText.Quote(Text)}",
        PTok.String => $"string {GoText.Quote(Text)}",
        PTok.Variable => $"variable {GoText.Quote(Text)}",
        PTok.Keyword when PromQlLexer.Aggregators.Contains(Text) => $"<aggr:{Text}>",
        PTok.Keyword when Text is "and" or "or" or "unless" or "atan2" => $"<op:{Text}>",
        PTok.Keyword => $"<{Text}>",
        PTok.Op => $"<op:{Text}>",
        _ => GoText.Quote(Text),
    };
}

internal sealed class PromQlLexer
{
    public static readonly HashSet<string> Aggregators =
    [
        "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio",
    ];

    private static readonly HashSet<string> Keywords =
    [
        "and", "or", "unless", "atan2", "offset", "smoothed", "anchored", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "start", "end", "step",
    ];

    private readonly string _input;
    private readonly List<PToken> _tokens = [];
    private int _pos;
    private int _parenDepth;

    private PromQlLexer(string input) => _input = input;

    /// <summary>Tokenizes; throws <see cref="PromQlSyntaxException"/> with a position on a lexical error.</summary>
    public static List<PToken> Lex(string input)
    {
        var l = new PromQlLexer(input);
        l.Run();
        return l._tokens;
    }

    private char Peek(int ahead = 0) => _pos + ahead < _input.Length ? _input[_pos + ahead] : '\0';

    private bool AtEnd => _pos >= _input.Length;

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private static bool IsAlpha(char c) => c == '_' || char.IsAsciiLetter(c);

    private static bool IsAlnum(char c) => IsAlpha(c) || char.IsAsciiDigit(c);

    private static PromQlSyntaxException Error(int pos, string message) => new(pos, message);

    private void Emit(PTok kind, string text, int pos, bool hasVar = false) => _tokens.Add(new PToken(kind, text, pos, hasVar));

    private void Run()
    {
        var braceOpen = false;
        var bracketOpen = false;
        while (true)
        {
            if (!AtEnd && _input[_pos] == '#' && !bracketOpen)
            {
                while (!AtEnd && _input[_pos] != '\n' && _input[_pos] != '\r')
                {
                    _pos++;
                }

                continue;
            }

            if (AtEnd)
            {
                if (braceOpen)
                {
                    throw Error(_pos, "unexpected end of input inside braces");
                }

                if (bracketOpen)
                {
                    throw Error(_pos, "unclosed left bracket");
                }

                if (_parenDepth != 0)
                {
                    throw Error(_pos, "unclosed left parenthesis");
                }

                Emit(PTok.Eof, string.Empty, _pos);
                return;
            }

            var c = _input[_pos];
            var start = _pos;
            if (IsSpace(c))
            {
                _pos++;
                continue;
            }

            if (braceOpen)
            {
                braceOpen = LexInsideBraces(c, start);
                continue;
            }

            if (bracketOpen)
            {
                bracketOpen = LexInsideBracket(c, start);
                continue;
            }

            switch (c)
            {
                case ',': _pos++; Emit(PTok.Comma, ",", start); break;
                case '*' or '/' or '%' or '+' or '-' or '^' or '@':
                    _pos++;
                    Emit(PTok.Op, c.ToString(), start);
                    break;
                case '=':
                    _pos++;
                    if (Peek() == '=')
                    {
                        _pos++;
                        Emit(PTok.Op, "==", start);
                    }
                    else if (Peek() == '~')
                    {
                        throw Error(start, "unexpected character after '=': '~'");
                    }
                    else
                    {
                        Emit(PTok.Eql, "=", start);
                    }

                    break;
                case '!':
                    _pos++;
                    if (Peek() != '=')
                    {
                        throw Error(start, $"unexpected character after '!': {QuoteRune(Peek())}");
                    }

                    _pos++;
                    Emit(PTok.Op, "!=", start);
                    break;
                case '<' or '>':
                    _pos++;
                    if (Peek() == '=')
                    {
                        _pos++;
                        Emit(PTok.Op, c + "=", start);
                    }
                    else
                    {
                        Emit(PTok.Op, c.ToString(), start);
                    }

                    break;
                case '"' or '\'' or '`':
                    LexString(c, start);
                    break;
                case '(':
                    _pos++;
                    _parenDepth++;
                    Emit(PTok.LParen, "(", start);
                    break;
                case ')':
                    _pos++;
                    _parenDepth--;
                    if (_parenDepth < 0)
                    {
                        throw Error(start, "unexpected right parenthesis ')'");
                    }

                    Emit(PTok.RParen, ")", start);
                    break;
                case '{':
                    _pos++;
                    braceOpen = true;
                    Emit(PTok.LBrace, "{", start);
                    break;
                case '[':
                    _pos++;
                    bracketOpen = true;
                    Emit(PTok.LBracket, "[", start);
                    break;
                case ']':
                    throw Error(start, "unexpected right bracket ']'");
                case '}':
                    throw Error(start, "unexpected character: '}'");
                default:
                    if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
                    {
                        LexNumberOrDuration(start);
                    }
                    else if (IsAlpha(c) || c == ':' || (c == '$' && GoText.VariableLength(_input, _pos) > 0))
                    {
                        LexWord(start);
                    }
                    else
                    {
                        throw Error(start, $"unexpected character: {QuoteRune(c)}");
                    }

                    break;
            }
        }
    }

    private static string QuoteRune(char c) => c == '\0' ? "end of input" : "'" + c + "'";

    private bool LexInsideBraces(char c, int start)
    {
        switch (c)
        {
            case ',': _pos++; Emit(PTok.Comma, ",", start); return true;
            case '"' or '\'' or '`': LexString(c, start); return true;
            case '=':
                _pos++;
                if (Peek() == '~')
                {
                    _pos++;
                    Emit(PTok.Op, "=~", start);
                }
                else
                {
                    Emit(PTok.Eql, "=", start);
                }

                return true;
            case '!':
                _pos++;
                var n = Peek();
                if (n is '~' or '=')
                {
                    _pos++;
                    Emit(PTok.Op, "!" + n, start);
                    return true;
                }

                throw Error(start, $"unexpected character after '!' inside braces: {QuoteRune(n)}");
            case '{':
                throw Error(start, "unexpected left brace '{'");
            case '}':
                _pos++;
                Emit(PTok.RBrace, "}", start);
                return false;
        }

        if (IsAlpha(c))
        {
            while (!AtEnd && IsAlnum(_input[_pos]))
            {
                _pos++;
            }

            Emit(PTok.Identifier, _input[start.._pos], start);
            return true;
        }

        var v = GoText.VariableLength(_input, _pos);
        if (v > 0)
        {
            _pos += v;
            Emit(PTok.Variable, _input[start.._pos], start, true);
            return true;
        }

        throw Error(start, $"unexpected character inside braces: {QuoteRune(c)}");
    }

    private bool LexInsideBracket(char c, int start)
    {
        switch (c)
        {
            case ']': _pos++; Emit(PTok.RBracket, "]", start); return false;
            case ':': _pos++; Emit(PTok.Colon, ":", start); return true;
            case ',': _pos++; Emit(PTok.Comma, ",", start); return true;
            case '(': _pos++; _parenDepth++; Emit(PTok.LParen, "(", start); return true;
            case ')':
                _pos++;
                _parenDepth--;
                if (_parenDepth < 0)
                {
                    throw Error(start, "unexpected right parenthesis ')'");
                }

                Emit(PTok.RParen, ")", start);
                return true;
            case '+' or '-' or '*' or '/' or '%' or '^':
                _pos++;
                Emit(PTok.Op, c.ToString(), start);
                return true;
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            LexNumberOrDuration(start);
            return true;
        }

        var v = GoText.VariableLength(_input, _pos);
        if (v > 0)
        {
            _pos += v;
            Emit(PTok.Variable, _input[start.._pos], start, true);
            return true;
        }

        if (IsAlpha(c))
        {
            while (!AtEnd && IsAlpha(_input[_pos]))
            {
                _pos++;
            }

            var word = _input[start.._pos].ToLowerInvariant();
            if (word is "step" or "min" or "max")
            {
                Emit(PTok.Keyword, word, start);
                return true;
            }
        }

        throw Error(start, $"unexpected character in duration expression: {QuoteRune(c)}");
    }

    private void LexString(char quote, int start)
    {
        _pos++;
        while (true)
        {
            if (AtEnd)
            {
                throw Error(start, quote == '`' ? "unterminated raw string" : "unterminated quoted string");
            }

            var ch = _input[_pos++];
            if (ch == quote)
            {
                break;
            }

            if (quote != '`')
            {
                if (ch == '\n')
                {
                    throw Error(start, "unterminated quoted string");
                }

                if (ch == '\\')
                {
                    _pos++;
                }
            }
        }

        var text = _input[start.._pos];
        if (GoText.Unquote(text, out var err) is null)
        {
            throw Error(start, err ?? "invalid string");
        }

        Emit(PTok.String, text, start);
    }

    private void LexWord(int start)
    {
        var hasVar = false;
        while (!AtEnd)
        {
            var ch = _input[_pos];
            if (IsAlnum(ch) || ch == ':')
            {
                _pos++;
                continue;
            }

            var v = GoText.VariableLength(_input, _pos);
            if (v == 0)
            {
                break;
            }

            hasVar = true;
            _pos += v;
        }

        var word = _input[start.._pos];
        if (hasVar)
        {
            var pure = GoText.VariableLength(word, 0) == word.Length;
            Emit(pure ? PTok.Variable : PTok.Identifier, word, start, true);
            return;
        }

        var lower = word.ToLowerInvariant();
        if (lower is "inf" or "nan")
        {
            Emit(PTok.Number, word, start);
        }
        else if (Keywords.Contains(lower) || Aggregators.Contains(lower))
        {
            Emit(PTok.Keyword, lower, start);
        }
        else
        {
            Emit(word.Contains(':', StringComparison.Ordinal) ? PTok.MetricIdentifier : PTok.Identifier, word, start);
        }
    }

    private void LexNumberOrDuration(int start)
    {
        if (ScanNumber())
        {
            Emit(PTok.Number, _input[start.._pos], start);
            return;
        }

        if (AcceptRemainingDuration())
        {
            Emit(PTok.Duration, _input[start.._pos], start);
            return;
        }

        throw Error(start, $"bad number or duration syntax: {GoText.Quote(_input[start..Math.Min(_pos + 1, _input.Length)])}");
    }

    private bool Accept(string valid)
    {
        if (!AtEnd && valid.Contains(_input[_pos], StringComparison.Ordinal))
        {
            _pos++;
            return true;
        }

        return false;
    }

    private bool ScanNumber()
    {
        var initial = _pos;
        var digits = "0123456789";
        if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X'))
        {
            _pos += 2;
            Accept("_");
            digits = "0123456789abcdefABCDEF";
        }

        Accept(".");
        Accept(digits);
        var dot = false;
        var exp = false;
        while (!AtEnd && (digits + "._eE").Contains(_input[_pos], StringComparison.Ordinal))
        {
            var ch = _input[_pos];
            if (ch == '.')
            {
                _pos++;
                if (dot || digits.Length > 10 || Accept("_."))
                {
                    return false;
                }

                dot = true;
                continue;
            }

            if ((ch == 'e' || ch == 'E') && digits.Length == 10)
            {
                _pos++;
                if (exp)
                {
                    return false;
                }

                exp = true;
                Accept("+-");
                if (AtEnd || Accept("._eE"))
                {
                    return false;
                }

                continue;
            }

            if (ch == '_')
            {
                _pos++;
                if (AtEnd || Accept("._eE"))
                {
                    return false;
                }

                continue;
            }

            while (!AtEnd && digits.Contains(_input[_pos], StringComparison.Ordinal))
            {
                _pos++;
            }
        }

        return _pos != initial && !IsAlnum(Peek());
    }

    private bool AcceptRemainingDuration()
    {
        if (!Accept("smhdwy"))
        {
            return false;
        }

        Accept("s");
        while (Accept("0123456789"))
        {
            while (Accept("0123456789"))
            {
            }

            if (!Accept("smhdw"))
            {
                return false;
            }

            Accept("s");
        }

        return !IsAlnum(Peek());
    }

}

/// <summary>A PromQL syntax or type error at a position of the input.</summary>
internal sealed class PromQlSyntaxException(int pos, string message) : Exception(message)
{
    public int Pos { get; } = pos;
}
