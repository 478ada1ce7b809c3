// LokiRulesTests: the charm's LogQL alert rules parse with MlObs.Cos's LogQL parser, before and after the topology
// placeholder is replaced as the Cos loader does, and carry their names, severities and annotations.
using CharmRules.Testing;
using MlObs.Cos.Rules;

namespace DriftMonitorRules.Tests;

public sealed class LokiRulesTests
{
    [Fact]
    public void RuleFiles_HoldTheWorkloadErrorAndRejectionAlerts()
    {
        var names = Yaml.Alerts(DriftCharm.Files.LokiRuleFiles).Select(a => a.Alert).Order(StringComparer.Ordinal);

        Assert.Equal(["DriftMonitorPayloadRejections", "DriftMonitorWorkloadErrors"], names);
    }

    [Fact]
    public void EveryExpression_UsesThePlaceholder_AndParsesOnceItIsReplaced()
    {
        foreach (var (file, alert, rule) in Yaml.Alerts(DriftCharm.Files.LokiRuleFiles))
        {
            var expr = Yaml.Scalar(rule, "expr")!;
            Assert.True(expr.Contains("{%%juju_topology%%}", StringComparison.Ordinal), $"{Path.GetFileName(file)}: {alert}: no %%juju_topology%% selector");
            Assert.Contains("{job=~\".+\"}", AlertRules.ReplaceTopologyPlaceholder(expr, QueryLanguage.LogQl), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryAlert_HasSeverityForAndAnnotations()
    {
        foreach (var (file, alert, rule) in Yaml.Alerts(DriftCharm.Files.LokiRuleFiles))
        {
            RuleChecks.AssertAlertIsComplete(file, alert, rule, QueryLanguage.LogQl, "warning", "critical");
        }
    }

    [Fact]
    public void Expressions_MatchTheWorkloadsCompactJsonLines()
    {
        var alerts = Yaml.Alerts(DriftCharm.Files.LokiRuleFiles).ToDictionary(a => a.Alert, a => Yaml.Scalar(a.Rule, "expr")!);
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
            var (_, alerts) = RuleChecks.LoadAsTheCharmDoes(DriftCharm.Files.LokiRulesDir, QueryLanguage.LogQl, DriftCharm.Topology, transform, withHostHealth: false);

            Assert.Equal(2, alerts.Count);
            Assert.All(alerts, a => Assert.Contains("job=~\".+\"", a["expr"]!.GetValue<string>(), StringComparison.Ordinal));
        }
    }
}
