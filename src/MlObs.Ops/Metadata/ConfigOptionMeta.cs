// ConfigOptionMeta: one option declared in config.yaml or under `config: options:`.
using System.Text.Json;

namespace MlObs.Ops.Metadata;

/// <summary>A config option as the charm declares it.</summary>
public sealed record ConfigOptionMeta
{
    // The parser checks a default when it reads the file but builds its JsonElement only when asked:
    // a dispatch reads the defaults only of options config-get left out, and building every one cost
    // each hook a JSON document per option. _default holds the builder until then, and after it the
    // built value in a box, so that a reader on another thread sees one or the other whole.
    private object? _default;

    /// <summary>A config option as the charm declares it.</summary>
    /// <param name="Name">The option name, as used with <c>juju config</c>.</param>
    /// <param name="Type">The declared type.</param>
    /// <param name="Default">The default, already checked against <paramref name="Type"/>, or <see langword="null"/> when the option has none.</param>
    /// <param name="Description">The description, if any.</param>
    public ConfigOptionMeta(string Name, ConfigOptionType Type, JsonElement? Default, string? Description)
    {
        this.Name = Name;
        this.Type = Type;
        _default = new BuiltDefault(Default);
        this.Description = Description;
    }

    /// <summary>An option whose default, already checked, is built on first read.</summary>
    internal ConfigOptionMeta(string name, ConfigOptionType type, Func<JsonElement?>? makeDefault, string? description)
    {
        Name = name;
        Type = type;
        _default = makeDefault ?? (object)new BuiltDefault(null);
        Description = description;
    }

    /// <summary>The option name, as used with <c>juju config</c>.</summary>
    public string Name { get; init; }

    /// <summary>The declared type.</summary>
    public ConfigOptionType Type { get; init; }

    /// <summary>The default, already checked against <see cref="Type"/>, or <see langword="null"/> when the option has none.</summary>
    public JsonElement? Default
    {
        get
        {
            var state = Volatile.Read(ref _default);
            if (state is Func<JsonElement?> make)
            {
                // Two threads may both build it; they build equal values, and one box wins.
                var built = new BuiltDefault(make());
                state = Interlocked.CompareExchange(ref _default, built, make) is Func<JsonElement?> ? built : Volatile.Read(ref _default);
            }

            return ((BuiltDefault)state!).Value;
        }

        init => _default = new BuiltDefault(value);
    }

    /// <summary>The description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the option has a default, without building it.</summary>
    internal bool HasDefault => Volatile.Read(ref _default) is Func<JsonElement?> or BuiltDefault { Value: not null };

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

    private sealed record BuiltDefault(JsonElement? Value);
}
