// The exporter's configuration (the YAML file of `mlobs kubeflow serve --config`, see the README), with its defaults.
using MlObs.KubeflowExporter.Kube;

namespace MlObs.KubeflowExporter.Configuration;

/// <summary>Everything the exporter can be told, immutable; <see cref="ExporterConfigLoader"/> reads it from YAML.</summary>
public sealed record ExporterConfig
{
    /// <summary>Which namespaces are reported.</summary>
    public NamespaceSelection Namespaces { get; init; } = new();

    /// <summary>The object resources watched, by <see cref="ResourceKind.Name"/> (default: all of <see cref="ResourceKinds.Objects"/>).</summary>
    public IReadOnlyList<string> Resources { get; init; } = [.. ResourceKinds.Objects.Select(k => k.Name)];

    /// <summary>Watch timing.</summary>
    public WatchSettings Watch { get; init; } = new();

    /// <summary>Scraping of inference pods.</summary>
    public InferenceScrapeSettings Inference { get; init; } = new();

    /// <summary>Log streaming to Loki.</summary>
    public LogSettings Logs { get; init; } = new();
}

/// <summary>
/// The namespaces whose objects are reported: those matching <see cref="Selector"/> (by default Kubeflow profile
/// namespaces) plus <see cref="Include"/>; or every namespace with <see cref="All"/>.
/// </summary>
public sealed record NamespaceSelection
{
    /// <summary>A namespace label selector; empty for none (only <see cref="Include"/>).</summary>
    public string Selector { get; init; } = ResourceKinds.ProfileNamespaceSelector;

    /// <summary>Namespaces reported whatever their labels.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Report every namespace.</summary>
    public bool All { get; init; }
}

/// <summary>How inference pods are scraped and their series re-exposed.</summary>
public sealed record InferenceScrapeSettings
{
    /// <summary>Whether inference pods are discovered and scraped.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Time between two scrapes of every target.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one scrape.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Scrapes in flight at once.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Series re-exposed per target; families that would go over are dropped whole and counted.</summary>
    public int MaxSeriesPerTarget { get; init; } = 2_000;

    /// <summary>Series re-exposed over all targets.</summary>
    public int MaxSeriesTotal { get; init; } = 200_000;

    /// <summary>The largest answer read from a target.</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Whether only ready pods are scraped (a starting model server answers errors).</summary>
    public bool ReadyOnly { get; init; }
}

/// <summary>Following the logs of inference pods and pushing them to Loki.</summary>
public sealed record LogSettings
{
    /// <summary>Whether logs are streamed (needs <see cref="LokiUrl"/>).</summary>
    public bool Enabled { get; init; }

    /// <summary>Loki's push endpoint, e.g. <c>http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push</c>.</summary>
    public Uri? LokiUrl { get; init; }

    /// <summary>Containers followed; empty for every container of the pod.</summary>
    public IReadOnlyList<string> Containers { get; init; } = [];

    /// <summary>Lines per push at most.</summary>
    public int BatchMaxLines { get; init; } = 1_000;

    /// <summary>Bytes of log text per push at most.</summary>
    public int BatchMaxBytes { get; init; } = 1024 * 1024;

    /// <summary>How long a line waits for its batch to fill.</summary>
    public TimeSpan BatchWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Lines buffered at most; beyond, the oldest are dropped and counted.</summary>
    public int BufferMaxLines { get; init; } = 10_000;

    /// <summary>Attempts of one push (429, 5xx, connection errors) before its lines are dropped and counted.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First back-off between attempts (doubled each time, at most 30 s).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Extra stream labels (e.g. Juju topology from the charm); keys must be label names.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
