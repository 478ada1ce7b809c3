// Follows the logs of the inference pods' containers (the Kubernetes log API with follow=true&timestamps=true) and feeds
// them to the LokiPusher. A reconcile loop starts a follower for each running container of a selected pod and stops the
// followers of pods that are gone; a follower whose stream ends reconnects from its last timestamp and skips the lines it
// already read.
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Kube;
using MlObs.KubeflowExporter.Metrics;
using MlObs.KubeflowExporter.Objects;
using Serilog;

namespace MlObs.KubeflowExporter.Logs;

/// <summary>Log streaming from inference pods to Loki.</summary>
internal sealed class LogStreamer : IDisposable
{
    private readonly IKubeApi _api;
    private readonly ExporterState _state;
    private readonly LogSettings _settings;
    private readonly ExporterMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Dictionary<LogStreamKey, (CancellationTokenSource Stop, Task Run)> _followers = [];

    public LogStreamer(IKubeApi api, ExporterState state, LogSettings settings, ExporterMetrics metrics, ILogger log, TimeProvider time, HttpMessageHandler? lokiHandler = null)
    {
        _api = api;
        _state = state;
        _settings = settings;
        _metrics = metrics;
        _log = log;
        _time = time;
        Pusher = new LokiPusher(settings, metrics, log, time, lokiHandler);
    }

    public LokiPusher Pusher { get; }

    /// <summary>The containers followed now.</summary>
    public IReadOnlyCollection<LogStreamKey> Streams
    {
        get
        {
            lock (_followers)
                return [.. _followers.Keys];
        }
    }

    /// <summary>Reconciles the followers every 2 s and runs the pusher, until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        Task pusher = Pusher.RunAsync(ct);
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), _time);
            do
            {
                Reconcile(ct);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        List<Task> running;
        lock (_followers)
        {
            running = [.. _followers.Values.Select(f => f.Run)];
            foreach ((CancellationTokenSource stop, _) in _followers.Values)
                stop.Cancel();
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        await pusher.ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_followers)
        {
            foreach ((CancellationTokenSource stop, _) in _followers.Values)
                stop.Dispose();
            _followers.Clear();
        }
        Pusher.Dispose();
    }

    private void Reconcile(CancellationToken ct)
    {
        var wanted = new HashSet<LogStreamKey>();
        foreach (PodState pod in _state.KServePods.Values.Concat(_state.SeldonPods.Values))
        {
            if (pod.Phase != "Running" || !_state.IsSelected(pod.Namespace))
                continue;
            foreach (ContainerState c in pod.Containers)
            {
                if (c.Running && (_settings.Containers.Count == 0 || _settings.Containers.Contains(c.Name)))
                    wanted.Add(new LogStreamKey(pod.Namespace, pod.Name, c.Name));
            }
        }
        lock (_followers)
        {
            foreach (LogStreamKey gone in _followers.Keys.Where(k => !wanted.Contains(k)).ToList())
            {
                _followers[gone].Stop.Cancel();
                _followers.Remove(gone);
            }
            foreach (LogStreamKey key in wanted.Where(k => !_followers.ContainsKey(k)))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                _followers[key] = (stop, Task.Run(() => FollowAsync(key, stop.Token), CancellationToken.None));
            }
            _metrics.LogStreams(_followers.Count);
        }
    }

    private async Task FollowAsync(LogStreamKey key, CancellationToken ct)
    {
        long last = 0;
        int failures = 0;
        DateTimeOffset? since = _time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using Stream stream = await _api.FollowLogAsync(key.Namespace, key.Pod, key.Container, since, ct).ConfigureAwait(false);
                using var reader = new StreamReader(stream);
                int read = 0;
                while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
                {
                    if (!KubeTimestamps.TrySplit(line, out long nanos, out string text))
                        nanos = (_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000L) + 1;
                    if (nanos <= last)
                        continue; // already pushed before a reconnect
                    last = nanos;
                    Pusher.Add(new LogLine(key, nanos, text));
                    failures = 0;
                    if (++read % 256 == 0)
                        _metrics.LogLinesRead(key.Namespace, 256);
                }
                _metrics.LogLinesRead(key.Namespace, read % 256);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or OperationCanceledException)
            {
                failures++;
                _log.Debug("Log of {Namespace:l}/{Pod:l}/{Container:l} failed ({Failures} in a row): {Message:l}", key.Namespace, key.Pod, key.Container, failures, e.Message);
            }
            if (last > 0)
                since = DateTimeOffset.FromUnixTimeMilliseconds(last / 1_000_000);
            TimeSpan delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5)) * 0.5));
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
