// Plan: Pebble's combined configuration (the layers merged in order), how a layer changes it,
// and its YAML form as GET /v1/plan returns it.
namespace MlObs.Ops.Pebble;

/// <summary>
/// The combined Pebble configuration: what <see cref="PebbleClient.GetPlanAsync"/> returns, or what
/// <see cref="Combine"/> computes from layers with Pebble's merge rules. Compare plans with
/// <see cref="Equals(Plan?)"/>, or ask <see cref="Includes"/> whether a layer would change anything.
/// </summary>
public sealed record Plan
{
    /// <summary>The plan with no services, checks or log targets.</summary>
    public static Plan Empty { get; } = new();

    /// <summary>The services, by name.</summary>
    public IReadOnlyDictionary<string, Service> Services { get; init; } = EmptyMap<Service>.Instance;

    /// <summary>The health checks, by name.</summary>
    public IReadOnlyDictionary<string, Check> Checks { get; init; } = EmptyMap<Check>.Instance;

    /// <summary>The log targets, by name.</summary>
    public IReadOnlyDictionary<string, LogTarget> LogTargets { get; init; } = EmptyMap<LogTarget>.Instance;

    /// <summary>
    /// Combines layers in order as Pebble does: <c>replace</c> swaps an entry, <c>merge</c> overlays the
    /// fields it sets, appends <c>after</c>/<c>before</c>/<c>requires</c> and log-target <c>services</c>,
    /// and merges <c>environment</c>, <c>on-check-failure</c>, HTTP <c>headers</c>, exec-check
    /// <c>environment</c> and <c>labels</c> key by key. Checks without a threshold get Pebble's 3.
    /// </summary>
    /// <param name="layers">The layers, lowest first.</param>
    /// <returns>The combined plan.</returns>
    /// <exception cref="PebbleLayerException">An entry has no valid <c>override</c>.</exception>
    public static Plan Combine(IEnumerable<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return LayerMerge.Combine(Empty, layers.Select(layer => (layer, (string?)null)));
    }

    /// <summary>The plan after adding <paramref name="layer"/> on top, as Pebble computes it.</summary>
    /// <param name="layer">The layer to add.</param>
    /// <param name="label">The layer's label, used only in error messages.</param>
    /// <returns>The new plan; this one is unchanged.</returns>
    /// <exception cref="PebbleLayerException">An entry of <paramref name="layer"/> has no valid <c>override</c>.</exception>
    public Plan Apply(Layer layer, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return LayerMerge.Combine(this, [(layer, label)]);
    }

    /// <summary>Whether adding <paramref name="layer"/> would leave the plan as it is, so no replan is needed for it.</summary>
    /// <param name="layer">The layer a charm is about to add.</param>
    /// <returns><see langword="true"/> when <c>Apply(layer)</c> equals this plan.</returns>
    public bool Includes(Layer layer) => Apply(layer).Equals(this);

    /// <summary>Parses a plan as <c>GET /v1/plan?format=yaml</c> returns it; unknown sections and fields (from newer Pebble) are skipped.</summary>
    /// <param name="yaml">The plan YAML.</param>
    /// <returns>The plan; an empty document is the empty plan.</returns>
    /// <exception cref="PebbleLayerException">The YAML is malformed or a known field has a bad value.</exception>
    public static Plan FromYaml(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var layer = new LayerYamlReader(strict: false).ReadLayer(yaml);
        return new Plan { Services = layer.Services, Checks = layer.Checks, LogTargets = layer.LogTargets };
    }

    /// <summary>Writes the plan as Pebble does for <c>GET /v1/plan</c>: <c>services</c>, <c>checks</c>, <c>log-targets</c>, names in order.</summary>
    /// <returns>The YAML document.</returns>
    public string ToYaml() => LayerYamlWriter.Write(new Layer { Services = Services, Checks = Checks, LogTargets = LogTargets });

    /// <summary>Checks the rules Pebble applies to a combined plan before it accepts a layer.</summary>
    /// <exception cref="PebbleLayerException">A service has no command, a check not exactly one probe, a log target no type or location or an unknown service, a service requires an unknown service, or services order each other in a loop.</exception>
    public void Validate() => LayerRules.ValidatePlan(this);

    /// <summary>Compares services, checks and log targets by content.</summary>
    /// <param name="other">The plan to compare with.</param>
    /// <returns><see langword="true"/> when both plans configure the same things.</returns>
    public bool Equals(Plan? other) =>
        other is not null
        && PebbleEquality.Maps(Services, other.Services)
        && PebbleEquality.Maps(Checks, other.Checks)
        && PebbleEquality.Maps(LogTargets, other.LogTargets);

    /// <summary>A hash consistent with <see cref="Equals(Plan?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(PebbleEquality.MapHash(Services), PebbleEquality.MapHash(Checks), PebbleEquality.MapHash(LogTargets));
}
