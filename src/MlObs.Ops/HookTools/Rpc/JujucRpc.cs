// JujucRpc: Juju's hook-tool protocol. A hook tool (Juju's cmd/jujuc) dials the unit agent's
// socket and calls Jujuc.Main through Go's net/rpc with the gob codec: each call is a request
// header {ServiceMethod, Seq} and a Request body; each answer is a response header
// {ServiceMethod, Seq, Error} and an ExecResponse body {Code, Stdout, Stderr} (an empty struct
// when Error is set). Stdin travels only on demand: a command that reads stdin the client did not
// send fails the call with ErrNoStdin, and the client repeats it with all of its stdin.
namespace MlObs.Ops.HookTools.Rpc;

/// <summary>One <c>Jujuc.Main</c> request (Juju's <c>jujuc.Request</c>).</summary>
/// <param name="ContextId">The hook context (<c>JUJU_CONTEXT_ID</c>).</param>
/// <param name="Dir">The caller's absolute working directory.</param>
/// <param name="CommandName">The tool name, as the basename of argv[0].</param>
/// <param name="Args">The arguments after the tool name.</param>
/// <param name="Stdin">All of the caller's stdin, or null when not sent (StdinSet false).</param>
/// <param name="Token">Juju 3.x's <c>JUJU_AGENT_TOKEN</c>; empty when unset (and then not sent).</param>
internal sealed record JujucRequest(string ContextId, string Dir, string CommandName, IReadOnlyList<string> Args, byte[]? Stdin, string Token = "");

/// <summary>What a call produced: an RPC error, or the command's exit code and output (Juju's <c>exec.ExecResponse</c>).</summary>
/// <param name="Error">The RPC error text, or null when the command ran.</param>
/// <param name="Code">The command's exit code.</param>
/// <param name="Stdout">The command's stdout.</param>
/// <param name="Stderr">The command's stderr.</param>
internal sealed record JujucResponse(string? Error, long Code, byte[] Stdout, byte[] Stderr)
{
    public static JujucResponse Failed(string error) => new(error, 0, [], []);
}

/// <summary>What a hook tool prints and exits with after its call, as jujuc's <c>main</c> leaves it.</summary>
/// <param name="ExitCode">The exit code (the low 8 bits, as the process would exit with it).</param>
/// <param name="Stdout">Bytes for stdout.</param>
/// <param name="Stderr">Bytes for stderr.</param>
internal sealed record JujucOutcome(int ExitCode, byte[] Stdout, byte[] Stderr);

/// <summary>The gob types and names of the protocol, shared by both ends.</summary>
internal static class JujucWire
{
    public const string ServiceMethod = "Jujuc.Main";

    /// <summary>The RPC error that asks the client for its stdin (Juju's <c>jujuc.ErrNoStdin</c>).</summary>
    public const string ErrNoStdin = "hook tool requires stdin, none supplied";

    // net/rpc's rpc.Request and rpc.Response.
    public static readonly GobStructType RequestHeader = new(
        "Request", new GobField("ServiceMethod", GobKind.String), new GobField("Seq", GobKind.Uint));

    public static readonly GobStructType ResponseHeader = new(
        "Response", new GobField("ServiceMethod", GobKind.String), new GobField("Seq", GobKind.Uint), new GobField("Error", GobKind.String));

    // net/rpc's body of an error reply (its invalidRequest, an empty struct, which Go sends unnamed).
    public static readonly GobStructType InvalidRequest = new(string.Empty);

    // jujuc.Request, with the Token field of Juju 3.x (4.x has none; gob drops fields the other side lacks).
    public static readonly GobStructType Request = new(
        "Request",
        new GobField("ContextId", GobKind.String),
        new GobField("Dir", GobKind.String),
        new GobField("CommandName", GobKind.String),
        new GobField("Args", GobKind.Strings),
        new GobField("StdinSet", GobKind.Bool),
        new GobField("Stdin", GobKind.Bytes),
        new GobField("Token", GobKind.String));

    // exec.ExecResponse of github.com/juju/utils.
    public static readonly GobStructType ExecResponse = new(
        "ExecResponse", new GobField("Code", GobKind.Int), new GobField("Stdout", GobKind.Bytes), new GobField("Stderr", GobKind.Bytes));

