// The small closed vocabularies of Pebble's layer specification: override, startup, service
// actions and check levels, with their YAML spellings.
namespace MlObs.Ops.Pebble;

/// <summary>How a layer entry combines with the entry of the same name in the layers below it (<c>override</c>).</summary>
/// <remarks>Every entry of a layer must say which; the zero value means "not set", an error when layers combine.</remarks>
public enum Override
{
    /// <summary><c>merge</c>: the entry's set fields overlay the existing entry; lists append, maps merge per key.</summary>
    Merge = 1,

    /// <summary><c>replace</c>: the entry replaces the existing entry as a whole.</summary>
    Replace = 2,
}

/// <summary>Whether a service or check starts automatically (<c>startup</c>).</summary>
public enum StartupMode
{
    /// <summary><c>enabled</c>: started by <c>replan</c>/<c>autostart</c> (the default for checks).</summary>
    Enabled = 1,

    /// <summary><c>disabled</c>: started only when asked for by name (the default for services).</summary>
    Disabled = 2,
}

/// <summary>What Pebble does when a service exits or one of its checks fails (<c>on-success</c>, <c>on-failure</c>, <c>on-check-failure</c>).</summary>
public enum ServiceAction
{
    /// <summary><c>restart</c>: restart the service, with backoff (the default).</summary>
    Restart = 1,

    /// <summary><c>shutdown</c>: shut Pebble down, with the exit code of the event.</summary>
    Shutdown = 2,

    /// <summary><c>ignore</c>: leave the service stopped.</summary>
    Ignore = 3,

    /// <summary><c>failure-shutdown</c>: shut Pebble down with a failure exit code (only for <c>on-success</c>).</summary>
    FailureShutdown = 4,

    /// <summary><c>success-shutdown</c>: shut Pebble down with a success exit code (for <c>on-failure</c> and <c>on-check-failure</c>).</summary>
    SuccessShutdown = 5,
}

/// <summary>The level of a health check (<c>level</c>).</summary>
public enum CheckLevel
{
    /// <summary><c>alive</c>: the check counts for <c>/v1/health?level=alive</c> and <c>ready</c>.</summary>
    Alive = 1,

    /// <summary><c>ready</c>: the check counts for <c>/v1/health?level=ready</c> only.</summary>
    Ready = 2,
}

/// <summary>The YAML (and JSON) spellings of the layer enums.</summary>
internal static class LayerNames
{
    public static string Of(Override value) => value switch
    {
        Override.Merge => "merge",
        Override.Replace => "replace",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "override is not set"),
    };

    public static string Of(StartupMode value) => value switch
    {
        StartupMode.Enabled => "enabled",
        StartupMode.Disabled => "disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not a startup mode"),
    };

    public static string Of(ServiceAction value) => value switch
    {
        ServiceAction.Restart => "restart",
        ServiceAction.Shutdown => "shutdown",
        ServiceAction.Ignore => "ignore",
        ServiceAction.FailureShutdown => "failure-shutdown",
        ServiceAction.SuccessShutdown => "success-shutdown",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not a service action"),
    };

    public static string Of(CheckLevel value) => value switch
    {
        CheckLevel.Alive => "alive",
        CheckLevel.Ready => "ready",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not a check level"),
    };

    public static Override? ParseOverride(string text) => text switch
    {
        "merge" => Override.Merge,
        "replace" => Override.Replace,
        _ => null,
    };

    public static StartupMode? ParseStartup(string text) => text switch
    {
        "enabled" => StartupMode.Enabled,
        "disabled" => StartupMode.Disabled,
        _ => null,
    };

    public static ServiceAction? ParseAction(string text) => text switch
    {
        "restart" => ServiceAction.Restart,
        "shutdown" => ServiceAction.Shutdown,
        "ignore" => ServiceAction.Ignore,
        "failure-shutdown" => ServiceAction.FailureShutdown,
        "success-shutdown" => ServiceAction.SuccessShutdown,
        _ => null,
    };

    public static CheckLevel? ParseLevel(string text) => text switch
    {
        "alive" => CheckLevel.Alive,
        "ready" => CheckLevel.Ready,
        _ => null,
    };
}
