// MetricsDocumentedTests: every metric the rules and the dashboard use is in the workload's metrics interface
// (src/MlObs.DriftMonitor/Metrics/README.md), so renaming a metric there cannot silently break an alert or a panel.
using CharmRules.Testing;

namespace DriftMonitorRules.Tests;

public sealed class MetricsDocumentedTests
{
    private const string Names = "mlobs_[a-z0-9_]+";

    [Fact]
    public void EveryMetricInRulesAndDashboards_IsDocumented()
    {
        var documented = MetricsReadme.AssertCharmMetricsDocumented(DriftCharm.Files, DriftCharm.MetricsReadme, "src/MlObs.DriftMonitor/Metrics/README.md", Names);

        Assert.Contains("mlobs_drift_score", documented.Keys);
    }

    [Fact]
    public void DocumentedMetrics_AreReadFromTheTables()
    {
        var documented = MetricsReadme.Documented(DriftCharm.MetricsReadme, Names);

        Assert.Equal("counter", documented["mlobs_records_rejected_total"]);
        Assert.Equal("histogram", documented["mlobs_evaluation_duration_seconds"]);
        Assert.Equal("gauge", documented["mlobs_drift_score"]);
        Assert.DoesNotContain("mlobs_drift_score_bucket", documented.Keys);
    }
}
