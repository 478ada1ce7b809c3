// Delta: one change of the AllWatcher, which the server writes as a JSON array
// [kind, "change"|"remove", entity] although the schema describes an object {entity, removed}
// (Juju's Delta.MarshalJSON; LP#2025105). Hand-written because the schema is wrong about it.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Juju.Net;

/// <summary>One AllWatcher delta: an entity of a kind (<c>unit</c>, <c>application</c>, <c>machine</c>, …) changed or was removed.</summary>
/// <param name="Kind">The entity kind, e.g. <c>unit</c>.</param>
/// <param name="Removed"><see langword="true"/> for <c>remove</c>, <see langword="false"/> for <c>change</c>.</param>
/// <param name="Entity">The entity as sent; its shape depends on <paramref name="Kind"/> and is not in the schema.</param>
[JsonConverter(typeof(DeltaJsonConverter))]
public sealed record Delta(string Kind, bool Removed, JsonElement Entity);

/// <summary>Reads and writes a <see cref="Delta"/> as the <c>[kind, "change"|"remove", entity]</c> array of the wire.</summary>
public sealed class DeltaJsonConverter : JsonConverter<Delta>
{
    /// <inheritdoc />
    public override Delta Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"An AllWatcher delta is a [kind, \"change\"|\"remove\", entity] array, not {reader.TokenType}.");
        }

        reader.Read();
        var kind = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("An AllWatcher delta starts with its kind as a string.");
        reader.Read();
        var removed = reader.TokenType == JsonTokenType.String ? reader.GetString() switch
        {
            "change" => false,
            "remove" => true,
            var other => throw new JsonException($"An AllWatcher delta's operation is \"change\" or \"remove\", not \"{other}\"."),
        } : throw new JsonException("An AllWatcher delta's second element is \"change\" or \"remove\".");
        reader.Read();
        var entity = JsonElement.ParseValue(ref reader);
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("An AllWatcher delta has exactly three elements.");
        }

        return new Delta(kind, removed, entity);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Delta value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        writer.WriteStringValue(value.Kind);
        writer.WriteStringValue(value.Removed ? "remove" : "change");
        value.Entity.WriteTo(writer);
        writer.WriteEndArray();
    }
}
