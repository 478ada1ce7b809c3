// kubeflow-observability-k8s: one reconcile (exporter configuration, Pebble layer, port, scrape job) for every event that can
// change the workload; the COS components observe their own relations; collect-status says what is missing, in order:
// configuration, cluster access (trust), the container, Loki for log streaming, the exporter's readiness.
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using MlObs.Cos;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Cos.LokiPushApi;
using MlObs.Cos.PrometheusScrape;
using MlObs.Ops;
using MlObs.Ops.HookTools;
using MlObs.Ops.Pebble;

namespace KubeflowObservabilityCharm;

/// <summary>The kubeflow-observability-k8s charm.</summary>
public sealed class KubeflowObservabilityK8sCharm : CharmBase
{
    /// <summary>The workload container (charmcraft.yaml).</summary>
    public const string ContainerName = "kubeflow-exporter";

    /// <summary>The Pebble service and layer label.</summary>
    public const string ServiceName = "kubeflow-exporter";

    /// <summary>The exporter's configuration file.</summary>
    public const string ConfigPath = "/etc/kubeflow-exporter/config.yaml";

    /// <summary>The scrape job's fixed name.</summary>
    public const string JobName = "kubeflow-observability";

    /// <summary>The workload binary in the image (image/rockcraft.yaml).</summary>
    public const string WorkloadBinary = "/opt/mlobs/mlobs";

    private readonly Func<IKubernetesAccess> _access;
    private readonly IExporterProbe _probe;
    private readonly MetricsEndpointProvider _metrics;
    private readonly LogForwarder _logs;
    private ExporterSettings? _settings;
    private IReadOnlyList<string> _problems = [];
    private AccessReport? _accessReport;
    private bool _lokiRead;
    private string? _lokiUrl;

    /// <summary>The charm as Juju runs it: access reviews in the cluster, the exporter on localhost.</summary>
    public KubeflowObservabilityK8sCharm(Framework framework)
        : this(framework, null, null)
    {
    }

    /// <summary>The charm with other ways to ask the cluster and the exporter (tests).</summary>
    internal KubeflowObservabilityK8sCharm(Framework framework, Func<IKubernetesAccess>? access, IExporterProbe? probe)
        : base(framework)
    {
        _access = access ?? SelfSubjectAccessReviews.InCluster;
        _probe = probe ?? new HttpExporterProbe();
        _metrics = new MetricsEndpointProvider(this, new MetricsEndpointOptions { JobsFactory = ScrapeJobsAsync });
        _ = new GrafanaDashboardProvider(this);
        _logs = new LogForwarder(this);

        On.ConfigChanged.Observe(ReconcileAsync);
        On.UpgradeCharm.Observe(ReconcileAsync);
        On.LeaderElected.Observe(ReconcileAsync);
        On.Workload(ContainerName).PebbleReady.Observe(ReconcileAsync);
        // The Loki push URL the exporter streams to comes from the logging relation.
        On.Relation("logging").Changed.Observe(ReconcileAsync);
        On.Relation("logging").Departed.Observe(ReconcileAsync);
        On.Relation("logging").Broken.Observe(ReconcileAsync);
        On.CollectUnitStatus.Observe(OnCollectUnitStatusAsync);
    }

