// PebbleClient: health checks — their state, and starting and stopping them.
using System.Text.Json;

namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    /// <summary>Reads the state of health checks (<c>GET /v1/checks</c>).</summary>
    /// <param name="level">Only checks of this level; <see langword="null"/> for all.</param>
    /// <param name="names">Only these checks; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The checks with their state.</returns>
    public async Task<IReadOnlyList<CheckInfo>> GetChecksAsync(CheckLevel? level = null, IEnumerable<string>? names = null, CancellationToken cancellationToken = default)
    {
        var query = new Query()
            .Add("level", level is { } l ? LayerNames.Of(l) : null)
            .AddJoined("names", names);
        var envelope = await GetAsync("/v1/checks", query, cancellationToken);
        return PebbleResults.List(envelope.Result, "checks", PebbleResults.Check);
    }

    /// <summary>Starts checks (<c>POST /v1/checks</c>, Juju ≥ 3.6.4's Pebble).</summary>
    /// <param name="checks">The checks (at least one).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The checks that were started; ones already running are not listed.</returns>
    public Task<IReadOnlyList<string>> StartChecksAsync(IEnumerable<string> checks, CancellationToken cancellationToken = default) =>
        ChecksActionAsync("start", checks, cancellationToken);

    /// <summary>Stops checks (<c>POST /v1/checks</c>, Juju ≥ 3.6.4's Pebble).</summary>
    /// <param name="checks">The checks (at least one).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The checks that were stopped; ones already inactive are not listed.</returns>
    public Task<IReadOnlyList<string>> StopChecksAsync(IEnumerable<string> checks, CancellationToken cancellationToken = default) =>
        ChecksActionAsync("stop", checks, cancellationToken);

    private async Task<IReadOnlyList<string>> ChecksActionAsync(string action, IEnumerable<string> checks, CancellationToken cancellationToken)
    {
        var names = Names(checks, nameof(checks));
        if (names.Length == 0)
        {
            throw new ArgumentException($"must name at least one check to {action}", nameof(checks));
        }

        var envelope = await PostAsync("/v1/checks", new ChecksRequest(action, names), PebbleJsonContext.Default.ChecksRequest, cancellationToken);

        // Older Pebble answers {"changed": null} when nothing changed (canonical/pebble#788).
        return envelope.Result is { ValueKind: JsonValueKind.Object } result
            ? PebbleResults.StrList(result, "changed")
            : throw PebbleResults.Bad("expected an object with \"changed\" from /v1/checks");
    }
}
