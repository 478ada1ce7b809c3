using MlObs.DriftMonitor.Configuration;
using Serilog.Events;

namespace MlObs.DriftMonitor.Http;

/// <summary>How a drift-monitor service is started (the options of <c>mlobs drift serve</c>).</summary>
public sealed record MonitorServerOptions
{
    /// <summary>Where references, window state, logs and reports are kept (the charm mounts Juju storage there).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The TCP port; 0 picks a free one (see <see cref="DriftMonitorServer.Address"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The address to listen on: 0.0.0.0 in a container, 127.0.0.1 on a laptop or in tests.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>
    /// A file holding the bearer token required by every request that changes references or windows, or null for none.
    /// Ingest, reports, <c>/metrics</c> and health stay open.
    /// </summary>
    public string? TokenFile { get; init; }

    /// <summary>The configuration (models, defaults, limits).</summary>
    public MonitorConfig Config { get; init; } = new();

    /// <summary>The lowest level logged.</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Where logs go; null for compact JSON on standard output (what Pebble forwards to Loki).</summary>
    public Serilog.ILogger? Logger { get; init; }

    /// <summary>The clock (tests move it by hand).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often models expire halves and panes and check whether an evaluation is due.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);
}
