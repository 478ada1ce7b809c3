// PromQlParser: a recursive-descent parser for the PromQL grammar of Prometheus v3.8 (generated_parser.y),
// with the same operator precedence and the same semantic checks (parse.go checkAST): function arity and
// argument types, aggregation parameters, binary-operator typing, offset/@ placement. Experimental features that
// cos-tool does not enable (duration arithmetic, limitk, experimental functions, anchored/smoothed) are rejected.
namespace MlObs.Cos.Rules;

internal sealed class PromQlParser
{
    private const int MaxDepth = 400;

    private static readonly HashSet<string> MetricIdentifierKeywords =
    [
        "avg", "bottomk", "by", "count", "count_values", "group", "and", "or", "unless", "max", "min", "offset", "quantile",
        "stddev", "stdvar", "sum", "topk", "without", "start", "end", "limitk", "limit_ratio", "step", "anchored", "smoothed",
    ];

    private static readonly HashSet<string> LabelKeywords =
    [
        "avg", "bool", "bottomk", "by", "count", "count_values", "group", "group_left", "group_right", "ignoring", "and", "or",
        "unless", "max", "min", "offset", "on", "quantile", "stddev", "stdvar", "sum", "topk", "start", "end", "atan2", "limitk",
        "limit_ratio", "step", "anchored", "smoothed",
    ];

    private readonly string _input;
    private readonly List<PToken> _tokens;
    private int _next;
    private int _depth;

    private PromQlParser(string input)
    {
        _input = input;
        _tokens = PromQlLexer.Lex(input);
    }

    /// <summary>Parses and checks an expression; throws <see cref="PromQlSyntaxException"/>.</summary>
    public static PExpr Parse(string input)
    {
        var p = new PromQlParser(input);
        if (p.Peek.Kind == PTok.Eof)
        {
            throw new PromQlSyntaxException(0, "no expression found in input");
        }

        var e = p.ParseExpr();
        if (p.Peek.Kind != PTok.Eof)
        {
            throw Unexpected(p.Peek, string.Empty, string.Empty);
        }

        return e;
    }

    private PToken Peek => _tokens[_next];

    private PToken PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private PToken Next() => _tokens[_next < _tokens.Count - 1 ? _next++ : _next];

    private static PromQlSyntaxException Fail(int pos, string message) => new(pos, message);

    private static PromQlSyntaxException Unexpected(PToken t, string context, string expected)
    {
        var msg = "unexpected " + t.Describe();
        if (context.Length > 0)
        {
            msg += " in " + context;
        }

        if (expected.Length > 0)
        {
            msg += ", expected " + expected;
        }

        return Fail(t.Pos, msg);
    }

    private PToken Expect(PTok kind, string context, string expected)
    {
        var t = Peek;
        if (t.Kind != kind)
        {
            throw Unexpected(t, context, expected);
        }

        return Next();
    }

    private string Original(PToken t) => _input.Substring(t.Pos, t.Text.Length);

    private static string Documented(PType t) => t switch
    {
        PType.Vector => "instant vector",
        PType.Matrix => "range vector",
        PType.Scalar => "scalar",
        PType.String => "string",
        PType.Any => "variable",
        _ => "none",
    };

    private static bool Fits(PType actual, PType wanted) => actual == wanted || actual == PType.Any;

    private static int Precedence(PToken t) => t.Kind switch
    {
        PTok.Keyword => t.Text switch
        {
            "or" => 1,
            "and" or "unless" => 2,
            "atan2" => 5,
            _ => -1,
        },
        PTok.Op => t.Text switch
        {
            "==" or "!=" or "<" or "<=" or ">" or ">=" => 3,
            "+" or "-" => 4,
            "*" or "/" or "%" => 5,
            "^" => 6,
            _ => -1,
        },
        _ => -1,
    };

    private PExpr ParseExpr() => ParseBinary(1);

    private PExpr ParseBinary(int minPrec)
    {
        if (++_depth > MaxDepth)
        {
            throw Fail(Peek.Pos, "expression nested too deeply");
        }

        var lhs = ParseUnary();
        while (true)
        {
            var opTok = Peek;
            var prec = Precedence(opTok);
            if (prec < 0 || prec < minPrec)
            {
                break;
            }

            Next();
            var (returnBool, matching) = ParseBinModifiers();
            var rhs = ParseBinary(opTok.Text == "^" ? prec : prec + 1);
            lhs = MakeBinary(opTok, lhs, rhs, returnBool, matching);
        }

        _depth--;
        return lhs;
    }

