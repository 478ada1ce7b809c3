// PebbleHttp: a plain HttpClient and ClientWebSocket over the fake Pebble's unix socket, with
// helpers that read Pebble's envelope, for the fake server's tests.
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using MlObs.Ops.Testing.Pebble;

namespace MlObs.Ops.Tests.FakePebble;

/// <summary>A response: status, content type and the parsed JSON body.</summary>
internal sealed record PebbleReply(int Status, string? ContentType, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public JsonNode? Result => Json["result"];

    public string? Message => Json["result"]?["message"]?.GetValue<string>();

    public string? Kind => Json["result"]?["kind"]?.GetValue<string>();
}

/// <summary>A fake server and a client for it, disposed together.</summary>
internal sealed class Fake : IAsyncDisposable
{
    private Fake(FakePebbleServer server)
    {
        Server = server;
        Http = new PebbleHttp(server.SocketPath);
    }

    public FakePebbleServer Server { get; }

    public PebbleHttp Http { get; }

    public static async Task<Fake> StartAsync() => new(await FakePebbleServer.StartAsync());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

internal sealed class PebbleHttp : IDisposable
{
    private readonly HttpClient _client;
    private readonly string _socketPath;

    public PebbleHttp(string socketPath)
    {
        _socketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { BaseAddress = new Uri("http://localhost"), Timeout = TimeSpan.FromSeconds(20) };
    }


    public Task<PebbleReply> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, null, accept);

    public Task<PebbleReply> PostAsync(string path, string json) =>
        SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<PebbleReply> PostAsync(string path, JsonNode json) => PostAsync(path, json.ToJsonString());

    public async Task<PebbleReply> SendAsync(HttpMethod method, string path, HttpContent? content, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new PebbleReply((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
    }

    public async Task<HttpResponseMessage> RawAsync(HttpRequestMessage request) => await _client.SendAsync(request);

    /// <summary>Adds a layer through the API and asserts it was accepted.</summary>
    public async Task AddLayerAsync(string label, string yaml, bool combine = false)
    {
        var reply = await PostAsync("/v1/layers", new JsonObject { ["action"] = "add", ["label"] = label, ["combine"] = combine, ["format"] = "yaml", ["layer"] = yaml });
        Assert.True(reply.Status == 200, reply.Body);
    }

    /// <summary>Posts a service action and waits for its change; returns the change.</summary>
    public async Task<JsonObject> ServicesAsync(string action, params string[] services)
    {
        var body = new JsonObject { ["action"] = action, ["services"] = new JsonArray([.. services.Select(s => (JsonNode?)s)]) };
        var reply = await PostAsync("/v1/services", body);
        Assert.True(reply.Status == 202, reply.Body);
        var change = reply.Json["change"]!.GetValue<string>();
        var waited = await GetAsync($"/v1/changes/{change}/wait?timeout=5s");
        Assert.Equal(200, waited.Status);
        return waited.Result!.AsObject();
    }

    public async Task<ClientWebSocket> ConnectWebsocketAsync(string taskId, string id)
    {
        var socket = new ClientWebSocket();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken);
                return new NetworkStream(unix, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        await socket.ConnectAsync(new Uri($"ws://localhost/v1/tasks/{taskId}/websocket/{id}"), invoker, CancellationToken.None);
        return socket;
    }

    /// <summary>Reads binary frames until the end command; returns the bytes as text.</summary>
    public static async Task<string> ReadStreamAsync(WebSocket socket)
    {
        var output = new MemoryStream();
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("websocket closed before the end command");
            }

            if (received.MessageType == WebSocketMessageType.Binary)
            {
                output.Write(buffer, 0, received.Count);
                continue;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
            if (received.EndOfMessage)
            {
                Assert.Equal("{\"command\":\"end\"}", text.ToString());
                return Encoding.UTF8.GetString(output.ToArray());
            }
        }
    }

    public static Task SendEndAsync(WebSocket socket) =>
        socket.SendAsync(Encoding.UTF8.GetBytes("{\"command\":\"end\"}"), WebSocketMessageType.Text, true, CancellationToken.None);

    public void Dispose() => _client.Dispose();
}
