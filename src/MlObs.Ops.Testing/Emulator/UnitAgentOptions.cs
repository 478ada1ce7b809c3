// UnitAgentOptions: who the emulated unit agent is (unit number, Juju version, action id) and the
// clock it reads.
namespace MlObs.Ops.Testing.Emulator;

/// <summary>How a <see cref="UnitAgent"/> identifies itself and reads the clock.</summary>
public sealed record UnitAgentOptions
{
    /// <summary>The unit number: the unit is <c>&lt;application&gt;/&lt;UnitNumber&gt;</c>.</summary>
    public int UnitNumber { get; init; }

    /// <summary>The application's name (<c>juju deploy my-charm myapp</c>); the charm's name when null.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The clock for <c>goal-state</c>'s <c>since</c> and relative secret expiry times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The Juju version the agent emulates (<c>JUJU_VERSION</c>).</summary>
    public string JujuVersion { get; init; } = "3.6.4";

    /// <summary>The action id (<c>JUJU_ACTION_UUID</c>) when the event is an action; <see cref="UnitAgent.DefaultActionId"/> when null.</summary>
    public string? ActionId { get; init; }
}
