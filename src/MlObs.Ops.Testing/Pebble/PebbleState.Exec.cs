// PebbleState.Exec: scripted commands matched by longest prefix (Scenario's rule), the exec
// change and task that POST /v1/exec creates, the environment and working directory Pebble
// reports, and the running executions the websockets attach to.
using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>A scripted command: a fixed answer or a handler.</summary>
internal sealed record ExecEntry(IReadOnlyList<string> Prefix, ExecResponse? Fixed, Func<ExecRequest, ExecResponse>? Handler);

/// <summary>One running exec: its task, its websockets and how far it got.</summary>
internal sealed class Execution
{
    private readonly ArrayBufferWriter<byte> _stdin = new();

    public required PebbleTask Task { get; init; }

    public required ExecEntry Entry { get; init; }

    public required ExecRequest Request { get; init; }

    public required int HistoryIndex { get; init; }

    public WebSocket? Control { get; set; }

    public WebSocket? Stdio { get; set; }

    public WebSocket? Stderr { get; set; }

    /// <summary>Set when stdio (and stderr when split) are connected.</summary>
    public TaskCompletionSource IoConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the client ends stdin or its stdio websocket goes away.</summary>
    public TaskCompletionSource StdinEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the command finished and its output was sent.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool HasWebsocket(string id) => id is "control" or "stdio" || (id == "stderr" && Request.SplitStderr);

    public WebSocket? Get(string id) => id switch
    {
        "control" => Control,
        "stdio" => Stdio,
        _ => Stderr,
    };

    public void Set(string id, WebSocket socket)
    {
        switch (id)
        {
            case "control":
                Control = socket;
                break;
            case "stdio":
                Stdio = socket;
                break;
            default:
                Stderr = socket;
                break;
        }

        if (Stdio is not null && (!Request.SplitStderr || Stderr is not null))
        {
            IoConnected.TrySetResult();
        }
    }

    public void AppendStdin(ReadOnlySpan<byte> data)
    {
        lock (_stdin)
        {
            _stdin.Write(data);
        }
    }

    public byte[] StdinBytes()
    {
        lock (_stdin)
        {
            return _stdin.WrittenSpan.ToArray();
        }
    }
}

