using System.Globalization;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.DriftMonitor.Windows;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.DriftMonitor.Configuration;

/// <summary>
/// Reads the service configuration from YAML. Unknown keys, wrong types and out-of-range values are refused with a
/// <see cref="ConfigException"/> naming the file, line and dotted key (<c>models.iris.window.records</c>), so a charm can show
/// the operator exactly which option is wrong. The schema is documented in the workload's README.
/// </summary>
public static class MonitorConfigLoader
{
    /// <summary>Reads a configuration file.</summary>
    public static MonitorConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses configuration text; <paramref name="source"/> names it in errors.</summary>
    public static MonitorConfig Parse(string yaml, string source = "config")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{source}, line {e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return new MonitorConfig();
        var reader = new Reader(source);
        YamlMappingNode root = reader.Mapping(stream.Documents[0].RootNode, "");
        reader.OnlyKeys(root, "", "defaults", "models", "default_model", "snapshot_interval_seconds", "limits");
        ModelSettings defaults = Reader.Child(root, "defaults") is { } d ? reader.Model(d, "defaults", new ModelSettings()) : new ModelSettings();
        var models = new Dictionary<string, ModelSettings>(StringComparer.Ordinal);
        if (Reader.Child(root, "models") is { } m)
        {
            foreach ((YamlNode key, YamlNode value) in reader.Mapping(m, "models").Children)
            {
                string name = ((YamlScalarNode)key).Value ?? "";
                ModelNames.Validate(name, msg => reader.Fail(key, $"models.{name}", msg));
                models[name] = value is YamlScalarNode { Value: null or "" } ? defaults : reader.Model(value, $"models.{name}", defaults);
            }
        }
        MonitorLimits limits = MonitorLimits.Default;
        if (Reader.Child(root, "limits") is { } l)
        {
            YamlMappingNode map = reader.Mapping(l, "limits");
            reader.OnlyKeys(map, "limits", "max_body_bytes", "max_rows_per_request", "requests_per_second", "max_reference_bytes");
            limits = new MonitorLimits(
                reader.Long(map, "limits", "max_body_bytes", 1024, long.MaxValue) ?? limits.MaxBodyBytes,
                (int)(reader.Long(map, "limits", "max_rows_per_request", 1, int.MaxValue) ?? limits.MaxRowsPerRequest),
                (int)(reader.Long(map, "limits", "requests_per_second", 0, int.MaxValue) ?? limits.RequestsPerSecond),
                reader.Long(map, "limits", "max_reference_bytes", 1024, long.MaxValue) ?? limits.MaxReferenceBytes);
        }
        string? defaultModel = reader.String(root, "", "default_model");
        if (defaultModel is not null)
            ModelNames.Validate(defaultModel, msg => reader.Fail(Reader.Child(root, "default_model")!, "default_model", msg));
        double? snapshot = reader.Double(root, "", "snapshot_interval_seconds", 1, 86_400);
        return new MonitorConfig
        {
            Defaults = defaults,
            Models = models,
            DefaultModel = defaultModel,
            Limits = limits,
            SnapshotInterval = snapshot is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(30),
        };
    }

    private sealed class Reader(string source)
    {
        public Exception Fail(YamlNode node, string key, string message) =>
            throw new ConfigException($"{source}, line {node.Start.Line}: {(key.Length == 0 ? "" : key + ": ")}{message}");

        public YamlMappingNode Mapping(YamlNode node, string key) =>
            node as YamlMappingNode ?? throw Fail(node, key, "expected a mapping of keys to values");

        public static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? v) && v is not YamlScalarNode { Value: null or "~" } ? v : null;

