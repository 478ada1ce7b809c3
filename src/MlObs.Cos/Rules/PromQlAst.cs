// PromQlAst: the PromQL syntax tree and its printer. The printer writes what the Prometheus parser's String()
// writes (prometheus/promql/parser/printer.go as of v3.8, which cos-tool links): aggregations as
// `sum by (a) (x)`, matchers sorted as text and joined by ",", the metric name outside the braces, ranges and
// offsets in Prometheus duration notation, numbers in Go's shortest 'f' notation. Grafana variables print verbatim.
using System.Globalization;
using System.Text;

namespace MlObs.Cos.Rules;

internal enum PType
{
    None,
    Scalar,
    Vector,
    Matrix,
    String,

    /// <summary>A Grafana variable standing for a value of unknown type: accepted wherever a value is.</summary>
    Any,
}

/// <summary>A label name in a grouping or matching clause; a Grafana variable prints verbatim.</summary>
internal readonly record struct PLabel(string Name, bool IsVariable)
{
    public override string ToString() =>
        IsVariable || GoText.IsLegacyMetricName(Name) ? Name : GoText.Quote(Name);
}

/// <summary>A label matcher inside braces; a value that is a bare Grafana variable prints unquoted.</summary>
internal sealed record PMatcher(string Name, string Op, string Value, bool ValueIsVariable = false)
{
    public override string ToString()
    {
        var b = new StringBuilder();
        if (GoText.IsLegacyLabelName(Name))
        {
            b.Append(Name);
        }
        else
        {
            GoText.AppendQuoted(b, Name);
        }

        b.Append(Op);
        if (ValueIsVariable)
        {
            b.Append(Value);
        }
        else
        {
            GoText.AppendQuoted(b, Value);
        }

        return b.ToString();
    }
}

/// <summary>A duration in nanoseconds, or a Grafana variable standing for one.</summary>
internal readonly record struct PDuration(long Ns, string? Raw = null)
{
    public bool IsSet => Raw is not null || Ns != 0;

    public string ToPromString() => Raw ?? GoText.FormatSignedPromDuration(Ns);
}

/// <summary>An <c>@</c> modifier: a timestamp in milliseconds, <c>start()</c>/<c>end()</c>, or a variable.</summary>
internal readonly record struct PAt(long? Ms, string? Preprocessor, string? Raw)
{
    public bool IsSet => Ms is not null || Preprocessor is not null || Raw is not null;

    public void AppendTo(StringBuilder b)
    {
        if (Ms is { } ms)
        {
            b.Append(" @ ").Append((ms / 1000.0).ToString("F3", CultureInfo.InvariantCulture));
        }
        else if (Preprocessor is not null)
        {
            b.Append(" @ ").Append(Preprocessor).Append("()");
        }
        else if (Raw is not null)
        {
            b.Append(" @ ").Append(Raw);
        }
    }
}

internal abstract class PExpr
{
    protected PExpr(int pos) => Pos = pos;

    public int Pos { get; }

    public abstract PType Type { get; }

    public abstract void Print(StringBuilder b);

    public abstract IEnumerable<PExpr> Children { get; }

    public override string ToString()
    {
        var b = new StringBuilder();
        Print(b);
        return b.ToString();
    }
}

internal sealed class PNumber(int pos, double value, bool isDuration) : PExpr(pos)
{
    public double Value { get; set; } = value;

    public bool IsDuration { get; } = isDuration;

    public override PType Type => PType.Scalar;

    public override IEnumerable<PExpr> Children => [];

    public override void Print(StringBuilder b)
    {
        if (IsDuration)
        {
            b.Append(Value < 0 ? "-" + GoText.FormatPromDuration((long)(-Value * 1e9)) : GoText.FormatPromDuration((long)(Value * 1e9)));
        }
        else
        {
            b.Append(GoText.FormatFloatF(Value));
        }
    }
}

internal sealed class PString(int pos, string value) : PExpr(pos)
{
    public string Value { get; } = value;

    public override PType Type => PType.String;