    private PExpr ParseUnary()
    {
        var t = Peek;
        if (t.Kind == PTok.Op && t.Text is "+" or "-")
        {
            Next();
            var operand = ParseBinary(6);
            if (operand is PNumber n)
            {
                if (t.Text == "-")
                {
                    n.Value = -n.Value;
                }

                return new PNumber(t.Pos, n.Value, n.IsDuration);
            }

            if (!Fits(operand.Type, PType.Scalar) && operand.Type != PType.Vector)
            {
                throw Fail(t.Pos, $"unary expression only allowed on expressions of type scalar or instant vector, got {GoText.Quote(Documented(operand.Type))}");
            }

            return new PUnary(t.Pos, t.Text[0], operand);
        }

        return ParsePostfix(ParsePrimary());
    }

    private (bool ReturnBool, PMatching Matching) ParseBinModifiers()
    {
        var matching = new PMatching { Card = PCard.OneToOne };
        var returnBool = false;
        if (Peek.Is(PTok.Keyword, "bool"))
        {
            Next();
            returnBool = true;
        }

        if (Peek.Is(PTok.Keyword, "on") || Peek.Is(PTok.Keyword, "ignoring"))
        {
            matching.On = Next().Text == "on";
            matching.Labels = ParseGroupingLabels();
            if (Peek.Is(PTok.Keyword, "group_left") || Peek.Is(PTok.Keyword, "group_right"))
            {
                matching.Card = Next().Text == "group_left" ? PCard.ManyToOne : PCard.OneToMany;
                if (Peek.Kind == PTok.LParen)
                {
                    matching.Include = ParseGroupingLabels();
                }
            }
        }

        return (returnBool, matching);
    }

    private static bool IsComparison(string op) => op is "==" or "!=" or "<" or "<=" or ">" or ">=";

    private static bool IsSetOp(string op) => op is "and" or "or" or "unless";

    private static PBinary MakeBinary(PToken opTok, PExpr lhs, PExpr rhs, bool returnBool, PMatching matching)
    {
        var op = opTok.Text;
        var lt = lhs.Type;
        var rt = rhs.Type;
        if (returnBool && !IsComparison(op))
        {
            throw Fail(opTok.Pos, "bool modifier can only be used on comparison operators");
        }

        if (IsComparison(op) && !returnBool && lt == PType.Scalar && rt == PType.Scalar)
        {
            throw Fail(opTok.Pos, "comparisons between scalars must use BOOL modifier");
        }

        if (IsSetOp(op) && matching.Card == PCard.OneToOne)
        {
            matching.Card = PCard.ManyToMany;
        }

        if (matching.On)
        {
            foreach (var l in matching.Labels.Where(l => matching.Include.Contains(l)))
            {
                throw Fail(opTok.Pos, $"label {GoText.Quote(l.Name)} must not occur in ON and GROUP clause at once");
            }
        }

        if (!(Fits(lt, PType.Scalar) || lt == PType.Vector))
        {
            throw Fail(lhs.Pos, "binary expression must contain only scalar and instant vector types");
        }

        if (!(Fits(rt, PType.Scalar) || rt == PType.Vector))
        {
            throw Fail(rhs.Pos, "binary expression must contain only scalar and instant vector types");
        }

        PMatching? vm = matching;
        var lv = lt is PType.Vector or PType.Any;
        var rv = rt is PType.Vector or PType.Any;
        if (!lv || !rv)
        {
            if (matching.Labels.Count > 0)
            {
                throw Fail(lhs.Pos, "vector matching only allowed between instant vectors");
            }

            vm = null;
        }
        else if (IsSetOp(op))
        {
            if (matching.Card is PCard.OneToMany or PCard.ManyToOne)
            {
                throw Fail(lhs.Pos, $"no grouping allowed for {GoText.Quote(op)} operation");
            }
        }

        if ((lt == PType.Scalar || rt == PType.Scalar) && IsSetOp(op))
        {
            throw Fail(lhs.Pos, $"set operator {GoText.Quote(op)} not allowed in binary scalar expression");
        }

        return new PBinary(lhs.Pos, op, lhs, rhs, returnBool, vm);
    }

