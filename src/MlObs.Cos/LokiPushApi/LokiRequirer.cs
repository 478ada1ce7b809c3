// LokiRequirer: what LokiPushApiConsumer and LogForwarder share (loki_push_api's ConsumerBase,
// cos-wire §5.1-5.2): the leader's `metadata` and `alert_rules`, the Loki units' `endpoint`s read
// defensively, and the statuses that report what a Loki unit or Loki itself got wrong (read on the
// relation events that can change them and kept in stored state, so collect-status reads no databag).
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MlObs.Cos.Rules;
using MlObs.Ops;

namespace MlObs.Cos.LokiPushApi;

/// <summary>Settings shared by <see cref="LokiPushApiConsumer"/> and <see cref="LogForwarder"/>.</summary>
public abstract record LokiRequirerOptions
{
    /// <summary>The endpoint (interface <c>loki_push_api</c>, <c>requires</c>).</summary>
    public string RelationName { get; init; } = "logging";

    /// <summary>The rules directory, relative to the charm dir; null = <c>src/loki_alert_rules</c> (or <c>loki_alert_rules</c> in a packed charm).</summary>
    public string? AlertRulesPath { get; init; }

    /// <summary>Read rule files in subdirectories too.</summary>
    public bool Recursive { get; init; } = true;

    /// <summary>Publish the rules without topology labels and placeholder replacement.</summary>
    public bool SkipAlertTopologyLabeling { get; init; }

    /// <summary>Forward the charm's rule files at all (<c>{}</c> otherwise).</summary>
    public bool ForwardAlertRules { get; init; } = true;

    /// <summary>Labels set on every rule (<c>extra_alert_labels</c>).</summary>
    public IReadOnlyDictionary<string, string>? ExtraAlertLabels { get; init; }

    /// <summary>Label injection for rule expressions (e.g. MlObs.Cos.Rules.LogQl.InjectLabelMatchers); null = none, as the Python library without cos-tool.</summary>
    public Func<string, IReadOnlyList<KeyValuePair<string, string>>, string>? ExpressionTransform { get; init; }
}

/// <summary>One Loki unit's push endpoint.</summary>
/// <param name="Unit">The Loki unit, e.g. <c>loki/0</c>.</param>
/// <param name="Url">Its push URL, e.g. <c>http://loki-0…:3100/loki/api/v1/push</c>.</param>
public sealed record LokiEndpoint(string Unit, string Url);

internal sealed class LokiRequirer
{
    private readonly CharmBase _charm;
    private readonly LokiRequirerOptions _options;
    private readonly Dictionary<int, RelationEndpoints> _cache = [];
    private readonly RemoteFeedbackStore _feedback;

    public LokiRequirer(CharmBase charm, LokiRequirerOptions options, string component)
    {
        _charm = charm;
        _options = options;
        Logger = charm.Framework.LoggerFactory.CreateLogger(component);
        PrometheusScrape.MetricsEndpointProvider.RequireEndpoint(charm, options.RelationName, "loki_push_api", Ops.Metadata.RelationRole.Requires);
        _feedback = new RemoteFeedbackStore(charm, "loki-push-api-" + options.RelationName);
        var events = charm.On.Relation(options.RelationName);
        events.Joined.Observe(OnRelationEventAsync, "LokiRequirer.RememberFeedback");
        events.Changed.Observe(OnRelationEventAsync, "LokiRequirer.RememberFeedback");
        events.Departed.Observe(OnRelationEventAsync, "LokiRequirer.RememberFeedback");
        events.Broken.Observe(e => _feedback.Forget(e.Relation), "LokiRequirer.ForgetFeedback");
        charm.On.UpgradeCharm.Observe(OnUpgradeCharmAsync, "LokiRequirer.RememberFeedback");
    }

    public ILogger Logger { get; }

    public string Endpoint => _options.RelationName;

    public JujuTopology Topology => JujuTopology.From(_charm.Model);

    public AlertRules BuildAlertRules()
    {
        var rules = _options.SkipAlertTopologyLabeling
            ? new AlertRules(QueryLanguage.LogQl, null, null, Logger)
            : new AlertRules(QueryLanguage.LogQl, Topology, _options.ExpressionTransform, Logger);
        if (_options.ForwardAlertRules)
        {
            rules.AddPath(ComponentSupport.RulesDirectory(_charm.Model, _options.AlertRulesPath, "loki_alert_rules"), _options.Recursive);
        }

        return rules;
    }