    /// <summary>The Pebble layer of the exporter for these settings; <paramref name="revision"/> changes when its configuration does.</summary>
    internal static Layer BuildLayer(ExporterSettings settings, string revision) => new()
    {
        Summary = "kubeflow exporter",
        Description = "The Kubeflow exporter, managed by the kubeflow-observability-k8s charm.",
        Services = new Dictionary<string, Service>
        {
            [ServiceName] = new()
            {
                Override = Override.Replace,
                Summary = "mlobs kubeflow serve",
                Command = string.Create(CultureInfo.InvariantCulture,
                    $"{WorkloadBinary} kubeflow serve --bind 0.0.0.0 --port {settings.Port} --config {ConfigPath} --log-level {settings.LogLevel}"),
                Startup = StartupMode.Enabled,
                // A new revision of the configuration changes the plan, so EnsureLayer restarts the service.
                Environment = new Dictionary<string, string> { ["KUBEFLOW_EXPORTER_CONFIG_REVISION"] = revision, ["DOTNET_gcServer"] = "0" },
            },
        },
        Checks = new Dictionary<string, Check>
        {
            ["alive"] = Check.HttpProbe(CheckLevel.Alive, $"http://localhost:{settings.Port}/healthz"),
            ["ready"] = Check.HttpProbe(CheckLevel.Ready, $"http://localhost:{settings.Port}/readyz"),
        },
    };

    /// <summary>The permissions the exporter needs with these settings: list and watch of every watched resource, and the pods' logs when streaming.</summary>
    internal static IReadOnlyList<Permission> NeededPermissions(ExporterSettings settings) =>
        [
            .. settings.WatchedResources().SelectMany(r => new[] { new Permission("list", r.Group, r.Resource), new Permission("watch", r.Group, r.Resource) }),
            .. settings.LogStreaming ? [new Permission("get", "", "pods/log")] : Array.Empty<Permission>(),
        ];

    /// <summary>The one scrape job, on the configured port (the default port while the config is invalid).</summary>
    private async Task<IReadOnlyList<JsonObject>> ScrapeJobsAsync(CancellationToken ct)
    {
        int port = await SettingsAsync(ct) is { } settings ? settings.Port : new ExporterSettings().Port;
        return [new ScrapeJob(JobName) { Targets = [string.Create(CultureInfo.InvariantCulture, $"*:{port}")] }.ToJson()];
    }

    private async Task<ExporterSettings?> SettingsAsync(CancellationToken ct)
    {
        if (_settings is null)
        {
            _settings = ExporterSettings.Read(await Model.GetConfigAsync(ct), out IReadOnlyList<string> problems);
            _problems = problems;
        }
        return _problems.Count == 0 ? _settings : null;
    }

    /// <summary>The access review, asked once per dispatch.</summary>
    private async Task<AccessReport> AccessAsync(ExporterSettings settings, CancellationToken ct)
    {
        if (_accessReport is null)
        {
            IKubernetesAccess access = _access();
            try
            {
                _accessReport = await access.CheckAsync(NeededPermissions(settings), ct);
            }
            finally
            {
                (access as IDisposable)?.Dispose();
            }
        }
        return _accessReport;
    }

    /// <summary>The push URL of the first Loki unit of the logging relation, or null; read once per dispatch (reconcile and status both ask).</summary>
    private async Task<string?> LokiUrlAsync(CancellationToken ct)
    {
        if (!_lokiRead)
        {
            _lokiUrl = (await _logs.GetEndpointsAsync(ct)).Select(e => e.Url).Order(StringComparer.Ordinal).FirstOrDefault();
            _lokiRead = true;
        }
        return _lokiUrl;
    }

