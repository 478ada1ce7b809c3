// ChangeStore: Pebble's changes and tasks (internals/overlord/state): ids, statuses, the change
// status computed from its tasks, ready times, task logs, change-update notices, and waiting for
// a change to be ready. Callers hold the fake's state lock.
using System.Text.Json.Nodes;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>Pebble's task and change statuses (<c>state.Status</c>).</summary>
internal enum PebbleStatus
{
    Default = 0,
    Hold = 1,
    Do = 2,
    Doing = 3,
    Done = 4,
    Abort = 5,
    Undo = 6,
    Undoing = 7,
    Undone = 8,
    Error = 9,
    Wait = 10,
}

internal static class PebbleStatuses
{
    /// <summary>A change's status is the first of these that one of its tasks has.</summary>
    private static readonly PebbleStatus[] Order =
    [
        PebbleStatus.Abort, PebbleStatus.Undoing, PebbleStatus.Undo, PebbleStatus.Doing, PebbleStatus.Do,
        PebbleStatus.Wait, PebbleStatus.Error, PebbleStatus.Undone, PebbleStatus.Done, PebbleStatus.Hold,
    ];

    public static bool IsReady(this PebbleStatus status) =>
        status is PebbleStatus.Done or PebbleStatus.Undone or PebbleStatus.Hold or PebbleStatus.Error;

    public static string Name(this PebbleStatus status) => status.ToString();

    public static PebbleStatus Aggregate(IEnumerable<PebbleStatus> statuses)
    {
        var present = statuses.ToHashSet();
        foreach (var status in Order)
        {
            if (present.Contains(status))
            {
                return status;
            }
        }

        return PebbleStatus.Hold;
    }
}

/// <summary>One task of a change.</summary>
internal sealed class PebbleTask
{
    private readonly List<string> _log = [];

    public PebbleTask(string id, string kind, string summary, DateTimeOffset spawnTime)
    {
        Id = id;
        Kind = kind;
        Summary = summary;
        SpawnTime = spawnTime;
    }

    public string Id { get; }

    public string Kind { get; }

    public string Summary { get; }

    public DateTimeOffset SpawnTime { get; }

    public DateTimeOffset? ReadyTime { get; set; }

    public PebbleStatus Status { get; set; } = PebbleStatus.Do;

    public PebbleChange? Change { get; set; }

    /// <summary>The task's <c>api-data</c> (exec puts <c>exit-code</c> here).</summary>
    public JsonObject? Data { get; set; }

    /// <summary>The service a start/stop task acts on, or the check a check task runs.</summary>
    public string? Subject { get; init; }

    /// <summary>Tasks of a lane stop at the first error: the rest are put on hold.</summary>
    public int Lane { get; init; }

    public IReadOnlyList<string> Log => _log;

    /// <summary>Adds a log line as Pebble's <c>Task.Logf</c>/<c>Errorf</c> does: RFC 3339 time, kind, text; ten at most.</summary>
    public void AddLog(DateTimeOffset now, string kind, string message)
    {
        if (_log.Count > 9)
        {
            _log.RemoveRange(0, _log.Count - 9);
        }

        _log.Add($"{PebbleJson.WholeSeconds(now)} {kind} {message}");
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["kind"] = Kind,
            ["summary"] = Summary,
            ["status"] = Status.Name(),
        };
        if (_log.Count > 0)
        {
            json["log"] = PebbleJson.Strings(_log);
        }

        var done = Status == PebbleStatus.Do ? 0 : 1;
        json["progress"] = new JsonObject { ["label"] = "", ["done"] = done, ["total"] = 1 };
        json["spawn-time"] = PebbleJson.Time(SpawnTime);
        if (ReadyTime is { } ready)
        {
            json["ready-time"] = PebbleJson.Time(ready);
        }

        if (Data is not null)
        {
            json["data"] = Data.DeepClone();
        }

        return json;
    }
}

/// <summary>One change: a kind, a summary and its tasks.</summary>
internal sealed class PebbleChange
{
    private readonly List<PebbleTask> _tasks = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PebbleChange(string id, string kind, string summary, DateTimeOffset spawnTime)
    {
        Id = id;
        Kind = kind;
        Summary = summary;
        SpawnTime = spawnTime;
    }