    /// <summary>The leader writes <c>metadata</c> and <c>alert_rules</c> to the relations given.</summary>
    public async Task PublishAsync(IEnumerable<Relation> relations, CancellationToken cancellationToken)
    {
        var list = relations.Where(r => r.Active).ToList();
        if (list.Count == 0 || !await _charm.Model.Unit.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata"] = PyJson.Dumps(Topology.ToJson()),
            ["alert_rules"] = PyJson.Dumps(BuildAlertRules().ToJson(_options.ExtraAlertLabels), sortKeys: true),
        };
        foreach (var relation in list)
        {
            await relation.LocalAppData.GetAsync(cancellationToken).ConfigureAwait(false);
            await relation.LocalAppData.UpdateAsync(values, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Each remote unit's endpoint, and what is wrong with the others (read once per relation per dispatch).</summary>
    public async Task<RelationEndpoints> ReadEndpointsAsync(Relation relation, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(relation.Id, out var cached))
        {
            return cached;
        }

        var endpoints = new List<LokiEndpoint>();
        var missing = new List<string>();
        var invalid = new List<string>();
        foreach (var unit in await relation.GetUnitsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (unit.App.Name == _charm.Model.App.Name || (_charm.Model.Context.DepartingUnit == unit.Name && _charm.Model.Context.RelationId == relation.Id))
            {
                continue;
            }

            var text = await relation.Data(unit).GetAsync("endpoint", cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(text))
            {
                missing.Add(unit.Name);
                continue;
            }

            var node = ComponentSupport.ParseJson(text, out var error);
            var url = ComponentSupport.StringOf(node, "url");
            if (error is not null || string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                var what = error ?? (url is null ? "no \"url\" string" : $"\"{ComponentSupport.ForStatus(url)}\" is not an http(s) URL");
                CosLog.Warning(Logger, $"{Endpoint}: ignoring the endpoint of {unit.Name} in {relation}: {what}");
                invalid.Add(unit.Name);
                continue;
            }

            endpoints.Add(new LokiEndpoint(unit.Name, url));
        }

        var result = new RelationEndpoints(endpoints, missing, invalid);
        _cache[relation.Id] = result;
        return result;
    }

    /// <summary>
    /// Statuses for bad Loki units and for the errors Loki reported in its <c>event</c>, as read on the last
    /// relation-joined, -changed or -departed (or upgrade-charm) of each relation; a relation is forgotten on its
    /// relation-broken, so no relation-ids call is needed.
    /// </summary>
    public async Task CollectStatusAsync(CollectStatusEvent e, CancellationToken cancellationToken)
    {
        var leader = await _charm.Model.Unit.IsLeaderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (id, feedback) in _feedback.All)
        {
            var relation = $"{Endpoint}:{id}";
            if (feedback.Invalid.Count > 0)
            {
                e.AddStatus(new BlockedStatus($"{Endpoint}: invalid endpoint from {string.Join(", ", feedback.Invalid)}"));
            }

            if (feedback.Missing.Count > 0)
            {
                e.AddStatus(new WaitingStatus($"{Endpoint}: no endpoint yet from {string.Join(", ", feedback.Missing)}"));
            }

            if (!leader)
            {
                continue;
            }

            var (owner, text) = (feedback.EventOwner, feedback.Event);
            var node = ComponentSupport.ParseJson(text, out var error);
            if (error is not null || (node is not null && node is not JsonObject))
            {
                CosLog.Warning(Logger, $"{Endpoint}: ignoring the 'event' of {owner} in {relation}: {error ?? "not a JSON object"}");
                e.AddStatus(new BlockedStatus($"{Endpoint}: invalid 'event' data from {owner}"));
            }
            else if (node is JsonObject ev)
            {
                var valid = ev["valid"] is not JsonValue validValue || !validValue.TryGetValue<bool>(out var v) || v;
                var errors = ev["errors"] is JsonValue ej ? (ej.TryGetValue<string>(out var s) ? s : ej.ToJsonString()) : ev["errors"]?.ToJsonString();
                if (!valid || !string.IsNullOrEmpty(errors))
                {
                    CosLog.Warning(Logger, $"{Endpoint}: {owner} rejected our alert rules: {errors}");
                    e.AddStatus(new BlockedStatus($"{Endpoint}: alert rules rejected: {ComponentSupport.ForStatus(errors ?? "invalid")}"));
                }
            }
        }
    }

    private async Task OnRelationEventAsync(RelationEvent e, CancellationToken cancellationToken) => await RememberAsync(e.Relation, cancellationToken).ConfigureAwait(false);

    // A unit upgraded from a version that kept no feedback reads it once.
    private async Task OnUpgradeCharmAsync(HookEvent e, CancellationToken cancellationToken)
    {
        foreach (var relation in await _charm.Model.GetRelationsAsync(Endpoint, cancellationToken).ConfigureAwait(false))
        {
            await RememberAsync(relation, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RememberAsync(Relation relation, CancellationToken cancellationToken)
    {
        var endpoints = await ReadEndpointsAsync(relation, cancellationToken).ConfigureAwait(false);
        var (owner, text) = await RemoteFeedbackStore.ReadEventAsync(relation, cancellationToken).ConfigureAwait(false);
        _feedback.Set(relation, new RemoteFeedback(owner, text, [.. endpoints.Missing], [.. endpoints.Invalid]));
    }
}

internal sealed record RelationEndpoints(IReadOnlyList<LokiEndpoint> Endpoints, IReadOnlyList<string> Missing, IReadOnlyList<string> Invalid)
{
    /// <summary>LogForwarder's <c>is_ready</c>: every unit has a usable endpoint (and there is one).</summary>
    public bool Ready => Endpoints.Count > 0 && Missing.Count == 0 && Invalid.Count == 0;
}
