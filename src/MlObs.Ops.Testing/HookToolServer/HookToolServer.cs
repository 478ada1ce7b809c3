// HookToolServer: the emulator's side of the hook tools. It listens on a unix socket and answers
// Juju's own hook-tool protocol (net/rpc with the gob codec, method Jujuc.Main; see
// MlObs.Ops/HookTools/Rpc) from a handler, asking the client for its stdin only when the handler
// wants it, as Juju's unit agent does. mlobs-jujuc, Juju's jujuc and MlObs.Ops' in-process client
// all speak it.
using System.Collections.Concurrent;
using System.Net.Sockets;

using MlObs.Ops.HookTools.Rpc;

namespace MlObs.Ops.Testing.HookTools;

/// <summary>
/// Answers hook-tool calls (Juju's <c>Jujuc.Main</c> over net/rpc and gob) on a unix socket. Point a tool at it with
/// <see cref="ClientEnvironment"/>; install the tools with <see cref="HookToolInstaller"/>.
/// </summary>
public sealed class HookToolServer : IAsyncDisposable
{
    private readonly Func<HookToolCall, CancellationToken, Task<HookToolReply>> _handler;
    private readonly Socket _listener;
    private readonly string? _ownedDirectory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, Socket> _connections = new();
    // Set when the thread waiting for the next connection finds the listener closed.
    private readonly TaskCompletionSource _accepting = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        StartConnectionThread();
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
        await _accepting.Task.ConfigureAwait(false);

        // A connection's thread blocks in recv(2); shutting its socket down wakes it with an end of stream.
        foreach (var socket in _connections.Values)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed by the client or by its thread.
            }
        }

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

    // One thread per connection, as Juju's agent serves each on a goroutine of its own: a thread waits in accept(2)
    // and serves the connection it gets on the spot, after starting the thread that waits for the next one. A call
    // is thus answered without waiting for the socket engine and the thread pool to pass the connection along, or
    // for a thread to be created for it. mlobs-jujuc makes one call per connection (two when the tool wants stdin);
    // a charm's in-process client makes all of a hook's on one.
    private void StartConnectionThread() =>
        new Thread(AcceptAndServe) { IsBackground = true, Name = "hook-tool connection" }.Start();

    private void AcceptAndServe()
    {
        Socket client;
        while (true)
        {
            try
            {
                client = _listener.Accept();
                break;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    _accepting.TrySetResult();
                    return;
                }

                // A failed accept (a connection reset before it was taken, no descriptors left): wait a moment, go on.
                Thread.Sleep(10);
            }
        }

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections.TryAdd(finished.Task, client);
        StartConnectionThread();
        Exception? failure = null;
        try
        {
            // Every read and write of the blocking stream completes at once, so this runs on this
            // thread to the end unless the handler itself goes asynchronous.
            ServeAsync(client, _stopping.Token).GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // Handed to DisposeAsync, which throws it, as the awaited task did before.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
        }

        _connections.TryRemove(finished.Task, out _);
        if (failure is null)
        {
            finished.SetResult();
        }
        else
        {
            finished.SetException(failure);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using var socket = client;
        await using var stream = new BlockingSocketStream(socket);
        var connection = new JujucRpcServerConnection(stream);
        try
        {
            while (await connection.ReadAsync(cancellationToken).ConfigureAwait(false) is { } call)
            {
                await AnswerAsync(connection, call, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            // Not a net/rpc client, or one that hung up mid-call: as Go's rpc server, close the
            // connection (a reply could not be matched to a call).
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: nobody is left to answer.
        }
    }

    // Jujuc.Main as Juju's agent runs it: a bad request and a tool that wants stdin it was not sent
    // are RPC errors; everything the command itself says is the reply's exit code and output.
    private async Task AnswerAsync(JujucRpcServerConnection connection, JujucIncomingCall call, CancellationToken cancellationToken)
    {
        if (call.Request is not { } request)
        {
            await connection.ReplyErrorAsync(call, UnknownMethod(call.ServiceMethod), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (request.CommandName.Length == 0)
        {
            await connection.ReplyErrorAsync(call, "bad request: command not specified", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Path.IsPathRooted(request.Dir))
        {
            await connection.ReplyErrorAsync(call, "bad request: Dir is not absolute", cancellationToken).ConfigureAwait(false);
            return;
        }

        var hookCall = new HookToolCall(
            request.ContextId, request.Dir, request.CommandName, request.Args,
            // Not `? null :` — null would convert to an empty ReadOnlyMemory through byte[].
            request.Stdin is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(request.Stdin));
        HookToolReply reply;
        try
        {
            reply = await _handler(hookCall, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A handler's bug must reach the tool as ERROR and exit 1, as a failing command does in Juju.
        catch (Exception e)
#pragma warning restore CA1031
        {
            reply = HookToolReply.Error(e.Message);
        }

        if (reply.IsNeedsStdin)
        {
            // The client sends the request again with its stdin; a second ask ends the call there.
            await connection.ReplyErrorAsync(call, JujucWire.ErrNoStdin, cancellationToken).ConfigureAwait(false);
            return;
        }

        await connection.ReplyAsync(call, reply.ExitCode, reply.Stdout.ToArray(), reply.Stderr.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    // Go's net/rpc wording for a method it does not serve.
    private static string UnknownMethod(string serviceMethod)
    {
        var dot = serviceMethod.LastIndexOf('.');
        if (dot < 0)
        {
            return "rpc: service/method request ill-formed: " + serviceMethod;
        }

        return serviceMethod[..dot] == "Jujuc"
            ? "rpc: can't find method " + serviceMethod
            : "rpc: can't find service " + serviceMethod;
    }
}
