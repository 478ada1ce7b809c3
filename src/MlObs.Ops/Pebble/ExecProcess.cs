// ExecProcess: a command running under Pebble's exec — the websocket pumps for its standard
// streams, signals over the control websocket, and the wait for its change.
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace MlObs.Ops.Pebble;

/// <summary>
/// A command started with <see cref="PebbleClient.StartExecAsync"/>. Its standard input is fed from the
/// options and closed; its output is captured until <see cref="WaitAsync"/> returns it.
/// </summary>
public sealed class ExecProcess : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;
    private static readonly byte[] EndCommand = """{"command":"end"}"""u8.ToArray();

    private readonly PebbleClient _client;
    private readonly ClientWebSocket _control;
    private readonly ClientWebSocket _stdio;
    private readonly ClientWebSocket? _stderr;
    private readonly TimeSpan? _timeout;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _controlSend = new(1, 1);
    private readonly CancellationTokenSource _pumps = new();
    private readonly Task _stdinPump;
    private readonly Task<byte[]> _stdoutPump;
    private readonly Task<byte[]>? _stderrPump;
    private int _disposed;

    internal ExecProcess(
        PebbleClient client,
        IReadOnlyList<string> command,
        string changeId,
        string taskId,
        ExecOptions options,
        ClientWebSocket control,
        ClientWebSocket stdio,
        ClientWebSocket? stderr,
        TimeProvider time)
    {
        _client = client;
        Command = command;
        ChangeId = changeId;
        TaskId = taskId;
        _control = control;
        _stdio = stdio;
        _stderr = stderr;
        _timeout = options.Timeout;
        _time = time;
        Stream? input = options.Stdin is { } text ? new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false) : options.StdinStream;
        _stdinPump = PumpStdinAsync(input, options.Stdin is not null, _pumps.Token);
        _stdoutPump = ReadStreamAsync(stdio, _pumps.Token);
        _stderrPump = stderr is null ? null : ReadStreamAsync(stderr, _pumps.Token);
    }

    /// <summary>The command line.</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>The id of the exec change.</summary>
    public string ChangeId { get; }

    /// <summary>The id of the exec task (the websockets' id).</summary>
    public string TaskId { get; }

    /// <summary>Sends a signal to the command over the control websocket (<c>{"command":"signal",...}</c>).</summary>
    /// <param name="signal">The signal name, e.g. <c>SIGTERM</c>.</param>
    /// <param name="cancellationToken">Cancels sending.</param>
    /// <returns>A task that completes when the command is sent.</returns>
    public async Task SendSignalAsync(string signal, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(signal);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new ExecSignalCommand("signal", new ExecSignalName(signal)), PebbleJsonContext.Default.ExecSignalCommand);
        await _controlSend.WaitAsync(cancellationToken);
        try
        {
            await _control.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (WebSocketException ex)
        {
            throw new PebbleConnectionException($"cannot send {signal}: the exec control websocket is closed", ex);
        }
        finally
        {
            _controlSend.Release();
        }
    }

    /// <summary>
    /// Waits for the command to finish (at most its timeout plus a second, when it has one) and returns its exit
    /// code and output. The exit code comes from the change (<c>tasks[0].data["exit-code"]</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait; the websockets are closed and Pebble kills the command.</param>
    /// <returns>The exit code and captured output.</returns>
    /// <exception cref="PebbleChangeException">The command could not run or timed out (the change has an error).</exception>
    public async Task<ExecResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        Change change;
        try
        {
            change = await _client.WaitChangeAsync(ChangeId, _timeout + TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch
        {
            Abort();
            throw;
        }

        // Pebble sends the "end" barriers before the change is ready; the grace period only matters if it did not.
        try
        {
            await Task.WhenAll(Pumps()).WaitAsync(_client.Timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            Abort();
        }

        var stdout = Encoding.UTF8.GetString(await _stdoutPump);
        var stderr = _stderrPump is null ? null : Encoding.UTF8.GetString(await _stderrPump);
        Abort();
        if (change.Err is not null)
        {
            throw new PebbleChangeException(change);
        }

        return new ExecResult(change.ExitCode, stdout, stderr);
    }

    /// <summary>Closes the websockets; a command still running is killed by Pebble.</summary>
    /// <returns>A task that completes when the pumps have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Abort();
        try
        {
            await Task.WhenAll(Pumps());
        }
        catch (OperationCanceledException)
        {
        }

        _control.Dispose();
        _stdio.Dispose();
        _stderr?.Dispose();
        _pumps.Dispose();
        _controlSend.Dispose();
    }

    private IEnumerable<Task> Pumps() => _stderrPump is null ? [_stdinPump, _stdoutPump] : [_stdinPump, _stdoutPump, _stderrPump];

    // Like ops' shutdown: no close handshake. Pebble sees an abnormal close on the control socket and
    // kills the command if it is still running.
    private void Abort()
    {
        if (!_pumps.IsCancellationRequested)
        {
            _pumps.Cancel();
        }

        _control.Abort();
        _stdio.Abort();
        _stderr?.Abort();
    }

    private async Task PumpStdinAsync(Stream? input, bool ownsInput, CancellationToken cancellationToken)
    {
        try
        {
            if (input is not null)
            {
                var buffer = new byte[ChunkSize];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await _stdio.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                }
            }

            // End of input is a text frame, not a close: the stdio socket still carries output.
            await _stdio.SendAsync(EndCommand, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The command ended or the sockets were torn down: there is nowhere to send the rest.
        }
        finally
        {
            if (ownsInput && input is not null)
            {
                await input.DisposeAsync();
            }
        }
    }

    private static async Task<byte[]> ReadStreamAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        using var message = new MemoryStream();
        var buffer = new byte[ChunkSize];
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
                    output.Write(buffer, 0, received.Count);
                    continue;
                }

                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    var isEnd = IsEndCommand(message.ToArray());
                    message.SetLength(0);
                    if (isEnd)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Torn down underneath us: what arrived so far is the output.
        }

        return output.ToArray();
    }

    // A text frame is an out-of-band command; only "end" matters, anything else is ignored (as ops and Pebble do).
    private static bool IsEndCommand(byte[] text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("command", out var command)
                && command.ValueKind == JsonValueKind.String
                && command.GetString() == "end";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
