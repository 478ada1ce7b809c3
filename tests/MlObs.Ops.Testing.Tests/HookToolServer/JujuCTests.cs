// Process-level tests of mlobs-jujuc against HookToolServer: argv, cwd and context id reach the
// handler intact; output bytes and exit codes come back verbatim; stdin travels only on demand;
// client-side failures look like jujuc's.
using System.Collections.Concurrent;
using System.Text;

using MlObs.Ops.Testing.HookTools;

namespace MlObs.Ops.Tests.HookToolServer;

[Collection(PublishedJujuC.Name)]
public sealed class JujuCTests(JujuCFixture fixture)
{
    private string Tool(string name) => Path.Combine(fixture.ToolsDir, name);

    private Task<ToolResult> RunToolAsync(
        string tool, string[] arguments, byte[]? stdin = null, bool keepStdinOpen = false, string? cwd = null) =>
        JujuCFixture.RunAsync(Tool(tool), arguments, fixture.Environment(), cwd ?? fixture.Root, stdin, keepStdinOpen);

    private ConcurrentQueue<HookToolCall> Record(Func<HookToolCall, HookToolReply> answer)
    {
        var calls = new ConcurrentQueue<HookToolCall>();
        fixture.Handler = (call, _) =>
        {
            calls.Enqueue(call);
            return Task.FromResult(answer(call));
        };
        return calls;
    }

    [Fact]
    public async Task Call_ArgumentsWithSpacesNewlinesEmptyAndUnicode_ReachTheHandlerVerbatim()
    {
        var calls = Record(_ => HookToolReply.Ok());
        string[] arguments = ["-r", "db:7", "key=a value", "multi\nline\n", "", "ünï€ødé 🚀", "--", "-", "  "];

        var result = await RunToolAsync("relation-set", arguments);

        Assert.True(result.ExitCode == 0, result.Describe());
        var call = Assert.Single(calls);
        Assert.Equal("relation-set", call.Tool);
        Assert.Equal(arguments, call.Args);
        Assert.Null(call.Stdin);
    }

    [Fact]
    public async Task Call_FromASubdirectory_SendsTheAbsoluteCwdAndTheContextId()
    {
        var calls = Record(_ => HookToolReply.Ok());
        var cwd = Directory.CreateDirectory(Path.Combine(fixture.Root, "charm dir", "sub")).FullName;

        var result = await JujuCFixture.RunAsync(
            Tool("config-get"), ["--format=json"], fixture.Environment("app-0-config-changed-42"), cwd);

        Assert.True(result.ExitCode == 0, result.Describe());
        var call = Assert.Single(calls);
        Assert.Equal(cwd, call.WorkingDirectory);
        Assert.True(Path.IsPathRooted(call.WorkingDirectory));
        Assert.Equal("app-0-config-changed-42", call.ContextId);
    }

