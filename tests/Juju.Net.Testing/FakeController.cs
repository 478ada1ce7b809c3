// FakeController: a Juju API server on 127.0.0.1 for tests (juju-api.md §4): Kestrel with TLS from a test CA
// and a juju-apiserver certificate, the websocket JSON-RPC envelope, Admin.Login with one user and password
// (the login result lists the schema's facades), Admin.RedirectInfo and redirects, Pinger.Ping, the server's
// error formats (§1.4), and every request validated against Juju's schema. Other calls go to an IFakeApi.
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Juju.Net.Testing;

/// <summary>A fake Juju controller: a TLS websocket server on loopback speaking Juju's API protocol.</summary>
public sealed class FakeController : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestCertificateAuthority? _ownAuthority;
    private readonly ConcurrentDictionary<FakeConnection, byte> _connections = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly ConcurrentQueue<FakeSchemaViolation> _invalidRequests = new();
    private readonly ConcurrentQueue<FakeSchemaViolation> _invalidReplies = new();
    private readonly ConcurrentQueue<string> _uploads = new();
    private int _closedHandshakes;
    private int _pings;
    private int _logins;
    private int _connectionCount;

    private FakeController(FakeControllerOptions options, WebApplication app, TestCertificateAuthority authority, TestCertificateAuthority? ownAuthority)
    {
        Options = options;
        _app = app;
        Authority = authority;
        _ownAuthority = ownAuthority;
    }

    /// <summary>The options it runs with.</summary>
    public FakeControllerOptions Options { get; }

    /// <summary>The CA that signed its certificate.</summary>
    public TestCertificateAuthority Authority { get; }

    /// <summary>The CA in PEM, as controllers.yaml's <c>ca-cert</c>.</summary>
    public string CaCert => Authority.Pem;

    /// <summary>Its address, <c>127.0.0.1:port</c>, as controllers.yaml's <c>api-endpoints</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Its port.</summary>
    public int Port { get; private set; }

    /// <summary>Every request frame received, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    /// <summary>Requests that did not match the envelope or Juju's schema (each got an error reply). Tests assert this is empty.</summary>
    public IReadOnlyList<FakeSchemaViolation> InvalidRequests => [.. _invalidRequests];

    /// <summary>Replies of the <see cref="IFakeApi"/> that did not match the method's Result in the schema (they were sent anyway).</summary>
    public IReadOnlyList<FakeSchemaViolation> InvalidReplies => [.. _invalidReplies];

    /// <summary>How many <c>Pinger.Ping</c> calls were answered.</summary>
    public int PingCount => Volatile.Read(ref _pings);

    /// <summary>How many logins succeeded.</summary>
    public int LoginCount => Volatile.Read(ref _logins);

    /// <summary>How many websocket connections were accepted.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Starts a controller on 127.0.0.1 with a free port.</summary>
    /// <param name="options">Schema, API, user, TLS and redirect.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeController> StartAsync(FakeControllerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ownAuthority = options.Authority is null ? new TestCertificateAuthority() : null;
        var authority = options.Authority ?? ownAuthority!;
        var serverCertificate = authority.IssueServerCertificate(options.ServerNames);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.UseHttps(serverCertificate);
        }));
        var app = builder.Build();
        var controller = new FakeController(options, app, authority, ownAuthority);
        app.UseWebSockets();
        app.Map("/api", context => controller.ServeAsync(context, null));
        app.Map("/model/{uuid}/api", context => controller.ServeAsync(context, (string?)context.Request.RouteValues["uuid"]));
        app.MapPost("/model/{uuid}/charms", context => controller.ServeUploadAsync(context, (uploads, body) =>
            context.Response.WriteAsJsonAsync(new JsonObject { ["charm-url"] = uploads.AcceptCharm(body) })));
        app.MapPut("/model/{uuid}/applications/{app}/resources/{name}", context => controller.ServeUploadAsync(context, (uploads, body) =>
        {
            var pendingId = context.Request.Query["pendingid"].ToString();
            var expected = context.Request.Headers["Content-Sha384"].ToString();
            var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA384.HashData(body));
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new FakeUploadException($"Content-Sha384 {expected} does not match the body ({actual})");
            }

            uploads.AcceptResource((string)context.Request.RouteValues["app"]!, (string)context.Request.RouteValues["name"]!, pendingId, body);
            return context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = pendingId });
        }));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var url = new Uri(app.Urls.First());
        controller.Port = url.Port;
        controller.Address = $"127.0.0.1:{url.Port}";
        return controller;
    }

    /// <summary>Drops every open connection at the TCP level, without a websocket close (a controller that died mid-call).</summary>
    public void AbortConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>Closes every open connection with a websocket close frame (a controller shutting down cleanly).</summary>
    public async Task CloseConnectionsAsync()
    {
        foreach (var connection in _connections.Keys)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>How many closes started by <see cref="CloseConnectionsAsync"/> the client answered with its own close frame.</summary>
    public int ClosedHandshakes => Volatile.Read(ref _closedHandshakes);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        AbortConnections();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _ownAuthority?.Dispose();
    }

    internal void CountPing() => Interlocked.Increment(ref _pings);

    internal void CountClosedHandshake() => Interlocked.Increment(ref _closedHandshakes);

    internal void CountLogin() => Interlocked.Increment(ref _logins);

    internal void Record(FakeRequest request) => _requests.Enqueue(request);

    internal void RecordInvalidRequest(string frame, IReadOnlyList<string> problems) => _invalidRequests.Enqueue(new FakeSchemaViolation(frame, problems));

    internal void RecordInvalidReply(string frame, IReadOnlyList<string> problems) => _invalidReplies.Enqueue(new FakeSchemaViolation(frame, problems));

    /// <summary>The uploads accepted over HTTP, as <c>METHOD path</c>.</summary>
    public IReadOnlyList<string> Uploads => [.. _uploads];

    /// <summary>An HTTP upload: Basic credentials of the configured user, a known model, then <paramref name="accept"/> with the body; refusals in Juju's error shape.</summary>
    private async Task ServeUploadAsync(HttpContext context, Func<IFakeUploads, byte[], Task> accept)
    {
        var uuid = (string?)context.Request.RouteValues["uuid"];
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"user-{Options.User}:{Options.Password}"));
        if (!string.Equals(context.Request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "invalid entity name or password", "unauthorized access").ConfigureAwait(false);
            return;
        }

        if (Options.Models is { } models && (uuid is null || !models.Contains(uuid)))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"model \"{uuid}\" not found", "not found").ConfigureAwait(false);
            return;
        }

        if (Options.Api is not IFakeUploads uploads)
        {
            await RefuseAsync(context, StatusCodes.Status501NotImplemented, "this fake controller takes no uploads", "not implemented").ConfigureAwait(false);
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        try
        {
            await accept(uploads, buffer.ToArray()).ConfigureAwait(false);
            _uploads.Enqueue($"{context.Request.Method} {context.Request.Path}");
        }
        catch (FakeUploadException e)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, e.Message, "bad request").ConfigureAwait(false);
        }
    }

    private static Task RefuseAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = message, ["error-code"] = code });
    }

    private async Task ServeAsync(HttpContext context, string? modelUuid)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is a Juju API websocket endpoint.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        Interlocked.Increment(ref _connectionCount);
        using var connection = new FakeConnection(this, context, socket, modelUuid);
        _connections[connection] = 0;
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    /// <summary>Serialises a JSON node to the bytes of a text frame.</summary>
    internal static byte[] Frame(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    internal static JsonObject ErrorReply(ulong requestId, string message, string? code, JsonObject? info)
    {
        // The server also sends an empty response on errors (rpc/server.go).
        var reply = new JsonObject { ["request-id"] = requestId, ["error"] = message };
        if (code is not null)
        {
            reply["error-code"] = code;
        }

        if (info is not null)
        {
            reply["error-info"] = info;
        }

        reply["response"] = new JsonObject();
        return reply;
    }


    internal static WebSocketMessageType Text => WebSocketMessageType.Text;
}
