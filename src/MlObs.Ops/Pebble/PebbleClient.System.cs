// PebbleClient: system info, connectivity, health, the plan and layers.
namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    /// <summary>Reads <c>GET /v1/system-info</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The boot id, version and addresses.</returns>
    public async Task<SystemInfo> GetSystemInfoAsync(CancellationToken cancellationToken = default)
    {
        var envelope = await GetAsync("/v1/system-info", null, cancellationToken);
        return PebbleResults.SystemInfo(RequireResult(envelope, "system-info"));
    }

    /// <summary>Whether Pebble answers (ops' <c>can_connect</c>): <see langword="true"/> when system-info succeeds.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the socket is missing, refuses or drops the connection, or times out.</returns>
    /// <exception cref="PebbleApiException">Pebble answered with an error (not a connection problem).</exception>
    public async Task<bool> CanConnectAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await GetSystemInfoAsync(cancellationToken);
            return true;
        }
        catch (PebbleConnectionException)
        {
            return false;
        }
    }

    /// <summary>Reads <c>GET /v1/health</c>: whether every matching check is up.</summary>
    /// <param name="level">Only checks of this level (<see cref="CheckLevel.Ready"/> also counts alive checks); <see langword="null"/> for all.</param>
    /// <param name="names">Only these checks; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when healthy (HTTP 200), <see langword="false"/> when a check is down (HTTP 502).</returns>
    public async Task<bool> GetHealthAsync(CheckLevel? level = null, IEnumerable<string>? names = null, CancellationToken cancellationToken = default)
    {
        var query = new Query()
            .Add("level", level is { } l ? LayerNames.Of(l) : null)
            .AddJoined("names", names);
        var envelope = await GetAsync("/v1/health", query, cancellationToken);
        var result = PebbleResults.Object(RequireResult(envelope, "health"), "health");
        return PebbleResults.Bool(result, "healthy");
    }

    /// <summary>Reads the combined plan (<c>GET /v1/plan?format=yaml</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan.</returns>
    public async Task<Plan> GetPlanAsync(CancellationToken cancellationToken = default)
    {
        var envelope = await GetAsync("/v1/plan", new Query().Add("format", "yaml"), cancellationToken);
        var result = RequireResult(envelope, "plan");
        if (result.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            throw PebbleResults.Bad($"expected the plan to be a YAML string, got {result.ValueKind}");
        }

        try
        {
            return Plan.FromYaml(result.GetString()!);
        }
        catch (PebbleLayerException ex)
        {
            throw new PebbleProtocolException($"cannot parse the plan from Pebble: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Adds <paramref name="layer"/> with <paramref name="label"/> (<c>POST /v1/layers</c>). With
    /// <paramref name="combine"/>, a layer with the same label is combined with it instead of refused.
    /// Services change only on replan or restart.
    /// </summary>
    /// <param name="label">The layer label, e.g. <c>drift</c>.</param>
    /// <param name="layer">The layer; it is validated before it is sent.</param>
    /// <param name="combine">Combine into an existing layer with the same label.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Pebble has accepted the layer.</returns>
    /// <exception cref="PebbleLayerException">The layer breaks a layer rule.</exception>
    /// <exception cref="PebbleApiException">Pebble refused the layer, e.g. <c>layer "x" already exists</c>.</exception>
    public async Task AddLayerAsync(string label, Layer layer, bool combine = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(layer);
        layer.Validate();
        var body = new LayerRequest("add", combine, label, "yaml", layer.ToYaml());
        await PostAsync("/v1/layers", body, PebbleJsonContext.Default.LayerRequest, cancellationToken);
    }
}
