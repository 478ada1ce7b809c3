// drift-monitor-k8s: one reconcile (configuration file, token, Pebble layer, ports, scrape job) for every event that can change
// the workload; the COS components observe their own relations; collect-status says what to do when something is missing.
// References loaded with set-reference are shared with the other units through the peer relation (PeerReferences).
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Cos.LokiPushApi;
using MlObs.Cos.PrometheusScrape;
using MlObs.Ops;
using MlObs.Ops.HookTools;
using MlObs.Ops.Hosting;
using MlObs.Ops.Pebble;

namespace DriftMonitorCharm;

/// <summary>The drift-monitor-k8s charm.</summary>
public sealed class DriftMonitorK8sCharm : CharmBase
{
    /// <summary>The workload container (charmcraft.yaml).</summary>
    public const string ContainerName = "drift-monitor";

    /// <summary>The Pebble service and layer label.</summary>
    public const string ServiceName = "drift-monitor";

    /// <summary>The workload's configuration file.</summary>
    public const string ConfigPath = "/etc/drift-monitor/config.yaml";

    /// <summary>The bearer token file (only when auth-token is set).</summary>
    public const string TokenPath = "/etc/drift-monitor/token";

    /// <summary>Where the data storage is mounted.</summary>
    public const string DataPath = "/var/lib/drift-monitor";

    /// <summary>The scrape job's fixed name.</summary>
    public const string JobName = "drift-monitor";

    /// <summary>The peer relation (charmcraft.yaml): the units share the references set with set-reference.</summary>
    public const string PeerRelation = "drift-monitor-peers";

    /// <summary>The key of a unit's peer databag listing the references it loaded: model → source, fingerprint, time.</summary>
    public const string ReferencesKey = "references";

    /// <summary>The workload binary in the image (image/rockcraft.yaml).</summary>
    public const string WorkloadBinary = "/opt/mlobs/mlobs";

    private readonly Func<int, string?, IWorkloadApi> _workload;
    private readonly MetricsEndpointProvider _metrics;
    private CharmSettings? _settings;
    private IReadOnlyList<string> _problems = [];
    private string? _tokenProblem;
    // Whether the container's Pebble answered, once asked in this dispatch (null: not asked yet).
    private bool? _canConnect;

    /// <summary>The charm as Juju runs it: the workload is reached on localhost.</summary>
    public DriftMonitorK8sCharm(Framework framework)
        : this(framework, null)
    {
    }

    /// <summary>The charm with another way to reach the workload (tests).</summary>
    public DriftMonitorK8sCharm(Framework framework, Func<int, string?, IWorkloadApi>? workload)
        : base(framework)
    {
        _workload = workload ?? ((port, token) => new WorkloadClient(new Uri($"http://127.0.0.1:{port}"), token));
        _metrics = new MetricsEndpointProvider(this, new MetricsEndpointOptions
        {
            JobsFactory = ScrapeJobsAsync,
        });
        _ = new GrafanaDashboardProvider(this);
        _ = new LogForwarder(this);

        On.ConfigChanged.Observe(ReconcileAsync);
        On.UpgradeCharm.Observe(ReconcileAsync);
        On.LeaderElected.Observe(ReconcileAsync);
        On.SecretChanged.Observe(ReconcileAsync);
        On.Workload(ContainerName).PebbleReady.Observe(ReconcileAsync);
        On.Storage("data").Attached.Observe(ReconcileAsync);
        On.Relation("ingress").Joined.Observe(ReconcileAsync);
        On.Relation("ingress").Changed.Observe(ReconcileAsync);
        On.Relation(PeerRelation).Changed.Observe(OnPeerChangedAsync);
        On.Action("set-reference").Observe(OnSetReferenceAsync);
        On.Action("show-report").Observe(OnShowReportAsync);
        On.Action("reset-window").Observe(OnResetWindowAsync);
        On.Action("list-models").Observe(OnListModelsAsync);
        On.CollectUnitStatus.Observe(OnCollectUnitStatusAsync);
    }

