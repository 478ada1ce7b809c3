// CheckInfo: a health check's state as GET /v1/checks reports it.
namespace MlObs.Ops.Pebble;

/// <summary>The state of a health check (<c>status</c> in <c>GET /v1/checks</c>).</summary>
public enum CheckStatus
{
    /// <summary><c>up</c>: passing (fewer failures in a row than the threshold).</summary>
    Up = 1,

    /// <summary><c>down</c>: failed <c>threshold</c> times in a row.</summary>
    Down = 2,

    /// <summary><c>inactive</c>: stopped, or <c>startup: disabled</c> and not started.</summary>
    Inactive = 3,
}

/// <summary>One entry of <c>GET /v1/checks</c>.</summary>
/// <param name="Name">The check name.</param>
/// <param name="Level">Its level, or <see langword="null"/> when unset.</param>
/// <param name="Startup">Whether it runs from the start.</param>
/// <param name="Status">Its current state.</param>
/// <param name="Successes">Successful runs so far (newer Pebble; 0 otherwise).</param>
/// <param name="Failures">Failures in a row.</param>
/// <param name="Threshold">Failures in a row that make it down.</param>
/// <param name="ChangeId">The id of the change running the check, if any.</param>
/// <param name="PrevChangeId">The id of the previous such change, if any.</param>
public sealed record CheckInfo(
    string Name,
    CheckLevel? Level,
    StartupMode Startup,
    CheckStatus Status,
    int Successes,
    int Failures,
    int Threshold,
    string? ChangeId,
    string? PrevChangeId);
