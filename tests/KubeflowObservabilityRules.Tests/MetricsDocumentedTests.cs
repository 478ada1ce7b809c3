// MetricsDocumentedTests: every metric the rules and dashboards use is the exporter's interface
// (src/MlObs.KubeflowExporter/Metrics/README.md) or one of the inference pods' own series that the exporter re-exposes
// (an explicit allow-list, with the spec section that names it), so renaming a metric cannot silently break an alert or
// a panel.
using System.Text.RegularExpressions;
using CharmRules.Testing;

namespace KubeflowObservabilityRules.Tests;

public sealed partial class MetricsDocumentedTests
{
    private const string ExporterNames = "kubeflow_[a-z0-9_]+";

    // The inference pods' histograms the rules and dashboards read, re-exposed by the exporter with namespace,
    // inference_service and pod (Metrics/README.md, "Inference pods (aggregated)"). Names from ../shared/specs/ckf-cos.md.
    private static readonly Dictionary<string, string> UpstreamHistograms = new(StringComparer.Ordinal)
    {
        // §5.6 KServe: Knative's queue-proxy, merged on KServe's aggregation port 9088 (milliseconds; labels
        // response_code, response_code_class); the upstream example query uses revision_app_request_latencies_count.
        ["revision_app_request_latencies"] = "5.6",
        // §5.6 KServe: the Python model server's predict step (seconds; label model_name).
        ["request_predict_seconds"] = "5.6",
        // §5.7 Seldon Core v1: the executor, ingress to executor (seconds; labels code, method, deployment_name, ...).
        ["seldon_api_executor_server_requests_seconds"] = "5.7",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "Inf", "NaN", "inf", "nan",
    };

    [Fact]
    public void EveryExporterMetricInRulesAndDashboards_IsDocumented()
    {
        var documented = MetricsReadme.AssertCharmMetricsDocumented(KfCharm.Files, KfCharm.MetricsReadme, "src/MlObs.KubeflowExporter/Metrics/README.md", ExporterNames);

        Assert.Contains("kubeflow_inference_scrape_up", documented.Keys);
    }

    [Fact]
    public void EverySelectorInRulesAndDashboards_IsAnExporterMetricOrAnAllowedUpstreamSeries()
    {
        var documented = MetricsReadme.Documented(KfCharm.MetricsReadme, ExporterNames);
        foreach (var (name, type) in UpstreamHistograms.Keys.Select(n => (n, "histogram")))
        {
            documented[name] = type;
        }

        var used = PrometheusExpressions().SelectMany(e => MetricNames(e.Expr).Select(n => (e.File, Name: n))).ToList();

        Assert.True(used.Count >= 100, $"only {used.Count} metric uses found");
        MetricsReadme.AssertAllDocumented(used, documented, "the exporter's metrics README or the allow-list of re-exposed upstream series");
        Assert.All(UpstreamHistograms.Keys, n => Assert.Contains(used, u => u.Name.StartsWith(n, StringComparison.Ordinal)));
    }

    [SkippableFact]
    public void AllowedUpstreamSeries_AreNamedInTheSpecSectionsCited()
    {
        var spec = KfCharm.SharedSpec("ckf-cos.md");
        Skip.IfNot(File.Exists(spec), $"{spec} is missing (the shared dir beside the repository root): the allow-list is not checked against it.");
        var text = File.ReadAllText(spec);

        foreach (var (name, section) in UpstreamHistograms)
        {
            var start = text.IndexOf($"### {section} ", StringComparison.Ordinal);
            Assert.True(start >= 0, $"ckf-cos.md has no section {section}");
            var end = text.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
            Assert.Contains(name, text[start..end], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("sum by (namespace, le) (rate(kubeflow_x_bucket{phase=~\"Failed|Error\"}[10m])) / 1000 and on (a, b) kubeflow_y", "kubeflow_x_bucket,kubeflow_y")]
    [InlineData("label_replace(time() - kubeflow_t < 10800, \"kind\", \"InferenceService\", \"\", \"\") or vector(0)", "kubeflow_t")]
    [InlineData("(x == 1) * on (namespace, workflow) group_left () y offset 5m", "x,y")]
    public void MetricNames_FindsTheSelectorsOfAnExpression(string expr, string expected)
    {
        Assert.Equal(expected.Split(','), MetricNames(expr));
    }

    // The metric names of a PromQL expression: what is left once strings, matchers, ranges, grouping clauses and function
    // calls are taken out.
    private static List<string> MetricNames(string expr)
    {
        var s = StringLiteral().Replace(expr, "\"\"");
        s = Matchers().Replace(s, string.Empty);
        s = Ranges().Replace(s, string.Empty);
        s = Grouping().Replace(s, string.Empty);
        return [.. Identifier().Matches(s).Where(m => !m.Groups["call"].Success && !Keywords.Contains(m.Groups["name"].Value)).Select(m => m.Groups["name"].Value)];
    }

    private static IEnumerable<(string File, string Expr)> PrometheusExpressions()
    {
        foreach (var (file, _, rule) in Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles))
        {
            yield return (Path.GetFileName(file), Yaml.Scalar(rule, "expr")!);
        }

        foreach (var file in KfCharm.Files.DashboardFiles)
        {
            var dashboard = DashboardChecks.Load(file);
            foreach (var panel in DashboardChecks.Panels(dashboard).Where(p => DashboardChecks.DatasourceUid(p["datasource"]) == DashboardChecks.PrometheusDs))
            {
                foreach (var target in panel["targets"]!.AsArray())
                {
                    yield return (Path.GetFileName(file), target!["expr"]!.GetValue<string>());
                }
            }

            foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
            {
                var query = variable!["query"]!["query"]!.GetValue<string>();
                yield return (Path.GetFileName(file), query["label_values(".Length..query.LastIndexOf(',')]);
            }
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w$.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();
}
