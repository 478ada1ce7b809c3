// JujuTopology: who a charm's telemetry belongs to (cosl's JujuTopology, cos-wire §2): model, model
// UUID, application, unit and charm name, with the identifier and label sets the COS charms derive.
using System.Text.Json.Nodes;
using MlObs.Ops;

namespace MlObs.Cos;

/// <summary>
/// The Juju topology of a unit, as cosl's <c>JujuTopology</c> holds it. The model UUID is passed
/// through exactly as Juju gives it: the COS charms reject anything but a lowercase, hyphenated
/// RFC 4122 version-4 UUID with an error inside their hook.
/// </summary>
/// <param name="Model">The model name.</param>
/// <param name="ModelUuid">The model UUID (lowercase, version 4).</param>
/// <param name="Application">The application name.</param>
/// <param name="Unit">The unit name, <c>app/N</c>; empty when the topology is per application.</param>
/// <param name="CharmName">The charm's name from its metadata; may be empty.</param>
public sealed record JujuTopology(string Model, string ModelUuid, string Application, string Unit = "", string CharmName = "")
{
    /// <summary>The topology of the unit a charm runs as.</summary>
    /// <param name="model">The charm's model.</param>
    /// <returns>The topology.</returns>
    public static JujuTopology From(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var context = model.Context;
        return new JujuTopology(context.ModelName, context.ModelUuid, context.AppName, context.UnitName, model.Meta.Name);
    }

    /// <summary>
    /// Reads a topology from the <c>scrape_metadata</c>/<c>metadata</c> shape (<c>model</c>,
    /// <c>model_uuid</c>, <c>application</c>, <c>unit</c>, <c>charm_name</c>), checking the UUID as cosl does.
    /// </summary>
    /// <param name="json">The object.</param>
    /// <returns>The topology.</returns>
    /// <exception cref="InvalidTopologyException">A field is missing or not a string, or the UUID is not a lowercase v4 UUID.</exception>
    public static JujuTopology FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string Field(string name, bool required)
        {
            var node = json[name];
            if (node is null)
            {
                return required ? throw new InvalidTopologyException($"topology has no \"{name}\"") : string.Empty;
            }

            return node is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new InvalidTopologyException($"topology field \"{name}\" is not a string");
        }

        var uuid = Field("model_uuid", required: true);
        if (!IsValidModelUuid(uuid))
        {
            throw new InvalidTopologyException($"\"{uuid}\" is not a valid UUID (a lowercase, hyphenated version-4 UUID, as Juju gives it)");
        }

        return new JujuTopology(Field("model", true), uuid, Field("application", true), Field("unit", false), Field("charm_name", false));
    }

    /// <summary>Whether <paramref name="uuid"/> is what Python's <c>str(UUID(uuid, version=4)) == uuid</c> accepts.</summary>
    /// <param name="uuid">The model UUID.</param>
    /// <returns><see langword="true"/> for a lowercase, hyphenated UUID with version 4 and the RFC 4122 variant.</returns>
    public static bool IsValidModelUuid(string? uuid)
    {
        if (uuid is not { Length: 36 })
        {
            return false;
        }

        for (var i = 0; i < uuid.Length; i++)
        {
            var c = uuid[i];
            var ok = i is 8 or 13 or 18 or 23 ? c == '-' : char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
            if (!ok)
            {
                return false;
            }
        }

        // UUID(..., version=4) forces the version nibble to 4 and the variant bits to 10xx; the
        // round trip only equals the input when they were already so.
        return uuid[14] == '4' && uuid[19] is '8' or '9' or 'a' or 'b';
    }

    /// <summary>
    /// <c>&lt;model&gt;_&lt;first 8 of uuid&gt;_&lt;application&gt;</c> with <c>/</c> made <c>_</c>, e.g.
    /// <c>dev-model_f2c1b2a6_myapp</c>: the stem of job names, rule group names and rule files.
    /// </summary>
    public string Identifier => $"{Model}_{ModelUuid[..Math.Min(8, ModelUuid.Length)]}_{Application}".Replace('/', '_');

    /// <summary>cosl's <c>as_dict()</c>: <c>model</c>, <c>model_uuid</c>, <c>application</c>, <c>unit</c>, <c>charm_name</c>, in that order.</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJson() => new()
    {
        ["model"] = Model,
        ["model_uuid"] = ModelUuid,
        ["application"] = Application,
        ["unit"] = Unit,
        ["charm_name"] = CharmName,
    };

    /// <summary>cosl's <c>label_matcher_dict</c>: <c>juju_model</c>, <c>juju_model_uuid</c>, <c>juju_application</c>, <c>juju_charm</c>; empty values left out (never the unit).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LabelMatchers =>
        [.. new[]
        {
            KeyValuePair.Create("juju_model", Model),
            KeyValuePair.Create("juju_model_uuid", ModelUuid),
            KeyValuePair.Create("juju_application", Application),
            KeyValuePair.Create("juju_charm", CharmName),
        }.Where(kv => kv.Value.Length > 0)];

    /// <summary>cosl's <c>alert_expression_dict</c>: <c>juju_model</c>, <c>juju_model_uuid</c>, <c>juju_application</c> (no charm, no unit: rules are per application).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AlertExpressionLabels =>
        [KeyValuePair.Create("juju_model", Model), KeyValuePair.Create("juju_model_uuid", ModelUuid), KeyValuePair.Create("juju_application", Application)];
}

/// <summary>Topology data that the COS charms would reject.</summary>
public sealed class InvalidTopologyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidTopologyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidTopologyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidTopologyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
