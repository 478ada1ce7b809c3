// PebbleClient: running commands in the workload container (POST /v1/exec, then the control,
// stdio and stderr websockets on the same unix socket, then the change for the exit code).
using System.Net.WebSockets;

namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    /// <summary>
    /// Runs a command in the container and waits for it: standard input comes from
    /// <see cref="ExecOptions.Stdin"/> (or nothing), output is captured as text. A non-zero exit code is
    /// returned, not thrown; use <see cref="ExecAndCheckAsync"/> to throw.
    /// </summary>
    /// <param name="command">The program and its arguments (looked up on Pebble's <c>PATH</c>; no shell).</param>
    /// <param name="options">Environment, user, working directory, timeout, standard input.</param>
    /// <param name="cancellationToken">Cancels the call; Pebble then kills the command.</param>
    /// <returns>The exit code and output.</returns>
    /// <exception cref="PebbleApiException">Pebble refused to start it, e.g. <c>cannot find executable "x"</c>.</exception>
    /// <exception cref="PebbleChangeException">The command could not run, or hit <see cref="ExecOptions.Timeout"/>.</exception>
    public async Task<ExecResult> ExecAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var process = await StartExecAsync(command, options, cancellationToken);
        return await process.WaitAsync(cancellationToken);
    }

    /// <summary>Runs a command like <see cref="ExecAsync"/> and throws when it exits with a non-zero code.</summary>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="options">Environment, user, working directory, timeout, standard input.</param>
    /// <param name="cancellationToken">Cancels the call; Pebble then kills the command.</param>
    /// <returns>The output of a command that exited with 0.</returns>
    /// <exception cref="PebbleExecException">The command exited with a non-zero code; the exception carries its output.</exception>
    public async Task<ExecResult> ExecAndCheckAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await ExecAsync(command, options, cancellationToken);
        return result.ExitCode == 0 ? result : throw new PebbleExecException(command, result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <summary>
    /// Starts a command and returns at once, connected to its websockets; send signals with
    /// <see cref="ExecProcess.SendSignalAsync"/> and collect the result with <see cref="ExecProcess.WaitAsync"/>.
    /// </summary>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="options">Environment, user, working directory, timeout, standard input.</param>
    /// <param name="cancellationToken">Cancels starting the command.</param>
    /// <returns>The running command; dispose it to stop waiting (Pebble then kills a command still running).</returns>
    public async Task<ExecProcess> StartExecAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0 || string.IsNullOrEmpty(command[0]))
        {
            throw new ArgumentException("command must contain at least one item", nameof(command));
        }

        options ??= new ExecOptions();
        if (options.Timeout is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), limit, "exec timeout must be positive");
        }

        var body = new ExecRequest(
            command.ToArray(),
            options.ServiceContext,
            options.Environment,
            options.WorkingDir,
            options.Timeout is { } t ? GoDuration.FormatSeconds(t) : null,
            options.UserId,
            options.User,
            options.GroupId,
            options.Group,
            Terminal: false,
            Interactive: false,
            SplitStderr: !options.CombineStderr);
        var envelope = await PostAsync("/v1/exec", body, PebbleJsonContext.Default.ExecRequest, cancellationToken);
        var changeId = RequireChange(envelope, "exec");
        var taskId = PebbleResults.Str(PebbleResults.Object(RequireResult(envelope, "exec"), "exec result"), "task-id");

        var connected = new List<ClientWebSocket>();
        try
        {
            var control = await ConnectWebSocketAsync(taskId, "control", cancellationToken);
            connected.Add(control);
            var stdio = await ConnectWebSocketAsync(taskId, "stdio", cancellationToken);
            connected.Add(stdio);
            var stderr = options.CombineStderr ? null : await ConnectWebSocketAsync(taskId, "stderr", cancellationToken);
            if (stderr is not null)
            {
                connected.Add(stderr);
            }

            return new ExecProcess(this, command, changeId, taskId, options, control, stdio, stderr, _time);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or PebbleConnectionException)
        {
            // Probably the exec finished early with an error: report the change's error if it has one.
            foreach (var socket in connected)
            {
                socket.Abort();
                socket.Dispose();
            }

            var change = await WaitChangeAsync(changeId, DefaultChangeTimeout, cancellationToken);
            if (change.Err is not null)
            {
                throw new PebbleChangeException(change);
            }

            throw new PebbleConnectionException($"unexpected error connecting to the exec websockets: {ex.Message}", ex);
        }
    }

    private async Task<ClientWebSocket> ConnectWebSocketAsync(string taskId, string name, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var uri = new Uri($"ws://localhost/v1/tasks/{Uri.EscapeDataString(taskId)}/websocket/{name}");
            await socket.ConnectAsync(uri, _upgradeInvoker.Value, linked.Token);
            return socket;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new PebbleConnectionException($"timed out connecting to the exec {name} websocket", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