    [Fact]
    public async Task Call_OutputWithNonUtf8Bytes_IsWrittenVerbatim()
    {
        byte[] stdout = [0xff, 0xfe, 0x00, (byte)'a', 0x80, (byte)'\n', 0xc3];
        byte[] stderr = [0xc0, 0xaf, (byte)'\r', (byte)'\n', 0x00];
        Record(_ => HookToolReply.Result(0, stdout, stderr));

        var result = await RunToolAsync("secret-get", ["secret:abc"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(stdout, result.Stdout);
        Assert.Equal(stderr, result.Stderr);
    }

    [Fact]
    public async Task Call_LargeOutput_IsWrittenInFull()
    {
        var stdout = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(stdout);
        Record(_ => HookToolReply.Result(0, stdout, ReadOnlyMemory<byte>.Empty));

        var result = await RunToolAsync("state-get", []);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(stdout, result.Stdout);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Call_HandlerExitCode_IsTheToolsExitCode(int exitCode)
    {
        Record(_ => HookToolReply.Result(exitCode, $"out {exitCode}\n", $"ERROR err {exitCode}\n"));

        var result = await RunToolAsync("status-set", ["active"]);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal($"out {exitCode}\n", result.StdoutText);
        Assert.Equal($"ERROR err {exitCode}\n", result.StderrText);
    }

    [Fact]
    public async Task Call_HandlerThrows_ErrorAndExit1()
    {
        fixture.Handler = (_, _) => throw new InvalidOperationException("state exploded");

        var result = await RunToolAsync("is-leader", ["--format=json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ERROR state exploded\n", result.StderrText);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Call_HandlerNeedsStdin_GetsAllOfStdinOnTheSecondRequest()
    {
        var calls = Record(call => call.Stdin is null
            ? HookToolReply.NeedsStdin
            : HookToolReply.Ok($"got {call.Stdin.Value.Length}\n"));
        var stdin = new byte[200_000];
        new Random(3).NextBytes(stdin);

        var result = await RunToolAsync("relation-set", ["--file", "-"], stdin);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("got 200000\n", result.StdoutText);
        var twoCalls = calls.ToArray();
        Assert.Equal(2, twoCalls.Length);
        Assert.Null(twoCalls[0].Stdin);
        Assert.Equal(stdin, twoCalls[1].Stdin!.Value.ToArray());
        Assert.Equal(twoCalls[0].Args, twoCalls[1].Args);
    }

    [Fact]
    public async Task Call_ToolNotNeedingStdin_DoesNotReadAStdinNobodyCloses()
    {
        Record(_ => HookToolReply.Ok("{}\n"));

        // Reading this stdin would block until the test's timeout.
        var result = await RunToolAsync("config-get", ["--format=json"], "partial"u8.ToArray(), keepStdinOpen: true);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("{}\n", result.StdoutText);
    }

    [Fact]
    public async Task Call_HandlerNeedsStdinTwice_ErrorAndExit1()
    {
        Record(_ => HookToolReply.NeedsStdin);

        var result = await RunToolAsync("state-set", ["--file", "-"], "k: v\n"u8.ToArray());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ERROR hook tool requires stdin, none supplied\n", result.StderrText);
    }

    [Fact]
    public async Task Call_WithoutContextId_ErrorAndExit1()
    {
        var calls = Record(_ => HookToolReply.Ok());
        var environment = fixture.Environment();
        environment.Remove("JUJU_CONTEXT_ID");

        var result = await JujuCFixture.RunAsync(Tool("config-get"), [], environment, fixture.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ERROR JUJU_CONTEXT_ID not set\n", result.StderrText);
        Assert.Empty(result.Stdout);
        Assert.Empty(calls);
    }

    [Fact]
    public async Task Call_UnreachableSocket_ErrorAndExit1()
    {
        var environment = fixture.Environment();
        environment["JUJU_AGENT_SOCKET_ADDRESS"] = Path.Combine(fixture.Root, "no-such.socket");

        var result = await JujuCFixture.RunAsync(Tool("config-get"), [], environment, fixture.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("ERROR cannot connect to the hook-tool server at ", result.StderrText, StringComparison.Ordinal);
        Assert.EndsWith("\n", result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_SocketPathTooLong_ErrorAndExit1()
    {
        var environment = fixture.Environment();
        var path = "/tmp/" + new string('s', 200) + ".socket";
        environment["JUJU_AGENT_SOCKET_ADDRESS"] = path;

        var result = await JujuCFixture.RunAsync(Tool("config-get"), [], environment, fixture.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"ERROR cannot connect to the hook-tool server at {path}: the socket path is 212 bytes; a unix socket path has at most 107\n", result.StderrText);
    }

    [Fact]
    public async Task Call_TcpNetwork_ErrorAndExit1()
    {
        var environment = fixture.Environment();
        environment["JUJU_AGENT_SOCKET_NETWORK"] = "tcp";

        var result = await JujuCFixture.RunAsync(Tool("config-get"), [], environment, fixture.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("ERROR unsupported JUJU_AGENT_SOCKET_NETWORK \"tcp\"", result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_NoNetworkVariable_DefaultsToUnix()
    {
        Record(_ => HookToolReply.Ok("True\n"));
        var environment = fixture.Environment();
        environment.Remove("JUJU_AGENT_SOCKET_NETWORK");

        var result = await JujuCFixture.RunAsync(Tool("is-leader"), [], environment, fixture.Root);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("True\n", result.StdoutText);
    }

    [Fact]
    public async Task Run_BareBinary_PrintsUsageAndExits2()
    {
        var calls = Record(_ => HookToolReply.Ok());

        var result = await JujuCFixture.RunAsync(fixture.Binary, ["config-get"], fixture.Environment(), fixture.Root);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("usage: ", result.StderrText, StringComparison.Ordinal);
        Assert.Single(result.StderrText.TrimEnd('\n').Split('\n'));
        Assert.Empty(calls);
    }

    [Fact]
    public async Task Call_ByBareNameOnPath_ToolNameIsTheLinkName()
    {
        var calls = Record(call => HookToolReply.Ok(call.Tool + "\n"));

        // As ops runs tools: by bare name, found on PATH.
        var result = await JujuCFixture.RunAsync("/bin/sh", ["-c", "goal-state --format=json"], fixture.Environment(), fixture.Root);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("goal-state\n", result.StdoutText);
        Assert.Equal("goal-state", Assert.Single(calls).Tool);
    }

    [Fact]
    public async Task Call_TwentyConcurrentTools_AllAnswered()
    {
        // Every handler call waits until all twenty are in flight: proof they are served concurrently.
        var inFlight = 0;
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Handler = async (call, ct) =>
        {
            if (Interlocked.Increment(ref inFlight) == 20)
            {
                allIn.TrySetResult();
            }

            await allIn.Task.WaitAsync(TimeSpan.FromSeconds(20), ct);
            return HookToolReply.Ok($"{call.Args[0]}\n");
        };

        var runs = Enumerable.Range(0, 20)
            .Select(i => RunToolAsync("relation-get", [i.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            .ToArray();
        var results = await Task.WhenAll(runs);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].Describe());
            Assert.Equal($"{i}\n", results[i].StdoutText);
        }
    }
}