internal sealed partial class PebbleState
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly List<ExecEntry> _execs = [];
    private readonly List<ExecRequest> _execHistory = [];
    private readonly Dictionary<string, Execution> _executions = [];

    public IReadOnlyList<ExecRequest> ExecHistory => [.. _execHistory];

    /// <summary>Adds (or replaces) the answer for a command prefix.</summary>
    public void AddExec(ExecEntry entry)
    {
        _execs.RemoveAll(e => e.Prefix.SequenceEqual(entry.Prefix));
        _execs.Add(entry);
    }

    /// <summary>The entry with the longest prefix of <paramref name="command"/>; the empty prefix matches anything.</summary>
    public ExecEntry? FindExec(IReadOnlyList<string> command) =>
        _execs.Where(e => e.Prefix.Count <= command.Count && e.Prefix.SequenceEqual(command.Take(e.Prefix.Count)))
            .OrderByDescending(e => e.Prefix.Count)
            .FirstOrDefault();

    public Execution? FindExecution(string taskId) => _executions.GetValueOrDefault(taskId);

    public void EndExecution(Execution execution, byte[] stdin)
    {
        _executions.Remove(execution.Task.Id);
        _execHistory[execution.HistoryIndex] = _execHistory[execution.HistoryIndex] with { Stdin = stdin };
    }

    public void UpdateStdin(Execution execution, byte[] stdin) =>
        _execHistory[execution.HistoryIndex] = _execHistory[execution.HistoryIndex] with { Stdin = stdin };

    /// <summary>
    /// Pebble's exec set-up after the request was validated: merge the service context, resolve the
    /// user, build the environment and working directory, create the change. Returns the response
    /// result, or an error response.
    /// </summary>
    public (Execution? Execution, PebbleResponse Response) StartExec(ExecRequest request, ExecEntry entry, bool interactive)
    {
        var environment = new Dictionary<string, string>();
        int? userId = request.UserId;
        var user = request.User;
        int? groupId = request.GroupId;
        var group = request.Group;
        var workingDir = request.WorkingDir;
        if (!string.IsNullOrEmpty(request.ServiceContext))
        {
            if (!Plan.Services.TryGetValue(request.ServiceContext, out var service))
            {
                return (null, PebbleResponse.BadRequest($"context service {PebbleJson.Quote(request.ServiceContext)} not found"));
            }

            foreach (var (key, value) in service.Environment)
            {
                environment[key] = value;
            }

            userId ??= service.UserId;
            user = string.IsNullOrEmpty(user) ? service.User : user;
            groupId ??= service.GroupId;
            group = string.IsNullOrEmpty(group) ? service.Group : group;
            workingDir = string.IsNullOrEmpty(workingDir) ? service.WorkingDir : workingDir;
        }

        foreach (var (key, value) in request.Environment)
        {
            environment[key] = value;
        }

        var owner = Users.Normalize(userId, user, groupId, group, out var ownerError);
        if (ownerError is not null)
        {
            return (null, PebbleResponse.BadRequest(ownerError));
        }

        if (interactive && !request.Terminal)
        {
            return (null, PebbleResponse.ServerError("cannot call exec: cannot use interactive mode without a terminal"));
        }

        environment.TryAdd("PATH", DefaultPath);
        var account = Users.UserById(owner?.UserId ?? 0);
        if (account is not null)
        {
            if (string.IsNullOrEmpty(environment.GetValueOrDefault("HOME")))
            {
                environment["HOME"] = account.Home;
            }

            if (string.IsNullOrEmpty(environment.GetValueOrDefault("USER")))
            {
                environment["USER"] = account.Name;
            }
        }

        environment.TryAdd("LANG", "C.UTF-8");

        if (!string.IsNullOrEmpty(workingDir))
        {
            var host = Files.HostPath(workingDir);
            if (host is null || !Directory.Exists(host))
            {
                var reason = host is not null && File.Exists(host) ? "not a directory" : "does not exist";
                return (null, PebbleResponse.ServerError($"cannot call exec: working directory {PebbleJson.Quote(workingDir)} {reason}"));
            }
        }
        else
        {
            // Pebble refuses a missing home directory; the fake runs in / instead.
            var home = environment.GetValueOrDefault("HOME");
            workingDir = !string.IsNullOrEmpty(home) && Files.HostPath(home) is { } homeHost && Directory.Exists(homeHost) ? home : "/";
        }

        var summary = $"Execute command {PebbleJson.Quote(request.Command[0])}";
        var task = Changes.NewTask("exec", summary);
        var change = Changes.NewChange("exec", summary, [task]);
        Changes.SetStatus(task, PebbleStatus.Doing);
        var recorded = request with { ChangeId = change.Id, TaskId = task.Id };
        _execHistory.Add(recorded);
        var execution = new Execution { Task = task, Entry = entry, Request = recorded, HistoryIndex = _execHistory.Count - 1 };
        _executions[task.Id] = execution;

        var result = new JsonObject
        {
            ["environment"] = PebbleJson.StringMap(environment),
            ["task-id"] = task.Id,
            ["working-dir"] = workingDir,
        };
        return (execution, PebbleResponse.Async(change.Id, result));
    }

    /// <summary>Finishes an exec task: <c>exit-code</c> in its data, Done; or Error with Pebble's message.</summary>
    public void FinishExec(Execution execution, int? exitCode, string? error)
    {
        if (exitCode is { } code)
        {
            execution.Task.Data = new JsonObject { ["exit-code"] = code };
        }

        if (error is null)
        {
            Changes.SetStatus(execution.Task, PebbleStatus.Done);
        }
        else
        {
            Changes.Fail(execution.Task, error);
        }

        EndExecution(execution, execution.StdinBytes());
    }

    /// <summary>Go's <c>time.ParseDuration</c> error text.</summary>
    public static string? ParseDuration(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return GoDuration.TryParse(text, out value) ? null : $"time: invalid duration {PebbleJson.Quote(text)}";
    }
}
