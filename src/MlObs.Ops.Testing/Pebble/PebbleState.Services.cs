// PebbleState.Services: Pebble's service manager without processes: start and stop order from
// requires/after/before (with Pebble's lanes and loop errors), start/stop/restart/replan/autostart
// changes, service statuses, scripted start failures and service logs.
using System.Text.Json.Nodes;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>What the fake knows of a service that was started at least once (Pebble's <c>serviceData</c>).</summary>
internal sealed class ServiceRecord
{
    public required string Name { get; init; }

    /// <summary><c>active</c>, <c>inactive</c>, <c>backoff</c> or <c>error</c>.</summary>
    public string Current { get; set; } = "inactive";

    public DateTimeOffset? CurrentSince { get; set; }

    /// <summary>The plan entry it last started with; replan restarts it when the plan's differs.</summary>
    public Service? Config { get; set; }
}

/// <summary>One line of a service's output.</summary>
internal sealed record ServiceLogLine(DateTimeOffset Time, string Service, string Message);

internal sealed partial class PebbleState
{
    private const int LastLogLines = 20;

    private readonly Dictionary<string, ServiceRecord> _services = [];
    private readonly Dictionary<string, string?> _failingStarts = [];
    private readonly List<ServiceLogLine> _logs = [];

    public IReadOnlyList<ServiceLogLine> Logs => _logs;

    /// <summary>Pebble's <c>Services(names)</c>: plan services (by name), with the status of those started.</summary>
    public JsonArray ServiceInfos(IReadOnlyCollection<string> names)
    {
        var result = new JsonArray();
        foreach (var (name, config) in Plan.Services.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (names.Count > 0 && !names.Contains(name))
            {
                continue;
            }

            var info = new JsonObject
            {
                ["name"] = name,
                ["startup"] = config.Startup == StartupMode.Enabled ? "enabled" : "disabled",
                ["current"] = "inactive",
            };
            if (_services.TryGetValue(name, out var record))
            {
                info["current"] = record.Current;
                if (record.CurrentSince is { } since)
                {
                    info["current-since"] = PebbleJson.Time(since);
                }
            }

            result.Add(info);
        }

        return result;
    }

    /// <summary>The status of every plan service: <c>inactive</c> until started.</summary>
    public IReadOnlyDictionary<string, string> ServiceStatuses() =>
        Plan.Services.Keys.Order(StringComparer.Ordinal)
            .ToDictionary(name => name, name => _services.TryGetValue(name, out var record) ? record.Current : "inactive");

    public void SetServiceStatus(string name, string current)
    {
        var record = Record(name);
        record.Current = current;
        record.CurrentSince = Time.GetUtcNow();
        if (Plan.Services.TryGetValue(name, out var config))
        {
            record.Config = config;
        }
    }

    /// <summary>Makes every later start of <paramref name="name"/> fail with <paramref name="message"/> (null: Pebble's own text).</summary>
    public void FailStarts(string name, string? message) => _failingStarts[name] = message;

    public void AllowStarts(string name) => _failingStarts.Remove(name);

    public void SetLogs(string service, IEnumerable<string> lines)
    {
        _logs.RemoveAll(l => l.Service == service);
        AppendLogs(service, lines);
    }

    public void AppendLogs(string service, IEnumerable<string> lines)
    {
        var now = Time.GetUtcNow();
        var last = _logs.Count == 0 ? now : _logs.Max(l => l.Time);
        foreach (var line in lines)
        {
            // Strictly increasing times keep the order of the lines when services are merged.
            last = now > last ? now : last.AddTicks(1);
            _logs.Add(new ServiceLogLine(last, service, line.TrimEnd('\n')));
        }
    }

    /// <summary>The services <c>autostart</c> starts: startup enabled, in start order.</summary>
    public IReadOnlyList<string> DefaultServiceNames(out string? error)
    {
        var enabled = Plan.Services.Where(p => p.Value.Startup == StartupMode.Enabled).Select(p => p.Key).ToList();
        var lanes = StartOrder(enabled, out error);
        return lanes is null ? [] : [.. lanes.SelectMany(l => l)];
    }

    /// <summary>Pebble's <c>POST /v1/services</c> after its argument checks: the change, or the error text for a 400.</summary>
    public PebbleChange? ServiceChange(string action, IReadOnlyList<string> services, out string? error)
    {
        error = null;
        List<List<string>>? lanes = null;
        var tasks = new List<PebbleTask>();
        var names = new List<string>();
        var laneBase = 0;
        switch (action)
        {
            case "start":
            case "autostart":
                lanes = StartOrder(services, out error);
                if (lanes is not null)
                {
                    tasks.AddRange(Tasks("start", lanes, ref laneBase));
                }

                break;
            case "stop":
                lanes = StopOrder(services, out error);
                if (lanes is not null)
                {
                    tasks.AddRange(Tasks("stop", lanes, ref laneBase));
                }

                break;
            case "restart":
                var stopLanes = StopOrder(services, out error);
                if (stopLanes is null)
                {
                    break;
                }

                var wanted = services.ToHashSet();
                stopLanes = [.. stopLanes.Select(l => l.Where(wanted.Contains).ToList()).Where(l => l.Count > 0)];
                lanes = StartOrder(services, out error);
                if (lanes is not null)
                {
                    tasks.AddRange(Tasks("stop", stopLanes, ref laneBase));
                    tasks.AddRange(Tasks("start", lanes, ref laneBase));
                }

                break;
            case "replan":
                var (replanStop, replanStart) = Replan(out error);
                if (error is not null)
                {
                    break;
                }

                tasks.AddRange(Tasks("stop", replanStop!, ref laneBase));
                tasks.AddRange(Tasks("start", replanStart!, ref laneBase));
                names.AddRange(replanStop!.Concat(replanStart!).SelectMany(l => l).Distinct().Order(StringComparer.Ordinal));
                services = [.. names];
                break;
            default:
                throw new ArgumentException($"invalid action {action}", nameof(action));
        }

        if (error is not null)
        {
            error = $"cannot {action} services: {error}";
            return null;
        }

        if (lanes is not null)
        {
            names.AddRange(lanes.SelectMany(l => l));
        }

        var title = char.ToUpperInvariant(action[0]) + action[1..];
        if (tasks.Count == 0)
        {
            var empty = Changes.NewChange(action, $"{title} - no services", []);
            Changes.SetStatus(empty, PebbleStatus.Done);
            return empty;
        }

        var summary = names.Count == 1
            ? $"{title} service {PebbleJson.Quote(services[0])}"
            : $"{title} service {PebbleJson.Quote(services[0])} and {names.Count - 1} more";
        var change = Changes.NewChange(action, summary, tasks);
        if (services.Count > 0)
        {
            change.ServiceNames = [.. services];
        }

        if (HoldChanges)
        {
            Changes.SetStatus(change.Tasks[0], PebbleStatus.Doing);
        }
        else
        {
            RunServiceTasks(change);
        }

        return change;
    }

    /// <summary>Runs the pending start/stop tasks of a change, in order, stopping a lane at its first failure.</summary>
    public void RunServiceTasks(PebbleChange change)
    {
        foreach (var task in change.Tasks)
        {
            if (task.Status.IsReady())
            {
                continue;
            }

            var name = task.Subject!;
            if (task.Kind == "stop")
            {
                if (_services.TryGetValue(name, out var record) && record.Current != "inactive")
                {
                    record.Current = "inactive";
                    record.CurrentSince = Time.GetUtcNow();
                }

                Changes.SetStatus(task, PebbleStatus.Done);
                continue;
            }

            if (!Plan.Services.TryGetValue(name, out var config))
            {
                Changes.Fail(task, $"cannot find service {PebbleJson.Quote(name)} in plan");
                continue;
            }

            var service = Record(name);
            if (service.Current == "active")
            {
                Changes.SetStatus(task, PebbleStatus.Done);
                continue;
            }

            service.Config = config;
            if (_failingStarts.TryGetValue(name, out var message))
            {
                var action = config.OnFailure ?? ServiceAction.Restart;
                message ??= $"service start attempt: exited quickly with code 1, will {ActionName(action)}";
                var recent = _logs.Where(l => l.Service == name).TakeLast(LastLogLines).Select(l => "    " + l.Message).ToList();
                if (recent.Count > 0)
                {
                    task.AddLog(Time.GetUtcNow(), "INFO", "Most recent service output:\n" + string.Join('\n', recent));
                }

                service.Current = action == ServiceAction.Restart ? "backoff" : "error";
                service.CurrentSince = Time.GetUtcNow();
                Changes.Fail(task, message);
                continue;
            }

            service.Current = "active";
            service.CurrentSince = Time.GetUtcNow();
            Changes.SetStatus(task, PebbleStatus.Done);
        }
    }

    /// <summary>Completes every held service change, as if Pebble's task runner had caught up.</summary>
    public void ReleaseChanges()
    {
        foreach (var change in Changes.All.Where(c => !c.Status.IsReady() && c.Kind is "start" or "stop" or "restart" or "replan" or "autostart"))
        {
            RunServiceTasks(change);
        }
    }

    /// <summary>Pebble's <c>SendSignal</c>: every named service must be running. Returns the error text or null.</summary>
    public string? Signal(IReadOnlyList<string> services, string signal)
    {
        var errors = new List<string>();
        foreach (var name in services)
        {
            if (!_services.TryGetValue(name, out var record) || record.Current != "active")
            {
                errors.Add($"cannot send signal to {PebbleJson.Quote(name)}: service is not running");
            }
            else if (!IsSignalName(signal))
            {
                errors.Add($"cannot send signal to {PebbleJson.Quote(name)}: invalid signal name {PebbleJson.Quote(signal)}");
            }
        }

        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    private static bool IsSignalName(string signal) => signal is
        "SIGABRT" or "SIGALRM" or "SIGBUS" or "SIGCHLD" or "SIGCONT" or "SIGFPE" or "SIGHUP" or "SIGILL" or "SIGINT"
        or "SIGIO" or "SIGKILL" or "SIGPIPE" or "SIGPROF" or "SIGPWR" or "SIGQUIT" or "SIGSEGV" or "SIGSTKFLT" or "SIGSTOP"
        or "SIGSYS" or "SIGTERM" or "SIGTRAP" or "SIGTSTP" or "SIGTTIN" or "SIGTTOU" or "SIGURG" or "SIGUSR1" or "SIGUSR2"
        or "SIGVTALRM" or "SIGWINCH" or "SIGXCPU" or "SIGXFSZ";

    private static string ActionName(ServiceAction action) => action switch
    {
        ServiceAction.Restart => "restart",
        ServiceAction.Shutdown => "shutdown",
        ServiceAction.Ignore => "ignore",
        ServiceAction.FailureShutdown => "failure-shutdown",
        _ => "success-shutdown",
    };

    private ServiceRecord Record(string name)
    {
        if (!_services.TryGetValue(name, out var record))
        {
            record = new ServiceRecord { Name = name };
            _services[name] = record;
        }

        return record;
    }

    private List<PebbleTask> Tasks(string kind, List<List<string>> lanes, ref int laneBase)
    {
        var tasks = new List<PebbleTask>();
        foreach (var lane in lanes)
        {
            laneBase++;
            foreach (var name in lane)
            {
                var summary = kind == "start" ? $"Start service {PebbleJson.Quote(name)}" : $"Stop service {PebbleJson.Quote(name)}";
                tasks.Add(Changes.NewTask(kind, summary, name, laneBase));
            }
        }

        return tasks;
    }

    /// <summary>Pebble's <c>ServiceManager.Replan</c>: restart started services whose plan changed, start enabled ones.</summary>
    private (List<List<string>>? Stop, List<List<string>>? Start) Replan(out string? error)
    {
        var restart = new HashSet<string>();
        foreach (var (name, record) in _services)
        {
            if (Plan.Services.TryGetValue(name, out var config) && config.Equals(record.Config))
            {
                continue;
            }

            restart.Add(name);
        }

        var start = Plan.Services
            .Where(p => restart.Contains(p.Key) || p.Value.Startup == StartupMode.Enabled)
            .Select(p => p.Key)
            .ToList();
        var stopLanes = StopOrder([.. restart], out error);
        if (stopLanes is null)
        {
            return (null, null);
        }

        var startLanes = StartOrder(start, out error);
        return (stopLanes, startLanes);
    }

    // Ordering (internals/plan: order, createLanes)

    public List<List<string>>? StartOrder(IReadOnlyCollection<string> names, out string? error) => Order(names, stop: false, out error);

    public List<List<string>>? StopOrder(IReadOnlyCollection<string> names, out string? error) => Order(names, stop: true, out error);

    private List<List<string>>? Order(IReadOnlyCollection<string> names, bool stop, out string? error)
    {
        error = null;
        var services = Plan.Services;
        var dependants = new Dictionary<string, List<string>>();
        if (stop)
        {
            foreach (var (name, service) in services)
            {
                foreach (var required in service.Requires)
                {
                    if (!dependants.TryGetValue(required, out var list))
                    {
                        dependants[required] = list = [];
                    }

                    list.Add(name);
                }
            }
        }

        // Everything that starts (or stops) with the named services.
        var successors = new Dictionary<string, List<string>>();
        var pending = new List<string>(names);
        for (var i = 0; i < pending.Count; i++)
        {
            var name = pending[i];
            if (successors.ContainsKey(name))
            {
                continue;
            }

            successors[name] = [];
            if (stop)
            {
                pending.AddRange(dependants.GetValueOrDefault(name) ?? []);
            }
            else if (services.TryGetValue(name, out var service))
            {
                pending.AddRange(service.Requires);
            }
            else
            {
                error = $"service {PebbleJson.Quote(name)} does not exist";
                return null;
            }
        }

        foreach (var name in successors.Keys.ToList())
        {
            if (!services.TryGetValue(name, out var service))
            {
                error = $"service {PebbleJson.Quote(name)} does not exist";
                return null;
            }

            var after = stop ? service.Before : service.After;
            var before = stop ? service.After : service.Before;
            successors[name].AddRange(after.Where(successors.ContainsKey));
            foreach (var other in before.Where(successors.ContainsKey))
            {
                successors[other].Add(name);
            }
        }

        var ordered = new List<string>();
        foreach (var component in LayerRules.StronglyConnected(successors))
        {
            if (component.Count > 1)
            {
                component.Sort(StringComparer.Ordinal);
                error = "services in before/after loop: " + string.Join(", ", component);
                return null;
            }

            ordered.Add(component[0]);
        }

        return Lanes(ordered);
    }

    /// <summary>Groups services into lanes: a service shares the lane of the services it requires.</summary>
    private List<List<string>> Lanes(List<string> ordered)
    {
        var laneOf = new Dictionary<string, int>();
        var lane = -1;
        var maxLane = 0;
        foreach (var name in ordered)
        {
            var service = Plan.Services[name];
            int chosen;
            if (laneOf.TryGetValue(name, out var existing))
            {
                chosen = existing;
            }
            else if (service.Requires.FirstOrDefault(laneOf.ContainsKey) is { } dependency)
            {
                chosen = laneOf[dependency];
            }
            else
            {
                chosen = ++lane;
            }

            laneOf[name] = chosen;
            foreach (var required in service.Requires)
            {
                laneOf[required] = chosen;
            }

            lane = Math.Max(lane, chosen);
            maxLane = Math.Max(maxLane, chosen);
        }

        var lanes = Enumerable.Range(0, maxLane + 1).Select(_ => new List<string>()).ToList();
        foreach (var name in ordered)
        {
            lanes[laneOf[name]].Add(name);
        }

        return [.. lanes.Where(l => l.Count > 0)];
    }
}
