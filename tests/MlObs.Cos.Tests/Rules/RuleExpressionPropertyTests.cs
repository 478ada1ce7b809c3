// RuleExpressionPropertyTests: random PromQL and LogQL expressions built from the grammar; after injection the output
// parses again, injecting again changes nothing, every original matcher is kept and every injected label appears
// exactly once per selector.
using CsCheck;
using MlObs.Cos.Rules;

namespace MlObs.Cos.Tests.Rules;

public sealed class RuleExpressionPropertyTests
{
    internal static readonly LabelMatcher[] Injected =
    [
        LabelMatcher.Eq("juju_model", "dev-model"),
        LabelMatcher.Eq("juju_model_uuid", "f2c1b2a6-1234-4abc-8def-0123456789ab"),
        new("juju_application", MatchOp.Regex, "$juju_application"),
    ];

    private static readonly Gen<string> LabelName = Gen.OneOf("job", "instance", "le", "juju_model", "code", "_x", "a1");
    private static readonly Gen<string> MatchOpText = Gen.OneOf("=", "!=", "=~", "!~");
    private static readonly Gen<string> Value = Gen.OneOf("api", "a|b", "$job", "${inst}", "with \\\"quote\\\"", "é", "x.+", "tab\\t");
    private static readonly Gen<string> Duration = Gen.OneOf("5m", "1h", "30s", "1h30m", "2d", "90", "$__rate_interval", "1w");

    // PromQL

    private static readonly Gen<string> PromMatcher = Gen.Select(LabelName, MatchOpText, Value, (n, o, v) => $"{n}{o}\"{v}\"");

    private static readonly Gen<string> PromSelector =
        Gen.Select(
            Gen.OneOf("up", "http_requests_total", "job:rate:sum", "node_cpu_seconds_total", "sum", "$metric", "otel_${suffix}"),
            PromMatcher.Array[0, 3],
            Gen.Bool,
            (name, matchers, braces) => name + (braces || matchers.Length > 0 ? "{" + string.Join(", ", matchers) + "}" : string.Empty));

    private static readonly Gen<string> PromRange = Gen.Select(PromSelector, Duration, Gen.OneOf(string.Empty, " offset 5m", " offset -1h", " @ start()"), (s, d, m) => $"{s}[{d}]{m}");

    private static Gen<string> PromVector(int depth)
    {
        var leaf = Gen.Frequency(
            (4, PromSelector),
            (1, PromSelector.Select(s => s + " offset 1h")),
            (1, PromSelector.Select(s => s + " @ 1700000000")),
            (3, Gen.Select(Gen.OneOf("rate", "increase", "irate", "max_over_time", "count_over_time"), PromRange, (f, r) => $"{f}({r})")));
        if (depth <= 0)
        {
            return leaf;
        }

        var sub = PromVector(depth - 1);
        return Gen.Frequency(
            (3, leaf),
            (2, Gen.Select(Gen.OneOf("sum", "avg", "max", "count", "group", "stddev"), Gen.OneOf(string.Empty, " by (job)", " without (instance, le)", " by ()"), sub, Gen.Bool,
                (op, g, e, after) => after ? $"{op}({e}){g}" : $"{op}{g} ({e})")),
            (1, Gen.Select(Gen.OneOf("topk(3, ", "bottomk(2, ", "quantile(0.9, ", "count_values(\"v\", ", "topk($k, "), sub, (p, e) => p + e + ")")),
            (2, Gen.Select(sub, Gen.OneOf("+", "-", "*", "/", "%", "^", "and", "or", "unless", "== bool", "> on (job)", "/ ignoring (le) group_left (x)", "* on (a) group_right"), sub, (a, op, b) => $"{a} {op} {b}")),
            (2, Gen.Select(sub, Gen.OneOf(">", "<=", "!=", "== bool", "+", "*"), Gen.OneOf("0", "1.5", "1e3", "-2", "Inf", "0x10"), (a, op, n) => $"{a} {op} {n}")),
            (1, sub.Select(e => $"-{e}")),
            (1, sub.Select(e => $"({e})")),
            (1, Gen.Select(Gen.OneOf("abs", "absent", "sort", "ceil", "timestamp"), sub, (f, e) => $"{f}({e})")),
            (1, sub.Select(e => $"histogram_quantile(0.99, {e})")),
            (1, sub.Select(e => $"label_replace({e}, \"dst\", \"$1\", \"src\", \"(.*)\")")),
            (1, Gen.Select(sub, Gen.OneOf("[1h:5m]", "[30m:]", "[1h:1m] offset 5m"), (e, s) => $"max_over_time(({e}){s})")),
            (1, sub.Select(e => $"clamp({e}, 0, 1)")));
    }

