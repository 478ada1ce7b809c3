// LogQlAst: the LogQL syntax tree and its printer, writing what Loki's String() methods write (the pkg/logql/syntax
// copy in cos-tool@9f92efcc): stream selectors as `{a="b", c="d"}` in source order, pipeline stages joined by " ",
// `[5m]` glued to the selector or pipeline, `sum by(job)(…)`, binary operations wrapped in parentheses,
// label filters as `( a , b )` / `( a or b )`. Grafana variables print verbatim.
using System.Text;

namespace MlObs.Cos.Rules;

internal abstract class LExpr
{
    /// <summary>Whether this is a metric (sample) expression rather than a log selector.</summary>
    public abstract bool IsSample { get; }

    public abstract void Print(StringBuilder b);

    /// <summary>The stream selectors of this expression, in printing order.</summary>
    public abstract IEnumerable<LSelector> Selectors { get; }

    public override string ToString()
    {
        var b = new StringBuilder();
        Print(b);
        return b.ToString();
    }
}

internal sealed class LSelector(List<PMatcher> matchers) : LExpr
{
    public List<PMatcher> Matchers { get; } = matchers;

    public override bool IsSample => false;

    public override IEnumerable<LSelector> Selectors => [this];

    public override void Print(StringBuilder b) => b.Append('{').AppendJoin(", ", Matchers).Append('}');
}

internal sealed class LLogExpr(LSelector selector, List<LStage> stages) : LExpr
{
    public LSelector Selector { get; } = selector;

    public List<LStage> Stages { get; } = stages;

    public override bool IsSample => false;

    public override IEnumerable<LSelector> Selectors => [Selector];

    public override void Print(StringBuilder b)
    {
        Selector.Print(b);
        foreach (var s in Stages)
        {
            b.Append(' ');
            s.Print(b);
        }
    }
}

internal abstract class LStage
{
    public abstract void Print(StringBuilder b);
}

/// <summary>A line filter <c>|= "x"</c>, <c>!~ "re"</c>, <c>|= ip("…")</c>, possibly with <c>or "y"</c> alternatives.</summary>
internal sealed class LLineFilter(string op, string match, bool ip) : LStage
{
    public string Op { get; } = op;

    public string Match { get; } = match;

    public bool Ip { get; } = ip;

    public List<string> OrMatches { get; } = [];

    public override void Print(StringBuilder b)
    {
        b.Append(Op).Append(' ');
        if (Ip)
        {
            b.Append("ip(");
            GoText.AppendQuoted(b, Match);
            b.Append(')');
        }
        else
        {
            GoText.AppendQuoted(b, Match);
        }

        // cos-tool's Loki copy prints `|= "a" or |= "b"`, which neither it nor current Loki parses back;
        // current Loki prints (and parses) `|= "a" or "b"`.
        foreach (var m in OrMatches)
        {
            b.Append(" or ");
            GoText.AppendQuoted(b, m);
        }
    }
}

/// <summary><c>| json</c>, <c>| logfmt</c>, <c>| unpack</c>, <c>| regexp "…"</c>, <c>| pattern "…"</c>, <c>| decolorize</c>, <c>| line_format "…"</c>.</summary>
internal sealed class LSimpleStage(string op, string? param) : LStage
{
    public override void Print(StringBuilder b)
    {
        b.Append("| ").Append(op);
        if (param is not null)
        {
            b.Append(' ');
            GoText.AppendQuoted(b, param);
        }
    }
}

/// <summary><c>| json a="b.c",d</c> (printed <c>| json a="b.c",d="d"</c>).</summary>
internal sealed class LJsonStage(List<(string Name, string Expr)> exprs) : LStage
{
    public override void Print(StringBuilder b)
    {
        b.Append("| json ");
        for (var i = 0; i < exprs.Count; i++)
        {
            if (i > 0)
            {
                b.Append(',');
            }

            b.Append(exprs[i].Name).Append('=');
            GoText.AppendQuoted(b, exprs[i].Expr);
        }
    }
}

/// <summary><c>| label_format a=b,c="{{.x}}"</c>.</summary>
internal sealed class LLabelFormatStage(List<(string Name, string Value, bool Rename)> formats) : LStage
{
    public override void Print(StringBuilder b)
    {
        b.Append("| label_format ");
        for (var i = 0; i < formats.Count; i++)
        {
            if (i > 0)
            {
                b.Append(',');
            }

            b.Append(formats[i].Name).Append('=');
            if (formats[i].Rename)
            {
                b.Append(formats[i].Value);
            }
            else
            {
                GoText.AppendQuoted(b, formats[i].Value);
            }
        }
    }
}

/// <summary><c>| drop a,b="x"</c> and <c>| keep …</c> (newer Loki).</summary>
internal sealed class LDropKeepStage(string op, List<object> items) : LStage
{
    public override void Print(StringBuilder b) => b.Append("| ").Append(op).Append(' ').AppendJoin(',', items);
}

internal sealed class LLabelFilterStage(LFilter filter) : LStage
{
    public LFilter Filter { get; } = filter;

    public override void Print(StringBuilder b)
    {
        b.Append("| ");
        Filter.Print(b);
    }
}

internal abstract class LFilter
{
    public abstract void Print(StringBuilder b);
}

internal sealed class LBinaryFilter(LFilter left, LFilter right, bool and) : LFilter
{
    public override void Print(StringBuilder b)
    {
        b.Append("( ");
        left.Print(b);
        b.Append(and ? " , " : " or ");
        right.Print(b);
        b.Append(" )");
    }
}

/// <summary>A comparison filter; <paramref name="text"/> is the printed value (number, duration, bytes, matcher, ip, variable).</summary>
internal sealed class LCompareFilter(string text) : LFilter
{
    public override void Print(StringBuilder b) => b.Append(text);
}

