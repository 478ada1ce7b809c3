// PebbleState.Checks: Pebble's check manager without probes: checks follow the plan (new and
// changed enabled checks start a perform-check change), start/stop, replan, and a test hook that
// sets a check up or down, which moves it between perform-check and recover-check changes as
// Pebble does when the failure threshold is hit (the change-update notices Juju turns into
// pebble-check-failed/recovered).
using System.Text.Json.Nodes;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>What the fake knows of one check (Pebble's <c>checkData</c>).</summary>
internal sealed class CheckRecord
{
    public required string Name { get; init; }

    public required Check Config { get; set; }

    /// <summary><c>up</c>, <c>down</c> or <c>inactive</c>.</summary>
    public string Status { get; set; } = "inactive";

    public int Successes { get; set; }

    public int Failures { get; set; }

    public string ChangeId { get; set; } = "";

    public string PrevChangeId { get; set; } = "";

    /// <summary>The error of the last failure the test set, for <c>POST /v1/checks/refresh</c>.</summary>
    public string? LastError { get; set; }

    public int Threshold => Config.Threshold ?? 3;

    public string Startup => Config.Startup == StartupMode.Disabled ? "disabled" : "enabled";

    public string? Level => Config.Level switch
    {
        CheckLevel.Alive => "alive",
        CheckLevel.Ready => "ready",
        _ => null,
    };

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name };
        if (Level is { } level)
        {
            json["level"] = level;
        }

        json["startup"] = Startup;
        json["status"] = Status;
        json["successes"] = Successes;
        if (Failures != 0)
        {
            json["failures"] = Failures;
        }

        json["threshold"] = Threshold;
        if (ChangeId.Length > 0)
        {
            json["change-id"] = ChangeId;
        }

        if (PrevChangeId.Length > 0)
        {
            json["prev-change-id"] = PrevChangeId;
        }

        return json;
    }
}

internal sealed partial class PebbleState
{
    private readonly Dictionary<string, CheckRecord> _checks = [];

