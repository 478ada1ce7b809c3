// LocalAlerting: real Prometheus and Alertmanager on 127.0.0.1, configured with what prometheus-k8s would write for the
// charm's relation data (scrape jobs and rule files), with fast scrape and evaluation intervals, and queried through
// their HTTP APIs.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;

namespace MlObs.Cli.Demo;

/// <summary>Where the Prometheus and Alertmanager executables are.</summary>
/// <param name="Prometheus">The <c>prometheus</c> binary.</param>
/// <param name="Alertmanager">The Alertmanager binary (<c>prometheus-alertmanager</c> on Debian, <c>alertmanager</c> upstream).</param>
internal sealed record AlertingBinaries(string Prometheus, string Alertmanager)
{
    /// <summary>The Debian packages that bring both.</summary>
    public static IReadOnlyList<string> DebianPackages { get; } = ["prometheus", "prometheus-alertmanager"];

    /// <summary>The command that installs them.</summary>
    public static string InstallCommand => "sudo apt-get install -y " + string.Join(' ', DebianPackages);

    /// <summary>Looks both up on PATH.</summary>
    /// <returns>The binaries, or null when either is missing.</returns>
    public static AlertingBinaries? Find()
    {
        var prometheus = Which("prometheus");
        var alertmanager = Which("prometheus-alertmanager") ?? Which("alertmanager");
        return prometheus is not null && alertmanager is not null ? new AlertingBinaries(prometheus, alertmanager) : null;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>An alert as Alertmanager (or Prometheus) holds it.</summary>
/// <param name="Name">The <c>alertname</c> label.</param>
/// <param name="State">Alertmanager: <c>active</c>, <c>suppressed</c>, <c>unprocessed</c>; Prometheus: <c>pending</c>, <c>firing</c>.</param>
/// <param name="Labels">All labels.</param>
/// <param name="Annotations">The annotations (summary, description).</param>
internal sealed record ObservedAlert(string Name, string State, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>A label's value, or the empty string.</summary>
    /// <param name="name">The label.</param>
    /// <returns>The value.</returns>
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : string.Empty;
}

/// <summary>Prometheus and Alertmanager, started on free loopback ports.</summary>
internal sealed class LocalAlerting : IAsyncDisposable
{
    private readonly ServerProcess _prometheus;
    private readonly ServerProcess _alertmanager;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private LocalAlerting(ServerProcess prometheus, Uri prometheusUrl, ServerProcess alertmanager, Uri alertmanagerUrl, string configPath)
    {
        _prometheus = prometheus;
        _alertmanager = alertmanager;
        PrometheusUrl = prometheusUrl;
        AlertmanagerUrl = alertmanagerUrl;
        PrometheusConfigPath = configPath;
    }

    /// <summary>Prometheus' web UI and API.</summary>
    public Uri PrometheusUrl { get; }

    /// <summary>Alertmanager's web UI and API.</summary>
    public Uri AlertmanagerUrl { get; }

    /// <summary>The <c>prometheus.yml</c> written.</summary>
    public string PrometheusConfigPath { get; }

    /// <summary>Prometheus' log file.</summary>
    public string PrometheusLog => _prometheus.LogPath;

    /// <summary>
    /// Writes the configuration into <paramref name="directory"/> and starts Alertmanager, then Prometheus with the jobs
    /// and rule files, scraping and evaluating every <paramref name="interval"/>.
    /// </summary>
    /// <param name="binaries">The executables.</param>
    /// <param name="directory">Where configs, data and logs go.</param>
    /// <param name="jobs">The scrape jobs.</param>
    /// <param name="ruleFiles">The rule files (written under <c>rules/</c>).</param>
    /// <param name="interval">The scrape and evaluation interval.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running pair.</returns>
    public static async Task<LocalAlerting> StartAsync(
        AlertingBinaries binaries,
        string directory,
        IReadOnlyList<JsonObject> jobs,
        IReadOnlyList<RuleFile> ruleFiles,
        TimeSpan interval,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        var rulesDir = Directory.CreateDirectory(Path.Combine(directory, "rules")).FullName;
        foreach (var file in ruleFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(rulesDir, file.FileName), file.Yaml, cancellationToken).ConfigureAwait(false);
        }

        var alertmanagerPort = ServerProcess.FreeLoopbackPort();
        var alertmanagerUrl = new Uri($"http://127.0.0.1:{alertmanagerPort}/");
        var alertmanagerConfig = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(alertmanagerConfig, AlertmanagerConfig, cancellationToken).ConfigureAwait(false);
        var alertmanager = await ServerProcess.StartAsync(
            "Alertmanager",
            binaries.Alertmanager,
            [
                "--config.file=" + alertmanagerConfig,
                "--storage.path=" + Directory.CreateDirectory(Path.Combine(directory, "alertmanager-data")).FullName,
                $"--web.listen-address=127.0.0.1:{alertmanagerPort}",
                "--cluster.listen-address=",
            ],
            new Dictionary<string, string>(),
            Path.Combine(directory, "alertmanager.log"),
            new Uri(alertmanagerUrl, "-/ready"),
            TimeSpan.FromSeconds(30),
            cancellationToken).ConfigureAwait(false);
        try
        {
            var prometheusPort = ServerProcess.FreeLoopbackPort();
            var prometheusUrl = new Uri($"http://127.0.0.1:{prometheusPort}/");
            var seconds = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)interval.TotalSeconds)}s");
            var config = ScrapeConfigBuilder.RenderPrometheusConfig(
                jobs,
                [Path.Combine(rulesDir, "*.rules")],
                seconds,
                seconds,
                [$"127.0.0.1:{alertmanagerPort}"]);
            var configPath = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(configPath, config, cancellationToken).ConfigureAwait(false);
            var prometheus = await ServerProcess.StartAsync(
                "Prometheus",
                binaries.Prometheus,
                [
                    "--config.file=" + configPath,
                    "--storage.tsdb.path=" + Directory.CreateDirectory(Path.Combine(directory, "prometheus-data")).FullName,
                    $"--web.listen-address=127.0.0.1:{prometheusPort}",
                ],
                new Dictionary<string, string>(),
                Path.Combine(directory, "prometheus.log"),
                new Uri(prometheusUrl, "-/ready"),
                TimeSpan.FromSeconds(60),
                cancellationToken).ConfigureAwait(false);
            return new LocalAlerting(prometheus, prometheusUrl, alertmanager, alertmanagerUrl, configPath);
        }
        catch
        {
            await alertmanager.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The alerts Alertmanager holds (its API v2).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The alerts.</returns>
    public async Task<IReadOnlyList<ObservedAlert>> AlertmanagerAlertsAsync(CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(new Uri(AlertmanagerUrl, "api/v2/alerts"), cancellationToken).ConfigureAwait(false);
        return [.. document.RootElement.EnumerateArray().Select(a => Alert(a, a.GetProperty("status").GetProperty("state").GetString() ?? string.Empty))];
    }

    /// <summary>The alerts Prometheus' rules hold, pending or firing (its API v1).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The alerts.</returns>
    public async Task<IReadOnlyList<ObservedAlert>> PrometheusAlertsAsync(CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(new Uri(PrometheusUrl, "api/v1/alerts"), cancellationToken).ConfigureAwait(false);
        return [.. document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a => Alert(a, a.GetProperty("state").GetString() ?? string.Empty))];
    }

    /// <summary>The health of Prometheus' active targets, e.g. <c>up</c>, one per target.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Scrape URL and health, with the last error.</returns>
    public async Task<IReadOnlyList<(string ScrapeUrl, string Health, string LastError)>> TargetsAsync(CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(new Uri(PrometheusUrl, "api/v1/targets?state=active"), cancellationToken).ConfigureAwait(false);
        return [.. document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t => (
            t.GetProperty("scrapeUrl").GetString() ?? string.Empty,
            t.GetProperty("health").GetString() ?? string.Empty,
            t.GetProperty("lastError").GetString() ?? string.Empty))];
    }

    /// <summary>Evaluates an instant PromQL query.</summary>
    /// <param name="query">The expression.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each sample's labels and value.</returns>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string query, CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(new Uri(PrometheusUrl, "api/v1/query?query=" + Uri.EscapeDataString(query)), cancellationToken).ConfigureAwait(false);
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            (IReadOnlyDictionary<string, string>)Strings(r.GetProperty("metric")),
            double.Parse(r.GetProperty("value")[1].GetString() ?? "NaN", NumberStyles.Float, CultureInfo.InvariantCulture)))];
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _prometheus.DisposeAsync().ConfigureAwait(false);
        await _alertmanager.DisposeAsync().ConfigureAwait(false);
    }

    // One receiver without integrations: the demo reads the alerts from the API. Short waits, so a new alert shows at once.
    private const string AlertmanagerConfig = """
        route:
          receiver: demo
          group_by: [alertname, model]
          group_wait: 1s
          group_interval: 5s
          repeat_interval: 1h
        receivers:
          - name: demo

        """;

    private static ObservedAlert Alert(JsonElement alert, string state)
    {
        var labels = Strings(alert.GetProperty("labels"));
        var annotations = alert.TryGetProperty("annotations", out var a) ? Strings(a) : new Dictionary<string, string>(StringComparer.Ordinal);
        return new ObservedAlert(labels.GetValueOrDefault("alertname", string.Empty), state, labels, annotations);
    }

    private static Dictionary<string, string> Strings(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);

    private async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoException($"GET {url}: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body);
    }
}
