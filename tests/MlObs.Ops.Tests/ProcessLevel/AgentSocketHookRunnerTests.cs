// AgentSocketHookRunner: the in-process calls on the agent's socket give what running the tool
// (mlobs-jujuc) gives, against the same HookToolServer; and the runner falls back to processes,
// without repeating a call's effect, when the socket is missing or does not speak Jujuc.Main.
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

using MlObs.Ops.HookTools;
using MlObs.Ops.HookTools.Rpc;
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Tests.HookTools;

namespace MlObs.Ops.Tests.ProcessLevel;

[Collection(PublishedSampleCharm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentSocketHookRunnerTests(SampleCharmPublish publish) : IAsyncLifetime
{
    private const string ContextId = "sample-k8s/0-config-changed-1";

    private readonly string _root = Directory.CreateTempSubdirectory("agent-socket-").FullName;
    private readonly ConcurrentQueue<HookToolCall> _calls = new();
    private Func<HookToolCall, HookToolReply> _answer = _ => HookToolReply.Ok();
    private Testing.HookTools.HookToolServer _server = null!;
    private string _toolsDir = null!;

    private string CharmDir => Path.Combine(_root, "charm dir");

    public async Task InitializeAsync()
    {
        _server = Testing.HookTools.HookToolServer.Start((call, _) =>
        {
            _calls.Enqueue(call);
            return Task.FromResult(_answer(call));
        });
        Directory.CreateDirectory(CharmDir);

        // Each tool on PATH is a script that gives mlobs-jujuc (linked under the tool's name, so
        // argv[0] names the tool) the agent's variables, which the runner passes on from this
        // process's environment, where no test may put them.
        var links = Path.Combine(_root, "links");
        await HookToolInstaller.InstallAsync(links, await publish.HookToolClient, ["config-get", "relation-set", "state-set", "status-set", "is-leader"]);
        _toolsDir = Directory.CreateDirectory(Path.Combine(_root, "tools")).FullName;
        foreach (var link in Directory.GetFiles(links))
        {
            var script = Path.Combine(_toolsDir, Path.GetFileName(link));
            await File.WriteAllTextAsync(script,
                $"#!/bin/sh\nexport JUJU_CONTEXT_ID='{ContextId}' JUJU_AGENT_SOCKET_ADDRESS='{_server.SocketPath}' JUJU_AGENT_SOCKET_NETWORK=unix\nexec '{link}' \"$@\"\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private ProcessHookCommandRunner Processes() => new($"{_toolsDir}:/usr/bin:/bin", CharmDir);

    private AgentSocketHookRunner Socket(IHookCommandRunner? fallback = null, string? address = null) =>
        new(new AgentSocketSettings(address ?? _server.SocketPath, ContextId, "", CharmDir), fallback ?? Processes());

    // Runs the request both ways and returns both results with the calls the agent saw for each.
    private async Task<(HookCommandResult Exec, HookCommandResult Socket, HookToolCall[] ExecCalls, HookToolCall[] SocketCalls)> BothWaysAsync(
        HookCommandRequest request)
    {
        var exec = await Processes().RunAsync(request);
        var execCalls = Drain();
        using var runner = Socket(fallback: new FakeHookCommandRunner { Strict = true });
        var socket = await runner.RunAsync(request);
        Assert.Null(runner.FallbackReason);
        return (exec, socket, execCalls, Drain());
    }

    private HookToolCall[] Drain()
    {
        var calls = new List<HookToolCall>();
        while (_calls.TryDequeue(out var call))
        {
            calls.Add(call);
        }

        return [.. calls];
    }

    private static void AssertSameCalls(HookToolCall[] expected, HookToolCall[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(
                (expected[i].ContextId, expected[i].WorkingDirectory, expected[i].Tool, string.Join('\u001f', expected[i].Args)),
                (actual[i].ContextId, actual[i].WorkingDirectory, actual[i].Tool, string.Join('\u001f', actual[i].Args)));
            Assert.Equal(expected[i].Stdin?.ToArray(), actual[i].Stdin?.ToArray());
        }
    }

    [SkippableFact]
    public async Task Run_Success_SameResultAndCallAsTheProcess()
    {
        _answer = _ => HookToolReply.Ok("{\"port\": 8080, \"name\": \"ünï€ødé 🚀\"}\n");

        var (exec, socket, execCalls, socketCalls) = await BothWaysAsync(new HookCommandRequest("config-get", ["--format=json", "", "a b"]));

        Assert.Equal(new HookCommandResult(0, "{\"port\": 8080, \"name\": \"ünï€ødé 🚀\"}\n", ""), exec);
        Assert.Equal(exec, socket);
        AssertSameCalls(execCalls, socketCalls);
        Assert.Equal(Path.GetFullPath(CharmDir), Assert.Single(socketCalls).WorkingDirectory);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(300)]
    public async Task Run_FailureExitCode_SameCodeAndStderrAsTheProcess(int code)
    {
        _answer = _ => HookToolReply.Result(code, "partial\n", "ERROR option provided but not defined: --app\n");

        var (exec, socket, _, _) = await BothWaysAsync(new HookCommandRequest("status-set", ["--app", "active"]));

        Assert.Equal(code & 0xff, exec.ExitCode);
        Assert.Equal(exec, socket);
    }

    [SkippableFact]
    public async Task Run_HandlerThrows_SameErrorAsTheProcess()
    {
        _answer = _ => throw new InvalidOperationException("state exploded");

        var (exec, socket, _, _) = await BothWaysAsync(new HookCommandRequest("is-leader", ["--format=json"]));

        Assert.Equal(new HookCommandResult(1, "", "ERROR state exploded\n"), exec);
        Assert.Equal(exec, socket);
    }

    [SkippableFact]
    public async Task Run_ToolWantsStdin_GetsItOnDemandAsFromTheProcess()
    {
        _answer = call => call.Stdin is null ? HookToolReply.NeedsStdin : HookToolReply.Ok($"got {Encoding.UTF8.GetString(call.Stdin.Value.Span)}");

        var (exec, socket, execCalls, socketCalls) = await BothWaysAsync(new HookCommandRequest("relation-set", ["-r", "1", "--file", "-"], "{\"k\": \"v€\"}"));

        Assert.Equal(new HookCommandResult(0, "got {\"k\": \"v€\"}", ""), exec);
        Assert.Equal(exec, socket);
        Assert.Equal(2, socketCalls.Length);
        Assert.Null(socketCalls[0].Stdin);
        AssertSameCalls(execCalls, socketCalls);
    }

    [SkippableFact]
    public async Task Run_ToolWantsStdinButThereIsNone_GetsAnEmptyStdinAsFromTheProcess()
    {
        _answer = call => call.Stdin is null ? HookToolReply.NeedsStdin : HookToolReply.Ok($"{call.Stdin.Value.Length} bytes");

        var (exec, socket, execCalls, socketCalls) = await BothWaysAsync(new HookCommandRequest("state-set", ["--file", "-"]));

        Assert.Equal(new HookCommandResult(0, "0 bytes", ""), exec);
        Assert.Equal(exec, socket);
        AssertSameCalls(execCalls, socketCalls);
    }

    [SkippableFact]
    public async Task Run_LargeStdinAndOutput_SameAsTheProcess()
    {
        var stdin = string.Concat(Enumerable.Range(0, 60_000).Select(i => $"key{i}: value {i}\n"));
        _answer = call => call.Stdin is null ? HookToolReply.NeedsStdin : HookToolReply.Ok(Encoding.UTF8.GetString(call.Stdin.Value.Span).ToUpperInvariant());

        var (exec, socket, _, _) = await BothWaysAsync(new HookCommandRequest("state-set", ["--file", "-"], stdin));

        Assert.Equal(stdin.ToUpperInvariant(), exec.Stdout);
        Assert.Equal(exec, socket);
    }

    [Fact]
    public async Task Run_ManyCalls_ShareOneConnection()
    {
        await using var agent = ScriptedAgent.Start(Path.Combine(_root, "echo.socket"), (_, request) => request.Args[0]);
        using var runner = Socket(new FakeHookCommandRunner { Strict = true }, agent.Path);

        for (var i = 0; i < 20; i++)
        {
            var result = await runner.RunAsync(new HookCommandRequest("is-leader", [$"{i}"]));
            Assert.Equal($"{i}", result.Stdout);
        }

        Assert.Equal(20, runner.SocketCalls);
        Assert.Null(runner.FallbackReason);
        Assert.Equal(1, agent.Connections);
    }

    [Fact]
    public async Task Run_NoSocket_FallsBackToProcessesForEveryCall()
    {
        var fallback = new FakeHookCommandRunner().Respond("is-leader", stdout: "true\n");
        var missing = Path.Combine(_root, "no-such.socket");
        using var runner = Socket(fallback, missing);

        var first = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));
        await using (var late = Testing.HookTools.HookToolServer.Start((_, _) => Task.FromResult(HookToolReply.Ok("late\n")), missing))
        {
            var second = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));
            Assert.Equal("true\n", second.Stdout);
        }

        Assert.Equal("true\n", first.Stdout);
        Assert.Equal(2, fallback.Calls.Count);
        Assert.Equal(0, runner.SocketCalls);
        Assert.Contains("no-such.socket", runner.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ServerSpeaksGarbage_FallsBackWithoutLosingTheCall()
    {
        var fallback = new FakeHookCommandRunner().Respond("config-get", stdout: "{}\n");
        var path = Path.Combine(_root, "garbage.socket");
        using var listener = Listen(path);
        var garbage = AnswerGarbageOnceAsync(listener);
        using var runner = Socket(fallback, path);

        var result = await runner.RunAsync(new HookCommandRequest("config-get", ["--format=json"]));
        await garbage;

        Assert.Equal("{}\n", result.Stdout);
        Assert.Single(fallback.Calls);
        Assert.StartsWith("the agent socket does not answer Jujuc.Main", runner.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ConnectionLostAfterTheRequest_FailsTheCallWithoutRunningItAgain()
    {
        var fallback = new FakeHookCommandRunner().Respond("relation-set", stdout: "ran again\n").Respond("is-leader", stdout: "True\n");
        // The agent dies while running the command: no reply.
        await using var agent = ScriptedAgent.Start(Path.Combine(_root, "flaky.socket"), (call, _) => call == 1 ? null : "ok");
        using var runner = Socket(fallback, agent.Path);

        var lost = await runner.RunAsync(new HookCommandRequest("relation-set", ["-r", "1", "k=v"]));
        var next = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));

        Assert.Equal(["relation-set"], agent.Received.Select(r => r.CommandName));
        Assert.Equal(1, lost.ExitCode);
        Assert.StartsWith("ERROR hook tool relation-set: ", lost.Stderr, StringComparison.Ordinal);
        Assert.Equal("True\n", next.Stdout);
        Assert.Equal(["is-leader"], fallback.Calls.Select(c => c.Tool));
        Assert.StartsWith("relation-set: ", runner.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ArgumentWithNul_IsLeftToTheProcessRunner()
    {
        var fallback = new FakeHookCommandRunner().Respond("juju-log", stdout: "");
        using var runner = Socket(fallback);

        await runner.RunAsync(new HookCommandRequest("juju-log", ["a\0b"]));

        Assert.Single(fallback.Calls);
        Assert.Empty(Drain());
    }

    [SkippableFact]
    public async Task ReadAhead_TheSameCallsLater_TakeTheAnswersOfOneWrite()
    {
        _answer = call => HookToolReply.Ok($"{call.Tool} {string.Join(' ', call.Args)}\n");
        using var runner = Socket(fallback: new FakeHookCommandRunner { Strict = true });

        runner.ReadAhead([new("state-get", ["--format=json"]), new("is-leader", ["--format=json"]), new("config-get", ["--format=json"])], CancellationToken.None);
        var leader = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));
        var state = await runner.RunAsync(new HookCommandRequest("state-get", ["--format=json"]));
        var config = await runner.RunAsync(new HookCommandRequest("config-get", ["--format=json"]));
        var asked = Drain();
        var again = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));

        Assert.Equal(("is-leader --format=json\n", "state-get --format=json\n", "config-get --format=json\n"), (leader.Stdout, state.Stdout, config.Stdout));
        Assert.Equal(["state-get", "is-leader", "config-get"], asked.Select(c => c.Tool));
        Assert.All(asked, c => Assert.Equal(Path.GetFullPath(CharmDir), c.WorkingDirectory));
        // An answer is taken once: the same call again is asked again.
        Assert.Equal("is-leader --format=json\n", again.Stdout);
        Assert.Equal(["is-leader"], Drain().Select(c => c.Tool));
        Assert.Equal(4, runner.SocketCalls);
        Assert.Null(runner.FallbackReason);
    }

    [SkippableFact]
    public async Task ReadAhead_AToolThatMayChangeAnswers_DropsTheAnswersNotTaken()
    {
        var leaderAnswers = 0;
        _answer = call => HookToolReply.Ok(call.Tool == "is-leader" ? $"{++leaderAnswers}\n" : "{}\n");
        using var runner = Socket(fallback: new FakeHookCommandRunner { Strict = true });

        runner.ReadAhead([new("is-leader", ["--format=json"]), new("config-get", ["--format=json"])], CancellationToken.None);
        _ = await runner.RunAsync(new HookCommandRequest("config-get", ["--format=json"]));
        _ = await runner.RunAsync(new HookCommandRequest("juju-log", ["--log-level", "INFO", "--", "logging changes nothing"]));
        _ = await runner.RunAsync(new HookCommandRequest("status-set", ["--application=False", "active", "--", ""]));
        var leader = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));

        // The answer read ahead (1) came before status-set ran; the call after it is asked again (2).
        Assert.Equal("2\n", leader.Stdout);
        Assert.Equal(["is-leader", "config-get", "juju-log", "status-set", "is-leader"], Drain().Select(c => c.Tool));
        Assert.Null(runner.FallbackReason);
    }

    [SkippableFact]
    public async Task ReadAhead_JujuLogBetween_KeepsTheAnswers()
    {
        using var runner = Socket(fallback: new FakeHookCommandRunner { Strict = true });

        runner.ReadAhead([new("is-leader", ["--format=json"])], CancellationToken.None);
        _ = await runner.RunAsync(new HookCommandRequest("juju-log", ["--log-level", "INFO", "--", "hello"]));
        _ = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));

        Assert.Equal(["is-leader", "juju-log"], Drain().Select(c => c.Tool));
    }

    [Fact]
    public async Task ReadAhead_AnswersInAnotherOrder_AreMatchedBySequenceNumber()
    {
        // Juju's agent runs the calls of a connection each on a goroutine: the answers may come in any order.
        await using var agent = ScriptedAgent.Start(Path.Combine(_root, "reversed.socket"), (_, request) => request.Args[0], reverseBatchesOf: 3);
        using var runner = Socket(new FakeHookCommandRunner { Strict = true }, agent.Path);

        runner.ReadAhead([new("relation-ids", ["a"]), new("relation-ids", ["b"]), new("relation-ids", ["c"])], CancellationToken.None);
        var b = await runner.RunAsync(new HookCommandRequest("relation-ids", ["b"]));
        var a = await runner.RunAsync(new HookCommandRequest("relation-ids", ["a"]));
        var c = await runner.RunAsync(new HookCommandRequest("relation-ids", ["c"]));

        Assert.Equal(("a", "b", "c"), (a.Stdout, b.Stdout, c.Stdout));
        Assert.Equal(3, runner.SocketCalls);
        Assert.Equal(1, agent.Connections);
    }

    [Fact]
    public async Task ReadAhead_NoSocket_TheCallsRunAsProcesses()
    {
        var fallback = new FakeHookCommandRunner().Respond("is-leader", stdout: "true\n");
        using var runner = Socket(fallback, Path.Combine(_root, "no-such.socket"));

        runner.ReadAhead([new("is-leader", ["--format=json"])], CancellationToken.None);
        var result = await runner.RunAsync(new HookCommandRequest("is-leader", ["--format=json"]));

        Assert.Equal("true\n", result.Stdout);
        Assert.Single(fallback.Calls);
        Assert.Contains("no-such.socket", runner.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAhead_ServerSpeaksGarbage_TheReadRunsAsAProcess()
    {
        var fallback = new FakeHookCommandRunner().Respond("config-get", stdout: "{}\n");
        var path = Path.Combine(_root, "garbage-ahead.socket");
        using var listener = Listen(path);
        var garbage = AnswerGarbageOnceAsync(listener);
        using var runner = Socket(fallback, path);

        runner.ReadAhead([new("config-get", ["--format=json"])], CancellationToken.None);
        var result = await runner.RunAsync(new HookCommandRequest("config-get", ["--format=json"]));
        await garbage;

        // The read may have reached the peer, but a read changes nothing, so it runs again as a process.
        Assert.Equal("{}\n", result.Stdout);
        Assert.Single(fallback.Calls);
        Assert.StartsWith("the agent socket does not answer Jujuc.Main", runner.FallbackReason, StringComparison.Ordinal);
    }

    private static Socket Listen(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return listener;
    }

    // A peer that is not Juju's agent: it answers the first connection with HTTP and hangs up.
    private static async Task AnswerGarbageOnceAsync(Socket listener)
    {
        using var client = await listener.AcceptAsync();
        await client.SendAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray());
        client.Shutdown(SocketShutdown.Both);
    }

    /// <summary>
    /// An agent that answers the probe as Juju does and each Jujuc.Main call (numbered from 1)
    /// with stdout from <c>answer</c>; a null answer closes the connection instead of replying.
    /// </summary>
    private sealed class ScriptedAgent : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<int, JujucRequest, string?> _answer;
        private readonly Task _loop;
        private int _connections;

        private readonly int _reverseBatchesOf;

        private ScriptedAgent(string path, Func<int, JujucRequest, string?> answer, int reverseBatchesOf)
        {
            Path = path;
            _answer = answer;
            _reverseBatchesOf = reverseBatchesOf;
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen(8);
            _loop = Task.Run(AcceptAsync);
        }

        public string Path { get; }

        public int Connections => Volatile.Read(ref _connections);

        public ConcurrentQueue<JujucRequest> Received { get; } = new();

        /// <param name="reverseBatchesOf">When above 1, calls are held until that many arrived and answered last first.</param>
        public static ScriptedAgent Start(string path, Func<int, JujucRequest, string?> answer, int reverseBatchesOf = 1) => new(path, answer, reverseBatchesOf);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Stopped while accepting.
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            var calls = 0;
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                await using var stream = new NetworkStream(client);
                var connection = new JujucRpcServerConnection(stream);
                var held = new List<(JujucIncomingCall Call, string Stdout)>();
                while (await connection.ReadAsync(_stop.Token) is { Request: { } request } call)
                {
                    if (request.CommandName.Length == 0)
                    {
                        await connection.ReplyErrorAsync(call, "bad request: command not specified", _stop.Token);
                        continue;
                    }

                    Received.Enqueue(request);
                    if (_answer(++calls, request) is not { } stdout)
                    {
                        break;
                    }

                    held.Add((call, stdout));
                    if (held.Count < _reverseBatchesOf)
                    {
                        continue;
                    }

                    for (var i = held.Count - 1; i >= 0; i--)
                    {
                        await connection.ReplyAsync(held[i].Call, 0, Encoding.UTF8.GetBytes(held[i].Stdout), [], _stop.Token);
                    }

                    held.Clear();
                }
            }
        }
    }
}
