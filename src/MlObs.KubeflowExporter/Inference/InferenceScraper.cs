// Scrapes every inference pod each interval (bounded concurrency, a timeout and a size limit per scrape), and merges their
// series into one text block with namespace, inference_service and pod labels added, within the per-target and total
// series limits. /metrics serves the last merged block, so its latency does not depend on the pods.
using System.Diagnostics;
using System.Net;
using System.Text;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Metrics;
using Serilog;

namespace MlObs.KubeflowExporter.Inference;

/// <summary>The inference-pod scraper and aggregator.</summary>
internal sealed class InferenceScraper : IDisposable
{
    /// <summary>The labels added to every re-exposed series; a series that has one already keeps it as <c>exported_&lt;name&gt;</c>.</summary>
    public static IReadOnlyList<string> TargetLabels { get; } = ["namespace", "inference_service", "pod"];

    private const string DefaultHelp = "Re-exposed from inference pods by the kubeflow exporter (the pod gave no HELP).";

    private readonly ExporterState _state;
    private readonly InferenceScrapeSettings _settings;
    private readonly ExporterMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly HashSet<ScrapeTargetId> _known = [];
    private volatile string _merged = "";
    private long _cycles;

    public InferenceScraper(ExporterState state, InferenceScrapeSettings settings, ExporterMetrics metrics, ILogger log, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _state = state;
        _settings = settings;
        _metrics = metrics;
        _log = log;
        _time = time;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = settings.Timeout,
            AutomaticDecompression = DecompressionMethods.GZip,
            MaxConnectionsPerServer = 2,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1");
    }

    /// <summary>The merged series of the last cycle, in the text format (families with HELP and TYPE).</summary>
    public string Merged => _merged;

    /// <summary>How many cycles have completed.</summary>
    public long Cycles => Interlocked.Read(ref _cycles);

    /// <summary>Scrapes every interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_settings.Interval, _time);
        do
        {
            try
            {
                await ScrapeOnceAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }
        while (await WaitAsync(timer, ct).ConfigureAwait(false));
    }

    /// <summary>One cycle: scrape every target, merge, publish.</summary>
    public async Task ScrapeOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<ScrapeTarget> targets = ScrapeTargets.From(_state, _settings.ReadyOnly);
        _metrics.ScrapeTargets(targets.Count);
        var results = new (IReadOnlyList<MetricFamily>? Families, TimeSpan Elapsed)[targets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _settings.Concurrency, CancellationToken = ct },
            async (i, token) => results[i] = await ScrapeAsync(targets[i], token).ConfigureAwait(false)).ConfigureAwait(false);

        _merged = Merge(targets, results);
        var current = targets.Select(t => t.Id).ToHashSet();
        foreach (ScrapeTargetId gone in _known.Where(k => !current.Contains(k)).ToList())
        {
            _metrics.RemoveTarget(gone);
            _known.Remove(gone);
        }
        _known.UnionWith(current);
        Interlocked.Increment(ref _cycles);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(IReadOnlyList<MetricFamily>?, TimeSpan)> ScrapeAsync(ScrapeTarget target, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.Timeout);
        string reason;
        string detail;
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(target.Url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                reason = "http_status";
                detail = $"HTTP {(int)response.StatusCode}";
            }
            else if (await ReadLimitedAsync(response.Content, timeout.Token).ConfigureAwait(false) is not { } body)
            {
                reason = "too_large";
                detail = $"answer over {_settings.MaxBodyBytes} bytes";
            }
            else
            {
                return (Exposition.Parse(body), Stopwatch.GetElapsedTime(start));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            reason = "timeout";
            detail = $"no answer within {_settings.Timeout.TotalSeconds} s";
        }
        catch (HttpRequestException e)
        {
            reason = "connection";
            detail = e.Message;
        }
        catch (ExpositionFormatException e)
        {
            reason = "parse";
            detail = e.Message;
        }
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        _metrics.ScrapeFailed(target.Id, elapsed, reason);
        _log.Debug("Scrape of {Url:l} ({Namespace:l}/{Pod:l}) failed: {Reason:l}: {Detail:l}", target.Url, target.Id.Namespace, target.Id.Pod, reason, detail);
        return (null, elapsed);
    }

    private async Task<string?> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > _settings.MaxBodyBytes)
            return null;
        using Stream stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _settings.MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private string Merge(IReadOnlyList<ScrapeTarget> targets, (IReadOnlyList<MetricFamily>? Families, TimeSpan Elapsed)[] results)
    {
        var families = new Dictionary<string, (string Type, string Help, StringBuilder Samples)>(StringComparer.Ordinal);
        var order = new List<string>();
        int total = 0;
        for (int t = 0; t < targets.Count; t++)
        {
            if (results[t].Families is not { } scraped)
                continue;
            ScrapeTargetId id = targets[t].Id;
            int kept = 0;
            int overTarget = 0, overTotal = 0, conflicts = 0, reserved = 0;
            foreach (MetricFamily family in scraped)
            {
                int n = family.Samples.Count;
                if (n == 0)
                    continue;
                if (family.Name.StartsWith("kubeflow_", StringComparison.Ordinal))
                {
                    reserved += n;
                    continue;
                }
                if (families.TryGetValue(family.Name, out var merged) && merged.Type != family.Type)
                {
                    conflicts += n;
                    continue;
                }
                if (kept + n > _settings.MaxSeriesPerTarget)
                {
                    overTarget += n;
                    continue;
                }
                if (total + n > _settings.MaxSeriesTotal)
                {
                    overTotal += n;
                    continue;
                }
                if (merged.Samples is null)
                {
                    merged = (family.Type, family.Help ?? DefaultHelp, new StringBuilder());
                    families[family.Name] = merged;
                    order.Add(family.Name);
                }
                var writer = new ExpositionWriter(merged.Samples);
                foreach (MetricSample sample in family.Samples)
                    writer.Sample(sample.Name, WithTarget(sample.Labels, id), sample.Value);
                kept += n;
                total += n;
            }
            _metrics.SeriesDropped(id, "target_limit", overTarget);
            _metrics.SeriesDropped(id, "total_limit", overTotal);
            _metrics.SeriesDropped(id, "type_conflict", conflicts);
            _metrics.SeriesDropped(id, "reserved_name", reserved);
            _metrics.ScrapeSucceeded(id, results[t].Elapsed, kept);
            if (overTarget + overTotal > 0)
                _log.Warning("Dropped {Dropped} series of {Namespace:l}/{Pod:l} over the series limits", overTarget + overTotal, id.Namespace, id.Pod);
        }
        var text = new StringBuilder();
        var header = new ExpositionWriter(text);
        foreach (string name in order)
        {
            (string type, string help, StringBuilder samples) = families[name];
            header.Family(name, type, help);
            text.Append(samples);
        }
        return text.ToString();
    }

    private static KeyValuePair<string, string>[] WithTarget(IReadOnlyList<KeyValuePair<string, string>> labels, ScrapeTargetId id)
    {
        var result = new KeyValuePair<string, string>[labels.Count + 3];
        result[0] = new("namespace", id.Namespace);
        result[1] = new("inference_service", id.InferenceService);
        result[2] = new("pod", id.Pod);
        for (int i = 0; i < labels.Count; i++)
        {
            string name = labels[i].Key;
            result[i + 3] = name is "namespace" or "inference_service" or "pod" ? new("exported_" + name, labels[i].Value) : labels[i];
        }
        return result;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
