// One list+watch loop in the style of client-go's reflector: list, then watch from the list's resource version with
// bookmarks; a watch that ends (server timeout, dropped connection) resumes from the last version seen; 410 Gone relists;
// errors back off exponentially with jitter. A resource whose CRD is not installed (404) is empty and retried slowly.
using MlObs.KubeflowExporter.Metrics;
using MlObs.KubeflowExporter.Objects;
using Serilog;

namespace MlObs.KubeflowExporter.Kube;

/// <summary>Timing of watches and back-off.</summary>
public sealed record WatchSettings
{
    /// <summary>The server-side timeout asked for each watch (the API server ends it then, and the watcher resumes).</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>The first back-off after an error.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off, also the retry period of a resource whose CRD is missing.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Keeps one <see cref="IObjectSink"/> in step with one resource of the API.</summary>
internal sealed class ResourceWatcher
{
    private readonly IKubeApi _api;
    private readonly IObjectSink _sink;
    private readonly ExporterMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly WatchSettings _settings;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a watcher of <paramref name="kind"/> feeding <paramref name="sink"/>.</summary>
    public ResourceWatcher(IKubeApi api, ResourceKind kind, IObjectSink sink, ExporterMetrics metrics, ILogger log, TimeProvider time, WatchSettings settings)
    {
        _api = api;
        Kind = kind;
        _sink = sink;
        _metrics = metrics;
        _log = log.ForContext("Resource", kind.Name);
        _time = time;
        _settings = settings;
    }

    /// <summary>The resource watched.</summary>
    public ResourceKind Kind { get; }

    /// <summary>Completes after the first successful list (or the first 404: the resource does not exist).</summary>
    public Task Synced => _synced.Task;

    /// <summary>The resource version the next watch starts from; null until listed, or after a 410.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>Runs until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        int failures = 0;
        bool missingLogged = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (ResourceVersion is null)
                {
                    ResourceList list = await _api.ListAsync(Kind, ct).ConfigureAwait(false);
                    _sink.Replace(list.Items);
                    ResourceVersion = list.ResourceVersion;
                    _metrics.Listed(Kind.Name, _time.GetUtcNow(), _sink.Count);
                    _metrics.ResourceMissing(Kind.Name, false);
                    missingLogged = false;
                    _synced.TrySetResult();
                    _log.Debug("Listed {Count} {Resource:l} at {ResourceVersion:l}", list.Items.Count, Kind.Name, ResourceVersion);
                }
                await foreach (WatchEvent e in _api.WatchAsync(Kind, ResourceVersion, _settings.WatchTimeoutSeconds, ct).ConfigureAwait(false))
                {
                    Apply(e);
                    failures = 0;
                }
                _metrics.WatchRestarted(Kind.Name);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (ResourceExpiredException e)
            {
                _log.Information("Watch of {Resource:l} expired at {ResourceVersion:l}, listing again: {Message:l}", Kind.Name, ResourceVersion, e.Message);
                ResourceVersion = null;
                _metrics.Relisted(Kind.Name, "expired");
            }
            catch (KubeApiException e) when (e.StatusCode == 404)
            {
                // The CRD is not installed (e.g. Seldon in CKF 1.11): nothing to watch, ready anyway; look again later.
                if (!missingLogged)
                    _log.Information("No {Resource:l} in this cluster ({Message:l}); retrying every {Period}", Kind.Name, e.Message, _settings.MaxBackoff);
                missingLogged = true;
                _sink.Replace([]);
                ResourceVersion = null;
                _metrics.ResourceMissing(Kind.Name, true);
                _synced.TrySetResult();
                if (!await DelayAsync(_settings.MaxBackoff, ct).ConfigureAwait(false))
                    break;
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                failures++;
                bool listing = ResourceVersion is null;
                _metrics.WatchError(Kind.Name, listing ? "list" : "watch");
                TimeSpan delay = Backoff(failures);
                _log.Warning("{Operation:l} of {Resource:l} failed ({Failures} in a row), retrying in {Delay}: {Message:l}",
                    listing ? "List" : "Watch", Kind.Name, failures, delay, e.Message);
                if (listing)
                    _metrics.Relisted(Kind.Name, "error");
                else
                    _metrics.WatchRestarted(Kind.Name);
                if (!await DelayAsync(delay, ct).ConfigureAwait(false))
                    break;
            }
        }
    }

    // Errors after which the loop backs off and tries again; anything else is a bug and ends the watcher (logged by the host).
    private static bool IsTransient(Exception e, CancellationToken ct) =>
        e is KubeApiException or HttpRequestException or IOException or System.Text.Json.JsonException or k8s.Exceptions.KubernetesClientException
            or TimeoutException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private void Apply(WatchEvent e)
    {
        if (ObjectJson.ResourceVersion(e.Item) is { Length: > 0 } rv)
            ResourceVersion = rv;
        _metrics.WatchEvent(Kind.Name, e.Kind);
        switch (e.Kind)
        {
            case WatchEventKind.Added or WatchEventKind.Modified:
                _sink.Upsert(e.Item);
                break;
            case WatchEventKind.Deleted:
                _sink.Delete(e.Item);
                break;
        }
        _metrics.Objects(Kind.Name, _sink.Count);
    }

    private TimeSpan Backoff(int failures)
    {
        double seconds = Math.Min(_settings.MaxBackoff.TotalSeconds, _settings.InitialBackoff.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        // ±20 % jitter so that the watchers of a restarted API server do not come back in lockstep.
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
#pragma warning restore CA5394
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