    private static List<List<PMatcher>> PromSelectors(string expression)
    {
        var result = new List<List<PMatcher>>();
        void Walk(PExpr e)
        {
            if (e is PVectorSelector vs)
            {
                result.Add([.. vs.Matchers]);
                return;
            }

            foreach (var c in e.Children)
            {
                Walk(c);
            }
        }

        Walk(PromQlParser.Parse(expression));
        return result;
    }

    [Fact]
    public void PromQl_InjectionProperties() =>
        PromVector(3).Sample(input =>
        {
            try
            {
                CheckPromQl(input);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException("input: " + input, e);
            }
        }, iter: 3000);

    private static void CheckPromQl(string input)
    {
        {
            if (!PromQl.TryParse(input, out _))
            {
                return; // The grammar generator can build ill-typed combinations; those must fail cleanly.
            }

            var output = PromQl.InjectLabelMatchers(input, Injected);
            Assert.True(PromQl.TryParse(output, out var error), $"{output}: {error}");
            Assert.Equal(output, PromQl.InjectLabelMatchers(output, Injected));
            Assert.Equal(PromQl.InjectLabelMatchers(input, []), PromQl.InjectLabelMatchers(PromQl.InjectLabelMatchers(input, []), []));
            var before = PromSelectors(input);
            var after = PromSelectors(output);
            Assert.Equal(before.Count, after.Count);
            for (var i = 0; i < before.Count; i++)
            {
                Assert.All(before[i], m => Assert.Contains(m, after[i]));
                foreach (var inj in Injected)
                {
                    Assert.Equal(Math.Max(1, before[i].Count(m => m.Name == inj.Name)), after[i].Count(m => m.Name == inj.Name));
                    if (!before[i].Exists(m => m.Name == inj.Name))
                    {
                        Assert.Contains(new PMatcher(inj.Name, inj.OpText, inj.Value), after[i]);
                    }
                }
            }
        }
    }

    [Fact]
    public void PromQl_MostGeneratedExpressionsAreValid()
    {
        var valid = 0;
        PromVector(3).Sample(input => valid += PromQl.TryParse(input, out _) ? 1 : 0, iter: 500, threads: 1);
        Assert.True(valid > 200, $"only {valid} of 500 generated expressions were valid");
    }

    // LogQL

    private static readonly Gen<string> LogMatcher = Gen.Select(LabelName, MatchOpText, Value, (n, o, v) => $"{n}{o}\"{v}\"");

    private static readonly Gen<string> LogSelector =
        Gen.Select(Gen.OneOf("app=\"api\"", "job=~\".+\"", "unit=\"$unit\""), LogMatcher.Array[0, 2],
            (first, rest) => "{" + string.Join(", ", rest.Prepend(first)) + "}");

    private static readonly Gen<string> Stage = Gen.OneOf(
        "|= \"error\"", "!= \"debug\"", "|~ \"err.*\"", "!~ \"x\"", "|= \"a\" or \"b\"", "| json", "| logfmt", "| unpack",
        "| json a=\"b.c\", d", "| regexp \"(?P<x>\\\\w+)\"", "| pattern \"<ip> <_>\"", "| level=\"error\"", "| status >= 500 and status < 600",
        "| a=\"1\" or b!=\"2\"", "| latency > 250ms", "| size <= 1KB", "| line_format \"{{.msg}}\"", "| label_format a=b, c=\"{{.d}}\"",
        "| drop a, b", "| keep c", "| x > ${__from}", "| decolorize");

