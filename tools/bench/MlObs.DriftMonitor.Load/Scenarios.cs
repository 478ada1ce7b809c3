using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace MlObs.DriftMonitor.Load;

/// <summary>The options every scenario shares.</summary>
/// <param name="Url">A running service's base URL, or null to start one in this process.</param>
/// <param name="Clients">Concurrent clients (and HTTP connections).</param>
/// <param name="Duration">The measured phase's length; no unit starts after it.</param>
/// <param name="MaxUnits">The most units of work in the measured phase (0: bounded by the duration only).</param>
/// <param name="Warmup">An unmeasured phase before it (JIT, connection pools, the window filling).</param>
/// <param name="Seed">The data generator's seed.</param>
/// <param name="Json">Print the summary as JSON instead of a table.</param>
/// <param name="ConfigFile">A YAML configuration for the in-process service, or null.</param>
/// <param name="KeepData">Keep the in-process service's temporary data directory.</param>
/// <param name="ServerPid">The separate service's process id (its RSS is sampled), or null.</param>
/// <param name="Model">The model name, or null for the scenario's default.</param>
internal sealed record CommonSettings(
    Uri? Url, int Clients, TimeSpan Duration, long MaxUnits, TimeSpan Warmup, int Seed, bool Json, FileInfo? ConfigFile,
    bool KeepData, int? ServerPid, string? Model);

/// <summary>The four load scenarios. Each sets its model up, runs bounded load and returns its summary.</summary>
internal static class Scenarios
{
    /// <summary>The request bodies generated up front per run, used in turn (so generation is not measured).</summary>
    private const int DistinctBodies = 32;

    /// <summary>Distinct CloudEvent request and response bodies generated up front.</summary>
    private const int DistinctEvents = 1024;

    /// <summary>The rows-per-second goal of the <c>rows</c> scenario.</summary>
    public const double RowsGoal = 100_000;

    /// <summary>The p99 request-latency goal of the <c>rows</c> scenario, in milliseconds.</summary>
    public const double LatencyGoalMs = 50;

    /// <summary>The median and p99 scrape-time goal of the <c>scrape</c> scenario, in milliseconds.</summary>
    public const double ScrapeGoalMs = 20;

    /// <summary>
    /// <c>rows</c>: uploads a 10,000-row reference of the mixed table, then clients POST batches of rows as fast as they are
    /// answered.
    /// </summary>
    public static async Task<RunSummary> RowsAsync(CommonSettings common, int batch, int referenceRows, RowFormat format, CancellationToken ct)
    {
        string model = common.Model ?? "load-rows";
        await using ServiceTarget target = await ServiceTarget.OpenAsync(common.Url, common.Clients, common.ConfigFile, common.KeepData, common.ServerPid, ct).ConfigureAwait(false);
        TimeSpan upload = await target.PutReferenceAsync(model, new SyntheticData(common.Seed).MixedReferenceCsv(referenceRows), ct).ConfigureAwait(false);
        byte[][] bodies = MixedBodies(common.Seed, batch, format);
        string mediaType = format == RowFormat.Json ? "application/json" : "application/x-ndjson";
        Func<ClientTally, long, Task> unit = (tally, ticket) => PostRowsAsync(target.Http, model, bodies[ticket % bodies.Length], mediaType, batch, tally);

        Measured measured = await MeasureAsync(target, common, null, unit, ct).ConfigureAwait(false);
        LoadResult result = measured.Result;
        var summary = Header("rows", target, common, model)
            .Add("batch_rows", "rows per request", $"{batch} ({format switch { RowFormat.Json => "JSON array", _ => "JSON lines" }}, {SyntheticData.MixedFeatureNames.Count} features, {RunSummary.Count(bodies[0].Length)} bytes)", batch)
            .Add("reference_upload_s", "reference upload", $"{RunSummary.Count(referenceRows)} rows in {RunSummary.Number(upload.TotalSeconds, 2)} s", Math.Round(upload.TotalSeconds, 3))
            .AddLoad(result, "rows");
        measured.AddProcess(summary);
        await AddStatusAsync(summary, target, model, ct).ConfigureAwait(false);
        double rate = result.Rows / result.Elapsed.TotalSeconds;
        bool met = rate >= RowsGoal && result.LatencyMs(0.99) < LatencyGoalMs && result.Errors == 0;
        return summary.Add("goal_met", "goal (>= 100,000 rows/s, p99 < 50 ms, no errors)", met ? "met" : "not met", met);
    }