    /// <summary>
    /// The hook-tool reads a dispatch of this kind makes, asked of the agent all at once when it starts
    /// (<see cref="CharmHostOptions.ReadAhead"/>): collect-status reads the configuration in every dispatch; a reconcile
    /// also reads leadership, the opened ports and the relations of the scrape job, the dashboards and the ingress.
    /// </summary>
    public static HookToolReads ReadsOfDispatch(JujuContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !context.IsAction && ReconcilingHooks.Contains(context.HookName)
            ? new HookToolReads { Config = true, IsLeader = true, OpenedPorts = true, RelationIds = ["metrics-endpoint", "grafana-dashboard", Ingress.Endpoint] }
            : new HookToolReads { Config = true };
    }

    // The hooks whose handler is ReconcileAsync (the constructor's observers).
    private static readonly HashSet<string> ReconcilingHooks = new(StringComparer.Ordinal)
    {
        "config-changed", "upgrade-charm", "leader-elected", "secret-changed", ContainerName + "-pebble-ready", "data-storage-attached",
        Ingress.Endpoint + "-relation-joined", Ingress.Endpoint + "-relation-changed",
    };

    /// <summary>The Pebble layer of the workload for these settings; <paramref name="revision"/> changes when its files do.</summary>
    internal static Layer BuildLayer(CharmSettings settings, bool withToken, string revision)
    {
        var command = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"{WorkloadBinary} drift serve --bind 0.0.0.0 --port {settings.Port} --data-dir {DataPath} --config {ConfigPath} --log-level {settings.LogLevel}"));
        if (withToken)
            command.Append(" --token-file ").Append(TokenPath);
        return new Layer
        {
            Summary = "drift monitor",
            Description = "The drift-monitor workload, managed by the drift-monitor-k8s charm.",
            Services = new Dictionary<string, Service>
            {
                [ServiceName] = new()
                {
                    Override = Override.Replace,
                    Summary = "mlobs drift serve",
                    Command = command.ToString(),
                    Startup = StartupMode.Enabled,
                    // A new revision of the configuration or token changes the plan, so EnsureLayer restarts the service.
                    Environment = new Dictionary<string, string> { ["DRIFT_MONITOR_CONFIG_REVISION"] = revision, ["DOTNET_gcServer"] = "0" },
                },
            },
            Checks = new Dictionary<string, Check>
            {
                ["alive"] = Check.HttpProbe(CheckLevel.Alive, $"http://localhost:{settings.Port}/healthz"),
                ["ready"] = Check.HttpProbe(CheckLevel.Ready, $"http://localhost:{settings.Port}/readyz"),
            },
        };
    }

    /// <summary>The one scrape job, on the configured port (the default port while the config is invalid).</summary>
    private async Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> ScrapeJobsAsync(CancellationToken ct)
    {
        int port = await SettingsAsync(ct) is { } settings ? settings.Port : new CharmSettings().Port;
        return [new ScrapeJob(JobName) { Targets = [string.Create(CultureInfo.InvariantCulture, $"*:{port}")] }];
    }

    private async Task<CharmSettings?> SettingsAsync(CancellationToken ct)
    {
        if (_settings is null)
        {
            _settings = CharmSettings.Read(await Model.GetConfigAsync(ct), out IReadOnlyList<string> problems);
            _problems = problems;
        }
        return _problems.Count == 0 ? _settings : null;
    }

    private async Task ReconcileAsync(HookEvent e, CancellationToken ct)
    {
        CharmSettings? settings = await SettingsAsync(ct);
        if (settings is null)
        {
            Log.InvalidConfig(Logger, string.Join("; ", _problems));
            return;
        }
        Container container = Model.Unit.GetContainer(ContainerName);
        _canConnect = await container.CanConnectAsync(ct);
        if (!_canConnect.Value)
        {
            Log.NoPebble(Logger, e.Name);
            return;
        }
        string? token = await ReadTokenAsync(settings, ct);
        if (_tokenProblem is not null)
            return;
        string workloadConfig = settings.RenderWorkloadConfig();
        await container.EnsurePushedAsync(ConfigPath, workloadConfig, new PushOptions { MakeDirs = true, Permissions = "644" }, ct);
        if (token is not null)
            await container.EnsurePushedAsync(TokenPath, token, new PushOptions { MakeDirs = true, Permissions = "600" }, ct);
        // A change detector, not a secret: xxHash needs no OpenSSL, which SHA-256 would load into every dispatch.
        string revision = Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(workloadConfig + "\0" + token)))[..16];
        if (await container.EnsureLayerAsync(ServiceName, BuildLayer(settings, token is not null, revision), ct))
            Log.LayerApplied(Logger, settings.Port, revision);
        await Model.Unit.SetPortsAsync([new OpenedPort("tcp", settings.Port, settings.Port)], ct);
        if (await Model.Unit.IsLeaderAsync(ct))
            await _metrics.SetScrapeJobSpecAsync(ct);
        await Ingress.PublishAsync(this, settings.Port, ct);
    }

    /// <summary>The token from the auth-token secret, or null when none is configured; sets <see cref="_tokenProblem"/> on failure.</summary>
    private async Task<string?> ReadTokenAsync(CharmSettings settings, CancellationToken ct)
    {
        _tokenProblem = null;
        if (settings.AuthTokenSecret is not { } id)
            return null;
        try
        {
            var secret = await Model.GetSecretAsync(id: id, cancellationToken: ct);
            IReadOnlyDictionary<string, string> content = await secret.GetContentAsync(refresh: true, ct);
            if (content.TryGetValue("token", out string? token) && !string.IsNullOrWhiteSpace(token))
                return token.Trim();
            _tokenProblem = $"auth-token: secret {id} has no 'token' key (juju update-secret {id} token=...)";
        }
        catch (ModelException ex)
        {
            _tokenProblem = $"auth-token: secret {id} cannot be read; grant it with 'juju grant-secret {id} {Model.App.Name}' ({ex.Message.Trim()})";
        }
        return null;
    }

    private async Task<IWorkloadApi?> WorkloadForActionAsync(ActionEvent e, CancellationToken ct)
    {
        (IWorkloadApi? workload, string? problem) = await WorkloadAsync(ct);
        if (problem is not null)
            await e.FailAsync(problem, ct);
        return workload;
    }

    /// <summary>A client of the workload, or why there is none (invalid config, unreadable token).</summary>
    private async Task<(IWorkloadApi? Workload, string? Problem)> WorkloadAsync(CancellationToken ct)
    {
        CharmSettings? settings = await SettingsAsync(ct);
        if (settings is null)
            return (null, "invalid config: " + string.Join("; ", _problems));
        string? token = await ReadTokenAsync(settings, ct);
        if (_tokenProblem is not null)
            return (null, _tokenProblem);
        return (_workload(settings.Port, token), null);
    }

    /// <summary>
    /// A peer published the references it loaded: load here those that are newer than what this unit knows and that its
    /// workload holds with another fingerprint, so every unit judges the traffic it receives against the same reference.
    /// Waits (defers) while the workload is not ready; a reference this unit cannot read (a path on the peer's storage) is
    /// logged, not fatal.
    /// </summary>
    private async Task OnPeerChangedAsync(HookEvent e, CancellationToken ct)
    {
        var change = (RelationEvent)e;
        if (change.Unit is null)
            return;
        IReadOnlyDictionary<string, PeerReference> theirs = PeerReference.Parse(await change.Relation.Data(change.Unit).GetAsync(ReferencesKey, ct), out string? invalid);
        if (invalid is not null)
            Log.PeerReferencesInvalid(Logger, change.Unit.Name, invalid);
        if (theirs.Count == 0)
            return;
        var mine = new Dictionary<string, PeerReference>(PeerReference.Parse(await change.Relation.LocalUnitData.GetAsync(ReferencesKey, ct), out _), StringComparer.Ordinal);
        var newer = theirs.Where(t => !mine.TryGetValue(t.Key, out PeerReference? own) || string.CompareOrdinal(own.At, t.Value.At) < 0).ToList();
        if (newer.Count == 0)
            return;
        (IWorkloadApi? workload, string? problem) = await WorkloadAsync(ct);
        if (workload is null)
        {
            Log.PeerReferencesWaiting(Logger, problem ?? "no workload");
            e.Defer();
            return;
        }
        try
        {
            if (await workload.NotReadyReasonAsync(ct) is { } notReady)
            {
                Log.PeerReferencesWaiting(Logger, notReady);
                e.Defer();
                return;
            }
            var loaded = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonElement m in (await workload.ListModelsAsync(ct)).GetProperty("models").EnumerateArray())
            {
                if (m.TryGetProperty("reference_fingerprint", out JsonElement f) && f.GetString() is { } fingerprint)
                    loaded[m.GetProperty("name").GetString()!] = fingerprint;
            }
            foreach ((string model, PeerReference reference) in newer)
            {
                if (loaded.GetValueOrDefault(model) == reference.Fingerprint)
                {
                    mine[model] = reference;
                    continue;
                }
                try
                {
                    JsonElement summary = await workload.SetReferenceAsync(model, reference.Source, ct);
                    mine[model] = reference with { Fingerprint = summary.GetProperty("fingerprint").GetString() ?? reference.Fingerprint };
                    Log.PeerReferenceLoaded(Logger, model, reference.Source, change.Unit.Name);
                }
                catch (WorkloadException ex)
                {
                    Log.PeerReferenceFailed(Logger, model, reference.Source, change.Unit.Name, ex.Message);
                }
            }
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
        await change.Relation.LocalUnitData.SetAsync(ReferencesKey, PeerReference.Write(mine), ct);
    }

    /// <summary>Records in this unit's peer databag the reference set-reference just loaded, for the other units.</summary>
    private async Task PublishReferenceAsync(string model, string source, string fingerprint, CancellationToken ct)
    {
        Relation? peers = await Model.GetRelationAsync(PeerRelation, cancellationToken: ct);
        if (peers is null)
            return;
        var mine = new Dictionary<string, PeerReference>(PeerReference.Parse(await peers.LocalUnitData.GetAsync(ReferencesKey, ct), out _), StringComparer.Ordinal)
        {
            [model] = new PeerReference(source, fingerprint, DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)),
        };
        await peers.LocalUnitData.SetAsync(ReferencesKey, PeerReference.Write(mine), ct);
    }

    private async Task RunActionAsync(ActionEvent e, Func<IWorkloadApi, Task<Dictionary<string, object?>>> act, CancellationToken ct)
    {
        IWorkloadApi? workload = await WorkloadForActionAsync(e, ct);
        if (workload is null)
            return;
        try
        {
            await e.SetResultsAsync(await act(workload), ct);
        }
        catch (WorkloadException ex)
        {
            await e.FailAsync(ex.Message, ct);
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }

    private async Task OnSetReferenceAsync(ActionEvent e, CancellationToken ct)
    {
        SetReferenceParams p = await e.BindParamsAsync(CharmJsonContext.Default.SetReferenceParams, ct);
        await RunActionAsync(e, async workload =>
        {
            await e.LogAsync($"fitting the reference of {p.Model} from {p.Source}", ct);
            JsonElement summary = await workload.SetReferenceAsync(p.Model, p.Source, ct);
            await PublishReferenceAsync(p.Model, p.Source, summary.GetProperty("fingerprint").GetString() ?? string.Empty, ct);
            return new Dictionary<string, object?>
            {
                ["model"] = p.Model,
                ["rows"] = summary.GetProperty("rows").GetInt64(),
                ["features"] = string.Join(",", summary.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("name").GetString())),
                ["fingerprint"] = summary.GetProperty("fingerprint").GetString(),
            };
        }, ct);
    }

    private async Task OnShowReportAsync(ActionEvent e, CancellationToken ct)
    {
        ShowReportParams p = await e.BindParamsAsync(CharmJsonContext.Default.ShowReportParams, ct);
        await RunActionAsync(e, async workload =>
        {
            JsonElement report = await workload.GetReportAsync(p.Model, ct);
            if (p.Format == "json")
                return new Dictionary<string, object?> { ["model"] = p.Model, ["report"] = report.GetRawText() };
            JsonElement dataset = report.GetProperty("dataset");
            var drifted = report.GetProperty("columns").EnumerateArray()
                .Where(c => c.GetProperty("drift").GetBoolean())
                .Select(c => string.Create(CultureInfo.InvariantCulture,
                    $"{c.GetProperty("column").GetString()} ({c.GetProperty("method").GetString()} {Number(c.GetProperty("statistic"))} vs {Number(c.GetProperty("threshold"))})"));
            return new Dictionary<string, object?>
            {
                ["model"] = p.Model,
                ["dataset-drift"] = dataset.GetProperty("drift").GetBoolean(),
                ["drift-share"] = dataset.GetProperty("drift_share").GetDouble(),
                ["drifted-features"] = string.Join("; ", drifted),
                ["current-rows"] = report.GetProperty("current_rows").GetInt64(),
                ["reference-rows"] = report.GetProperty("reference_rows").GetInt64(),
            };
        }, ct);
    }

    private async Task OnResetWindowAsync(ActionEvent e, CancellationToken ct)
    {
        ModelParams p = await e.BindParamsAsync(CharmJsonContext.Default.ModelParams, ct);
        await RunActionAsync(e, async workload =>
        {
            await workload.ResetWindowAsync(p.Model, ct);
            return new Dictionary<string, object?> { ["model"] = p.Model, ["reset"] = true };
        }, ct);
    }

    private async Task OnListModelsAsync(ActionEvent e, CancellationToken ct) =>
        await RunActionAsync(e, async workload =>
        {
            JsonElement models = (await workload.ListModelsAsync(ct)).GetProperty("models");
            var lines = models.EnumerateArray().Select(m =>
            {
                string name = m.GetProperty("name").GetString()!;
                string reference = m.GetProperty("reference_loaded").GetBoolean()
                    ? string.Create(CultureInfo.InvariantCulture, $"reference {m.GetProperty("reference_rows").GetInt64()} rows")
                    : "no reference";
                string verdict = m.TryGetProperty("dataset_drift", out JsonElement d) ? (d.GetBoolean() ? "drift" : "no drift") : "not evaluated";
                return string.Create(CultureInfo.InvariantCulture, $"{name}: {reference}, window {m.GetProperty("window_records").GetInt64()} records, {verdict}");
            });
            return new Dictionary<string, object?> { ["count"] = models.GetArrayLength(), ["models"] = string.Join("\n", lines) };
        }, ct);

    private async Task OnCollectUnitStatusAsync(CollectStatusEvent e, CancellationToken ct)
    {
        if (await SettingsAsync(ct) is not { } settings)
        {
            string more = _problems.Count > 1 ? $" (and {_problems.Count - 1} more: see juju debug-log)" : "";
            e.AddStatus(new BlockedStatus($"invalid config: {_problems[0]}{more}"));
            return;
        }
        // Reconcile asked Pebble moments ago in this dispatch when it ran; a second system-info would tell nothing new.
        _canConnect ??= await Model.Unit.GetContainer(ContainerName).CanConnectAsync(ct);
        if (!_canConnect.Value)
        {
            e.AddStatus(new WaitingStatus("waiting for the drift-monitor container (Pebble)"));
            return;
        }
        string? token = await ReadTokenAsync(settings, ct);
        if (_tokenProblem is not null)
        {
            e.AddStatus(new BlockedStatus(_tokenProblem));
            return;
        }
        IWorkloadApi workload = _workload(settings.Port, token);
        try
        {
            if (await workload.NotReadyReasonAsync(ct) is { } notReady)
            {
                e.AddStatus(notReady.StartsWith("not reachable", StringComparison.Ordinal)
                    ? new WaitingStatus($"workload {notReady}")
                    : new BlockedStatus($"workload not ready: {notReady}"));
                return;
            }
            JsonElement models = (await workload.ListModelsAsync(ct)).GetProperty("models");
            int loaded = models.EnumerateArray().Count(m => m.GetProperty("reference_loaded").GetBoolean());
            if (loaded == 0)
            {
                e.AddStatus(new BlockedStatus(
                    $"no reference loaded: run 'juju run {Model.Unit.Name} set-reference model=<name> source=<url or path>'"));
                return;
            }
            int drifting = models.EnumerateArray().Count(m => m.TryGetProperty("dataset_drift", out JsonElement d) && d.GetBoolean());
            string ingress = await Ingress.UrlAsync(this, ct) is { } url ? $", at {url}" : "";
            e.AddStatus(new ActiveStatus(string.Create(CultureInfo.InvariantCulture,
                $"monitoring {loaded} model{(loaded == 1 ? "" : "s")}{(drifting > 0 ? $", {drifting} drifting" : "")}{ingress}")));
        }
        catch (WorkloadException ex)
        {
            e.AddStatus(new WaitingStatus($"workload not answering: {ex.Message}"));
        }
        finally
        {
            (workload as IDisposable)?.Dispose();
        }
    }

    private static string Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("G4", CultureInfo.InvariantCulture) : value.ToString();
}

