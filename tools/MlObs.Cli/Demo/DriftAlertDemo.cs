// DriftAlertDemo: the whole chain of MlObs on one machine, step by step (README.md here): the packed drift-monitor
// charm run through the hook-tool emulator, the workload started from the charm's Pebble plan, Prometheus configured
// from the charm's metrics-endpoint relation data as prometheus-k8s would, real Prometheus and Alertmanager, inference
// traffic that drifts halfway, the alert, the report. `mlobs demo` runs the steps in order and prints them; the
// end-to-end test runs the same steps and checks what Alertmanager holds between them.
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.Packing;
using MlObs.Ops.Testing.State;

namespace MlObs.Cli.Demo;

/// <summary>What the demo does and where.</summary>
internal sealed record DemoOptions
{
    /// <summary>The MlObs checkout (the charm is packed from it).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Where configs, logs, data and the report go.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Where the packed charm goes and is reused from.</summary>
    public string PackDirectory => Path.Combine(RepositoryRoot, "artifacts", "demo");

    /// <summary>Publish and pack the charm; false reuses the last <c>.charm</c> in <see cref="PackDirectory"/>.</summary>
    public bool Pack { get; init; } = true;

    /// <summary>The InferenceService whose traffic is replayed.</summary>
    public string Model { get; init; } = "cancer-classifier";

    /// <summary>Replayed cases per second.</summary>
    public int RowsPerSecond { get; init; } = 100;

    /// <summary>Cases per predict call (one request and one response event each).</summary>
    public int RowsPerCall { get; init; } = 10;

    /// <summary>How long traffic like the reference is replayed before the drift starts.</summary>
    public TimeSpan HealthyPhase { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the drifted phase may take to raise the dataset drift alert.</summary>
    public TimeSpan AlertTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Every alerting rule's <c>for</c> is divided by this (10m becomes 10s).</summary>
    public int TimeCompression { get; init; } = 60;

    /// <summary>Prometheus' scrape and rule evaluation interval.</summary>
    public TimeSpan PrometheusInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The seed of the traffic's shuffles.</summary>
    public int Seed { get; init; } = 20261127;
}

/// <summary>The demo's steps, each printing what it does to an output.</summary>
internal sealed class DriftAlertDemo : IAsyncDisposable
{
    /// <summary>The alert that ends the demo.</summary>
    public const string DatasetDriftAlert = "DatasetDriftDetected";

    /// <summary>The Juju model the charm is emulated in (CKF's model).</summary>
    public const string JujuModel = "kubeflow";

    /// <summary>That model's UUID.</summary>
    public const string JujuModelUuid = "4c1d3a52-7d8e-4b0f-9a6e-0f5b2c8d1e37";

    private const string Container = "drift-monitor";
    private readonly DemoOptions _options;
    private readonly TextWriter _out;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private ServerProcess? _workload;
    private int _workloadPort;

    /// <summary>Creates the demo.</summary>
    /// <param name="options">What to do.</param>
    /// <param name="output">Where progress goes.</param>
    public DriftAlertDemo(DemoOptions options, TextWriter output)
    {
        _options = options;
        _out = output;
        Directory.CreateDirectory(options.WorkDirectory);
        Dataset = SampleDataset.Load();
    }

    /// <summary>The dataset the traffic comes from.</summary>
    public SampleDataset Dataset { get; }

    /// <summary>The unpacked charm, once packed.</summary>
    public string? CharmDirectory { get; private set; }

    /// <summary>The emulated unit, once deployed.</summary>
    public EmulatedUnit? Unit { get; private set; }

    /// <summary>The workload's base URL, once started.</summary>
    public Uri? WorkloadUrl { get; private set; }

    /// <summary>The workload's log file, once started.</summary>
    public string? WorkloadLog => _workload?.LogPath;

    /// <summary>Prometheus and Alertmanager, once started.</summary>
    public LocalAlerting? Alerting { get; private set; }

