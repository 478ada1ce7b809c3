// The status of a unit or application as status-get reports it.
namespace MlObs.Ops.HookTools;

/// <summary>A workload status read back with <c>status-get</c>.</summary>
/// <param name="Status">The status name: <c>active</c>, <c>blocked</c>, <c>maintenance</c>, <c>waiting</c>, <c>error</c> or <c>unknown</c>.</param>
/// <param name="Message">The status message, empty when none was set.</param>
public sealed record StatusInfo(string Status, string Message);
