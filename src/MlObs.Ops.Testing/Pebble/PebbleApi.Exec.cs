// PebbleApi.Exec: POST /v1/exec and the task websockets (control, stdio, stderr). Stdin arrives
// as binary frames until the client's {"command":"end"} text frame; output leaves as binary
// frames followed by an end frame; the exit code lands in the task's data, as with Pebble.
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MlObs.Ops.Testing.Pebble;

internal sealed partial class PebbleApi
{
    /// <summary>Pebble gives a client this long to connect the I/O websockets.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a scripted command (one that does not read stdin) waits for stdin to end, so the history can record it.</summary>
    private static readonly TimeSpan StdinGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a websocket waits for the client's close after the command finished.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(1);

    private static readonly byte[] EndCommand = Encoding.UTF8.GetBytes("{\"command\":\"end\"}");

    private readonly List<Task> _running = [];

    /// <summary>Exec runs still going (the server waits for them when it stops).</summary>
    public Task RunningAsync()
    {
        lock (_running)
        {
            return Task.WhenAll(_running);
        }
    }

    private PebbleResponse PostExec(HttpContext context, JsonObject body, string[] segments)
    {
        var command = Strings(body, "command");
        var environment = StringMap(body, "environment");
        var timeoutText = Str(body, "timeout");
        var request = new ExecRequest
        {
            Command = command,
            Environment = environment,
            WorkingDir = NullIfEmpty(Str(body, "working-dir")),
            UserId = Int(body, "user-id"),
            User = NullIfEmpty(Str(body, "user")),
            GroupId = Int(body, "group-id"),
            Group = NullIfEmpty(Str(body, "group")),
            ServiceContext = NullIfEmpty(Str(body, "service-context")),
            Terminal = Bool(body, "terminal"),
            SplitStderr = Bool(body, "split-stderr"),
        };
        var interactive = Bool(body, "interactive");
        _ = Int(body, "width");
        _ = Int(body, "height");
        if (command.Count < 1)
        {
            return PebbleResponse.BadRequest("must specify command");
        }

        var error = PebbleState.ParseDuration(timeoutText, out var timeout);
        if (error is not null)
        {
            return PebbleResponse.BadRequest($"invalid timeout: {error}");
        }

        request = request with { Timeout = timeoutText.Length > 0 ? timeout : null };
        var entry = _state.FindExec(command);
        if (entry is null)
        {
            return PebbleResponse.BadRequest($"cannot find executable {PebbleJson.Quote(command[0])}");
        }

        var (execution, response) = _state.StartExec(request, entry, interactive);
        if (execution is not null)
        {
            lock (_running)
            {
                _running.RemoveAll(t => t.IsCompleted);
                _running.Add(Task.Run(() => RunAsync(execution, timeout)));
            }
        }

        return response;
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    /// <summary>The command's life: wait for the I/O websockets, answer, send the output, record the exit code.</summary>
    private async Task RunAsync(Execution execution, TimeSpan timeout)
    {
        try
        {
            var connected = execution.IoConnected.Task;
            if (await Task.WhenAny(connected, Task.Delay(ConnectTimeout, _state.Time, _stopping)) != connected)
            {
                lock (_state.Gate)
                {
                    _state.FinishExec(execution, null, $"exec {execution.Task.Id}: timeout waiting for websocket connections: context deadline exceeded");
                }

                return;
            }

            int? exitCode;
            string? error = null;
            if (execution.Entry.Fixed is { } fixedResponse)
            {
                await SendOutputAsync(execution, fixedResponse);
                await Task.WhenAny(execution.StdinEnded.Task, Task.Delay(StdinGrace, _state.Time, _stopping));
                exitCode = fixedResponse.ExitCode;
            }
            else
            {
                // A handler sees all of stdin, like a process that reads it to the end.
                var ended = execution.StdinEnded.Task;
                var limit = timeout > TimeSpan.Zero ? Task.Delay(timeout, _state.Time, _stopping) : Task.Delay(Timeout.Infinite, _stopping);
                if (await Task.WhenAny(ended, limit) != ended)
                {
                    await limit;
                    await SendOutputAsync(execution, new ExecResponse(-1));
                    lock (_state.Gate)
                    {
                        _state.FinishExec(execution, -1, $"timed out after {MlObs.Ops.Pebble.GoDuration.Format(timeout)}: context deadline exceeded");
                    }

                    return;
                }

                ExecResponse answer;
                try
                {
                    answer = execution.Entry.Handler!(execution.Request with { Stdin = execution.StdinBytes() });
                }
#pragma warning disable CA1031 // A failing test handler is reported as the exec's error, as a failed process would be.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    answer = new ExecResponse(-1);
                    error = $"exec handler failed: {ex.Message}";
                }

                await SendOutputAsync(execution, answer);
                exitCode = answer.ExitCode;
            }

            lock (_state.Gate)
            {
                _state.FinishExec(execution, exitCode, error);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The server is going away; so is the exec.
        }
        finally
        {
            execution.Finished.TrySetResult();
        }
    }

    /// <summary>Stdout (with stderr unless split) on stdio, stderr on its own websocket; each ended by an end frame.</summary>
    private async Task SendOutputAsync(Execution execution, ExecResponse response)
    {
        var stdout = execution.Request.SplitStderr ? response.Stdout : response.Stdout + response.Stderr;
        await SendStreamAsync(execution.Stdio, Encoding.UTF8.GetBytes(stdout));
        if (execution.Request.SplitStderr)
        {
            await SendStreamAsync(execution.Stderr, Encoding.UTF8.GetBytes(response.Stderr));
        }
    }

    private async Task SendStreamAsync(WebSocket? socket, byte[] data)
    {
        if (socket is null)
        {
            return;
        }

        try
        {
            if (data.Length > 0)
            {
                await socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, _stopping);
            }

            await socket.SendAsync(EndCommand, WebSocketMessageType.Text, endOfMessage: true, _stopping);
        }
        catch (WebSocketException)
        {
            // The client went away; Pebble drops the output too.
        }
        catch (ObjectDisposedException)
        {
            // Same: the websocket's request is over.
        }
    }

