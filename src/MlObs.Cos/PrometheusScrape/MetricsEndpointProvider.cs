// MetricsEndpointProvider: the provider side of prometheus_scrape (cos-wire §3.1, §3.2, §3.5), what
// prometheus_scrape.py's MetricsEndpointProvider does: the leader publishes scrape_metadata,
// scrape_jobs and alert_rules; every unit publishes its address; Prometheus' complaints (`event`)
// become a blocked status. Each databag is read once and written with one relation-set that
// carries only the keys that changed; a leader that published the same inputs before skips both.
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MlObs.Cos.Rules;
using MlObs.Ops;

namespace MlObs.Cos.PrometheusScrape;

/// <summary>A scrape job in typed form; <see cref="ToJson"/> gives the <c>scrape_jobs</c> entry.</summary>
/// <param name="JobName">The job name: fixed and unique per charm, so the name Prometheus uses never changes.</param>
public sealed record ScrapeJob(string JobName)
{
    /// <summary>The metrics path.</summary>
    public string MetricsPath { get; init; } = "/metrics";

    /// <summary>The targets; <c>*:&lt;port&gt;</c> means every unit of this application on that port.</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["*:80"];

    /// <summary>Extra labels of the targets.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The scrape interval, e.g. <c>30s</c>; null for Prometheus' default.</summary>
    public string? ScrapeInterval { get; init; }

    /// <summary>The scrape timeout; null for Prometheus' default.</summary>
    public string? ScrapeTimeout { get; init; }

    /// <summary><c>http</c> or <c>https</c>; null for http.</summary>
    public string? Scheme { get; init; }

    /// <summary>The job as the library's JSON (<c>job_name</c>, <c>metrics_path</c>, <c>static_configs</c>, …).</summary>
    /// <returns>A new object.</returns>
    public JsonObject ToJson()
    {
        // Written as text and parsed: the values are then backed by the parsed document, and no System.Text.Json
        // converter is built for them (a JsonValue made from a .NET string builds one, reading reflection metadata,
        // in the settled hook that publishes nothing). A lone surrogate does not survive JSON text: such a job is
        // built from the strings themselves.
        if (!AllWellFormed())
        {
            return ToJsonNodes();
        }

        var text = new StringBuilder("{\"job_name\": ");
        PyJson.WriteString(text, JobName);
        text.Append(", \"metrics_path\": ");
        PyJson.WriteString(text, MetricsPath);
        text.Append(", \"static_configs\": [{\"targets\": [");
        for (var i = 0; i < Targets.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ");
            PyJson.WriteString(text, Targets[i]);
        }

        text.Append(']');
        if (Labels is { Count: > 0 })
        {
            text.Append(", \"labels\": {");
            var first = true;
            foreach (var (key, value) in Labels)
            {
                text.Append(first ? string.Empty : ", ");
                first = false;
                PyJson.WriteString(text, key);
                text.Append(": ");
                PyJson.WriteString(text, value);
            }

            text.Append('}');
        }

        text.Append("}]");
        AppendOptional(text, "scrape_interval", ScrapeInterval);
        AppendOptional(text, "scrape_timeout", ScrapeTimeout);
        AppendOptional(text, "scheme", Scheme);
        return PyJson.ParseObject(text.Append('}').ToString());

        static void AppendOptional(StringBuilder text, string key, string? value)
        {
            if (value is not null)
            {
                text.Append(", \"").Append(key).Append("\": ");
                PyJson.WriteString(text, value);
            }
        }
    }

