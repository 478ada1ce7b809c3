// PebbleReadPathTests: reads (GET) go from PebbleClient straight to UnixHttpTransport, without
// HttpRequestMessage or HttpResponseMessage. Each test runs the same read on that path and through
// UnixHttpHandler (the HttpMessageHandler path every request took before, still taken by requests with a
// body) against the same server, and checks that both give the same result or the same exception, and
// what that is: sync, error, chunked, multipart and JSON-lines answers, malformed answers, a kept-alive
// connection Pebble closed, cancellation, a timeout and a missing socket.
using System.Text;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleReadPathTests
{
    private const string SystemInfoJson = """{"boot-id":"b1","version":"v1.19.0"}""";

    [Fact]
    public async Task GetSystemInfoAsync_SyncAnswer_SameResultAndRequestOnBothPaths()
    {
        var requests = new List<string>();

        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                Record(requests, request);
                await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync(SystemInfoJson));
                return true;
            }),
            client => client.GetSystemInfoAsync());

        Assert.Equal(Outcome.Of(new SystemInfo("b1", "v1.19.0", null, null)), outcome);
        const string Expected = "GET /v1/system-info accept=application/json host=localhost";
        Assert.Equal([Expected, Expected], requests);
    }

    [Fact]
    public async Task GetChangeAsync_404ErrorEnvelope_SameApiExceptionOnBothPaths()
    {
        var outcome = await OnBothPathsAsync(
            () => Answering(404, Envelopes.Error(404, "Not Found", "cannot find change with id \"42\"")),
            client => client.GetChangeAsync("42"));

        Assert.Equal(Outcome.Failed<PebbleApiException>("cannot find change with id \"42\"", 404, "Not Found"), outcome);
    }

    [Fact]
    public async Task ListFilesAsync_404PathNotFound_SamePathExceptionOnBothPaths()
    {
        var outcome = await OnBothPathsAsync(
            () => Answering(404, Envelopes.Error(404, "Not Found", "stat /nope: no such file or directory", "not-found")),
            client => client.ListFilesAsync("/nope"));

        Assert.Equal(Outcome.Failed<PebblePathException>("not-found - stat /nope: no such file or directory", kind: "not-found"), outcome);
    }

    [Fact]
    public async Task GetHealthAsync_400ErrorEnvelope_SameApiExceptionOnBothPaths()
    {
        var outcome = await OnBothPathsAsync(
            () => Answering(400, Envelopes.Error(400, "Bad Request", "level must be \"alive\" or \"ready\"", "generic")),
            client => client.GetHealthAsync());

        Assert.Equal(Outcome.Failed<PebbleApiException>("level must be \"alive\" or \"ready\"", 400, "Bad Request", "generic"), outcome);
    }

    [Fact]
    public async Task GetServicesAsync_ChunkedAnswer_SameResultOnBothPaths()
    {
        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                await UnixHttpServer.WriteChunkedJsonAsync(stream, 200, Envelopes.Sync("""[{"name":"app","startup":"enabled","current":"active"}]"""));
                return true;
            }),
            async client => string.Join("; ", await client.GetServicesAsync(["app"])));

        Assert.Equal(Outcome.Of(new ServiceInfo("app", StartupMode.Enabled, ServiceStatus.Active, null).ToString()), outcome);
    }

    [Theory]
    // Go's ServeMux for a path it does not know.
    [InlineData("404 Not Found", "text/plain; charset=utf-8", "404 page not found\n", nameof(PebbleApiException), "404 Not Found (non-JSON response: 404 page not found)")]
    [InlineData("200 OK", "text/html", "<html></html>", nameof(PebbleProtocolException), "expected Content-Type 'application/json', got 'text/html'")]
    [InlineData("200 OK", null, "{}", nameof(PebbleProtocolException), "expected Content-Type 'application/json', got 'none'")]
    [InlineData("200 OK", "application/json", "[1]", nameof(PebbleProtocolException), "expected a JSON object from Pebble, got Array")]
    [InlineData("200 OK", "application/json", "{\"type\":", nameof(PebbleProtocolException), "invalid JSON from Pebble: ")]
    [InlineData("200 OK", "application/json", "{\"type\":\"sideways\"}", nameof(PebbleProtocolException), "unexpected response type 'sideways' from Pebble")]
    public async Task GetSystemInfoAsync_BadAnswer_SameExceptionOnBothPaths(string statusLine, string? contentType, string body, string error, string messageStart)
    {
        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                await UnixHttpServer.WriteBodyAsync(stream, statusLine, contentType, Encoding.UTF8.GetBytes(body));
                return true;
            }),
            client => client.GetSystemInfoAsync());

        Assert.Equal(error, outcome.Error);
        Assert.StartsWith(messageStart, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSystemInfoAsync_MalformedStatusLine_SameConnectionExceptionOnBothPaths()
    {
        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                await UnixHttpServer.WriteAsync(stream, "HTTP/1.1 two-hundred OK\r\n\r\n");
                return true;
            }),
            client => client.GetSystemInfoAsync());

        Assert.Equal(
            Outcome.Failed<PebbleConnectionException>("Could not connect to Pebble at '<socket>': malformed HTTP status line from Pebble: 'HTTP/1.1 two-hundred OK'"),
            outcome);
    }

    [Fact]
    public async Task GetSystemInfoAsync_KeptAliveConnectionClosedBeforeTheAnswer_SentOnceMoreOnBothPaths()
    {
        var servers = new List<(UnixHttpServer Server, List<string> Requests)>();

        var outcome = await OnBothPathsAsync(
            () =>
            {
                var requests = new List<string>();
                var server = UnixHttpServer.DroppingTheSecondRequest(requests);
                servers.Add((server, requests));
                return server;
            },
            async client =>
            {
                await client.GetSystemInfoAsync();
                return await client.GetSystemInfoAsync();
            });

        Assert.Equal(Outcome.Of(new SystemInfo("b1", "v1.19.0", null, null)), outcome);
        Assert.Equal(2, servers.Count);
        Assert.All(servers, server =>
        {
            Assert.Equal(["GET /v1/system-info", "GET /v1/system-info", "GET /v1/system-info"], server.Requests);
            Assert.Equal(2, server.Server.Connections);
        });
    }

    [Fact]
    public async Task GetSystemInfoAsync_CancelledToken_SameCancellationOnBothPaths()
    {
        var requests = new List<string>();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                Record(requests, request);
                await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync(SystemInfoJson));
                return true;
            }),
            client => client.GetSystemInfoAsync(cancelled.Token));

        Assert.Equal(Outcome.Failed<OperationCanceledException>("The operation was canceled."), outcome);
        Assert.Empty(requests);
    }

    [Fact]
    public async Task GetSystemInfoAsync_TokenCancelledWhileWaitingForTheAnswer_SameCancellationOnBothPaths()
    {
        using var release = new CancellationTokenSource();
        var outcome = await OnBothPathsAsync(
            () => Silent(release.Token),
            async client =>
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
                return await client.GetSystemInfoAsync(cancel.Token);
            });
        await release.CancelAsync();

        Assert.Equal(Outcome.Failed<OperationCanceledException>("The operation was canceled."), outcome);
    }

    [Fact]
    public async Task GetSystemInfoAsync_NoAnswerWithinTimeout_SameConnectionExceptionOnBothPaths()
    {
        using var release = new CancellationTokenSource();
        var outcome = await OnBothPathsAsync(() => Silent(release.Token), client => client.GetSystemInfoAsync(), timeout: TimeSpan.FromMilliseconds(150));
        await release.CancelAsync();

        Assert.Equal(Outcome.Failed<PebbleConnectionException>("timed out after 150ms waiting for Pebble at '<socket>'"), outcome);
    }

    [Fact]
    public async Task GetSystemInfoAsync_NoSocketAtPath_SameConnectionExceptionOnBothPaths()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.socket");

        var direct = await OutcomeAsync(path, viaHandler: false, client => client.GetSystemInfoAsync());
        var viaHandler = await OutcomeAsync(path, viaHandler: true, client => client.GetSystemInfoAsync());

        Assert.Equal(viaHandler, direct);
        Assert.Equal(Outcome.Failed<PebbleConnectionException>("Could not connect to Pebble: socket not found at '<socket>' (container restarted?)"), direct);
    }

    [Fact]
    public async Task PullAsync_MultipartAnswer_SameBytesOnBothPaths()
    {
        byte[] content = [.. "line one\r\n--not a boundary\r\n"u8, 0, 255];
        var accepts = new List<string>();

        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                lock (accepts)
                {
                    accepts.Add(request.Headers["accept"]);
                }

                await UnixHttpServer.WriteBodyAsync(stream, "200 OK", "multipart/form-data; boundary=\"b0undary\"", MultipartRead("/etc/app.conf", content));
                return true;
            }),
            async client => Convert.ToHexString(await client.PullAsync("/etc/app.conf")));

        Assert.Equal(Outcome.Of(Convert.ToHexString(content)), outcome);
        Assert.Equal(["multipart/form-data", "multipart/form-data"], accepts);
    }

    [Fact]
    public async Task GetLogsAsync_JsonLines_SameEntriesOnBothPaths()
    {
        const string Lines = "{\"time\":\"2021-04-23T01:28:52.660Z\",\"service\":\"redis\",\"message\":\"redis started up\"}\n"
            + "{\"time\":\"2021-04-23T01:28:53Z\",\"service\":\"redis\",\"message\":\"ready\"}\n";
        var requests = new List<string>();

        var outcome = await OnBothPathsAsync(
            () => new UnixHttpServer(async (request, stream) =>
            {
                Record(requests, request);
                await UnixHttpServer.WriteChunkedAsync(stream, 200, "application/x-ndjson", Lines);
                return true;
            }),
            async client => string.Join("; ", await client.GetLogsAsync(["redis"], 2)));

        var expected = new[]
        {
            new LogEntry(new DateTimeOffset(2021, 4, 23, 1, 28, 52, 660, TimeSpan.Zero), "redis", "redis started up"),
            new LogEntry(new DateTimeOffset(2021, 4, 23, 1, 28, 53, TimeSpan.Zero), "redis", "ready"),
        };
        Assert.Equal(Outcome.Of(string.Join("; ", expected)), outcome);
        const string Request = "GET /v1/logs?services=redis&n=2 host=localhost";
        Assert.Equal([Request, Request], requests);
    }

    [Fact]
    public async Task Reads_OnUnixTransport_BuildNoHttpRequestMessageAndShareTheConnectionWithWrites()
    {
        await using var server = new UnixHttpServer(async (request, stream) =>
        {
            var target = request.Target;
            if (target.StartsWith("/v1/files", StringComparison.Ordinal))
            {
                await UnixHttpServer.WriteBodyAsync(stream, "200 OK", "multipart/form-data; boundary=b0undary", MultipartRead("/etc/x", "x"u8.ToArray()));
                return true;
            }

            var result = target switch
            {
                _ when target.StartsWith("/v1/system-info", StringComparison.Ordinal) => SystemInfoJson,
                _ when target.StartsWith("/v1/health", StringComparison.Ordinal) => """{"healthy":true}""",
                _ when target.StartsWith("/v1/layers", StringComparison.Ordinal) => "true",
                _ => "[]",
            };
            await UnixHttpServer.WriteJsonAsync(stream, 200, Envelopes.Sync(result));
            return true;
        });
        using var client = new PebbleClient(server.SocketPath);

        Assert.True(await client.CanConnectAsync());
        Assert.True(await client.GetHealthAsync());
        Assert.Empty(await client.GetServicesAsync());
        Assert.Empty(await client.GetChecksAsync());
        Assert.Empty(await client.GetChangesAsync());
        Assert.Equal("x"u8.ToArray(), await client.PullAsync("/etc/x"));
        var messagesAfterReads = client.RequestMessagesMade;
        await client.AddLayerAsync("drift", new Layer { Summary = "s" });

        Assert.Equal(0, messagesAfterReads);
        Assert.Equal(1, client.RequestMessagesMade);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Reads_ThroughAnInjectedHandler_BuildHttpRequestMessages()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/system-info", Envelopes.Sync(SystemInfoJson));
        using var client = new PebbleClient("/charm/containers/workload/pebble.socket", handler);

        await client.GetSystemInfoAsync();

        Assert.Equal(1, client.RequestMessagesMade);
    }

    /// <summary>What a read gave its caller: a result, or an exception's type and what it says.</summary>
    private sealed record Outcome(string? Result, string? Error = null, string? Message = null, int? StatusCode = null, string? Status = null, string? Kind = null)
    {
        public static Outcome Of(object? result) => new(result?.ToString());

        public static Outcome Failed<TException>(string message, int? statusCode = null, string? status = null, string? kind = null)
            where TException : Exception =>
            new(null, typeof(TException).Name, message, statusCode, status, kind);

        // The socket path differs from server to server; "<socket>" stands for it.
        public static Outcome Of(Exception ex, string socketPath) => ex switch
        {
            PebbleApiException api => new(null, ex.GetType().Name, api.Message, api.StatusCode, api.Status, api.Kind),
            PebblePathException path => new(null, ex.GetType().Name, path.Message, Kind: path.Kind),
            _ => new(null, ex.GetType().Name, ex.Message.Replace(socketPath, "<socket>", StringComparison.Ordinal)),
        };
    }

    /// <summary>Runs <paramref name="read"/> on the direct path and through <see cref="UnixHttpHandler"/>, each against a fresh server; both must give the same.</summary>
    private static async Task<Outcome> OnBothPathsAsync<T>(Func<UnixHttpServer> serve, Func<PebbleClient, Task<T>> read, TimeSpan? timeout = null)
    {
        var outcomes = new List<Outcome>();
        foreach (var viaHandler in new[] { false, true })
        {
            await using var server = serve();
            outcomes.Add(await OutcomeAsync(server.SocketPath, viaHandler, read, timeout));
        }

        Assert.Equal(outcomes[1], outcomes[0]);
        return outcomes[0];
    }

    private static async Task<Outcome> OutcomeAsync<T>(string socketPath, bool viaHandler, Func<PebbleClient, Task<T>> read, TimeSpan? timeout = null)
    {
        using var handler = viaHandler ? new UnixHttpHandler(socketPath) : null;
        using var client = new PebbleClient(socketPath, handler, timeout);
        Outcome outcome;
        try
        {
            outcome = Outcome.Of(await read(client));
        }
        catch (Exception ex)
        {
            outcome = Outcome.Of(ex, socketPath);
        }

        // The path the test means was the one taken.
        Assert.Equal(viaHandler, client.RequestMessagesMade > 0);
        return outcome;
    }

    private static void Record(List<string> requests, ServerRequest request)
    {
        var headers = request.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}");
        lock (requests)
        {
            requests.Add(string.Join(' ', [$"{request.Method} {request.Target}", .. headers]));
        }
    }

    private static UnixHttpServer Answering(int status, string json) => new(async (request, stream) =>
    {
        await UnixHttpServer.WriteJsonAsync(stream, status, json);
        return true;
    });

    // Reads each request and answers nothing until released.
    private static UnixHttpServer Silent(CancellationToken release) => new(async (request, stream) =>
    {
        await Task.Delay(Timeout.Infinite, release).ContinueWith(_ => { }, TaskScheduler.Default);
        return false;
    });

    // A files read as Pebble writes it: the file part, then the response part.
    private static byte[] MultipartRead(string path, byte[] content) =>
    [
        .. Encoding.UTF8.GetBytes($"--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{path}\"\r\n\r\n"),
        .. content,
        .. Encoding.UTF8.GetBytes($"\r\n--b0undary\r\nContent-Disposition: form-data; name=\"response\"\r\n\r\n"
            + Envelopes.Sync($$"""[{"path":"{{path}}"}]""") + "\r\n--b0undary--\r\n"),
    ];
}
