// The Jujuc.Main protocol against bytes recorded from Go's own net/rpc and encoding/gob (Go 1.19,
// a client calling a server that implements Jujuc.Main as Juju's agent does): our client writes
// exactly what Go's client wrote, reads what Go's server answered, and our server end decodes what
// Go's client sent.
using System.Text;

using MlObs.Ops.HookTools.Rpc;

namespace MlObs.Ops.Tests.HookTools.Rpc;

public sealed class JujucRpcTests
{
    // Three calls on one connection: relation-set without stdin (answered with ErrNoStdin), the
    // same with stdin "stdin!" and token "tok", then is-leader with context "c" and dir "/".
    private static readonly byte[] GoClientBytes = Convert.FromHexString(
        "2fff81030101075265717565737401ff82000102010d536572766963654d6574686f64010c00010353657101060000000fff82010a4a756a75632e4d61696e00" +
        "66ff83030101075265717565737401ff840001070109436f6e746578744964010c000103446972010c00010b436f6d6d616e644e616d65010c0001044172677301ff86000108537464696e5365740102000105537464696e010a000105546f6b656e010c000000" +
        "16ff85020101085b5d737472696e6701ff8600010c0000" +
        "3cff84010d756e69742d302d686f6f6b2d3101062f636861726d010c72656c6174696f6e2d7365740104022d720464623a3700036b3d760303746f6b00" +
        "11ff82010a4a756a75632e4d61696e010100" +
        "46ff84010d756e69742d302d686f6f6b2d3101062f636861726d010c72656c6174696f6e2d7365740104022d720464623a3700036b3d7601010106737464696e210103746f6b00" +
        "11ff82010a4a756a75632e4d61696e010200" +
        "14ff8401016301012f010969732d6c656164657200");

    // Go's answers: ErrNoStdin (with the empty-struct body), then code 4 with stdout and stderr,
    // then code 0 (left out as a zero field) with stdout. Go numbered its types from 68 on.
    private static readonly byte[] GoServerBytes = Convert.FromHexString(
        "3aff8703010108526573706f6e736501ff88000103010d536572766963654d6574686f64010c00010353657101060001054572726f72010c000000" +
        "38ff88010a4a756a75632e4d61696e0227686f6f6b20746f6f6c20726571756972657320737464696e2c206e6f6e6520737570706c69656400" +
        "0aff89030102ff8a000000" + "03ff8a00" +
        "11ff88010a4a756a75632e4d61696e010100" +
        "39ff8b0301010c45786563526573706f6e736501ff8c0001030104436f646501040001065374646f7574010a000106537464657272010a000000" +
        "3dff8c0108012b72656c6174696f6e2d736574205b222d7222202264623a372220222220226b3d76225d20737464696e210a0109746f6b656e20746f6b00" +
        "11ff88010a4a756a75632e4d61696e010200" +
        "13ff8c020e69732d6c6561646572205b5d200a00");

    private static readonly JujucRequest RelationSet =
        new("unit-0-hook-1", "/charm", "relation-set", ["-r", "db:7", "", "k=v"], null, "tok");

    [Fact]
    public void Client_SameCallsAsGo_WritesTheSameBytesAndReadsGosAnswers()
    {
        var stream = new ScriptedStream(GoServerBytes);
        var client = new JujucRpcClient(stream);
        var stdinReads = 0;

        var first = client.Run(RelationSet, () =>
        {
            stdinReads++;
            return "stdin!"u8.ToArray();
        });
        var second = client.Call(new JujucRequest("c", "/", "is-leader", [], null));

        Assert.Equal(Convert.ToHexStringLower(GoClientBytes), Convert.ToHexStringLower(stream.Written.ToArray()));
        Assert.Equal(1, stdinReads);
        Assert.Equal(4, first.ExitCode);
        Assert.Equal("relation-set [\"-r\" \"db:7\" \"\" \"k=v\"] stdin!\n", Encoding.UTF8.GetString(first.Stdout));
        Assert.Equal("token tok", Encoding.UTF8.GetString(first.Stderr));
        Assert.Null(second.Error);
        Assert.Equal(0, second.Code);
        Assert.Equal("is-leader [] \n", Encoding.UTF8.GetString(second.Stdout));
        Assert.Empty(second.Stderr);
    }

    [Fact]
    public async Task Server_GoClientBytes_DecodeToTheThreeCalls()
    {
        var connection = new JujucRpcServerConnection(new MemoryStream(GoClientBytes));

        var first = await connection.ReadAsync(CancellationToken.None);
        var second = await connection.ReadAsync(CancellationToken.None);
        var third = await connection.ReadAsync(CancellationToken.None);
        var end = await connection.ReadAsync(CancellationToken.None);

        Assert.Equal(("Jujuc.Main", 0UL), (first!.ServiceMethod, first.Seq));
        Assert.Equal(RelationSet.Args, first.Request!.Args);
        Assert.Equal(("unit-0-hook-1", "/charm", "relation-set", "tok"), (first.Request.ContextId, first.Request.Dir, first.Request.CommandName, first.Request.Token));
        Assert.Null(first.Request.Stdin);
        Assert.Equal(1UL, second!.Seq);
        Assert.Equal("stdin!"u8.ToArray(), second.Request!.Stdin);
        Assert.Equal(2UL, third!.Seq);
        Assert.Equal(("c", "/", "is-leader"), (third.Request!.ContextId, third.Request.Dir, third.Request.CommandName));
        Assert.Empty(third.Request.Args);
        Assert.Equal(string.Empty, third.Request.Token);
        Assert.Null(end);
    }