internal sealed class LUnwrap(string identifier, string? conversion, List<LFilter> postFilters)
{
    public void Print(StringBuilder b)
    {
        b.Append(" | unwrap ");
        if (conversion is null)
        {
            b.Append(identifier);
        }
        else
        {
            b.Append(conversion).Append('(').Append(identifier).Append(')');
        }

        foreach (var f in postFilters)
        {
            b.Append(" | ");
            f.Print(b);
        }
    }
}

internal sealed class LRange(LLogExpr left, LUnwrap? unwrap, long rangeNs, string? rawRange, long offsetNs, string? rawOffset)
{
    public LLogExpr Left { get; } = left;

    public LUnwrap? Unwrap { get; } = unwrap;

    public void Print(StringBuilder b)
    {
        Left.Print(b);
        Unwrap?.Print(b);
        b.Append('[').Append(rawRange ?? GoText.FormatPromDuration(rangeNs)).Append(']');
        if (rawOffset is not null)
        {
            b.Append(" offset ").Append(rawOffset);
        }
        else if (offsetNs != 0)
        {
            b.Append(" offset ").Append(GoText.FormatGoDuration(offsetNs));
        }
    }
}

internal sealed record LGrouping(List<PLabel> Labels, bool Without)
{
    public void Print(StringBuilder b)
    {
        if (Without)
        {
            b.Append(" without");
        }
        else if (Labels.Count > 0)
        {
            b.Append(" by");
        }

        if (Labels.Count > 0 || Without)
        {
            b.Append('(').AppendJoin(',', Labels.Select(l => l.Name)).Append(')');
        }
    }
}

internal sealed class LRangeAggregation(string op, LRange range, string? param, LGrouping? grouping) : LExpr
{
    public override bool IsSample => true;

    public override IEnumerable<LSelector> Selectors => [range.Left.Selector];

    public override void Print(StringBuilder b)
    {
        b.Append(op).Append('(');
        if (param is not null)
        {
            b.Append(param).Append(',');
        }

        range.Print(b);
        b.Append(')');
        grouping?.Print(b);
    }
}

internal sealed class LVectorAggregation(string op, LGrouping grouping, string? param, LExpr left) : LExpr
{
    public override bool IsSample => true;

    public override IEnumerable<LSelector> Selectors => left.Selectors;

    public override void Print(StringBuilder b)
    {
        b.Append(op);
        grouping.Print(b);
        b.Append('(');
        if (param is not null)
        {
            b.Append(param).Append(',');
        }

        left.Print(b);
        b.Append(')');
    }
}

internal sealed class LLabelReplace(LExpr left, string dst, string replacement, string src, string regex) : LExpr
{
    public override bool IsSample => true;

    public override IEnumerable<LSelector> Selectors => left.Selectors;

    public override void Print(StringBuilder b)
    {
        b.Append("label_replace(");
        left.Print(b);
        foreach (var s in new[] { dst, replacement, src, regex })
        {
            b.Append(',');
            GoText.AppendQuoted(b, s);
        }

        b.Append(')');
    }
}

internal sealed class LLiteral(double value) : LExpr
{
    public double Value { get; } = value;

    public override bool IsSample => true;

    public override IEnumerable<LSelector> Selectors => [];

    public override void Print(StringBuilder b) => b.Append(GoText.FormatFloatG(Value));
}

/// <summary>A Grafana variable standing for a number (<c>sum(…) > $threshold</c>).</summary>
internal sealed class LVariable(string raw) : LExpr
{
    public override bool IsSample => true;

    public override IEnumerable<LSelector> Selectors => [];

    public override void Print(StringBuilder b) => b.Append(raw);
}

internal sealed class LBinOp(string op, LExpr left, LExpr right, bool returnBool, PMatching? matching) : LExpr
{
    public override bool IsSample => true;

    public override IEnumerable<LSelector> Selectors => left.Selectors.Concat(right.Selectors);

    public override void Print(StringBuilder b)
    {
        b.Append('(');
        left.Print(b);
        b.Append(' ').Append(op);
        if (returnBool)
        {
            b.Append(" bool");
        }

        if (matching is not null && (matching.On || matching.Labels.Count > 0))
        {
            var group = matching.Card switch
            {
                PCard.ManyToOne => "group_left",
                PCard.OneToMany => "group_right",
                _ => string.Empty,
            };
            if (matching.Include.Count > 0)
            {
                group += " (" + string.Join(',', matching.Include.Select(l => l.Name)) + ")";
            }

            // Loki prints "<op> on (<labels>) <group>" and then " <rhs>": two spaces when there is no group.
            b.Append(matching.On ? " on (" : " ignoring (").AppendJoin(',', matching.Labels.Select(l => l.Name)).Append(") ").Append(group);
        }

        b.Append(' ');
        right.Print(b);
        b.Append(')');
    }

    /// <summary>Loki folds operations between two literals (<c>1 + 1</c> is <c>2</c>).</summary>
    public static double Fold(string op, double l, double r) => op switch
    {
        "+" => l + r,
        "-" => l - r,
        "*" => l * r,
        "/" => r == 0 ? double.NaN : l / r,
        "%" => r == 0 ? double.NaN : l % r,
        "^" => Math.Pow(l, r),
        "==" => l == r ? 1 : 0,
        "!=" => l != r ? 1 : 0,
        ">" => l > r ? 1 : 0,
        ">=" => l >= r ? 1 : 0,
        "<" => l < r ? 1 : 0,
        "<=" => l <= r ? 1 : 0,
        _ => throw new InvalidOperationException(op),
    };
}
