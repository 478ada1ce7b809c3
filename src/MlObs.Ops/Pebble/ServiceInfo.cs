// ServiceInfo: a service's state as GET /v1/services reports it.
namespace MlObs.Ops.Pebble;

/// <summary>The current state of a service (<c>current</c> in <c>GET /v1/services</c>).</summary>
public enum ServiceStatus
{
    /// <summary><c>active</c>: running.</summary>
    Active = 1,

    /// <summary><c>inactive</c>: not started, or stopped.</summary>
    Inactive = 2,

    /// <summary><c>error</c>: exited and will not be restarted.</summary>
    Error = 3,

    /// <summary><c>backoff</c>: exited and waiting to be restarted.</summary>
    Backoff = 4,
}

/// <summary>One entry of <c>GET /v1/services</c>.</summary>
/// <param name="Name">The service name.</param>
/// <param name="Startup">Whether replan/autostart start it.</param>
/// <param name="Current">Its current state.</param>
/// <param name="CurrentSince">When it entered that state, or <see langword="null"/> (older Pebble, or never started).</param>
public sealed record ServiceInfo(string Name, StartupMode Startup, ServiceStatus Current, DateTimeOffset? CurrentSince)
{
    /// <summary>Whether the service is running (<see cref="ServiceStatus.Active"/>).</summary>
    public bool IsRunning => Current == ServiceStatus.Active;
}
