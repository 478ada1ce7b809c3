// FakePebbleServer: a real Pebble API server for tests (Kestrel on a unix socket in a temp dir):
// layers and plan, services, changes, checks, files under a temp root, scripted execs over
// websockets, signals, notices and logs, with the test hooks a charm test needs and the means to
// make the socket vanish mid-test.
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>Options for <see cref="FakePebbleServer.StartAsync"/>.</summary>
public sealed record FakePebbleServerOptions
{
    /// <summary>Where to listen; a fresh <c>/tmp/…/pebble.socket</c> when <see langword="null"/>. Its directory must exist.</summary>
    public string? SocketPath { get; init; }

    /// <summary>The version <c>GET /v1/system-info</c> reports.</summary>
    public string Version { get; init; } = FakePebbleServer.DefaultVersion;

    /// <summary>The clock for change, notice and log times and for waits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Host directories mounted into the container (Scenario's <c>Mount</c>): container path →
    /// host directory. Files below a mount point are read and written in its host directory.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Mounts { get; init; }

    /// <summary>The boot id <c>GET /v1/system-info</c> reports (a container's Pebble keeps its own until the container restarts); a fresh one when <see langword="null"/>.</summary>
    public string? BootId { get; init; }
}

/// <summary>
/// A fake Pebble: the Pebble HTTP API on a unix socket, with Pebble's response shapes and errors, backed
/// by in-memory state and a temp directory as the container's filesystem. Use one per test and dispose it.
/// </summary>
public sealed class FakePebbleServer : IAsyncDisposable
{
    /// <summary>The Pebble version the fake reports by default (the one Juju 3.6 and 4.0 bundle).</summary>
    public const string DefaultVersion = "1.32.1";

    private readonly PebbleState _state;
    private readonly List<RecordedRequest> _requests = [];
    private readonly string _tempDir;
    private readonly string _version;
    private readonly CancellationTokenSource _disposing = new();
    private WebApplication? _app;
    private CancellationTokenSource? _stopping;
    private PebbleApi? _api;
    private bool _disposed;

    private FakePebbleServer(string tempDir, string socketPath, FakePebbleServerOptions options)
    {
        _tempDir = tempDir;
        _version = options.Version;
        SocketPath = socketPath;
        Root = Directory.CreateDirectory(Path.Combine(tempDir, "root")).FullName;
        BootId = options.BootId ?? Guid.NewGuid().ToString();
        _state = new PebbleState(Root, options.TimeProvider, CurrentUserId(), options.Mounts);
    }

    /// <summary>The unix socket the server listens on (absent while disconnected).</summary>
    public string SocketPath { get; }

    /// <summary>The host directory holding the container's filesystem: Pebble path <c>/etc/x</c> is <c>Root/etc/x</c>.</summary>
    public string Root { get; }

    /// <summary>The boot id <c>GET /v1/system-info</c> reports: <see cref="FakePebbleServerOptions.BootId"/>, or a fresh one; fixed for the server's life.</summary>
    public string BootId { get; }

    /// <summary>Whether the socket is there and served.</summary>
    public bool IsListening => _app is not null;

    /// <summary>The layers in order, as added (and combined into) through <c>POST /v1/layers</c> or <c>AddLayer</c>.</summary>
    public IReadOnlyList<FakePebbleLayer> Layers => Locked(() => _state.Layers);

    /// <summary>The combined plan.</summary>
    public Plan Plan => Locked(() => _state.Plan);

    /// <summary>Each plan service's <c>current</c> state: <c>active</c>, <c>inactive</c>, <c>backoff</c> or <c>error</c>.</summary>
    public IReadOnlyDictionary<string, string> ServiceStatuses => Locked(_state.ServiceStatuses);

    /// <summary>Each check's status: <c>up</c>, <c>down</c> or <c>inactive</c>.</summary>
    public IReadOnlyDictionary<string, string> CheckStatuses => Locked(() => _state.Checks.ToDictionary(c => c.Name, c => c.Status));

    /// <summary>Every command run through <c>POST /v1/exec</c>, in order, as the client sent it.</summary>
    public IReadOnlyList<ExecRequest> ExecHistory => Locked(() => _state.ExecHistory);

    /// <summary>Every notice (custom, change-update, warning), ordered by last-repeated time.</summary>
    public IReadOnlyList<FakePebbleNotice> Notices => Locked(_state.Notices.All);

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>While set, service changes (start, stop, restart, replan, autostart) stay <c>Doing</c> until <see cref="ReleaseChanges"/>.</summary>
    public bool HoldChanges
    {
        get => Locked(() => _state.HoldChanges);
        set
        {
            lock (_state.Gate)
            {
                _state.HoldChanges = value;
            }
        }
    }