    public static GobStruct ToGob(JujucRequest request) =>
        new GobStruct(Request)
            .Set(0, request.ContextId)
            .Set(1, request.Dir)
            .Set(2, request.CommandName)
            .Set(3, request.Args.ToArray())
            .Set(4, request.Stdin is not null)
            .Set(5, request.Stdin ?? [])
            .Set(6, request.Token);

    public static JujucRequest FromGob(GobStruct request) =>
        new(
            request.GetString(0),
            request.GetString(1),
            request.GetString(2),
            request.GetStrings(3),
            request.GetBool(4) ? request.GetBytes(5) : null,
            request.GetString(6));

    /// <summary>Reads messages from <paramref name="stream"/> until a value arrives; type definitions are kept by <paramref name="decoder"/>.</summary>
    /// <exception cref="EndOfStreamException">The stream ended first.</exception>
    public static GobStruct ReadValue(Stream stream, GobDecoder decoder, GobStructType? expected)
    {
        while (true)
        {
            var message = GobFraming.ReadMessage(stream)
                ?? throw new EndOfStreamException("the agent closed the connection without a reply");
            if (decoder.TryDecode(message, expected, out var value))
            {
                return value ?? new GobStruct(InvalidRequest);
            }
        }
    }

    /// <summary>Reads messages from <paramref name="stream"/> until a value arrives; null when it ended cleanly before any message.</summary>
    /// <exception cref="EndOfStreamException">The stream ended after a type definition, before its value.</exception>
    public static async Task<GobStruct?> ReadValueAsync(Stream stream, GobDecoder decoder, GobStructType? expected, CancellationToken cancellationToken)
    {
        var first = true;
        while (true)
        {
            var message = await GobFraming.ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                return first ? null : throw new EndOfStreamException("the connection closed between a type definition and its value");
            }

            if (decoder.TryDecode(message, expected, out var value))
            {
                return value ?? new GobStruct(InvalidRequest);
            }

            first = false;
        }
    }
}

/// <summary>
/// The client end of one connection to the agent: <c>Jujuc.Main</c> calls with net/rpc's sequence
/// numbers, on a connected stream. A call is usually written and answered before the next one
/// (<see cref="Call"/>), but several may be written at once (<see cref="Send"/>) and their replies
/// taken later in any order (<see cref="Receive"/>): Go's rpc server reads every request of a
/// connection as it comes and answers each when it is done, matched by its sequence number.
/// </summary>
internal sealed class JujucRpcClient(Stream stream)
{
    // Marks a reply nobody waits for any more; dropped when it is read.
    private static readonly JujucResponse Forgotten = JujucResponse.Failed("forgotten");

    private readonly GobEncoder _encoder = new();
    private readonly GobDecoder _decoder = new();
    // Written and not yet received: the reply read for each once it arrives ahead of the one waited for (null until then).
    private readonly Dictionary<ulong, JujucResponse?> _outstanding = [];
    private ulong _seq;

    /// <summary>
    /// True once the current call's request has been written in full: from then on the agent may
    /// have run the command, so a failure must not be answered by running it again.
    /// </summary>
    public bool RequestWritten { get; private set; }

    /// <summary>Makes one call and reads its reply.</summary>
    /// <exception cref="InvalidDataException">The reply is not a net/rpc reply to this call.</exception>
    /// <exception cref="EndOfStreamException">The agent closed the connection before replying.</exception>
    /// <exception cref="IOException">Reading or writing the connection failed.</exception>
    public JujucResponse Call(JujucRequest request)
    {
        RequestWritten = false;
        var seq = Send([request]);
        RequestWritten = true;
        return Receive(seq);
    }

    /// <summary>Writes <paramref name="requests"/> in one write, without waiting for a reply; their sequence numbers follow on from the returned one.</summary>
    /// <returns>The sequence number of the first request.</returns>
    /// <exception cref="IOException">Writing the connection failed (the agent may have received some of the requests).</exception>
    public ulong Send(IReadOnlyList<JujucRequest> requests)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        var first = _seq;
        var size = 0;
        foreach (var request in requests)
        {
            size += 512 + (request.Stdin?.Length ?? 0);
        }