    private async Task ReconcileAsync(HookEvent e, CancellationToken ct)
    {
        ExporterSettings? settings = await SettingsAsync(ct);
        if (settings is null)
        {
            Log.InvalidConfig(Logger, string.Join("; ", _problems));
            return;
        }
        Container container = Model.Unit.GetContainer(ContainerName);
        if (!await container.CanConnectAsync(ct))
        {
            Log.NoPebble(Logger, e.Name);
            return;
        }
        AccessReport access = await AccessAsync(settings, ct);
        if (!access.Granted)
        {
            Log.NoAccess(Logger, access.Problem ?? string.Join(", ", access.Denied));
            return;
        }
        string? lokiUrl = settings.LogStreaming ? await LokiUrlAsync(ct) : null;
        JujuTopology topology = JujuTopology.From(Model);
        string config = settings.RenderWorkloadConfig(lokiUrl,
        [
            new("juju_model", topology.Model), new("juju_model_uuid", topology.ModelUuid),
            new("juju_application", topology.Application), new("juju_unit", Model.Unit.Name), new("juju_charm", Meta.Name),
        ]);
        await container.PushAsync(ConfigPath, config, new PushOptions { MakeDirs = true, Permissions = "644" }, ct);
        // A change detector, not a secret: xxHash needs no OpenSSL.
        string revision = Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(config)))[..16];
        if (await container.EnsureLayerAsync(ServiceName, BuildLayer(settings, revision), ct))
            Log.LayerApplied(Logger, settings.Port, revision);
        await Model.Unit.SetPortsAsync([new OpenedPort("tcp", settings.Port, settings.Port)], ct);
        if (await Model.Unit.IsLeaderAsync(ct))
            await _metrics.SetScrapeJobSpecAsync(ct);
    }

    private async Task OnCollectUnitStatusAsync(CollectStatusEvent e, CancellationToken ct)
    {
        if (await SettingsAsync(ct) is not { } settings)
        {
            string more = _problems.Count > 1 ? $" (and {_problems.Count - 1} more: see juju debug-log)" : "";
            e.AddStatus(new BlockedStatus($"invalid config: {_problems[0]}{more}"));
            return;
        }
        AccessReport access = await AccessAsync(settings, ct);
        if (access.Problem is not null)
        {
            e.AddStatus(new WaitingStatus($"cannot check cluster access: {access.Problem}"));
            return;
        }
        if (access.Denied.Count > 0)
        {
            string denied = string.Join(", ", access.Denied.Take(3)) + (access.Denied.Count > 3 ? $" and {access.Denied.Count - 3} more" : "");
            e.AddStatus(new BlockedStatus($"no cluster access ({denied}): run 'juju trust {Model.App.Name} --scope=cluster'"));
            return;
        }
        if (!await Model.Unit.GetContainer(ContainerName).CanConnectAsync(ct))
        {
            e.AddStatus(new WaitingStatus("waiting for the kubeflow-exporter container (Pebble)"));
            return;
        }
        bool streaming = false;
        if (settings.LogStreaming)
        {
            if (await LokiUrlAsync(ct) is null)
            {
                e.AddStatus(new BlockedStatus($"log-streaming is on but no Loki is related: juju integrate {Model.App.Name}:logging <loki or collector>"));
                return;
            }
            streaming = true;
        }
        if (await _probe.NotReadyReasonAsync(settings.Port, ct) is { } notReady)
        {
            e.AddStatus(new WaitingStatus($"exporter not ready: {notReady}"));
            return;
        }
        string scope = settings.AllNamespaces ? "all namespaces"
            : settings.NamespaceSelector.Length == 0 ? $"namespaces {string.Join(", ", settings.Namespaces)}"
            : settings.Namespaces.Count == 0 ? "Kubeflow profile namespaces" : $"profile namespaces and {string.Join(", ", settings.Namespaces)}";
        e.AddStatus(new ActiveStatus($"exporting {scope} on port {settings.Port}{(streaming ? ", streaming inference logs" : "")}"));
    }
}

[JsonSerializable(typeof(AccessReview))]
[JsonSerializable(typeof(string))]
internal sealed partial class CharmJsonContext : JsonSerializerContext;

/// <summary>The charm's log messages (each goes to juju-log).</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalid configuration, the exporter is left as it is: {Problems}")]
    public static partial void InvalidConfig(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pebble is not reachable yet ({EventName}); the next pebble-ready reconciles")]
    public static partial void NoPebble(ILogger logger, string eventName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The exporter is not started: it could not read the cluster ({Problem}); deploy with --trust or run juju trust")]
    public static partial void NoAccess(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exporter layer applied: port {Port}, configuration revision {Revision}")]
    public static partial void LayerApplied(ILogger logger, int port, string revision);
}
