// PebbleClient: the HTTP-over-unix-socket client of Pebble's API — construction, the response
// envelope, error mapping and timeouts. The endpoints live in the PebbleClient.*.cs files.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MlObs.Ops.Pebble;

/// <summary>
/// A client of the Pebble daemon in a workload container, speaking HTTP over its unix socket
/// (<c>/charm/containers/&lt;name&gt;/pebble.socket</c>) as ops' <c>pebble.Client</c> does.
/// </summary>
/// <remarks>
/// Every call takes a <see cref="CancellationToken"/> and is bounded by <see cref="Timeout"/> per HTTP request.
/// Errors: <see cref="PebbleConnectionException"/> (socket missing, refused or gone),
/// <see cref="PebbleApiException"/> (an error envelope), <see cref="PebbleProtocolException"/> (a malformed
/// answer), <see cref="PebbleChangeException"/> (a change failed), <see cref="PebblePathException"/> (a file
/// operation failed), <see cref="PebbleChangeTimeoutException"/> (a change was not ready in time).
/// </remarks>
public sealed partial class PebbleClient : IDisposable
{
    private static readonly TimeSpan DefaultChangeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(100);

    // Reads go straight to the transport when there is one; requests with a body, and every request when a
    // handler is injected, go through _invoker as HttpRequestMessages.
    private readonly UnixHttpTransport? _transport;
    private readonly Lazy<HttpMessageInvoker> _invoker;
    private readonly Lazy<HttpMessageInvoker> _upgradeInvoker;
    private readonly TimeProvider _time;
    private int _requestMessagesMade;

