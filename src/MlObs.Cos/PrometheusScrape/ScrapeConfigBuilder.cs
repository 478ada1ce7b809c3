// ScrapeConfigBuilder: what prometheus-k8s derives from one prometheus_scrape relation (cos-wire
// §3.3-3.4): its scrape jobs and its rule file. Used by the demo and the tests to check that what
// our provider writes turns into the Prometheus configuration we expect; it never throws on bad
// relation data, it reports it.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.Rules;

namespace MlObs.Cos.PrometheusScrape;

/// <summary>One relation's data as the Prometheus side reads it.</summary>
/// <param name="RelationName">The relation (endpoint) name on the Prometheus side, e.g. <c>metrics-endpoint</c>.</param>
/// <param name="RelationId">The relation id.</param>
/// <param name="AppData">The scraped application's databag.</param>
/// <param name="UnitData">The scraped units' databags, by unit name.</param>
public sealed record ScrapeRelationData(
    string RelationName,
    int RelationId,
    IReadOnlyDictionary<string, string> AppData,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> UnitData);

/// <summary>A Prometheus rule file derived from a relation.</summary>
/// <param name="FileName">The file name prometheus-k8s uses, <c>juju_&lt;identifier&gt;_&lt;relation&gt;_&lt;id&gt;.rules</c>.</param>
/// <param name="Rules">The <c>{"groups": [...]}</c> document.</param>
/// <param name="Yaml">The file content, as <c>yaml.safe_dump</c> writes it.</param>
public sealed record RuleFile(string FileName, JsonObject Rules, string Yaml);

/// <summary>What Prometheus derives from one relation.</summary>
/// <param name="Jobs">The scrape jobs, as they go into <c>prometheus.yml</c>.</param>
/// <param name="RuleFile">The rule file, or null when the relation has no rules.</param>
/// <param name="Problems">What in the relation data the real charm would choke on or drop.</param>
public sealed record ScrapeDerivation(IReadOnlyList<JsonObject> Jobs, RuleFile? RuleFile, IReadOnlyList<string> Problems);

/// <summary>The Prometheus (consumer) side of prometheus_scrape, as prometheus-k8s runs it.</summary>
public static class ScrapeConfigBuilder
{
    /// <summary>The protocol prometheus-k8s falls back to for targets without a Content-Type.</summary>
    public const string DefaultFallbackScrapeProtocol = "PrometheusText0.0.4";

    /// <summary>Derives the scrape jobs and rule file of one relation.</summary>
    /// <param name="relation">The relation data.</param>
    /// <param name="fallbackScrapeProtocol">Added to every job; null for none.</param>
    /// <param name="honorLabels">Set <c>honor_labels: true</c> on every job, as prometheus-k8s does.</param>
    /// <param name="expressionTransform">cos-tool's label injection for rule expressions, if any (called with the <c>alert_expression_dict</c> labels).</param>
    /// <returns>The jobs (deduplicated), the rule file and the problems found.</returns>
    public static ScrapeDerivation Derive(
        ScrapeRelationData relation,
        string? fallbackScrapeProtocol = DefaultFallbackScrapeProtocol,
        bool honorLabels = true,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? expressionTransform = null)
    {
        ArgumentNullException.ThrowIfNull(relation);
        var problems = new List<string>();
        if (relation.UnitData.Count == 0)
        {
            return new ScrapeDerivation([], null, problems);
        }

        var jobs = DeriveJobs(relation, fallbackScrapeProtocol, problems);
        if (honorLabels)
        {
            foreach (var job in jobs)
            {
                job["honor_labels"] = true;
            }
        }

        var ruleFile = DeriveRuleFile(relation, expressionTransform, problems);
        return new ScrapeDerivation(jobs, ruleFile, problems);
    }