        public void OnlyKeys(YamlMappingNode map, string path, params string[] allowed)
        {
            foreach (YamlNode key in map.Children.Keys)
            {
                string name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name, StringComparer.Ordinal))
                    throw Fail(key, Join(path, name), $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }
        }

        public string? String(YamlMappingNode map, string path, string key)
        {
            if (Child(map, key) is not { } node)
                return null;
            return node is YamlScalarNode s && !string.IsNullOrEmpty(s.Value) ? s.Value : throw Fail(node, Join(path, key), "expected a string");
        }

        public long? Long(YamlMappingNode map, string path, string key, long min, long max)
        {
            if (Child(map, key) is not { } node)
                return null;
            if (node is YamlScalarNode s && long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            {
                return v >= min && v <= max ? v : throw Fail(node, Join(path, key), $"{v} is out of range ({min} to {max})");
            }
            throw Fail(node, Join(path, key), "expected an integer");
        }

        public double? Double(YamlMappingNode map, string path, string key, double min, double max)
        {
            if (Child(map, key) is not { } node)
                return null;
            if (node is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            {
                return v >= min && v <= max ? v : throw Fail(node, Join(path, key), $"{v.ToString(CultureInfo.InvariantCulture)} is out of range ({min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            }
            throw Fail(node, Join(path, key), "expected a number");
        }

        public List<string>? Names(YamlMappingNode map, string path, string key)
        {
            if (Child(map, key) is not { } node)
                return null;
            if (node is not YamlSequenceNode seq)
                throw Fail(node, Join(path, key), "expected a list of feature names");
            var names = new List<string>();
            foreach (YamlNode item in seq.Children)
            {
                string name = item is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Fail(item, Join(path, key), "expected a feature name");
                if (names.Contains(name, StringComparer.Ordinal))
                    throw Fail(item, Join(path, key), $"'{name}' is listed twice");
                names.Add(name);
            }
            return names;
        }

        public ModelSettings Model(YamlNode node, string path, ModelSettings based)
        {
            YamlMappingNode map = Mapping(node, path);
            OnlyKeys(map, path, "reference", "inputs", "outputs", "window", "evaluate", "drift", "profile", "join_timeout_seconds");
            double? join = Double(map, path, "join_timeout_seconds", 0.001, 86_400);
            return based with
            {
                Reference = String(map, path, "reference") ?? based.Reference,
                Inputs = Names(map, path, "inputs") ?? based.Inputs,
                Outputs = Names(map, path, "outputs") ?? based.Outputs,
                Window = Child(map, "window") is { } w ? Window(w, Join(path, "window"), based.Window) : based.Window,
                Evaluation = Child(map, "evaluate") is { } e ? Evaluation(e, Join(path, "evaluate"), based.Evaluation) : based.Evaluation,
                Drift = Child(map, "drift") is { } d ? Drift(d, Join(path, "drift"), based.Drift) : based.Drift,
                Profile = Child(map, "profile") is { } p ? Profile(p, Join(path, "profile"), based.Profile) : based.Profile,
                JoinTimeout = join is { } j ? TimeSpan.FromSeconds(j) : based.JoinTimeout,
            };
        }

        private WindowSettings Window(YamlNode node, string path, WindowSettings based)
        {
            YamlMappingNode map = Mapping(node, path);
            OnlyKeys(map, path, "kind", "records", "seconds", "panes");
            WindowKind kind = String(map, path, "kind") switch
            {
                null => based.Kind,
                "sliding" => WindowKind.Sliding,
                "tumbling" => WindowKind.Tumbling,
                string other => throw Fail(Child(map, "kind")!, Join(path, "kind"), $"'{other}' is not a window kind (sliding or tumbling)"),
            };
            long? records = Long(map, path, "records", 1, long.MaxValue);
            double? seconds = Double(map, path, "seconds", 0.001, 366 * 86_400.0);
            if (records is not null && seconds is not null)
                throw Fail(node, path, "set records or seconds, not both");
            var settings = based with
            {
                Kind = kind,
                Records = seconds is not null ? null : records ?? based.Records,
                Duration = records is not null ? null : seconds is { } s ? TimeSpan.FromSeconds(s) : based.Duration,
                Panes = (int)(Long(map, path, "panes", 1, 1000) ?? based.Panes),
            };
            try
            {
                settings.Validate();
            }
            catch (ArgumentException e)
            {
                throw Fail(node, path, e.Message);
            }
            return settings;
        }

        private EvaluationSettings Evaluation(YamlNode node, string path, EvaluationSettings based)
        {
            YamlMappingNode map = Mapping(node, path);
            OnlyKeys(map, path, "every_records", "every_seconds", "min_records");
            long? records = Long(map, path, "every_records", 0, long.MaxValue);
            double? seconds = Double(map, path, "every_seconds", 0, 366 * 86_400.0);
            var settings = based with
            {
                EveryRecords = records is null ? based.EveryRecords : records == 0 ? null : records,
                Every = seconds is null ? based.Every : seconds == 0 ? null : TimeSpan.FromSeconds(seconds.Value),
                MinRecords = Long(map, path, "min_records", 1, long.MaxValue) ?? based.MinRecords,
            };
            if (settings.EveryRecords is null && settings.Every is null)
                throw Fail(node, path, "set every_records or every_seconds (or both): otherwise the model is never evaluated on its own");
            return settings;
        }

        private DriftOptions Drift(YamlNode node, string path, DriftOptions based)
        {
            YamlMappingNode map = Mapping(node, path);
            OnlyKeys(map, path, "preset", "drift_share", "correction", "methods", "thresholds");
            DriftPreset preset = String(map, path, "preset") switch
            {
                null => based.Preset,
                "mlobs" => DriftPreset.Mlobs,
                "evidently" => DriftPreset.Evidently,
                string other => throw Fail(Child(map, "preset")!, Join(path, "preset"), $"'{other}' is not a preset (mlobs or evidently)"),
            };
            PValueCorrection correction = String(map, path, "correction") switch
            {
                null => based.Correction,
                "none" => PValueCorrection.None,
                "bonferroni" => PValueCorrection.Bonferroni,
                "bh" or "benjamini-hochberg" => PValueCorrection.BenjaminiHochberg,
                string other => throw Fail(Child(map, "correction")!, Join(path, "correction"), $"'{other}' is not a correction (none, bonferroni or bh)"),
            };
            var overrides = new Dictionary<string, ColumnOverride>(based.Overrides, StringComparer.Ordinal);
            if (Child(map, "methods") is { } methods)
            {
                foreach ((YamlNode k, YamlNode v) in Mapping(methods, Join(path, "methods")).Children)
                {
                    string feature = ((YamlScalarNode)k).Value ?? "";
                    string method = v is YamlScalarNode { Value: { Length: > 0 } mv } ? mv : throw Fail(v, $"{path}.methods.{feature}", "expected a method id");
                    if (!DriftMethods.All.Any(m => m.Id == method))
                        throw Fail(v, $"{path}.methods.{feature}", $"'{method}' is not a method (one of: {string.Join(", ", DriftMethods.All.Select(m => m.Id))})");
                    overrides[feature] = (overrides.GetValueOrDefault(feature) ?? new ColumnOverride()) with { Method = method };
                }
            }
            if (Child(map, "thresholds") is { } thresholds)
            {
                YamlMappingNode tm = Mapping(thresholds, Join(path, "thresholds"));
                foreach ((YamlNode k, YamlNode _) in tm.Children)
                {
                    string feature = ((YamlScalarNode)k).Value ?? "";
                    double t = Double(tm, Join(path, "thresholds"), feature, 0, double.MaxValue)!.Value;
                    overrides[feature] = (overrides.GetValueOrDefault(feature) ?? new ColumnOverride()) with { Threshold = t };
                }
            }
            return based with
            {
                Preset = preset,
                Correction = correction,
                DriftShare = Double(map, path, "drift_share", 0, 1) ?? based.DriftShare,
                Overrides = overrides,
            };
        }

        private ProfileOptions Profile(YamlNode node, string path, ProfileOptions based)
        {
            YamlMappingNode map = Mapping(node, path);
            OnlyKeys(map, path, "mode", "bins");
            ProfileMode mode = String(map, path, "mode") switch
            {
                null => based.Mode,
                "exact" => ProfileMode.Exact,
                "streaming" => ProfileMode.Streaming,
                string other => throw Fail(Child(map, "mode")!, Join(path, "mode"), $"'{other}' is not a profile mode (exact or streaming)"),
            };
            return based with { Mode = mode, Bins = (int)(Long(map, path, "bins", 2, 1000) ?? based.Bins) };
        }

        private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
    }
}

/// <summary>Which model names the service accepts: they become directory names and metric label values.</summary>
public static class ModelNames
{
    /// <summary>The longest model name.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether a name is acceptable: 1 to 128 of letters, digits, '.', '_' and '-', not starting with '.'.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Calls <paramref name="fail"/> with the reason when the name is not acceptable.</summary>
    public static void Validate(string name, Action<string> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (!IsValid(name))
            fail($"'{name}' is not a model name (1 to {MaxLength} letters, digits, '.', '_' or '-', not starting with '.')");
    }
}
