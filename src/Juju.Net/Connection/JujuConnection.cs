// JujuConnection: one websocket to a Juju controller's API (juju-api.md §1): the JSON envelope with
// request ids, concurrent calls answered in any order, per-call cancellation and timeouts, a ping every
// minute, TLS pinned to the controller's CA, password login (Admin v3) with redirects followed, and the
// facade versions negotiated from the login result.
using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Juju.Net;

/// <summary>A logged-in connection to a Juju controller or model; the generated facade clients call through it.</summary>
/// <remarks>
/// Make one with <see cref="ConnectAsync"/>, then build clients with the negotiated version:
/// <c>new ClientClient(connection, connection.Version(ClientClient.FacadeName))</c>. Calls may run concurrently.
/// When the connection ends (closed, lost, or a ping unanswered) every pending call fails with a
/// <see cref="JujuConnectionException"/>.
/// </remarks>
public sealed class JujuConnection : IRpcCaller, IAsyncDisposable
{
    private const int AdminVersion = 3;

    private readonly ClientWebSocket _socket;
    private readonly JujuConnectionOptions _options;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<JsonDocument>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task _readLoop;
    private Dictionary<string, IReadOnlyList<long>> _serverFacades = new(StringComparer.Ordinal);
    private Task _pingLoop = Task.CompletedTask;
    private long _lastRequestId;
    private volatile JujuConnectionException? _ended;

