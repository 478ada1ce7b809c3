// AlertRules: the charm's rule files (src/prometheus_alert_rules, src/loki_alert_rules) read, named
// and labelled exactly as cosl's Rules does (cos-wire §4), so what we put in the `alert_rules`
// databag value is what the Python libraries would have put there. Bad files are skipped and
// reported, never thrown: a charm must not fail its hook over a rule file.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace MlObs.Cos.Rules;

/// <summary>The query language of a rule set: it decides what replaces the <c>%%juju_topology%%</c> placeholder.</summary>
public enum QueryLanguage
{
    /// <summary>Prometheus rules: the placeholder (and a following comma) is removed.</summary>
    PromQl,

    /// <summary>Loki rules: the placeholder becomes <c>job=~".+"</c>.</summary>
    LogQl,
}

/// <summary>A rule file that was skipped, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record RuleFileProblem(string Path, string Message);

/// <summary>
/// A set of alerting and recording rule groups, as cosl's <c>Rules</c> builds it: groups read from
/// rule files (official <c>groups:</c> format or one rule per file), named
/// <c>&lt;identifier&gt;[_&lt;subdir&gt;]_&lt;name&gt;_rules</c> (sanitised to <c>[a-zA-Z0-9_:]</c>), every rule
/// labelled with the topology (labels it does not already have) and its <c>%%juju_topology%%</c>
/// placeholder replaced.
/// </summary>
public sealed partial class AlertRules
{
    private static readonly string[] Suffixes = [".rule", ".rules", ".yml", ".yaml"];

    private readonly List<JsonObject> _groups = [];
    private readonly List<RuleFileProblem> _problems = [];
    private readonly ILogger? _logger;

    /// <summary>Creates an empty rule set.</summary>
    /// <param name="language">The query language of the rules.</param>
    /// <param name="topology">The topology that names groups and labels rules; null for neither (as <c>PrometheusRulesProvider</c>).</param>
    /// <param name="expressionTransform">
    /// Called with each expression (placeholder already replaced) and the rule's
    /// <c>juju_model</c>, <c>juju_model_uuid</c>, <c>juju_application</c> labels; returns the expression
    /// to publish. Null (the default, as a charm without <c>cos-tool</c>) leaves expressions alone:
    /// the COS charm injects the matchers itself.
    /// </param>
    /// <param name="logger">Where skipped files are reported, if anywhere.</param>
    public AlertRules(
        QueryLanguage language,
        JujuTopology? topology = null,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? expressionTransform = null,
        ILogger? logger = null)
    {
        Language = language;
        Topology = topology;
        ExpressionTransform = expressionTransform;
        _logger = logger;
    }

    /// <summary>The query language.</summary>
    public QueryLanguage Language { get; }

    /// <summary>The topology rules are labelled with, if any.</summary>
    public JujuTopology? Topology { get; }

    /// <summary>The expression hook, if any.</summary>
    public Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? ExpressionTransform { get; }

    /// <summary>The groups read so far, in order.</summary>
    public IReadOnlyList<JsonObject> Groups => _groups;

    /// <summary>The files skipped so far.</summary>
    public IReadOnlyList<RuleFileProblem> Problems => _problems;

    /// <summary>
    /// The generic <c>HostHealth</c> group (<c>HostDown</c>, <c>HostMetricsMissing</c>) that
    /// <c>MetricsEndpointProvider</c> forwards, before naming and labelling.
    /// </summary>
    /// <returns>A new <c>{"groups": [...]}</c> object.</returns>
    public static JsonObject HostHealthRules() => new()
    {
        ["groups"] = new JsonArray(new JsonObject
        {
            ["name"] = "HostHealth",
            ["rules"] = new JsonArray(
                new JsonObject
                {
                    ["alert"] = "HostDown",
                    ["expr"] = "up < 1",
                    ["for"] = "5m",
                    ["labels"] = new JsonObject { ["severity"] = "critical" },
                    ["annotations"] = new JsonObject
                    {
                        ["summary"] = "Host '{{ $labels.instance }}' is down.",
                        ["description"] = "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. Prometheus has been unable to scrape it during at least the past five minutes.",
                    },
                },
                new JsonObject
                {
                    ["alert"] = "HostMetricsMissing",
                    ["expr"] = "absent(up)",
                    ["for"] = "5m",
                    ["labels"] = new JsonObject { ["severity"] = "warning" },
                    ["annotations"] = new JsonObject
                    {
                        ["summary"] = "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.",
                        ["description"] = "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend.",
                    },
                }),
        }),
    };

