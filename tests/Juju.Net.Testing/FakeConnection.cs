// FakeConnection: one websocket client of the FakeController: reads request frames, answers each on its own
// task (so replies can come out of order, as from Juju's goroutines), and keeps the login state.
using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Juju.Net.Testing;

internal sealed class FakeConnection : IDisposable
{
    private static readonly HashSet<string> EnvelopeKeys = ["request-id", "type", "version", "id", "request", "params"];

    private readonly FakeController _controller;
    private readonly HttpContext _context;
    private readonly WebSocket _socket;
    private readonly string? _modelUuid;
    private readonly string _path;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private Dictionary<string, IReadOnlyList<int>>? _facades;
    private bool _redirected;

    public FakeConnection(FakeController controller, HttpContext context, WebSocket socket, string? modelUuid)
    {
        _controller = controller;
        _context = context;
        _socket = socket;
        _modelUuid = modelUuid;
        _path = modelUuid is null ? "/api" : $"/model/{modelUuid}/api";
    }

    private FakeControllerOptions Options => _controller.Options;

    public void Dispose()
    {
        _sendLock.Dispose();
        _closed.Dispose();
    }

    public void Abort()
    {
        _context.Abort();
        _socket.Abort();
    }

    /// <summary>Starts the websocket close handshake from the server side; the read loop then sees the client's answer.</summary>
    public async Task CloseAsync()
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "controller shutting down", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task RunAsync()
    {
        var handlers = new List<Task>();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), _context.RequestAborted).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State != WebSocketState.CloseReceived)
                    {
                        // The answer to a close this side started (CloseAsync): the handshake is complete.
                        _controller.CountClosedHandshake();
                        break;
                    }

                    await _sendLock.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        _sendLock.Release();
                    }

                    return;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    var text = Encoding.UTF8.GetString(message.WrittenSpan);
                    message.ResetWrittenCount();
                    handlers.Add(Task.Run(() => HandleAsync(text)));
                    handlers.RemoveAll(h => h.IsCompleted);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException)
        {
            // The client went away or the test aborted the connection.
        }
        finally
        {
            await _closed.CancelAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(buffer);
            await Task.WhenAll(handlers).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(string text)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            _controller.RecordInvalidRequest(text, [$"$: not a JSON request envelope: {e.Message}"]);
            return;
        }

        var problems = new List<string>();
        var requestId = request["request-id"] is JsonValue idValue && idValue.TryGetValue<ulong>(out var id) ? id : 0;
        if (requestId == 0)
        {
            problems.Add("$.request-id: must be an integer ≥ 1 (0 selects Juju's legacy v0 envelope)");
        }

        problems.AddRange(request.Where(p => !EnvelopeKeys.Contains(p.Key)).Select(p => $"$: unknown envelope key \"{p.Key}\""));
        var facade = StringOf(request, "type", problems);
        var method = StringOf(request, "request", problems);
        var version = request["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        var objectId = request["id"] is JsonValue idNode && idNode.GetValueKind() == JsonValueKind.String ? (string?)idNode : null;
        var parameters = request["params"];
        if (parameters is not null and not JsonObject)
        {
            problems.Add("$.params: must be an object");
        }

        _controller.Record(new FakeRequest(_path, requestId, facade, version, method, objectId, parameters?.DeepClone()));
        if (problems.Count > 0)
        {
            _controller.RecordInvalidRequest(text, problems);
            await SendAsync(FakeController.ErrorReply(requestId, string.Join("; ", problems), "bad request", null)).ConfigureAwait(false);
            return;
        }

        var reply = await AnswerAsync(text, requestId, facade, version, method, objectId, parameters).ConfigureAwait(false);
        await SendAsync(reply).ConfigureAwait(false);
    }

    private async Task<JsonObject> AnswerAsync(string text, ulong requestId, string facade, int version, string method, string? objectId, JsonNode? parameters)
    {
        // Facade, version and method as the server resolves them (rpc/server.go, rpcreflect): before login only Admin exists.
        var offered = _facades ?? new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal) { ["Admin"] = [3] };
        if (!Options.Schema.Facades.TryGetValue(facade, out var schemaFacade) || !offered.TryGetValue(facade, out var versions))
        {
            return FakeController.ErrorReply(requestId, $"unknown object type \"{facade}\"", JujuErrorCodes.NotImplemented, null);
        }

        if (facade == "Admin" && version != 3)
        {
            return FakeController.ErrorReply(requestId, "this version of Juju does not support login from old clients", JujuErrorCodes.NotSupported, null);
        }

        if (!versions.Contains(version))
        {
            return FakeController.ErrorReply(requestId, $"unknown version ({version}) of interface \"{facade}\"", JujuErrorCodes.NotImplemented, null);
        }

        if (!schemaFacade.Methods.ContainsKey(method))
        {
            return FakeController.ErrorReply(requestId, $"no such request - method {facade}({version}).{method} is not implemented", JujuErrorCodes.NotImplemented, null);
        }

        var invalid = Options.Schema.ValidateParams(facade, method, parameters);
        if (invalid.Count > 0)
        {
            _controller.RecordInvalidRequest(text, invalid);
            return FakeController.ErrorReply(requestId, $"fake controller: {facade}.{method} params do not match Juju's schema: {string.Join("; ", invalid)}", JujuErrorCodes.BadRequest, null);
        }

        FakeReply reply = (facade, method) switch
        {
            ("Admin", "Login") => Login(parameters!.AsObject()),
            ("Admin", "RedirectInfo") => RedirectInfo(),
            ("Pinger", "Ping") => Ping(),
            _ => await CallApiAsync(facade, version, method, objectId, parameters).ConfigureAwait(false),
        };
        switch (reply)
        {
            case FakeReply.Error error:
                return FakeController.ErrorReply(requestId, error.Message, error.Code, error.Info);
            case FakeReply.Ok ok:
                var response = ok.Response?.DeepClone() ?? new JsonObject();
                var problems = Options.Schema.ValidateResult(facade, method, response);
                if (problems.Count > 0)
                {
                    _controller.RecordInvalidReply($"{facade}.{method}: {response.ToJsonString()}", problems);
                }

                return new JsonObject { ["request-id"] = requestId, ["response"] = response };
            default:
                throw new InvalidOperationException($"unknown reply {reply}");
        }
    }

    private async Task<FakeReply> CallApiAsync(string facade, int version, string method, string? objectId, JsonNode? parameters)
    {
        try
        {
            return await Options.Api.HandleAsync(facade, version, method, objectId, parameters?.DeepClone(), _closed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            return new FakeReply.Error("connection is shut down");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new FakeReply.Error($"fake API {Options.Api.GetType().Name} failed on {facade}.{method}: {e.Message}");
        }
    }

    private FakeReply Login(JsonObject request)
    {
        if (_facades is not null)
        {
            return new FakeReply.Error("already logged in");
        }

        if ((string?)request["auth-tag"] != "user-" + Options.User || (string?)request["credentials"] != Options.Password)
        {
            return new FakeReply.Error("invalid entity name or password", JujuErrorCodes.Unauthorized);
        }

        if (_modelUuid is not null && Options.Models is { } models && !models.Contains(_modelUuid))
        {
            return new FakeReply.Error($"unknown model: \"{_modelUuid}\"", JujuErrorCodes.NotFound);
        }

        if (_modelUuid is not null && Options.Redirect is { } redirect)
        {
            _redirected = true;
            var info = redirect.WithErrorInfo
                ? new JsonObject
                {
                    ["servers"] = Servers(redirect.Addresses, "public"),
                    ["ca-cert"] = redirect.CaCert,
                    ["controller-tag"] = "controller-" + Options.ControllerUuid,
                }
                : null;
            return new FakeReply.Error("redirection to alternative server required", JujuErrorCodes.RedirectionRequired, info);
        }

        // The server filters the facades by the kind of login (apiserver/admin.go): model facades on a model
        // connection, controller facades on a controller connection.
        var audience = _modelUuid is null ? "controller-user" : "model-user";
        _facades = Options.Schema.Facades.Values
            .Where(f => f.AvailableTo.Contains(audience))
            .ToDictionary(f => f.Name, f => Options.FacadeVersions?.GetValueOrDefault(f.Name) ?? [f.Version], StringComparer.Ordinal);
        _controller.CountLogin();
        var facades = new JsonArray();
        foreach (var (name, versions) in _facades.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            facades.Add(new JsonObject { ["name"] = name, ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)v)]) });
        }

        var result = new JsonObject
        {
            ["servers"] = Servers([_controller.Address], "local-machine"),
            ["controller-tag"] = "controller-" + Options.ControllerUuid,
            ["user-info"] = new JsonObject
            {
                ["display-name"] = "",
                ["identity"] = "user-" + Options.User,
                ["controller-access"] = "superuser",
                ["model-access"] = _modelUuid is null ? "" : "admin",
            },
            ["facades"] = facades,
            ["server-version"] = Options.ServerVersion,
        };
        if (_modelUuid is not null)
        {
            result["model-tag"] = "model-" + _modelUuid;
        }

        return new FakeReply.Ok(result);
    }

    private FakeReply RedirectInfo() =>
        _redirected && Options.Redirect is { } redirect
            ? new FakeReply.Ok(new JsonObject { ["servers"] = Servers(redirect.Addresses, "public"), ["ca-cert"] = redirect.CaCert })
            : new FakeReply.Error("not redirected", JujuErrorCodes.NotFound);

    private FakeReply.Ok Ping()
    {
        _controller.CountPing();
        return new FakeReply.Ok(null);
    }

    private static JsonArray Servers(IEnumerable<string> addresses, string scope)
    {
        var hostPorts = new JsonArray();
        foreach (var address in addresses)
        {
            var colon = address.LastIndexOf(':');
            hostPorts.Add(new JsonObject
            {
                ["value"] = address[..colon].Trim('[', ']'),
                ["type"] = address.StartsWith('[') ? "ipv6" : "ipv4",
                ["scope"] = scope,
                ["port"] = int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        return [hostPorts];
    }

    private static string StringOf(JsonObject request, string key, List<string> problems)
    {
        if (request[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && (string?)value is { Length: > 0 } text)
        {
            return text;
        }

        problems.Add($"$.{key}: a non-empty string is required");
        return "";
    }

    private async Task SendAsync(JsonObject reply)
    {
        var frame = FakeController.Frame(reply);
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone; its pending calls fail on its side.
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