    /// <summary>Starts a fake Pebble on a unix socket.</summary>
    /// <param name="options">Where to listen and what to report; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The listening server.</returns>
    public static async Task<FakePebbleServer> StartAsync(FakePebbleServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakePebbleServerOptions();
        var tempDir = Directory.CreateTempSubdirectory("fake-pebble-").FullName;
        var server = new FakePebbleServer(tempDir, options.SocketPath ?? Path.Combine(tempDir, "pebble.socket"), options);
        try
        {
            await server.ListenAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Adds a layer as <c>POST /v1/layers</c> would (Scenario's <c>Container(layers=…)</c>).</summary>
    /// <param name="label">The layer's label.</param>
    /// <param name="yaml">The layer YAML.</param>
    /// <param name="combine">Combine into an existing layer with this label instead of failing.</param>
    /// <exception cref="PebbleLayerException">Pebble would refuse the layer; the message is its error.</exception>
    public void AddLayer(string label, string yaml, bool combine = false) => AddLayer(label, Layer.FromYaml(yaml), combine);

    /// <summary>Adds a layer as <c>POST /v1/layers</c> would.</summary>
    /// <param name="label">The layer's label.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="combine">Combine into an existing layer with this label instead of failing.</param>
    /// <exception cref="PebbleLayerException">Pebble would refuse the layer; the message is its error.</exception>
    public void AddLayer(string label, Layer layer, bool combine = false)
    {
        ArgumentNullException.ThrowIfNull(layer);
        lock (_state.Gate)
        {
            var error = _state.AddLayer(label, layer, combine);
            if (error is not null)
            {
                throw new PebbleLayerException(error);
            }
        }
    }

    /// <summary>Sets a service's state directly (Scenario's <c>service_statuses</c>).</summary>
    /// <param name="service">The service.</param>
    /// <param name="status"><c>active</c>, <c>inactive</c>, <c>backoff</c> or <c>error</c>.</param>
    public void SetServiceStatus(string service, string status)
    {
        if (status is not ("active" or "inactive" or "backoff" or "error"))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "a service status is active, inactive, backoff or error");
        }

        lock (_state.Gate)
        {
            _state.SetServiceStatus(service, status);
        }
    }

    /// <summary>Replaces a service's output, as <c>GET /v1/logs</c> serves it and a failed start quotes it.</summary>
    /// <param name="service">The service.</param>
    /// <param name="lines">Its output lines, oldest first.</param>
    public void SetServiceLogs(string service, params IEnumerable<string> lines)
    {
        lock (_state.Gate)
        {
            _state.SetLogs(service, lines);
        }
    }

    /// <summary>
    /// Makes every later start of a service fail, as a process that exits at once: the start task errors,
    /// the change's <c>err</c> says so, and the service is <c>backoff</c> (on-failure restart, the
    /// default) or <c>error</c>. Undo with <see cref="AllowServiceStart"/>.
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="message">The task error; Pebble's <c>service start attempt: exited quickly with code 1, will restart</c> when <see langword="null"/>.</param>
    public void FailServiceStart(string service, string? message = null)
    {
        lock (_state.Gate)
        {
            _state.FailStarts(service, message);
        }
    }

    /// <summary>Lets a service start again after <see cref="FailServiceStart"/>.</summary>
    /// <param name="service">The service.</param>
    public void AllowServiceStart(string service)
    {
        lock (_state.Gate)
        {
            _state.AllowStarts(service);
        }
    }

    /// <summary>
    /// Sets a check's status as its probe would: <c>down</c> fails it to its threshold (its perform-check
    /// change errors and a recover-check change starts, as Pebble records for Juju's check-failed),
    /// <c>up</c> recovers it (or records <paramref name="failures"/> below the threshold), <c>inactive</c> stops it.
    /// </summary>
    /// <param name="check">A check in the plan.</param>
    /// <param name="status"><c>up</c>, <c>down</c> or <c>inactive</c>.</param>
    /// <param name="failures">Failures in a row; the threshold (down) or 0 (up) when <see langword="null"/>.</param>
    /// <param name="message">The probe's error text.</param>
    /// <exception cref="ArgumentException">The check is not in the plan, or the status is unknown.</exception>
    public void SetCheckStatus(string check, string status, int? failures = null, string? message = null)
    {
        lock (_state.Gate)
        {
            var error = _state.SetCheck(check, status, failures, message);
            if (error is not null)
            {
                throw new ArgumentException(error, nameof(check));
            }
        }
    }

    /// <summary>Answers commands starting with <paramref name="commandPrefix"/> (the longest matching prefix wins; empty matches all).</summary>
    /// <param name="commandPrefix">The command and leading arguments to match.</param>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="stdout">The output on stdout.</param>
    /// <param name="stderr">The output on stderr.</param>
    public void AddExec(IReadOnlyList<string> commandPrefix, int exitCode = 0, string stdout = "", string stderr = "")
    {
        ArgumentNullException.ThrowIfNull(commandPrefix);
        lock (_state.Gate)
        {
            _state.AddExec(new ExecEntry([.. commandPrefix], new ExecResponse(exitCode, stdout, stderr), null));
        }
    }

    /// <summary>Answers commands starting with <paramref name="commandPrefix"/> with a handler that sees the request and all of stdin.</summary>
    /// <param name="commandPrefix">The command and leading arguments to match.</param>
    /// <param name="handler">Computes the answer once the client has ended stdin (or closed its stdio websocket).</param>
    public void AddExec(IReadOnlyList<string> commandPrefix, Func<ExecRequest, ExecResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(commandPrefix);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_state.Gate)
        {
            _state.AddExec(new ExecEntry([.. commandPrefix], null, handler));
        }
    }

