// LogForwarder: Pebble log forwarding to Loki (cos-wire §5.4): every container that can connect
// gets the layer `<container>-log-forwarding` with one `loki` log target per Loki unit, labelled
// with the topology; targets of Loki units that went away are disabled as `(removed)`. No replan.
// Pebble log forwarding needs Juju 3.4 or later.
using MlObs.Cos.Rules;
using MlObs.Ops;
using MlObs.Ops.Pebble;

namespace MlObs.Cos.LokiPushApi;

/// <summary>Settings of a <see cref="LogForwarder"/>.</summary>
public sealed record LogForwarderOptions : LokiRequirerOptions;

/// <summary>
/// Forwards the logs of every workload container to the related Loki units through Pebble.
/// Construct it in the charm's constructor: <c>_logs = new LogForwarder(this);</c>
/// </summary>
public sealed class LogForwarder
{
    /// <summary>The first Juju version whose Pebble forwards logs.</summary>
    public static readonly Version MinimumJujuVersion = new(3, 4);

    private readonly CharmBase _charm;
    private readonly LokiRequirer _requirer;

    /// <summary>Creates the forwarder and observes its events.</summary>
    /// <param name="charm">The charm.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">The endpoint is not declared, or not a <c>loki_push_api</c> requirer.</exception>
    public LogForwarder(CharmBase charm, LogForwarderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(charm);
        options ??= new LogForwarderOptions();
        _charm = charm;
        _requirer = new LokiRequirer(charm, options, nameof(LogForwarder));
        var events = charm.On.Relation(options.RelationName);
        events.Joined.Observe(OnRelationEventAsync);
        events.Changed.Observe(OnRelationEventAsync);
        events.Departed.Observe(OnRelationEventAsync);
        events.Broken.Observe(OnRelationEventAsync);
        foreach (var container in charm.Meta.Containers.Keys)
        {
            charm.On.Workload(container).PebbleReady.Observe(OnPebbleReadyAsync);
        }

        charm.On.CollectUnitStatus.Observe(OnCollectUnitStatusAsync);
    }

    /// <summary>The topology the log labels carry.</summary>
    public JujuTopology Topology => _requirer.Topology;

    /// <summary>Whether this Juju's Pebble can forward logs.</summary>
    public bool IsSupported => _charm.Model.Context.JujuVersion >= MinimumJujuVersion;

    /// <summary>The LogQL rules as published.</summary>
    /// <returns>The rule set.</returns>
    public AlertRules BuildAlertRules() => _requirer.BuildAlertRules();

    /// <summary>The active endpoints by Loki unit: those of every relation whose units all have a valid endpoint.</summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>The endpoints.</returns>
    public async Task<IReadOnlyList<LokiEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<LokiEndpoint>();
        foreach (var relation in await _charm.Model.GetRelationsAsync(_requirer.Endpoint, cancellationToken).ConfigureAwait(false))
        {
            var endpoints = await _requirer.ReadEndpointsAsync(relation, cancellationToken).ConfigureAwait(false);
            if (endpoints.Ready)
            {
                result.AddRange(endpoints.Endpoints.Where(e => result.TrueForAll(r => r.Unit != e.Unit)));
            }
            else
            {
                CosLog.Warning(_requirer.Logger, $"{_requirer.Endpoint}: {relation} is not ready yet (a Loki unit has no valid endpoint)");
            }
        }

        return result;
    }

    /// <summary>The layer this forwarder adds to a container whose plan has <paramref name="current"/>.</summary>
    /// <param name="endpoints">The active endpoints.</param>
    /// <param name="current">The container's current plan.</param>
    /// <returns>The layer: targets of gone units disabled, active ones (re)enabled.</returns>
    public Layer BuildLayer(IReadOnlyList<LokiEndpoint> endpoints, Plan current)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(current);
        var topology = Topology;
        var targets = new Dictionary<string, LogTarget>(StringComparer.Ordinal);
        foreach (var (name, target) in current.LogTargets)
        {
            if (!target.Services.Contains("-all") && endpoints.All(e => e.Unit != name))
            {
                targets[name] = new LogTarget { Override = Override.Replace, Type = "loki", Location = "(removed)", Services = ["-all"] };
            }
        }

        foreach (var endpoint in endpoints)
        {
            targets[endpoint.Unit] = new LogTarget
            {
                Override = Override.Replace,
                Type = "loki",
                Location = endpoint.Url,
                Services = ["all"],
                Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["product"] = "Juju",
                    ["charm"] = topology.CharmName,
                    ["juju_model"] = topology.Model,
                    ["juju_model_uuid"] = topology.ModelUuid,
                    ["juju_application"] = topology.Application,
                    ["juju_unit"] = topology.Unit,
                    ["job"] = $"juju_{topology.Identifier}",
                },
            };
        }

        return new Layer { LogTargets = targets };
    }

    /// <summary>Brings the log targets of every connectable container in line with the Loki endpoints.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>True when endpoints were found (and layers added where supported).</returns>
    public async Task<bool> UpdateAsync(CancellationToken cancellationToken = default)
    {
        var endpoints = await GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            CosLog.Warning(_requirer.Logger, $"{_requirer.Endpoint}: no Loki endpoints available");
            return false;
        }

        foreach (var name in _charm.Meta.Containers.Keys)
        {
            await UpdateContainerAsync(_charm.Model.Unit.GetContainer(name), endpoints, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task UpdateContainerAsync(Container container, IReadOnlyList<LokiEndpoint> endpoints, CancellationToken cancellationToken)
    {
        if (!IsSupported)
        {
            CosLog.Warning(_requirer.Logger, $"Juju {_charm.Model.Context.JujuVersion} does not support Pebble log forwarding; Juju >= 3.4 is needed.");
            return;
        }

        if (!await container.CanConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var plan = await container.GetPlanAsync(cancellationToken).ConfigureAwait(false);
        await container.AddLayerAsync($"{container.Name}-log-forwarding", BuildLayer(endpoints, plan), combine: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task OnRelationEventAsync(RelationEvent e, CancellationToken cancellationToken)
    {
        if (await UpdateAsync(cancellationToken).ConfigureAwait(false))
        {
            await _requirer.PublishAsync([e.Relation], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnPebbleReadyAsync(WorkloadEvent e, CancellationToken cancellationToken)
    {
        var endpoints = await GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            CosLog.Warning(_requirer.Logger, $"{_requirer.Endpoint}: no Loki endpoints available");
            return;
        }

        await UpdateContainerAsync(e.Container, endpoints, cancellationToken).ConfigureAwait(false);
    }

    private async Task OnCollectUnitStatusAsync(CollectStatusEvent e, CancellationToken cancellationToken)
    {
        await _requirer.CollectStatusAsync(e, cancellationToken).ConfigureAwait(false);
        if (!IsSupported && (await _charm.Model.GetRelationsAsync(_requirer.Endpoint, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            e.AddStatus(new BlockedStatus($"{_requirer.Endpoint}: log forwarding needs Juju 3.4+"));
        }
    }
}