    public override IEnumerable<PExpr> Children => [];

    public override void Print(StringBuilder b) => GoText.AppendQuoted(b, Value);
}

/// <summary>A bare Grafana variable in value position (<c>topk($limit, x)</c>).</summary>
internal sealed class PVariable(int pos, string raw) : PExpr(pos)
{
    public string Raw { get; } = raw;

    public override PType Type => PType.Any;

    public override IEnumerable<PExpr> Children => [];

    public override void Print(StringBuilder b) => b.Append(Raw);
}

internal sealed class PVectorSelector(int pos, string name, List<PMatcher> matchers) : PExpr(pos)
{
    public string Name { get; } = name;

    public List<PMatcher> Matchers { get; } = matchers;

    public PDuration Offset { get; set; }

    public PAt At { get; set; }

    public override PType Type => PType.Vector;

    public override IEnumerable<PExpr> Children => [];

    public bool HasLabel(string name) =>
        (name == "__name__" && Name.Length > 0) || Matchers.Exists(m => m.Name == name);

    public override void Print(StringBuilder b) => Print(b, true);

    public void Print(StringBuilder b, bool modifiers)
    {
        b.Append(Name);
        var strings = Matchers.Where(m => !(Name.Length > 0 && m.Name == "__name__" && m.Op == "=" && m.Value == Name)).Select(m => m.ToString()).ToList();
        if (strings.Count > 0)
        {
            strings.Sort(StringComparer.Ordinal);
            b.Append('{').AppendJoin(',', strings).Append('}');
        }
        else if (Name.Length > 0 && GoText.VariableLength(Name, 0) == Name.Length)
        {
            // `$metric{}` must stay a selector: a bare `$metric` reads back as a variable.
            b.Append("{}");
        }

        if (modifiers)
        {
            At.AppendTo(b);
            AppendOffset(b, Offset);
        }
    }

    public static void AppendOffset(StringBuilder b, PDuration offset)
    {
        if (offset.IsSet)
        {
            b.Append(" offset ").Append(offset.ToPromString());
        }
    }
}

internal sealed class PMatrixSelector(int pos, PVectorSelector selector, PDuration range) : PExpr(pos)
{
    public PVectorSelector Selector { get; } = selector;

    public PDuration Range { get; } = range;

    public override PType Type => PType.Matrix;

    public override IEnumerable<PExpr> Children => [Selector];

    public override void Print(StringBuilder b)
    {
        Selector.Print(b, false);
        b.Append('[').Append(Range.ToPromString()).Append(']');
        Selector.At.AppendTo(b);
        PVectorSelector.AppendOffset(b, Selector.Offset);
    }
}

internal sealed class PSubquery(int pos, PExpr expr, PDuration range, PDuration step) : PExpr(pos)
{
    public PExpr Expr { get; } = expr;

    public PDuration Range { get; } = range;

    public PDuration Step { get; } = step;

    public PDuration Offset { get; set; }

    public PAt At { get; set; }

    public override PType Type => PType.Matrix;

    public override IEnumerable<PExpr> Children => [Expr];

    public override void Print(StringBuilder b)
    {
        Expr.Print(b);
        b.Append('[').Append(Range.ToPromString()).Append(':');
        if (Step.IsSet)
        {
            b.Append(Step.ToPromString());
        }

        b.Append(']');
        At.AppendTo(b);
        PVectorSelector.AppendOffset(b, Offset);
    }
}

internal sealed class PCall(int pos, string name, PromQlFunction? function, List<PExpr> args) : PExpr(pos)
{
    public string Name { get; } = name;

    /// <summary>The function; null when the name is a Grafana variable.</summary>
    public PromQlFunction? Function { get; } = function;

    public List<PExpr> Args { get; } = args;

    public override PType Type => Function?.ReturnType ?? PType.Any;

    public override IEnumerable<PExpr> Children => Args;

    public override void Print(StringBuilder b)
    {
        b.Append(Name).Append('(');
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                b.Append(", ");
            }

