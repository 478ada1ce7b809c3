// The charm's configuration, validated once per dispatch, and what it becomes for the workload: the YAML configuration of
// `mlobs drift serve` and the arguments of its command. Bad values never raise: each becomes a message naming the option.
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlObs.Ops.Metadata;

namespace DriftMonitorCharm;

/// <summary>The validated configuration of the charm.</summary>
internal sealed record CharmSettings
{
    /// <summary>
    /// The drift methods the workload accepts in <c>methods</c>, kept in step with MlObs.Drift's <c>DriftMethods.All</c> (a test
    /// compares them); the charm itself computes no statistics.
    /// </summary>
    public static readonly IReadOnlyList<string> MethodIds =
        ["ks", "chisquare", "z", "jensenshannon", "kl_div", "psi", "wasserstein", "anderson", "cramer_von_mises", "hellinger", "mannw", "ed", "t_test"];

    /// <summary>Panes of a sliding window (the workload's default).</summary>
    public const int Panes = 10;

    public int Port { get; init; } = 8080;

    public string? DefaultModel { get; init; }

    public string? Reference { get; init; }

    public IReadOnlyList<string> Inputs { get; init; } = [];

    public IReadOnlyList<string> Outputs { get; init; } = ["prediction"];

    public string WindowKind { get; init; } = "sliding";

    public long WindowRecords { get; init; } = 10_000;

    public long WindowSeconds { get; init; }

    public long EvaluationInterval { get; init; } = 60;

    public long EvaluationRecords { get; init; }

    public long MinRecords { get; init; } = 100;

    public string Preset { get; init; } = "mlobs";

    public double DriftShare { get; init; } = 0.5;