    /// <summary>Packs charms/drift-monitor-k8s (or finds the last pack) and unzips it into the work directory.</summary>
    /// <param name="cancellationToken">Cancels the pack.</param>
    /// <returns>A task.</returns>
    public async Task PackCharmAsync(CancellationToken cancellationToken)
    {
        var charmSource = Path.Combine(_options.RepositoryRoot, "charms", "drift-monitor-k8s");
        var packed = Path.Combine(_options.PackDirectory, "drift-monitor-k8s_amd64.charm");
        var watch = Stopwatch.StartNew();
        if (_options.Pack || !File.Exists(packed))
        {
            Directory.CreateDirectory(_options.PackDirectory);
            var log = new StringWriter();
            var result = await CharmPacker.PackAsync(
                new CharmPackOptions { CharmDir = charmSource, OutputDir = _options.PackDirectory },
                log,
                cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new DemoException($"packing {charmSource} failed:\n{string.Join('\n', result.Problems)}\n{log}");
            }

            packed = result.OutputPath!;
        }

        CharmDirectory = Path.Combine(_options.WorkDirectory, "charm");
        if (Directory.Exists(CharmDirectory))
        {
            Directory.Delete(CharmDirectory, recursive: true);
        }

        ZipFile.ExtractToDirectory(packed, CharmDirectory);
        await Line($"      {Relative(packed)} ({new FileInfo(packed).Length / 1024.0 / 1024.0:0.0} MiB) in {watch.Elapsed.TotalSeconds:0} s, unpacked to {CharmDirectory}").ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the charm through what <c>juju deploy</c> and <c>juju integrate</c> with COS set off: install, leader-elected,
    /// config-changed, pebble-ready and the metrics-endpoint, logging and grafana-dashboard relations.
    /// </summary>
    /// <param name="hookToolClient">The <c>mlobs-jujuc</c> binary.</param>
    /// <param name="cancellationToken">Cancels the dispatches.</param>
    /// <returns>A task.</returns>
    public async Task DeployCharmAsync(string hookToolClient, CancellationToken cancellationToken)
    {
        var charmDir = CharmDirectory ?? throw new InvalidOperationException("pack the charm first");
        _workloadPort = ServerProcess.FreeLoopbackPort();
        Unit = new EmulatedUnit(charmDir, hookToolClient, InitialState());
        await Dispatch(new EventRequest { Event = "install" }, cancellationToken).ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = "leader-elected" }, cancellationToken).ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = "config-changed" }, cancellationToken).ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = $"{Container}-pebble-ready" }, cancellationToken).ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = "metrics-endpoint-relation-joined", RelationId = 1, RemoteUnit = "prometheus/0" }, cancellationToken).ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = "logging-relation-changed", RelationId = 2, RemoteUnit = "loki/0" }, cancellationToken).ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = "grafana-dashboard-relation-joined", RelationId = 3, RemoteUnit = "grafana/0" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the workload as Pebble would from the charm's plan, waits for /readyz, then runs update-status.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task.</returns>
    public async Task StartWorkloadAsync(CancellationToken cancellationToken)
    {
        var unit = Unit ?? throw new InvalidOperationException("deploy the charm first");
        var container = unit.State.Containers.Single(c => c.Name == Container);
        var (fileName, arguments, environment) = PlanService.CommandLine(container, Container);
        await Line($"      {Container} service: {string.Join(' ', arguments.Skip(1))}").ConfigureAwait(false);
        WorkloadUrl = new Uri($"http://127.0.0.1:{_workloadPort}/");
        _workload = await ServerProcess.StartAsync(
            "the drift monitor",
            fileName,
            arguments,
            environment,
            Path.Combine(_options.WorkDirectory, "workload.log"),
            new Uri(WorkloadUrl, "readyz"),
            TimeSpan.FromSeconds(60),
            cancellationToken).ConfigureAwait(false);
        await Line($"      listening on {WorkloadUrl} (log: {_workload.LogPath})").ConfigureAwait(false);
        await Dispatch(new EventRequest { Event = "update-status" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uses a charm packed and unpacked elsewhere (tests share one pack) instead of <see cref="PackCharmAsync"/>.</summary>
    /// <param name="charmDirectory">The unpacked <c>.charm</c>.</param>
    public void UseUnpackedCharm(string charmDirectory) => CharmDirectory = charmDirectory;

    /// <summary>Writes the reference and loads it with the charm's set-reference action.</summary>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>A task.</returns>
    public async Task LoadReferenceAsync(CancellationToken cancellationToken)
    {
        var reference = Path.Combine(_options.WorkDirectory, "reference.csv");
        await File.WriteAllTextAsync(reference, Dataset.ReferenceCsv(), cancellationToken).ConfigureAwait(false);
        var parameters = new JsonObject { ["model"] = _options.Model, ["source"] = reference }.ToJsonString();
        var result = await Dispatch(new EventRequest { Action = "set-reference", Params = parameters }, cancellationToken).ConfigureAwait(false);
        if (result.State.UnitStatus.Name != "active")
        {
            throw new DemoException($"after set-reference the unit is {result.State.UnitStatus.Name}: {result.State.UnitStatus.Message}");
        }
    }

    /// <summary>
    /// What prometheus-k8s writes for the charm's metrics-endpoint relation: the scrape jobs and the rule file, with every
    /// rule's <c>for</c> shortened by <see cref="DemoOptions.TimeCompression"/>.
    /// </summary>
    /// <returns>The jobs and rule files.</returns>
    public (IReadOnlyList<JsonObject> Jobs, IReadOnlyList<RuleFile> RuleFiles) DerivePrometheusConfiguration()
    {
        var unit = Unit ?? throw new InvalidOperationException("deploy the charm first");
        var relation = unit.Relation("metrics-endpoint");
        // prometheus-k8s runs Prometheus 3, and adds fallback_scrape_protocol to every job; Prometheus 2.42 (Debian 12)
        // predates that key and refuses it, so it is left out here. Everything else is as prometheus-k8s writes it.
        var derived = ScrapeConfigBuilder.Derive(
            new ScrapeRelationData(
                relation.Endpoint,
                relation.Id,
                relation.LocalAppData,
                new Dictionary<string, IReadOnlyDictionary<string, string>> { [unit.UnitName] = relation.LocalUnitData }),
            fallbackScrapeProtocol: null);
        if (derived.Problems.Count > 0)
        {
            throw new DemoException("prometheus-k8s would reject the charm's metrics-endpoint data: " + string.Join("; ", derived.Problems));
        }

        if (derived.RuleFile is null || derived.Jobs.Count == 0)
        {
            throw new DemoException("the charm's metrics-endpoint data has no scrape job or no alert rules");
        }

        var rules = RuleTiming.Compress(derived.RuleFile, _options.TimeCompression);
        return (derived.Jobs, [rules]);
    }

    /// <summary>Starts Prometheus and Alertmanager with the derived configuration and waits until the workload is scraped.</summary>
    /// <param name="binaries">Their executables.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task.</returns>
    public async Task StartAlertingAsync(AlertingBinaries binaries, CancellationToken cancellationToken)
    {
        var (jobs, ruleFiles) = DerivePrometheusConfiguration();
        var ruleCount = ruleFiles.Sum(f => (f.Rules["groups"] as JsonArray ?? []).OfType<JsonObject>().Sum(g => (g["rules"] as JsonArray)?.Count ?? 0));
        await Line($"      {jobs.Count} scrape job ({string.Join(", ", jobs.Select(j => j["job_name"]?.GetValue<string>()))}), {ruleCount} alert rules in {string.Join(", ", ruleFiles.Select(f => f.FileName))}; every rule's `for` divided by {_options.TimeCompression} (10m → {RuleTiming.FormatDuration(TimeSpan.FromMinutes(10) / _options.TimeCompression)})").ConfigureAwait(false);
        Alerting = await LocalAlerting.StartAsync(binaries, Path.Combine(_options.WorkDirectory, "prometheus"), jobs, ruleFiles, _options.PrometheusInterval, cancellationToken).ConfigureAwait(false);
        await Line($"      Prometheus   {Alerting.PrometheusUrl}  (config: {Alerting.PrometheusConfigPath})").ConfigureAwait(false);
        await Line($"      Alertmanager {Alerting.AlertmanagerUrl}").ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var targets = await Alerting.TargetsAsync(cancellationToken).ConfigureAwait(false);
            if (targets.Count > 0 && targets.All(t => t.Health == "up"))
            {
                await Line($"      scraping {string.Join(", ", targets.Select(t => t.ScrapeUrl))}: up").ConfigureAwait(false);
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new DemoException("Prometheus does not scrape the workload: " + string.Join("; ", targets.Select(t => $"{t.ScrapeUrl} {t.Health} {t.LastError}")));
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replays <paramref name="cases"/> at <see cref="DemoOptions.RowsPerSecond"/>, one predict call per
    /// <see cref="DemoOptions.RowsPerCall"/> cases, calling <paramref name="check"/> once a second until it returns true
    /// or <paramref name="duration"/> has passed.
    /// </summary>
    /// <param name="cases">The traffic.</param>
    /// <param name="duration">How long at most.</param>
    /// <param name="check">Called every second with the elapsed time; true stops the replay.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>Whether <paramref name="check"/> stopped it, and the cases sent.</returns>
    public async Task<(bool Stopped, long Records)> ReplayAsync(
        IEnumerable<SampleCase> cases,
        TimeSpan duration,
        Func<TimeSpan, CancellationToken, Task<bool>> check,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(check);
        using var logger = new InferenceLogger(WorkloadUrl ?? throw new InvalidOperationException("start the workload first"), _options.Model);
        using var source = cases.GetEnumerator();
        var period = TimeSpan.FromSeconds((double)_options.RowsPerCall / _options.RowsPerSecond);
        using var timer = new PeriodicTimer(period);
        var watch = Stopwatch.StartNew();
        var nextCheck = TimeSpan.FromSeconds(1);
        var batch = new List<SampleCase>(_options.RowsPerCall);
        while (watch.Elapsed < duration)
        {
            batch.Clear();
            while (batch.Count < _options.RowsPerCall && source.MoveNext())
            {
                batch.Add(source.Current);
            }

            await logger.LogCallAsync(batch, cancellationToken).ConfigureAwait(false);
            if (watch.Elapsed >= nextCheck)
            {
                nextCheck = watch.Elapsed + TimeSpan.FromSeconds(1);
                if (await check(watch.Elapsed, cancellationToken).ConfigureAwait(false))
                {
                    return (true, logger.Records);
                }
            }

            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }

        return (false, logger.Records);
    }

    /// <summary>The workload's model status (<c>GET /v1/models/{model}</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status object.</returns>
    public async Task<JsonElement> ModelStatusAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(WorkloadUrl ?? throw new InvalidOperationException("start the workload first"), "v1/models/" + Uri.EscapeDataString(_options.Model));
        using var document = JsonDocument.Parse(await _http.GetStringAsync(url, cancellationToken).ConfigureAwait(false));
        return document.RootElement.Clone();
    }

    /// <summary>Writes the workload's HTML drift report of the model into the work directory.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The report's path.</returns>
    public async Task<string> WriteReportAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(WorkloadUrl ?? throw new InvalidOperationException("start the workload first"), $"v1/models/{Uri.EscapeDataString(_options.Model)}/report");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoException($"GET {url}: {(int)response.StatusCode} {body}");
        }

        var path = Path.Combine(_options.WorkDirectory, "drift-report.html");
        await File.WriteAllTextAsync(path, body, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (Alerting is not null)
        {
            await Alerting.DisposeAsync().ConfigureAwait(false);
        }

        if (_workload is not null)
        {
            await _workload.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<CharmRunResult> Dispatch(EventRequest request, CancellationToken cancellationToken)
    {
        var unit = Unit ?? throw new InvalidOperationException("deploy the charm first");
        var result = await unit.RunAsync(request, cancellationToken).ConfigureAwait(false);
        var status = result.State.UnitStatus;
        var name = request.Action is { } action ? $"action {action}" : request.Event;
        await Line(string.Create(
            CultureInfo.InvariantCulture,
            $"      {name,-36} {result.DispatchSeconds * 1000,6:0} ms  {result.Records.Calls.Count,3} hook-tool calls  unit {status.Name}{(status.Message.Length > 0 ? ": " + status.Message : string.Empty)}")).ConfigureAwait(false);
        return result;
    }

    private UnitState InitialState()
    {
        var container = Path.Combine(_options.WorkDirectory, "container");
        var config = Directory.CreateDirectory(Path.Combine(container, "etc", "drift-monitor")).FullName;
        var data = Directory.CreateDirectory(Path.Combine(container, "var", "lib", "drift-monitor")).FullName;
        var loopback = new JsonObject
        {
            ["bind_addresses"] = new JsonArray(new JsonObject
            {
                ["interface_name"] = "lo",
                ["addresses"] = new JsonArray(new JsonObject { ["value"] = "127.0.0.1", ["cidr"] = "127.0.0.0/8" }),
            }),
            ["ingress_addresses"] = new JsonArray("127.0.0.1"),
            ["egress_subnets"] = new JsonArray("127.0.0.0/8"),
        };
        var state = new JsonObject
        {
            ["leader"] = true,
            ["model"] = new JsonObject { ["name"] = JujuModel, ["uuid"] = JujuModelUuid, ["type"] = "kubernetes" },
            ["config"] = new JsonObject
            {
                ["port"] = _workloadPort,
                ["window-records"] = 500,
                ["evaluation-interval"] = 2,
                ["min-records"] = 100,
            },
            ["networks"] = new JsonObject { ["metrics-endpoint"] = loopback },
            ["storages"] = new JsonArray(new JsonObject { ["name"] = "data", ["location"] = "/var/lib/drift-monitor" }),
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = Container,
                ["can_connect"] = true,
                ["mounts"] = new JsonObject
                {
                    ["config"] = new JsonObject { ["location"] = "/etc/drift-monitor", ["source"] = config },
                    ["data"] = new JsonObject { ["location"] = "/var/lib/drift-monitor", ["source"] = data },
                },
            }),
            ["relations"] = new JsonArray(
                Relation(1, "metrics-endpoint", "prometheus", null),
                Relation(2, "logging", "loki", new JsonObject { ["endpoint"] = """{"url": "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push"}""" }),
                Relation(3, "grafana-dashboard", "grafana", null)),
        };
        return StateJson.Read(state.ToJsonString());
    }

    private static JsonObject Relation(int id, string endpoint, string remoteApp, JsonObject? remoteUnitData)
    {
        var relation = new JsonObject { ["id"] = id, ["endpoint"] = endpoint, ["remote_app_name"] = remoteApp };
        if (remoteUnitData is not null)
        {
            relation["remote_units_data"] = new JsonObject { ["0"] = remoteUnitData };
        }

        return relation;
    }

    private string Relative(string path) =>
        path.StartsWith(_options.RepositoryRoot, StringComparison.Ordinal) ? Path.GetRelativePath(Directory.GetCurrentDirectory(), path) : path;

    private Task Line(string text) => _out.WriteLineAsync(text);
}