    /// <summary>Records a notice occurrence, as <c>pebble notify</c> in the workload would.</summary>
    /// <param name="key">The key (for custom notices <c>example.com/path</c>).</param>
    /// <param name="data">The occurrence's data.</param>
    /// <param name="repeatAfter">Only repeat (move to the end) if at least this long since the last repeat.</param>
    /// <param name="type"><c>custom</c>, <c>change-update</c> or <c>warning</c>.</param>
    /// <returns>The notice's id.</returns>
    public string AddNotice(string key, IReadOnlyDictionary<string, string>? data = null, TimeSpan? repeatAfter = null, string type = "custom")
    {
        if (!NoticeStore.IsValidType(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "a notice type is custom, change-update or warning");
        }

        lock (_state.Gate)
        {
            var userId = type == NoticeStore.Custom ? _state.UserId : (uint?)null;
            return _state.Notices.Add(userId, type, key, data, repeatAfter ?? TimeSpan.Zero).Id;
        }
    }

    /// <summary>
    /// Puts back a notice with its id, times and counts as they were (Scenario's
    /// <c>Container(notices=…)</c>); notices added later get higher ids.
    /// </summary>
    /// <param name="notice">The notice; its type must be custom, change-update or warning.</param>
    public void RestoreNotice(FakePebbleNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (!NoticeStore.IsValidType(notice.Type))
        {
            throw new ArgumentOutOfRangeException(nameof(notice), notice.Type, "a notice type is custom, change-update or warning");
        }

        lock (_state.Gate)
        {
            _state.Notices.Restore(notice);
        }
    }

    /// <summary>Completes every service change held by <see cref="HoldChanges"/>.</summary>
    public void ReleaseChanges()
    {
        lock (_state.Gate)
        {
            _state.ReleaseChanges();
        }
    }

    /// <summary>Stops listening and removes the socket: calls in flight are cut, new ones find no socket (a container going away).</summary>
    /// <param name="cancellationToken">Cancels waiting for the server to stop.</param>
    /// <returns>A task that completes when the socket is gone.</returns>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        var app = _app;
        if (app is null)
        {
            return;
        }

        _app = null;
        await _stopping!.CancelAsync();
        try
        {
            await app.StopAsync(cancellationToken);
            await _api!.RunningAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        finally
        {
            await app.DisposeAsync();
            _stopping.Dispose();
            File.Delete(SocketPath);
        }
    }

    /// <summary>Listens again after <see cref="DisconnectAsync"/>, with the same state and boot id.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the socket is served.</returns>
    public Task ReconnectAsync(CancellationToken cancellationToken = default) =>
        _app is not null ? Task.CompletedTask : ListenAsync(cancellationToken);

    /// <summary>Stops the server and deletes the socket and the container's filesystem.</summary>
    /// <returns>A task that completes when everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await DisconnectAsync();
        }
        finally
        {
            _disposing.Dispose();
            try
            {
                Directory.Delete(_tempDir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still open by a test keeps the temp dir.
            }
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (File.Exists(SocketPath))
        {
            File.Delete(SocketPath);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = _tempDir });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(SocketPath);
        });
        builder.Services.AddLogging(logging => logging.ClearProviders());

        var stopping = new CancellationTokenSource();
        var api = new PebbleApi(_state, _version, () => BootId, _requests, stopping.Token);
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(api.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            stopping.Dispose();
            throw;
        }

        _stopping = stopping;
        _api = api;
        _app = app;
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_state.Gate)
        {
            return read();
        }
    }

    /// <summary>The uid of this process, which Pebble would read from the socket's peer credentials.</summary>
    private static uint CurrentUserId()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var fields = line["Uid:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return uint.Parse(fields[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Not Linux: fall through.
        }

        return 0;
    }
}
