// ActionMeta and ActionParamMeta: an action declared under `actions` (or in actions.yaml) and its
// JSON-schema parameters.
using System.Text.Json;

namespace MlObs.Ops.Metadata;

/// <summary>An action the charm declares.</summary>
/// <param name="Name">The action name, as given to <c>juju run</c>.</param>
/// <param name="Description">The description, if any.</param>
/// <param name="Params">The parameters, keyed by name, in declaration order.</param>
/// <param name="Required">The names listed under <c>required</c>.</param>
/// <param name="AdditionalProperties">Whether Juju accepts parameters that are not declared (<c>additionalProperties</c>, default <see langword="true"/>).</param>
/// <param name="ExecutionGroup">The <c>execution-group</c>, if any.</param>
/// <param name="Parallel">Whether the action may run in parallel with others (<c>parallel</c>, default <see langword="false"/>).</param>
public sealed record ActionMeta(
    string Name,
    string? Description,
    IReadOnlyDictionary<string, ActionParamMeta> Params,
    IReadOnlyList<string> Required,
    bool AdditionalProperties,
    string? ExecutionGroup,
    bool Parallel)
{
    /// <summary>Compares every field; parameters by content, the required list in order.</summary>
    /// <param name="other">The action to compare with.</param>
    /// <returns><see langword="true"/> when both declare the same action.</returns>
    public bool Equals(ActionMeta? other) =>
        other is not null
        && Name == other.Name
        && Description == other.Description
        && Structural.DictionaryEquals(Params, other.Params)
        && Structural.ListEquals(Required, other.Required)
        && AdditionalProperties == other.AdditionalProperties
        && ExecutionGroup == other.ExecutionGroup
        && Parallel == other.Parallel;

    /// <summary>A hash consistent with <see cref="Equals(ActionMeta?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(
            Name,
            Description,
            Structural.DictionaryHash(Params),
            Structural.ListHash(Required),
            AdditionalProperties,
            ExecutionGroup,
            Parallel);
}

/// <summary>One parameter of an action, a JSON-schema property.</summary>
public sealed record ActionParamMeta
{
    // Checked when the file is read, built when read (see LazyJson): only an action hook reads the
    // defaults. Not readonly: the first read swaps the builder for the value.
    private LazyJson _default;

    /// <summary>One parameter of an action, a JSON-schema property.</summary>
    /// <param name="Name">The parameter name.</param>
    /// <param name="Type">One of <c>string</c>, <c>boolean</c>, <c>integer</c>, <c>number</c>, <c>array</c>, <c>object</c>, or <see langword="null"/> when absent.</param>
    /// <param name="Description">The description, if any.</param>
    /// <param name="Default">The default, read from YAML as PyYAML would, or <see langword="null"/> when absent.</param>
    public ActionParamMeta(string Name, string? Type, string? Description, JsonElement? Default)
    {
        this.Name = Name;
        this.Type = Type;
        this.Description = Description;
        _default = LazyJson.Built(Default);
    }

    /// <summary>A parameter whose default, already checked, may be built on first read.</summary>
    internal ActionParamMeta(string name, string? type, string? description, LazyJson defaultValue)
    {
        Name = name;
        Type = type;
        Description = description;
        _default = defaultValue;
    }

    /// <summary>The parameter name.</summary>
    public string Name { get; init; }

    /// <summary>One of <c>string</c>, <c>boolean</c>, <c>integer</c>, <c>number</c>, <c>array</c>, <c>object</c>, or <see langword="null"/> when absent.</summary>
    public string? Type { get; init; }

    /// <summary>The description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>The default, read from YAML as PyYAML would, or <see langword="null"/> when absent.</summary>
    public JsonElement? Default
    {
        get => _default.Value;
        init => _default = LazyJson.Built(value);
    }

    /// <summary>Whether the default has been built (tests check that reading metadata builds none).</summary>
    internal bool IsDefaultBuilt => _default.IsBuilt;

    /// <summary>The parameter's fields, in declaration order.</summary>
    /// <param name="Name">The parameter name.</param>
    /// <param name="Type">The JSON-schema type, or <see langword="null"/>.</param>
    /// <param name="Description">The description, or <see langword="null"/>.</param>
    /// <param name="Default">The default, or <see langword="null"/>.</param>
    public void Deconstruct(out string Name, out string? Type, out string? Description, out JsonElement? Default)
    {
        Name = this.Name;
        Type = this.Type;
        Description = this.Description;
        Default = this.Default;
    }

    /// <summary>Compares every field; defaults by JSON content.</summary>
    /// <param name="other">The parameter to compare with.</param>
    /// <returns><see langword="true"/> when both declare the same parameter.</returns>
    public bool Equals(ActionParamMeta? other) =>
        other is not null
        && Name == other.Name
        && Type == other.Type
        && Description == other.Description
        && Structural.JsonEquals(Default, other.Default);

    /// <summary>A hash consistent with <see cref="Equals(ActionParamMeta?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Name, Type, Description, Structural.JsonHash(Default));
}