        var output = new GobWriter(size);
        foreach (var request in requests)
        {
            var seq = _seq++;
            _encoder.Encode(output, new GobStruct(JujucWire.RequestHeader).Set(0, JujucWire.ServiceMethod).Set(1, seq));
            _encoder.Encode(output, JujucWire.ToGob(request));
            _outstanding.Add(seq, null);
        }

        stream.Write(output.WrittenSpan);
        stream.Flush();
        return first;
    }

    /// <summary>The reply to the request sent as <paramref name="seq"/>, reading (and keeping) the replies to other outstanding requests that arrive first.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="seq"/> is not outstanding.</exception>
    /// <exception cref="InvalidDataException">A reply answers no outstanding request, or is not a net/rpc reply.</exception>
    /// <exception cref="EndOfStreamException">The agent closed the connection before replying.</exception>
    /// <exception cref="IOException">Reading the connection failed.</exception>
    public JujucResponse Receive(ulong seq)
    {
        if (!_outstanding.TryGetValue(seq, out var kept) || ReferenceEquals(kept, Forgotten))
        {
            throw new InvalidOperationException($"call {seq} was not sent, or was already received or forgotten");
        }

        while (kept is null)
        {
            var (answered, response) = ReadReply(seq);
            if (answered == seq)
            {
                kept = response;
            }
            else
            {
                _outstanding[answered] = response;
            }
        }

        _outstanding.Remove(seq);
        return kept;
    }

    /// <summary>Gives up on the reply to <paramref name="seq"/>: it is read and dropped when it arrives ahead of another.</summary>
    public void Forget(ulong seq)
    {
        if (_outstanding.TryGetValue(seq, out var kept) && kept is not null)
        {
            _outstanding.Remove(seq);
        }
        else if (_outstanding.ContainsKey(seq))
        {
            _outstanding[seq] = Forgotten;
        }
    }

    private (ulong Seq, JujucResponse Response) ReadReply(ulong waitingFor)
    {
        while (true)
        {
            var header = JujucWire.ReadValue(stream, _decoder, JujucWire.ResponseHeader);
            var answered = header.GetUint(1);
            if (!_outstanding.TryGetValue(answered, out var slot) || (slot is not null && !ReferenceEquals(slot, Forgotten)))
            {
                throw new InvalidDataException($"the agent answered call {answered}, not call {waitingFor}");
            }

            JujucResponse response;
            var error = header.GetString(2);
            if (error.Length > 0)
            {
                _ = JujucWire.ReadValue(stream, _decoder, expected: null);
                response = JujucResponse.Failed(error);
            }
            else
            {
                var body = JujucWire.ReadValue(stream, _decoder, JujucWire.ExecResponse);
                response = new JujucResponse(null, body.GetInt(0), body.GetBytes(1), body.GetBytes(2));
            }

            if (ReferenceEquals(slot, Forgotten))
            {
                _outstanding.Remove(answered);
                continue;
            }

            return (answered, response);
        }
    }

    /// <summary>
    /// The request that checks that the peer speaks this protocol without running anything: <c>Jujuc.Main</c>
    /// rejects a request without a command name before it looks at anything else
    /// (<c>bad request: command not specified</c>).
    /// </summary>
    public static JujucRequest ProbeRequest(string contextId) => new(contextId, "/", string.Empty, [], null);

    /// <summary>Checks the answer to <see cref="ProbeRequest"/>: Juju's agent answers it with an RPC error.</summary>
    /// <exception cref="InvalidDataException">The peer answered, but not as Juju's agent does.</exception>
    public static void CheckProbeAnswer(JujucResponse response)
    {
        if (response.Error is null)
        {
            throw new InvalidDataException("the agent ran a request without a command name");
        }
    }

    /// <summary>What a hook tool prints and exits with for <paramref name="response"/>: an RPC error becomes <c>ERROR &lt;error&gt;</c> on stderr and exit code 1.</summary>
    public static JujucOutcome ToOutcome(JujucResponse response) =>
        response.Error is null
            ? new JujucOutcome(unchecked((int)response.Code) & 0xff, response.Stdout, response.Stderr)
            : new JujucOutcome(1, [], System.Text.Encoding.UTF8.GetBytes($"ERROR {response.Error}\n"));

    /// <summary>Checks that the peer speaks this protocol without running anything (<see cref="ProbeRequest"/>).</summary>
    /// <exception cref="InvalidDataException">The peer answered, but not as Juju's agent does.</exception>
    public void Probe(string contextId) => CheckProbeAnswer(Call(ProbeRequest(contextId)));

    /// <summary>
    /// Runs a tool as jujuc does: the request without stdin; when the agent answers ErrNoStdin, the
    /// same request again with what <paramref name="readStdin"/> returns. An RPC error becomes
    /// <c>ERROR &lt;error&gt;</c> on stderr and exit code 1.
    /// </summary>
    public JujucOutcome Run(JujucRequest request, Func<byte[]> readStdin)
    {
        var response = Call(request with { Stdin = null });
        if (response.Error == JujucWire.ErrNoStdin)
        {
            response = Call(request with { Stdin = readStdin() });
        }

        return ToOutcome(response);
    }
}

