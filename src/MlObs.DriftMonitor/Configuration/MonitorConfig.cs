namespace MlObs.DriftMonitor.Configuration;

/// <summary>Limits on what callers may send.</summary>
/// <param name="MaxBodyBytes">The largest request body accepted (413 above it). Reference uploads may be larger: see <paramref name="MaxReferenceBytes"/>.</param>
/// <param name="MaxRowsPerRequest">The most records one request may carry (413 above it).</param>
/// <param name="RequestsPerSecond">Ingest requests accepted per second over the whole service (429 above it); 0 is unlimited.</param>
/// <param name="MaxReferenceBytes">The largest reference upload.</param>
public sealed record MonitorLimits(
    long MaxBodyBytes = 16 * 1024 * 1024,
    int MaxRowsPerRequest = 100_000,
    int RequestsPerSecond = 0,
    long MaxReferenceBytes = 1024L * 1024 * 1024)
{
    /// <summary>The defaults: 16 MiB bodies, 100,000 rows per request, no rate limit, 1 GiB references.</summary>
    public static MonitorLimits Default { get; } = new();
}

/// <summary>
/// The configuration of the drift-monitor service: the models it knows in advance and the defaults of models created by a
/// reference upload. Read from YAML by <see cref="MonitorConfigLoader"/>; the drift-monitor charm writes that file.
/// </summary>
public sealed record MonitorConfig
{
    /// <summary>The settings of models not named in <see cref="Models"/> (created by a reference upload), and the base of those that are.</summary>
    public ModelSettings Defaults { get; init; } = new();

    /// <summary>Models configured by name.</summary>
    public IReadOnlyDictionary<string, ModelSettings> Models { get; init; } = new Dictionary<string, ModelSettings>(StringComparer.Ordinal);

    /// <summary>
    /// The model of a CloudEvent that names none the service knows (no <c>ce-inferenceservicename</c> or Seldon model id that
    /// matches), or null to refuse such events.
    /// </summary>
    public string? DefaultModel { get; init; }

    /// <summary>How often window state is written to disk so the write-ahead log can be trimmed.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Request limits.</summary>
    public MonitorLimits Limits { get; init; } = MonitorLimits.Default;

    /// <summary>The settings of a model: its own when configured, the defaults otherwise.</summary>
    public ModelSettings For(string model) => Models.TryGetValue(model, out ModelSettings? s) ? s : Defaults;
}

/// <summary>A configuration file that cannot be used; the message names the file, line and key.</summary>
public sealed class ConfigException(string message) : Exception(message);