    private static readonly Gen<string> Pipeline = Stage.Array[0, 3].Select(a => string.Join(' ', a));

    private static readonly Gen<string> LogExpr = Gen.Select(LogSelector, Pipeline, (s, p) => p.Length == 0 ? s : s + " " + p);

    private static Gen<string> LogMetric(int depth)
    {
        var leaf = Gen.Frequency(
            (3, Gen.Select(Gen.OneOf("rate", "count_over_time", "bytes_over_time", "bytes_rate", "absent_over_time"), LogExpr, Duration, Gen.OneOf(string.Empty, " offset 1h"), (f, l, d, o) => $"{f}({l} [{d}]{o})")),
            (2, Gen.Select(Gen.OneOf("sum_over_time", "avg_over_time", "max_over_time", "rate"), LogExpr, Gen.OneOf("| unwrap latency", "| unwrap bytes(size)", "| unwrap duration(d) | __error__=\"\""), Duration, (f, l, u, d) => $"{f}({l} {u} [{d}])")),
            (1, Gen.Select(LogExpr, Duration, (l, d) => $"quantile_over_time(0.95, {l} | unwrap latency [{d}]) by (host)")));
        if (depth <= 0)
        {
            return leaf;
        }

        var sub = LogMetric(depth - 1);
        return Gen.Frequency(
            (3, leaf),
            (2, Gen.Select(Gen.OneOf("sum", "avg", "max", "count", "stddev", "sort"), Gen.OneOf(string.Empty, " by (job)", " without (instance)", " by ($g)"), sub, Gen.Bool,
                (op, g, e, after) => after ? $"{op}({e}){g}" : $"{op}{g} ({e})")),
            (1, Gen.Select(Gen.OneOf("topk(3, ", "bottomk(1, ", "topk($k, "), sub, (p, e) => p + e + ")")),
            (2, Gen.Select(sub, Gen.OneOf("+", "-", "*", "/", "and", "or", "unless", "> bool", "/ on (job) group_left", "== ignoring (x)"), sub, (a, op, b) => $"{a} {op} {b}")),
            (2, Gen.Select(sub, Gen.OneOf(">", "<", "*", "+"), Gen.OneOf("10", "0.5", "-1", "1e6", "$threshold"), (a, op, n) => $"{a} {op} {n}")),
            (1, sub.Select(e => $"({e})")),
            (1, sub.Select(e => $"label_replace({e}, \"dst\", \"$1\", \"src\", \"(.*)\")")));
    }

    private static List<List<PMatcher>> LogSelectors(string expression) =>
        [.. LogQlParser.Parse(expression).Selectors.Select(s => s.Matchers.ToList())];

    private static void CheckLogQl(string input)
    {
        if (!LogQl.TryParse(input, out _))
        {
            return;
        }

        var output = LogQl.InjectLabelMatchers(input, Injected);
        Assert.True(LogQl.TryParse(output, out var error), $"{output}: {error}");
        Assert.Equal(output, LogQl.InjectLabelMatchers(output, Injected));
        var before = LogSelectors(input);
        var after = LogSelectors(output);
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i], after[i].Take(before[i].Count));
            foreach (var inj in Injected)
            {
                Assert.Equal(Math.Max(1, before[i].Count(m => m.Name == inj.Name)), after[i].Count(m => m.Name == inj.Name));
            }
        }
    }

    [Fact]
    public void LogQl_InjectionProperties()
    {
        Gen.OneOf(LogExpr, LogMetric(3)).Sample(CheckLogQl, iter: 3000);
        var valid = 0;
        Gen.OneOf(LogExpr, LogMetric(3)).Sample(input => valid += LogQl.TryParse(input, out _) ? 1 : 0, iter: 500, threads: 1);
        Assert.True(valid > 200, $"only {valid} of 500 generated LogQL expressions were valid");
    }
}