            Args[i].Print(b);
        }

        b.Append(')');
    }
}

internal sealed class PAggregate(int pos, string op, List<PLabel> grouping, bool without, PExpr? param, PExpr expr) : PExpr(pos)
{
    public string Op { get; } = op;

    public List<PLabel> Grouping { get; } = grouping;

    public bool Without { get; } = without;

    public PExpr? Param { get; } = param;

    public PExpr Expr { get; } = expr;

    public override PType Type => PType.Vector;

    public override IEnumerable<PExpr> Children => Param is null ? [Expr] : [Param, Expr];

    public override void Print(StringBuilder b)
    {
        b.Append(Op);
        if (Without || Grouping.Count > 0)
        {
            b.Append(Without ? " without (" : " by (").AppendJoin(", ", Grouping).Append(") ");
        }

        b.Append('(');
        if (Param is not null)
        {
            Param.Print(b);
            b.Append(", ");
        }

        Expr.Print(b);
        b.Append(')');
    }
}

internal enum PCard
{
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}

internal sealed class PMatching
{
    public PCard Card { get; set; }

    public List<PLabel> Labels { get; set; } = [];

    public bool On { get; set; }

    public List<PLabel> Include { get; set; } = [];
}

internal sealed class PBinary(int pos, string op, PExpr lhs, PExpr rhs, bool returnBool, PMatching? matching) : PExpr(pos)
{
    public string Op { get; } = op;

    public PExpr Lhs { get; } = lhs;

    public PExpr Rhs { get; } = rhs;

    public bool ReturnBool { get; } = returnBool;

    public PMatching? Matching { get; set; } = matching;

    public override PType Type =>
        (Lhs.Type == PType.Scalar && Rhs.Type == PType.Scalar) ? PType.Scalar
        : (Lhs.Type == PType.Any && Rhs.Type is PType.Any or PType.Scalar) || (Rhs.Type == PType.Any && Lhs.Type == PType.Scalar) ? PType.Any
        : PType.Vector;

    public override IEnumerable<PExpr> Children => [Lhs, Rhs];

    public override void Print(StringBuilder b)
    {
        if (Op == "^" && Lhs is PNumber { IsDuration: false, Value: double.PositiveInfinity })
        {
            // Prometheus prints `+Inf ^ x`, which reads back as `+(Inf ^ x)` and prints as `++Inf ^ x`; keep it stable.
            b.Append("Inf");
        }
        else
        {
            Lhs.Print(b);
        }

        b.Append(' ').Append(Op);
        if (ReturnBool)
        {
            b.Append(" bool");
        }

        var vm = Matching;
        if (vm is not null && (vm.Labels.Count > 0 || vm.On || vm.Card is PCard.ManyToOne or PCard.OneToMany))
        {
            b.Append(vm.On ? " on (" : " ignoring (").AppendJoin(", ", vm.Labels).Append(')');
            if (vm.Card is PCard.ManyToOne or PCard.OneToMany)
            {
                b.Append(vm.Card == PCard.ManyToOne ? " group_left (" : " group_right (").AppendJoin(", ", vm.Include).Append(')');
            }
        }

        b.Append(' ');
        Rhs.Print(b);
    }
}

internal sealed class PUnary(int pos, char op, PExpr expr) : PExpr(pos)
{
    public char Op { get; } = op;

    public PExpr Expr { get; } = expr;

    public override PType Type => Expr.Type;

    public override IEnumerable<PExpr> Children => [Expr];

    public override void Print(StringBuilder b)
    {
        b.Append(Op);
        Expr.Print(b);
    }
}

internal sealed class PParen(int pos, PExpr expr) : PExpr(pos)
{
    public PExpr Expr { get; } = expr;

    public override PType Type => Expr.Type;

    public override IEnumerable<PExpr> Children => [Expr];

    public override void Print(StringBuilder b)
    {
        b.Append('(');
        Expr.Print(b);
        b.Append(')');
    }
}

