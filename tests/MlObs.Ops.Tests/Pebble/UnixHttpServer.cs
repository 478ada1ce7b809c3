// UnixHttpServer: a minimal HTTP/1.1 server on a unix socket for the tests that go through the
// client's real handlers (UnixHttpHandler, and SocketsHttpHandler for the exec websockets) — keep-alive,
// chunked answers and bodies, abrupt closes and websocket upgrades.
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace MlObs.Ops.Tests.Pebble;

/// <summary>A request line and headers as the server read them.</summary>
internal sealed record ServerRequest(string Method, string Target, Dictionary<string, string> Headers, byte[] Body);

internal sealed class UnixHttpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Func<ServerRequest, NetworkStream, Task<bool>> _handle;
    private int _connections;
    private int _closed;

    /// <summary>Starts listening; <paramref name="handle"/> writes the answer and returns whether to keep the connection open.</summary>
    public UnixHttpServer(Func<ServerRequest, NetworkStream, Task<bool>> handle)
    {
        SocketPath = Path.Combine(Path.GetTempPath(), $"pebble-test-{Guid.NewGuid():N}.socket");
        _handle = handle;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _acceptLoop = AcceptLoopAsync();
    }

    public string SocketPath { get; }

    /// <summary>How many connections were accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>How many connections the server has closed.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>A server that accepts each connection and closes it at once.</summary>
    public static UnixHttpServer ClosingImmediately() => new((_, _) => Task.FromResult(false));

    public static async Task WriteAsync(NetworkStream stream, string text) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes a JSON answer with chunked transfer encoding, the body split in two chunks.</summary>
    public static Task WriteChunkedJsonAsync(NetworkStream stream, int status, string json) =>
        WriteChunkedAsync(stream, status, "application/json", json);

    /// <summary>Writes an answer with chunked transfer encoding, the body split in two chunks.</summary>
    public static async Task WriteChunkedAsync(NetworkStream stream, int status, string contentType, string text)
    {
        var half = text.Length / 2;
        var first = Encoding.UTF8.GetBytes(text[..half]);
        var second = Encoding.UTF8.GetBytes(text[half..]);
        await WriteAsync(stream, $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n\r\n");
        await WriteAsync(stream, $"{first.Length:x}\r\n");
        await stream.WriteAsync(first);
        await WriteAsync(stream, $"\r\n{second.Length:x}\r\n");
        await stream.WriteAsync(second);
        await WriteAsync(stream, "\r\n0\r\n\r\n");
    }

    /// <summary>Writes a JSON answer with a Content-Length, and <c>Connection: close</c> when <paramref name="close"/>.</summary>
    public static Task WriteJsonAsync(NetworkStream stream, int status, string json, bool close = false) =>
        WriteBodyAsync(stream, $"{status} X", "application/json", Encoding.UTF8.GetBytes(json), close);

    /// <summary>Writes an answer with a Content-Length; <paramref name="statusLine"/> follows <c>HTTP/1.1 </c>, e.g. <c>404 Not Found</c>.</summary>
    public static async Task WriteBodyAsync(NetworkStream stream, string statusLine, string? contentType, byte[] body, bool close = false)
    {
        var type = contentType is null ? "" : $"Content-Type: {contentType}\r\n";
        await WriteAsync(stream, $"HTTP/1.1 {statusLine}\r\n{type}Content-Length: {body.Length}\r\n{(close ? "Connection: close\r\n" : "")}\r\n");
        await stream.WriteAsync(body);
    }

    /// <summary>
    /// A server that answers every request with system-info, except the second, which arrives on the kept-alive
    /// connection and is dropped unanswered (the server closes the connection). Records "METHOD target" of each request.
    /// </summary>
    public static UnixHttpServer DroppingTheSecondRequest(List<string> requests) => new(async (request, stream) =>
    {
        int count;
        lock (requests)
        {
            requests.Add($"{request.Method} {request.Target}");
            count = requests.Count;
        }

        if (count == 2)
        {
            return false;
        }

        await WriteJsonAsync(stream, 200, Envelopes.Sync("""{"boot-id":"b1","version":"v1.19.0"}"""));
        return true;
    });

    /// <summary>Completes a websocket upgrade and returns the server side.</summary>
    public static async Task<WebSocket> AcceptWebSocketAsync(ServerRequest request, NetworkStream stream)
    {
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the handshake.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(request.Headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        await WriteAsync(stream, $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n");
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        File.Delete(SocketPath);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = await _listener.AcceptAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using var stream = new NetworkStream(connection, ownsSocket: true);
        try
        {
            while (await ReadRequestAsync(stream) is { } request)
            {
                if (!await _handle(request, stream))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Increment(ref _closed);
        }
    }

    private static async Task<ServerRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.UTF8.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(kv => kv[0].Trim().ToLowerInvariant(), kv => kv[1].Trim());
        var body = Array.Empty<byte>();
        if (headers.TryGetValue("content-length", out var length) && int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var count)
        {
            body = new byte[count];
            await stream.ReadExactlyAsync(body);
        }
        else if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding == "chunked")
        {
            body = await ReadChunkedAsync(stream);
        }

        return new ServerRequest(requestLine[0], requestLine[1], headers, body);
    }

    private static async Task<byte[]> ReadChunkedAsync(NetworkStream stream)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var size = Convert.ToInt32(await ReadLineAsync(stream), 16);
            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk);
            body.Write(chunk);
            await ReadLineAsync(stream);
            if (size == 0)
            {
                return body.ToArray();
            }
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            await stream.ReadExactlyAsync(one);
            line.Add(one[0]);
        }

        return Encoding.ASCII.GetString(line.ToArray(), 0, line.Count - 2);
    }
}