    private JujuConnection(ClientWebSocket socket, Uri endpoint, JujuConnectionOptions options)
    {
        _socket = socket;
        _options = options;
        Endpoint = endpoint;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The websocket URL this connection is on (after any redirect), e.g. <c>wss://10.0.0.5:17070/model/&lt;uuid&gt;/api</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The login result: servers, controller and model tags, user info, server version and facades.</summary>
    public LoginResult Login { get; private set; } = new();

    /// <summary>The facades the server offers on this connection and their versions (from <see cref="Login"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<long>> ServerFacades => _serverFacades;

    /// <summary>Completes when the connection has ended, for whatever reason.</summary>
    public Task Completion => _readLoop;

    /// <summary>Connects to the first reachable address, logs in, follows redirects and starts pinging.</summary>
    /// <param name="options">Addresses, CA, user, password, model and timings.</param>
    /// <param name="cancellationToken">Cancels connecting and logging in.</param>
    /// <returns>The logged-in connection.</returns>
    /// <exception cref="JujuConnectionException">No address could be reached, TLS failed (the message says whether the CA or the name was wrong), the login needs a macaroon discharge, or there were too many redirects.</exception>
    /// <exception cref="JujuApiException">The login was refused, e.g. <see cref="JujuErrorCodes.Unauthorized"/> for a wrong password or <see cref="JujuErrorCodes.NotFound"/> for an unknown model.</exception>
    public static async Task<JujuConnection> ConnectAsync(JujuConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Addresses.Count == 0)
        {
            throw new ArgumentException("The controller has no API address (api-endpoints of controllers.yaml).", nameof(options));
        }

        ArgumentException.ThrowIfNullOrEmpty(options.User, nameof(options));
        var addresses = options.Addresses;
        var caCert = options.CaCert;
        for (var redirects = 0; ; redirects++)
        {
            var connection = await OpenAsync(addresses, caCert, options, cancellationToken).ConfigureAwait(false);
            try
            {
                await connection.LogInAsync(cancellationToken).ConfigureAwait(false);
                connection.StartPinging();
                return connection;
            }
            catch (JujuApiException e) when (e.Is(JujuErrorCodes.RedirectionRequired))
            {
                var target = await connection.RedirectTargetAsync(e, cancellationToken).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                if (redirects >= options.MaxRedirects)
                {
                    throw new JujuConnectionException($"{connection.Endpoint} redirected the login more than {options.MaxRedirects} times (MaxRedirects); last target {string.Join(", ", target.Addresses)}.", e);
                }

                addresses = target.Addresses;
                caCert = target.CaCert;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The facade version to send: the highest that both the server (login result) and Juju.Net (<see cref="KnownFacades"/>) know.</summary>
    /// <param name="facade">The facade name, e.g. <c>ApplicationClient.FacadeName</c>.</param>
    /// <exception cref="NotSupportedException">The server does not offer the facade on this connection, or no version is known to both.</exception>
    public int Version(string facade) =>
        TryGetVersion(facade, out var version) ? version : throw new NotSupportedException(DescribeMissingFacade(facade));

    /// <summary>Gets the facade version to send, as <see cref="Version"/>, without throwing.</summary>
    /// <param name="facade">The facade name.</param>
    /// <param name="version">The negotiated version, or 0.</param>
    /// <returns>Whether there is a version both sides know.</returns>
    public bool TryGetVersion(string facade, out int version)
    {
        ArgumentNullException.ThrowIfNull(facade);
        version = _serverFacades.TryGetValue(facade, out var offered) ? KnownFacades.Best(facade, offered) ?? 0 : 0;
        return version > 0;
    }

    /// <summary>A view of this connection whose calls wait <paramref name="timeout"/> for their reply instead of <see cref="JujuConnectionOptions.CallTimeout"/>.</summary>
    /// <param name="timeout">The time to wait, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <returns>An <see cref="IRpcCaller"/> to give a facade client, e.g. <c>new ClientClient(connection.WithTimeout(TimeSpan.FromMinutes(10)), v)</c>.</returns>
    public IRpcCaller WithTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A call timeout is positive, or Timeout.InfiniteTimeSpan.");
        }

        return new TimedCaller(this, timeout);
    }

    /// <inheritdoc/>
    public Task<TResult> CallAsync<TParams, TResult>(RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
        where TParams : class
        where TResult : class =>
        CallAsync(request, parameters, paramsType, resultType, _options.CallTimeout, cancellationToken);

    /// <summary>Calls <paramref name="request"/> and waits at most <paramref name="timeout"/> for the reply.</summary>
    /// <typeparam name="TParams">The params type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="request">Facade, version, method and watcher id.</param>
    /// <param name="parameters">The params, or <see langword="null"/> to send none.</param>
    /// <param name="paramsType">Source-generated type information of the params.</param>
    /// <param name="resultType">Source-generated type information of the result.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">Cancels the wait; a late reply is then dropped.</param>
    /// <returns>The deserialised <c>response</c>.</returns>
    /// <exception cref="JujuApiException">The server answered with an error.</exception>
    /// <exception cref="TimeoutException">No reply came within <paramref name="timeout"/>.</exception>
    /// <exception cref="JujuConnectionException">The connection ended before the reply came.</exception>
    public async Task<TResult> CallAsync<TParams, TResult>(RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, TimeSpan timeout, CancellationToken cancellationToken)
        where TParams : class
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(resultType);
        var call = $"{request.Facade}.{request.Method} (v{request.Version})";
        var id = (ulong)Interlocked.Increment(ref _lastRequestId);
        var frame = Envelope(id, request, parameters, paramsType);
        var reply = new TaskCompletionSource<JsonDocument>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            // Registered first, checked second: an end that happens in between has either failed this call
            // already (it was in _pending) or is seen here.
            if (_ended is { } ended)
            {
                throw Ended(call, ended);
            }

            using var timeoutSource = new CancellationTokenSource(timeout, _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            try
            {
                await SendAsync(frame, call).ConfigureAwait(false);
                using var document = await reply.Task.WaitAsync(linked.Token).ConfigureAwait(false);
                return Read(document.RootElement, call, resultType);
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{call} got no reply from {Endpoint} within {timeout} (CallTimeout, or WithTimeout for this call).");
            }
            catch (JujuConnectionException e) when (ReferenceEquals(e, _ended))
            {
                throw Ended(call, e);
            }
        }
        finally
        {
            if (_pending.TryRemove(id, out var left) && left.Task.IsCompletedSuccessfully)
            {
                left.Task.Result.Dispose();
            }
        }
    }

    /// <summary>Closes the connection cleanly; pending calls fail with a <see cref="JujuConnectionException"/> that says it was closed.</summary>
    /// <param name="cancellationToken">Stops waiting for the server's close acknowledgement (the socket is then aborted).</param>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (!End(new JujuConnectionException($"The connection to {Endpoint} was closed by this client.")))
        {
            await _readLoop.ConfigureAwait(false);
            return;
        }

        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closed", cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }

            await _readLoop.WaitAsync(TimeSpan.FromSeconds(5), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The server did not acknowledge the close; nothing more is owed to it.
        }
        finally
        {
            _socket.Abort();
            await _readLoop.ConfigureAwait(false);
            await _pingLoop.ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection (<see cref="CloseAsync"/>) and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _socket.Dispose();
        _lifetime.Dispose();
        _sendLock.Dispose();
    }

    private static async Task<JujuConnection> OpenAsync(IReadOnlyList<string> addresses, string caCert, JujuConnectionOptions options, CancellationToken cancellationToken)
    {
        using var ca = ControllerCertificateValidator.LoadCa(caCert, "JujuConnectionOptions.CaCert");
        var failures = new List<string>();
        Exception? last = null;
        foreach (var address in addresses)
        {
            var endpoint = BuildEndpoint(address, options.ModelUuid);
            var validator = new ControllerCertificateValidator(ca, options.ServerName);
            var socket = new ClientWebSocket();
            socket.Options.RemoteCertificateValidationCallback = validator.Validate;
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
                return new JujuConnection(socket, endpoint, options);
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException or IOException)
            {
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                last = e;
                failures.Add(validator.Rejection is { } rejection
                    ? $"{endpoint}: TLS refused: {rejection}"
                    : timeout.IsCancellationRequested
                        ? $"{endpoint}: no answer within {options.ConnectTimeout} (ConnectTimeout)"
                        : $"{endpoint}: {Innermost(e).Message}");
            }
        }

        throw new JujuConnectionException($"Could not connect to the controller: {string.Join("; ", failures)}", last);
    }

