using System.Text.Json;
using KubeflowObservabilityCharm;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace KubeflowObservabilityCharm.Tests;

/// <summary>The charm dir, a context over the charm with a scripted cluster and exporter, and the usual states.</summary>
internal static class CharmTestData
{
    public static string RepoRoot { get; } = FindRoot();

    public static string CharmDir { get; } = Path.Combine(RepoRoot, "charms", "kubeflow-observability-k8s");

    public const string LokiUrl = "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";

    public static Context<KubeflowObservabilityK8sCharm> Context(FakeCluster cluster, FakeExporter exporter) =>
        new(f => new KubeflowObservabilityK8sCharm(f, () => cluster, exporter), charmDir: CharmDir);

    public static ContainerState Container(string configDir, bool canConnect = true) => new()
    {
        Name = KubeflowObservabilityK8sCharm.ContainerName,
        CanConnect = canConnect,
        Mounts = new Dictionary<string, MountState> { ["config"] = new("/etc/kubeflow-exporter", configDir) },
    };

    public static UnitState State(ContainerState container, bool leader = true, IReadOnlyDictionary<string, object>? config = null) =>
        UnitState.Empty with
        {
            Leader = leader,
            Containers = [container],
            Config = (config ?? new Dictionary<string, object>()).ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value)),
        };

    /// <summary>A relation on an endpoint with one remote unit (a Loki endpoint in its databag for logging).</summary>
    public static RelationState Relation(string endpoint, int id = 7, string remoteApp = "opentelemetry-collector-k8s")
    {
        var remote = new Dictionary<string, string>(RelationState.DefaultUnitData);
        if (endpoint == "logging")
            remote["endpoint"] = $$"""{"url": "{{LokiUrl}}"}""";
        return RelationState.Regular(endpoint, id, remoteApp) with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = remote },
        };
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "MlObs.sln")))
                return d.FullName;
        }
        throw new InvalidOperationException("MlObs.sln not found above the test directory");
    }
}

/// <summary>A scripted API server's answers to the access reviews; records what was asked.</summary>
internal sealed class FakeCluster : IKubernetesAccess
{
    public HashSet<string> Denied { get; } = [];

    public string? Problem { get; set; }

    public List<Permission> Asked { get; } = [];

    public int Checks { get; private set; }

    public Task<AccessReport> CheckAsync(IReadOnlyList<Permission> needed, CancellationToken ct)
    {
        Checks++;
        Asked.AddRange(needed);
        return Task.FromResult(Problem is not null ? new AccessReport([], Problem) : new AccessReport([.. needed.Where(p => Denied.Contains(p.ToString()))]));
    }
}

/// <summary>A scripted exporter readiness.</summary>
internal sealed class FakeExporter : IExporterProbe
{
    public string? NotReady { get; set; }

    public int? LastPort { get; private set; }

    public Task<string?> NotReadyReasonAsync(int port, CancellationToken ct)
    {
        LastPort = port;
        return Task.FromResult(NotReady);
    }
}