    /// <summary>
    /// Renders a whole <c>prometheus.yml</c>: <c>global</c>, <c>rule_files</c>, <c>scrape_configs</c> and, when there are
    /// Alertmanagers (prometheus-k8s' <c>alertmanager</c> relation), <c>alerting</c>.
    /// </summary>
    /// <param name="scrapeConfigs">The jobs (e.g. of several relations; they are de-duplicated again).</param>
    /// <param name="ruleFiles">Rule file paths or globs, e.g. <c>/etc/prometheus/rules/juju_*.rules</c>.</param>
    /// <param name="scrapeInterval">The global scrape interval.</param>
    /// <param name="evaluationInterval">The global rule evaluation interval.</param>
    /// <param name="alertmanagers">The Alertmanagers' <c>host:port</c> addresses; none: no <c>alerting</c> section.</param>
    /// <returns>The YAML text.</returns>
    public static string RenderPrometheusConfig(
        IEnumerable<JsonObject> scrapeConfigs,
        IEnumerable<string> ruleFiles,
        string scrapeInterval = "1m",
        string evaluationInterval = "1m",
        IEnumerable<string>? alertmanagers = null)
    {
        ArgumentNullException.ThrowIfNull(scrapeConfigs);
        ArgumentNullException.ThrowIfNull(ruleFiles);
        var config = new JsonObject
        {
            ["global"] = new JsonObject { ["scrape_interval"] = scrapeInterval, ["evaluation_interval"] = evaluationInterval },
        };
        var targets = alertmanagers?.ToList() ?? [];
        if (targets.Count > 0)
        {
            config["alerting"] = new JsonObject
            {
                ["alertmanagers"] = new JsonArray(new JsonObject
                {
                    ["static_configs"] = new JsonArray(new JsonObject { ["targets"] = new JsonArray([.. targets.Select(t => (JsonNode?)t)]) }),
                }),
            };
        }

        config["rule_files"] = new JsonArray([.. ruleFiles.Select(f => (JsonNode?)f)]);
        config["scrape_configs"] = new JsonArray([.. PrometheusConfig.DedupeJobNames(scrapeConfigs)]);
        return PyYaml.Dump(config);
    }

    /// <summary>Writes a rule document as <c>yaml.safe_dump</c> does.</summary>
    /// <param name="rules">The document.</param>
    /// <returns>The YAML text.</returns>
    public static string DumpYaml(JsonNode rules) => PyYaml.Dump(rules);

    private static List<JsonObject> DeriveJobs(ScrapeRelationData relation, string? fallback, List<string> problems)
    {
        if (!TryParse(relation.AppData, "scrape_jobs", "[]", problems, out var jobsNode))
        {
            return [];
        }

        if (jobsNode is not JsonArray jobsArray)
        {
            problems.Add("scrape_jobs is not a JSON list");
            return [];
        }

        if (jobsArray.Count == 0)
        {
            return [];
        }

        var jobs = new List<JsonObject>();
        foreach (var node in jobsArray)
        {
            if (node is JsonObject job)
            {
                jobs.Add((JsonObject)job.DeepClone());
            }
            else
            {
                problems.Add("a scrape job is not a JSON object; ignored");
            }
        }

        if (!TryParse(relation.AppData, "scrape_metadata", "{}", problems, out var metadataNode))
        {
            return [];
        }

        if (metadataNode is not JsonObject { Count: > 0 } metadata)
        {
            // No metadata: the jobs go in raw (no prefix, no sanitising, no topology).
            return jobs;
        }

        JujuTopology topology;
        try
        {
            topology = JujuTopology.FromJson(metadata);
        }
        catch (InvalidTopologyException e)
        {
            problems.Add($"scrape_metadata: {e.Message}");
            return [];
        }

        var prefix = $"juju_{topology.Identifier}_prometheus_scrape";
        var prefixed = jobs.Select(job =>
        {
            var name = PrometheusConfig.IsTruthy(job["job_name"]) ? PrometheusConfig.NameOf(job) : null;
            job["job_name"] = name is null ? prefix : $"{prefix}_{name}";
            return PrometheusConfig.SanitizeJob(job);
        });
        var hosts = new List<KeyValuePair<string, ScrapeHost>>();
        foreach (var (unitName, data) in relation.UnitData.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            var name = Get(data, "prometheus_scrape_unit_name") ?? unitName;
            var address = Get(data, "prometheus_scrape_unit_address") ?? Get(data, "prometheus_scrape_host");
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(address))
            {
                continue;
            }

            var host = new ScrapeHost(address, Get(data, "prometheus_scrape_unit_path") ?? string.Empty, Get(data, "prometheus_scrape_unit_fqdn") ?? string.Empty);
            var existing = hosts.FindIndex(h => h.Key == name);
            if (existing >= 0)
            {
                hosts[existing] = KeyValuePair.Create(name, host);
            }
            else
            {
                hosts.Add(KeyValuePair.Create(name, host));
            }
        }

