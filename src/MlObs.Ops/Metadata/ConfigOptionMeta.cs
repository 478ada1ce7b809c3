// ConfigOptionMeta: one option declared in config.yaml or under `config: options:`.
using System.Text.Json;

namespace MlObs.Ops.Metadata;

/// <summary>A config option as the charm declares it.</summary>
/// <param name="Name">The option name, as used with <c>juju config</c>.</param>
/// <param name="Type">The declared type.</param>
/// <param name="Default">The default, already checked against <paramref name="Type"/>, or <see langword="null"/> when the option has none.</param>
/// <param name="Description">The description, if any.</param>
public sealed record ConfigOptionMeta(string Name, ConfigOptionType Type, JsonElement? Default, string? Description)
{
    /// <summary>Compares every field; defaults by JSON content.</summary>
    /// <param name="other">The option to compare with.</param>
    /// <returns><see langword="true"/> when both declare the same option.</returns>
    public bool Equals(ConfigOptionMeta? other) =>
        other is not null
        && Name == other.Name
        && Type == other.Type
        && Description == other.Description
        && Structural.JsonEquals(Default, other.Default);

    /// <summary>A hash consistent with <see cref="Equals(ConfigOptionMeta?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Name, Type, Description, Structural.JsonHash(Default));
}
