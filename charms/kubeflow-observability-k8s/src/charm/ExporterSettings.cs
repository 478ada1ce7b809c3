// The charm's configuration, validated once per dispatch, and what it becomes for the workload: the YAML configuration of
// `mlobs kubeflow serve --config` (src/MlObs.KubeflowExporter/README.md, "Configuration"). Bad values never raise: each
// becomes a message naming the option.
using System.Globalization;
using System.Text;
using System.Text.Json;
using MlObs.Ops.Metadata;

namespace KubeflowObservabilityCharm;

/// <summary>The validated configuration of the charm.</summary>
internal sealed record ExporterSettings
{
    /// <summary>
    /// The object kinds the exporter can watch (its <c>ResourceKinds.Objects</c>, kept in step by a test), with the API group
    /// each lives in: the charm asks the Kubernetes API whether it may list and watch them.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Group)> ObjectKinds =
    [
        ("inferenceservices", "serving.kserve.io"), ("seldondeployments", "machinelearning.seldon.io"), ("notebooks", "kubeflow.org"),
        ("workflows", "argoproj.io"), ("experiments", "kubeflow.org"), ("trials", "kubeflow.org"), ("pytorchjobs", "kubeflow.org"),
        ("tfjobs", "kubeflow.org"), ("mpijobs", "kubeflow.org"), ("xgboostjobs", "kubeflow.org"), ("paddlejobs", "kubeflow.org"),
        ("jaxjobs", "kubeflow.org"),
    ];

    public int Port { get; init; } = 9102;

    public string NamespaceSelector { get; init; } = "app.kubernetes.io/part-of=kubeflow-profile";

    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public bool AllNamespaces { get; init; }

    /// <summary>The object kinds watched, by name; all of <see cref="ObjectKinds"/> by default.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [.. ObjectKinds.Select(k => k.Name)];

    public bool ScrapeInference { get; init; } = true;

    public int ScrapeIntervalSeconds { get; init; } = 30;

    public int ScrapeTimeoutSeconds { get; init; } = 10;

    public int MaxSeries { get; init; } = 200_000;

    public bool LogStreaming { get; init; }

    public IReadOnlyList<string> LogContainers { get; init; } = [];

    public string LogLevel { get; init; } = "info";

    /// <summary>Reads and checks the configuration; <paramref name="problems"/> names every option that is wrong.</summary>
    public static ExporterSettings Read(CharmConfig config, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var d = new ExporterSettings();
        long port = config.GetInt("port") ?? d.Port;
        if (port is < 1 or > 65535)
            found.Add($"port {port} is out of range (1-65535)");
        string selector = (config.GetString("namespace-selector") ?? d.NamespaceSelector).Trim();
        if (selector.Any(char.IsWhiteSpace) || selector.Contains('"', StringComparison.Ordinal))
            found.Add($"namespace-selector '{selector}' is not a label selector (e.g. app.kubernetes.io/part-of=kubeflow-profile, no spaces)");
        long interval = config.GetInt("scrape-interval") ?? d.ScrapeIntervalSeconds;
        if (interval is < 5 or > 3600)
            found.Add($"scrape-interval {interval} is out of range (5-3600 seconds)");
        long timeout = config.GetInt("scrape-timeout") ?? d.ScrapeTimeoutSeconds;
        if (timeout < 1 || timeout > Math.Clamp(interval, 5, 3600))
            found.Add($"scrape-timeout {timeout} is out of range (1 to scrape-interval, {Math.Clamp(interval, 5, 3600)} seconds)");
        long maxSeries = config.GetInt("max-series") ?? d.MaxSeries;
        if (maxSeries is < 1_000 or > 10_000_000)
            found.Add($"max-series {maxSeries} is out of range (1000-10000000)");
        string level = config.GetString("log-level") ?? d.LogLevel;
        if (level is not ("debug" or "info" or "warning" or "error"))
            found.Add($"log-level '{level}' is not debug, info, warning or error");
        List<string> resources = Names(config.GetString("resources"), "resources", found,
            name => ObjectKinds.Any(k => k.Name == name) ? null : $"'{name}' is not a kind the exporter watches (one of {string.Join(", ", ObjectKinds.Select(k => k.Name))})");
        var settings = new ExporterSettings
        {
            Port = (int)Math.Clamp(port, 1, 65535),
            NamespaceSelector = selector,
            Namespaces = Names(config.GetString("namespaces"), "namespaces", found,
                name => IsDnsLabel(name) ? null : $"'{name}' is not a namespace name (lower-case letters, digits and '-', at most 63)"),
            AllNamespaces = config.GetBoolean("all-namespaces") ?? d.AllNamespaces,
            Resources = resources.Count > 0 ? resources : d.Resources,
            ScrapeInference = config.GetBoolean("scrape-inference") ?? d.ScrapeInference,
            ScrapeIntervalSeconds = (int)Math.Clamp(interval, 5, 3600),
            ScrapeTimeoutSeconds = (int)Math.Clamp(timeout, 1, 3600),
            MaxSeries = (int)Math.Clamp(maxSeries, 1_000, 10_000_000),
            LogStreaming = config.GetBoolean("log-streaming") ?? d.LogStreaming,
            LogContainers = Names(config.GetString("log-containers"), "log-containers", found,
                name => IsDnsLabel(name) ? null : $"'{name}' is not a container name (lower-case letters, digits and '-', at most 63)"),
            LogLevel = level,
        };
        problems = found;
        return settings;
    }

