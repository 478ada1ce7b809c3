// Pushes buffered log lines to Loki's push API (POST /loki/api/v1/push, JSON: {"streams": [{"stream": {labels}, "values":
// [["<unix ns>", "<line>"], …]}]}) in batches bounded by lines, bytes and wait time. The buffer is bounded: when Loki is
// slow or down, the oldest lines are dropped and counted, and the followers never block. A failed push (429, 5xx, no
// connection) is retried with exponential back-off; a refused one (other 4xx) is dropped and counted.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Metrics;
using Serilog;

namespace MlObs.KubeflowExporter.Logs;

/// <summary>The bounded buffer and the push loop.</summary>
internal sealed class LokiPusher : IDisposable
{
    private readonly LogSettings _settings;
    private readonly ExporterMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly Channel<LogLine> _buffer;
    private int _buffered;

    public LokiPusher(LogSettings settings, ExporterMetrics metrics, ILogger log, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _metrics = metrics;
        _log = log;
        _time = time;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        _buffer = Channel.CreateBounded<LogLine>(
            new BoundedChannelOptions(settings.BufferMaxLines) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Decrement(ref _buffered);
                _metrics.LogLinesDropped("buffer_full", 1);
            });
    }

    /// <summary>Lines delivered to Loki so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    private long _delivered;

    /// <summary>Adds a line; never blocks (the oldest line is dropped when the buffer is full).</summary>
    public void Add(LogLine line)
    {
        if (_buffer.Writer.TryWrite(line))
            _metrics.LogBuffered(Interlocked.Increment(ref _buffered));
    }

    /// <summary>Reads batches and pushes them until cancelled; then pushes what is buffered once, without retries.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<LogLine>(_settings.BatchMaxLines);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FillAsync(batch, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            await PushAsync(batch, _settings.MaxAttempts, ct).ConfigureAwait(false);
            batch.Clear();
        }
        while (batch.Count < _settings.BatchMaxLines && _buffer.Reader.TryRead(out LogLine? rest))
        {
            Interlocked.Decrement(ref _buffered);
            batch.Add(rest);
        }
        if (batch.Count > 0)
            await PushAsync(batch, 1, CancellationToken.None).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Serialises a batch as the push API's JSON: one stream per container, values in arrival order.</summary>
    public static byte[] Serialize(IReadOnlyList<LogLine> batch, IReadOnlyDictionary<string, string> extraLabels)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("streams");
            foreach (IGrouping<LogStreamKey, LogLine> stream in batch.GroupBy(l => l.Stream))
            {
                json.WriteStartObject();
                json.WriteStartObject("stream");
                foreach ((string key, string value) in extraLabels)
                {
                    if (key is not ("namespace" or "pod" or "container"))
                        json.WriteString(key, value);
                }
                json.WriteString("namespace", stream.Key.Namespace);
                json.WriteString("pod", stream.Key.Pod);
                json.WriteString("container", stream.Key.Container);
                json.WriteEndObject();
                json.WriteStartArray("values");
                foreach (LogLine line in stream)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(line.UnixNanos.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteStringValue(line.Text);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task FillAsync(List<LogLine> batch, CancellationToken ct)
    {
        // Wait for a first line, then up to BatchWait for the batch to fill.
        LogLine first = await _buffer.Reader.ReadAsync(ct).ConfigureAwait(false);
        Interlocked.Decrement(ref _buffered);
        batch.Add(first);
        int bytes = first.Text.Length;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(_settings.BatchWait);
        while (batch.Count < _settings.BatchMaxLines && bytes < _settings.BatchMaxBytes)
        {
            if (_buffer.Reader.TryRead(out LogLine? next))
            {
                Interlocked.Decrement(ref _buffered);
                batch.Add(next);
                bytes += next.Text.Length;
                continue;
            }
            try
            {
                if (!await _buffer.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    break;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                break;
            }
        }
        _metrics.LogBuffered(Math.Max(0, Volatile.Read(ref _buffered)));
    }

    private async Task PushAsync(List<LogLine> batch, int attempts, CancellationToken ct)
    {
        byte[] body = Serialize(batch, _settings.Labels);
        TimeSpan backoff = _settings.RetryBackoff;
        for (int attempt = 1; ; attempt++)
        {
            long start = Stopwatch.GetTimestamp();
            string problem;
            bool retry;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using HttpResponseMessage response = await _http.PostAsync(_settings.LokiUrl, content, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    _metrics.LogPush("success", Stopwatch.GetElapsedTime(start));
                    Interlocked.Add(ref _delivered, batch.Count);
                    return;
                }
                retry = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                string answer = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                problem = $"HTTP {(int)response.StatusCode}: {Truncate(answer)}";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                _metrics.LogLinesDropped("retries_exhausted", batch.Count);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                retry = true;
                problem = e.Message;
            }
            if (!retry)
            {
                _metrics.LogPush("failure", Stopwatch.GetElapsedTime(start));
                _metrics.LogLinesDropped("rejected", batch.Count);
                _log.Warning("Loki refused {Lines} log lines: {Problem:l}", batch.Count, problem);
                return;
            }
            if (attempt >= attempts)
            {
                _metrics.LogPush("failure", Stopwatch.GetElapsedTime(start));
                _metrics.LogLinesDropped("retries_exhausted", batch.Count);
                _log.Warning("Dropped {Lines} log lines after {Attempts} attempts to push them to Loki: {Problem:l}", batch.Count, attempt, problem);
                return;
            }
            _metrics.LogPush("retry", Stopwatch.GetElapsedTime(start));
            _log.Debug("Push to Loki failed ({Problem:l}), attempt {Attempt} of {Attempts}; retrying in {Backoff}", problem, attempt, attempts, backoff);
            try
            {
                await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _metrics.LogLinesDropped("retries_exhausted", batch.Count);
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, backoff.Ticks * 2));
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text.Trim() : string.Concat(text.AsSpan(0, 200), "…");
}