    public IReadOnlyList<KeyValuePair<string, string>> Methods { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, double>> Thresholds { get; init; } = [];

    public string? AuthTokenSecret { get; init; }

    public string LogLevel { get; init; } = "info";

    /// <summary>Reads and checks the configuration; <paramref name="problems"/> names every option that is wrong.</summary>
    public static CharmSettings Read(CharmConfig config, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var d = new CharmSettings();
        long port = config.GetInt("port") ?? d.Port;
        if (port is < 1 or > 65535)
            found.Add($"port {port} is out of range (1-65535)");
        string kind = config.GetString("window-kind") ?? d.WindowKind;
        if (kind is not ("sliding" or "tumbling"))
            found.Add($"window-kind '{kind}' is not sliding or tumbling");
        long records = config.GetInt("window-records") ?? d.WindowRecords;
        long seconds = config.GetInt("window-seconds") ?? 0;
        if (seconds < 0)
            found.Add($"window-seconds {seconds} is negative");
        if (seconds == 0 && records < 1)
            found.Add($"window-records {records} must be at least 1");
        if (seconds == 0 && kind == "sliding" && records is >= 1 and < Panes)
            found.Add($"window-records {records} is too small for a sliding window (at least {Panes})");
        long interval = config.GetInt("evaluation-interval") ?? d.EvaluationInterval;
        long everyRecords = config.GetInt("evaluation-records") ?? 0;
        if (interval < 0)
            found.Add($"evaluation-interval {interval} is negative");
        if (everyRecords < 0)
            found.Add($"evaluation-records {everyRecords} is negative");
        if (interval == 0 && everyRecords == 0)
            found.Add("evaluation-interval and evaluation-records are both 0: windows would never be evaluated");
        long minRecords = config.GetInt("min-records") ?? d.MinRecords;
        if (minRecords < 1)
            found.Add($"min-records {minRecords} must be at least 1");
        string preset = config.GetString("preset") ?? d.Preset;
        if (preset is not ("mlobs" or "evidently"))
            found.Add($"preset '{preset}' is not mlobs or evidently");
        double share = config.GetFloat("drift-share") ?? d.DriftShare;
        if (!(share > 0 && share <= 1))
            found.Add($"drift-share {share.ToString(CultureInfo.InvariantCulture)} is not in (0, 1]");
        string level = config.GetString("log-level") ?? d.LogLevel;
        if (level is not ("debug" or "info" or "warning" or "error"))
            found.Add($"log-level '{level}' is not debug, info, warning or error");
        string? defaultModel = Blank(config.GetString("default-model"));
        if (defaultModel is not null && !IsModelName(defaultModel))
            found.Add($"default-model '{defaultModel}' is not a model name (letters, digits, '.', '_', '-')");
        string? reference = Blank(config.GetString("reference"));
        if (reference is not null && defaultModel is null)
            found.Add("reference is set but default-model is not: name the model the reference belongs to");
        var settings = new CharmSettings
        {
            Port = (int)Math.Clamp(port, 1, 65535),
            DefaultModel = defaultModel,
            Reference = reference,
            Inputs = Names(config.GetString("inputs"), "inputs", found),
            Outputs = Names(config.GetString("outputs"), "outputs", found),
            WindowKind = kind,
            WindowRecords = records,
            WindowSeconds = seconds,
            EvaluationInterval = interval,
            EvaluationRecords = everyRecords,
            MinRecords = minRecords,
            Preset = preset,
            DriftShare = share,
            Methods = Pairs(config.GetString("methods"), "methods", found, (feature, value) =>
                MethodIds.Contains(value) ? null : $"'{value}' is not a method (one of {string.Join(", ", MethodIds)})", v => v),
            Thresholds = Pairs(config.GetString("thresholds"), "thresholds", found, (feature, value) =>
                double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && t >= 0 && double.IsFinite(t)
                    ? null : $"'{value}' is not a non-negative number", v => double.Parse(v, CultureInfo.InvariantCulture)),
            AuthTokenSecret = Blank(config.GetSecretId("auth-token")),
            LogLevel = level,
        };
        problems = found;
        return settings;
    }

    /// <summary>The workload's configuration file (the YAML of <c>mlobs drift serve --config</c>).</summary>
    public string RenderWorkloadConfig()
    {
        var y = new StringBuilder("# Written by the drift-monitor-k8s charm from its configuration; edits are overwritten.\n");
        if (DefaultModel is not null)
            y.Append("default_model: ").Append(Quote(DefaultModel)).Append('\n');
        y.Append("defaults:\n");
        y.Append("  window: {kind: ").Append(WindowKind).Append(", ");
        y.Append(WindowSeconds > 0 ? $"seconds: {WindowSeconds}" : $"records: {WindowRecords}");
        if (WindowKind == "sliding")
            y.Append(CultureInfo.InvariantCulture, $", panes: {Panes}");
        y.Append("}\n");
        y.Append(CultureInfo.InvariantCulture, $"  evaluate: {{every_seconds: {EvaluationInterval}, every_records: {EvaluationRecords}, min_records: {MinRecords}}}\n");
        y.Append("  drift:\n");
        y.Append("    preset: ").Append(Preset).Append('\n');
        y.Append("    drift_share: ").Append(DriftShare.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        if (Methods.Count > 0)
            y.Append("    methods: {").AppendJoin(", ", Methods.Select(m => $"{Quote(m.Key)}: {m.Value}")).Append("}\n");
        if (Thresholds.Count > 0)
            y.Append("    thresholds: {").AppendJoin(", ", Thresholds.Select(t => $"{Quote(t.Key)}: {t.Value.ToString("R", CultureInfo.InvariantCulture)}")).Append("}\n");
        if (Inputs.Count > 0)
            y.Append("  inputs: [").AppendJoin(", ", Inputs.Select(Quote)).Append("]\n");
        if (Outputs.Count > 0)
            y.Append("  outputs: [").AppendJoin(", ", Outputs.Select(Quote)).Append("]\n");
        if (DefaultModel is not null && Reference is not null)
        {
            y.Append("models:\n  ").Append(Quote(DefaultModel)).Append(":\n    reference: ").Append(Quote(Reference)).Append('\n');
        }
        return y.ToString();
    }

    // JsonEncodedText escapes as the serializer would, without building the serializer's metadata for string (a
    // reflection pass in every dispatch).
    /// <summary>A YAML double-quoted scalar (JSON string syntax is valid YAML).</summary>
    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text).Value + "\"";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsModelName(string name) =>
        name.Length <= 128 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static List<string> Names(string? text, string option, List<string> problems)
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
            else
                names.Add(name);
        }
        return names;
    }

    private static List<KeyValuePair<string, T>> Pairs<T>(
        string? text, string option, List<string> problems, Func<string, string, string?> check, Func<string, T> convert)
    {
        var pairs = new List<KeyValuePair<string, T>>();
        if (string.IsNullOrWhiteSpace(text))
            return pairs;
        foreach (string raw in text.Split(','))
        {
            string item = raw.Trim();
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == item.Length - 1)
            {
                problems.Add($"{option} entry '{item}' is not FEATURE=VALUE");
                continue;
            }
            string feature = item[..eq].Trim(), value = item[(eq + 1)..].Trim();
            if (check(feature, value) is { } problem)
            {
                problems.Add($"{option} entry '{item}': {problem}");
                continue;
            }
            pairs.Add(new(feature, convert(value)));
        }
        return pairs;
    }
}