    /// <summary>
    /// <c>cloudevents</c>: uploads a reference of 20 numerical inputs and a prediction, then each client sends a KServe v1
    /// request event and its response event (same <c>Ce-Id</c>, so the service joins them) in turn.
    /// </summary>
    public static async Task<RunSummary> CloudEventsAsync(CommonSettings common, int referenceRows, CancellationToken ct)
    {
        string model = common.Model ?? "load-cloudevents";
        await using ServiceTarget target = await ServiceTarget.OpenAsync(common.Url, common.Clients, common.ConfigFile, common.KeepData, common.ServerPid, ct).ConfigureAwait(false);
        var data = new SyntheticData(common.Seed);
        TimeSpan upload = await target.PutReferenceAsync(model, data.InstanceReferenceCsv(referenceRows), ct).ConfigureAwait(false);
        var generator = new SyntheticData(common.Seed + 1);
        byte[][] requests = [.. Enumerable.Range(0, DistinctEvents).Select(_ => generator.InstanceRequest())];
        byte[][] responses = [.. Enumerable.Range(0, DistinctEvents).Select(_ => generator.InstanceResponse())];
        string run = Guid.NewGuid().ToString("N")[..8];
        long sequence = 0;
        Func<ClientTally, long, Task> unit = async (tally, ticket) =>
        {
            string id = $"load-{run}-{Interlocked.Increment(ref sequence).ToString(CultureInfo.InvariantCulture)}";
            int index = (int)(ticket % DistinctEvents);
            (int requestStatus, long requestTicks) = await PostEventAsync(target.Http, model, id, "org.kubeflow.serving.inference.request", requests[index]).ConfigureAwait(false);
            tally.Record(requestStatus, 0, requestTicks);
            (int responseStatus, long responseTicks) = await PostEventAsync(target.Http, model, id, "org.kubeflow.serving.inference.response", responses[index]).ConfigureAwait(false);
            tally.Record(responseStatus, IsSuccess(requestStatus) && IsSuccess(responseStatus) ? 1 : 0, responseTicks);
        };

        Measured measured = await MeasureAsync(target, common, null, unit, ct).ConfigureAwait(false);
        LoadResult result = measured.Result;
        var summary = Header("cloudevents", target, common, model)
            .Add("reference_upload_s", "reference upload", $"{RunSummary.Count(referenceRows)} rows in {RunSummary.Number(upload.TotalSeconds, 2)} s", Math.Round(upload.TotalSeconds, 3))
            .Add("event_kind", "events", "KServe v1 binary mode, 1 instance of 20 numbers; request then response with the same Ce-Id")
            .AddLoad(result, "records");
        measured.AddProcess(summary);
        await AddStatusAsync(summary, target, model, ct).ConfigureAwait(false);
        return summary;
    }

