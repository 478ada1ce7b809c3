// SampleK8sCharm: one reconcile for the lifecycle, a relation handler, an action, a custom event and collect-unit-status.
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using MlObs.Ops;
using MlObs.Ops.Pebble;

namespace SampleCharm;

/// <summary>The sample charm (public so that the in-process harness tests can run it).</summary>
public sealed class SampleK8sCharm : CharmBase
{
    private readonly StoredState<SampleState> _state;

    public SampleK8sCharm(Framework framework)
        : base(framework)
    {
        _state = framework.GetStoredState("sample", SampleJsonContext.Default.SampleState, () => new SampleState(null, 0));

        On.Install.Observe(OnInstall);
        On.ConfigChanged.Observe(ReconcileAsync);
        On.UpgradeCharm.Observe(ReconcileAsync);
        On.Relation("db").Joined.Observe(ReconcileAsync);
        On.Relation("db").Changed.Observe(OnDbChangedAsync);
        On.Relation("db").Broken.Observe(OnDbBroken);
        On.Workload("workload").PebbleReady.Observe(OnWorkloadReadyAsync);
        On.Action("greet").Observe(OnGreetAsync);
        On.Custom("heartbeat").Observe(OnHeartbeat);
        On.CollectUnitStatus.Observe(OnCollectUnitStatusAsync);
    }

    private void OnInstall(HookEvent e) => Log.Installing(Logger);

    private async Task ReconcileAsync(HookEvent e, CancellationToken ct)
    {
        var config = await Model.GetConfigAsync(ct);
        var port = config.GetInt("port") ?? 8080;
        Log.Reconciling(Logger, e.Name, port);
        if (port is < 1 or > 65535)
        {
            return; // collect-status tells the operator; nothing to publish until the port is valid.
        }

        var db = await Model.GetRelationAsync("db", cancellationToken: ct);
        if (db is not null && await Model.Unit.IsLeaderAsync(ct))
        {
            await db.LocalAppData.SetAsync("port", port.ToString(CultureInfo.InvariantCulture), ct);
        }
    }

    // The workload's Pebble is up: give it the service layer (a replan starts it).
    private async Task OnWorkloadReadyAsync(WorkloadEvent e, CancellationToken ct)
    {
        var config = await Model.GetConfigAsync(ct);
        var port = config.GetInt("port") ?? 8080;
        var layer = new Layer
        {
            Summary = "sample workload",
            Services = new Dictionary<string, Service>
            {
                ["sample"] = new()
                {
                    Override = Override.Replace,
                    Command = string.Create(CultureInfo.InvariantCulture, $"/bin/sample-server --port {port}"),
                    Startup = StartupMode.Enabled,
                    Environment = new Dictionary<string, string> { ["LOG_LEVEL"] = config.GetString("log-level") ?? "info" },
                },
            },
        };
        if (await e.Container.EnsureLayerAsync("sample", layer, ct))
        {
            Log.LayerApplied(Logger, port);
        }
    }

    private async Task OnDbChangedAsync(RelationEvent e, CancellationToken ct)
    {
        var remote = await e.Relation.GetRemoteAppDataAsync(ct);
        var endpoint = remote is null ? null : await remote.GetAsync("endpoint", ct);
        if (endpoint is null)
        {
            Log.NoEndpointYet(Logger);
            return;
        }

        _state.Value = _state.Value with { DbEndpoint = endpoint };
        Log.DatabaseEndpoint(Logger, endpoint);
    }

    private void OnDbBroken(RelationEvent e) => _state.Value = _state.Value with { DbEndpoint = null };

    private async Task OnGreetAsync(ActionEvent e, CancellationToken ct)
    {
        var parameters = await e.BindParamsAsync(SampleJsonContext.Default.GreetParams, ct);
        if (parameters.Fail)
        {
            await e.FailAsync($"asked to fail greeting {parameters.Name}", ct);
            return;
        }

        await e.LogAsync("greeting", ct);
        await e.SetResultsAsync(new Dictionary<string, object?> { ["greeting"] = $"Hello, {parameters.Name}!" }, ct);
    }

    private void OnHeartbeat(CustomEvent e)
    {
        _state.Value = _state.Value with { Heartbeats = _state.Value.Heartbeats + 1 };
        Log.Heartbeat(Logger, _state.Value.Heartbeats);
    }

    private async Task OnCollectUnitStatusAsync(CollectStatusEvent e, CancellationToken ct)
    {
        var config = await Model.GetConfigAsync(ct);
        var port = config.GetInt("port") ?? 8080;
        if (port is < 1 or > 65535)
        {
            e.AddStatus(new BlockedStatus($"port {port} is out of range; set port to 1-65535"));
        }

        e.AddStatus(_state.Value.DbEndpoint is { } db ? new ActiveStatus($"serving on {port}, database {db}") : new ActiveStatus($"serving on {port}"));
    }
}

/// <summary>What the charm remembers between dispatches.</summary>
internal sealed record SampleState(string? DbEndpoint, int Heartbeats);

/// <summary>The greet action's parameters.</summary>
internal sealed record GreetParams(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("fail")] bool Fail);

[JsonSerializable(typeof(SampleState))]
[JsonSerializable(typeof(GreetParams))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;

/// <summary>The charm's log messages (source-generated; each goes to juju-log).</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Installing sample charm")]
    public static partial void Installing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciling for {EventName} with port {Port}")]
    public static partial void Reconciling(ILogger logger, string eventName, long port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database has not published an endpoint yet; waiting")]
    public static partial void NoEndpointYet(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database endpoint is {Endpoint}")]
    public static partial void DatabaseEndpoint(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload layer applied; serving on port {Port}")]
    public static partial void LayerApplied(ILogger logger, long port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat {Count}")]
    public static partial void Heartbeat(ILogger logger, int count);
}
