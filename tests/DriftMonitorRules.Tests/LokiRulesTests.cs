// LokiRulesTests: the charm's LogQL alert rules parse with MlObs.Cos's LogQL parser, before and after the topology
// placeholder is replaced as the Cos loader does, and carry their names, severities and annotations.
using MlObs.Cos;
using MlObs.Cos.Rules;

namespace DriftMonitorRules.Tests;

public sealed class LokiRulesTests
{
    private static readonly JujuTopology Topology =
        new("kubeflow", "f2c1b2a6-1234-4abc-8def-0123456789ab", "drift-monitor", "drift-monitor/0", "drift-monitor-k8s");

    [Fact]
    public void RuleFiles_HoldTheWorkloadErrorAndRejectionAlerts()
    {
        var names = CharmFiles.Alerts(CharmFiles.LokiRuleFiles).Select(a => a.Alert).Order(StringComparer.Ordinal);

        Assert.Equal(["DriftMonitorPayloadRejections", "DriftMonitorWorkloadErrors"], names);
    }

    [Fact]
    public void EveryExpression_UsesThePlaceholder_AndParsesOnceItIsReplaced()
    {
        foreach (var (file, alert, rule) in CharmFiles.Alerts(CharmFiles.LokiRuleFiles))
        {
            var where = $"{Path.GetFileName(file)}: {alert}";
            var expr = CharmFiles.Scalar(rule, "expr")!;
            Assert.True(expr.Contains("{%%juju_topology%%}", StringComparison.Ordinal), $"{where}: no %%juju_topology%% selector");
            Assert.DoesNotContain("juju_", expr.Replace("%%juju_topology%%", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

            var replaced = AlertRules.ReplaceTopologyPlaceholder(expr, QueryLanguage.LogQl);
            Assert.Contains("{job=~\".+\"}", replaced, StringComparison.Ordinal);
            Assert.True(LogQl.TryParse(replaced, out var error), $"{where}: {error}");
        }
    }

    [Fact]
    public void EveryAlert_HasSeverityForAndAnnotations()
    {
        foreach (var (file, alert, rule) in CharmFiles.Alerts(CharmFiles.LokiRuleFiles))
        {
            var where = $"{Path.GetFileName(file)}: {alert}";
            Assert.Contains(CharmFiles.Scalar(CharmFiles.Mapping(rule, "labels")!, "severity"), new[] { "warning", "critical" });
            Assert.Matches("^[0-9]+[mh]$", CharmFiles.Scalar(rule, "for") ?? string.Empty);
            var annotations = CharmFiles.Mapping(rule, "annotations");
            Assert.NotNull(annotations);
            Assert.False(string.IsNullOrWhiteSpace(CharmFiles.Scalar(annotations, "summary")), $"{where}: no summary");
            Assert.True((CharmFiles.Scalar(annotations, "description") ?? string.Empty).Contains("What to do:", StringComparison.Ordinal), $"{where}: the description does not say what to do");
        }
    }

    [Fact]
    public void Expressions_MatchTheWorkloadsCompactJsonLines()
    {
        var alerts = CharmFiles.Alerts(CharmFiles.LokiRuleFiles).ToDictionary(a => a.Alert, a => CharmFiles.Scalar(a.Rule, "expr")!);
        // A line as Serilog's RenderedCompactJsonFormatter writes the workload's refusal warning.
        const string Line = """{"@t":"2026-01-01T00:00:00.0000000Z","@m":"Rejected POST /v1/models/iris/records for iris: wrong_type: row 3","@i":"0a1b2c3d","@l":"Warning","Method":"POST","Path":"/v1/models/iris/records","Model":"iris","Reason":"wrong_type","Detail":"row 3"}""";

        Assert.Contains("|= `\"@l\":\"Warning\"`", alerts["DriftMonitorPayloadRejections"], StringComparison.Ordinal);
        Assert.Contains("\"@l\":\"Warning\"", Line, StringComparison.Ordinal);
        Assert.Contains("Rejected ", Line, StringComparison.Ordinal);
        Assert.Contains("json model=\"Model\", reason=\"Reason\"", alerts["DriftMonitorPayloadRejections"], StringComparison.Ordinal);
        Assert.Matches("\"@l\":\"(Error|Fatal)\"", Line.Replace("Warning", "Error", StringComparison.Ordinal));
        Assert.Contains("|~ `\"@l\":\"(Error|Fatal)\"`", alerts["DriftMonitorWorkloadErrors"], StringComparison.Ordinal);
    }

    [Fact]
    public void RulesLoadedAsTheCharmLoadsThem_ParseWithTheTopologyInjected()
    {
        foreach (var transform in new[] { null, CosTool.LogQlTransform })
        {
            var rules = new AlertRules(QueryLanguage.LogQl, Topology, transform);
            rules.AddPath(CharmFiles.LokiRulesDir);

            Assert.Empty(rules.Problems);
            var loaded = rules.ToJson()["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject()).ToList();
            Assert.Equal(2, loaded.Count);
            foreach (var rule in loaded)
            {
                var expr = rule["expr"]!.GetValue<string>();
                Assert.DoesNotContain("%%", expr, StringComparison.Ordinal);
                Assert.True(LogQl.TryParse(expr, out var error), error);
                Assert.Equal("drift-monitor", rule["labels"]!["juju_application"]!.GetValue<string>());
                if (transform is not null)
                {
                    Assert.Contains("juju_application=\"drift-monitor\"", expr, StringComparison.Ordinal);
                    Assert.Contains("job=~\".+\"", expr, StringComparison.Ordinal);
                }
            }
        }
    }
}
