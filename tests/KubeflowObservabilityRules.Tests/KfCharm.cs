// KfCharm: the kubeflow-observability-k8s files under test, copied to the test output with the charm's layout (see the
// csproj), the topology the charm's rules and dashboards are loaded with, and the alerts each rule file must hold.
using CharmRules.Testing;
using MlObs.Cos;

namespace KubeflowObservabilityRules.Tests;

internal static class KfCharm
{
    public const string Name = "kubeflow-observability-k8s";

    public static JujuTopology Topology { get; } =
        new("kubeflow", "7e1c2b3a-5d6f-4a8b-9c0d-1e2f3a4b5c6d", "kubeflow-observability", "kubeflow-observability/0", Name);

    public static CharmFiles Files { get; } = new(Path.Combine(AppContext.BaseDirectory, "charm"));

    public static string MetricsReadme => Path.Combine(AppContext.BaseDirectory, "metrics", "README.md");

    public static string PromtoolDir => Path.Combine(AppContext.BaseDirectory, "Promtool");

    /// <summary>A file of the shared specs beside the repository root (../shared/specs), read at test time.</summary>
    public static string SharedSpec(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
        {
            dir = dir.Parent;
        }

        return Path.GetFullPath(Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "..", "shared", "specs", name));
    }

    public static readonly string[] PrometheusAlerts =
    [
        "KubeflowPipelineRunFailureRateHigh",
        "KubeflowInferenceServiceNotReady", "KubeflowInferenceErrorRateHigh", "KubeflowInferenceLatencyHigh", "KubeflowInferenceScrapeFailing",
        "KubeflowNotebookCrashLooping", "KubeflowNotebookCannotStart",
        "KubeflowKatibExperimentFailed", "KubeflowTrainingJobFailed", "KubeflowTrainingJobRestarting",
        "KubeflowExporterListFailing", "KubeflowExporterWatchErrors", "KubeflowInferenceSeriesDropped", "KubeflowExporterLogLinesDropped",
    ];

    public static readonly string[] InferenceLogAlerts = ["KubeflowInferenceServerErrors", "KubeflowInferenceServerExceptions"];

    public static readonly string[] ExporterLogAlerts = ["KubeflowExporterErrors", "KubeflowExporterForbidden"];
}
