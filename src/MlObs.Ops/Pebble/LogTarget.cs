// LogTarget: one entry of a layer's (or the plan's) log-targets section, and Pebble's rule for
// which services forward their logs to it.
namespace MlObs.Ops.Pebble;

/// <summary>
/// A log target in a Pebble layer or plan: where Pebble forwards service logs. <see cref="Services"/>
/// is appended on merge and read last to first: <c>all</c> or a service name switches forwarding on,
/// <c>-all</c> or <c>-name</c> switches it off, so a later <c>-all</c> disables the target.
/// </summary>
public sealed record LogTarget
{
    /// <summary>How this entry combines with the same target in lower layers (required in a layer).</summary>
    public required Override Override { get; init; }

    /// <summary>The protocol: <c>loki</c>, <c>opentelemetry</c> or <c>syslog</c> (which Pebble versions accept which is in ops-contract §4.4).</summary>
    public string? Type { get; init; }

    /// <summary>The URL logs are sent to, e.g. <c>http://loki:3100/loki/api/v1/push</c>.</summary>
    public string? Location { get; init; }

    /// <summary>Which services forward here: <c>all</c>, names, <c>-name</c> and <c>-all</c> removals (appended on merge).</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Labels attached to every log line (merged key by key); values may reference the service's environment as <c>$VAR</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyMap<string>.Instance;

    /// <summary>Whether Pebble forwards the logs of <paramref name="serviceName"/> to this target.</summary>
    /// <param name="serviceName">The service name.</param>
    /// <returns><see langword="true"/> when the last entry of <see cref="Services"/> that mentions the service (or <c>all</c>) includes it.</returns>
    public bool AppliesTo(string serviceName)
    {
        ArgumentNullException.ThrowIfNull(serviceName);
        for (var i = Services.Count - 1; i >= 0; i--)
        {
            var entry = Services[i];
            if (entry == "all" || entry == serviceName)
            {
                return true;
            }

            if (entry == "-all" || (entry.Length == serviceName.Length + 1 && entry[0] == '-' && entry.AsSpan(1).SequenceEqual(serviceName)))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Compares every field; services in order, labels by content.</summary>
    /// <param name="other">The target to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same target.</returns>
    public bool Equals(LogTarget? other) =>
        other is not null
        && Override == other.Override
        && Type == other.Type
        && Location == other.Location
        && PebbleEquality.Lists(Services, other.Services)
        && PebbleEquality.Maps(Labels, other.Labels);

    /// <summary>A hash consistent with <see cref="Equals(LogTarget?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(Override, Type, Location, PebbleEquality.ListHash(Services), PebbleEquality.MapHash(Labels));
}