        var expanded = PrometheusConfig.ExpandWildcardTargets(prefixed, hosts, topology);
        if (fallback is not null)
        {
            foreach (var job in expanded)
            {
                job["fallback_scrape_protocol"] = fallback;
            }
        }

        return [.. PrometheusConfig.DedupeJobNames(expanded)];
    }

    private static RuleFile? DeriveRuleFile(ScrapeRelationData relation, Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? transform, List<string> problems)
    {
        if (!TryParse(relation.AppData, "alert_rules", "{}", problems, out var rulesNode))
        {
            return null;
        }

        if (rulesNode is not JsonObject rules)
        {
            problems.Add("alert_rules is not a JSON object");
            return null;
        }

        if (rules.Count == 0)
        {
            return null;
        }

        rules = (JsonObject)rules.DeepClone();
        if (rules["groups"] is JsonArray groups)
        {
            foreach (var rule in groups.OfType<JsonObject>().SelectMany(g => (g["rules"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                if (rule["labels"] is JsonObject { Count: > 0 } labels && TopologyOfLabels(labels) is { } topology
                    && rule["expr"] is JsonValue e && e.TryGetValue<string>(out var expr))
                {
                    expr = AlertRules.ReplaceTopologyPlaceholder(expr, QueryLanguage.PromQl);
                    rule["expr"] = transform is null ? expr : transform(expr, topology.AlertExpressionLabels);
                }
            }
        }

        var identifier = IdentifierOf(rules);
        if (identifier is null && TryParse(relation.AppData, "scrape_metadata", "{}", [], out var metadata) && metadata is JsonObject { Count: > 0 } meta)
        {
            try
            {
                identifier = JujuTopology.FromJson(meta).Identifier;
            }
            catch (InvalidTopologyException e)
            {
                problems.Add($"scrape_metadata: {e.Message}");
                return null;
            }
        }

        identifier ??= (rules["groups"] as JsonArray)?.OfType<JsonObject>().Select(g => g["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null).FirstOrDefault();
        if (identifier is null)
        {
            problems.Add("alert rules without a usable group name or identifier");
            return null;
        }

        var fileName = $"juju_{identifier}_{relation.RelationName}_{relation.RelationId}.rules";
        return new RuleFile(fileName, rules, PyYaml.Dump(rules));
    }

    internal static JujuTopology? TopologyOfLabels(JsonObject labels)
    {
        string? Field(string key) => labels[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var model = Field("juju_model");
        var uuid = Field("juju_model_uuid");
        var app = Field("juju_application");
        return model is null || uuid is null || app is null ? null : new JujuTopology(model, uuid, app, Field("juju_unit") ?? string.Empty, Field("juju_charm") ?? string.Empty);
    }

    internal static string? IdentifierOf(JsonObject rules)
    {
        if (rules["groups"] is not JsonArray groups)
        {
            return null;
        }

        foreach (var group in groups.OfType<JsonObject>())
        {
            if (group["rules"] is JsonArray { Count: > 0 } list && list[0] is JsonObject first && first["labels"] is JsonObject labels
                && TopologyOfLabels(labels) is { } topology)
            {
                return topology.Identifier;
            }
        }

        return null;
    }

    internal static string? Get(IReadOnlyDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    internal static bool TryParse(IReadOnlyDictionary<string, string> data, string key, string fallback, List<string> problems, out JsonNode? node)
    {
        var text = Get(data, key) ?? fallback;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException e)
        {
            problems.Add($"{key} is not valid JSON: {Shorten(e.Message)}");
            node = null;
            return false;
        }
    }

    internal static string Shorten(string text, int max = 120)
    {
        var oneLine = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            oneLine.Append(char.IsControl(c) ? ' ' : c);
        }

        return oneLine.Length <= max ? oneLine.ToString() : oneLine.ToString(0, max) + "…";
    }
}
