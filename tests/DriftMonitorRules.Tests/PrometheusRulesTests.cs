// PrometheusRulesTests: the charm's Prometheus alert rules are valid (promtool), tested (promtool test rules, with a
// firing and a quiet case per alert), complete for operators, and still valid once loaded as the charm loads them.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.Rules;
using YamlDotNet.RepresentationModel;

namespace DriftMonitorRules.Tests;

public sealed class PrometheusRulesTests
{
    private static readonly JujuTopology Topology =
        new("kubeflow", "f2c1b2a6-1234-4abc-8def-0123456789ab", "drift-monitor", "drift-monitor/0", "drift-monitor-k8s");

    private static readonly string[] ExpectedAlerts =
    [
        "FeatureDriftDetected", "PredictionDriftDetected", "DatasetDriftDetected", "DriftMonitorNoInferenceTraffic",
        "DriftMonitorHighRejectionRate", "DriftMonitorUnknownModelRejections", "DriftMonitorReferenceMissing",
        "DriftMonitorSchemaMismatch", "DriftMonitorEvaluationStale", "DriftMonitorEvaluationMissing",
    ];

    [SkippableFact]
    public void PromtoolCheckRules_AcceptsEveryRuleFile()
    {
        Skip.IfNot(File.Exists(CharmFiles.PromtoolPath), CharmFiles.PromtoolMissing);

        var (exitCode, output) = CharmFiles.RunPromtool(CharmFiles.PrometheusRulesDir, ["check", "rules", .. CharmFiles.PrometheusRuleFiles]);

        Assert.True(exitCode == 0, $"promtool check rules failed ({exitCode}):\n{output}");
    }

    [SkippableFact]
    public void PromtoolTestRules_PassesEveryTestFile()
    {
        Skip.IfNot(File.Exists(CharmFiles.PromtoolPath), CharmFiles.PromtoolMissing);

        foreach (var file in CharmFiles.PromtoolTestFiles)
        {
            var (exitCode, output) = CharmFiles.RunPromtool(Path.GetDirectoryName(file)!, "test", "rules", Path.GetFileName(file));
            Assert.True(exitCode == 0, $"promtool test rules {Path.GetFileName(file)} failed ({exitCode}):\n{output}");
        }
    }

