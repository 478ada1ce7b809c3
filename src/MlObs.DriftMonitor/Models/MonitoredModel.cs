using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Http;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Metrics;
using MlObs.DriftMonitor.Storage;
using MlObs.DriftMonitor.Windows;
using Serilog;

namespace MlObs.DriftMonitor.Models;

/// <summary>
/// One monitored model: its reference profile, its window and request/response joiner, its write-ahead log and its last
/// report, under <c>DATA_DIR/models/&lt;name&gt;/</c>.
/// </summary>
/// <remarks>
/// <para>Durability: a batch is queued to the write-ahead log and applied to the window under one lock, so the log's order is
/// the order of application, and <see cref="IngestAsync"/> completes only once the entry is on disk: an acknowledged record
/// survives <c>kill -9</c>. A snapshot (window, pending halves, and the sequence number of the last entry it covers) is written
/// atomically after that entry is durable; the log up to it is then dropped. On open, the snapshot is loaded and the entries
/// after it are replayed.</para>
/// <para>Files: <c>reference.profile.json</c> (the fitted reference), <c>snapshot.json</c>, <c>report.json</c> (the last
/// report), <c>wal/</c> (the log).</para>
/// </remarks>
public sealed class MonitoredModel : IAsyncDisposable
{
    private const string ProfileFile = "reference.profile.json";
    private const string SnapshotFile = "snapshot.json";
    private const string ReportFile = "report.json";
    private const string SnapshotFormat = "mlobs-drift-monitor-snapshot";

    private readonly object _gate = new();
    private readonly SemaphoreSlim _evaluating = new(1, 1);
    private readonly SemaphoreSlim _snapshotting = new(1, 1);
    private readonly DriftMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RecordLog _log;
    private readonly RequestResponseJoiner _joiner;
    private ModelWindow? _window;
    private Task<long>? _lastAppend;
    /// <summary>The last log entry the state in memory covers when nothing was appended since (after replay or a snapshot).</summary>
    private long _snapshotSequence;
    private long _sinceEvaluation;
    private DateTimeOffset _lastEvaluationAt;
    private bool _changedSinceSnapshot;
    private JoinerStats _reportedJoinStats = new(0, 0, 0, 0, 0, 0, 0, 0);

    private MonitoredModel(string name, string directory, ModelSettings settings, DriftMetrics metrics, ILogger logger, TimeProvider time, RecordLog log)
    {
        Name = name;
        Directory = directory;
        Settings = settings;
        _metrics = metrics;
        _logger = logger.ForContext("Model", name);
        _time = time;
        _log = log;
        _joiner = new RequestResponseJoiner(new JoinerOptions(settings.JoinTimeout), time);
        _lastEvaluationAt = time.GetUtcNow();
    }

    /// <summary>The model name.</summary>
    public string Name { get; }

    /// <summary>The model's data directory.</summary>
    public string Directory { get; }

    /// <summary>The model's settings.</summary>
    public ModelSettings Settings { get; }

    /// <summary>The reference profile, or null until one is loaded.</summary>
    public ReferenceProfile? Profile { get; private set; }

    /// <summary>The features payloads are decoded against, or null until a reference is loaded.</summary>
    public FeatureSchema? Schema { get; private set; }

    /// <summary>The last evaluation, or null.</summary>
    public ModelReport? LastReport { get; private set; }

    /// <summary>Why the configured reference could not be loaded (shown in status and readiness), or null.</summary>
    public string? ReferenceError { get; internal set; }