    private PExpr ParsePostfix(PExpr e)
    {
        while (true)
        {
            var t = Peek;
            if (t.Kind == PTok.LBracket)
            {
                e = ParseRangeOrSubquery(e);
            }
            else if (t.Is(PTok.Keyword, "offset"))
            {
                Next();
                SetOffset(e, ParseOffsetDuration(), t.Pos);
            }
            else if (t.Is(PTok.Op, "@"))
            {
                Next();
                SetAt(e, ParseAt(), t.Pos);
            }
            else if (t.Is(PTok.Keyword, "anchored") || t.Is(PTok.Keyword, "smoothed"))
            {
                throw Fail(t.Pos, $"{t.Text} modifier is experimental and not enabled");
            }
            else
            {
                return e;
            }
        }
    }

    private PExpr ParseRangeOrSubquery(PExpr e)
    {
        var open = Expect(PTok.LBracket, "subquery or range selector", "\"[\"");
        var range = ParseDurationExpr(true, "subquery or range selector");
        if (Peek.Kind == PTok.RBracket)
        {
            Next();
            if (e is not PVectorSelector vs)
            {
                throw Fail(open.Pos, "ranges only allowed for vector selectors");
            }

            if (vs.Offset.IsSet)
            {
                throw Fail(open.Pos, "no offset modifiers allowed before range");
            }

            if (vs.At.Ms is not null || vs.At.Raw is not null)
            {
                throw Fail(open.Pos, "no @ modifiers allowed before range");
            }

            return new PMatrixSelector(vs.Pos, vs, range);
        }

        if (Peek.Kind != PTok.Colon)
        {
            throw Unexpected(Peek, "subquery or range", "\":\" or \"]\"");
        }

        Next();
        var step = default(PDuration);
        if (Peek.Kind != PTok.RBracket)
        {
            step = ParseDurationExpr(true, "subquery selector");
        }

        Expect(PTok.RBracket, "subquery selector", "\"]\"");
        if (e.Type is not (PType.Vector or PType.Any))
        {
            throw Fail(e.Pos, $"subquery is only allowed on instant vector, got {e.Type.ToString().ToLowerInvariant()} instead");
        }

        return new PSubquery(e.Pos, e, range, step);
    }

    /// <summary>A duration literal (number of seconds or a duration), or a Grafana variable.</summary>
    private PDuration ParseDurationExpr(bool positive, string context)
    {
        var t = Peek;
        if (t.Kind == PTok.Variable)
        {
            Next();
            return new PDuration(0, t.Text);
        }

        var sign = 1.0;
        if (t.Kind == PTok.Op && t.Text is "+" or "-")
        {
            Next();
            sign = t.Text == "-" ? -1 : 1;
        }

        var v = Peek;
        if (v.Kind is not (PTok.Number or PTok.Duration))
        {
            if (v.Kind == PTok.Keyword || v.Kind == PTok.LParen)
            {
                throw Fail(v.Pos, "experimental duration expression is not enabled");
            }

            throw Unexpected(v, context, "number, duration, or step()");
        }

        Next();
        var seconds = sign * Seconds(v);
        var n = Peek;
        if (context != "offset" && n.Kind == PTok.Op && n.Text is "+" or "-" or "*" or "/" or "%" or "^")
        {
            throw Fail(n.Pos, "experimental duration expression is not enabled");
        }

        if (seconds > long.MaxValue / 1e9 || seconds < long.MinValue / 1e9)
        {
            throw Fail(v.Pos, "duration out of range");
        }

        if (positive && seconds <= 0)
        {
            throw Fail(t.Pos, "duration must be greater than 0");
        }

        return new PDuration((long)Math.Round(seconds * 1e9));
    }

    private static double Seconds(PToken t)
    {
        if (t.Kind == PTok.Duration)
        {
            var ns = GoText.ParsePromDuration(t.Text, out var err) ?? throw Fail(t.Pos, err ?? "invalid duration");
            return ns / 1e9;
        }

        return GoText.ParseGoNumber(t.Text) ?? throw Fail(t.Pos, $"error parsing number: {GoText.Quote(t.Text)}");
    }

    private PDuration ParseOffsetDuration()
    {
        if (Peek.Kind is not (PTok.Variable or PTok.Number or PTok.Duration) && !(Peek.Kind == PTok.Op && Peek.Text is "+" or "-"))
        {
            if (Peek.Is(PTok.Keyword, "step") || Peek.Kind == PTok.LParen)
            {
                throw Fail(Peek.Pos, "experimental duration expression is not enabled");
            }

            throw Unexpected(Peek, "offset", "number, duration, or step()");
        }

        return ParseDurationExpr(false, "offset");
    }