/// <summary>Parameters of set-reference.</summary>
internal sealed record SetReferenceParams([property: JsonPropertyName("model")] string Model, [property: JsonPropertyName("source")] string Source);

/// <summary>Parameters of show-report.</summary>
internal sealed record ShowReportParams([property: JsonPropertyName("model")] string Model, [property: JsonPropertyName("format")] string Format = "summary");

/// <summary>Parameters of the actions that name only a model.</summary>
internal sealed record ModelParams([property: JsonPropertyName("model")] string Model);

/// <summary>A reference a unit loaded with set-reference, as it publishes it to its peers.</summary>
/// <param name="Source">The URL or path it was read from.</param>
/// <param name="Fingerprint">The workload's fingerprint of the fitted profile.</param>
/// <param name="At">When it was set (UTC, ISO 8601, sortable); the newest wins.</param>
internal sealed record PeerReference(string Source, string Fingerprint, string At)
{
    /// <summary>Reads a <c>references</c> value; anything malformed is skipped and described in <paramref name="problem"/>.</summary>
    public static IReadOnlyDictionary<string, PeerReference> Parse(string? text, out string? problem)
    {
        problem = null;
        var references = new Dictionary<string, PeerReference>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
            return references;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject map)
            {
                problem = "not a JSON object";
                return references;
            }
            foreach ((string model, JsonNode? node) in map)
            {
                if (node is JsonObject o && o["source"]?.GetValueKind() == JsonValueKind.String && o["fingerprint"]?.GetValueKind() == JsonValueKind.String
                    && o["at"]?.GetValueKind() == JsonValueKind.String)
                    references[model] = new PeerReference(o["source"]!.GetValue<string>(), o["fingerprint"]!.GetValue<string>(), o["at"]!.GetValue<string>());
                else
                    problem = $"model {model}: expected {{source, fingerprint, at}} strings";
            }
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
        }
        return references;
    }

    /// <summary>Writes a <c>references</c> value, models sorted.</summary>
    public static string Write(IReadOnlyDictionary<string, PeerReference> references)
    {
        var map = new JsonObject();
        foreach ((string model, PeerReference r) in references.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            map[model] = new JsonObject { ["source"] = r.Source, ["fingerprint"] = r.Fingerprint, ["at"] = r.At };
        return map.ToJsonString();
    }
}

