// LogQlParser: a recursive-descent parser for LogQL as Loki's expr.y defines it (the copy in cos-tool@9f92efcc),
// with Loki's checks: range-aggregation parameters and unwrap rules, topk/bottomk integer parameters, binary
// operations on metric expressions only (two literals fold), and the "at least one non-empty matcher" rule.
// Extras from newer Loki: `| drop`, `| keep`, `| decolorize`. Grafana variables are accepted where dashboards use them.
using System.Globalization;

namespace MlObs.Cos.Rules;

internal sealed class LogQlParser
{
    private const int MaxInputSize = 5120;
    private const int MaxDepth = 400;

    private const string AtLeastOneMatcher =
        "queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

    private static readonly HashSet<string> Reserved =
    [
        "by", "without", "bool", "label_replace", "offset", "on", "ignoring", "group_left", "group_right", "or", "and", "unless",
        "json", "regexp", "logfmt", "unpack", "pattern", "label_format", "line_format", "ip", "unwrap",
    ];

    private static readonly HashSet<string> RangeOps =
    [
        "count_over_time", "rate", "bytes_over_time", "bytes_rate", "avg_over_time", "sum_over_time", "min_over_time", "max_over_time",
        "stdvar_over_time", "stddev_over_time", "quantile_over_time", "first_over_time", "last_over_time", "absent_over_time",
    ];

    private static readonly HashSet<string> VectorOps = ["sum", "avg", "max", "min", "count", "stddev", "stdvar", "bottomk", "topk", "sort", "sort_desc"];

    private readonly List<LToken> _tokens;
    private int _next;
    private int _depth;

    private LogQlParser(string input) => _tokens = LogQlLexer.Lex(input);

    public static LExpr Parse(string input)
    {
        if (input.Length >= MaxInputSize)
        {
            throw new LogQlSyntaxException(-1, $"input size too long ({input.Length} > {MaxInputSize})");
        }

        var p = new LogQlParser(input);
        var e = p.ParseExpr();
        if (p.Peek.Kind != LTok.Eof)
        {
            throw Unexpected(p.Peek);
        }

        Validate(e);
        return e;
    }

    private LToken Peek => _tokens[_next];

    private LToken PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private LToken Next() => _tokens[_next < _tokens.Count - 1 ? _next++ : _next];

    private static LogQlSyntaxException Unexpected(LToken t) => new(t.Pos, "syntax error: unexpected " + t.Describe());

    private static LogQlSyntaxException Semantic(string message) => new(-1, message);

    private LToken Expect(string punct)
    {
        if (!Peek.Is(punct))
        {
            throw Unexpected(Peek);
        }

        return Next();
    }

    private LToken ExpectKind(LTok kind)
    {
        if (Peek.Kind != kind)
        {
            throw Unexpected(Peek);
        }

        return Next();
    }

    private static bool IsName(LToken t) => t.Kind == LTok.Identifier && !Reserved.Contains(t.Text);

    private bool IsFunctionAt(int ahead) =>
        PeekAt(ahead + 1).Is("(") || ((PeekAt(ahead + 1).Is("by") || PeekAt(ahead + 1).Is("without")) && PeekAt(ahead + 2).Is("("));

    private static int Precedence(LToken t) => t.Text switch
    {
        "or" when t.Kind == LTok.Identifier => 1,
        "and" or "unless" when t.Kind == LTok.Identifier => 2,
        "==" or "!=" or ">" or ">=" or "<" or "<=" when t.Kind == LTok.Punct => 3,
        "+" or "-" when t.Kind == LTok.Punct => 4,
        "*" or "/" or "%" when t.Kind == LTok.Punct => 5,
        "^" when t.Kind == LTok.Punct => 6,
        _ => -1,
    };

    private LExpr ParseExpr() => ParseBinary(1);

    private LExpr ParseBinary(int minPrec)
    {
        if (++_depth > MaxDepth)
        {
            throw new LogQlSyntaxException(Peek.Pos, "expression nested too deeply");
        }

        var lhs = ParseOperand();
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
            lhs = MakeBinOp(opTok.Text, lhs, rhs, returnBool, matching);
        }