    private static Uri BuildEndpoint(string address, string? modelUuid)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The controller address \"{address}\" is not host:port (as in api-endpoints of controllers.yaml).", nameof(address));
        }

        var path = modelUuid is null ? "/api" : $"/model/{Uri.EscapeDataString(modelUuid)}/api";
        return Uri.TryCreate($"wss://{address}{path}", UriKind.Absolute, out var uri)
            ? uri
            : throw new ArgumentException($"The controller address \"{address}\" is not host:port (as in api-endpoints of controllers.yaml).", nameof(address));
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private async Task LogInAsync(CancellationToken cancellationToken)
    {
        var admin = new AdminClient(this, AdminVersion);
        var request = new LoginRequest
        {
            AuthTag = "user-" + _options.User,
            Credentials = _options.Password,
            Macaroons = [],
            Nonce = "",
            UserData = "",
            ClientVersion = _options.ClientVersion,
            CliArgs = _options.CliArgs,
            BakeryVersion = 3,
        };
        LoginResult result;
        try
        {
            result = await admin.LoginAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (JujuApiException e) when (!e.Is(JujuErrorCodes.RedirectionRequired))
        {
            throw new JujuApiException($"Admin.Login (v{AdminVersion}) as user-{_options.User} at {Endpoint}", e.ServerMessage, e.Code, e.Info);
        }

        if (result.DischargeRequired is not null || result.BakeryDischargeRequired is not null || !string.IsNullOrEmpty(result.DischargeRequiredError))
        {
            throw new JujuConnectionException($"{Endpoint} asks user-{_options.User} for a macaroon discharge (an external identity provider); Juju.Net logs in with a password only. Use a local user with a password (juju change-user-password).");
        }

        Login = result;
        _serverFacades = (result.Facades ?? []).ToDictionary(f => f.Name, f => (IReadOnlyList<long>)(f.Versions ?? []), StringComparer.Ordinal);
    }

    private async Task<(IReadOnlyList<string> Addresses, string CaCert)> RedirectTargetAsync(JujuApiException redirect, CancellationToken cancellationToken)
    {
        // With error-info the target is in the error; without it (JAAS style) Admin.RedirectInfo gives it.
        var info = redirect.Info is { ValueKind: JsonValueKind.Object } element
            ? element.Deserialize(JujuJsonContext.Default.RedirectInfoResult)
            : await new AdminClient(this, AdminVersion).RedirectInfoAsync(cancellationToken).ConfigureAwait(false);
        var addresses = RedirectAddresses(info?.Servers);
        if (info is null || addresses.Count == 0 || string.IsNullOrWhiteSpace(info.CaCert))
        {
            throw new JujuConnectionException($"{Endpoint} redirected the login but gave no servers or no CA certificate to go to ({redirect.ServerMessage}).", redirect);
        }

        return (addresses, info.CaCert);
    }

    private static List<string> RedirectAddresses(IReadOnlyList<IReadOnlyList<HostPort>>? servers)
    {
        // Public addresses first, then cloud-local, then the rest, as a client outside the cloud most often needs.
        static int Rank(string scope) => scope switch { "public" => 0, "local-cloud" => 1, "" => 2, _ => 3 };
        return (servers ?? [])
            .SelectMany(s => s ?? [])
            .Where(h => !string.IsNullOrEmpty(h.Value) && h.Port > 0)
            .OrderBy(h => Rank(h.Scope))
            .Select(h => h.Value.Contains(':', StringComparison.Ordinal) ? $"[{h.Value}]:{h.Port}" : $"{h.Value}:{h.Port}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private void StartPinging()
    {
        var version = TryGetVersion(PingerClient.FacadeName, out var v) ? v : PingerClient.SchemaVersion;
        _pingLoop = Task.Run(() => PingLoopAsync(new PingerClient(WithTimeout(_options.PingTimeout), version), _lifetime.Token));
    }

    private async Task PingLoopAsync(PingerClient pinger, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.PingInterval, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                await pinger.PingAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (JujuConnectionException)
        {
            // The connection ended; the read loop has said why.
        }
        catch (Exception e) when (e is TimeoutException or JujuApiException)
        {
            // Go's client treats a failed ping as a dead connection, and so do we.
            if (End(new JujuConnectionException($"The controller at {Endpoint} did not answer Pinger.Ping: {e.Message}", e)))
            {
                _socket.Abort();
            }
        }
    }

    private static byte[] Envelope<TParams>(ulong id, RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType)
        where TParams : class
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("request-id", id);
            writer.WriteString("type", request.Facade);
            writer.WriteNumber("version", request.Version);
            if (request.Id is not null)
            {
                writer.WriteString("id", request.Id);
            }

            writer.WriteString("request", request.Method);
            if (parameters is not null)
            {
                writer.WritePropertyName("params");
                JsonSerializer.Serialize(writer, parameters, paramsType);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static TResult Read<TResult>(JsonElement root, string call, JsonTypeInfo<TResult> resultType)
        where TResult : class
    {
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 } message)
        {
            var code = root.TryGetProperty("error-code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            JsonElement? info = root.TryGetProperty("error-info", out var i) && i.ValueKind == JsonValueKind.Object ? i.Clone() : null;
            throw new JujuApiException(call, message, code, info);
        }

        try
        {
            var result = root.TryGetProperty("response", out var response) && response.ValueKind != JsonValueKind.Null
                ? response.Deserialize(resultType)
                : JsonSerializer.Deserialize("{}"u8, resultType);
            return result ?? throw new JsonException("the response is null");
        }
        catch (JsonException e)
        {
            throw new JsonException($"{call}: the reply does not fit {typeof(TResult).Name}: {e.Message}", e);
        }
    }

    private async Task SendAsync(byte[] frame, string call)
    {
        // Sends are not cancelled by the caller: a cancelled websocket send aborts the whole socket.
        await _sendLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            var ended = _ended ?? new JujuConnectionException($"The connection to {Endpoint} was lost while sending {call}: {e.Message}", e);
            End(ended);
            throw ended;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Completes the close handshake the controller started (RFC 6455 §5.5.1), waiting at most 5 seconds for a send in progress.</summary>
    private async Task AnswerCloseAsync()
    {
        if (!await _sendLock.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
        {
            _socket.Abort();
            return;
        }

        try
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the controller", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _socket.Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    End(new JujuConnectionException($"The controller at {Endpoint} closed the connection ({_socket.CloseStatus} {_socket.CloseStatusDescription})."));
                    await AnswerCloseAsync().ConfigureAwait(false);
                    return;
                }

                if (message.WrittenCount + received.Count > _options.MaxMessageBytes)
                {
                    End(new JujuConnectionException($"The controller at {Endpoint} sent a message larger than {_options.MaxMessageBytes} bytes (MaxMessageBytes)."));
                    _socket.Abort();
                    return;
                }

                message.Write(chunk.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    Dispatch(message.WrittenMemory);
                    message.ResetWrittenCount();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            End(new JujuConnectionException($"The connection to {Endpoint} was lost: {Innermost(e).Message}", e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> frame)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException)
        {
            return; // Not a reply of ours; Juju's server never sends one.
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("request-id", out var idElement)
            && idElement.TryGetUInt64(out var id)
            && _pending.TryGetValue(id, out var reply)
            && reply.TrySetResult(document))
        {
            return;
        }

        document.Dispose(); // A reply to a call that was cancelled or timed out.
    }

    /// <summary>Marks the connection ended with <paramref name="reason"/> and fails every pending call; false when it had already ended.</summary>
    private bool End(JujuConnectionException reason)
    {
        if (Interlocked.CompareExchange(ref _ended, reason, null) is not null)
        {
            return false;
        }

        _lifetime.Cancel();
        foreach (var (_, reply) in _pending)
        {
            reply.TrySetException(reason);
        }

        return true;
    }

    private static JujuConnectionException Ended(string call, JujuConnectionException reason) =>
        new($"{call} got no reply: {reason.Message}", reason);

    private string DescribeMissingFacade(string facade)
    {
        var known = KnownFacades.Versions.TryGetValue(facade, out var k) ? string.Join(", ", k) : "none (no generated client)";
        if (!_serverFacades.TryGetValue(facade, out var offered))
        {
            var kind = Login.ModelTag is { Length: > 0 } ? "model" : "controller";
            return $"The controller at {Endpoint} (Juju {Login.ServerVersion}) offers no facade {facade} on this {kind} connection; "
                + "model facades (Application, Client, Charms, Action, …) need a model connection (ModelUuid), ApplicationOffers and ModelManager a controller connection.";
        }

        return $"The controller at {Endpoint} (Juju {Login.ServerVersion}) offers {facade} versions {string.Join(", ", offered)}; Juju.Net speaks {known}.";
    }

    private sealed class TimedCaller(JujuConnection connection, TimeSpan timeout) : IRpcCaller
    {
        public Task<TResult> CallAsync<TParams, TResult>(RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
            where TParams : class
            where TResult : class =>
            connection.CallAsync(request, parameters, paramsType, resultType, timeout, cancellationToken);
    }
}