    /// <summary>Creates a client for the Pebble socket at <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">The unix socket, e.g. <c>/charm/containers/workload/pebble.socket</c>.</param>
    /// <param name="handler">The HTTP handler to use instead of the unix socket (tests); the client does not dispose it. It also answers the exec websocket upgrades.</param>
    /// <param name="timeout">The limit of each HTTP request (default 5 s, as ops).</param>
    /// <param name="timeProvider">The clock for timeouts, deadlines and polling (default <see cref="TimeProvider.System"/>).</param>
    public PebbleClient(string socketPath, HttpMessageHandler? handler = null, TimeSpan? timeout = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "timeout must be positive");
        }

        SocketPath = socketPath;
        Timeout = timeout ?? DefaultTimeout;
        _time = timeProvider ?? TimeProvider.System;
        // Requests go through UnixHttpTransport on the calling thread where libc allows: reads directly,
        // requests with a body through UnixHttpHandler (made on the first of them), both on the same
        // kept-alive connections. The exec websockets need a handler that upgrades connections, so
        // SocketsHttpHandler comes in for them only, when the first exec starts.
        if (handler is not null)
        {
            _invoker = new Lazy<HttpMessageInvoker>(new HttpMessageInvoker(handler, disposeHandler: false));
            _upgradeInvoker = _invoker;
        }
        else
        {
            _upgradeInvoker = new Lazy<HttpMessageInvoker>(() => new HttpMessageInvoker(CreateSocketHandler(socketPath), disposeHandler: true));
            if (UnixHttpTransport.IsSupported)
            {
                var transport = _transport = new UnixHttpTransport(socketPath);
                _invoker = new Lazy<HttpMessageInvoker>(() => new HttpMessageInvoker(new UnixHttpHandler(transport, ownsTransport: false), disposeHandler: true));
            }
            else
            {
                _invoker = _upgradeInvoker;
            }
        }
    }

    /// <summary>The default limit of each HTTP request: 5 seconds, as ops.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The unix socket this client talks to.</summary>
    public string SocketPath { get; }

    /// <summary>The limit of each HTTP request.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The socket path the charm container sees for workload container <paramref name="containerName"/>.</summary>
    /// <param name="containerName">The container name from <c>charmcraft.yaml</c>.</param>
    /// <returns><c>/charm/containers/&lt;name&gt;/pebble.socket</c>.</returns>
    public static string SocketPathFor(string containerName)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerName);
        return $"/charm/containers/{containerName}/pebble.socket";
    }

    /// <summary>Creates a client for workload container <paramref name="containerName"/>'s Pebble.</summary>
    /// <param name="containerName">The container name from <c>charmcraft.yaml</c>.</param>
    /// <param name="timeout">The limit of each HTTP request (default 5 s).</param>
    /// <param name="timeProvider">The clock (default <see cref="TimeProvider.System"/>).</param>
    /// <returns>A client for <see cref="SocketPathFor"/>.</returns>
    public static PebbleClient ForContainer(string containerName, TimeSpan? timeout = null, TimeProvider? timeProvider = null) =>
        new(SocketPathFor(containerName), null, timeout, timeProvider);

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose()
    {
        if (_invoker.IsValueCreated)
        {
            _invoker.Value.Dispose();
        }

        if (_upgradeInvoker != _invoker && _upgradeInvoker.IsValueCreated)
        {
            _upgradeInvoker.Value.Dispose();
        }

        _transport?.Dispose();
    }

    /// <summary>How many <see cref="HttpRequestMessage"/>s this client has built (reads on the unix transport build none).</summary>
    internal int RequestMessagesMade => Volatile.Read(ref _requestMessagesMade);

    private static SocketsHttpHandler CreateSocketHandler(string socketPath) => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        // Keep-alive with a short idle limit, so a connection Pebble dropped is rarely reused.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(15),
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

    // ---- requests -------------------------------------------------------------------------

    private const string JsonMediaType = "application/json";

    private Task<PebbleEnvelope> GetAsync(string path, Query? query, CancellationToken cancellationToken, TimeSpan? requestTimeout = null) =>
        ReadAsync(path, query, JsonMediaType, ParseEnvelope, cancellationToken, requestTimeout);

    /// <summary>Sends a JSON request and returns the envelope; an error envelope throws <see cref="PebbleApiException"/>.</summary>
    private async Task<PebbleEnvelope> PostAsync<T>(string path, T body, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        request.Content = JsonContent(body, typeInfo);
        return await SendAsync(request, ParseEnvelope, cancellationToken);
    }

    private static ByteArrayContent JsonContent<T>(T body, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        return content;
    }

    /// <summary>
    /// Reads <c>GET path?query</c> (no body) and decodes the answer with <paramref name="decode"/>. On the unix
    /// transport the request goes straight to its connections: no <see cref="HttpRequestMessage"/>,
    /// <see cref="HttpResponseMessage"/> or header collections, whose first use costs about a millisecond in a
    /// fresh Native AOT process, and a settled hook makes no other request.
    /// </summary>
    private async Task<T> ReadAsync<T>(
        string path, Query? query, string? accept, Func<HttpAnswer, T> decode, CancellationToken cancellationToken, TimeSpan? requestTimeout = null)
    {
        var target = query is null ? path : path + query.ToQueryString();
        if (_transport is { } transport)
        {
            return await ExchangeAsync(token => transport.GetAsync(target, accept, token), decode, cancellationToken, requestTimeout);
        }

        using var request = NewRequest(HttpMethod.Get, target);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await SendAsync(request, decode, cancellationToken, requestTimeout);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string target)
    {
        Interlocked.Increment(ref _requestMessagesMade);
        return new(method, new Uri(MessageUri.Base, target))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>Sends <paramref name="request"/> through the handler and decodes the answer with <paramref name="decode"/>.</summary>
    private Task<T> SendAsync<T>(HttpRequestMessage request, Func<HttpAnswer, T> decode, CancellationToken cancellationToken, TimeSpan? requestTimeout = null) =>
        ExchangeAsync(
            async token =>
            {
                using var response = await _invoker.Value.SendAsync(request, token);
                return await HttpAnswer.ReadAsync(response, token);
            },
            decode,
            cancellationToken,
            requestTimeout);

    /// <summary>Runs <paramref name="send"/> and <paramref name="decode"/> within <see cref="Timeout"/>; maps transport failures.</summary>
    private async Task<T> ExchangeAsync<T>(
        Func<CancellationToken, Task<HttpAnswer>> send, Func<HttpAnswer, T> decode, CancellationToken cancellationToken, TimeSpan? requestTimeout = null)
    {
        var limit = requestTimeout ?? Timeout;
        using var timeout = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return decode(await send(linked.Token));
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new PebbleConnectionException($"timed out after {GoDuration.Format(limit)} waiting for Pebble at '{SocketPath}'", ex);
        }
        catch (HttpRequestException ex)
        {
            throw ConnectionError(ex);
        }
        catch (IOException ex)
        {
            throw ConnectionError(ex);
        }
    }

    private PebbleConnectionException ConnectionError(Exception ex)
    {
        var socketError = FindInner<SocketException>(ex);
        if (socketError?.SocketErrorCode == SocketError.AddressNotAvailable || !File.Exists(SocketPath))
        {
            return new PebbleConnectionException($"Could not connect to Pebble: socket not found at '{SocketPath}' (container restarted?)", ex);
        }

        var reason = socketError?.Message ?? FindInner<IOException>(ex)?.Message ?? ex.Message;
        return new PebbleConnectionException($"Could not connect to Pebble at '{SocketPath}': {reason}", ex);
    }

    private static T? FindInner<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Parses the JSON envelope of §4.2; the <c>type</c> decides success, so health's 502 <c>sync</c> answer is a result.</summary>
    internal static PebbleEnvelope ParseEnvelope(HttpAnswer answer)
    {
        var code = answer.StatusCode;
        var reason = answer.ReasonPhrase;
        var mediaType = answer.MediaType;
        var body = answer.Body;
        if (!string.Equals(mediaType, JsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            if (code >= 400)
            {
                throw new PebbleApiException(code, reason, $"{code} {reason} (non-JSON response: {Snippet(body)})");
            }

            throw new PebbleProtocolException($"expected Content-Type 'application/json', got '{mediaType ?? "none"}'");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            if (code >= 400)
            {
                throw new PebbleApiException(code, reason, $"{code} {reason} (invalid JSON: {ex.Message})");
            }

            throw new PebbleProtocolException($"invalid JSON from Pebble: {ex.Message}", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PebbleProtocolException($"expected a JSON object from Pebble, got {root.ValueKind}");
        }

        var type = PebbleResults.OptStr(root, "type");
        var statusCode = PebbleResults.OptInt(root, "status-code") ?? code;
        var status = PebbleResults.OptStr(root, "status") ?? reason;
        var result = PebbleResults.Property(root, "result");
        if (type == "error" || (type is null && code >= 400))
        {
            string? message = null, kind = null;
            JsonElement? value = null;
            if (result is { ValueKind: JsonValueKind.Object } error)
            {
                message = PebbleResults.OptStr(error, "message");
                kind = PebbleResults.OptStr(error, "kind");
                value = PebbleResults.Property(error, "value");
            }

            throw new PebbleApiException(code >= 400 ? code : statusCode, status, message ?? $"{statusCode} {status}", kind, value);
        }

        if (type is not ("sync" or "async"))
        {
            throw new PebbleProtocolException($"unexpected response type '{type ?? "none"}' from Pebble");
        }

        return new PebbleEnvelope(type, statusCode, status, PebbleResults.OptStr(root, "change"), result);
    }

    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).Trim();
        return text.Length == 0 ? "empty body" : text;
    }

    private static JsonElement RequireResult(PebbleEnvelope envelope, string what) =>
        envelope.Result ?? throw PebbleResults.Bad($"no result in the {what} response");

    private static string RequireChange(PebbleEnvelope envelope, string what) =>
        envelope.Type == "async" && envelope.Change is { } change
            ? change
            : throw PebbleResults.Bad($"expected an async response with a change id for {what}");

    private static string[] Names(IEnumerable<string> names, string what)
    {
        ArgumentNullException.ThrowIfNull(names, what);
        var list = names.ToArray();
        foreach (var name in list)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"{what} must not contain empty names", what);
            }
        }

        return list;
    }
}

/// <summary>The base of the URIs of <see cref="HttpRequestMessage"/>s, parsed on the first of them (reads need none).</summary>
file static class MessageUri
{
    public static readonly Uri Base = new("http://" + UnixHttpTransport.Host);
}

/// <summary>A parsed response envelope: <c>type</c>, <c>status-code</c>, <c>status</c>, <c>change</c>, <c>result</c>.</summary>
internal sealed record PebbleEnvelope(string Type, int StatusCode, string Status, string? Change, JsonElement? Result);

/// <summary>A query string built in order, values percent-encoded.</summary>
internal sealed class Query
{
    private readonly List<KeyValuePair<string, string>> _pairs = [];

    public Query Add(string key, string? value)
    {
        if (value is not null)
        {
            _pairs.Add(new(key, value));
        }

        return this;
    }

    public Query AddJoined(string key, IEnumerable<string>? values)
    {
        if (values is not null)
        {
            var joined = string.Join(',', values);
            if (joined.Length > 0)
            {
                _pairs.Add(new(key, joined));
            }
        }

        return this;
    }

    public string ToQueryString() =>
        _pairs.Count == 0 ? string.Empty : "?" + string.Join('&', _pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
}