    /// <summary>
    /// <c>soak</c>: the <c>rows</c> load paced to a fixed row rate for the whole duration, sampling the service's RSS at a
    /// fixed interval; reports the series and whether it stayed flat after the first quarter of the run.
    /// </summary>
    public static async Task<RunSummary> SoakAsync(CommonSettings common, int batch, int referenceRows, double rowsPerSecond, TimeSpan sampleInterval, CancellationToken ct)
    {
        string model = common.Model ?? "load-soak";
        await using ServiceTarget target = await ServiceTarget.OpenAsync(common.Url, common.Clients, common.ConfigFile, common.KeepData, common.ServerPid, ct).ConfigureAwait(false);
        await target.PutReferenceAsync(model, new SyntheticData(common.Seed).MixedReferenceCsv(referenceRows), ct).ConfigureAwait(false);
        byte[][] bodies = MixedBodies(common.Seed, batch, RowFormat.Json);
        Func<ClientTally, long, Task> unit = (tally, ticket) => PostRowsAsync(target.Http, model, bodies[ticket % bodies.Length], "application/json", batch, tally);

        var samples = new List<(double Seconds, long? Rss)>();
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.CompletedTask;
        void StartSampling()
        {
            long started = Stopwatch.GetTimestamp();
            samples.Add((0, target.ServiceResidentBytes()));
            sampler = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(sampleInterval);
                try
                {
                    while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
                    {
                        lock (samples)
                            samples.Add((Stopwatch.GetElapsedTime(started).TotalSeconds, target.ServiceResidentBytes()));
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);
        }
        Measured measured = await MeasureAsync(target, common, rowsPerSecond / batch, unit, ct, StartSampling).ConfigureAwait(false);
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        LoadResult result = measured.Result;

        var summary = Header("soak", target, common, model)
            .Add("target_rows_per_s", "target rate", $"{RunSummary.Count((long)rowsPerSecond)} rows/s ({RunSummary.Number(rowsPerSecond / batch, 1)} requests/s of {batch} rows)", rowsPerSecond)
            .AddLoad(result, "rows")
            .Add("late_starts", "late starts (> 10 ms behind pace)", RunSummary.Count(result.LateStarts), result.LateStarts);
        measured.AddProcess(summary);
        (double Seconds, long? Rss)[] series;
        lock (samples)
            series = [.. samples];
        summary.Add("rss_series", "RSS samples (s: MiB)",
            string.Join("  ", series.Select(s => $"{RunSummary.Number(s.Seconds, 0)}: {(s.Rss is { } r ? RunSummary.Number(r / 1048576.0, 1) : "n/a")}")),
            series.Select(s => new Dictionary<string, object?> { ["t_s"] = Math.Round(s.Seconds, 1), ["rss_bytes"] = s.Rss }).ToArray());
        (string verdict, bool? flat, double? slope) = Flatness(series);
        summary.Add("rss_slope_mib_per_min", "RSS trend after warm-up", slope is { } sl ? $"{RunSummary.Number(sl, 2)} MiB/min" : "n/a", slope);
        summary.Add("rss_flat", "RSS flat", verdict, flat);
        if (target.DataDirectory is { } dir)
        {
            long bytes = new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            summary.Add("data_dir_bytes", "data directory at end", RunSummary.Mb(bytes), bytes);
        }
        await AddStatusAsync(summary, target, model, ct).ConfigureAwait(false);
        double achieved = result.Rows / result.Elapsed.TotalSeconds;
        bool kept = achieved >= rowsPerSecond * 0.98 && result.Errors == 0;
        return summary.Add("rate_kept", "target rate kept (>= 98%, no errors)", kept ? "yes" : "no", kept);
    }

    /// <summary>
    /// <c>scrape</c>: a reference of many numerical features, a few hundred rows, one evaluation, then timed sequential
    /// <c>GET /metrics</c>.
    /// </summary>
    public static async Task<RunSummary> ScrapeAsync(CommonSettings common, int features, int referenceRows, int rows, int scrapes, CancellationToken ct)
    {
        string model = common.Model ?? "load-wide";
        await using ServiceTarget target = await ServiceTarget.OpenAsync(common.Url, 1, common.ConfigFile, common.KeepData, common.ServerPid, ct).ConfigureAwait(false);
        var data = new SyntheticData(common.Seed);
        TimeSpan upload = await target.PutReferenceAsync(model, data.WideReferenceCsv(referenceRows, features), ct).ConfigureAwait(false);
        await target.PostJsonOrFailAsync($"/v1/models/{model}/records", new SyntheticData(common.Seed + 1).WideRows(rows, features), ct).ConfigureAwait(false);
        long evaluateStarted = Stopwatch.GetTimestamp();
        await target.PostJsonOrFailAsync($"/v1/models/{model}/evaluate", null, ct).ConfigureAwait(false);
        TimeSpan evaluate = Stopwatch.GetElapsedTime(evaluateStarted);
        long? rssStart = target.ServiceResidentBytes();

        const int WarmupScrapes = 2;
        long bodyBytes = 0, series = 0;
        var tally = new ClientTally();
        for (int i = 0; i < WarmupScrapes + scrapes && !ct.IsCancellationRequested; i++)
        {
            long started = Stopwatch.GetTimestamp();
            int status;
            byte[] body = [];
            try
            {
                using HttpResponseMessage response = await target.Http.GetAsync(new Uri("/metrics", UriKind.Relative), CancellationToken.None).ConfigureAwait(false);
                body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                status = ClientTally.TransportFailure;
            }
            long ticks = Stopwatch.GetTimestamp() - started;
            if (i < WarmupScrapes)
                continue;
            tally.Record(status, 0, ticks);
            bodyBytes = body.Length;
            series = CountSeries(body);
        }
        LoadResult result = LoadResult.Merge(TimeSpan.Zero, [tally]);
        var summary = Header("scrape", target, common with { Clients = 1 }, model)
            .Add("features", "features", $"{RunSummary.Count(features)} numerical; reference {RunSummary.Count(referenceRows)} rows uploaded in {RunSummary.Number(upload.TotalSeconds, 2)} s", features)
            .Add("window_rows", "rows before the evaluation", RunSummary.Count(rows), rows)
            .Add("evaluate_s", "evaluation (POST evaluate)", $"{RunSummary.Number(evaluate.TotalMilliseconds, 1)} ms", Math.Round(evaluate.TotalSeconds, 4))
            .Add("scrapes", "scrapes timed", $"{scrapes} sequential GET /metrics (after {WarmupScrapes} untimed)", scrapes)
            .Add("by_status", "answers by status", string.Join("  ", result.ByStatus.Select(s => $"{s.Key}: {s.Value}")),
                result.ByStatus.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value))
            .AddLatencies("scrape_ms", "scrape time", result)
            .Add("body_bytes", "body size", $"{RunSummary.Count(bodyBytes)} bytes ({RunSummary.Count(series)} series)", bodyBytes)
            .Add("series", "", "", series)
            .AddProcess(rssStart, target.ServiceResidentBytes(), null, null);
        bool met = result.LatencyMs(0.5) < ScrapeGoalMs && result.LatencyMs(0.99) < ScrapeGoalMs && result.Errors == 0;
        return summary.Add("goal_met", "goal (median and p99 < 20 ms)", met ? "met" : "not met", met);
    }

