// One status entry in a goal-state answer.
namespace MlObs.Ops.HookTools;

/// <summary>The goal status of a unit or a related application or unit.</summary>
/// <param name="Status">For example <c>active</c>, <c>dying</c>, <c>joined</c>.</param>
/// <param name="Since">When that status was reached (UTC), or <see langword="null"/> when the tool gave none.</param>
public sealed record GoalStateStatus(string Status, DateTimeOffset? Since);
