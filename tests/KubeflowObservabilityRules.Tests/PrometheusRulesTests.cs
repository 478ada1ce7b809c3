// PrometheusRulesTests: the charm's Prometheus alert rules are valid (promtool), tested (promtool test rules, with a
// firing and a quiet case per alert and the full labels and annotations of every firing case), actionable for operators,
// and still valid, and still firing with their details, once loaded as the charm publishes them and COS injects the topology.
using CharmRules.Testing;
using MlObs.Cos.Rules;
using YamlDotNet.RepresentationModel;

namespace KubeflowObservabilityRules.Tests;

public sealed class PrometheusRulesTests
{
    [SkippableFact]
    public void PromtoolCheckRules_AcceptsEveryRuleFile()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);

        RuleChecks.AssertPromtoolChecksRules(KfCharm.Files);
    }

    [SkippableFact]
    public void PromtoolTestRules_PassesEveryTestFile()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);

        RuleChecks.AssertPromtoolTestsPass(KfCharm.Files);
    }

    [Fact]
    public void RuleFiles_HoldEveryExpectedAlert_Once()
    {
        var names = Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles).Select(a => a.Alert).ToList();

        Assert.Equal(KfCharm.PrometheusAlerts.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryAlert_HasAFiringAndAQuietPromtoolCase() => RuleChecks.AssertEveryAlertHasFiringAndQuietCases(KfCharm.Files);

    [Fact]
    public void EveryFiringCase_ChecksTheSeverityTheSummaryAndTheDescription()
    {
        var cases = 0;
        foreach (var file in KfCharm.Files.PromtoolTestFiles)
        {
            foreach (var expected in RuleChecks.PromtoolCases(Yaml.Load(file)).SelectMany(c => Yaml.Sequence(c, "exp_alerts")).OfType<YamlMappingNode>())
            {
                var labels = Yaml.Mapping(expected, "exp_labels");
                var annotations = Yaml.Mapping(expected, "exp_annotations");
                Assert.True(labels is not null && Yaml.Scalar(labels, "severity") is not null, $"{Path.GetFileName(file)}: an expected alert does not check its severity");
                Assert.True(annotations is not null, $"{Path.GetFileName(file)}: an expected alert does not check its annotations");
                Assert.False(string.IsNullOrWhiteSpace(Yaml.Scalar(annotations, "summary")), $"{Path.GetFileName(file)}: an expected alert does not check its summary");
                Assert.Contains("What to do:", Yaml.Scalar(annotations, "description") ?? string.Empty, StringComparison.Ordinal);
                cases++;
            }
        }

        Assert.True(cases >= KfCharm.PrometheusAlerts.Length, $"only {cases} firing expectations");
    }

    [Fact]
    public void EveryAlert_HasSeverityForSummaryAndAnActionableDescription()
    {
        foreach (var (file, alert, rule) in Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles))
        {
            RuleChecks.AssertAlertIsComplete(file, alert, rule, QueryLanguage.PromQl, "warning", "critical");

            // The summary names what is wrong: an object of a namespace, or the exporter's resource or reason.
            var summary = Yaml.Scalar(Yaml.Mapping(rule, "annotations")!, "summary")!;
            Assert.True(
                new[] { "{{ $labels.namespace }}", "{{ $labels.resource }}", "{{ $labels.reason }}" }.Any(l => summary.Contains(l, StringComparison.Ordinal)),
                $"{alert}: the summary names no object");
        }
    }

    [Fact]
    public void AlertsOnNamespacedObjects_GiveKubectlCommandsInThatNamespace()
    {
        var namespaced = Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles)
            .Where(a => Yaml.Scalar(Yaml.Mapping(a.Rule, "annotations")!, "summary")!.Contains("{{ $labels.namespace }}", StringComparison.Ordinal))
            .ToList();

        Assert.True(namespaced.Count >= 10, $"only {namespaced.Count} alerts on namespaced objects");
        Assert.All(namespaced, a => Assert.Contains("`kubectl -n {{ $labels.namespace }} ", Yaml.Scalar(Yaml.Mapping(a.Rule, "annotations")!, "description")!, StringComparison.Ordinal));
    }

    [Fact]
    public void AlertsOnTheExporter_NameTheUnitsApplicationAndModel_AndKeepTheirLabels()
    {
        var exporter = Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles).Where(a => Path.GetFileName(a.File) == "exporter.rule").ToList();
        const string Application = "{{ with $labels.juju_application }}{{ . }}{{ else }}kubeflow-observability-k8s{{ end }}";

        Assert.Equal(4, exporter.Count);
        foreach (var (_, alert, rule) in exporter)
        {
            var description = Yaml.Scalar(Yaml.Mapping(rule, "annotations")!, "description")!;
            Assert.True(description.Contains($"juju config {Application}", StringComparison.Ordinal) || description.Contains($"logs {Application}-0", StringComparison.Ordinal), $"{alert}: no command for this application");
            // Annotation templates see the expression's labels only: an aggregation by chosen labels would lose juju_*.
            Assert.DoesNotContain(" by (", Yaml.Scalar(rule, "expr")!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AlertsWhoseAnnotationsUseTheTopology_KeepItInTheirExpression()
    {
        var users = Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles.Concat(KfCharm.Files.LokiRuleFiles))
            .Where(a => Yaml.Mapping(a.Rule, "annotations")!.Children.Values.OfType<YamlScalarNode>().Any(v => v.Value!.Contains("$labels.juju_", StringComparison.Ordinal)))
            .ToList();

        Assert.True(users.Count >= 6, $"only {users.Count} alerts use the topology in their annotations");
        Assert.All(users, a => Assert.DoesNotContain(" by (", Yaml.Scalar(a.Rule, "expr")!, StringComparison.Ordinal));
    }

    [Fact]
    public void RulesReadme_DocumentsEveryAlert()
    {
        var readme = File.ReadAllText(Path.Combine(KfCharm.Files.PrometheusRulesDir, "README.md"));

        Assert.All(KfCharm.PrometheusAlerts.Concat(KfCharm.InferenceLogAlerts).Concat(KfCharm.ExporterLogAlerts), a => Assert.Contains($"| `{a}` (", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void FailureRate_NeedsFiveRunsAndHalfOfThemFailed()
    {
        var expr = Yaml.Scalar(Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles).Single(a => a.Alert == "KubeflowPipelineRunFailureRateHigh").Rule, "expr")!;

        Assert.Contains(">= 0.5", expr, StringComparison.Ordinal);
        Assert.Contains("< 10800) >= 5", expr, StringComparison.Ordinal);
        Assert.Contains("phase=~\"Failed|Error\"", expr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void RulesLoadedAsTheCharmLoadsThem_PassPromtool()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);

        // As MetricsEndpointProvider publishes them (no transform: COS's cos-tool injects the matchers), and as
        // prometheus-k8s writes them after its cos-tool did (CosTool.PromQlTransform).
        foreach (var transform in new[] { null, CosTool.PromQlTransform })
        {
            var (published, alerts) = RuleChecks.LoadAsTheCharmDoes(KfCharm.Files.PrometheusRulesDir, QueryLanguage.PromQl, KfCharm.Topology, transform, withHostHealth: true);

            var groups = published["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("kubeflow_7e1c2b3a_kubeflow_observability_KubeflowInference_rules", groups);
            Assert.Equal(KfCharm.PrometheusAlerts.Length + 2, alerts.Count);
            RuleChecks.AssertPromtoolAccepts(published);
        }
    }

    [SkippableFact]
    public void RulesLoadedWithTheTopology_FireOnTheirApplicationsSeries_AndQueryOnlyThem()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);
        var (published, _) = RuleChecks.LoadAsTheCharmDoes(KfCharm.Files.PrometheusRulesDir, QueryLanguage.PromQl, KfCharm.Topology, CosTool.PromQlTransform, withHostHealth: false);
        var dir = Directory.CreateTempSubdirectory("kf-topology-").FullName;
        try
        {
            File.Copy(Path.Combine(KfCharm.PromtoolDir, "topology.test.yaml"), Path.Combine(dir, "topology.test.yaml"));
            File.WriteAllText(Path.Combine(dir, "loaded.rules.json"), published.ToJsonString());

            var (exitCode, output) = Promtool.Run(dir, "test", "rules", "topology.test.yaml");

            Assert.True(exitCode == 0, $"promtool test rules topology.test.yaml failed ({exitCode}):\n{output}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
