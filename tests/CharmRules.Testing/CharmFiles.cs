// CharmFiles: where a charm's rule, dashboard and promtool files are, given the charm's directory (the test project copies
// them to its output with the charm's layout: <dir>/src/prometheus_alert_rules, …, <dir>/tests/promtool).
using Xunit;

namespace CharmRules.Testing;

/// <summary>The rule, dashboard and promtool test files of one charm directory.</summary>
public sealed class CharmFiles(string charmDir)
{
    /// <summary>The charm directory as copied to the test output.</summary>
    public string CharmDir { get; } = charmDir;

    public string PrometheusRulesDir => Path.Combine(CharmDir, "src", "prometheus_alert_rules");

    public string LokiRulesDir => Path.Combine(CharmDir, "src", "loki_alert_rules");

    public string DashboardsDir => Path.Combine(CharmDir, "src", "grafana_dashboards");

    public string PromtoolTestsDir => Path.Combine(CharmDir, "tests", "promtool");

    public IReadOnlyList<string> PrometheusRuleFiles => Files(PrometheusRulesDir, "*.rule");

    public IReadOnlyList<string> LokiRuleFiles => Files(LokiRulesDir, "*.rule");

    public IReadOnlyList<string> PromtoolTestFiles => Files(PromtoolTestsDir, "*.test.yaml");

    public IReadOnlyList<string> DashboardFiles => Files(DashboardsDir, "*.json");

    /// <summary>The dashboard file named <paramref name="fileName"/>; fails when there is not exactly one.</summary>
    public string Dashboard(string fileName) => Assert.Single(DashboardFiles, f => Path.GetFileName(f) == fileName);

    private static List<string> Files(string dir, string pattern)
    {
        Assert.True(Directory.Exists(dir), $"{dir} was not copied to the test output");
        var files = Directory.GetFiles(dir, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return files;
    }
}
