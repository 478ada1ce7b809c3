// PebbleClientExecTests: exec over the real ClientWebSocket against in-memory server websockets —
// the request, stdin and the end barrier, captured output, signals, exit codes and failures.
using System.Net;
using System.Net.WebSockets;
using System.Text;
using MlObs.Ops.Pebble;
using static MlObs.Ops.Tests.Pebble.PebbleClientTests;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleClientExecTests
{
    /// <summary>A scripted exec: what the fake Pebble received and how it answers.</summary>
    private sealed class FakeExec
    {
        public TaskCompletionSource OutputSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> StdinReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> ControlMessage { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ScriptedPebbleHandler Handler { get; } = new();

        public static FakeExec Create(int exitCode = 0, string? err = null, string stdout = "", string? stderr = "", bool holdUntilSignal = false)
        {
            var fake = new FakeExec();
            fake.Handler
                .OnJson("POST", "/v1/exec", Envelopes.Async("20", """{"task-id":"T20","environment":{},"working-dir":"/root"}"""), HttpStatusCode.Accepted)
                .On("GET", "/v1/tasks/T20/websocket/control", request => WebSocketUpgrade.Accept(request, async socket =>
                {
                    var buffer = new byte[1024];
                    var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    fake.ControlMessage.TrySetResult(Encoding.UTF8.GetString(buffer, 0, received.Count));
                }))
                .On("GET", "/v1/tasks/T20/websocket/stdio", request => WebSocketUpgrade.Accept(request, async socket =>
                {
                    var (stdin, _) = await WebSocketUpgrade.ReadUntilEndAsync(socket);
                    fake.StdinReceived.TrySetResult(stdin);
                    if (holdUntilSignal)
                    {
                        await fake.ControlMessage.Task;
                    }

                    await WebSocketUpgrade.SendBinaryAsync(socket, stdout);
                    await WebSocketUpgrade.SendEndAsync(socket);
                    fake.OutputSent.TrySetResult();
                }))
                .On("GET", "/v1/tasks/T20/websocket/stderr", request => WebSocketUpgrade.Accept(request, async socket =>
                {
                    if (stderr is not null)
                    {
                        await WebSocketUpgrade.SendBinaryAsync(socket, stderr);
                    }

                    await WebSocketUpgrade.SendEndAsync(socket);
                }))
                .On("GET", "/v1/changes/20/wait", async (_, token) =>
                {
                    await fake.OutputSent.Task.WaitAsync(token);
                    return ScriptedPebbleHandler.Json(Envelopes.Sync(Envelopes.Change("20", "exec", err: err, exitCode: exitCode)));
                });
            return fake;
        }
    }

    [Fact]
    public async Task ExecAsync_Command_PostsExecRequest()
    {
        var fake = FakeExec.Create();
        using var client = Client(fake.Handler);

        await client.ExecAsync(["/bin/migrate", "--all"], new ExecOptions
        {
            Environment = new Dictionary<string, string> { ["MODE"] = "fast" },
            WorkingDir = "/srv",
            Timeout = TimeSpan.FromSeconds(10),
            User = "app",
            UserId = 1000,
            Group = "app",
            GroupId = 1000,
            ServiceContext = "drift",
        });

        Assert.Equal(
            """
            {"command":["/bin/migrate","--all"],"service-context":"drift","environment":{"MODE":"fast"},"working-dir":"/srv","timeout":"10.000s","user-id":1000,"user":"app","group-id":1000,"group":"app","terminal":false,"interactive":false,"split-stderr":true}
            """,
            fake.Handler.Single("POST", "/v1/exec").BodyText);
        Assert.Equal(
            ["/v1/exec", "/v1/tasks/T20/websocket/control", "/v1/tasks/T20/websocket/stdio", "/v1/tasks/T20/websocket/stderr", "/v1/changes/20/wait"],
            fake.Handler.Requests.Select(r => r.Path));
        Assert.Equal("4.000s", fake.Handler.Single("GET", "/v1/changes/20/wait").QueryParams["timeout"]);
    }

    [Fact]
    public async Task ExecAsync_StdinAndOutput_SendsInputThenEndAndCapturesBothStreams()
    {
        var fake = FakeExec.Create(stdout: "hello from stdout\n", stderr: "a warning\n");
        using var client = Client(fake.Handler);

        var result = await client.ExecAsync(["cat"], new ExecOptions { Stdin = "input line\n" });

        Assert.Equal(new ExecResult(0, "hello from stdout\n", "a warning\n"), result);
        Assert.Equal("input line\n", await fake.StdinReceived.Task);
    }

    [Fact]
    public async Task ExecAsync_StdinStream_CopiesItAll()
    {
        var fake = FakeExec.Create();
        using var client = Client(fake.Handler);
        var input = string.Concat(Enumerable.Repeat("0123456789", 5000));

        await client.ExecAsync(["wc", "-c"], new ExecOptions { StdinStream = new MemoryStream(Encoding.UTF8.GetBytes(input)) });

        Assert.Equal(input, await fake.StdinReceived.Task);
    }

    [Fact]
    public async Task ExecAsync_NoStdin_SendsEndAtOnce()
    {
        var fake = FakeExec.Create(stdout: "ok");
        using var client = Client(fake.Handler);

        var result = await client.ExecAsync(["true"]);

        Assert.Equal(string.Empty, await fake.StdinReceived.Task);
        Assert.Equal("ok", result.Stdout);
    }

    [Fact]
    public async Task ExecAsync_NonZeroExit_ReturnsTheCodeFromTheChange()
    {
        var fake = FakeExec.Create(exitCode: 3, stdout: "partial");
        using var client = Client(fake.Handler);

        var result = await client.ExecAsync(["false"]);

        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task ExecAndCheckAsync_NonZeroExit_ThrowsExecException()
    {
        var fake = FakeExec.Create(exitCode: 2, stdout: "out", stderr: "bad flag");
        using var client = Client(fake.Handler);

        var ex = await Assert.ThrowsAsync<PebbleExecException>(() => client.ExecAndCheckAsync(["tool", "--bad"]));

        Assert.Equal(2, ex.ExitCode);
        Assert.Equal(["tool", "--bad"], ex.Command);
        Assert.Equal("out", ex.Stdout);
        Assert.Equal("bad flag", ex.Stderr);
        Assert.Equal("non-zero exit code 2 executing 'tool', stdout='out', stderr='bad flag'", ex.Message);
    }

    [Fact]
    public async Task ExecAsync_ChangeWithErr_ThrowsChangeException()
    {
        var fake = FakeExec.Create(exitCode: -1, err: "cannot perform the following tasks:\n- exec (timed out after 1s: context deadline exceeded)");
        using var client = Client(fake.Handler);

        var ex = await Assert.ThrowsAsync<PebbleChangeException>(() => client.ExecAsync(["sleep", "5"], new ExecOptions { Timeout = TimeSpan.FromSeconds(1) }));

        Assert.Contains("timed out after 1s", ex.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecAsync_CombineStderr_UsesNoStderrSocket()
    {
        var fake = FakeExec.Create(stdout: "both");
        using var client = Client(fake.Handler);

        var result = await client.ExecAsync(["sh", "-c", "echo both >&2"], new ExecOptions { CombineStderr = true });

        Assert.Null(result.Stderr);
        Assert.False(fake.Handler.Single("POST", "/v1/exec").Json.GetProperty("split-stderr").GetBoolean());
        Assert.DoesNotContain(fake.Handler.Requests, r => r.Path.EndsWith("/stderr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartExecAsync_SendSignal_WritesControlCommand()
    {
        var fake = FakeExec.Create(holdUntilSignal: true, stdout: "terminated");
        using var client = Client(fake.Handler);

        await using var process = await client.StartExecAsync(["sleep", "infinity"]);
        await process.SendSignalAsync("SIGTERM");
        var result = await process.WaitAsync();

        Assert.Equal("""{"command":"signal","signal":{"name":"SIGTERM"}}""", await fake.ControlMessage.Task);
        Assert.Equal("terminated", result.Stdout);
        Assert.Equal("20", process.ChangeId);
        Assert.Equal("T20", process.TaskId);
    }

    [Fact]
    public async Task ExecAsync_CannotFindExecutable_ThrowsApiException()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/exec", Envelopes.Error(400, "Bad Request", "cannot find executable \"nope\""), HttpStatusCode.BadRequest);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.ExecAsync(["nope"]));

        Assert.Equal("cannot find executable \"nope\"", ex.Message);
    }

    [Fact]
    public async Task ExecAsync_WebsocketRefused_ReportsTheChangeError()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/exec", Envelopes.Async("30", """{"task-id":"T30"}"""), HttpStatusCode.Accepted)
            .OnJson("GET", "/v1/tasks/T30/websocket/control", Envelopes.Error(404, "Not Found", "task not found"), HttpStatusCode.NotFound)
            .OnJson("GET", "/v1/changes/30/wait", Envelopes.Sync(Envelopes.Change("30", "exec", err: "exec failed to start")));
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleChangeException>(() => client.ExecAsync(["x"]));

        Assert.Equal("exec failed to start", ex.Err);
    }

    [Fact]
    public async Task ExecAsync_EmptyCommand_ThrowsArgumentException()
    {
        using var client = Client(new ScriptedPebbleHandler());

        await Assert.ThrowsAsync<ArgumentException>(() => client.ExecAsync([]));
    }
}