[JsonSerializable(typeof(SetReferenceParams))]
[JsonSerializable(typeof(ShowReportParams))]
[JsonSerializable(typeof(ModelParams))]
[JsonSerializable(typeof(string))]
internal sealed partial class CharmJsonContext : JsonSerializerContext;

/// <summary>The charm's log messages (each goes to juju-log).</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalid configuration, the workload is left as it is: {Problems}")]
    public static partial void InvalidConfig(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pebble is not reachable yet ({EventName}); the next pebble-ready reconciles")]
    public static partial void NoPebble(ILogger logger, string eventName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload layer applied: port {Port}, configuration revision {Revision}")]
    public static partial void LayerApplied(ILogger logger, int port, string revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the reference of model {Model} from {Source}, as {Unit} did")]
    public static partial void PeerReferenceLoaded(ILogger logger, string model, string source, string unit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reference of model {Model} that {Unit} loaded from {Source} cannot be loaded on this unit: {Problem} (an http(s) source lets every unit read it)")]
    public static partial void PeerReferenceFailed(ILogger logger, string model, string source, string unit, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring part of the references {Unit} published: {Problem}")]
    public static partial void PeerReferencesInvalid(ILogger logger, string unit, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The references of the other units wait for the workload: {Reason}")]
    public static partial void PeerReferencesWaiting(ILogger logger, string reason);
}
