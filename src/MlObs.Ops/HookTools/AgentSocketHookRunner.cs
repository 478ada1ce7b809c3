// AgentSocketHookRunner: the in-process fast path for hook tools. Instead of starting the jujuc
// binary once per call, it makes the call that binary makes (Jujuc.Main over net/rpc and gob on
// the unit agent's socket) itself, on one connection for the whole dispatch, and falls back to
// running the tools as processes whenever that cannot be done faithfully.
using System.Text;
using MlObs.Ops.HookTools.Rpc;

namespace MlObs.Ops.HookTools;

/// <summary>Where and as whom the in-process client calls the agent: what jujuc reads from its environment.</summary>
/// <param name="SocketAddress"><c>JUJU_AGENT_SOCKET_ADDRESS</c>: a path, or <c>@name</c> for an abstract socket.</param>
/// <param name="ContextId"><c>JUJU_CONTEXT_ID</c>.</param>
/// <param name="Token"><c>JUJU_AGENT_TOKEN</c> (Juju 3.x), or empty.</param>
/// <param name="WorkingDirectory">The directory the tools would run in: the request's <c>Dir</c>.</param>
internal sealed record AgentSocketSettings(string SocketAddress, string ContextId, string Token, string WorkingDirectory);

/// <summary>
/// Runs hook tools as calls on the unit agent's socket, producing the exit code, stdout and stderr
/// the <c>jujuc</c> process would have produced; falls back to <paramref name="fallback"/> (running
/// the tools as processes) for the rest of the dispatch when the socket cannot be used.
/// </summary>
/// <remarks>
/// The fallback never repeats a call's effect: a call whose request never reached the agent
/// (no connection, the protocol check failed, the write failed) runs as a process instead; a call
/// that failed after its request was written, when the agent may have run the command, is
/// answered with <c>ERROR &lt;reason&gt;</c> and exit code 1, as a jujuc process that lost its
/// connection would.
/// <para>
/// Reads asked ahead (<see cref="ReadAhead"/>) are written at once, with the protocol check when they
/// open the connection, and their answers are read when the charm makes the same call. A read changes
/// nothing, so one whose answer is lost runs again, as a process if need be.
/// </para>
/// </remarks>
/// <param name="settings">The agent's socket and the caller's identity.</param>
/// <param name="fallback">Runs the tools as processes.</param>
/// <param name="onFallback">Told once, with the reason, when calls start running as processes.</param>
internal sealed class AgentSocketHookRunner(AgentSocketSettings settings, IHookCommandRunner fallback, Action<string>? onFallback = null)
    : IHookCommandRunner, IReadAheadRunner, IDisposable
{
    private readonly Lock _lock = new();
    // Reads asked ahead whose answers nobody has taken yet, with their sequence numbers.
    private readonly List<(HookCommandRequest Request, ulong Seq)> _ahead = [];
    private UnixSocketStream? _stream;
    private JujucRpcClient? _client;
    // The protocol check written with the reads asked ahead; its answer is checked before any answer is used.
    private ulong? _probe;

    /// <summary>Why calls now run as processes; null while the socket is in use.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>How many calls went over the socket.</summary>
    public int SocketCalls { get; private set; }

    /// <inheritdoc/>
    public Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Tool);
        ArgumentNullException.ThrowIfNull(request.Arguments);
        cancellationToken.ThrowIfCancellationRequested();

        // A path or a NUL in an argument: the process runner refuses these before running
        // anything, so let it, with its own message.
        if (!request.Tool.Contains('/', StringComparison.Ordinal) && !request.Arguments.Any(a => a.Contains('\0', StringComparison.Ordinal)))
        {
            lock (_lock)
            {
                if (FallbackReason is null && TryRun(request, cancellationToken) is { } result)
                {
                    return Task.FromResult(result);
                }
            }
        }

        return fallback.RunAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    public void ReadAhead(IReadOnlyList<HookCommandRequest> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reads);
        if (reads.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (FallbackReason is not null)
            {
                return;
            }

            var opening = _client is null;
            if (opening && !TryOpen())
            {
                return;
            }

            List<JujucRequest> calls = opening ? [JujucRpcClient.ProbeRequest(settings.ContextId)] : [];
            foreach (var read in reads)
            {
                calls.Add(ToCall(read));
            }

            _stream!.CancellationToken = cancellationToken;
            try
            {
                var seq = _client!.Send(calls);
                if (opening)
                {
                    _probe = seq++;
                }

                foreach (var read in reads)
                {
                    _ahead.Add((read, seq++));
                }
            }
            catch (OperationCanceledException)
            {
                Disconnect();
                throw;
            }
            catch (IOException e)
            {
                // Only reads (and the check) may have reached the agent: each call can still run as a process.
                FallBack($"reading ahead: {e.Message}");
            }
        }
    }

    /// <summary>Closes the connection to the agent.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            Disconnect();
        }
    }

    // Null: the agent never received this call (or only as a read asked ahead), run it as a process.
    private HookCommandResult? TryRun(HookCommandRequest request, CancellationToken cancellationToken)
    {
        if (_client is null && !TryConnect(cancellationToken))
        {
            return null;
        }

        _stream!.CancellationToken = cancellationToken;
        if (TakeReadAhead(request) is { } answer)
        {
            return answer;
        }

        if (FallbackReason is not null)
        {
            return null;
        }

        if (ReadRequests.MayChangeAnswers(request.Tool))
        {
            ForgetReadAhead();
        }

        try
        {
            // As the process runner: no stdin is an immediate end of file, and no byte order mark.
            var outcome = _client!.Run(ToCall(request), () => string.IsNullOrEmpty(request.Stdin) ? [] : Encoding.UTF8.GetBytes(request.Stdin));
            SocketCalls++;
            return ToResult(outcome);
        }
        catch (OperationCanceledException)
        {
            // Where the reply stands is unknown: the next call starts on a new connection.
            Disconnect();
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            var written = _client!.RequestWritten;
            FallBack($"{request.Tool}: {e.Message}");
            return written
                ? new HookCommandResult(1, string.Empty, $"ERROR hook tool {request.Tool}: {e.Message}\n")
                : null;
        }
    }

    // The answer to request when it was asked ahead; null when it was not (or the connection failed, see FallbackReason).
    private HookCommandResult? TakeReadAhead(HookCommandRequest request)
    {
        var index = _ahead.FindIndex(ahead => ReadRequests.Same(ahead.Request, request));
        if (index < 0 && _probe is null)
        {
            return null;
        }

        try
        {
            if (_probe is { } probe)
            {
                _probe = null;
                JujucRpcClient.CheckProbeAnswer(_client!.Receive(probe));
            }

            if (index < 0)
            {
                return null;
            }

            var seq = _ahead[index].Seq;
            _ahead.RemoveAt(index);
            var response = _client!.Receive(seq);
            if (response.Error == JujucWire.ErrNoStdin)
            {
                // Not a read after all: asked again as jujuc asks, with its stdin.
                return null;
            }

            SocketCalls++;
            return ToResult(JujucRpcClient.ToOutcome(response));
        }
        catch (OperationCanceledException)
        {
            Disconnect();
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // Only reads were waiting: running this one as a process repeats nothing.
            FallBack($"the agent socket does not answer Jujuc.Main: {e.Message}");
            return null;
        }
    }

    // Something may change what the agent answers: answers asked ahead and not yet taken are dropped.
    private void ForgetReadAhead()
    {
        foreach (var (_, seq) in _ahead)
        {
            _client!.Forget(seq);
        }

        _ahead.Clear();
    }

    private JujucRequest ToCall(HookCommandRequest request) =>
        new(settings.ContextId, settings.WorkingDirectory, request.Tool, request.Arguments, null, settings.Token);

    private static HookCommandResult ToResult(JujucOutcome outcome) =>
        new(outcome.ExitCode, HookToolOutput.Decode(outcome.Stdout), HookToolOutput.Decode(outcome.Stderr));

    // Connects without checking the protocol (the check goes out with the reads asked ahead).
    private bool TryOpen()
    {
        UnixSocketStream? stream;
        string? problem;
        try
        {
            (stream, problem) = UnixSocketStream.TryConnect(settings.SocketAddress);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            (stream, problem) = (null, "the C library lacks socket calls: " + e.Message);
        }

        if (stream is null)
        {
            FallBack(problem!);
            return false;
        }

        _stream = stream;
        _client = new JujucRpcClient(stream);
        return true;
    }

    private bool TryConnect(CancellationToken cancellationToken)
    {
        if (!TryOpen())
        {
            return false;
        }

        _stream!.CancellationToken = cancellationToken;
        try
        {
            _client!.Probe(settings.ContextId);
            return true;
        }
        catch (OperationCanceledException)
        {
            Disconnect();
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The probe runs nothing, so the call it preceded can still run as a process.
            FallBack($"the agent socket does not answer Jujuc.Main: {e.Message}");
            return false;
        }
    }

    private void FallBack(string reason)
    {
        FallbackReason = reason;
        Disconnect();
        onFallback?.Invoke(reason);
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _stream = null;
        _client = null;
        _probe = null;
        _ahead.Clear();
    }
}
