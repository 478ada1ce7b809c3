// PebbleConnectionTests: the client over a real unix socket — a missing or refusing socket, a server
// that hangs up (at once, when idle, before an answer) or answers late, chunked bodies both ways,
// keep-alive and Connection: close, and an exec websocket.
using System.Net.Sockets;
using System.Net.WebSockets;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleConnectionTests
{
    [Fact]
    public async Task GetSystemInfoAsync_NoSocketAtPath_ThrowsSocketNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.socket");
        using var client = new PebbleClient(path);

        var ex = await Assert.ThrowsAsync<PebbleConnectionException>(() => client.GetSystemInfoAsync());

        Assert.Equal($"Could not connect to Pebble: socket not found at '{path}' (container restarted?)", ex.Message);
    }

    [Fact]
    public async Task CanConnectAsync_NoSocketAtPath_IsFalse()
    {
        using var client = new PebbleClient(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.socket"));

        Assert.False(await client.CanConnectAsync());
    }

    [Fact]
    public async Task GetSystemInfoAsync_ServerClosesAtOnce_ThrowsConnectionException()
    {
        await using var server = UnixHttpServer.ClosingImmediately();
        using var client = new PebbleClient(server.SocketPath);

        var ex = await Assert.ThrowsAsync<PebbleConnectionException>(() => client.GetSystemInfoAsync());

        Assert.StartsWith($"Could not connect to Pebble at '{server.SocketPath}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanConnectAsync_ServerClosesAtOnce_IsFalse()
    {
        await using var server = UnixHttpServer.ClosingImmediately();
        using var client = new PebbleClient(server.SocketPath);

        Assert.False(await client.CanConnectAsync());
    }

    [Fact]
    public async Task Requests_ChunkedAnswersOnKeptAliveConnection_AreParsed()
    {
        var targets = new List<string>();
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            lock (targets)
            {
                targets.Add($"{request.Method} {request.Target}");
            }

            var json = request.Target.StartsWith("/v1/system-info", StringComparison.Ordinal)
                ? Envelopes.Sync("""{"boot-id":"b1","version":"v1.19.0"}""")
                : Envelopes.Sync("""[{"name":"app","startup":"enabled","current":"active"}]""");
            await UnixHttpServer.WriteChunkedJsonAsync(stream, 200, json);
            return true;
        });
        using var client = new PebbleClient(server.SocketPath);

        var info = await client.GetSystemInfoAsync();
        var services = await client.GetServicesAsync(["app"]);

        Assert.Equal("b1", info.BootId);
        Assert.Equal("app", Assert.Single(services).Name);
        Assert.Equal(["GET /v1/system-info", "GET /v1/services?names=app"], targets);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Requests_ServerClosedIdleConnection_NextRequestUsesANewOne()
    {
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            // Answers and hangs up without saying so, as a server whose idle timeout ran out.
            await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync("""{"boot-id":"b1","version":"v1.19.0"}"""));
            return false;
        });
        using var client = new PebbleClient(server.SocketPath);
        Assert.Equal("b1", (await client.GetSystemInfoAsync()).BootId);
        await WaitForAsync(() => server.Closed == 1);

        var info = await client.GetSystemInfoAsync();

        Assert.Equal("b1", info.BootId);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Requests_ReusedConnectionClosedBeforeTheAnswer_AreSentAgainOnANewOne()
    {
        var requests = new List<string>();
        await using var server = UnixHttpServer.DroppingTheSecondRequest(requests);
        using var client = new PebbleClient(server.SocketPath);
        await client.GetSystemInfoAsync();

        var info = await client.GetSystemInfoAsync();

        Assert.Equal("b1", info.BootId);
        Assert.Equal(["GET /v1/system-info", "GET /v1/system-info", "GET /v1/system-info"], requests);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Post_ReusedConnectionClosedBeforeTheAnswer_FailsWithoutBeingSentAgain()
    {
        var targets = new List<string>();
        await using var server = UnixHttpServer.DroppingTheSecondRequest(targets);
        using var client = new PebbleClient(server.SocketPath);
        await client.GetSystemInfoAsync();

        await Assert.ThrowsAsync<PebbleConnectionException>(() => client.ReplanAsync());

        Assert.Equal(["GET /v1/system-info", "POST /v1/services"], targets);
    }

    [Fact]
    public async Task Requests_SlowAnswer_DoNotHoldTheCaller()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            await release.Task;
            await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync("""{"boot-id":"b1","version":"v1.19.0"}"""));
            return true;
        });
        using var client = new PebbleClient(server.SocketPath);

        var call = client.GetSystemInfoAsync();
        var returnedBeforeTheAnswer = !call.IsCompleted;
        release.SetResult();

        Assert.True(returnedBeforeTheAnswer);
        Assert.Equal("b1", (await call).BootId);
    }

    [Fact]
    public async Task Requests_ConnectionCloseAnswer_NextRequestUsesANewConnection()
    {
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync("""{"boot-id":"b1","version":"v1.19.0"}"""), close: true);
            return true;
        });
        using var client = new PebbleClient(server.SocketPath);

        await client.GetSystemInfoAsync();
        await client.GetSystemInfoAsync();

        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task PushAsync_NonSeekableSourceOverUnixSocket_SendsAChunkedBody()
    {
        ServerRequest? received = null;
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            received = request;
            await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync("""[{"path":"/data/blob"}]"""));
            return true;
        });
        using var client = new PebbleClient(server.SocketPath);
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();

        await client.PushAsync("/data/blob", new OneWayStream(bytes));

        Assert.NotNull(received);
        Assert.Equal("chunked", received.Headers["transfer-encoding"]);
        Assert.False(received.Headers.ContainsKey("content-length"));
        Assert.True(received.Body.AsSpan().IndexOf(bytes) > 0);
    }

    [Fact]
    public async Task GetSystemInfoAsync_ServerRefusesConnections_ThrowsConnectionRefused()
    {
        // A socket file that nobody listens on: bound, never listening.
        var path = Path.Combine(Path.GetTempPath(), $"refusing-{Guid.NewGuid():N}.socket");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));
        using var client = new PebbleClient(path);

        var ex = await Assert.ThrowsAsync<PebbleConnectionException>(() => client.GetSystemInfoAsync());

        Assert.Equal($"Could not connect to Pebble at '{path}': Connection refused", ex.Message);
    }

    [Fact]
    public async Task ExecAsync_OverUnixSocket_RunsTheWebsocketProtocol()
    {
        var outputSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            switch (request.Target)
            {
                case "/v1/exec":
                    await UnixHttpServer.WriteChunkedJsonAsync(stream, 202, Envelopes.Async("5", """{"task-id":"T5"}"""));
                    return true;
                case "/v1/tasks/T5/websocket/control":
                    using (var control = await UnixHttpServer.AcceptWebSocketAsync(request, stream))
                    {
                        await outputSent.Task;
                    }

                    return false;
                case "/v1/tasks/T5/websocket/stdio":
                    using (var stdio = await UnixHttpServer.AcceptWebSocketAsync(request, stream))
                    {
                        var (stdin, _) = await WebSocketUpgrade.ReadUntilEndAsync(stdio);
                        await WebSocketUpgrade.SendBinaryAsync(stdio, stdin.ToUpperInvariant());
                        await WebSocketUpgrade.SendEndAsync(stdio);
                        await stdio.ReceiveAsync(new byte[16], CancellationToken.None);
                    }

                    return false;
                case "/v1/tasks/T5/websocket/stderr":
                    using (var stderr = await UnixHttpServer.AcceptWebSocketAsync(request, stream))
                    {
                        await WebSocketUpgrade.SendEndAsync(stderr);
                        outputSent.TrySetResult();
                        await stderr.ReceiveAsync(new byte[16], CancellationToken.None);
                    }

                    return false;
                default:
                    await outputSent.Task;
                    await UnixHttpServer.WriteChunkedJsonAsync(stream, 200, Envelopes.Sync(Envelopes.Change("5", "exec", exitCode: 0)));
                    return true;
            }
        });
        using var client = new PebbleClient(server.SocketPath);

        var result = await client.ExecAsync(["tr", "a-z", "A-Z"], new ExecOptions { Stdin = "shout" });

        Assert.Equal(new ExecResult(0, "SHOUT", string.Empty), result);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 10_000, "the condition did not become true within 10 s");
            await Task.Delay(10);
        }
    }

    /// <summary>A source that can only be read forwards, so its length is unknown.</summary>
    private sealed class OneWayStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
