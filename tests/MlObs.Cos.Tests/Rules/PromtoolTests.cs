// PromtoolTests: the real Prometheus parser (promtool check rules) accepts what the injector writes.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsCheck;
using MlObs.Cos.Rules;

namespace MlObs.Cos.Tests.Rules;

public sealed class PromtoolTests
{
    private const string Promtool = "/usr/bin/promtool";

    // Inputs valid for promtool 2.42 too (no UTF-8 quoted names, no bare durations as numbers, no Grafana variables).
    private static readonly string[] Inputs =
    [
        "up < 1", "absent(up)", "sum(rate(x[5m])) by (i)", "rate(metric[5m]) > 0.5", "sum by(consumergroup) (kafka_consumergroup_lag) > 50",
        """absent(up{job="prometheus"})""", """{__name__="x"}""", """{__name__=~"x.*"}""", """x{job=~"a|b", env!~"dev"}""", "quantile(0.9, x)",
        """count_values("v", x)""", "bottomk(3, x) without (a, b)", "rate(x[1h30m])", "rate(x[300])", "max_over_time(rate(x[5m])[1h:5m])",
        "max_over_time(x[1h:])", "x offset 5m", "rate(x[5m] offset 1h)", "rate(x[5m] @ start() offset 1h)", "x @ 123", "x > bool 1",
        "a / on(i) group_left(n) b", "a * ignoring(i) group_right b", "a and b or c unless d", "-x", "(x + 1) * 2", "x^2^3", "-x ^ 2",
        """label_join(x, "d", ",", "a", "b")""", "histogram_quantile(0.99, sum(rate(h_bucket[5m])) by (le))", "time() - x", "vector(1)",
        "a - on(b) group_left c", "a offset -7m", "Inf ^ x", """x{a="line\nbreak \"q\" é \u0001"}""", "sum(x) by (on, by, offset)",
        "a - ignoring() c", "1048576", "0x1F * x", "sort_desc(x)", "clamp(x, 0, 1)", "predict_linear(foo[1h], 3000)",
    ];

    [SkippableFact]
    public void Promtool_AcceptsInjectedExpressions()
    {
        Skip.IfNot(File.Exists(Promtool), $"{Promtool} is not installed; install prometheus (promtool) to run this test");
        var exprs = Inputs.Select(i => PromQl.InjectLabelMatchers(i, RuleExpressionPropertyTests.Injected)).ToList();

        // Plus generated expressions without Grafana variables.
        var generated = new List<string>();
        Gen.OneOf("up", "rate(x[5m])", "sum by (job) (y)", "a{b=\"c\"} offset 5m", "-z", "x @ start()", "max_over_time(q[1h:5m])")
            .Array[1, 4].Select(a => string.Join(" + ", a))
            .Sample(e => { lock (generated) { generated.Add(PromQl.InjectLabelMatchers(e, RuleExpressionPropertyTests.Injected)); } }, iter: 100);
        exprs.AddRange(generated);

        var yaml = new StringBuilder("groups:\n- name: injected\n  rules:\n");
        for (var i = 0; i < exprs.Count; i++)
        {
            yaml.Append("  - alert: A").Append(i).Append("\n    expr: ").Append(JsonSerializer.Serialize(exprs[i])).Append('\n');
        }

        var file = Path.Combine(Path.GetTempPath(), $"mlobs-rules-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml.ToString());
        try
        {
            using var p = Process.Start(new ProcessStartInfo(Promtool, ["check", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"promtool rejected the rules:\n{stdout.Result}\n{stderr}\n{yaml}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
