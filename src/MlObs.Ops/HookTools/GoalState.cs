// The goal-state answer.
namespace MlObs.Ops.HookTools;

/// <summary>What Juju is working towards for this application, from <c>goal-state</c>.</summary>
/// <param name="Units">Units of this application by name (for example <c>app/0</c>).</param>
/// <param name="Relations">By endpoint, the related applications and units and their status.</param>
public sealed record GoalState(
    IReadOnlyDictionary<string, GoalStateStatus> Units,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, GoalStateStatus>> Relations);
