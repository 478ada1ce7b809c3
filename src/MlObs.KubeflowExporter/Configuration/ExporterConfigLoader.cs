// Reads the exporter's YAML configuration. Every key is optional; unknown keys and bad values stop the exporter with the
// file, line and key, e.g. "exporter.yaml, line 4: inference.concurrency: 0 is out of range (1 to 256)".
using System.Globalization;
using MlObs.KubeflowExporter.Inference;
using MlObs.KubeflowExporter.Kube;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.KubeflowExporter.Configuration;

/// <summary>Loads <see cref="ExporterConfig"/> from YAML.</summary>
public static class ExporterConfigLoader
{
    /// <summary>Reads and parses a configuration file.</summary>
    /// <exception cref="ConfigException">The file cannot be read, or it is not a valid configuration.</exception>
    public static ExporterConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot be read: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses configuration text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static ExporterConfig Parse(string yaml, string source = "config")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{source}, line {e.Start.Line}: {e.Message}", e);
        }
        var config = new ExporterConfig();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return config;
        var r = new Section(source, stream.Documents[0].RootNode, "", "namespaces", "resources", "watch", "inference", "logs");
        if (r.Child("namespaces", "selector", "include", "all") is { } ns)
        {
            config = config with
            {
                Namespaces = new NamespaceSelection
                {
                    Selector = ns.Text("selector", allowEmpty: true) ?? config.Namespaces.Selector,
                    Include = ns.Names("include", IsDnsLabel, "a namespace name (DNS label)") ?? [],
                    All = ns.Bool("all") ?? false,
                },
            };
        }
        string[] known = [.. ResourceKinds.Objects.Select(k => k.Name)];
        if (r.Names("resources", n => known.Contains(n), $"a resource (one of: {string.Join(", ", known)})") is { } resources)
            config = config with { Resources = resources };
        if (r.Child("watch", "timeout_seconds", "max_backoff_seconds") is { } watch)
        {
            config = config with
            {
                Watch = config.Watch with
                {
                    WatchTimeoutSeconds = (int)(watch.Number("timeout_seconds", 10, 3600) ?? config.Watch.WatchTimeoutSeconds),
                    MaxBackoff = watch.Seconds("max_backoff_seconds", 1, 3600) ?? config.Watch.MaxBackoff,
                },
            };
        }
        if (r.Child("inference", "enabled", "scrape_interval_seconds", "scrape_timeout_seconds", "concurrency", "max_series_per_target",
                "max_series_total", "max_body_bytes", "ready_only") is { } inf)
        {
            InferenceScrapeSettings d = config.Inference;
            var settings = new InferenceScrapeSettings
            {
                Enabled = inf.Bool("enabled") ?? d.Enabled,
                Interval = inf.Seconds("scrape_interval_seconds", 1, 3600) ?? d.Interval,
                Timeout = inf.Seconds("scrape_timeout_seconds", 0.1, 600) ?? d.Timeout,
                Concurrency = (int)(inf.Number("concurrency", 1, 256) ?? d.Concurrency),
                MaxSeriesPerTarget = (int)(inf.Number("max_series_per_target", 1, 1_000_000) ?? d.MaxSeriesPerTarget),
                MaxSeriesTotal = (int)(inf.Number("max_series_total", 1, 10_000_000) ?? d.MaxSeriesTotal),
                MaxBodyBytes = inf.Number("max_body_bytes", 1024, 1L << 30) ?? d.MaxBodyBytes,
                ReadyOnly = inf.Bool("ready_only") ?? d.ReadyOnly,
            };
            if (settings.Timeout > settings.Interval)
                throw inf.Fail("scrape_timeout_seconds", "must not exceed scrape_interval_seconds");
            config = config with { Inference = settings };
        }
        if (r.Child("logs", "enabled", "loki_url", "containers", "batch_max_lines", "batch_max_bytes", "batch_wait_seconds",
                "buffer_max_lines", "max_attempts", "labels") is { } logs)
        {
            LogSettings d = config.Logs;
            Uri? url = null;
            if (logs.Text("loki_url") is { } u)
            {
                url = Uri.TryCreate(u, UriKind.Absolute, out Uri? parsed) && parsed.Scheme is "http" or "https"
                    ? parsed
                    : throw logs.Fail("loki_url", $"'{u}' is not an http(s) URL");
            }
            var settings = new LogSettings
            {
                Enabled = logs.Bool("enabled") ?? d.Enabled,
                LokiUrl = url,
                Containers = logs.Names("containers", IsDnsLabel, "a container name") ?? [],
                BatchMaxLines = (int)(logs.Number("batch_max_lines", 1, 100_000) ?? d.BatchMaxLines),
                BatchMaxBytes = (int)(logs.Number("batch_max_bytes", 1024, 64L * 1024 * 1024) ?? d.BatchMaxBytes),
                BatchWait = logs.Seconds("batch_wait_seconds", 0.01, 60) ?? d.BatchWait,
                BufferMaxLines = (int)(logs.Number("buffer_max_lines", 1, 10_000_000) ?? d.BufferMaxLines),
                MaxAttempts = (int)(logs.Number("max_attempts", 1, 100) ?? d.MaxAttempts),
                Labels = logs.Map("labels", Exposition.IsLabelNameText) ?? d.Labels,
            };
            if (settings.Enabled && settings.LokiUrl is null)
                throw logs.Fail("enabled", "log streaming needs logs.loki_url");
            config = config with { Logs = settings };
        }
        return config;
    }

    /// <summary>Whether a name is a DNS label (namespaces, containers): 1 to 63 of a-z, 0-9 and '-', not at the ends.</summary>
    public static bool IsDnsLabel(string name) =>
        name.Length is > 0 and <= 63 && name[0] != '-' && name[^1] != '-' && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private sealed class Section
    {
        private readonly string _source;
        private readonly string _path;
        private readonly YamlMappingNode _map;

        public Section(string source, YamlNode node, string path, params string[] allowed)
        {
            _source = source;
            _path = path;
            _map = node as YamlMappingNode ?? throw Fail(node, path, "expected a mapping of keys to values");
            foreach (YamlNode key in _map.Children.Keys)
            {
                string name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name, StringComparer.Ordinal))
                    throw Fail(key, Join(name), $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }
        }

        public ConfigException Fail(string key, string message) => Fail(Node(key) ?? _map, Join(key), message);

        public Section? Child(string key, params string[] allowed) => Node(key) is { } n ? new Section(_source, n, Join(key), allowed) : null;

        public string? Text(string key, bool allowEmpty = false)
        {
            if (Node(key) is not { } n)
                return allowEmpty && _map.Children.ContainsKey(new YamlScalarNode(key)) ? "" : null;
            return n is YamlScalarNode s && (allowEmpty || !string.IsNullOrEmpty(s.Value)) ? s.Value ?? "" : throw Fail(n, Join(key), "expected a string");
        }

        public bool? Bool(string key)
        {
            if (Node(key) is not { } n)
                return null;
            return n is YamlScalarNode { Value: "true" or "false" } s ? s.Value == "true" : throw Fail(n, Join(key), "expected true or false");
        }

        public long? Number(string key, long min, long max)
        {
            if (Node(key) is not { } n)
                return null;
            if (n is YamlScalarNode s && long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
                return v >= min && v <= max ? v : throw Fail(n, Join(key), $"{v} is out of range ({min} to {max})");
            throw Fail(n, Join(key), "expected an integer");
        }

        public TimeSpan? Seconds(string key, double min, double max)
        {
            if (Node(key) is not { } n)
                return null;
            if (n is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            {
                return v >= min && v <= max
                    ? TimeSpan.FromSeconds(v)
                    : throw Fail(n, Join(key), string.Create(CultureInfo.InvariantCulture, $"{v} is out of range ({min} to {max} seconds)"));
            }
            throw Fail(n, Join(key), "expected a number of seconds");
        }

        public List<string>? Names(string key, Func<string, bool> valid, string what)
        {
            if (Node(key) is not { } n)
                return null;
            if (n is not YamlSequenceNode seq)
                throw Fail(n, Join(key), $"expected a list, each {what}");
            var names = new List<string>();
            foreach (YamlNode item in seq.Children)
            {
                string name = item is YamlScalarNode { Value: { Length: > 0 } v } && valid(v) ? v : throw Fail(item, Join(key), $"'{(item as YamlScalarNode)?.Value}' is not {what}");
                if (names.Contains(name, StringComparer.Ordinal))
                    throw Fail(item, Join(key), $"'{name}' is listed twice");
                names.Add(name);
            }
            return names;
        }

        public Dictionary<string, string>? Map(string key, Func<string, bool> validKey)
        {
            if (Node(key) is not { } n)
                return null;
            if (n is not YamlMappingNode map)
                throw Fail(n, Join(key), "expected a mapping of label names to values");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                string name = (k as YamlScalarNode)?.Value ?? "";
                if (!validKey(name) || name.StartsWith("__", StringComparison.Ordinal))
                    throw Fail(k, Join(key), $"'{name}' is not a label name");
                result[name] = v is YamlScalarNode { Value: { } value } ? value : throw Fail(v, $"{Join(key)}.{name}", "expected a string");
            }
            return result;
        }

        private YamlNode? Node(string key) =>
            _map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? v) && v is not YamlScalarNode { Value: null or "~" } ? v : null;

        private ConfigException Fail(YamlNode node, string key, string message) =>
            new($"{_source}, line {node.Start.Line}: {(key.Length == 0 ? "" : key + ": ")}{message}");

        private string Join(string key) => _path.Length == 0 ? key : $"{_path}.{key}";
    }
}