    public string Id { get; }

    public string Kind { get; }

    public string Summary { get; }

    public DateTimeOffset SpawnTime { get; }

    public DateTimeOffset? ReadyTime { get; private set; }

    /// <summary>A status set on the change itself (a change without tasks); <see cref="PebbleStatus.Default"/> computes it from the tasks.</summary>
    public PebbleStatus ExplicitStatus { get; set; }

    /// <summary>Services the change acts on (<c>service-names</c>, used by <c>GET /v1/changes?for=</c>).</summary>
    public IReadOnlyList<string> ServiceNames { get; set; } = [];

    /// <summary>Extra data of its change-update notices (<c>check-name</c> for check changes).</summary>
    public IReadOnlyDictionary<string, string>? NoticeData { get; init; }

    /// <summary>The status its last change-update notice recorded.</summary>
    public PebbleStatus NoticedStatus { get; set; } = PebbleStatus.Default;

    public IReadOnlyList<PebbleTask> Tasks => _tasks;

    /// <summary>Completes when the change is ready; never faults.</summary>
    public Task Ready => _ready.Task;

    public PebbleStatus Status
    {
        get
        {
            if (ExplicitStatus != PebbleStatus.Default)
            {
                return ExplicitStatus;
            }

            return _tasks.Count == 0 ? PebbleStatus.Hold : PebbleStatuses.Aggregate(_tasks.Select(t => t.Status));
        }
    }

    public void AddTask(PebbleTask task)
    {
        task.Change = this;
        _tasks.Add(task);
    }

    /// <summary>Pebble's <c>Change.Err</c>: the ERROR lines of its failed tasks.</summary>
    public string? Err
    {
        get
        {
            if (Status != PebbleStatus.Error)
            {
                return null;
            }

            var lines = new List<string>();
            foreach (var task in _tasks.Where(t => t.Status == PebbleStatus.Error))
            {
                foreach (var entry in task.Log)
                {
                    var space = entry.IndexOf(' ', StringComparison.Ordinal);
                    if (space >= 0 && entry.AsSpan(space).StartsWith(" ERROR ", StringComparison.Ordinal))
                    {
                        lines.Add($"- {task.Summary} ({entry[(space + " ERROR ".Length)..]})");
                    }
                }
            }

            return lines.Count == 0
                ? $"internal inconsistency: change {PebbleJson.Quote(Kind)} in ErrorStatus with no task errors logged"
                : "cannot perform the following tasks:\n" + string.Join('\n', lines);
        }
    }

    /// <summary>Records the ready time and wakes waiters once the status is ready.</summary>
    public void MarkReadyIfSo(DateTimeOffset now)
    {
        if (Status.IsReady() && ReadyTime is null)
        {
            ReadyTime = now;
            _ready.TrySetResult();
        }
    }

    public JsonObject ToJson()
    {
        var status = Status;
        var json = new JsonObject
        {
            ["id"] = Id,
            ["kind"] = Kind,
            ["summary"] = Summary,
            ["status"] = status.Name(),
        };
        if (_tasks.Count > 0)
        {
            json["tasks"] = new JsonArray([.. _tasks.Select(t => (JsonNode?)t.ToJson())]);
        }

        json["ready"] = status.IsReady();
        if (Err is { } err)
        {
            json["err"] = err;
        }

        json["spawn-time"] = PebbleJson.Time(SpawnTime);
        if (ReadyTime is { } ready)
        {
            json["ready-time"] = PebbleJson.Time(ready);
        }

        return json;
    }
}

/// <summary>All changes of one fake Pebble, with Pebble's id counters.</summary>
internal sealed class ChangeStore
{
    private readonly Dictionary<string, PebbleChange> _changes = [];
    private readonly Dictionary<string, PebbleTask> _tasks = [];
    private readonly TimeProvider _time;
    private readonly NoticeStore _notices;
    private int _lastChangeId;
    private int _lastTaskId;

    public ChangeStore(TimeProvider time, NoticeStore notices)
    {
        _time = time;
        _notices = notices;
    }

    /// <summary>The changes in the order they were made.</summary>
    public IEnumerable<PebbleChange> All => _changes.Values.OrderBy(c => int.Parse(c.Id, System.Globalization.CultureInfo.InvariantCulture));

