using System.Collections.Concurrent;
using MlObs.Drift.Profiles;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Metrics;
using Serilog;

namespace MlObs.DriftMonitor.Models;

/// <summary>
/// The models of one service: those configured, those found under <c>DATA_DIR/models/</c> from earlier runs, and those created
/// by a reference upload. Also resolves which model a CloudEvent belongs to.
/// </summary>
public sealed class ModelRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<MonitoredModel>>> _models = new(StringComparer.Ordinal);
    private readonly DriftMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    private ModelRegistry(string dataDirectory, MonitorConfig config, DriftMetrics metrics, ILogger logger, TimeProvider time)
    {
        DataDirectory = dataDirectory;
        Config = config;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The configuration.</summary>
    public MonitorConfig Config { get; }

    /// <summary>The models opened so far, by name.</summary>
    public IReadOnlyList<MonitoredModel> Models =>
        [.. _models.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result).OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>Opens every configured model and every model directory left by earlier runs (replaying their logs).</summary>
    public static async Task<ModelRegistry> OpenAsync(string dataDirectory, MonitorConfig config, DriftMetrics metrics, ILogger logger, TimeProvider time, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(config);
        Directory.CreateDirectory(Path.Combine(dataDirectory, "models"));
        var registry = new ModelRegistry(Path.GetFullPath(dataDirectory), config, metrics, logger, time);
        var names = new SortedSet<string>(config.Models.Keys, StringComparer.Ordinal);
        foreach (string dir in Directory.EnumerateDirectories(Path.Combine(dataDirectory, "models")))
        {
            string name = Path.GetFileName(dir);
            if (ModelNames.IsValid(name))
                names.Add(name);
        }
        foreach (string name in names)
            await registry.GetOrCreateAsync(name, ct).ConfigureAwait(false);
        return registry;
    }

    /// <summary>The model of this name if it is open, else null.</summary>
    public MonitoredModel? Find(string name) =>
        _models.TryGetValue(name, out Lazy<Task<MonitoredModel>>? m) && m.Value.IsCompletedSuccessfully ? m.Value.Result : null;

    /// <summary>The model of this name, created (with the default settings unless configured) when new.</summary>
    /// <exception cref="PayloadException">The name is not a valid model name (400).</exception>
    public Task<MonitoredModel> GetOrCreateAsync(string name, CancellationToken ct)
    {
        ModelNames.Validate(name, message => throw new PayloadException(RejectionReasons.UnknownModel, message, 400));
        Lazy<Task<MonitoredModel>> lazy = _models.GetOrAdd(name, n => new Lazy<Task<MonitoredModel>>(() =>
            MonitoredModel.OpenAsync(n, Path.Combine(DataDirectory, "models", n), Config.For(n), _metrics, _logger, _time, ct)));
        Task<MonitoredModel> task = lazy.Value;
        if (task.IsFaulted)
            _models.TryRemove(new KeyValuePair<string, Lazy<Task<MonitoredModel>>>(name, lazy));
        return task;
    }

    /// <summary>
    /// The model a CloudEvent belongs to: the one named by its <c>inferenceservicename</c> extension, else by its Seldon
    /// <c>modelid</c>, else the configured default model; null when none is known.
    /// </summary>
    public MonitoredModel? Resolve(CloudEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        foreach (string? candidate in (ReadOnlySpan<string?>)[envelope.InferenceServiceName, envelope.ModelId, Config.DefaultModel])
        {
            if (candidate is not null && Find(candidate) is { } model)
                return model;
        }
        return null;
    }

    /// <summary>
    /// Fits and installs the configured reference of every model that has one configured and none loaded. Failures are kept
    /// in <see cref="MonitoredModel.ReferenceError"/> (shown by status and readiness) and logged; they do not stop the service.
    /// </summary>
    public async Task LoadConfiguredReferencesAsync(HttpClient http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        foreach (MonitoredModel model in Models)
        {
            if (model.Profile is not null || model.Settings.Reference is not { } source)
                continue;
            try
            {
                ReferenceProfile profile = await ReferenceSource.FitAsync(source, model.Settings.Profile, Config.Limits.MaxReferenceBytes, http, DataDirectory, ct).ConfigureAwait(false);
                await model.SetReferenceAsync(profile, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PayloadException or IOException or HttpRequestException or UnauthorizedAccessException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                model.ReferenceError = $"{source}: {e.Message}";
                _logger.Error("The configured reference of {Model:l} cannot be loaded: {Error:l}", model.Name, model.ReferenceError);
            }
        }
    }

    /// <summary>
    /// Readiness: null when ready, else why not (the data directory is not writable, or a configured reference is not loaded).
    /// </summary>
    public string? NotReadyReason()
    {
        try
        {
            string probe = Path.Combine(DataDirectory, ".ready-probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the data directory {DataDirectory:l} is not writable: {e.Message}";
        }
        foreach (MonitoredModel model in Models)
        {
            if (model.Settings.Reference is not null && model.Profile is null)
                return model.ReferenceError is { } error ? $"model {model.Name}: {error}" : $"model {model.Name}: its reference is still loading";
        }
        return null;
    }

    /// <summary>Runs <see cref="MonitoredModel.TickAsync"/> on every model; a failing model is logged, never stops the others.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        foreach (MonitoredModel model in Models)
        {
            try
            {
                await model.TickAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.Error(e, "Periodic work of {Model:l} failed", model.Name);
            }
        }
    }

    /// <summary>Snapshots every model (so their logs can be trimmed); failures are logged.</summary>
    public async Task SnapshotAsync(CancellationToken ct)
    {
        foreach (MonitoredModel model in Models)
        {
            try
            {
                await model.SnapshotAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.Error("Snapshot of {Model:l} failed (its log keeps the records): {Error:l}", model.Name, e.Message);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (MonitoredModel model in Models)
            await model.DisposeAsync().ConfigureAwait(false);
    }
}
