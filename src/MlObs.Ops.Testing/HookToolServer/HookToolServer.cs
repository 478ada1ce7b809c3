// HookToolServer: the emulator's side of the hook tools. It listens on a unix socket, decodes the
// calls mlobs-jujuc sends (HookToolWire.cs), and answers each from a handler, asking the client
// for its stdin only when the handler wants it, as Juju's jujuc server does.
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace MlObs.Ops.Testing.HookTools;

/// <summary>
/// Answers hook-tool calls from <c>mlobs-jujuc</c> over a unix socket. Point a tool at it with
/// <see cref="ClientEnvironment"/>; install the tools with <see cref="HookToolInstaller"/>.
/// </summary>
public sealed class HookToolServer : IAsyncDisposable
{
    private readonly Func<HookToolCall, CancellationToken, Task<HookToolReply>> _handler;
    private readonly Socket _listener;
    private readonly string? _ownedDirectory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _acceptLoop;

    private HookToolServer(
        Func<HookToolCall, CancellationToken, Task<HookToolReply>> handler,
        Socket listener,
        string socketPath,
        string? ownedDirectory)
    {
        _handler = handler;
        _listener = listener;
        SocketPath = socketPath;
        _ownedDirectory = ownedDirectory;
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    /// <summary>The unix socket the server listens on: <c>JUJU_AGENT_SOCKET_ADDRESS</c> for the tools.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Starts listening. Calls arrive concurrently; <paramref name="handler"/> must be thread-safe.
    /// An exception from it becomes <c>ERROR &lt;message&gt;</c> and exit code 1 at the tool.
    /// </summary>
    /// <param name="handler">Answers each call.</param>
    /// <param name="socketPath">The socket to create (its directory must exist; at most 107 bytes), or null for one in a new temp dir that disposal removes.</param>
    /// <returns>The listening server.</returns>
    public static HookToolServer Start(
        Func<HookToolCall, CancellationToken, Task<HookToolReply>> handler,
        string? socketPath = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        string? ownedDirectory = null;
        if (socketPath is null)
        {
            ownedDirectory = Directory.CreateTempSubdirectory("mlobs-jujuc-").FullName;
            socketPath = Path.Combine(ownedDirectory, "agent.socket");
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            if (ownedDirectory is not null)
            {
                Directory.Delete(ownedDirectory, recursive: true);
            }

            throw;
        }

        return new HookToolServer(handler, listener, socketPath, ownedDirectory);
    }

    /// <summary>The variables a tool needs to reach this server as context <paramref name="contextId"/>.</summary>
    /// <param name="contextId">The hook context the calls belong to.</param>
    /// <returns><c>JUJU_CONTEXT_ID</c>, <c>JUJU_AGENT_SOCKET_ADDRESS</c> and <c>JUJU_AGENT_SOCKET_NETWORK</c>.</returns>
    public IReadOnlyDictionary<string, string> ClientEnvironment(string contextId) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUJU_CONTEXT_ID"] = contextId,
            ["JUJU_AGENT_SOCKET_ADDRESS"] = SocketPath,
            ["JUJU_AGENT_SOCKET_NETWORK"] = "unix",
        };

    /// <summary>Stops listening, cancels calls in flight, waits for them and removes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _stopping.Dispose();
        if (_ownedDirectory is not null)
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
        else
        {
            File.Delete(SocketPath);
        }
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            var connection = ServeAsync(client, cancellationToken);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(
                finished => _connections.TryRemove(finished, out _),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    // One connection: a request, possibly NeedsStdin and the request again with stdin, a result.
    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var socket = client;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            var body = await HookToolWire.ReadFrameAsync(stream, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return;
            }

            var request = HookToolWire.DecodeRequest(body);
            var response = await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.NeedsStdin)
            {
                await stream.WriteAsync(HookToolWire.EncodeResponse(response), cancellationToken).ConfigureAwait(false);
                body = await HookToolWire.ReadFrameAsync(stream, cancellationToken).ConfigureAwait(false);
                if (body is null)
                {
                    return;
                }

                request = HookToolWire.DecodeRequest(body);
                response = request.Stdin is null
                    ? Failure("hook tool requires stdin, none supplied")
                    : await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.NeedsStdin)
                {
                    response = Failure("hook tool requires stdin, none supplied");
                }
            }

            await stream.WriteAsync(HookToolWire.EncodeResponse(response), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            await TryWriteAsync(stream, Failure($"bad request: {e.Message}"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: nobody is left to answer.
        }
    }

    private async Task<WireResponse> AnswerAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var call = new HookToolCall(
            request.ContextId, request.Dir, request.Tool, request.Args,
            // Not `? null :` — null would convert to an empty ReadOnlyMemory through byte[].
            request.Stdin is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(request.Stdin));
        HookToolReply reply;
        try
        {
            reply = await _handler(call, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A handler's bug must reach the tool as ERROR and exit 1, as a failed RPC does in Juju.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failure(e.Message);
        }

        return reply.IsNeedsStdin
            ? WireResponse.StdinWanted
            : new WireResponse(false, reply.ExitCode, reply.Stdout.ToArray(), reply.Stderr.ToArray());
    }

    private static WireResponse Failure(string message) =>
        new(false, 1, [], System.Text.Encoding.UTF8.GetBytes($"ERROR {message}\n"));

    private static async Task TryWriteAsync(NetworkStream stream, WireResponse response, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(HookToolWire.EncodeResponse(response), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone.
        }
    }
}