    private bool AllWellFormed()
    {
        if (!PyJson.IsWellFormed(JobName) || !PyJson.IsWellFormed(MetricsPath)
            || (ScrapeInterval is not null && !PyJson.IsWellFormed(ScrapeInterval))
            || (ScrapeTimeout is not null && !PyJson.IsWellFormed(ScrapeTimeout))
            || (Scheme is not null && !PyJson.IsWellFormed(Scheme)))
        {
            return false;
        }

        foreach (var target in Targets)
        {
            if (!PyJson.IsWellFormed(target))
            {
                return false;
            }
        }

        if (Labels is not null)
        {
            foreach (var (key, value) in Labels)
            {
                if (!PyJson.IsWellFormed(key) || !PyJson.IsWellFormed(value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private JsonObject ToJsonNodes()
    {
        var staticConfig = new JsonObject { ["targets"] = new JsonArray([.. Targets.Select(t => (JsonNode?)t)]) };
        if (Labels is { Count: > 0 })
        {
            var labels = new JsonObject();
            foreach (var (key, value) in Labels)
            {
                labels[key] = value;
            }

            staticConfig["labels"] = labels;
        }

        var job = new JsonObject { ["job_name"] = JobName, ["metrics_path"] = MetricsPath, ["static_configs"] = new JsonArray(staticConfig) };
        if (ScrapeInterval is not null)
        {
            job["scrape_interval"] = ScrapeInterval;
        }

        if (ScrapeTimeout is not null)
        {
            job["scrape_timeout"] = ScrapeTimeout;
        }

        if (Scheme is not null)
        {
            job["scheme"] = Scheme;
        }

        return job;
    }

    /// <summary>Converts to the JSON form.</summary>
    /// <param name="job">The job.</param>
    public static implicit operator JsonObject(ScrapeJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.ToJson();
    }
}

/// <summary>Settings of a <see cref="MetricsEndpointProvider"/>.</summary>
public sealed record MetricsEndpointOptions
{
    /// <summary>The endpoint (interface <c>prometheus_scrape</c>, <c>provides</c>).</summary>
    public string RelationName { get; init; } = "metrics-endpoint";

    /// <summary>The scrape jobs (JSON as the Python library takes them, or <see cref="ScrapeJob"/>s); none = <c>*:80/metrics</c>.</summary>
    public IReadOnlyList<JsonObject> Jobs { get; init; } = [];

    /// <summary>
    /// Computes the scrape jobs when they are published instead of <see cref="Jobs"/>, for jobs that depend on what the
    /// charm reads in a hook (its config: the port), since constructors cannot call hook tools. Called at most once per
    /// dispatch; null = <see cref="Jobs"/>.
    /// </summary>
    public Func<CancellationToken, Task<IReadOnlyList<JsonObject>>>? JobsFactory { get; init; }

    /// <summary>The rules directory, relative to the charm dir; null = <c>src/prometheus_alert_rules</c> (or <c>prometheus_alert_rules</c> in a packed charm).</summary>
    public string? AlertRulesPath { get; init; }

    /// <summary>Forward the charm's rule files and the generic <c>HostHealth</c> group.</summary>
    public bool ForwardAlertRules { get; init; } = true;

    /// <summary>
    /// Containers whose <c>pebble-ready</c> re-publishes everything; null = the only container, or
    /// none when the charm has several (update-status always refreshes the unit address).
    /// </summary>
    public IReadOnlyList<string>? RefreshContainers { get; init; }

    /// <summary>An ingress URL: its host becomes the unit address and its path the metrics path prefix.</summary>
    public Func<string?>? ExternalUrl { get; init; }

    /// <summary>The unit's FQDN (<c>socket.getfqdn()</c>); null = this host's DNS name.</summary>
    public Func<string>? Fqdn { get; init; }

    /// <summary>Label injection for rule expressions (e.g. MlObs.Cos.Rules.PromQl.InjectLabelMatchers); null = none, as the Python library without cos-tool.</summary>
    public Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? ExpressionTransform { get; init; }
}

/// <summary>
/// Makes the charm scrapable by Prometheus over <c>prometheus_scrape</c>. Construct it in the
/// charm's constructor; it observes the events it needs.
/// <code>_metrics = new MetricsEndpointProvider(this, new MetricsEndpointOptions { Jobs = [new ScrapeJob("app") { Targets = ["*:8080"] }] });</code>
/// </summary>
public sealed class MetricsEndpointProvider
{
    private readonly CharmBase _charm;
    private readonly MetricsEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly PublishedDigests _published;
    private readonly RemoteFeedbackStore _feedback;
    private JsonObject[] _jobs;
    private bool _jobsResolved;
    private bool _unitAddressDone;

    /// <summary>Creates the provider and observes its events.</summary>
    /// <param name="charm">The charm.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">The endpoint is not declared, or not a <c>prometheus_scrape</c> provider.</exception>
    public MetricsEndpointProvider(CharmBase charm, MetricsEndpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(charm);
        _charm = charm;
        _options = options ?? new MetricsEndpointOptions();
        _logger = charm.Framework.LoggerFactory.CreateLogger(nameof(MetricsEndpointProvider));
        RequireEndpoint(charm, _options.RelationName, "prometheus_scrape", Ops.Metadata.RelationRole.Provides);
        _jobs = Sanitize(_options.Jobs);
        _published = new PublishedDigests(charm, "metrics-endpoint-" + _options.RelationName);
        _feedback = new RemoteFeedbackStore(charm, "metrics-endpoint-" + _options.RelationName);

        var events = charm.On.Relation(_options.RelationName);
        events.Joined.Observe(OnRelationJoinedAsync);
        events.Changed.Observe(OnRelationChangedAsync);
        events.Broken.Observe(OnRelationBroken, "MetricsEndpointProvider.Forget");
        charm.On.UpgradeCharm.Observe(OnUpgradeCharmAsync, "MetricsEndpointProvider.ReadFeedback");
        var containers = _options.RefreshContainers
            ?? (charm.Meta.Containers.Count == 1 ? [charm.Meta.Containers.Keys.First()] : []);
        foreach (var container in containers)
        {
            charm.On.Workload(container).PebbleReady.Observe(OnRefreshAsync);
        }

        charm.On.UpdateStatus.Observe(OnUpdateStatusAsync);
        charm.On.CollectUnitStatus.Observe(OnCollectUnitStatusAsync);
    }

    /// <summary>The topology published in <c>scrape_metadata</c>.</summary>
    public JujuTopology Topology => JujuTopology.From(_charm.Model);

    /// <summary>
    /// Publishes the application data now, as the Python <c>set_scrape_job_spec</c> does: on the leader,
    /// <c>scrape_metadata</c>, <c>scrape_jobs</c> and <c>alert_rules</c> on every relation (other units do
    /// nothing). Call it when the jobs may have changed (the charm's config); the unit address has its own
    /// events (<see cref="SetUnitAddressAsync"/>). A databag this unit published from the same topology,
    /// jobs and rule files while it stayed leader is neither read nor re-derived (except on leader-elected,
    /// upgrade-charm and relation-created/-joined).
    /// </summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>A task that completes when the data is written.</returns>
    public async Task SetScrapeJobSpecAsync(CancellationToken cancellationToken = default)
    {
        if (!await _charm.Model.Unit.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            _published.Clear();
            return;
        }

        var all = await _charm.Model.GetRelationsAsync(_options.RelationName, cancellationToken).ConfigureAwait(false);
        if (all.Count == 0)
        {
            return;
        }

        // Everything the three values are made of: the topology's strings (not its JSON: building that makes
        // JsonValues from .NET strings and starts the JavaScript encoder, in a hook that publishes nothing), the
        // jobs' text, the options and the rule files (contents included: packed charms carry fixed mtimes).
        var topology = Topology;
        var jobs = PyJson.DumpsArray(await ScrapeJobsAsync(cancellationToken).ConfigureAwait(false));
        var digest = new InputDigest().Add("metrics-endpoint/2")
            .Add(topology.Model).Add(topology.ModelUuid).Add(topology.Application).Add(topology.Unit).Add(topology.CharmName)
            .Add(jobs).Add(_options.ForwardAlertRules ? "rules" : "no rules")
            .AddPath(ComponentSupport.RulesDirectory(_charm.Model, _options.AlertRulesPath, "prometheus_alert_rules"), recursive: true).Hex();
        var relations = new List<Relation>(all.Count);
        foreach (var relation in all)
        {
            if (!_published.IsCurrent(relation, digest))
            {
                relations.Add(relation);
            }
        }

        if (relations.Count == 0)
        {
            return;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["scrape_metadata"] = PyJson.Dumps(topology.ToJson()),
            ["scrape_jobs"] = jobs,
            ["alert_rules"] = PyJson.Dumps(BuildAlertRules(topology).ToJson()),
        };
        foreach (var relation in relations)
        {
            await relation.LocalAppData.GetAsync(cancellationToken).ConfigureAwait(false);
            await relation.LocalAppData.UpdateAsync(values, cancellationToken).ConfigureAwait(false);
            _published.Record(relation, digest);
        }
    }

    /// <summary>Publishes this unit's address, name, FQDN and path on every relation (once per dispatch).</summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>A task that completes when the data is written.</returns>
    public async Task SetUnitAddressAsync(CancellationToken cancellationToken = default)
    {
        if (_unitAddressDone)
        {
            return;
        }

        _unitAddressDone = true;
        var relations = await _charm.Model.GetRelationsAsync(_options.RelationName, cancellationToken).ConfigureAwait(false);
        foreach (var relation in relations)
        {
            string address, path, fqdn;
            var external = _options.ExternalUrl?.Invoke();
            if (!string.IsNullOrEmpty(external))
            {
                if (ParseExternalUrl(external) is { } parsed)
                {
                    (address, path, fqdn) = (parsed.Host, parsed.Path, string.Empty);
                }
                else
                {
                    CosLog.Warning(_logger, $"{_options.RelationName}: external URL '{external}' has no host; publishing the unit address instead");
                    (address, path, fqdn) = await BindAddressAsync(relation, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                (address, path, fqdn) = await BindAddressAsync(relation, cancellationToken).ConfigureAwait(false);
            }

            var bag = relation.LocalUnitData;
            await bag.GetAsync(cancellationToken).ConfigureAwait(false);
            await bag.UpdateAsync(
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["prometheus_scrape_unit_address"] = address,
                    ["prometheus_scrape_unit_path"] = path,
                    ["prometheus_scrape_unit_name"] = _charm.Model.Unit.Name,
                    ["prometheus_scrape_unit_fqdn"] = fqdn,
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The sanitised jobs as published (the default job when none was given).</summary>
    /// <returns>The jobs.</returns>
    public IReadOnlyList<JsonObject> ScrapeJobs() => _jobs.Length > 0 ? _jobs : [PrometheusConfig.DefaultJob()];

    /// <summary>The scrape jobs as published: from <see cref="MetricsEndpointOptions.JobsFactory"/> when there is one.</summary>
    /// <param name="cancellationToken">Cancels the factory.</param>
    /// <returns>The sanitised jobs.</returns>
    public async Task<IReadOnlyList<JsonObject>> ScrapeJobsAsync(CancellationToken cancellationToken = default)
    {
        if (_options.JobsFactory is { } factory && !_jobsResolved)
        {
            _jobs = Sanitize(await factory(cancellationToken).ConfigureAwait(false));
            _jobsResolved = true;
            WarnAboutJobs();
        }
        return ScrapeJobs();
    }

    /// <summary>The alert rules as published (rule files, then the HostHealth group).</summary>
    /// <param name="topology">The topology; null for the unit's own.</param>
    /// <returns>The rule set; its <see cref="AlertRules.Problems"/> lists skipped files.</returns>
    public AlertRules BuildAlertRules(JujuTopology? topology = null)
    {
        topology ??= Topology;
        var rules = new AlertRules(QueryLanguage.PromQl, topology, _options.ExpressionTransform, _logger);
        if (_options.ForwardAlertRules)
        {
            rules.AddPath(ComponentSupport.RulesDirectory(_charm.Model, _options.AlertRulesPath, "prometheus_alert_rules"), recursive: true);
            rules.Add(AlertRules.HostHealthRules(), groupNamePrefix: topology.Identifier);
        }

        return rules;
    }

    // A loop, not LINQ's Select: this runs in every hook (see WarnAboutJobs).
    private static JsonObject[] Sanitize(IReadOnlyList<JsonObject> given)
    {
        var jobs = new JsonObject[given.Count];
        for (var i = 0; i < jobs.Length; i++)
        {
            jobs[i] = PrometheusConfig.SanitizeJob(given[i]);
        }

        return jobs;
    }

    internal static void RequireEndpoint(CharmBase charm, string endpoint, string interfaceName, Ops.Metadata.RelationRole role)
    {
        if (!charm.Meta.Relations.TryGetValue(endpoint, out var relation))
        {
            throw new ArgumentException($"'{endpoint}' is not a relation endpoint of {charm.Meta.Name}; declare it under {role.ToString().ToLowerInvariant()} with interface {interfaceName}.", nameof(endpoint));
        }

        if (relation.Interface != interfaceName || relation.Role != role)
        {
            throw new ArgumentException($"'{endpoint}' of {charm.Meta.Name} must be a {role.ToString().ToLowerInvariant()} endpoint of interface {interfaceName} (it is {relation.Role.ToString().ToLowerInvariant()} {relation.Interface}).", nameof(endpoint));
        }
    }

    // urlparse(url).hostname and .path, with "http://" added when the URL has no scheme (as the library does).
    internal static (string Host, string Path)? ParseExternalUrl(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var tail = end < 0 ? string.Empty : rest[end..];
        var pathEnd = tail.IndexOfAny(['?', '#']);
        var path = pathEnd < 0 ? tail : tail[..pathEnd];
        var host = authority[(authority.LastIndexOf('@') + 1)..];
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? host[1..close] : host[1..];
        }
        else if (host.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            host = host[..colon];
        }

        return host.Length == 0 ? null : (host.ToLowerInvariant(), path);
    }

    private async Task<(string Address, string Path, string Fqdn)> BindAddressAsync(Relation relation, CancellationToken cancellationToken)
    {
        var network = await _charm.Model.GetBindingAsync(_options.RelationName, relation, cancellationToken).ConfigureAwait(false);
        var bind = network.BindAddresses.SelectMany(b => b.Addresses).Select(a => a.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var fqdn = Fqdn();
        return bind is not null && IPAddress.TryParse(bind, out _) ? (bind, string.Empty, fqdn) : (fqdn, string.Empty, fqdn);
    }

    private string Fqdn()
    {
        if (_options.Fqdn is { } fqdn)
        {
            return fqdn();
        }

        try
        {
            return Dns.GetHostEntry(string.Empty).HostName;
        }
        catch (SocketException)
        {
            return Dns.GetHostName();
        }
    }

    private async Task OnRelationJoinedAsync(RelationEvent e, CancellationToken cancellationToken)
    {
        WarnAboutJobs();
        await PublishAllAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task OnRefreshAsync(WorkloadEvent e, CancellationToken cancellationToken) => PublishAllAsync(cancellationToken);

    private async Task PublishAllAsync(CancellationToken cancellationToken)
    {
        await SetUnitAddressAsync(cancellationToken).ConfigureAwait(false);
        await SetScrapeJobSpecAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task OnRelationChangedAsync(RelationEvent e, CancellationToken cancellationToken)
    {
        await SetUnitAddressAsync(cancellationToken).ConfigureAwait(false);
        await ReadFeedbackAsync(e.Relation, cancellationToken).ConfigureAwait(false);
    }

    private void OnRelationBroken(RelationEvent e)
    {
        _published.Forget(e.Relation);
        _feedback.Forget(e.Relation);
    }

    // A unit upgraded from a version that kept no feedback reads it once.
    private async Task OnUpgradeCharmAsync(HookEvent e, CancellationToken cancellationToken)
    {
        foreach (var relation in await _charm.Model.GetRelationsAsync(_options.RelationName, cancellationToken).ConfigureAwait(false))
        {
            await ReadFeedbackAsync(relation, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadFeedbackAsync(Relation relation, CancellationToken cancellationToken)
    {
        var (owner, text) = await RemoteFeedbackStore.ReadEventAsync(relation, cancellationToken).ConfigureAwait(false);
        _feedback.Set(relation, new RemoteFeedback(owner, text, [], []));
    }

    private Task OnUpdateStatusAsync(HookEvent e, CancellationToken cancellationToken) => SetUnitAddressAsync(cancellationToken);

    private void WarnAboutJobs()
    {
        // Loops, not LINQ: this runs in every hook, and Native AOT's type loader built the LINQ iterators' types at run time.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var unnamed = false;
        foreach (var job in _jobs)
        {
            if (!PyJson.TryGetString(job["job_name"], out var name) || name.Length == 0)
            {
                unnamed = true;
            }
            else if (!seen.Add(name) && reported.Add(name))
            {
                CosLog.Warning(_logger, $"{_options.RelationName}: job_name '{name}' is used by several jobs; Prometheus will rename them with hashes");
            }
        }

        if (unnamed)
        {
            CosLog.Warning(_logger, $"{_options.RelationName}: a scrape job has no job_name; Prometheus will name it with a hash that changes with every change of the job (give each job a fixed job_name)");
        }
    }

    private async Task OnCollectUnitStatusAsync(CollectStatusEvent e, CancellationToken cancellationToken)
    {
        if (!await _charm.Model.Unit.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Prometheus' `event`, as read on the last relation-changed (or upgrade-charm).
        foreach (var relation in await _charm.Model.GetRelationsAsync(_options.RelationName, cancellationToken).ConfigureAwait(false))
        {
            var feedback = _feedback.Get(relation);
            var (owner, text) = (feedback?.EventOwner, feedback?.Event);
            var node = ComponentSupport.ParseJson(text, out var error);
            if (error is not null || (node is not null && node is not JsonObject))
            {
                var what = error ?? "not a JSON object";
                CosLog.Warning(_logger, $"{_options.RelationName}: ignoring the 'event' of {owner} in {relation}: {what}");
                e.AddStatus(new BlockedStatus($"{_options.RelationName}: invalid 'event' data from {owner}"));
                continue;
            }

            if (node is not JsonObject ev)
            {
                continue;
            }

            var valid = ev["valid"] is not JsonValue validValue || !validValue.TryGetValue<bool>(out var v) || v;
            var errors = ev["errors"] is JsonValue errorsValue ? (errorsValue.TryGetValue<string>(out var s) ? s : errorsValue.ToJsonString()) : ev["errors"]?.ToJsonString();
            var scrapeErrors = ev["scrape_job_errors"] is JsonValue se ? (se.TryGetValue<string>(out var s2) ? s2 : se.ToJsonString()) : ev["scrape_job_errors"]?.ToJsonString();
            if (!valid || !string.IsNullOrEmpty(errors))
            {
                CosLog.Warning(_logger, $"{_options.RelationName}: {owner} rejected our alert rules: {errors}");
                e.AddStatus(new BlockedStatus($"{_options.RelationName}: alert rules rejected: {ComponentSupport.ForStatus(errors ?? "invalid")}"));
            }

            if (!string.IsNullOrEmpty(scrapeErrors))
            {
                CosLog.Warning(_logger, $"{_options.RelationName}: {owner} rejected our scrape jobs: {scrapeErrors}");
                e.AddStatus(new BlockedStatus($"{_options.RelationName}: scrape jobs rejected: {ComponentSupport.ForStatus(scrapeErrors)}"));
            }
        }
    }
}
