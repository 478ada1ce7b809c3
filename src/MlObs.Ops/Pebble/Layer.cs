// Layer: a Pebble configuration layer (summary, services, checks, log targets) with its YAML form,
// its validation and the label-combining rule of POST /v1/layers.
namespace MlObs.Ops.Pebble;

/// <summary>
/// A Pebble configuration layer, as a charm adds it with <see cref="PebbleClient.AddLayerAsync"/>. The maps
/// are keyed by service, check and log-target name; every entry must set its <c>override</c>.
/// </summary>
/// <example>
/// <code>
/// var layer = new Layer
/// {
///     Summary = "drift layer",
///     Services = new Dictionary&lt;string, Service&gt;
///     {
///         ["drift"] = new() { Override = Override.Replace, Command = "/app/drift --port 8080", Startup = StartupMode.Enabled },
///     },
/// };
/// </code>
/// </example>
public sealed record Layer
{
    /// <summary>A one-line summary.</summary>
    public string? Summary { get; init; }

    /// <summary>A longer description.</summary>
    public string? Description { get; init; }

    /// <summary>The services, by name.</summary>
    public IReadOnlyDictionary<string, Service> Services { get; init; } = EmptyMap<Service>.Instance;

    /// <summary>The health checks, by name.</summary>
    public IReadOnlyDictionary<string, Check> Checks { get; init; } = EmptyMap<Check>.Instance;

    /// <summary>The log targets, by name.</summary>
    public IReadOnlyDictionary<string, LogTarget> LogTargets { get; init; } = EmptyMap<LogTarget>.Instance;

    /// <summary>Parses a layer as Pebble does: unknown sections or fields, bad values and entries without <c>override</c> are errors.</summary>
    /// <param name="yaml">The layer YAML.</param>
    /// <returns>The layer; an empty document is an empty layer.</returns>
    /// <exception cref="PebbleLayerException">The YAML is malformed or breaks a layer rule; the message gives the line and column.</exception>
    public static Layer FromYaml(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var layer = new LayerYamlReader(strict: true).ReadLayer(yaml);
        layer.Validate();
        return layer;
    }

    /// <summary>Writes the layer with Pebble's key names (<c>log-targets</c>, <c>working-dir</c>, ...), unset fields left out, keys in a fixed order.</summary>
    /// <returns>The YAML document.</returns>
    public string ToYaml() => LayerYamlWriter.Write(this);

    /// <summary>A digest of everything <see cref="ToYaml"/> writes, without writing YAML (change detection).</summary>
    internal string Digest() => LayerYamlWriter.Digest(this);

    /// <summary>Checks the rules Pebble applies to a single layer before accepting it.</summary>
    /// <exception cref="PebbleLayerException">An entry has no <c>override</c>, a reserved or empty name, an action not allowed where it is, an invalid duration, a <c>backoff-factor</c> below 1, an unknown log-target type or a <c>pebble_</c> label.</exception>
    public void Validate() => LayerRules.ValidateLayer(this);

    /// <summary>
    /// Combines <paramref name="next"/> into this layer the way <c>POST /v1/layers</c> with <c>combine: true</c>
    /// updates an existing label: entries merge or replace by their <c>override</c>, and the summary and
    /// description become those of <paramref name="next"/>.
    /// </summary>
    /// <param name="next">The layer added on top.</param>
    /// <returns>The combined layer.</returns>
    /// <exception cref="PebbleLayerException">An entry of <paramref name="next"/> has no valid <c>override</c>.</exception>
    public Layer Combine(Layer next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var combined = LayerMerge.Combine(Plan.Empty, [(this, null), (next, null)]);
        return new Layer
        {
            Summary = next.Summary,
            Description = next.Description,
            Services = combined.Services,
            Checks = combined.Checks,
            LogTargets = combined.LogTargets,
        };
    }

    /// <summary>Compares every field; the maps by content, whatever their order.</summary>
    /// <param name="other">The layer to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same layer.</returns>
    public bool Equals(Layer? other) =>
        other is not null
        && Summary == other.Summary
        && Description == other.Description
        && PebbleEquality.Maps(Services, other.Services)
        && PebbleEquality.Maps(Checks, other.Checks)
        && PebbleEquality.Maps(LogTargets, other.LogTargets);

    /// <summary>A hash consistent with <see cref="Equals(Layer?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Summary, PebbleEquality.MapHash(Services), PebbleEquality.MapHash(Checks), PebbleEquality.MapHash(LogTargets));
}
