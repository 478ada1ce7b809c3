// Which inference pods are scraped, and where: KServe pods on the port and path of their prometheus.io annotations (KServe's
// metric aggregation sets 9088 and /metrics; without them the model server's own 8080 /metrics), Seldon Core v1 pods on the
// executor's container port named "metrics" (else 8000) and /prometheus (ckf-cos.md §5.6, §5.7).
using System.Globalization;
using MlObs.KubeflowExporter.Metrics;
using MlObs.KubeflowExporter.Objects;

namespace MlObs.KubeflowExporter.Inference;

/// <summary>One pod to scrape: its identity (the labels added to its series) and its metrics URL.</summary>
internal sealed record ScrapeTarget(ScrapeTargetId Id, Uri Url);

/// <summary>Builds the scrape targets from the pod caches.</summary>
internal static class ScrapeTargets
{
    /// <summary>KServe's aggregation port (<c>QueueProxyAggregatePrometheusMetricsPort</c>).</summary>
    public const int KServeAggregatePort = 9088;

    /// <summary>The KServe model server's HTTP port, which also serves <c>/metrics</c>.</summary>
    public const int KServeModelServerPort = 8080;

    /// <summary>The Seldon executor's default HTTP port (<c>executor-server-port</c>), which serves <c>/prometheus</c>.</summary>
    public const int SeldonExecutorPort = 8000;

    /// <summary>The name of Seldon Core v1's executor container.</summary>
    public const string SeldonExecutorContainer = "seldon-container-engine";

    /// <summary>The targets of the selected namespaces, ordered by namespace, inference service and pod.</summary>
    public static IReadOnlyList<ScrapeTarget> From(ExporterState state, bool readyOnly)
    {
        var targets = new List<ScrapeTarget>();
        foreach (PodState pod in state.KServePods.Values)
        {
            if (Eligible(pod, state, readyOnly))
                targets.Add(new ScrapeTarget(Id(pod), Url(pod, defaultPort: KServeModelServerPort, defaultPath: "/metrics")));
        }
        foreach (PodState pod in state.SeldonPods.Values)
        {
            if (!Eligible(pod, state, readyOnly))
                continue;
            // The executor's port named "metrics" (the model container's "metrics" port is the Python wrapper's custom metrics).
            int port = pod.Ports.FirstOrDefault(p => p.Container == SeldonExecutorContainer && p.Name == "metrics").Port is > 0 and var named ? named : SeldonExecutorPort;
            targets.Add(new ScrapeTarget(Id(pod), Url(pod, defaultPort: port, defaultPath: "/prometheus")));
        }
        targets.Sort((a, b) => string.CompareOrdinal(Key(a.Id), Key(b.Id)));
        return targets;
    }

    private static string Key(ScrapeTargetId id) => $"{id.Namespace}\n{id.InferenceService}\n{id.Pod}";

    private static ScrapeTargetId Id(PodState pod) => new(pod.Namespace, pod.Owner, pod.Name);

    private static bool Eligible(PodState pod, ExporterState state, bool readyOnly) =>
        pod.Phase == "Running" && !string.IsNullOrEmpty(pod.PodIp) && pod.Owner.Length > 0 && (!readyOnly || pod.Ready)
        && state.IsSelected(pod.Namespace)
        && !(pod.PrometheusAnnotations.TryGetValue("prometheus.io/scrape", out string? scrape) && scrape == "false");

    private static Uri Url(PodState pod, int defaultPort, string defaultPath)
    {
        int port = pod.PrometheusAnnotations.TryGetValue("prometheus.io/port", out string? p)
                   && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int annotated) && annotated is > 0 and < 65536
            ? annotated
            : defaultPort;
        string path = pod.PrometheusAnnotations.TryGetValue("prometheus.io/path", out string? a) && a.StartsWith('/') ? a : defaultPath;
        string host = pod.PodIp!.Contains(':', StringComparison.Ordinal) ? $"[{pod.PodIp}]" : pod.PodIp!;
        return new Uri($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}{path}");
    }
}
