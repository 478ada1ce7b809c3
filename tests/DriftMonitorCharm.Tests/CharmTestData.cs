using System.Text.Json;
using DriftMonitorCharm;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace DriftMonitorCharm.Tests;

/// <summary>The charm dir, a context over the charm with a scripted workload, and the usual states.</summary>
internal static class CharmTestData
{
    public static string RepoRoot { get; } = FindRoot();

    public static string CharmDir { get; } = Path.Combine(RepoRoot, "charms", "drift-monitor-k8s");

    public static Context<DriftMonitorK8sCharm> Context(FakeWorkload workload) =>
        new(f => new DriftMonitorK8sCharm(f, (port, token) => workload.For(port, token)), charmDir: CharmDir);

    public static ContainerState Container(string configDir, bool canConnect = true) => new()
    {
        Name = DriftMonitorK8sCharm.ContainerName,
        CanConnect = canConnect,
        Mounts = new Dictionary<string, MountState> { ["config"] = new("/etc/drift-monitor", configDir) },
    };

    public static UnitState State(ContainerState container, bool leader = true, IReadOnlyDictionary<string, object>? config = null) =>
        UnitState.Empty with
        {
            Leader = leader,
            Containers = [container],
            Config = (config ?? new Dictionary<string, object>()).ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value)),
        };

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

/// <summary>A scripted drift monitor: readiness, models, and the answers of the action calls; records what it was asked.</summary>
internal sealed class FakeWorkload
{
    public string? NotReady { get; set; }

    public List<(string Name, bool Reference, bool? Drift)> Models { get; } = [];

    public string? FailWith { get; set; }

    public List<string> Calls { get; } = [];

    /// <summary>The reference fingerprint GET /v1/models reports per model.</summary>
    public Dictionary<string, string> Fingerprints { get; } = [];

    public int? LastPort { get; private set; }

    public string? LastToken { get; private set; }

    public IWorkloadApi For(int port, string? token)
    {
        LastPort = port;
        LastToken = token;
        return new Api(this);
    }

    private sealed class Api(FakeWorkload w) : IWorkloadApi
    {
        public Task<string?> NotReadyReasonAsync(CancellationToken ct) => Task.FromResult(w.NotReady);

        public Task<JsonElement> ListModelsAsync(CancellationToken ct)
        {
            w.Calls.Add("list");
            var models = w.Models.Select(m => new Dictionary<string, object?>
            {
                ["name"] = m.Name,
                ["reference_loaded"] = m.Reference,
                ["reference_rows"] = m.Reference ? 300 : 0,
                ["window_records"] = 42,
                ["dataset_drift"] = m.Drift,
                ["reference_fingerprint"] = w.Fingerprints.GetValueOrDefault(m.Name),
            }.Where(kv => kv.Value is not null).ToDictionary());
            return Task.FromResult(JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["models"] = models.ToList() }));
        }

        public Task<JsonElement> SetReferenceAsync(string model, string source, CancellationToken ct)
        {
            w.Calls.Add($"set-reference {model} {source}");
            Fail();
            return Task.FromResult(JsonDocument.Parse("""
                {"model": "iris", "fingerprint": "abc123", "rows": 300, "mode": "streaming",
                 "features": [{"name": "a", "kind": "numerical"}, {"name": "b", "kind": "categorical"}]}
                """).RootElement.Clone());
        }

        public Task<JsonElement> GetReportAsync(string model, CancellationToken ct)
        {
            w.Calls.Add($"report {model}");
            Fail();
            return Task.FromResult(JsonDocument.Parse("""
                {"format_version": 1, "preset": "mlobs", "mode": "streaming", "reference_rows": 300, "current_rows": 120,
                 "dataset": {"columns": 2, "drifted_columns": 1, "drift_share": 0.5, "drift_share_threshold": 0.5, "drift": true,
                             "missing_columns": [], "new_columns": [], "skipped_columns": 0, "correction": "none"},
                 "columns": [{"column": "a", "method": "wasserstein", "statistic": 0.31, "threshold": 0.1, "drift": true},
                             {"column": "b", "method": "jensenshannon", "statistic": 0.02, "threshold": 0.1, "drift": false}]}
                """).RootElement.Clone());
        }

        public Task ResetWindowAsync(string model, CancellationToken ct)
        {
            w.Calls.Add($"reset {model}");
            Fail();
            return Task.CompletedTask;
        }

        private void Fail()
        {
            if (w.FailWith is { } message)
                throw new WorkloadException(message);
        }
    }
}