    [Fact]
    public async Task ServerAndClient_ErrorThenResult_RoundTrip()
    {
        var toClient = new MemoryStream();
        var server = new JujucRpcServerConnection(toClient);
        var call = new JujucIncomingCall("Jujuc.Main", 0, null);
        await server.ReplyErrorAsync(call, "bad request: unknown command: frobnicate", CancellationToken.None);
        await server.ReplyAsync(call with { Seq = 1 }, 2, [], "ERROR option provided but not defined: --app\n"u8.ToArray(), CancellationToken.None);
        var client = new JujucRpcClient(new ScriptedStream(toClient.ToArray()));

        var error = client.Run(RelationSet with { CommandName = "frobnicate" }, () => throw new InvalidOperationException("stdin not asked for"));
        var usage = client.Run(RelationSet, () => []);

        Assert.Equal(1, error.ExitCode);
        Assert.Empty(error.Stdout);
        Assert.Equal("ERROR bad request: unknown command: frobnicate\n", Encoding.UTF8.GetString(error.Stderr));
        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("ERROR option provided but not defined: --app\n", Encoding.UTF8.GetString(usage.Stderr));
    }

    [Fact]
    public async Task Client_AnswerToAnotherCall_Throws()
    {
        var toClient = new MemoryStream();
        var server = new JujucRpcServerConnection(toClient);
        await server.ReplyAsync(new JujucIncomingCall("Jujuc.Main", 5, null), 0, [], [], CancellationToken.None);
        var client = new JujucRpcClient(new ScriptedStream(toClient.ToArray()));

        var error = Assert.Throws<InvalidDataException>(() => client.Call(RelationSet));

        Assert.Contains("call 5, not call 0", error.Message, StringComparison.Ordinal);
        Assert.True(client.RequestWritten);
    }

    [Fact]
    public async Task Client_SeveralCallsInOneWrite_AnswersTakenBySequenceNumber_ForgottenOnesDropped()
    {
        var toClient = new MemoryStream();
        var server = new JujucRpcServerConnection(toClient);
        foreach (var seq in new ulong[] { 2, 0, 1 })
        {
            await server.ReplyAsync(new JujucIncomingCall("Jujuc.Main", seq, null), (long)seq, Encoding.UTF8.GetBytes($"answer {seq}"), [], CancellationToken.None);
        }

        var stream = new ScriptedStream(toClient.ToArray());
        var client = new JujucRpcClient(stream);

        var first = client.Send([RelationSet, RelationSet with { CommandName = "is-leader" }, RelationSet with { CommandName = "config-get" }]);
        var written = stream.Written.Length;
        client.Forget(0);
        var one = client.Receive(1);
        var two = client.Receive(2);

        Assert.Equal(0UL, first);
        Assert.True(written > 0);
        Assert.Equal((1L, "answer 1"), (one.Code, Encoding.UTF8.GetString(one.Stdout)));
        Assert.Equal((2L, "answer 2"), (two.Code, Encoding.UTF8.GetString(two.Stdout)));
        Assert.Throws<InvalidOperationException>(() => client.Receive(0));
        Assert.Throws<InvalidOperationException>(() => client.Receive(1));
    }

    [Fact]
    public void Client_ConnectionClosedBeforeTheAnswer_ThrowsEndOfStream()
    {
        var client = new JujucRpcClient(new ScriptedStream([]));

        Assert.Throws<EndOfStreamException>(() => client.Call(RelationSet));
        Assert.True(client.RequestWritten);
    }

    [Theory]
    [InlineData("/var/lib/juju/agents/unit-a-0/agent.socket", false)]
    [InlineData("@/var/lib/juju/agents/unit-a-0/agent.socket", true)]
    public void UnixSocketAddress_PathOrAbstractName_EncodesAsGoDials(string address, bool isAbstract)
    {
        var (sockaddr, length, problem) = UnixSocketAddress.Encode(address);

        Assert.Null(problem);
        Assert.Equal(1, sockaddr[0]);
        Assert.Equal(0, sockaddr[1]);
        if (isAbstract)
        {
            // A leading NUL, then the name without its '@', and no terminator.
            Assert.Equal(2 + address.Length, length);
            Assert.Equal(0, sockaddr[2]);
            Assert.Equal(address[1..], Encoding.UTF8.GetString(sockaddr, 3, address.Length - 1));
        }
        else
        {
            Assert.Equal(2 + address.Length + 1, length);
            Assert.Equal(address, Encoding.UTF8.GetString(sockaddr, 2, address.Length));
            Assert.Equal(0, sockaddr[2 + address.Length]);
        }
    }

    [Fact]
    public void UnixSocketAddress_TooLong_SaysWhy()
    {
        var (_, _, problem) = UnixSocketAddress.Encode("/" + new string('s', 107));

        Assert.Equal("the socket path is 108 bytes; a unix socket path has at most 107", problem);
    }

    /// <summary>A connection whose reads come from a script and whose writes are recorded.</summary>
    private sealed class ScriptedStream(byte[] reads) : ConnectionStream
    {
        private readonly MemoryStream _reads = new(reads);

        public MemoryStream Written { get; } = new();

        public override int Read(Span<byte> buffer) => _reads.Read(buffer);

        public override void Write(ReadOnlySpan<byte> buffer) => Written.Write(buffer);
    }
}