        _depth--;
        return lhs;
    }

    private (bool ReturnBool, PMatching Matching) ParseBinModifiers()
    {
        var m = new PMatching { Card = PCard.OneToOne };
        var returnBool = false;
        if (Peek.Is("bool"))
        {
            Next();
            returnBool = true;
        }

        if (Peek.Is("on") || Peek.Is("ignoring"))
        {
            m.On = Next().Text == "on";
            m.Labels = ParseLabelList();
            if (Peek.Is("group_left") || Peek.Is("group_right"))
            {
                m.Card = Next().Text == "group_left" ? PCard.ManyToOne : PCard.OneToMany;
                if (Peek.Is("("))
                {
                    m.Include = ParseLabelList();
                }
            }
        }

        return (returnBool, m);
    }

    private static LExpr MakeBinOp(string op, LExpr lhs, LExpr rhs, bool returnBool, PMatching matching)
    {
        if (!lhs.IsSample)
        {
            throw Semantic($"unexpected type for left leg of binary operation ({op}): log selector");
        }

        if (!rhs.IsSample)
        {
            throw Semantic($"unexpected type for right leg of binary operation ({op}): log selector");
        }

        if (op is "or" or "and" or "unless")
        {
            if (lhs is LLiteral l)
            {
                throw Semantic($"unexpected literal for left leg of logical/set binary operation ({op}): {l.Value.ToString("F6", CultureInfo.InvariantCulture)}");
            }

            if (rhs is LLiteral r)
            {
                throw Semantic($"unexpected literal for right leg of logical/set binary operation ({op}): {r.Value.ToString("F6", CultureInfo.InvariantCulture)}");
            }
        }

        if (lhs is LLiteral ll && rhs is LLiteral rl)
        {
            return new LLiteral(LBinOp.Fold(op, ll.Value, rl.Value));
        }

        return new LBinOp(op, lhs, rhs, returnBool, matching);
    }

    private LExpr ParseOperand()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case LTok.Number:
                Next();
                return new LLiteral(ParseFloat(t));
            case LTok.Punct when t.Text is "+" or "-" && PeekAt(1).Kind == LTok.Number:
                Next();
                var v = ParseFloat(Next());
                return new LLiteral(t.Text == "-" ? -v : v);
            case LTok.Variable:
                Next();
                return new LVariable(t.Text);
            case LTok.Punct when t.Text == "(":
                {
                    Next();
                    var inner = ParseExpr();
                    Expect(")");
                    return inner;
                }

            case LTok.Punct when t.Text == "{":
                return ParseLogExpr();
            case LTok.Identifier when RangeOps.Contains(t.Text) && IsFunctionAt(0):
                return ParseRangeAggregation();
            case LTok.Identifier when VectorOps.Contains(t.Text) && IsFunctionAt(0):
                return ParseVectorAggregation();
            case LTok.Identifier when t.Text == "label_replace" && PeekAt(1).Is("("):
                return ParseLabelReplace();
            default:
                throw Unexpected(t);
        }
    }

    private static double ParseFloat(LToken t) =>
        GoText.ParseGoNumber(t.Text) ?? throw Semantic($"unable to parse literal as a float: {t.Text}");

    private LSelector ParseSelector()
    {
        Expect("{");
        var matchers = new List<PMatcher>();
        while (true)
        {
            matchers.Add(ParseMatcher());
            if (Peek.Is(","))
            {
                Next();
                continue;
            }

            Expect("}");
            return new LSelector(matchers);
        }
    }

    private PMatcher ParseMatcher()
    {
        var name = Peek;
        if (!IsName(name))
        {
            throw Unexpected(name);
        }

        Next();
        var op = Peek;
        if (op.Kind != LTok.Punct || op.Text is not ("=" or "!=" or "=~" or "!~"))
        {
            throw Unexpected(op);
        }

        Next();
        var value = Next();
        if (value.Kind == LTok.Variable)
        {
            return new PMatcher(name.Text, op.Text, value.Text, true);
        }

        if (value.Kind != LTok.String)
        {
            throw Unexpected(value);
        }

        if (op.Text is "=~" or "!~" && RegexCheck.Compile(value.Text, out var err) is null)
        {
            throw Semantic(err!);
        }

        return new PMatcher(name.Text, op.Text, value.Text);
    }

    private LLogExpr ParseLogExpr() => new(ParseSelector(), ParsePipeline());

    private static bool IsLineFilterOp(LToken t) => t.Kind == LTok.Punct && t.Text is "|=" or "|~" or "!=" or "!~";

    private List<LStage> ParsePipeline()
    {
        var stages = new List<LStage>();
        while (true)
        {
            var t = Peek;
            if (IsLineFilterOp(t))
            {
                stages.Add(ParseLineFilter());
            }
            else if (t.Is("|") && t.Kind == LTok.Punct && !PeekAt(1).Is("unwrap"))
            {
                Next();
                stages.Add(ParseStage());
            }
            else
            {
                return stages;
            }
        }
    }

    private LLineFilter ParseLineFilter()
    {
        var op = Next().Text;
        LLineFilter f;
        if (Peek.Is("ip") && PeekAt(1).Is("("))
        {
            Next();
            Next();
            f = new LLineFilter(op, ExpectKind(LTok.String).Text, true);
            Expect(")");
        }
        else
        {
            f = new LLineFilter(op, ExpectKind(LTok.String).Text, false);
        }

        while (Peek.Is("or") && Peek.Kind == LTok.Identifier && PeekAt(1).Kind == LTok.String)
        {
            Next();
            f.OrMatches.Add(Next().Text);
        }

        return f;
    }

    private LStage ParseStage()
    {
        var t = Peek;
        if (t.Kind == LTok.Identifier)
        {
            switch (t.Text)
            {
                case "json":
                    Next();
                    if (!IsName(Peek))
                    {
                        return new LSimpleStage("json", null);
                    }

                    var exprs = new List<(string, string)>();
                    do
                    {
                        var id = Peek;
                        if (!IsName(id))
                        {
                            throw Unexpected(id);
                        }

                        Next();
                        if (Peek.Is("=") && Peek.Kind == LTok.Punct)
                        {
                            Next();
                            exprs.Add((id.Text, ExpectKind(LTok.String).Text));
                        }
                        else
                        {
                            exprs.Add((id.Text, id.Text));
                        }
                    }
                    while (Peek.Is(",") && Next().Kind == LTok.Punct);

                    return new LJsonStage(exprs);
                case "logfmt" or "unpack":
                    Next();
                    return new LSimpleStage(t.Text, null);
                case "decolorize" when !IsComparisonOrMatch(PeekAt(1)):
                    Next();
                    return new LSimpleStage(t.Text, null);
                case "regexp" or "pattern" or "line_format":
                    Next();
                    var param = ExpectKind(LTok.String).Text;
                    if (t.Text == "regexp" && RegexCheck.Compile(param, out var err) is null)
                    {
                        throw Semantic("invalid regexp parser: " + err);
                    }

                    return new LSimpleStage(t.Text, param);
                case "label_format":
                    {
                        Next();
                        var formats = new List<(string, string, bool)>();
                        do
                        {
                            var id = Peek;
                            if (!IsName(id))
                            {
                                throw Unexpected(id);
                            }

                            Next();
                            Expect("=");
                            var v = Next();
                            if (v.Kind == LTok.String)
                            {
                                formats.Add((id.Text, v.Text, false));
                            }
                            else if (IsName(v))
                            {
                                formats.Add((id.Text, v.Text, true));
                            }
                            else
                            {
                                throw Unexpected(v);
                            }
                        }
                        while (Peek.Is(",") && Next().Kind == LTok.Punct);

                        return new LLabelFormatStage(formats);
                    }

                case "drop" or "keep" when !IsComparisonOrMatch(PeekAt(1)):
                    {
                        Next();
                        var items = new List<object>();
                        do
                        {
                            var id = Peek;
                            if (!IsName(id))
                            {
                                throw Unexpected(id);
                            }

                            items.Add(IsComparisonOrMatch(PeekAt(1)) ? ParseMatcher() : Next().Text);
                        }
                        while (Peek.Is(",") && Next().Kind == LTok.Punct);

                        return new LDropKeepStage(t.Text, items);
                    }
            }
        }

        return new LLabelFilterStage(ParseLabelFilter(1));
    }

    private static bool IsComparisonOrMatch(LToken t) =>
        t.Kind == LTok.Punct && t.Text is "=" or "!=" or "=~" or "!~" or "==" or ">" or ">=" or "<" or "<=";

    private bool StartsLabelFilter() => (IsName(Peek) && IsComparisonOrMatch(PeekAt(1))) || (Peek.Is("(") && Peek.Kind == LTok.Punct);

    /// <summary>Label filters: <c>and</c> binds tighter than <c>or</c>; a comma or juxtaposition joins with everything after it.</summary>
    private LFilter ParseLabelFilter(int minPrec)
    {
        if (++_depth > MaxDepth)
        {
            throw new LogQlSyntaxException(Peek.Pos, "expression nested too deeply");
        }

        var left = ParseLabelFilterPrimary();
        while (true)
        {
            if (Peek.Is(",") && Peek.Kind == LTok.Punct)
            {
                Next();
                left = new LBinaryFilter(left, ParseLabelFilter(1), true);
            }
            else if (StartsLabelFilter())
            {
                left = new LBinaryFilter(left, ParseLabelFilter(1), true);
            }
            else if (Peek.Is("and") && Peek.Kind == LTok.Identifier && minPrec <= 2)
            {
                Next();
                left = new LBinaryFilter(left, ParseLabelFilter(3), true);
            }
            else if (Peek.Is("or") && Peek.Kind == LTok.Identifier && minPrec <= 1 && !(PeekAt(1).Kind == LTok.String))
            {
                Next();
                left = new LBinaryFilter(left, ParseLabelFilter(2), false);
            }
            else
            {
                _depth--;
                return left;
            }
        }
    }

    private LFilter ParseLabelFilterPrimary()
    {
        if (Peek.Is("(") && Peek.Kind == LTok.Punct)
        {
            Next();
            var inner = ParseLabelFilter(1);
            Expect(")");
            return inner;
        }

        var name = Peek;
        if (!IsName(name))
        {
            throw Unexpected(name);
        }

        Next();
        var op = Peek;
        if (!IsComparisonOrMatch(op))
        {
            throw Unexpected(op);
        }

        Next();
        var v = Peek;
        if (op.Text is "=" or "!=" && v.Is("ip") && PeekAt(1).Is("("))
        {
            Next();
            Next();
            var pattern = ExpectKind(LTok.String).Text;
            Expect(")");
            return new LCompareFilter(name.Text + op.Text + "ip(" + GoText.Quote(pattern) + ")");
        }

        if (v.Kind == LTok.String && op.Text is "=" or "!=" or "=~" or "!~")
        {
            _next--;
            _next--;
            return new LCompareFilter(ParseMatcher().ToString());
        }

        if (op.Text is "=~" or "!~")
        {
            throw Unexpected(v);
        }

        Next();
        var type = op.Text is "=" or "==" ? "==" : op.Text;
        var text = v.Kind switch
        {
            LTok.Duration => GoText.FormatGoDuration(v.Ns),
            LTok.Bytes => GoText.FormatBytes(v.ByteCount),
            LTok.Number => GoText.FormatFloatF(GoText.ParseGoNumber(v.Text) ?? throw Semantic($"unable to parse float: {v.Text}")),
            LTok.Variable => v.Text,
            _ => throw Unexpected(v),
        };
        return new LCompareFilter(name.Text + type + text);
    }

    private LUnwrap? TryParseUnwrap()
    {
        if (!(Peek.Is("|") && Peek.Kind == LTok.Punct && PeekAt(1).Is("unwrap")))
        {
            return null;
        }

        Next();
        Next();
        string? conversion = null;
        if (Peek.Text is "bytes" or "duration" or "duration_seconds" && Peek.Kind == LTok.Identifier && PeekAt(1).Is("("))
        {
            conversion = Next().Text;
            Next();
        }

        var id = Peek;
        if (!IsName(id))
        {
            throw Unexpected(id);
        }

        Next();
        if (conversion is not null)
        {
            Expect(")");
        }

        var post = new List<LFilter>();
        while (Peek.Is("|") && Peek.Kind == LTok.Punct && (IsName(PeekAt(1)) || PeekAt(1).Is("(")) && !PeekAt(1).Is("unwrap"))
        {
            Next();
            post.Add(ParseLabelFilter(1));
        }

        return new LUnwrap(id.Text, conversion, post);
    }

    private LRange ParseLogRange()
    {
        if (Peek.Is("(") && Peek.Kind == LTok.Punct)
        {
            Next();
            if (Peek.Is("(") && Peek.Kind == LTok.Punct)
            {
                var nested = ParseLogRange();
                Expect(")");
                return nested;
            }

            var r = ParseLogRangeBody(true);
            Expect(")");
            return r.Range is not null ? r.Range : FinishRange(r.Left, r.Unwrap);
        }

        var body = ParseLogRangeBody(false);
        return body.Range!;
    }

    private (LLogExpr Left, LUnwrap? Unwrap, LRange? Range) ParseLogRangeBody(bool inParens)
    {
        var selector = ParseSelector();
        var stages = ParsePipeline();
        var unwrap = TryParseUnwrap();
        if (Peek.Kind != LTok.Range)
        {
            if (inParens)
            {
                return (new LLogExpr(selector, stages), unwrap, null);
            }

            throw Unexpected(Peek);
        }

        var range = Next();
        var (offsetNs, rawOffset) = TryParseOffset();
        if (stages.Count == 0 && unwrap is null)
        {
            stages = ParsePipeline();
            unwrap = TryParseUnwrap();
        }

        return (new LLogExpr(selector, stages), unwrap, new LRange(new LLogExpr(selector, stages), unwrap, range.Ns, range.RawRange, offsetNs, rawOffset));
    }

    private LRange FinishRange(LLogExpr left, LUnwrap? unwrap)
    {
        var range = ExpectKind(LTok.Range);
        var (offsetNs, rawOffset) = TryParseOffset();
        return new LRange(left, unwrap, range.Ns, range.RawRange, offsetNs, rawOffset);
    }

    private (long Ns, string? Raw) TryParseOffset()
    {
        if (!Peek.Is("offset") || Peek.Kind != LTok.Identifier)
        {
            return (0, null);
        }

        Next();
        var d = Next();
        return d.Kind switch
        {
            LTok.Duration => (d.Ns, null),
            LTok.Variable => (0, d.Text),
            _ => throw Unexpected(d),
        };
    }

    private LGrouping? TryParseGrouping()
    {
        if (!(Peek.Is("by") || Peek.Is("without")) || Peek.Kind != LTok.Identifier)
        {
            return null;
        }

        var without = Next().Text == "without";
        return new LGrouping(ParseLabelList(), without);
    }

    private List<PLabel> ParseLabelList()
    {
        Expect("(");
        var labels = new List<PLabel>();
        var needComma = false;
        while (!(Peek.Is(")") && Peek.Kind == LTok.Punct))
        {
            var t = Peek;
            if (needComma)
            {
                if (t.Is(",") && t.Kind == LTok.Punct)
                {
                    Next();
                    needComma = false;
                    continue;
                }

                // Grafana dashboards write `by (job $var)`; cos-tool normalizes that to `by(job,$var)`.
                if (!(t.Kind == LTok.Variable || labels[^1].IsVariable))
                {
                    throw Unexpected(t);
                }
            }

            if (t.Kind == LTok.Variable)
            {
                labels.Add(new PLabel(t.Text, true));
            }
            else if (IsName(t))
            {
                labels.Add(new PLabel(t.Text, false));
            }
            else
            {
                throw Unexpected(t);
            }

            Next();
            needComma = true;
        }

        Next();
        return labels;
    }

    private (string? Text, double? Value) TryParseParam()
    {
        var t = Peek;
        if (t.Kind is LTok.Number or LTok.Variable && PeekAt(1).Is(",") && PeekAt(1).Kind == LTok.Punct)
        {
            Next();
            Next();
            return t.Kind == LTok.Variable ? (t.Text, null) : (t.Text, GoText.ParseGoNumber(t.Text));
        }

        return (null, null);
    }

    private LRangeAggregation ParseRangeAggregation()
    {
        var op = Next().Text;
        Expect("(");
        var (paramText, paramValue) = TryParseParam();
        var range = ParseLogRange();
        Expect(")");
        var grouping = TryParseGrouping();

        string? param = null;
        if (paramText is not null)
        {
            if (op != "quantile_over_time")
            {
                throw Semantic($"parameter {paramText} not supported for operation {op}");
            }

            param = paramValue is { } pv ? GoText.FormatFloatF(pv) : paramText.StartsWith('$') ? paramText
                : throw Semantic($"invalid parameter for operation {op}: {paramText}");
        }
        else if (op == "quantile_over_time")
        {
            throw Semantic($"parameter required for operation {op}");
        }

        if (grouping is not null && op is not ("avg_over_time" or "stddev_over_time" or "stdvar_over_time" or "quantile_over_time" or "max_over_time" or "min_over_time" or "first_over_time" or "last_over_time"))
        {
            throw Semantic($"grouping not allowed for {op} aggregation");
        }

        if (range.Unwrap is not null)
        {
            if (op is "count_over_time" or "bytes_over_time" or "bytes_rate")
            {
                throw Semantic($"invalid aggregation {op} with unwrap");
            }
        }
        else if (op is not ("bytes_over_time" or "bytes_rate" or "count_over_time" or "rate" or "absent_over_time"))
        {
            throw Semantic($"invalid aggregation {op} without unwrap");
        }

        return new LRangeAggregation(op, range, param, grouping);
    }

    private LVectorAggregation ParseVectorAggregation()
    {
        var op = Next().Text;
        var grouping = TryParseGrouping();
        Expect("(");
        var (paramText, _) = TryParseParam();
        var left = ParseExpr();
        if (!left.IsSample)
        {
            throw Unexpected(Peek);
        }

        Expect(")");
        grouping ??= TryParseGrouping();

        string? param = null;
        if (op is "topk" or "bottomk")
        {
            if (paramText is null)
            {
                throw Semantic($"parameter required for operation {op}");
            }

            param = paramText.StartsWith('$') ? paramText
                : int.TryParse(paramText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var k) ? k.ToString(CultureInfo.InvariantCulture)
                : throw Semantic($"invalid parameter {op}({paramText},");
        }
        else if (paramText is not null)
        {
            throw Semantic($"unsupported parameter for operation {op}({paramText},");
        }

        return new LVectorAggregation(op, grouping ?? new LGrouping([], false), param, left);
    }

    private LLabelReplace ParseLabelReplace()
    {
        Next();
        Expect("(");
        var left = ParseExpr();
        if (!left.IsSample)
        {
            throw Unexpected(Peek);
        }

        var s = new string[4];
        for (var i = 0; i < 4; i++)
        {
            Expect(",");
            s[i] = ExpectKind(LTok.String).Text;
        }

        Expect(")");
        if (RegexCheck.Compile(s[3], out var err) is null)
        {
            throw Semantic("invalid regex in label_replace: " + err);
        }

        return new LLabelReplace(left, s[0], s[1], s[2], s[3]);
    }

    private static void Validate(LExpr e)
    {
        switch (e)
        {
            case LBinOp:
                foreach (var s in e.Selectors)
                {
                    ValidateMatchers(s);
                }

                break;
            case LLiteral or LVariable:
                break;
            default:
                if (e.Selectors.FirstOrDefault() is { } first)
                {
                    ValidateMatchers(first);
                }

                break;
        }
    }

    private static void ValidateMatchers(LSelector s)
    {
        if (!s.Matchers.Exists(m => m.ValueIsVariable || !RegexCheck.MatchesEmpty(m.Op, m.Value)))
        {
            throw Semantic(AtLeastOneMatcher);
        }
    }
}