/// <summary>A PromQL function: argument types, how many extra arguments it takes (-1: any), return type.</summary>
internal sealed record PromQlFunction(string Name, PType[] ArgTypes, int Variadic, PType ReturnType, bool Experimental = false)
{
    private const PType V = PType.Vector;
    private const PType M = PType.Matrix;
    private const PType S = PType.Scalar;
    private const PType Str = PType.String;

    // The function table of Prometheus v3.8 (promql/parser/functions.go): name, argument types, variadic count, return type.
    public static readonly Dictionary<string, PromQlFunction> All = new PromQlFunction[]
    {
        new("abs", [V], 0, V), new("absent", [V], 0, V), new("absent_over_time", [M], 0, V),
        new("acos", [V], 0, V), new("acosh", [V], 0, V), new("asin", [V], 0, V), new("asinh", [V], 0, V),
        new("atan", [V], 0, V), new("atanh", [V], 0, V), new("avg_over_time", [M], 0, V), new("ceil", [V], 0, V),
        new("changes", [M], 0, V), new("clamp", [V, S, S], 0, V), new("clamp_max", [V, S], 0, V), new("clamp_min", [V, S], 0, V),
        new("cos", [V], 0, V), new("cosh", [V], 0, V), new("count_over_time", [M], 0, V),
        new("days_in_month", [V], 1, V), new("day_of_month", [V], 1, V), new("day_of_week", [V], 1, V), new("day_of_year", [V], 1, V),
        new("deg", [V], 0, V), new("delta", [M], 0, V), new("deriv", [M], 0, V), new("exp", [V], 0, V),
        new("first_over_time", [M], 0, V, true), new("floor", [V], 0, V),
        new("histogram_avg", [V], 0, V), new("histogram_count", [V], 0, V), new("histogram_sum", [V], 0, V),
        new("histogram_stddev", [V], 0, V), new("histogram_stdvar", [V], 0, V), new("histogram_fraction", [S, S, V], 0, V),
        new("histogram_quantile", [S, V], 0, V), new("double_exponential_smoothing", [M, S, S], 0, V, true),
        new("hour", [V], 1, V), new("idelta", [M], 0, V), new("increase", [M], 0, V), new("info", [V, V], 1, V, true),
        new("irate", [M], 0, V), new("label_replace", [V, Str, Str, Str, Str], 0, V), new("label_join", [V, Str, Str, Str], -1, V),
        new("last_over_time", [M], 0, V), new("ln", [V], 0, V), new("log10", [V], 0, V), new("log2", [V], 0, V),
        new("mad_over_time", [M], 0, V, true), new("max_over_time", [M], 0, V), new("min_over_time", [M], 0, V),
        new("ts_of_first_over_time", [M], 0, V, true), new("ts_of_max_over_time", [M], 0, V, true),
        new("ts_of_min_over_time", [M], 0, V, true), new("ts_of_last_over_time", [M], 0, V, true),
        new("minute", [V], 1, V), new("month", [V], 1, V), new("pi", [], 0, S), new("predict_linear", [M, S], 0, V),
        new("present_over_time", [M], 0, V), new("quantile_over_time", [S, M], 0, V), new("rad", [V], 0, V),
        new("rate", [M], 0, V), new("resets", [M], 0, V), new("round", [V, S], 1, V), new("scalar", [V], 0, S),
        new("sgn", [V], 0, V), new("sin", [V], 0, V), new("sinh", [V], 0, V), new("sort", [V], 0, V), new("sort_desc", [V], 0, V),
        new("sort_by_label", [V, Str], -1, V, true), new("sort_by_label_desc", [V, Str], -1, V, true),
        new("sqrt", [V], 0, V), new("stddev_over_time", [M], 0, V), new("stdvar_over_time", [M], 0, V),
        new("sum_over_time", [M], 0, V), new("tan", [V], 0, V), new("tanh", [V], 0, V), new("time", [], 0, S),
        new("timestamp", [V], 0, V), new("vector", [S], 0, V), new("year", [V], 1, V),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);
}
