// MetricsDocumentedTests: every metric the rules and the dashboard use is in the workload's metrics interface
// (src/MlObs.DriftMonitor/Metrics/README.md), so renaming a metric there cannot silently break an alert or a panel.
using System.Text.RegularExpressions;

namespace DriftMonitorRules.Tests;

public sealed partial class MetricsDocumentedTests
{
    [Fact]
    public void EveryMetricInRulesAndDashboards_IsDocumented()
    {
        var documented = DocumentedMetrics();
        Assert.Contains("mlobs_drift_score", documented.Keys);

        var used = CharmFiles.PrometheusRuleFiles.Concat(CharmFiles.DashboardFiles)
            .SelectMany(f => MetricName().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Name: m.Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(
            documented.ContainsKey(u.Name) || documented.GetValueOrDefault(HistogramBase().Replace(u.Name, string.Empty)) == "histogram",
            $"{u.File} uses {u.Name}, which src/MlObs.DriftMonitor/Metrics/README.md does not document"));
    }

    [Fact]
    public void DocumentedMetrics_AreReadFromTheTables()
    {
        var documented = DocumentedMetrics();

        Assert.Equal("counter", documented["mlobs_records_rejected_total"]);
        Assert.Equal("histogram", documented["mlobs_evaluation_duration_seconds"]);
        Assert.Equal("gauge", documented["mlobs_drift_score"]);
        Assert.DoesNotContain("mlobs_drift_score_bucket", documented.Keys);
    }

    // name → type (gauge, counter, histogram), from the rows of the README's metric tables.
    private static Dictionary<string, string> DocumentedMetrics() =>
        File.ReadLines(CharmFiles.MetricsReadme)
            .Select(line => TableName().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"\bmlobs_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramBase();

    [GeneratedRegex(@"^\| `(?<name>mlobs_[a-z0-9_]+)` \| (?<type>[a-z]+) \|")]
    private static partial Regex TableName();
}