    [Fact]
    public void RuleFiles_HoldEveryExpectedAlert_Once()
    {
        var names = CharmFiles.Alerts(CharmFiles.PrometheusRuleFiles).Select(a => a.Alert).ToList();

        Assert.Equal(ExpectedAlerts.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryAlert_HasAFiringAndAQuietPromtoolCase()
    {
        var firing = new HashSet<string>(StringComparer.Ordinal);
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        var rulesTested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in CharmFiles.PromtoolTestFiles)
        {
            var document = CharmFiles.Load(file);
            foreach (var ruleFile in CharmFiles.Sequence(document, "rule_files").OfType<YamlScalarNode>())
            {
                rulesTested.Add(Path.GetFileName(ruleFile.Value!));
            }

            foreach (var test in CharmFiles.Sequence(document, "tests").OfType<YamlMappingNode>())
            {
                foreach (var caseNode in CharmFiles.Sequence(test, "alert_rule_test").OfType<YamlMappingNode>())
                {
                    var alert = CharmFiles.Scalar(caseNode, "alertname");
                    Assert.False(string.IsNullOrEmpty(alert), $"{Path.GetFileName(file)}: an alert_rule_test case has no alertname");
                    Assert.NotNull(CharmFiles.Scalar(caseNode, "eval_time"));
                    var expected = CharmFiles.Sequence(caseNode, "exp_alerts").ToList();
                    (expected.Count == 0 ? quiet : firing).Add(alert!);
                }
            }
        }

        var alerts = CharmFiles.Alerts(CharmFiles.PrometheusRuleFiles);
        Assert.All(alerts, a => Assert.True(firing.Contains(a.Alert), $"{a.Alert} has no promtool case where it fires"));
        Assert.All(alerts, a => Assert.True(quiet.Contains(a.Alert), $"{a.Alert} has no promtool case where it must not fire (exp_alerts: [])"));
        Assert.All(CharmFiles.PrometheusRuleFiles, f => Assert.Contains(Path.GetFileName(f), rulesTested));
        var known = alerts.Select(a => a.Alert).ToHashSet(StringComparer.Ordinal);
        Assert.All(firing.Concat(quiet), name => Assert.True(known.Contains(name), $"a promtool case tests {name}, which no rule file defines"));
    }

    [Fact]
    public void EveryAlert_HasSeverityForSummaryAndAnActionableDescription()
    {
        foreach (var (file, alert, rule) in CharmFiles.Alerts(CharmFiles.PrometheusRuleFiles))
        {
            var where = $"{Path.GetFileName(file)}: {alert}";
            Assert.Contains(CharmFiles.Scalar(CharmFiles.Mapping(rule, "labels")!, "severity"), new[] { "warning", "critical" });
            Assert.Matches("^[0-9]+[mh]$", CharmFiles.Scalar(rule, "for") ?? string.Empty);
            var annotations = CharmFiles.Mapping(rule, "annotations");
            Assert.NotNull(annotations);
            var expr = CharmFiles.Scalar(rule, "expr")!;
            var summary = CharmFiles.Scalar(annotations, "summary") ?? string.Empty;
            var description = CharmFiles.Scalar(annotations, "description") ?? string.Empty;

            // Alerts per model name the model; only the unattributed refusals (model="") have none.
            Assert.True(
                expr.Contains("model=\"\"", StringComparison.Ordinal) || summary.Contains("{{ $labels.model }}", StringComparison.Ordinal),
                $"{where}: the summary does not name the model");
            Assert.True(description.Contains("What to do:", StringComparison.Ordinal), $"{where}: the description does not say what to do");
            Assert.True(PromQl.TryParse(expr, out var error), $"{where}: {error}");
            Assert.DoesNotContain("juju_", expr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DriftAlerts_TellWhereToReadTheReport()
    {
        foreach (var (_, alert, rule) in CharmFiles.Alerts(CharmFiles.PrometheusRuleFiles).Where(a => a.Alert.EndsWith("DriftDetected", StringComparison.Ordinal)))
        {
            var description = CharmFiles.Scalar(CharmFiles.Mapping(rule, "annotations")!, "description")!;
            Assert.True(description.Contains("show-report model={{ $labels.model }}", StringComparison.Ordinal), $"{alert}: no show-report action");
            Assert.True(description.Contains("/v1/models/{{ $labels.model }}/report", StringComparison.Ordinal), $"{alert}: no report URL");
        }
    }

    [Fact]
    public void PredictionConvention_SplitsInputsFromOutputs()
    {
        var alerts = CharmFiles.Alerts(CharmFiles.PrometheusRuleFiles).ToDictionary(a => a.Alert, a => CharmFiles.Scalar(a.Rule, "expr")!);
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
        Skip.IfNot(File.Exists(CharmFiles.PromtoolPath), CharmFiles.PromtoolMissing);

        // As MetricsEndpointProvider publishes them (no transform: COS's cos-tool injects the matchers), and as
        // prometheus-k8s writes them after its cos-tool did (CosTool.PromQlTransform).
        foreach (var transform in new[] { null, CosTool.PromQlTransform })
        {
            var rules = new AlertRules(QueryLanguage.PromQl, Topology, transform);
            rules.AddPath(CharmFiles.PrometheusRulesDir);
            rules.Add(AlertRules.HostHealthRules());

            Assert.Empty(rules.Problems);
            var published = rules.ToJson();
            var groups = published["groups"]!.AsArray().Select(g => g!.AsObject()).ToList();
            Assert.Contains(groups, g => g["name"]!.GetValue<string>() == "kubeflow_f2c1b2a6_drift_monitor_DriftMonitorDrift_rules");
            var loaded = groups.SelectMany(g => g["rules"]!.AsArray()).Select(r => r!.AsObject()).Where(r => r["alert"] is not null).ToList();
            Assert.Equal(ExpectedAlerts.Length + 2, loaded.Count);
            foreach (var rule in loaded)
            {
                Assert.Equal("drift-monitor", rule["labels"]!["juju_application"]!.GetValue<string>());
                Assert.Equal("kubeflow", rule["labels"]!["juju_model"]!.GetValue<string>());
                var expr = rule["expr"]!.GetValue<string>();
                Assert.True(PromQl.TryParse(expr, out var error), error);
                if (transform is not null)
                {
                    Assert.Contains("juju_application=\"drift-monitor\"", expr, StringComparison.Ordinal);
                }
            }

            var dir = Directory.CreateTempSubdirectory("drift-rules-").FullName;
            try
            {
                var file = Path.Combine(dir, "loaded.rules.json");
                File.WriteAllText(file, published.ToJsonString()); // JSON is YAML: promtool reads it as a rule file.
                var (exitCode, output) = CharmFiles.RunPromtool(dir, "check", "rules", file);
                Assert.True(exitCode == 0, $"promtool check rules on the loaded rules failed ({exitCode}):\n{output}\n{published}");
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
