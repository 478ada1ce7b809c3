// ConfigOptionMeta: one option declared in config.yaml or under `config: options:`.
using System.Text.Json;

namespace MlObs.Ops.Metadata;

/// <summary>A config option as the charm declares it.</summary>
public sealed record ConfigOptionMeta
{
    // Checked when the file is read, built when read (see LazyJson): a dispatch reads the defaults
    // only of options config-get left out. Not readonly: the first read swaps the builder for the value.
    private LazyJson _default;

    /// <summary>A config option as the charm declares it.</summary>
    /// <param name="Name">The option name, as used with <c>juju config</c>.</param>
    /// <param name="Type">The declared type.</param>
    /// <param name="Default">The default, already checked against <paramref name="Type"/>, or <see langword="null"/> when the option has none.</param>
    /// <param name="Description">The description, if any.</param>
    public ConfigOptionMeta(string Name, ConfigOptionType Type, JsonElement? Default, string? Description)
    {
        this.Name = Name;
        this.Type = Type;
        _default = LazyJson.Built(Default);
        this.Description = Description;
    }

    /// <summary>An option whose default, already checked, may be built on first read.</summary>
    internal ConfigOptionMeta(string name, ConfigOptionType type, LazyJson defaultValue, string? description)
    {
        Name = name;
        Type = type;
        _default = defaultValue;
        Description = description;
    }

    /// <summary>The option name, as used with <c>juju config</c>.</summary>
    public string Name { get; init; }

    /// <summary>The declared type.</summary>
    public ConfigOptionType Type { get; init; }

    /// <summary>The default, already checked against <see cref="Type"/>, or <see langword="null"/> when the option has none.</summary>
    public JsonElement? Default
    {
        get => _default.Value;
        init => _default = LazyJson.Built(value);
    }

    /// <summary>The description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the option has a default, without building it.</summary>
    internal bool HasDefault => _default.HasValue;

    /// <summary>Whether the default has been built (tests check that reading metadata builds none).</summary>
    internal bool IsDefaultBuilt => _default.IsBuilt;

    /// <summary>The option's fields, in declaration order.</summary>
    /// <param name="Name">The option name.</param>
    /// <param name="Type">The declared type.</param>
    /// <param name="Default">The default, or <see langword="null"/>.</param>
    /// <param name="Description">The description, or <see langword="null"/>.</param>
    public void Deconstruct(out string Name, out ConfigOptionType Type, out JsonElement? Default, out string? Description)
    {
        Name = this.Name;
        Type = this.Type;
        Default = this.Default;
        Description = this.Description;
    }

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