    /// <summary>
    /// Reads the rule files under a directory (suffixes <c>.rule .rules .yml .yaml</c>, sorted by path),
    /// or one file. A missing path adds nothing; a bad file is skipped and listed in <see cref="Problems"/>.
    /// </summary>
    /// <param name="path">A directory or a file.</param>
    /// <param name="recursive">Read subdirectories too (their relative path joins the group names).</param>
    public void AddPath(string path, bool recursive = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            var root = Path.GetFullPath(path);
            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(root, "*", new EnumerationOptions
                {
                    RecurseSubdirectories = recursive,
                    AttributesToSkip = 0,
                    IgnoreInaccessible = true,
                })
                    .Where(f => Suffixes.Contains(Path.GetExtension(f), StringComparer.Ordinal))
                    .Order(PathPartsComparer.Instance)
                    .ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Problem(path, $"cannot list rule files: {e.Message}");
                return;
            }

            foreach (var file in files)
            {
                AddFile(root, file);
            }
        }
        else if (File.Exists(path))
        {
            var full = Path.GetFullPath(path);
            AddFile(Path.GetDirectoryName(full)!, full);
        }
    }

    /// <summary>Adds rules from a parsed document (official or single-rule format).</summary>
    /// <param name="rules">The document.</param>
    /// <param name="groupName">The group name for a single rule.</param>
    /// <param name="groupNamePrefix">The prefix of the group names, e.g. the topology identifier.</param>
    /// <exception cref="FormatException">The document is neither format, or a group or rule is malformed.</exception>
    public void Add(JsonObject rules, string? groupName = null, string? groupNamePrefix = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _groups.AddRange(FromDict(rules, groupName, groupNamePrefix));
    }

    /// <summary>cosl's <c>as_dict()</c>: <c>{"groups": [...]}</c>, or <c>{}</c> when there are no groups.</summary>
    /// <param name="extraLabels">Labels set on every rule (overriding), as <c>extra_alert_labels</c>.</param>
    /// <returns>A new object.</returns>
    public JsonObject ToJson(IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        if (_groups.Count == 0)
        {
            return [];
        }

        var groups = new JsonArray([.. _groups.Select(g => g.DeepClone())]);
        if (extraLabels is { Count: > 0 })
        {
            foreach (var group in groups.OfType<JsonObject>())
            {
                foreach (var rule in (group["rules"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (rule["labels"] is not JsonObject labels)
                    {
                        labels = [];
                        rule["labels"] = labels;
                    }

                    foreach (var (key, value) in extraLabels)
                    {
                        labels[key] = value;
                    }
                }
            }
        }

        return new JsonObject { ["groups"] = groups };
    }

    /// <summary>
    /// <c>re.sub(r"%%juju_topology%%,?", repl, expr)</c> with <c>repl</c> empty for PromQL and
    /// <c>job=~".+"</c> for LogQL. Unlike cosl, a comma that followed the placeholder is kept for
    /// LogQL: <c>{%%juju_topology%%, level="error"}</c> becomes <c>{job=~".+", level="error"}</c>
    /// (cosl writes the invalid <c>{job=~".+" level="error"}</c>).
    /// </summary>
    /// <param name="expression">The expression.</param>
    /// <param name="language">The query language.</param>
    /// <returns>The expression without placeholder.</returns>
    public static string ReplaceTopologyPlaceholder(string expression, QueryLanguage language)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return language == QueryLanguage.LogQl
            ? PlaceholderRegex().Replace(expression, m => "job=~\".+\"" + m.Groups[1].Value)
            : PlaceholderRegex().Replace(expression, string.Empty);
    }

    /// <summary>cosl's group-name sanitising: every character outside <c>[a-zA-Z0-9_:]</c> becomes <c>_</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The sanitised name.</returns>
    public static string SanitizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            text.Append(rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '_' or ':') ? (char)rune.Value : '_');
        }

        return text.ToString();
    }

    [GeneratedRegex("%%juju_topology%%(,?)")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"^.*?_[0-9a-f]{8}_.*?rules\n?\z")]
    private static partial Regex AlreadyModifiedRegex();

    private void AddFile(string root, string file)
    {
        JsonNode? document;
        try
        {
            var info = new FileInfo(file);
            if (info.Length > 4 * 1024 * 1024)
            {
                Problem(file, "rule file larger than 4 MiB");
                return;
            }

            document = PyYaml.Load(File.ReadAllText(file, new UTF8Encoding(false, throwOnInvalidBytes: true)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or DecoderFallbackException)
        {
            Problem(file, $"failed to read rules: {e.Message}");
            return;
        }

        var relative = Path.GetRelativePath(root, Path.GetDirectoryName(file)!).Replace('\\', '/');
        var prefix = string.Join('_', new[] { Topology?.Identifier, relative == "." ? null : relative }.Where(p => !string.IsNullOrEmpty(p)));
        try
        {
            if (document is not JsonObject rules)
            {
                throw new FormatException(document is null ? "Empty" : "Invalid rule format");
            }

            _groups.AddRange(FromDict(rules, Path.GetFileNameWithoutExtension(file), prefix));
        }
        catch (FormatException e)
        {
            Problem(file, $"invalid rules file: {e.Message}");
        }
    }

    private void Problem(string path, string message)
    {
        _problems.Add(new RuleFileProblem(path, message));
        if (_logger is not null)
        {
            CosLog.Warning(_logger, $"skipping rule file {path}: {message}");
        }
    }

    private List<JsonObject> FromDict(JsonObject source, string? groupName, string? groupNamePrefix)
    {
        if (source.Count == 0)
        {
            throw new FormatException("Empty");
        }

        var copy = (JsonObject)source.DeepClone();
        List<JsonObject> groups;
        if (copy.ContainsKey("groups"))
        {
            if (copy["groups"] is not JsonArray list)
            {
                throw new FormatException("\"groups\" is not a list");
            }

            groups = [.. list.Select(g => g as JsonObject ?? throw new FormatException("a group is not a mapping"))];
            foreach (var group in groups)
            {
                group.Parent?.AsArray().Remove(group);
            }
        }
        else if (copy.ContainsKey("expr") && (copy.ContainsKey("alert") || copy.ContainsKey("record")))
        {
            var name = groupName ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(copy.ToJsonString())))[..20];
            groups = [new JsonObject { ["name"] = name, ["rules"] = new JsonArray(copy) }];
        }
        else
        {
            throw new FormatException("Invalid rule format");
        }

        foreach (var group in groups)
        {
            var name = group["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : throw new FormatException("a group has no string \"name\"");
            if (group["rules"] is not JsonArray rulesList)
            {
                throw new FormatException($"group \"{name}\" has no \"rules\" list");
            }

            if (!AlreadyModifiedRegex().IsMatch(name))
            {
                var renamed = string.Join('_', new[] { groupNamePrefix, name }.Where(p => !string.IsNullOrEmpty(p)));
                name = renamed.EndsWith("_rules", StringComparison.Ordinal) ? renamed : renamed + "_rules";
            }

            group["name"] = SanitizeName(name);
            foreach (var node in rulesList)
            {
                if (node is not JsonObject rule)
                {
                    throw new FormatException($"a rule of group \"{name}\" is not a mapping");
                }

                if (rule["expr"] is not JsonValue exprValue || !exprValue.TryGetValue<string>(out var expr))
                {
                    throw new FormatException($"a rule of group \"{name}\" has no string \"expr\"");
                }

                if (!rule.ContainsKey("labels"))
                {
                    rule["labels"] = new JsonObject();
                }

                if (rule["labels"] is not JsonObject labels)
                {
                    throw new FormatException($"the labels of a rule of group \"{name}\" are not a mapping");
                }

                if (Topology is { } topology)
                {
                    foreach (var (label, value) in topology.LabelMatchers)
                    {
                        if (!labels.ContainsKey(label))
                        {
                            labels[label] = value;
                        }
                    }

                    expr = ReplaceTopologyPlaceholder(expr, Language);
                    if (ExpressionTransform is { } transform)
                    {
                        List<KeyValuePair<string, string>> matchers = [];
                        foreach (var key in new[] { "juju_model", "juju_model_uuid", "juju_application" })
                        {
                            if (labels[key] is JsonValue v)
                            {
                                matchers.Add(KeyValuePair.Create(key, v.TryGetValue<string>(out var t) ? t : v.ToJsonString()));
                            }
                        }

                        expr = transform(expr, matchers);
                    }

                    rule["expr"] = expr;
                }
            }
        }

        return groups;
    }

    // pathlib sorts paths by their parts, not by their text ("a/x" before "a-b/x").
    private sealed class PathPartsComparer : IComparer<string>
    {
        public static readonly PathPartsComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? string.Empty).Split('/');
            var b = (y ?? string.Empty).Split('/');
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var c = string.CompareOrdinal(a[i], b[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return a.Length.CompareTo(b.Length);
        }
    }
}

/// <summary>Source-generated log messages of MlObs.Cos.</summary>
internal static partial class CosLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Message}")]
    public static partial void Debug(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Info(ILogger logger, string message);

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
