// PebbleClient: services — status, start/stop/restart/replan/autostart (each waiting for its
// change), signals and service logs.
using System.Text;
using System.Text.Json;

namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    /// <summary>Reads the state of services (<c>GET /v1/services</c>).</summary>
    /// <param name="names">Only these services; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The services Pebble knows, with their state.</returns>
    public async Task<IReadOnlyList<ServiceInfo>> GetServicesAsync(IEnumerable<string>? names = null, CancellationToken cancellationToken = default)
    {
        var envelope = await GetAsync("/v1/services", new Query().AddJoined("names", names), cancellationToken);
        return PebbleResults.List(envelope.Result, "services", PebbleResults.Service);
    }

    /// <summary>Starts services and waits for the change (default 30 s).</summary>
    /// <param name="services">The services to start (at least one).</param>
    /// <param name="timeout">How long to wait for the change; <see cref="TimeSpan.Zero"/> returns at once without waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change id.</returns>
    /// <exception cref="PebbleChangeException">A service did not start; the exception carries the services' last log lines.</exception>
    /// <exception cref="PebbleChangeTimeoutException">The change was not ready in time.</exception>
    public Task<string> StartServicesAsync(IEnumerable<string> services, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ServicesActionAsync("start", Names(services, nameof(services)), timeout, requireNames: true, cancellationToken);

    /// <summary>Stops services and waits for the change (default 30 s).</summary>
    /// <param name="services">The services to stop (at least one).</param>
    /// <param name="timeout">How long to wait for the change; <see cref="TimeSpan.Zero"/> returns at once without waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change id.</returns>
    /// <exception cref="PebbleChangeException">A service did not stop.</exception>
    /// <exception cref="PebbleChangeTimeoutException">The change was not ready in time.</exception>
    public Task<string> StopServicesAsync(IEnumerable<string> services, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ServicesActionAsync("stop", Names(services, nameof(services)), timeout, requireNames: true, cancellationToken);

    /// <summary>
    /// Restarts services (running ones are stopped first, stopped ones started) and waits for the change.
    /// Pebble without the <c>restart</c> action answers 400; then, like ops, this stops the running ones and starts them all.
    /// </summary>
    /// <param name="services">The services to restart (at least one).</param>
    /// <param name="timeout">How long to wait for each change; <see cref="TimeSpan.Zero"/> returns at once without waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change id (of the start change, after a fallback).</returns>
    /// <exception cref="PebbleChangeException">A service did not restart.</exception>
    /// <exception cref="PebbleChangeTimeoutException">The change was not ready in time.</exception>
    public async Task<string> RestartServicesAsync(IEnumerable<string> services, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var names = Names(services, nameof(services));
        try
        {
            return await ServicesActionAsync("restart", names, timeout, requireNames: true, cancellationToken);
        }
        catch (PebbleApiException ex) when (ex.StatusCode == 400)
        {
            var running = (await GetServicesAsync(names, cancellationToken)).Where(s => s.IsRunning).Select(s => s.Name).ToArray();
            if (running.Length > 0)
            {
                await ServicesActionAsync("stop", running, timeout, requireNames: true, cancellationToken);
            }

            return await ServicesActionAsync("start", names, timeout, requireNames: true, cancellationToken);
        }
    }

    /// <summary>Replans: starts the <c>startup: enabled</c> services and restarts those whose configuration changed; waits for the change.</summary>
    /// <param name="timeout">How long to wait for the change (default 30 s); <see cref="TimeSpan.Zero"/> returns at once without waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change id.</returns>
    /// <exception cref="PebbleChangeException">A service did not start; the exception carries the last service log lines.</exception>
    /// <exception cref="PebbleChangeTimeoutException">The change was not ready in time.</exception>
    public Task<string> ReplanAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ServicesActionAsync("replan", [], timeout, requireNames: false, cancellationToken);

    /// <summary>Starts the <c>startup: enabled</c> services and waits for the change.</summary>
    /// <param name="timeout">How long to wait for the change (default 30 s); <see cref="TimeSpan.Zero"/> returns at once without waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change id.</returns>
    /// <exception cref="PebbleApiException">No service is enabled (kind <c>no-default-services</c>).</exception>
    /// <exception cref="PebbleChangeException">A service did not start.</exception>
    /// <exception cref="PebbleChangeTimeoutException">The change was not ready in time.</exception>
    public Task<string> AutostartServicesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ServicesActionAsync("autostart", [], timeout, requireNames: false, cancellationToken);

    private async Task<string> ServicesActionAsync(string action, string[] services, TimeSpan? timeout, bool requireNames, CancellationToken cancellationToken)
    {
        if (requireNames && services.Length == 0)
        {
            throw new ArgumentException($"must name at least one service to {action}", nameof(services));
        }

        if (timeout is { } t && t < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "timeout must not be negative");
        }

        var envelope = await PostAsync("/v1/services", new ServicesRequest(action, services), PebbleJsonContext.Default.ServicesRequest, cancellationToken);
        var changeId = RequireChange(envelope, $"the {action} action");
        var wait = timeout ?? DefaultChangeTimeout;
        if (wait > TimeSpan.Zero)
        {
            await WaitChangeOrThrowAsync(changeId, wait, services, cancellationToken);
        }

        return changeId;
    }

    /// <summary>Sends a signal to running services (<c>POST /v1/signals</c>).</summary>
    /// <param name="signal">The signal name, e.g. <c>SIGHUP</c>.</param>
    /// <param name="services">The services (at least one).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Pebble has sent the signal.</returns>
    /// <exception cref="PebbleApiException">A service is unknown or not running, or the signal is unknown.</exception>
    public async Task SendSignalAsync(string signal, IEnumerable<string> services, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(signal);
        var names = Names(services, nameof(services));
        if (names.Length == 0)
        {
            throw new ArgumentException("must name at least one service", nameof(services));
        }

        await PostAsync("/v1/signals", new SignalRequest(signal, names), PebbleJsonContext.Default.SignalRequest, cancellationToken);
    }

    /// <summary>Reads the last lines of service output (<c>GET /v1/logs</c>, JSON lines).</summary>
    /// <param name="services">Only these services; <see langword="null"/> for all.</param>
    /// <param name="count">How many lines (Pebble's default is 30; -1 for all it keeps).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lines, oldest first.</returns>
    public async Task<IReadOnlyList<LogEntry>> GetLogsAsync(IEnumerable<string>? services = null, int count = 30, CancellationToken cancellationToken = default)
    {
        var query = new Query()
            .AddJoined("services", services)
            .Add("n", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await ReadAsync("/v1/logs", query, accept: null, answer =>
        {
            var mediaType = answer.MediaType;
            if (mediaType is "application/json" || answer.StatusCode >= 400)
            {
                // Errors come as an ordinary envelope; this throws for them.
                ParseEnvelope(answer);
                throw PebbleResults.Bad("expected JSON lines from /v1/logs");
            }

            if (mediaType is not ("application/x-ndjson" or "application/json-seq" or "text/plain" or null))
            {
                throw new PebbleProtocolException($"expected Content-Type 'application/x-ndjson', got '{mediaType}'");
            }

            var entries = new List<LogEntry>();
            foreach (var line in Encoding.UTF8.GetString(answer.Body).Split('\n'))
            {
                if (line.Trim() is { Length: > 0 } text)
                {
                    try
                    {
                        using var document = JsonDocument.Parse(text);
                        entries.Add(PebbleResults.Log(document.RootElement));
                    }
                    catch (JsonException ex)
                    {
                        throw new PebbleProtocolException($"invalid log line from Pebble: {ex.Message}", ex);
                    }
                }
            }

            return (IReadOnlyList<LogEntry>)entries;
        }, cancellationToken);
    }
}