    /// <summary>Every check, by name.</summary>
    public IReadOnlyList<CheckRecord> Checks => [.. _checks.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>Pebble's <c>CheckManager.PlanChanged</c>.</summary>
    private void PlanChanged()
    {
        var running = new HashSet<string>();
        var startNow = new HashSet<string>();
        foreach (var record in _checks.Values.ToList())
        {
            if (record.ChangeId.Length == 0 || Changes.Find(record.ChangeId) is not { } change || change.Status.IsReady())
            {
                continue;
            }

            running.Add(record.Name);
            if (Plan.Checks.TryGetValue(record.Name, out var config))
            {
                if (config.Equals(record.Config))
                {
                    continue;
                }

                if (config.Startup == StartupMode.Disabled && record.Config.Startup != StartupMode.Disabled)
                {
                    continue;
                }

                startNow.Add(record.Name);
            }

            Changes.Abort(change);
            _checks.Remove(record.Name);
        }

        foreach (var (name, config) in Plan.Checks)
        {
            if (running.Contains(name))
            {
                continue;
            }

            if (config.Startup != StartupMode.Disabled)
            {
                startNow.Add(name);
            }
            else
            {
                var record = CheckFor(name, config);
                record.Status = "inactive";
                record.ChangeId = "";
            }
        }

        foreach (var name in startNow.Order(StringComparer.Ordinal))
        {
            StartCheck(CheckFor(name, Plan.Checks[name]), prevChangeId: "");
        }
    }

    /// <summary>Pebble's <c>StartChecks</c>/<c>StopChecks</c>: the names changed, or the error text for a 400.</summary>
    public List<string>? StartOrStopChecks(string action, IReadOnlyList<string> names, out string? error)
    {
        error = null;
        var missing = names.Where(n => !Plan.Checks.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            error = $"cannot {action} checks: cannot find checks in plan: {string.Join(", ", missing)}";
            return null;
        }

        var changed = new List<string>();
        foreach (var name in names)
        {
            if (!_checks.TryGetValue(name, out var record))
            {
                continue;
            }

            if (action == "start" && record.ChangeId.Length == 0)
            {
                StartCheck(record, prevChangeId: "");
                changed.Add(name);
            }
            else if (action == "stop" && record.ChangeId.Length > 0)
            {
                if (Changes.Find(record.ChangeId) is { } change)
                {
                    Changes.Abort(change);
                    changed.Add(name);
                }

                record.ChangeId = "";
                record.Status = "inactive";
            }
        }

        changed.Sort(StringComparer.Ordinal);
        return changed;
    }

    /// <summary>Pebble's <c>CheckManager.Replan</c>: start enabled checks that are not running.</summary>
    public void ReplanChecks()
    {
        foreach (var (name, config) in Plan.Checks.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (config.Startup == StartupMode.Disabled || !_checks.TryGetValue(name, out var record) || record.ChangeId.Length > 0)
            {
                continue;
            }

            StartCheck(record, prevChangeId: "");
        }
    }

    /// <summary>
    /// The test hook: <c>down</c> fails the check up to its threshold (perform-check errors, recover-check
    /// starts); <c>up</c> recovers it (recover-check done, perform-check starts) or records failures below
    /// the threshold; <c>inactive</c> stops it. Returns the error text or null.
    /// </summary>
    public string? SetCheck(string name, string status, int? failures, string? message)
    {
        if (!_checks.TryGetValue(name, out var record))
        {
            return $"check {PebbleJson.Quote(name)} is not in the plan";
        }

        message ??= "check failed";
        var change = record.ChangeId.Length > 0 ? Changes.Find(record.ChangeId) : null;
        switch (status)
        {
            case "inactive":
                StartOrStopChecks("stop", [name], out _);
                return null;
            case "up":
                if (change is null)
                {
                    StartCheck(record, prevChangeId: record.PrevChangeId);
                    change = Changes.Find(record.ChangeId);
                }

                if (change!.Kind == "recover-check")
                {
                    Changes.SetStatus(change.Tasks[0], PebbleStatus.Done);
                    StartCheck(record, prevChangeId: change.Id);
                    record.Successes = 1;
                    change = Changes.Find(record.ChangeId);
                }

                var below = Math.Clamp(failures ?? 0, 0, record.Threshold - 1);
                for (var i = record.Failures; i < below; i++)
                {
                    change!.Tasks[0].AddLog(Time.GetUtcNow(), "ERROR", message);
                }

                if (below == 0 && record.Failures > 0)
                {
                    change!.Tasks[0].AddLog(Time.GetUtcNow(), "INFO", $"succeeded after {Plural(record.Failures)}");
                }

                record.Failures = below;
                record.LastError = below > 0 ? message : null;
                if (below == 0)
                {
                    record.Successes++;
                }

                record.Status = "up";
                return null;
            case "down":
                if (change is null)
                {
                    StartCheck(record, prevChangeId: record.PrevChangeId);
                    change = Changes.Find(record.ChangeId);
                }

                var total = Math.Max(failures ?? record.Threshold, record.Threshold);
                if (change!.Kind == "perform-check")
                {
                    for (var i = record.Failures + 1; i < record.Threshold; i++)
                    {
                        change.Tasks[0].AddLog(Time.GetUtcNow(), "ERROR", message);
                    }

                    Changes.Fail(change.Tasks[0], message);
                    var summary = $"Recover {ProbeType(record.Config)} check {PebbleJson.Quote(name)}";
                    var task = Changes.NewTask("recover-check", summary, name);
                    var recover = Changes.NewChange("recover-check", summary, [task], new Dictionary<string, string> { ["check-name"] = name });
                    Changes.SetStatus(task, PebbleStatus.Doing);
                    record.PrevChangeId = change.Id;
                    record.ChangeId = recover.Id;
                    change = recover;
                }

                for (var i = Math.Max(record.Failures, record.Threshold); i < total; i++)
                {
                    change.Tasks[0].AddLog(Time.GetUtcNow(), "ERROR", message);
                }

                record.Failures = total;
                record.Status = "down";
                record.LastError = message;
                return null;
            default:
                return $"invalid check status {PebbleJson.Quote(status)}";
        }
    }

    /// <summary>Pebble's <c>/v1/health</c>: unhealthy when a matching check is down.</summary>
    public bool Healthy(string? level, IReadOnlyCollection<string> names) =>
        !_checks.Values.Any(c =>
            c.Status == "down"
            && (names.Count == 0 || names.Contains(c.Name))
            && (level is null || c.Level == level || (level == "ready" && c.Level == "alive")));

    private CheckRecord CheckFor(string name, Check config)
    {
        if (!_checks.TryGetValue(name, out var record))
        {
            record = new CheckRecord { Name = name, Config = config };
            _checks[name] = record;
        }

        record.Config = config;
        return record;
    }

    private void StartCheck(CheckRecord record, string prevChangeId)
    {
        var summary = $"Perform {ProbeType(record.Config)} check {PebbleJson.Quote(record.Name)}";
        var task = Changes.NewTask("perform-check", summary, record.Name);
        var change = Changes.NewChange("perform-check", summary, [task], new Dictionary<string, string> { ["check-name"] = record.Name });
        Changes.SetStatus(task, PebbleStatus.Doing);
        record.ChangeId = change.Id;
        record.PrevChangeId = prevChangeId;
        record.Successes = 0;
        record.Failures = 0;
        record.Status = "up";
    }

    private static string ProbeType(Check check) =>
        check.Http is not null ? "HTTP" : check.Tcp is not null ? "TCP" : check.Exec is not null ? "exec" : "<unknown>";

    private static string Plural(int n) => n == 1 ? "1 failure" : $"{n} failures";
}
