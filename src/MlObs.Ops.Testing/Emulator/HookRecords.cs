// The side-effect records of one hook: juju-log lines, status and workload
// version histories, action results/logs/failure, removed secret revisions, requested storage and
// every tool call — what Scenario's Context records (spec §6.1).
using System.Text.Json;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>One <c>juju-log</c> line.</summary>
/// <param name="Level">The level as Juju normalises it: <c>TRACE</c>, <c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c> or <c>CRITICAL</c>.</param>
/// <param name="Message">The message, with the <c>endpoint:id: </c> prefix Juju adds in relation hooks.</param>
public sealed record JujuLogEntry(string Level, string Message);

/// <summary>One hook-tool call and how it ended.</summary>
/// <param name="Tool">The tool name.</param>
/// <param name="Args">The arguments after the tool name.</param>
/// <param name="ExitCode">The exit code the tool returned.</param>
public sealed record ToolCallRecord(string Tool, IReadOnlyList<string> Args, int ExitCode)
{
    /// <summary>Compares the tool, the arguments in order and the exit code.</summary>
    /// <param name="other">The call to compare with.</param>
    /// <returns><see langword="true"/> when both are the same call.</returns>
    public bool Equals(ToolCallRecord? other) =>
        other is not null && Tool == other.Tool && StateEquality.Lists(Args, other.Args) && ExitCode == other.ExitCode;

    /// <summary>A hash consistent with <see cref="Equals(ToolCallRecord?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Tool, StateEquality.ListHash(Args), ExitCode);
}

/// <summary>A secret revision removed with <c>secret-remove --revision</c>.</summary>
/// <param name="SecretId">The secret URI as the charm gave it.</param>
/// <param name="Revision">The revision.</param>
public sealed record RemovedSecretRevision(string SecretId, int Revision);

/// <summary>The side effects of one hook so far, as Scenario's Context records them.</summary>
public sealed record HookRecords
{
    private static readonly IReadOnlyDictionary<string, int> NoStorages = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The <c>juju-log</c> lines, in order.</summary>
    public IReadOnlyList<JujuLogEntry> JujuLog { get; init; } = [];

    /// <summary>The unit status before each <c>status-set</c>, in order (Scenario's <c>unit_status_history</c>).</summary>
    public IReadOnlyList<StatusState> UnitStatusHistory { get; init; } = [];

    /// <summary>The application status before each <c>status-set --application</c>, in order.</summary>
    public IReadOnlyList<StatusState> AppStatusHistory { get; init; } = [];

    /// <summary>The workload version before each <c>application-version-set</c>, in order.</summary>
    public IReadOnlyList<string> WorkloadVersionHistory { get; init; } = [];

    /// <summary>The action results (<c>action-set</c>): dotted keys nested into objects, values strings; null if never called.</summary>
    public JsonElement? ActionResults { get; init; }

    /// <summary>The <c>action-log</c> messages, in order.</summary>
    public IReadOnlyList<string> ActionLogs { get; init; } = [];

    /// <summary>The <c>action-fail</c> message (Juju's default text when none was given); null if the action did not fail.</summary>
    public string? ActionFailure { get; init; }

    /// <summary>The secret revisions removed with <c>secret-remove --revision</c>.</summary>
    public IReadOnlyList<RemovedSecretRevision> RemovedSecretRevisions { get; init; } = [];

    /// <summary>The storage requested with <c>storage-add</c>: storage name → instances.</summary>
    public IReadOnlyDictionary<string, int> RequestedStorages { get; init; } = NoStorages;

    /// <summary>Whether the charm called <c>juju-reboot</c> (outside an action).</summary>
    public bool RebootRequested { get; init; }

    /// <summary>Whether that <c>juju-reboot</c> asked for <c>--now</c>.</summary>
    public bool RebootNow { get; init; }

    /// <summary>Every tool call, in order.</summary>
    public IReadOnlyList<ToolCallRecord> Calls { get; init; } = [];

    /// <summary>Compares every record; lists in order, action results by JSON content.</summary>
    /// <param name="other">The records to compare with.</param>
    /// <returns><see langword="true"/> when both hold the same records.</returns>
    public bool Equals(HookRecords? other) =>
        other is not null
        && StateEquality.Lists(JujuLog, other.JujuLog)
        && StateEquality.Lists(UnitStatusHistory, other.UnitStatusHistory)
        && StateEquality.Lists(AppStatusHistory, other.AppStatusHistory)
        && StateEquality.Lists(WorkloadVersionHistory, other.WorkloadVersionHistory)
        && ActionResults.HasValue == other.ActionResults.HasValue
        && (!ActionResults.HasValue || JsonElement.DeepEquals(ActionResults.Value, other.ActionResults!.Value))
        && StateEquality.Lists(ActionLogs, other.ActionLogs)
        && ActionFailure == other.ActionFailure
        && StateEquality.Lists(RemovedSecretRevisions, other.RemovedSecretRevisions)
        && StateEquality.Maps(RequestedStorages, other.RequestedStorages)
        && RebootRequested == other.RebootRequested
        && RebootNow == other.RebootNow
        && StateEquality.Lists(Calls, other.Calls);

    /// <summary>A hash consistent with <see cref="Equals(HookRecords?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(
            StateEquality.ListHash(JujuLog),
            StateEquality.ListHash(UnitStatusHistory),
            StateEquality.ListHash(AppStatusHistory),
            StateEquality.ListHash(WorkloadVersionHistory),
            ActionFailure,
            StateEquality.ListHash(Calls));
}
