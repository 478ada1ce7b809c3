// UnitState.Framework: Scenario's `stored_states` and `deferred` for charms written with MlObs.Ops,
// which keeps both in the unit's controller-side store (unit_state_data) under mlobs.* keys.
using System.Text.Json;

namespace MlObs.Ops.Testing.State;

/// <summary>An event a handler deferred, waiting in the unit's store for the next dispatch.</summary>
/// <param name="EventName">The ops event name, e.g. <c>db_relation_changed</c>.</param>
/// <param name="Observer">The handler that deferred it, as the framework names observers (the handler expression, e.g. <c>OnDbChangedAsync</c>).</param>
/// <param name="Snapshot">What the event carried (relation id, remote unit, …), as the framework saved it.</param>
public sealed record DeferredEventState(string EventName, string Observer, IReadOnlyDictionary<string, string> Snapshot)
{
    /// <summary>Compares every field; the snapshot by content.</summary>
    /// <param name="other">The event to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same deferral.</returns>
    public bool Equals(DeferredEventState? other) =>
        other is not null && EventName == other.EventName && Observer == other.Observer && StateEquality.Maps(Snapshot, other.Snapshot);

    /// <summary>A hash consistent with <see cref="Equals(DeferredEventState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(EventName, Observer, StateEquality.MapHash(Snapshot));
}

public sealed partial record UnitState
{
    /// <summary>The key under which MlObs.Ops keeps the deferred events.</summary>
    public const string DeferredKey = "mlobs.deferred";

    /// <summary>The prefix of the keys under which MlObs.Ops keeps each stored state.</summary>
    public const string StoredStatePrefix = "mlobs.stored.";

    /// <summary>The charm's stored states (<c>Framework.GetStoredState</c>), by name, as JSON (Scenario's <c>stored_states</c>).</summary>
    /// <returns>The stored states.</returns>
    /// <exception cref="StateFormatException">A stored value is not JSON.</exception>
    public IReadOnlyDictionary<string, JsonElement> GetStoredStates() =>
        UnitStateData
            .Where(kv => kv.Key.StartsWith(StoredStatePrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[StoredStatePrefix.Length..], kv => ParseJson(kv.Key, kv.Value), StringComparer.Ordinal);

    /// <summary>The events waiting to be re-emitted, oldest first (Scenario's <c>deferred</c>).</summary>
    /// <returns>The deferred events.</returns>
    /// <exception cref="StateFormatException">The stored queue is not what MlObs.Ops writes.</exception>
    public IReadOnlyList<DeferredEventState> GetDeferred()
    {
        if (!UnitStateData.TryGetValue(DeferredKey, out var json))
        {
            return [];
        }

        var queue = ParseJson(DeferredKey, json);
        if (queue.ValueKind != JsonValueKind.Array)
        {
            throw new StateFormatException($"unit_state_data.\"{DeferredKey}\"", "expected a JSON array of deferred events", null);
        }

        return [.. queue.EnumerateArray().Select(e => new DeferredEventState(
            e.GetProperty("event").GetString()!,
            e.GetProperty("observer").GetString()!,
            e.GetProperty("snapshot").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)))];
    }

    /// <summary>This state with stored state <paramref name="name"/> set to <paramref name="json"/>, as the charm would find it.</summary>
    /// <param name="name">The stored state's name.</param>
    /// <param name="json">Its value as JSON (what the charm's <c>JsonTypeInfo</c> reads).</param>
    /// <returns>The new state.</returns>
    public UnitState WithStoredState(string name, string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(json);
        using (JsonDocument.Parse(json))
        {
            // Only checks that it is JSON; the charm decides what shape it needs.
        }

        return this with { UnitStateData = new Dictionary<string, string>(UnitStateData, StringComparer.Ordinal) { [StoredStatePrefix + name] = json } };
    }

    /// <summary>This state with <paramref name="deferred"/> waiting to be re-emitted (Scenario's <c>ctx.on.x().deferred(handler)</c>).</summary>
    /// <param name="deferred">The deferred events, oldest first.</param>
    /// <returns>The new state.</returns>
    public UnitState WithDeferred(params IEnumerable<DeferredEventState> deferred)
    {
        ArgumentNullException.ThrowIfNull(deferred);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var notice in deferred)
            {
                writer.WriteStartObject();
                writer.WriteString("event", notice.EventName);
                writer.WriteString("observer", notice.Observer);
                writer.WriteStartObject("snapshot");
                foreach (var (key, value) in notice.Snapshot)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return this with
        {
            UnitStateData = new Dictionary<string, string>(UnitStateData, StringComparer.Ordinal) { [DeferredKey] = System.Text.Encoding.UTF8.GetString(buffer.ToArray()) },
        };
    }

    private static JsonElement ParseJson(string key, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new StateFormatException($"unit_state_data.\"{key}\"", $"not JSON: {e.Message}", e);
        }
    }
}