    /// <summary>Whether an RSS series stayed flat: the least-squares trend after the first quarter of the run grows less than 10% of its mean.</summary>
    internal static (string Verdict, bool? Flat, double? SlopeMibPerMinute) Flatness(IReadOnlyList<(double Seconds, long? Rss)> series)
    {
        double end = series.Count == 0 ? 0 : series[^1].Seconds;
        var settled = series.Where(s => s.Rss is not null && s.Seconds >= end / 4).Select(s => (X: s.Seconds, Y: (double)s.Rss!.Value)).ToArray();
        if (settled.Length < 3)
            return ("not enough samples (at least 3 after the first quarter of the run)", null, null);
        double meanX = settled.Average(p => p.X), meanY = settled.Average(p => p.Y);
        double covariance = settled.Sum(p => (p.X - meanX) * (p.Y - meanY));
        double variance = settled.Sum(p => (p.X - meanX) * (p.X - meanX));
        double slope = covariance / variance; // bytes per second
        double growth = slope * (settled[^1].X - settled[0].X);
        bool flat = growth < 0.10 * meanY;
        string verdict = $"{(flat ? "yes" : "no")}: the trend after {RunSummary.Number(settled[0].X, 0)} s adds {RunSummary.Mb((long)growth)} over {RunSummary.Number(settled[^1].X - settled[0].X, 0)} s on a mean of {RunSummary.Mb((long)meanY)} (flat: under 10%)";
        return (verdict, flat, Math.Round(slope * 60 / 1048576.0, 3));
    }

