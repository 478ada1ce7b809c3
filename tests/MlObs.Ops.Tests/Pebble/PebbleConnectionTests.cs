// PebbleConnectionTests: the client over a real unix socket — a missing socket, a server that hangs
// up, and a server answering with chunked bodies on a kept-alive connection and an exec websocket.
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
}