    /// <summary>Opens (or creates) a model's directory: loads its profile, snapshot and last report and replays its log.</summary>
    public static async Task<MonitoredModel> OpenAsync(
        string name, string directory, ModelSettings settings, DriftMetrics metrics, ILogger logger, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        System.IO.Directory.CreateDirectory(directory);
        AtomicFile.CleanTemporaryFiles(directory);
        RecordLog log = RecordLog.Open(Path.Combine(directory, "wal"));
        var model = new MonitoredModel(name, directory, settings, metrics, logger, time, log);
        metrics.ModelKnown(name);
        if (log.Recovery.BytesTruncated > 0)
            model._logger.Warning("Write-ahead log recovery: {Recovery:l}", log.Recovery.ToString());
        string profilePath = Path.Combine(directory, ProfileFile);
        if (File.Exists(profilePath))
        {
            model.Install(ReferenceProfileJson.Load(profilePath));
            model.Restore();
        }
        string reportPath = Path.Combine(directory, ReportFile);
        if (File.Exists(reportPath))
        {
            try
            {
                await using FileStream stream = File.OpenRead(reportPath);
                DriftReport report = DriftReportJson.Read(stream);
                model.LastReport = new ModelReport(report, File.GetLastWriteTimeUtc(reportPath), "restored", TimeSpan.Zero);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
            {
                model._logger.Warning("The last report could not be read and is dropped: {Error:l}", e.Message);
            }
        }
        await Task.CompletedTask.ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return model;
    }

    /// <summary>The model's state for the status endpoint.</summary>
    public ModelStatus Status()
    {
        lock (_gate)
        {
            return new ModelStatus(
                Name,
                Profile is not null,
                Profile?.Fingerprint,
                Profile?.Rows ?? 0,
                Profile is null ? [] : [.. Profile.Columns.Select(c => c.Name)],
                _window?.Records ?? 0,
                _joiner.Pending,
                LastReport?.EvaluatedAt,
                LastReport?.Report.Dataset.Drift,
                ReferenceError);
        }
    }

    /// <summary>
    /// Adds a batch of records and completes once it is durable. Refuses (<see cref="PayloadException"/>, 409) when no
    /// reference is loaded.
    /// </summary>
    public async Task IngestAsync(RecordHalf half, string? joinKey, RowBatch rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.RowCount == 0)
            return;
        DateTimeOffset now = _time.GetUtcNow();
        Task<long> durable;
        List<CompletedWindow> completed = [];
        lock (_gate)
        {
            if (_window is null)
            {
                throw new PayloadException(RejectionReasons.NoReference,
                    $"Model '{Name}' has no reference yet: upload one with PUT /v1/models/{Name}/reference (or the charm's set-reference action).", 409);
            }
            var logged = new LoggedBatch(Name, half, joinKey, now, rows);
            byte[] payload = PooledBuffers.Bytes.Rent(RecordCodec.GetEncodedLength(logged));
            int length;
            try
            {
                length = RecordCodec.Encode(logged, payload);
                // Queued under the lock: the log's order is the order in which batches reach the window.
                durable = _log.AppendAsync(payload.AsMemory(0, length), CancellationToken.None).AsTask();
            }
            catch
            {
                PooledBuffers.Bytes.Return(payload);
                throw;
            }
            // The log reads the payload until the append completes, whether or not this caller still waits for it.
            _ = durable.ContinueWith(static (_, buffer) => PooledBuffers.Bytes.Return((byte[])buffer!), payload,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _lastAppend = durable;
            Apply(half, joinKey, rows, now, completed);
        }
        _metrics.RecordsIngested(Name, rows.RowCount);
        PublishWindowGauges();
        await durable.WaitAsync(ct).ConfigureAwait(false);
        foreach (CompletedWindow window in completed)
            await EvaluateAsync("window_complete", window.State, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The periodic work of the model (called about once a second): expires joiner halves and window panes, evaluates a
    /// completed tumbling window, and evaluates a sliding window when its record count or interval is due.
    /// </summary>
    public async Task TickAsync(CancellationToken ct)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var completed = new List<CompletedWindow>();
        bool due;
        lock (_gate)
        {
            if (_window is null)
                return;
            foreach (JoinedBatch released in _joiner.Expire(now))
                completed.AddRange(_window.Add(released.Rows, released.ReceivedAt));
            completed.AddRange(_window.Advance(now));
            EvaluationSettings e = Settings.Evaluation;
            due = Settings.Window.Kind == WindowKind.Sliding && _window.Records >= e.MinRecords
                && ((e.EveryRecords is { } r && _sinceEvaluation >= r) || (e.Every is { } every && now - _lastEvaluationAt >= every));
        }
        PublishWindowGauges();
        foreach (CompletedWindow window in completed)
            await EvaluateAsync("window_complete", window.State, ct).ConfigureAwait(false);
        if (due)
            await EvaluateAsync(_sinceEvaluation >= (Settings.Evaluation.EveryRecords ?? long.MaxValue) ? "records" : "interval", null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates the current window now (or <paramref name="completed"/>, a tumbling window that just closed), publishes the
    /// metrics and stores the report. Returns null when no reference is loaded.
    /// </summary>
    public async Task<ModelReport?> EvaluateAsync(string trigger, WindowState? completed, CancellationToken ct)
    {
        await _evaluating.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            DateTimeOffset now = _time.GetUtcNow();
            WindowState state;
            lock (_gate)
            {
                if (_window is null)
                    return null;
                state = completed ?? _window.Snapshot(now);
                _sinceEvaluation = 0;
                _lastEvaluationAt = now;
            }
            long started = Stopwatch.GetTimestamp();
            DriftReport report = DriftEvaluator.Evaluate(state, Settings.Drift);
            TimeSpan took = Stopwatch.GetElapsedTime(started);
            var result = new ModelReport(report, now, trigger, took);
            LastReport = result;
            _metrics.Published(Name, report, now, took);
            await AtomicFile.WriteAsync(Path.Combine(Directory, ReportFile), (stream, _) =>
            {
                DriftReportJson.Write(report, stream, indented: false);
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            _logger.Information(
                "Evaluated {Model:l} ({Trigger:l}): {Rows} records, dataset drift {DatasetDrift} ({Drifted} of {Columns} features) in {ElapsedMs:F1} ms",
                Name, trigger, report.CurrentRows, report.Dataset.Drift, report.Dataset.DriftedColumns, report.Dataset.Columns, took.TotalMilliseconds);
            return result;
        }
        finally
        {
            _evaluating.Release();
        }
    }

    /// <summary>
    /// Installs a new reference: saves the profile atomically, starts an empty window against it (records of the old
    /// reference are dropped) and trims the log.
    /// </summary>
    public async Task SetReferenceAsync(ReferenceProfile profile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(profile);
        await AtomicFile.WriteAsync(Path.Combine(Directory, ProfileFile), (stream, _) =>
        {
            ReferenceProfileJson.Write(profile, stream);
            return Task.CompletedTask;
        }, ct).ConfigureAwait(false);
        lock (_gate)
        {
            Install(profile);
            _changedSinceSnapshot = true;
        }
        ReferenceError = null;
        await SnapshotAsync(ct).ConfigureAwait(false);
        _logger.Information("Reference loaded for {Model:l}: {Rows} rows, {Features} features, fingerprint {Fingerprint:l}",
            Name, profile.Rows, profile.Columns.Count, profile.Fingerprint);
    }

    /// <summary>Removes the reference, the window and the last report; records are refused until a new reference arrives.</summary>
    public async Task RemoveReferenceAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            Profile = null;
            Schema = null;
            _window = null;
            LastReport = null;
        }
        AtomicFile.Delete(Path.Combine(Directory, ProfileFile));
        AtomicFile.Delete(Path.Combine(Directory, SnapshotFile));
        AtomicFile.Delete(Path.Combine(Directory, ReportFile));
        Task<long>? last;
        lock (_gate)
            last = _lastAppend;
        long through = last is null ? _log.LastSequence : await last.WaitAsync(ct).ConfigureAwait(false);
        _log.Checkpoint(through);
        _metrics.ReferenceRemoved(Name);
        _logger.Information("Reference removed for {Model:l}", Name);
    }

    /// <summary>Empties the window (the <c>reset-window</c> action); the reference stays.</summary>
    public async Task ResetWindowAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _window?.Reset();
            _sinceEvaluation = 0;
            _changedSinceSnapshot = true;
        }
        PublishWindowGauges();
        await SnapshotAsync(ct).ConfigureAwait(false);
        _logger.Information("Window reset for {Model:l}", Name);
    }

    /// <summary>
    /// Writes the window and pending halves atomically, with the sequence number of the last log entry they include (once that
    /// entry is durable), then drops the log up to it. Does nothing when nothing changed since the last snapshot.
    /// </summary>
    public async Task SnapshotAsync(CancellationToken ct)
    {
        await _snapshotting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            byte[] window;
            IReadOnlyList<PendingHalf> pending;
            Task<long>? last;
            string? fingerprint;
            long sinceEvaluation;
            lock (_gate)
            {
                if (!_changedSinceSnapshot)
                    return;
                last = _lastAppend;
                fingerprint = Profile?.Fingerprint;
                sinceEvaluation = _sinceEvaluation;
                if (_window is null)
                {
                    window = [];
                }
                else
                {
                    using var buffer = new MemoryStream();
                    _window.Save(buffer);
                    window = buffer.ToArray();
                }
                pending = _joiner.PendingHalves();
                _changedSinceSnapshot = false;
            }
            long sequence = last is null ? _snapshotSequence : await last.WaitAsync(ct).ConfigureAwait(false);
            if (fingerprint is null)
                return;
            await AtomicFile.WriteAsync(Path.Combine(Directory, SnapshotFile), (stream, _) =>
            {
                using var writer = new Utf8JsonWriter(stream);
                writer.WriteStartObject();
                writer.WriteString("format", SnapshotFormat);
                writer.WriteNumber("version", 1);
                writer.WriteNumber("sequence", sequence);
                writer.WriteString("profile_fingerprint", fingerprint);
                writer.WriteNumber("records_since_evaluation", sinceEvaluation);
                writer.WritePropertyName("window");
                writer.WriteRawValue(window, skipInputValidation: true);
                writer.WriteStartArray("pending");
                foreach (PendingHalf half in pending)
                {
                    writer.WriteStartObject();
                    writer.WriteBase64String("batch", RecordCodec.Encode(new LoggedBatch(Name, half.Half, half.JoinKey, half.ReceivedAt, half.Rows)));
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            _snapshotSequence = sequence;
            _log.Checkpoint(sequence);
        }
        finally
        {
            _snapshotting.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await SnapshotAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _logger.Warning("The final snapshot of {Model:l} failed; the log still holds its records: {Error:l}", Name, e.Message);
        }
        await _log.DisposeAsync().ConfigureAwait(false);
        _evaluating.Dispose();
        _snapshotting.Dispose();
    }

    private void Install(ReferenceProfile profile)
    {
        Profile = profile;
        Schema = new FeatureSchema(profile.Schema, Settings.Inputs, Settings.Outputs);
        _window = new ModelWindow(profile, Settings.Window, keepValues: profile.Mode == ProfileMode.Exact, _time);
        _sinceEvaluation = 0;
        _metrics.ReferenceLoaded(Name, profile.Fingerprint, profile.Rows, [.. profile.Columns.Select(c => c.Name)]);
    }

    /// <summary>Loads the snapshot (if it belongs to the current profile) and replays the log entries after it.</summary>
    private void Restore()
    {
        ReferenceProfile profile = Profile!;
        long after = 0;
        string snapshotPath = Path.Combine(Directory, SnapshotFile);
        if (File.Exists(snapshotPath))
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(snapshotPath));
                JsonElement root = doc.RootElement;
                if (root.GetProperty("format").GetString() != SnapshotFormat || root.GetProperty("version").GetInt32() != 1)
                    throw new InvalidDataException("not a version 1 snapshot");
                after = root.GetProperty("sequence").GetInt64();
                if (root.GetProperty("profile_fingerprint").GetString() == profile.Fingerprint)
                {
                    using var window = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(root.GetProperty("window").GetRawText()));
                    _window = ModelWindow.Load(window, profile, Settings.Window, profile.Mode == ProfileMode.Exact, _time);
                    _sinceEvaluation = root.GetProperty("records_since_evaluation").GetInt64();
                    var halves = new List<PendingHalf>();
                    foreach (JsonElement item in root.GetProperty("pending").EnumerateArray())
                    {
                        LoggedBatch b = RecordCodec.Decode(item.GetProperty("batch").GetBytesFromBase64());
                        if (b.JoinKey is not null && b.Half != RecordHalf.Whole)
                            halves.Add(new PendingHalf(b.JoinKey, b.Half, b.Rows, b.ReceivedAt));
                    }
                    _joiner.Restore(halves);
                }
                else
                {
                    _logger.Warning("The snapshot of {Model:l} belongs to another reference and is dropped", Name);
                }
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                _logger.Warning("The snapshot of {Model:l} could not be read ({Error:l}); replaying the whole log", Name, e.Message);
                after = 0;
            }
        }
        _snapshotSequence = after;
        long replayed = 0;
        var ignored = new List<CompletedWindow>();
        foreach (LogEntry entry in _log.ReadAfter(after))
        {
            LoggedBatch batch;
            try
            {
                batch = RecordCodec.Decode(entry.Payload.Span);
            }
            catch (InvalidDataException e)
            {
                _logger.Warning("Log entry {Sequence} of {Model:l} cannot be decoded and is skipped: {Error:l}", entry.Sequence, Name, e.Message);
                continue;
            }
            Apply(batch.Half, batch.JoinKey, batch.Rows, batch.ReceivedAt, ignored);
            replayed += batch.Rows.RowCount;
        }
        if (replayed > 0)
        {
            _changedSinceSnapshot = true;
            _logger.Information("Replayed {Records} records of {Model:l} from the write-ahead log", replayed, Name);
        }
        // With no append since, the state in memory covers every entry the log holds.
        _snapshotSequence = Math.Max(after, _log.LastSequence);
    }

    /// <summary>Offers a batch to the joiner and adds what it releases to the window; the caller holds the lock.</summary>
    private void Apply(RecordHalf half, string? joinKey, RowBatch rows, DateTimeOffset at, List<CompletedWindow> completed)
    {
        foreach (JoinedBatch joined in _joiner.Offer(half, joinKey, rows, at))
        {
            completed.AddRange(_window!.Add(joined.Rows, joined.ReceivedAt));
            if (joined.Outcome != JoinOutcome.ResponseOnly)
                _sinceEvaluation += joined.Rows.RowCount;
        }
        _changedSinceSnapshot = true;
    }

    private void PublishWindowGauges()
    {
        long records;
        JoinerStats stats;
        lock (_gate)
        {
            records = _window?.Records ?? 0;
            stats = _joiner.Stats;
        }
        _metrics.WindowRecords(Name, records);
        _metrics.JoinState(Name, stats.Pending);
        JoinerStats before = Interlocked.Exchange(ref _reportedJoinStats, stats);
        if (stats.ExpiredRequests > before.ExpiredRequests)
            _metrics.Unjoined(Name, RecordHalf.Request, stats.ExpiredRequests - before.ExpiredRequests);
        if (stats.ExpiredResponses > before.ExpiredResponses)
            _metrics.Unjoined(Name, RecordHalf.Response, stats.ExpiredResponses - before.ExpiredResponses);
    }
}
