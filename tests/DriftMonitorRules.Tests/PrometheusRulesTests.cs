// PrometheusRulesTests: the charm's Prometheus alert rules are valid (promtool), tested (promtool test rules, with a
// firing and a quiet case per alert), complete for operators, and still valid once loaded as the charm loads them.
using CharmRules.Testing;
using MlObs.Cos.Rules;

namespace DriftMonitorRules.Tests;

public sealed class PrometheusRulesTests
{
    private static readonly string[] ExpectedAlerts =
    [
        "FeatureDriftDetected", "PredictionDriftDetected", "DatasetDriftDetected", "DriftMonitorNoInferenceTraffic",
        "DriftMonitorHighRejectionRate", "DriftMonitorUnknownModelRejections", "DriftMonitorReferenceMissing",
        "DriftMonitorSchemaMismatch", "DriftMonitorEvaluationStale", "DriftMonitorEvaluationMissing",
    ];

    [SkippableFact]
    public void PromtoolCheckRules_AcceptsEveryRuleFile()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);

        RuleChecks.AssertPromtoolChecksRules(DriftCharm.Files);
    }

    [SkippableFact]
    public void PromtoolTestRules_PassesEveryTestFile()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);

        RuleChecks.AssertPromtoolTestsPass(DriftCharm.Files);
    }

    [Fact]
    public void RuleFiles_HoldEveryExpectedAlert_Once()
    {
        var names = Yaml.Alerts(DriftCharm.Files.PrometheusRuleFiles).Select(a => a.Alert).ToList();

        Assert.Equal(ExpectedAlerts.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryAlert_HasAFiringAndAQuietPromtoolCase() => RuleChecks.AssertEveryAlertHasFiringAndQuietCases(DriftCharm.Files);

    [Fact]
    public void EveryAlert_HasSeverityForSummaryAndAnActionableDescription()
    {
        foreach (var (file, alert, rule) in Yaml.Alerts(DriftCharm.Files.PrometheusRuleFiles))
        {
            RuleChecks.AssertAlertIsComplete(file, alert, rule, QueryLanguage.PromQl, "warning", "critical");

            // Alerts per model name the model; only the unattributed refusals (model="") have none.
            var expr = Yaml.Scalar(rule, "expr")!;
            var summary = Yaml.Scalar(Yaml.Mapping(rule, "annotations")!, "summary")!;
            Assert.True(
                expr.Contains("model=\"\"", StringComparison.Ordinal) || summary.Contains("{{ $labels.model }}", StringComparison.Ordinal),
                $"{Path.GetFileName(file)}: {alert}: the summary does not name the model");
        }
    }

    [Fact]
    public void DriftAlerts_TellWhereToReadTheReport()
    {
        foreach (var (_, alert, rule) in Yaml.Alerts(DriftCharm.Files.PrometheusRuleFiles).Where(a => a.Alert.EndsWith("DriftDetected", StringComparison.Ordinal)))
        {
            var description = Yaml.Scalar(Yaml.Mapping(rule, "annotations")!, "description")!;
            Assert.True(description.Contains("show-report model={{ $labels.model }}", StringComparison.Ordinal), $"{alert}: no show-report action");
            Assert.True(description.Contains("/v1/models/{{ $labels.model }}/report", StringComparison.Ordinal), $"{alert}: no report URL");
        }
    }

    [Fact]
    public void PredictionConvention_SplitsInputsFromOutputs()
    {
        var alerts = Yaml.Alerts(DriftCharm.Files.PrometheusRuleFiles).ToDictionary(a => a.Alert, a => Yaml.Scalar(a.Rule, "expr")!);
        const string Convention = "prediction|prediction_.+|predicted_.+|.+_prediction|output|output_.+";

        Assert.Contains($"feature!~\"{Convention}\"", alerts["FeatureDriftDetected"], StringComparison.Ordinal);
        Assert.Contains($"feature=~\"{Convention}\"", alerts["PredictionDriftDetected"], StringComparison.Ordinal);
        var regex = new System.Text.RegularExpressions.Regex($"^(?:{Convention})$");
        Assert.All(new[] { "prediction", "prediction_proba", "predicted_class", "churn_prediction", "output", "output_0" }, n => Assert.Matches(regex, n));
        Assert.All(new[] { "petal_length", "predictions", "outputs", "age" }, n => Assert.DoesNotMatch(regex, n));
    }

    [SkippableFact]
    public void RulesLoadedAsTheCharmLoadsThem_PassPromtool()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);

        // As MetricsEndpointProvider publishes them (no transform: COS's cos-tool injects the matchers), and as
        // prometheus-k8s writes them after its cos-tool did (CosTool.PromQlTransform).
        foreach (var transform in new[] { null, CosTool.PromQlTransform })
        {
            var (published, alerts) = RuleChecks.LoadAsTheCharmDoes(DriftCharm.Files.PrometheusRulesDir, QueryLanguage.PromQl, DriftCharm.Topology, transform, withHostHealth: true);

            var groups = published["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("kubeflow_f2c1b2a6_drift_monitor_DriftMonitorDrift_rules", groups);
            Assert.Equal(ExpectedAlerts.Length + 2, alerts.Count);
            RuleChecks.AssertPromtoolAccepts(published);
        }
    }
}
