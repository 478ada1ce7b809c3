// The exporter's event-driven metrics, in a prometheus-net registry of its own: watch health per resource, pipeline-run
// durations observed as runs finish, per-target results of the inference-pod scrapes, and the log streaming counters.
// The object-state metrics (kube-state-metrics style) are written from the caches at scrape time by StateMetricsWriter.
using MlObs.KubeflowExporter.Kube;
using Prometheus;

namespace MlObs.KubeflowExporter.Metrics;

/// <summary>Counters, gauges and histograms of the exporter (see <c>Metrics/README.md</c>). Thread-safe.</summary>
internal sealed class ExporterMetrics
{
    /// <summary>The values of the <c>reason</c> label of <c>kubeflow_inference_scrape_failures_total</c>.</summary>
    public static IReadOnlyList<string> ScrapeFailureReasons { get; } = ["timeout", "connection", "http_status", "parse", "too_large"];

    /// <summary>The values of the <c>reason</c> label of <c>kubeflow_inference_scrape_series_dropped_total</c>.</summary>
    public static IReadOnlyList<string> DropReasons { get; } = ["target_limit", "total_limit", "type_conflict", "reserved_name"];

    /// <summary>Upper bounds of the buckets of <c>kubeflow_pipeline_run_duration_seconds</c>: 10 s to 1 day.</summary>
    public static IReadOnlyList<double> RunDurationBuckets { get; } = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400];

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly Counter _watchRestarts;
    private readonly Counter _relists;
    private readonly Counter _watchErrors;
    private readonly Counter _watchEvents;
    private readonly Gauge _lastList;
    private readonly Gauge _objects;
    private readonly Gauge _missing;
    private readonly Histogram _runDuration;
    private readonly Gauge _scrapeUp;
    private readonly Gauge _scrapeDuration;
    private readonly Gauge _scrapeSeries;
    private readonly Counter _scrapeFailures;
    private readonly Counter _seriesDropped;
    private readonly Gauge _scrapeTargets;
    private readonly Counter _logLines;
    private readonly Counter _logDropped;
    private readonly Counter _logPushes;
    private readonly Gauge _logBuffered;
    private readonly Gauge _logStreams;
    private readonly Histogram _logPushDuration;

    /// <summary>Creates the metrics in a new registry.</summary>
    public ExporterMetrics()
    {
        MetricFactory f = Prometheus.Metrics.WithCustomRegistry(_registry);
        string[] resource = ["resource"];
        string[] target = ["namespace", "inference_service", "pod"];
        _watchRestarts = f.CreateCounter("kubeflow_exporter_watch_restarts_total", "Watches that ended (server timeout, dropped connection or error) and were resumed from the last resource version.", resource);
        _relists = f.CreateCounter("kubeflow_exporter_relists_total", "Lists after the first one, by reason: expired (410 Gone) or error.", ["resource", "reason"]);
        _watchErrors = f.CreateCounter("kubeflow_exporter_watch_errors_total", "Failed lists and watches (before the back-off), by operation.", ["resource", "operation"]);
        _watchEvents = f.CreateCounter("kubeflow_exporter_watch_events_total", "Watch events received, by type (added, modified, deleted, bookmark).", ["resource", "type"]);
        _lastList = f.CreateGauge("kubeflow_exporter_last_list_success_timestamp_seconds", "Unix time of the last successful list of the resource.", resource);
        _objects = f.CreateGauge("kubeflow_exporter_objects", "Objects of the resource held in the exporter's cache (all namespaces it can see).", resource);
        _missing = f.CreateGauge("kubeflow_exporter_resource_missing", "1 when the API answered 404 for the resource (its CRD is not installed), else 0.", resource);
        _runDuration = f.CreateHistogram("kubeflow_pipeline_run_duration_seconds",
            "Duration (startedAt to finishedAt) of pipeline runs (Argo Workflows) that finished while the exporter watched, by final phase.",
            new HistogramConfiguration { LabelNames = ["namespace", "phase"], Buckets = [.. RunDurationBuckets] });
        _scrapeUp = f.CreateGauge("kubeflow_inference_scrape_up", "1 when the last scrape of the inference pod succeeded, else 0.", target);
        _scrapeDuration = f.CreateGauge("kubeflow_inference_scrape_duration_seconds", "Duration of the last scrape of the inference pod.", target);
        _scrapeSeries = f.CreateGauge("kubeflow_inference_scrape_series", "Series of the inference pod re-exposed after the last scrape (after limits).", target);
        _scrapeFailures = f.CreateCounter("kubeflow_inference_scrape_failures_total", "Failed scrapes of the inference pod, by reason.", [.. target, "reason"]);
        _seriesDropped = f.CreateCounter("kubeflow_inference_scrape_series_dropped_total",
            "Series of the inference pod not re-exposed, by reason (per-target limit, total limit, type conflict, reserved name).", [.. target, "reason"]);
        _scrapeTargets = f.CreateGauge("kubeflow_inference_scrape_targets", "Inference pods discovered for scraping in the selected namespaces.");
        _logLines = f.CreateCounter("kubeflow_log_lines_read_total", "Log lines read from inference pods' containers, by namespace.", ["namespace"]);
        _logDropped = f.CreateCounter("kubeflow_log_lines_dropped_total",
            "Log lines not delivered to Loki, by reason (buffer_full: the oldest dropped under back-pressure; rejected: Loki refused the batch; retries_exhausted).", ["reason"]);
        _logPushes = f.CreateCounter("kubeflow_log_pushes_total", "Push requests to Loki, by result (success, retry, failure).", ["result"]);
        _logBuffered = f.CreateGauge("kubeflow_log_buffered_lines", "Log lines waiting in the buffer for the next push.");
        _logStreams = f.CreateGauge("kubeflow_log_streams", "Containers whose logs are being followed.");
        _logPushDuration = f.CreateHistogram("kubeflow_log_push_duration_seconds", "Duration of push requests to Loki.",
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        foreach (string reason in (string[])["buffer_full", "rejected", "retries_exhausted"])
            _logDropped.WithLabels(reason);
        foreach (string result in (string[])["success", "retry", "failure"])
            _logPushes.WithLabels(result);
    }

    /// <summary>Writes every metric of the registry in the text format 0.0.4.</summary>
    public Task WriteAsync(Stream stream, CancellationToken ct) => _registry.CollectAndExportAsTextAsync(stream, ct);

    /// <summary>A list of <paramref name="resource"/> succeeded with <paramref name="count"/> objects.</summary>
    public void Listed(string resource, DateTimeOffset at, int count)
    {
        _lastList.WithLabels(resource).Set(at.ToUnixTimeMilliseconds() / 1000.0);
        _objects.WithLabels(resource).Set(count);
        foreach (string type in (string[])["added", "modified", "deleted", "bookmark"])
            _watchEvents.WithLabels(resource, type);
        _watchRestarts.WithLabels(resource);
        _relists.WithLabels(resource, "expired");
        _relists.WithLabels(resource, "error");
    }

    /// <summary>The cache of <paramref name="resource"/> holds <paramref name="count"/> objects.</summary>
    public void Objects(string resource, int count) => _objects.WithLabels(resource).Set(count);

    /// <summary>The API has (or has not) the resource.</summary>
    public void ResourceMissing(string resource, bool missing) => _missing.WithLabels(resource).Set(missing ? 1 : 0);

    /// <summary>A watch ended and is resumed.</summary>
    public void WatchRestarted(string resource) => _watchRestarts.WithLabels(resource).Inc();

    /// <summary>A relist, by reason.</summary>
    public void Relisted(string resource, string reason) => _relists.WithLabels(resource, reason).Inc();

    /// <summary>A list or watch failed.</summary>
    public void WatchError(string resource, string operation) => _watchErrors.WithLabels(resource, operation).Inc();

    /// <summary>A watch event arrived.</summary>
    public void WatchEvent(string resource, WatchEventKind kind) => _watchEvents.WithLabels(resource, kind switch
    {
        WatchEventKind.Added => "added",
        WatchEventKind.Modified => "modified",
        WatchEventKind.Deleted => "deleted",
        _ => "bookmark",
    }).Inc();

    /// <summary>A pipeline run finished after <paramref name="duration"/> with <paramref name="phase"/>.</summary>
    public void RunFinished(string ns, string phase, TimeSpan duration) => _runDuration.WithLabels(ns, phase).Observe(Math.Max(0, duration.TotalSeconds));

    /// <summary>How many inference pods are scrape targets.</summary>
    public void ScrapeTargets(int count) => _scrapeTargets.Set(count);

    /// <summary>A scrape of a target succeeded with <paramref name="series"/> series kept.</summary>
    public void ScrapeSucceeded(ScrapeTargetId t, TimeSpan duration, int series)
    {
        Touch(t);
        _scrapeUp.WithLabels(t.Namespace, t.InferenceService, t.Pod).Set(1);
        _scrapeDuration.WithLabels(t.Namespace, t.InferenceService, t.Pod).Set(duration.TotalSeconds);
        _scrapeSeries.WithLabels(t.Namespace, t.InferenceService, t.Pod).Set(series);
    }

    /// <summary>A scrape of a target failed.</summary>
    public void ScrapeFailed(ScrapeTargetId t, TimeSpan duration, string reason)
    {
        Touch(t);
        _scrapeUp.WithLabels(t.Namespace, t.InferenceService, t.Pod).Set(0);
        _scrapeDuration.WithLabels(t.Namespace, t.InferenceService, t.Pod).Set(duration.TotalSeconds);
        _scrapeSeries.WithLabels(t.Namespace, t.InferenceService, t.Pod).Set(0);
        _scrapeFailures.WithLabels(t.Namespace, t.InferenceService, t.Pod, reason).Inc();
    }

    /// <summary>Series of a target were dropped.</summary>
    public void SeriesDropped(ScrapeTargetId t, string reason, int count)
    {
        if (count > 0)
            _seriesDropped.WithLabels(t.Namespace, t.InferenceService, t.Pod, reason).Inc(count);
    }

    /// <summary>Removes every series of a target that is gone.</summary>
    public void RemoveTarget(ScrapeTargetId t)
    {
        string[] labels = [t.Namespace, t.InferenceService, t.Pod];
        _scrapeUp.RemoveLabelled(labels);
        _scrapeDuration.RemoveLabelled(labels);
        _scrapeSeries.RemoveLabelled(labels);
        foreach (string reason in ScrapeFailureReasons)
            _scrapeFailures.RemoveLabelled([.. labels, reason]);
        foreach (string reason in DropReasons)
            _seriesDropped.RemoveLabelled([.. labels, reason]);
    }

    /// <summary>Lines read from a container of a pod in <paramref name="ns"/>.</summary>
    public void LogLinesRead(string ns, int count) => _logLines.WithLabels(ns).Inc(count);

    /// <summary>Lines not delivered, by reason.</summary>
    public void LogLinesDropped(string reason, int count)
    {
        if (count > 0)
            _logDropped.WithLabels(reason).Inc(count);
    }

    /// <summary>A push to Loki ended with <paramref name="result"/> (success, retry, failure).</summary>
    public void LogPush(string result, TimeSpan duration)
    {
        _logPushes.WithLabels(result).Inc();
        _logPushDuration.Observe(duration.TotalSeconds);
    }

    /// <summary>Lines waiting in the buffer.</summary>
    public void LogBuffered(int lines) => _logBuffered.Set(lines);

    /// <summary>Containers followed.</summary>
    public void LogStreams(int count) => _logStreams.Set(count);

    // Failure counters start at zero for every reason as soon as the target is known, so rate() sees the first failure.
    private void Touch(ScrapeTargetId t)
    {
        foreach (string reason in ScrapeFailureReasons)
            _scrapeFailures.WithLabels(t.Namespace, t.InferenceService, t.Pod, reason);
    }
}

/// <summary>The identity of an inference pod scrape target: the labels added to its series.</summary>
internal sealed record ScrapeTargetId(string Namespace, string InferenceService, string Pod);