    private static RunSummary Header(string scenario, ServiceTarget target, CommonSettings common, string model) =>
        new RunSummary()
            .Add("scenario", "scenario", scenario)
            .Add("date_utc", "date (UTC)", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
            .Add("machine", "machine", $"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}")
            .Add("target", "service", target.Description)
            .Add("model", "model", model)
            .Add("clients", "clients", common.Clients.ToString(CultureInfo.InvariantCulture), common.Clients)
            .Add("warmup_s", "warm-up (not measured)", $"{RunSummary.Number(common.Warmup.TotalSeconds, 1)} s", common.Warmup.TotalSeconds);

    private static byte[][] MixedBodies(int seed, int batch, RowFormat format)
    {
        var generator = new SyntheticData(seed + 1);
        return [.. Enumerable.Range(0, DistinctBodies).Select(_ => generator.MixedRows(batch, format))];
    }

    private static async Task PostRowsAsync(HttpClient http, string model, byte[] body, string mediaType, int rows, ClientTally tally)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/models/{model}/records", UriKind.Relative)) { Content = content };
        (int status, long ticks) = await SendAsync(http, request).ConfigureAwait(false);
        tally.Record(status, IsSuccess(status) ? rows : 0, ticks);
    }

    private static async Task<(int Status, long Ticks)> PostEventAsync(HttpClient http, string model, string id, string type, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/", UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("Ce-Specversion", "1.0");
        request.Headers.TryAddWithoutValidation("Ce-Type", type);
        request.Headers.TryAddWithoutValidation("Ce-Source", "/mlobs-drift-load");
        request.Headers.TryAddWithoutValidation("Ce-Id", id);
        request.Headers.TryAddWithoutValidation("Ce-Inferenceservicename", model);
        return await SendAsync(http, request).ConfigureAwait(false);
    }

    /// <summary>Sends a request, reads the whole answer, and returns its status (0 when none came) and latency in ticks.</summary>
    private static async Task<(int Status, long Ticks)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        long started = Stopwatch.GetTimestamp();
        int status;
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            status = ClientTally.TransportFailure;
        }
        return (status, Stopwatch.GetTimestamp() - started);
    }

    private static bool IsSuccess(int status) => status is >= 200 and <= 299;

    private static long CountSeries(byte[] body)
    {
        long count = 0;
        foreach (string line in Encoding.UTF8.GetString(body).Split('\n'))
        {
            if (line.Length > 0 && line[0] != '#')
                count++;
        }
        return count;
    }

    private static async Task AddStatusAsync(RunSummary summary, ServiceTarget target, string model, CancellationToken ct)
    {
        if (await target.StatusAsync(model, ct).ConfigureAwait(false) is { } status)
        {
            summary.Add("window_records", "window records after", RunSummary.Count(status.WindowRecords), status.WindowRecords);
            summary.Add("pending_joins", "pending joins after", RunSummary.Count(status.PendingJoins), status.PendingJoins);
        }
    }

    /// <summary>Runs the warm-up, then the measured phase, noting RSS and collections around the measured phase.</summary>
    private static async Task<Measured> MeasureAsync(
        ServiceTarget target, CommonSettings common, double? unitsPerSecond, Func<ClientTally, long, Task> unit, CancellationToken ct, Action? onMeasuredStart = null)
    {
        long? rssBeforeLoad = target.ServiceResidentBytes();
        if (common.Warmup > TimeSpan.Zero)
            await LoadDriver.RunAsync(common.Clients, common.Warmup, 0, unitsPerSecond, unit, ct).ConfigureAwait(false);
        long[]? before = target.InProcess ? ProcessProbe.Collections() : null;
        onMeasuredStart?.Invoke();
        LoadResult result = await LoadDriver.RunAsync(common.Clients, common.Duration, common.MaxUnits, unitsPerSecond, unit, ct).ConfigureAwait(false);
        long[]? after = target.InProcess ? ProcessProbe.Collections() : null;
        return new Measured(result, rssBeforeLoad, target.ServiceResidentBytes(), before, after);
    }

    /// <summary>A measured phase and the process figures around it (RSS start is before the warm-up, after the setup).</summary>
    private sealed record Measured(LoadResult Result, long? RssStart, long? RssEnd, long[]? CollectionsBefore, long[]? CollectionsAfter)
    {
        public void AddProcess(RunSummary summary) => summary.AddProcess(RssStart, RssEnd, CollectionsBefore, CollectionsAfter);
    }
}