    /// <summary>The API groups and resources the exporter lists and watches with these settings (namespaces and pods included).</summary>
    public IReadOnlyList<(string Group, string Resource)> WatchedResources() =>
        [("", "namespaces"), ("", "pods"), .. ObjectKinds.Where(k => Resources.Contains(k.Name)).Select(k => (k.Group, k.Name))];

    /// <summary>
    /// The workload's configuration file. <paramref name="lokiUrl"/> is the push endpoint of the logging relation (null
    /// without one: log streaming then stays off, and the status says why); <paramref name="logLabels"/> are added to every
    /// stream (the Juju topology).
    /// </summary>
    public string RenderWorkloadConfig(string? lokiUrl, IReadOnlyList<KeyValuePair<string, string>> logLabels)
    {
        var y = new StringBuilder("# Written by the kubeflow-observability-k8s charm from its configuration; edits are overwritten.\n");
        y.Append("namespaces:\n");
        y.Append("  selector: ").Append(Quote(NamespaceSelector)).Append('\n');
        y.Append("  include: [").AppendJoin(", ", Namespaces.Select(Quote)).Append("]\n");
        y.Append("  all: ").Append(AllNamespaces ? "true" : "false").Append('\n');
        y.Append("resources: [").AppendJoin(", ", Resources).Append("]\n");
        y.Append("inference:\n");
        y.Append("  enabled: ").Append(ScrapeInference ? "true" : "false").Append('\n');
        y.Append(CultureInfo.InvariantCulture, $"  scrape_interval_seconds: {ScrapeIntervalSeconds}\n");
        y.Append(CultureInfo.InvariantCulture, $"  scrape_timeout_seconds: {ScrapeTimeoutSeconds}\n");
        y.Append(CultureInfo.InvariantCulture, $"  max_series_total: {MaxSeries}\n");
        bool streaming = LogStreaming && lokiUrl is not null;
        y.Append("logs:\n");
        y.Append("  enabled: ").Append(streaming ? "true" : "false").Append('\n');
        if (streaming)
        {
            y.Append("  loki_url: ").Append(Quote(lokiUrl!)).Append('\n');
            y.Append("  containers: [").AppendJoin(", ", LogContainers.Select(Quote)).Append("]\n");
            y.Append("  labels: {").AppendJoin(", ", logLabels.Select(l => $"{l.Key}: {Quote(l.Value)}")).Append("}\n");
        }
        return y.ToString();
    }

    /// <summary>A YAML double-quoted scalar (JSON string syntax is valid YAML).</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text, CharmJsonContext.Default.String);

    /// <summary>A Kubernetes DNS label (RFC 1123): namespace and container names.</summary>
    internal static bool IsDnsLabel(string name) =>
        name.Length is >= 1 and <= 63 && char.IsAsciiLetterLower(name[0]) | char.IsAsciiDigit(name[0]) && name[^1] != '-'
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static List<string> Names(string? text, string option, List<string> problems, Func<string, string?> check)
    {
        var names = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
            return names;
        foreach (string raw in text.Split(','))
        {
            string name = raw.Trim();
            if (name.Length == 0)
                problems.Add($"{option} has an empty name in '{text}'");
            else if (names.Contains(name, StringComparer.Ordinal))
                problems.Add($"{option} lists '{name}' twice");
            else if (check(name) is { } problem)
                problems.Add($"{option}: {problem}");
            else
                names.Add(name);
        }
        return names;
    }
}
