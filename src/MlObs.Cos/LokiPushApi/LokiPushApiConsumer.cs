// LokiPushApiConsumer: the requirer side of loki_push_api for workloads that push logs themselves
// (cos-wire §5.1-5.2): it reads every Loki unit's push URL and, on the leader, publishes `metadata`
// and `alert_rules` on relation-joined, config-changed and upgrade-charm.
using MlObs.Cos.Rules;
using MlObs.Ops;

namespace MlObs.Cos.LokiPushApi;

/// <summary>Settings of a <see cref="LokiPushApiConsumer"/>.</summary>
public sealed record LokiPushApiConsumerOptions : LokiRequirerOptions
{
    /// <summary>Containers whose <c>pebble-ready</c> also re-publishes the rules; none by default.</summary>
    public IReadOnlyList<string> RefreshContainers { get; init; } = [];
}

/// <summary>
/// Gives the charm the Loki push endpoints of its <c>logging</c> relations and forwards its LogQL
/// alert rules. Construct it in the charm's constructor:
/// <code>_loki = new LokiPushApiConsumer(this);  // then: await _loki.GetEndpointsAsync(ct)</code>
/// </summary>
public sealed class LokiPushApiConsumer
{
    private readonly CharmBase _charm;
    private readonly LokiRequirer _requirer;

    /// <summary>Creates the consumer and observes its events.</summary>
    /// <param name="charm">The charm.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">The endpoint is not declared, or not a <c>loki_push_api</c> requirer.</exception>
    public LokiPushApiConsumer(CharmBase charm, LokiPushApiConsumerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(charm);
        options ??= new LokiPushApiConsumerOptions();
        _charm = charm;
        _requirer = new LokiRequirer(charm, options, nameof(LokiPushApiConsumer));
        var events = charm.On.Relation(options.RelationName);
        events.Joined.Observe(OnRelationJoinedAsync);
        charm.On.ConfigChanged.Observe(OnLifecycleAsync);
        charm.On.UpgradeCharm.Observe(OnLifecycleAsync);
        foreach (var container in options.RefreshContainers)
        {
            charm.On.Workload(container).PebbleReady.Observe(OnRefreshAsync);
        }

        charm.On.CollectUnitStatus.Observe(_requirer.CollectStatusAsync);
    }

    /// <summary>The topology published in <c>metadata</c>.</summary>
    public JujuTopology Topology => _requirer.Topology;

    /// <summary>The push endpoints of all Loki units, de-duplicated by URL; units with a missing or invalid endpoint are left out (and reported in the status).</summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>The endpoints.</returns>
    public async Task<IReadOnlyList<LokiEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<LokiEndpoint>();
        foreach (var relation in await _charm.Model.GetRelationsAsync(_requirer.Endpoint, cancellationToken).ConfigureAwait(false))
        {
            var endpoints = await _requirer.ReadEndpointsAsync(relation, cancellationToken).ConfigureAwait(false);
            result.AddRange(endpoints.Endpoints.Where(e => seen.Add(e.Url)));
        }

        return result;
    }

    /// <summary>The LogQL rules as published.</summary>
    /// <returns>The rule set.</returns>
    public AlertRules BuildAlertRules() => _requirer.BuildAlertRules();

    /// <summary>Re-publishes <c>metadata</c> and <c>alert_rules</c> on every relation (leader only).</summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>A task that completes when the data is written.</returns>
    public async Task ReloadAlertRulesAsync(CancellationToken cancellationToken = default) =>
        await _requirer.PublishAsync(await _charm.Model.GetRelationsAsync(_requirer.Endpoint, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private Task OnRelationJoinedAsync(RelationEvent e, CancellationToken cancellationToken) => _requirer.PublishAsync([e.Relation], cancellationToken);

    private Task OnLifecycleAsync(HookEvent e, CancellationToken cancellationToken) => ReloadAlertRulesAsync(cancellationToken);

    private Task OnRefreshAsync(WorkloadEvent e, CancellationToken cancellationToken) => ReloadAlertRulesAsync(cancellationToken);
}
