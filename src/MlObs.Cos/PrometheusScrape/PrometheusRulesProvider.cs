// PrometheusRulesProvider: rules only over prometheus_scrape (cos-wire §3.6): the leader writes
// `alert_rules` (sorted keys) with no topology: no labels, no placeholder replacement, group names
// prefixed only by the relative directory.
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MlObs.Cos.Rules;
using MlObs.Ops;

namespace MlObs.Cos.PrometheusScrape;

/// <summary>Settings of a <see cref="PrometheusRulesProvider"/>.</summary>
public sealed record PrometheusRulesOptions
{
    /// <summary>The endpoint (interface <c>prometheus_scrape</c>, <c>provides</c>).</summary>
    public string RelationName { get; init; } = "metrics-endpoint";

    /// <summary>The rules directory, relative to the charm dir; null = <c>src/prometheus_alert_rules</c>.</summary>
    public string? RulesPath { get; init; }

    /// <summary>Read subdirectories too.</summary>
    public bool Recursive { get; init; } = true;
}

/// <summary>Forwards rule files to Prometheus without scrape jobs or topology (rules that apply across applications).</summary>
public sealed class PrometheusRulesProvider
{
    private readonly CharmBase _charm;
    private readonly PrometheusRulesOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the provider; it publishes on relation-joined, leader-elected and upgrade-charm.</summary>
    /// <param name="charm">The charm.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public PrometheusRulesProvider(CharmBase charm, PrometheusRulesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(charm);
        _charm = charm;
        _options = options ?? new PrometheusRulesOptions();
        _logger = charm.Framework.LoggerFactory.CreateLogger(nameof(PrometheusRulesProvider));
        MetricsEndpointProvider.RequireEndpoint(charm, _options.RelationName, "prometheus_scrape", Ops.Metadata.RelationRole.Provides);
        charm.On.Relation(_options.RelationName).Joined.Observe(OnRelationJoinedAsync);
        charm.On.LeaderElected.Observe(OnLifecycleAsync);
        charm.On.UpgradeCharm.Observe(OnLifecycleAsync);
    }

    /// <summary>The rules as published.</summary>
    /// <returns>The rule set.</returns>
    public AlertRules BuildRules()
    {
        var rules = new AlertRules(QueryLanguage.PromQl, topology: null, logger: _logger);
        rules.AddPath(ComponentSupport.RulesDirectory(_charm.Model, _options.RulesPath, "prometheus_alert_rules"), _options.Recursive);
        return rules;
    }

    /// <summary>Writes <c>alert_rules</c> to every relation (leader only).</summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>A task that completes when the data is written.</returns>
    public async Task UpdateAsync(CancellationToken cancellationToken = default)
    {
        if (!await _charm.Model.Unit.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var relations = await _charm.Model.GetRelationsAsync(_options.RelationName, cancellationToken).ConfigureAwait(false);
        if (relations.Count == 0)
        {
            return;
        }

        var value = PyJson.Dumps(BuildRules().ToJson(), sortKeys: true);
        foreach (var relation in relations)
        {
            await relation.LocalAppData.GetAsync(cancellationToken).ConfigureAwait(false);
            await relation.LocalAppData.UpdateAsync(new Dictionary<string, string>(StringComparer.Ordinal) { ["alert_rules"] = value }, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task OnRelationJoinedAsync(RelationEvent e, CancellationToken cancellationToken) => UpdateAsync(cancellationToken);

    private Task OnLifecycleAsync(HookEvent e, CancellationToken cancellationToken) => UpdateAsync(cancellationToken);
}
