// PebbleClient: changes — reading, listing, aborting and waiting for them (wait endpoint with
// polling fallback, as ops).
using System.Text.Json;

namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    /// <summary>Reads one change (<c>GET /v1/changes/{id}</c>).</summary>
    /// <param name="changeId">The change id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change.</returns>
    public async Task<Change> GetChangeAsync(string changeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(changeId);
        var envelope = await GetAsync($"/v1/changes/{Uri.EscapeDataString(changeId)}", null, cancellationToken);
        return PebbleResults.Change(RequireResult(envelope, "change"));
    }

    /// <summary>Lists changes (<c>GET /v1/changes</c>).</summary>
    /// <param name="select">Which changes: in progress (Pebble's default), ready, or all.</param>
    /// <param name="service">Only changes that concern this service.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The changes.</returns>
    public async Task<IReadOnlyList<Change>> GetChangesAsync(ChangeSelect select = ChangeSelect.InProgress, string? service = null, CancellationToken cancellationToken = default)
    {
        var query = new Query()
            .Add("select", select switch
            {
                ChangeSelect.All => "all",
                ChangeSelect.Ready => "ready",
                _ => "in-progress",
            })
            .Add("for", string.IsNullOrEmpty(service) ? null : service);
        var envelope = await GetAsync("/v1/changes", query, cancellationToken);
        return PebbleResults.List(envelope.Result, "changes", PebbleResults.Change);
    }

    /// <summary>Aborts a change (<c>POST /v1/changes/{id}</c> with <c>abort</c>).</summary>
    /// <param name="changeId">The change id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change after the abort request.</returns>
    public async Task<Change> AbortChangeAsync(string changeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(changeId);
        var envelope = await PostAsync(
            $"/v1/changes/{Uri.EscapeDataString(changeId)}", new ChangeActionRequest("abort"), PebbleJsonContext.Default.ChangeActionRequest, cancellationToken);
        return PebbleResults.Change(RequireResult(envelope, "abort change"));
    }

    /// <summary>
    /// Waits until a change is ready. Uses <c>GET /v1/changes/{id}/wait</c> in slices shorter than
    /// <see cref="Timeout"/>, and falls back to polling <c>GET /v1/changes/{id}</c> every 100 ms when the
    /// server has no wait endpoint (404), as ops does.
    /// </summary>
    /// <param name="changeId">The change id.</param>
    /// <param name="timeout">How long to wait in all; <see langword="null"/> waits until <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The ready change (it may have <see cref="Change.Err"/> set; this method does not throw for that).</returns>
    /// <exception cref="PebbleChangeTimeoutException">The change was not ready within <paramref name="timeout"/>.</exception>
    public async Task<Change> WaitChangeAsync(string changeId, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(changeId);
        var start = _time.GetTimestamp();
        TimeSpan? Remaining() => timeout - _time.GetElapsedTime(start);

        // One second less than the socket timeout, so Pebble answers 504 before our own timeout fires.
        var slice = Timeout - TimeSpan.FromSeconds(1) is var s && s >= TimeSpan.FromSeconds(1) ? s : TimeSpan.FromSeconds(1);
        while (true)
        {
            var thisWait = slice;
            if (Remaining() is { } remaining)
            {
                if (remaining <= TimeSpan.Zero)
                {
                    throw new PebbleChangeTimeoutException(changeId, timeout!.Value);
                }

                thisWait = remaining < slice ? remaining : slice;
            }

            try
            {
                var query = new Query().Add("timeout", GoDuration.FormatSeconds(thisWait));
                // The request may take the whole slice, so its own limit is the slice plus the usual timeout.
                var envelope = await GetAsync($"/v1/changes/{Uri.EscapeDataString(changeId)}/wait", query, cancellationToken, thisWait + Timeout);
                return PebbleResults.Change(RequireResult(envelope, "wait change"));
            }
            catch (PebbleApiException ex) when (ex.StatusCode == 504)
            {
                // Not ready in this slice: check the overall deadline and wait again.
            }
            catch (PebbleApiException ex) when (ex.StatusCode == 404)
            {
                return await PollChangeAsync(changeId, timeout, Remaining, cancellationToken);
            }
        }
    }

    private async Task<Change> PollChangeAsync(string changeId, TimeSpan? timeout, Func<TimeSpan?> remaining, CancellationToken cancellationToken)
    {
        while (remaining() is not { } left || left > TimeSpan.Zero)
        {
            var change = await GetChangeAsync(changeId, cancellationToken);
            if (change.Ready)
            {
                return change;
            }

            await Task.Delay(PollDelay, _time, cancellationToken);
        }

        throw new PebbleChangeTimeoutException(changeId, timeout!.Value);
    }

    /// <summary>Waits for a change and throws when it failed; for service changes, attaches the services' last log lines.</summary>
    private async Task<Change> WaitChangeOrThrowAsync(string changeId, TimeSpan? timeout, string[]? logServices, CancellationToken cancellationToken)
    {
        var change = await WaitChangeAsync(changeId, timeout, cancellationToken);
        if (change.Err is null)
        {
            return change;
        }

        IReadOnlyList<LogEntry> logs = [];
        if (logServices is not null)
        {
            try
            {
                logs = await GetLogsAsync(logServices.Length == 0 ? null : logServices, 10, cancellationToken);
            }
            catch (PebbleException)
            {
                // Best effort: the change error matters more than the logs.
            }
            catch (JsonException)
            {
            }
        }

        throw new PebbleChangeException(change, logs);
    }
}