    public PebbleChange? Find(string id) => _changes.GetValueOrDefault(id);

    public PebbleTask? FindTask(string id) => _tasks.GetValueOrDefault(id);

    public PebbleTask NewTask(string kind, string summary, string? subject = null, int lane = 0)
    {
        _lastTaskId++;
        var task = new PebbleTask(_lastTaskId.ToString(System.Globalization.CultureInfo.InvariantCulture), kind, summary, _time.GetUtcNow())
        {
            Subject = subject,
            Lane = lane,
        };
        _tasks[task.Id] = task;
        return task;
    }

    /// <summary>A new change holding <paramref name="tasks"/>; records its first change-update notice.</summary>
    public PebbleChange NewChange(string kind, string summary, IEnumerable<PebbleTask> tasks, IReadOnlyDictionary<string, string>? noticeData = null)
    {
        _lastChangeId++;
        var change = new PebbleChange(_lastChangeId.ToString(System.Globalization.CultureInfo.InvariantCulture), kind, summary, _time.GetUtcNow())
        {
            NoticeData = noticeData,
        };
        foreach (var task in tasks)
        {
            change.AddTask(task);
        }

        _changes[change.Id] = change;
        Notice(change, force: true);
        return change;
    }

    /// <summary>Sets a task's status, its ready time, and the change's; records a change-update notice on a change of status.</summary>
    public void SetStatus(PebbleTask task, PebbleStatus status)
    {
        var now = _time.GetUtcNow();
        task.Status = status;
        if (status.IsReady())
        {
            task.ReadyTime ??= now;
        }

        if (task.Change is { } change)
        {
            Updated(change);
        }
    }

    /// <summary>Sets a change's own status (a change without tasks).</summary>
    public void SetStatus(PebbleChange change, PebbleStatus status)
    {
        change.ExplicitStatus = status;
        Updated(change);
    }

    /// <summary>Records a change-update notice if the status moved, and marks the change ready when it is.</summary>
    public void Updated(PebbleChange change)
    {
        Notice(change, force: false);
        change.MarkReadyIfSo(_time.GetUtcNow());
    }

    /// <summary>Fails a task as Pebble's task runner does: ERROR in its log, the rest of its lane on hold.</summary>
    public void Fail(PebbleTask task, string message)
    {
        task.AddLog(_time.GetUtcNow(), "ERROR", message);
        task.Status = PebbleStatus.Error;
        task.ReadyTime ??= _time.GetUtcNow();
        if (task.Change is { } change)
        {
            foreach (var other in change.Tasks.Where(t => t != task && t.Lane == task.Lane && !t.Status.IsReady()))
            {
                other.Status = PebbleStatus.Hold;
                other.ReadyTime ??= _time.GetUtcNow();
            }

            Updated(change);
        }
    }

    /// <summary>
    /// Pebble's <c>Change.Abort</c> followed by the task runner: tasks not started are put on hold; a
    /// running task stops, and without an undo handler (none of the fake's kinds has one) ends Done.
    /// </summary>
    public void Abort(PebbleChange change)
    {
        foreach (var task in change.Tasks.Where(t => !t.Status.IsReady()))
        {
            task.Status = task.Status == PebbleStatus.Doing ? PebbleStatus.Done : PebbleStatus.Hold;
            task.ReadyTime ??= _time.GetUtcNow();
        }

        if (change.Tasks.Count == 0 && !change.Status.IsReady())
        {
            change.ExplicitStatus = PebbleStatus.Hold;
        }

        Updated(change);
    }

    private void Notice(PebbleChange change, bool force)
    {
        var status = change.Status;
        var old = change.NoticedStatus;
        var skip = old == status || (old == PebbleStatus.Doing && status == PebbleStatus.Do) || (old == PebbleStatus.Undoing && status == PebbleStatus.Undo);
        if (skip && !force)
        {
            return;
        }

        var data = new Dictionary<string, string> { ["kind"] = change.Kind };
        foreach (var (key, value) in change.NoticeData ?? new Dictionary<string, string>())
        {
            data[key] = value;
        }

        _notices.Add(null, NoticeStore.ChangeUpdate, change.Id, data, TimeSpan.Zero);
        change.NoticedStatus = status;
    }
}