    private PAt ParseAt()
    {
        var t = Peek;
        if (t.Kind == PTok.Variable)
        {
            Next();
            return new PAt(null, null, t.Text);
        }

        if (t.Is(PTok.Keyword, "start") || t.Is(PTok.Keyword, "end"))
        {
            Next();
            Expect(PTok.LParen, "@", "\"(\"");
            Expect(PTok.RParen, "@", "\")\"");
            return new PAt(null, t.Text, null);
        }

        var sign = 1.0;
        if (t.Kind == PTok.Op && t.Text is "+" or "-")
        {
            Next();
            sign = t.Text == "-" ? -1 : 1;
        }

        var v = Peek;
        if (v.Kind is not (PTok.Number or PTok.Duration))
        {
            throw Unexpected(v, "@", "timestamp");
        }

        Next();
        var ts = sign * Seconds(v);
        if (double.IsNaN(ts) || double.IsInfinity(ts) || ts >= long.MaxValue || ts <= long.MinValue)
        {
            throw Fail(v.Pos, $"timestamp out of bounds for @ modifier: {GoText.FormatFloatF(ts)}");
        }

        return new PAt((long)Math.Round(ts * 1000), null, null);
    }

    private static void SetOffset(PExpr e, PDuration offset, int pos)
    {
        switch (e)
        {
            case PVectorSelector vs:
                if (vs.Offset.IsSet)
                {
                    throw Fail(pos, "offset may not be set multiple times");
                }

                vs.Offset = offset;
                break;
            case PMatrixSelector ms:
                SetOffset(ms.Selector, offset, pos);
                break;
            case PSubquery sq:
                if (sq.Offset.IsSet)
                {
                    throw Fail(pos, "offset may not be set multiple times");
                }

                sq.Offset = offset;
                break;
            default:
                throw Fail(e.Pos, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
    }

    private static void SetAt(PExpr e, PAt at, int pos)
    {
        switch (e)
        {
            case PVectorSelector vs:
                vs.At = vs.At.IsSet ? throw Fail(pos, "@ <timestamp> may not be set multiple times") : at;
                break;
            case PMatrixSelector ms:
                SetAt(ms.Selector, at, pos);
                break;
            case PSubquery sq:
                sq.At = sq.At.IsSet ? throw Fail(pos, "@ <timestamp> may not be set multiple times") : at;
                break;
            default:
                throw Fail(e.Pos, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
    }

    private PExpr ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case PTok.Number:
                Next();
                return new PNumber(t.Pos, GoText.ParseGoNumber(t.Text) ?? throw Fail(t.Pos, $"error parsing number: {GoText.Quote(t.Text)}"), false);
            case PTok.Duration:
                Next();
                return new PNumber(t.Pos, Seconds(t), true);
            case PTok.String:
                Next();
                return new PString(t.Pos, GoText.Unquote(t.Text, out _)!);
            case PTok.LParen:
                {
                    Next();
                    if (Peek.Kind == PTok.RParen)
                    {
                        throw Unexpected(Peek, string.Empty, string.Empty);
                    }

                    var inner = ParseExpr();
                    Expect(PTok.RParen, "paren expression", "\")\"");
                    return new PParen(t.Pos, inner);
                }

            case PTok.LBrace:
                return ParseSelector(t.Pos, string.Empty);
            case PTok.Variable:
                Next();
                if (Peek.Kind == PTok.LParen)
                {
                    return new PCall(t.Pos, t.Text, null, ParseCallArgs());
                }

                return Peek.Kind == PTok.LBrace ? ParseSelector(t.Pos, t.Text) : new PVariable(t.Pos, t.Text);
            case PTok.Identifier when PeekAt(1).Kind == PTok.LParen:
                Next();
                return ParseCall(t);
            case PTok.Identifier or PTok.MetricIdentifier:
                Next();
                return ParseSelector(t.Pos, t.Text);
            case PTok.Keyword when PromQlLexer.Aggregators.Contains(t.Text)
                && (PeekAt(1).Kind == PTok.LParen || PeekAt(1).Is(PTok.Keyword, "by") || PeekAt(1).Is(PTok.Keyword, "without")):
                return ParseAggregate();
            case PTok.Keyword when MetricIdentifierKeywords.Contains(t.Text):
                Next();
                return ParseSelector(t.Pos, Original(t));
            case PTok.Eof:
                throw Unexpected(t, string.Empty, string.Empty);
            default:
                throw Unexpected(t, string.Empty, string.Empty);
        }
    }

    private PVectorSelector ParseSelector(int pos, string name)
    {
        var matchers = new List<PMatcher>();
        if (Peek.Kind == PTok.LBrace)
        {
            Next();
            while (Peek.Kind != PTok.RBrace)
            {
                matchers.Add(ParseMatcher());
                if (Peek.Kind == PTok.Comma)
                {
                    Next();
                    continue;
                }

                if (Peek.Kind != PTok.RBrace)
                {
                    throw Unexpected(Peek, "label matching", "\",\" or \"}\"");
                }
            }

            Next();
        }

        var vs = new PVectorSelector(pos, name, matchers);
        if (name.Length > 0)
        {
            foreach (var m in matchers.Where(m => m.Name == "__name__"))
            {
                throw Fail(pos, $"metric name must not be set twice: {GoText.Quote(name)} or {GoText.Quote(m.Value)}");
            }
        }
        else if (!matchers.Exists(m => m.ValueIsVariable || !RegexCheck.MatchesEmpty(m.Op, m.Value)))
        {
            throw Fail(pos, "vector selector must contain at least one non-empty matcher");
        }

        return vs;
    }

    private PMatcher ParseMatcher()
    {
        var t = Next();
        string name;
        switch (t.Kind)
        {
            case PTok.Identifier:
                name = t.Text;
                break;
            case PTok.String:
                name = GoText.Unquote(t.Text, out _)!;
                if (!IsMatchOp(Peek))
                {
                    return new PMatcher("__name__", "=", name);
                }

                break;
            default:
                throw Unexpected(t, "label matching", "identifier or \"}\"");
        }

        if (!IsMatchOp(Peek))
        {
            throw Unexpected(Peek, "label matching", t.Kind == PTok.Identifier ? "label matching operator" : "string");
        }

        var op = Next().Text;
        var v = Next();
        if (v.Kind == PTok.Variable)
        {
            return new PMatcher(name, op, v.Text, true);
        }

        if (v.Kind != PTok.String)
        {
            throw Unexpected(v, "label matching", "string");
        }

        var value = GoText.Unquote(v.Text, out _)!;
        if (op is "=~" or "!~" && RegexCheck.Compile(value, out var err) is null)
        {
            throw Fail(v.Pos, err!);
        }

        return new PMatcher(name, op, value);
    }

    private static bool IsMatchOp(PToken t) => t.Kind == PTok.Eql || (t.Kind == PTok.Op && t.Text is "!=" or "=~" or "!~");

    private List<PExpr> ParseCallArgs()
    {
        Expect(PTok.LParen, "function call", "\"(\"");
        var args = new List<PExpr>();
        if (Peek.Kind == PTok.RParen)
        {
            Next();
            return args;
        }

        while (true)
        {
            args.Add(ParseExpr());
            if (Peek.Kind == PTok.Comma)
            {
                var comma = Next();
                if (Peek.Kind == PTok.RParen)
                {
                    throw Fail(comma.Pos, "trailing commas not allowed in function call args");
                }

                continue;
            }

            if (Peek.Kind == PTok.RParen)
            {
                Next();
                return args;
            }

            throw Unexpected(Peek, "function call", "\",\" or \")\"");
        }
    }

    private PCall ParseCall(PToken nameTok)
    {
        if (!PromQlFunction.All.TryGetValue(nameTok.Text, out var fn))
        {
            throw Fail(nameTok.Pos, $"unknown function with name {GoText.Quote(nameTok.Text)}");
        }

        if (fn.Experimental)
        {
            throw Fail(nameTok.Pos, $"function {GoText.Quote(fn.Name)} is not enabled");
        }

        var args = ParseCallArgs();
        var nargs = fn.ArgTypes.Length;
        if (fn.Variadic == 0)
        {
            if (nargs != args.Count)
            {
                throw Fail(nameTok.Pos, $"expected {nargs} argument(s) in call to {GoText.Quote(fn.Name)}, got {args.Count}");
            }
        }
        else
        {
            var na = nargs - 1;
            if (na > args.Count)
            {
                throw Fail(nameTok.Pos, $"expected at least {na} argument(s) in call to {GoText.Quote(fn.Name)}, got {args.Count}");
            }

            if (fn.Variadic > 0 && na + fn.Variadic < args.Count)
            {
                throw Fail(nameTok.Pos, $"expected at most {na + fn.Variadic} argument(s) in call to {GoText.Quote(fn.Name)}, got {args.Count}");
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var want = fn.ArgTypes[Math.Min(i, nargs - 1)];
            if (!Fits(args[i].Type, want))
            {
                throw Fail(args[i].Pos, $"expected type {Documented(want)} in call to function {GoText.Quote(fn.Name)}, got {Documented(args[i].Type)}");
            }
        }

        return new PCall(nameTok.Pos, fn.Name, fn, args);
    }

    private PAggregate ParseAggregate()
    {
        var opTok = Next();
        var op = opTok.Text;
        List<PLabel>? grouping = null;
        var without = false;
        if (Peek.Is(PTok.Keyword, "by") || Peek.Is(PTok.Keyword, "without"))
        {
            without = Next().Text == "without";
            grouping = ParseGroupingLabels();
        }

        if (Peek.Kind != PTok.LParen)
        {
            throw Unexpected(Peek, "aggregation", string.Empty);
        }

        var args = ParseCallArgs();
        if (grouping is null && (Peek.Is(PTok.Keyword, "by") || Peek.Is(PTok.Keyword, "without")))
        {
            without = Next().Text == "without";
            grouping = ParseGroupingLabels();
        }

        if (args.Count == 0)
        {
            throw Fail(opTok.Pos, "no arguments for aggregate expression provided");
        }

        var withParam = op is "topk" or "bottomk" or "count_values" or "quantile" or "limitk" or "limit_ratio";
        if (op is "limitk" or "limit_ratio")
        {
            throw Fail(opTok.Pos, $"{op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions");
        }

        var desired = withParam ? 2 : 1;
        if (args.Count != desired)
        {
            throw Fail(opTok.Pos, $"wrong number of arguments for aggregate expression provided, expected {desired}, got {args.Count}");
        }

        var expr = args[desired - 1];
        var param = withParam ? args[0] : null;
        if (!Fits(expr.Type, PType.Vector))
        {
            throw Fail(expr.Pos, $"expected type instant vector in aggregation expression, got {Documented(expr.Type)}");
        }

        if (param is not null)
        {
            var want = op == "count_values" ? PType.String : PType.Scalar;
            if (!Fits(param.Type, want))
            {
                throw Fail(param.Pos, $"expected type {Documented(want)} in aggregation parameter, got {Documented(param.Type)}");
            }
        }

        return new PAggregate(opTok.Pos, op, grouping ?? [], without, param, expr);
    }

    private List<PLabel> ParseGroupingLabels()
    {
        Expect(PTok.LParen, "grouping opts", "\"(\"");
        var labels = new List<PLabel>();
        var needComma = false;
        while (Peek.Kind != PTok.RParen)
        {
            var t = Peek;
            if (needComma)
            {
                if (t.Kind == PTok.Comma)
                {
                    Next();
                    needComma = false;
                    continue;
                }

                // Grafana dashboards write `by (label $var)`; cos-tool normalizes that to `by (label, $var)`.
                if (!(t.Kind == PTok.Variable || labels[^1].IsVariable))
                {
                    throw Unexpected(t, "grouping opts", "\",\" or \")\"");
                }
            }

            Next();
            labels.Add(t.Kind switch
            {
                PTok.Identifier or PTok.MetricIdentifier when !t.HasVariable => new PLabel(t.Text, false),
                PTok.Keyword when LabelKeywords.Contains(t.Text) => new PLabel(Original(t), false),
                PTok.Variable => new PLabel(t.Text, true),
                PTok.String => LabelFromString(t),
                _ => throw Unexpected(t, "grouping opts", "label"),
            });
            needComma = true;
        }

        Next();
        return labels;
    }

    private static PLabel LabelFromString(PToken t)
    {
        var name = GoText.Unquote(t.Text, out _)!;
        if (name.Length == 0)
        {
            throw Fail(t.Pos, $"invalid label name for grouping: {GoText.Quote(name)}");
        }

        return new PLabel(name, false);
    }
}
