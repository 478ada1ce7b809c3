// PrometheusConfig: the scrape-job manipulations of prometheus_scrape (cos-wire §3.1, §3.3): the
// DEFAULT_JOB/ALLOWED_KEYS sanitising both sides apply, job-name prefixing, wildcard expansion per
// unit with topology labels and instance relabelling, and the sha256 de-duplication of job names.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MlObs.Cos.PrometheusScrape;

/// <summary>One unit of a scraped application as the consumer sees it in its unit databag.</summary>
/// <param name="Address">The unit's address (<c>prometheus_scrape_unit_address</c>).</param>
/// <param name="Path">The metrics path prefix (<c>prometheus_scrape_unit_path</c>), usually empty.</param>
/// <param name="Fqdn">The unit's FQDN (<c>prometheus_scrape_unit_fqdn</c>), may be empty.</param>
public sealed record ScrapeHost(string Address, string Path = "", string Fqdn = "");

/// <summary>The scrape-job helpers of the prometheus_scrape library (<c>PrometheusConfig</c> and friends).</summary>
public static class PrometheusConfig
{
    /// <summary>The keys a job may carry; anything else is dropped by provider and consumer alike.</summary>
    public static IReadOnlySet<string> AllowedKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "job_name", "metrics_path", "static_configs", "scrape_interval", "scrape_timeout", "proxy_url",
        "relabel_configs", "metric_relabel_configs", "sample_limit", "label_limit", "label_name_length_limit",
        "label_value_length_limit", "scheme", "basic_auth", "tls_config", "authorization", "params",
    };

    /// <summary>The job used when a charm gives none: <c>/metrics</c> on port 80 of every unit.</summary>
    /// <returns>A new object.</returns>
    /// <remarks>Parsed from text, so that its values need no System.Text.Json converter (see <see cref="ScrapeJob.ToJson"/>).</remarks>
    public static JsonObject DefaultJob() => PyJson.ParseObject("""{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:80"]}]}""");

    /// <summary><c>{**DEFAULT_JOB, **{k: v for k in job if k in ALLOWED_KEYS}}</c>, in Python's key order.</summary>
    /// <param name="job">The job.</param>
    /// <returns>A new, sanitised job.</returns>
    public static JsonObject SanitizeJob(JsonObject job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var sanitized = DefaultJob();
        foreach (var (key, value) in job)
        {
            if (AllowedKeys.Contains(key))
            {
                sanitized[key] = value?.DeepClone();
            }
        }

        return sanitized;
    }

    /// <summary>The relabel config that makes <c>instance</c> = model_uuid_application(_unit).</summary>
    /// <param name="withUnit">Include <c>juju_unit</c> (per-unit jobs).</param>
    /// <returns>A new object.</returns>
    public static JsonObject TopologyRelabelConfig(bool withUnit)
    {
        var labels = new JsonArray("juju_model", "juju_model_uuid", "juju_application");
        if (withUnit)
        {
            labels.Add((JsonNode)"juju_unit");
        }

        return new JsonObject { ["source_labels"] = labels, ["separator"] = "_", ["target_label"] = "instance", ["regex"] = "(.*)" };
    }

    /// <summary>
    /// Expands the jobs of one relation per unit (cos-wire §3.3 step 4): wildcard targets (starting
    /// with <c>*</c>) become one job per unit, targets naming a unit's address or FQDN become that
    /// unit's job, other targets stay in one job; with a topology, labels and relabelling are added.
    /// </summary>
    /// <param name="jobs">Sanitised, prefixed jobs.</param>
    /// <param name="hosts">Units by name, in the relation's order.</param>
    /// <param name="topology">The scraped application's topology, or null for no labels.</param>
    /// <returns>New jobs.</returns>
    public static IReadOnlyList<JsonObject> ExpandWildcardTargets(IEnumerable<JsonObject> jobs, IReadOnlyList<KeyValuePair<string, ScrapeHost>> hosts, JujuTopology? topology)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(hosts);
        var hostToUnit = new Dictionary<string, string>(StringComparer.Ordinal);
        if (topology is not null)
        {
            foreach (var (unit, host) in hosts)
            {
                foreach (var id in new[] { host.Address, host.Fqdn }.Where(s => s.Length > 0))
                {
                    hostToUnit[id] = unit;
                }
            }
        }

        var result = new List<JsonObject>();
        foreach (var job in jobs)
        {
            if (job["static_configs"] is not JsonArray { Count: > 0 } staticConfigs)
            {
                continue;
            }

            var unmatchedConfigs = new JsonArray();
            foreach (var staticConfig in staticConfigs.OfType<JsonObject>())
            {
                if (staticConfig["targets"] is not JsonArray { Count: > 0 } targetNodes)
                {
                    continue;
                }

                var targets = targetNodes.Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : t?.ToJsonString() ?? "null").ToList();
                var wildcard = targets.Where(t => t.StartsWith('*')).ToList();
                var other = targets.Where(t => !t.StartsWith('*')).ToList();
                if (other.Count > 0)
                {
                    var matched = new List<KeyValuePair<string, List<string>>>();
                    var unmatched = new List<string>();
                    foreach (var target in other)
                    {
                        if (hostToUnit.TryGetValue(TargetHost(target), out var unit))
                        {
                            var entry = matched.FindIndex(m => m.Key == unit);
                            if (entry < 0)
                            {
                                matched.Add(KeyValuePair.Create(unit, new List<string> { target }));
                            }
                            else
                            {
                                matched[entry].Value.Add(target);
                            }
                        }
                        else
                        {
                            unmatched.Add(target);
                        }
                    }

                    if (unmatched.Count > 0)
                    {
                        var config = (JsonObject)staticConfig.DeepClone();
                        config["targets"] = new JsonArray([.. unmatched.Select(t => (JsonNode?)t)]);
                        if (topology is not null)
                        {
                            config["labels"] = MergeLabels(topology, null, config["labels"]);
                        }

                        unmatchedConfigs.Add((JsonNode)config);
                    }

                    foreach (var (unit, unitTargets) in matched)
                    {
                        var path = hosts.FirstOrDefault(h => h.Key == unit).Value?.Path ?? string.Empty;
                        result.Add(PerUnitJob(job, staticConfig, unitTargets, unit, path, topology));
                    }
                }

                if (wildcard.Count > 0)
                {
                    foreach (var (unit, host) in hosts)
                    {
                        var resolved = wildcard.Select(t => t.Replace("*", host.Address, StringComparison.Ordinal)).ToList();
                        result.Add(PerUnitJob(job, staticConfig, resolved, unit, host.Path, topology));
                    }
                }
            }

            if (unmatchedConfigs.Count > 0)
            {
                var modified = (JsonObject)job.DeepClone();
                modified["static_configs"] = unmatchedConfigs;
                modified["metrics_path"] = IsTruthy(modified["metrics_path"]) ? modified["metrics_path"]!.DeepClone() : "/metrics";
                if (topology is not null)
                {
                    modified["relabel_configs"] = AppendRelabel(modified["relabel_configs"], withUnit: false);
                }

                result.Add(modified);
            }
        }

        return result;
    }

    /// <summary>
    /// <c>_dedupe_job_names</c>: every job whose name occurs more than once is renamed
    /// <c>name_&lt;sha256 of json.dumps(job)&gt;</c>; then byte-identical jobs are collapsed.
    /// </summary>
    /// <param name="jobs">The jobs.</param>
    /// <returns>New jobs, grouped by first occurrence of each name.</returns>
    public static IReadOnlyList<JsonObject> DedupeJobNames(IEnumerable<JsonObject> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var copies = jobs.Select(j => (JsonObject)j.DeepClone()).ToList();
        var byName = new List<KeyValuePair<string, List<JsonObject>>>();
        foreach (var job in copies)
        {
            var name = NameOf(job);
            if (byName.FindIndex(e => e.Key == name) < 0)
            {
                byName.Add(KeyValuePair.Create(name, copies.Where(c => NameOf(c) == name).ToList()));
            }
        }

        foreach (var (_, group) in byName)
        {
            if (group.Count > 1)
            {
                foreach (var job in group)
                {
                    job["job_name"] = $"{NameOf(job)}_{Sha256Hex(PyJson.Dumps(job))}";
                }
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. byName.SelectMany(e => e.Value).Where(j => seen.Add(Sha256Hex(PyJson.Dumps(j))))];
    }

    internal static string NameOf(JsonObject job) =>
        job["job_name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : job["job_name"]?.ToJsonString() ?? "null";

    internal static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        _ => true,
    };

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // urlparse("//" + target).hostname: the host without port or brackets, lowercased.
    private static string TargetHost(string target)
    {
        var host = target;
        var slash = host.IndexOfAny(['/', '?', '#']);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        var at = host.LastIndexOf('@');
        if (at >= 0)
        {
            host = host[(at + 1)..];
        }

        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? host[1..close] : host[1..];
        }
        else
        {
            var colon = host.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                host = host[..colon];
            }
        }

        return host.Length > 0 ? host.ToLowerInvariant() : target.Split(':', 2)[0];
    }

    private static JsonObject MergeLabels(JujuTopology topology, string? unit, JsonNode? own)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in topology.LabelMatchers)
        {
            labels[key] = value;
        }

        if (unit is not null)
        {
            labels["juju_unit"] = unit;
        }

        if (own is JsonObject ownLabels)
        {
            foreach (var (key, value) in ownLabels)
            {
                labels[key] = value?.DeepClone();
            }
        }

        return labels;
    }

    private static JsonArray AppendRelabel(JsonNode? existing, bool withUnit)
    {
        var list = existing is JsonArray array ? (JsonArray)array.DeepClone() : [];
        list.Add((JsonNode)TopologyRelabelConfig(withUnit));
        return list;
    }

    private static JsonObject PerUnitJob(JsonObject job, JsonObject staticConfig, List<string> targets, string unit, string unitPath, JujuTopology? topology)
    {
        var unitNumber = unit.Split('/')[^1];
        var newStatic = (JsonObject)staticConfig.DeepClone();
        newStatic["targets"] = new JsonArray([.. targets.Select(t => (JsonNode?)t)]);
        var newJob = (JsonObject)job.DeepClone();
        newJob["job_name"] = (newJob.ContainsKey("job_name") ? NameOf(newJob) : "unnamed-job") + "-" + unitNumber;
        var metricsPath = IsTruthy(newJob["metrics_path"]) && newJob["metrics_path"] is JsonValue mp && mp.TryGetValue<string>(out var p) ? p : "/metrics";
        newJob["metrics_path"] = unitPath + metricsPath;
        if (topology is not null)
        {
            newStatic["labels"] = MergeLabels(topology, unit, newStatic["labels"]);
            newJob["relabel_configs"] = AppendRelabel(newJob["relabel_configs"], withUnit: true);
        }

        newJob["static_configs"] = new JsonArray(newStatic);
        return newJob;
    }
}
