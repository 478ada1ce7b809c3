// Change, ChangeTask and TaskProgress: Pebble's record of an asynchronous operation (start,
// stop, replan, exec, ...) and the tasks in it.
using System.Text.Json;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Pebble;

/// <summary>Which changes <see cref="PebbleClient.GetChangesAsync"/> lists (<c>select</c>).</summary>
public enum ChangeSelect
{
    /// <summary><c>in-progress</c>: changes not yet ready (Pebble's default).</summary>
    InProgress = 0,

    /// <summary><c>ready</c>: finished changes.</summary>
    Ready = 1,

    /// <summary><c>all</c>: every change Pebble remembers.</summary>
    All = 2,
}

/// <summary>A Pebble change (<c>GET /v1/changes/{id}</c>).</summary>
/// <param name="Id">The change id.</param>
/// <param name="Kind">The kind, e.g. <c>start</c>, <c>replan</c>, <c>exec</c>, <c>perform-check</c>.</param>
/// <param name="Summary">A human summary, e.g. <c>Start service "drift"</c>.</param>
/// <param name="Status">The status: <c>Hold</c>, <c>Do</c>, <c>Doing</c>, <c>Done</c>, <c>Abort</c>, <c>Undo</c>, <c>Undoing</c>, <c>Error</c> or <c>Wait</c>.</param>
/// <param name="Ready">Whether the change has finished.</param>
/// <param name="Err">The error, when the change failed.</param>
/// <param name="SpawnTime">When the change was created.</param>
/// <param name="ReadyTime">When it finished, if it has.</param>
/// <param name="Tasks">Its tasks, in order.</param>
/// <param name="Data">The change's <c>data</c> (API data), as raw JSON values.</param>
public sealed record Change(
    string Id,
    string Kind,
    string Summary,
    string Status,
    bool Ready,
    string? Err,
    DateTimeOffset SpawnTime,
    DateTimeOffset? ReadyTime,
    IReadOnlyList<ChangeTask> Tasks,
    IReadOnlyDictionary<string, JsonElement> Data)
{
    /// <summary>The exit code an exec change recorded in its first task (<c>tasks[0].data["exit-code"]</c>), or -1 when absent.</summary>
    public int ExitCode =>
        Tasks.Count > 0 && Tasks[0].Data.TryGetValue("exit-code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value)
            ? value
            : -1;

    /// <summary>Compares every field; tasks in order, data by JSON content.</summary>
    /// <param name="other">The change to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same change state.</returns>
    public bool Equals(Change? other) =>
        other is not null
        && Id == other.Id
        && Kind == other.Kind
        && Summary == other.Summary
        && Status == other.Status
        && Ready == other.Ready
        && Err == other.Err
        && SpawnTime == other.SpawnTime
        && ReadyTime == other.ReadyTime
        && Structural.ListEquals(Tasks, other.Tasks)
        && JsonMaps.Equal(Data, other.Data);

    /// <summary>A hash consistent with <see cref="Equals(Change?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Id, Status, Ready, Err, Structural.ListHash(Tasks));
}

/// <summary>A task inside a <see cref="Change"/>.</summary>
/// <param name="Id">The task id (for exec, the id of the websockets).</param>
/// <param name="Kind">The kind, e.g. <c>start</c> or <c>exec</c>.</param>
/// <param name="Summary">A human summary.</param>
/// <param name="Status">The status, as for <see cref="Change.Status"/>.</param>
/// <param name="Log">The task's log lines.</param>
/// <param name="Progress">How far the task has got.</param>
/// <param name="SpawnTime">When the task was created.</param>
/// <param name="ReadyTime">When it finished, if it has.</param>
/// <param name="Data">The task's <c>data</c>, e.g. <c>exit-code</c> for exec.</param>
public sealed record ChangeTask(
    string Id,
    string Kind,
    string Summary,
    string Status,
    IReadOnlyList<string> Log,
    TaskProgress Progress,
    DateTimeOffset SpawnTime,
    DateTimeOffset? ReadyTime,
    IReadOnlyDictionary<string, JsonElement> Data)
{
    /// <summary>Compares every field; the log in order, data by JSON content.</summary>
    /// <param name="other">The task to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same task state.</returns>
    public bool Equals(ChangeTask? other) =>
        other is not null
        && Id == other.Id
        && Kind == other.Kind
        && Summary == other.Summary
        && Status == other.Status
        && Structural.ListEquals(Log, other.Log)
        && Progress == other.Progress
        && SpawnTime == other.SpawnTime
        && ReadyTime == other.ReadyTime
        && JsonMaps.Equal(Data, other.Data);

    /// <summary>A hash consistent with <see cref="Equals(ChangeTask?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Id, Kind, Status, Structural.ListHash(Log), Progress);
}

/// <summary>The progress of a <see cref="ChangeTask"/>.</summary>
/// <param name="Label">What is being counted.</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all.</param>
public sealed record TaskProgress(string Label, int Done, int Total);

/// <summary>Content equality for maps of raw JSON values.</summary>
internal static class JsonMaps
{
    public static bool Equal(IReadOnlyDictionary<string, JsonElement> a, IReadOnlyDictionary<string, JsonElement> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !JsonElement.DeepEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }
}