/// <summary>A call as the agent's end of a connection receives it.</summary>
/// <param name="ServiceMethod">The method named in the request header.</param>
/// <param name="Seq">The sequence number to answer with.</param>
/// <param name="Request">The body, when <paramref name="ServiceMethod"/> is <c>Jujuc.Main</c>; null otherwise (the body was read and dropped).</param>
internal sealed record JujucIncomingCall(string ServiceMethod, ulong Seq, JujucRequest? Request);

/// <summary>The agent's end of one connection: reads calls and writes replies, in order.</summary>
internal sealed class JujucRpcServerConnection(Stream stream)
{
    private readonly GobEncoder _encoder = new();
    private readonly GobDecoder _decoder = new();

    /// <summary>The next call; null when the client closed the connection between calls.</summary>
    /// <exception cref="InvalidDataException">The client sent something that is not a net/rpc call.</exception>
    public async Task<JujucIncomingCall?> ReadAsync(CancellationToken cancellationToken)
    {
        var header = await JujucWire.ReadValueAsync(stream, _decoder, JujucWire.RequestHeader, cancellationToken).ConfigureAwait(false);
        if (header is null)
        {
            return null;
        }

        var method = header.GetString(0);
        var isMain = method == JujucWire.ServiceMethod;
        var body = await JujucWire.ReadValueAsync(stream, _decoder, isMain ? JujucWire.Request : null, cancellationToken).ConfigureAwait(false)
            ?? throw new EndOfStreamException("the connection closed between a request header and its body");
        return new JujucIncomingCall(method, header.GetUint(1), isMain ? JujucWire.FromGob(body) : null);
    }

    /// <summary>Answers <paramref name="call"/> with an RPC error (net/rpc sends an empty struct as the body).</summary>
    public Task ReplyErrorAsync(JujucIncomingCall call, string error, CancellationToken cancellationToken) =>
        WriteAsync(call, error, new GobStruct(JujucWire.InvalidRequest), cancellationToken);

    /// <summary>Answers <paramref name="call"/> with the command's exit code and output.</summary>
    public Task ReplyAsync(JujucIncomingCall call, long code, byte[] stdout, byte[] stderr, CancellationToken cancellationToken) =>
        WriteAsync(
            call,
            string.Empty,
            new GobStruct(JujucWire.ExecResponse).Set(0, code).Set(1, stdout).Set(2, stderr),
            cancellationToken);

    private async Task WriteAsync(JujucIncomingCall call, string error, GobStruct body, CancellationToken cancellationToken)
    {
        var output = new GobWriter(256 + (body.Type == JujucWire.ExecResponse ? body.GetBytes(1).Length + body.GetBytes(2).Length : 0));
        _encoder.Encode(output, new GobStruct(JujucWire.ResponseHeader).Set(0, call.ServiceMethod).Set(1, call.Seq).Set(2, error));
        _encoder.Encode(output, body);
        await stream.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
