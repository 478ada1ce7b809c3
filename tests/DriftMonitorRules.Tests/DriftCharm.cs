// DriftCharm: the drift-monitor-k8s files under test, copied to the test output with the charm's layout (see the csproj),
// and the topology the charm's rules and dashboard are loaded with.
using CharmRules.Testing;
using MlObs.Cos;

namespace DriftMonitorRules.Tests;

internal static class DriftCharm
{
    public static JujuTopology Topology { get; } =
        new("kubeflow", "f2c1b2a6-1234-4abc-8def-0123456789ab", "drift-monitor", "drift-monitor/0", "drift-monitor-k8s");

    public static CharmFiles Files { get; } = new(Path.Combine(AppContext.BaseDirectory, "charm"));

    public static string MetricsReadme => Path.Combine(AppContext.BaseDirectory, "metrics", "README.md");
}