    private async Task<PebbleResponse?> TaskWebsocketAsync(HttpContext context, string[] segments)
    {
        var taskId = segments[2];
        var id = segments[4];
        Execution? execution;
        lock (_state.Gate)
        {
            var task = _state.Changes.FindTask(taskId);
            if (task is null)
            {
                return PebbleResponse.NotFound($"cannot find task {PebbleJson.Quote(taskId)}");
            }

            if (task.Kind != "exec")
            {
                return PebbleResponse.BadRequest($"{PebbleJson.Quote(task.Kind)} tasks do not have websockets");
            }

            execution = _state.FindExecution(taskId);
            if (execution is null)
            {
                // Pebble answers with the change's error, or nothing at all, once the exec is over.
                var err = task.Change?.Err;
                return err is null ? null : PebbleResponse.ServerError(err);
            }

            if (!execution.HasWebsocket(id))
            {
                return PebbleResponse.NotFound($"cannot find {id} websocket for task {PebbleJson.Quote(taskId)}");
            }

            if (execution.Get(id) is not null)
            {
                return PebbleResponse.ServerError($"{id} websocket already connected");
            }
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return PebbleResponse.BadRequest("websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        lock (_state.Gate)
        {
            if (execution.Get(id) is not null)
            {
                socket.Abort();
                return null;
            }

            execution.Set(id, socket);
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        var receiving = ReceiveAsync(execution, id, socket, cancel.Token);
        if (await Task.WhenAny(receiving, execution.Finished.Task) != receiving)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancel.Token);
                await Task.WhenAny(receiving, Task.Delay(CloseGrace, _state.Time, cancel.Token));
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away first.
            }
        }
        else if (socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancel.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away first.
            }
        }

        await cancel.CancelAsync();
        try
        {
            await receiving;
        }
        catch (OperationCanceledException)
        {
            // Cancelled above.
        }

        return null;
    }

    /// <summary>Reads a websocket until the client closes it: stdin data and the end command on stdio, control commands on control.</summary>
    private async Task ReceiveAsync(Execution execution, string id, WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var text = new MemoryStream();
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    if (id == "stdio" && !execution.StdinEnded.Task.IsCompleted)
                    {
                        execution.AppendStdin(buffer.AsSpan(0, received.Count));
                    }

                    continue;
                }

                text.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var message = Encoding.UTF8.GetString(text.ToArray());
                text.SetLength(0);
                if (id == "stdio" && IsEndCommand(message))
                {
                    EndStdin(execution);
                }
            }
        }
        catch (WebSocketException)
        {
            // The client dropped the connection.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The exec is over or the server is stopping.
        }
        finally
        {
            await text.DisposeAsync();
            if (id == "stdio")
            {
                EndStdin(execution);
            }
        }
    }

    private void EndStdin(Execution execution)
    {
        if (execution.StdinEnded.TrySetResult())
        {
            lock (_state.Gate)
            {
                _state.UpdateStdin(execution, execution.StdinBytes());
            }
        }
    }

    private static bool IsEndCommand(string message)
    {
        try
        {
            return JsonNode.Parse(message) is JsonObject command && command["command"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                && command["command"]!.GetValue<string>() == "end";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
