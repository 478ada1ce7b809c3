// StateStore: deferred events and stored state kept in Juju's unit state (state-get/state-set), one commit per dispatch.
using System.Text.Json;
using System.Text.Json.Serialization;
using MlObs.Ops.HookTools;

namespace MlObs.Ops;

/// <summary>An event a handler deferred, waiting for the next dispatch.</summary>
/// <param name="EventName">The ops event name.</param>
/// <param name="Observer">The handler that deferred it.</param>
/// <param name="Snapshot">The event's snapshot.</param>
internal sealed record DeferredNotice(
    [property: JsonPropertyName("event")] string EventName,
    [property: JsonPropertyName("observer")] string Observer,
    [property: JsonPropertyName("snapshot")] Dictionary<string, string> Snapshot)
{
    public bool SameAs(DeferredNotice other) =>
        EventName == other.EventName && Observer == other.Observer
        && Snapshot.Count == other.Snapshot.Count
        && Snapshot.All(kv => other.Snapshot.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

/// <summary>Source-generated JSON for the framework's own state.</summary>
[JsonSerializable(typeof(List<DeferredNotice>))]
internal sealed partial class OpsJsonContext : JsonSerializerContext;

/// <summary>
/// Reads the unit's state once at the start of a dispatch and writes it back, in one call, at
/// the end when anything changed. Juju commits <c>state-set</c> only when the hook succeeds, so a failed dispatch keeps
/// nothing, as ops' SQLite transaction does.
/// </summary>
internal sealed class StateStore
{
    public const string DeferredKey = "mlobs.deferred";
    public const string StoredPrefix = "mlobs.stored.";

    private readonly HookCommands _commands;
    private readonly Dictionary<string, string> _loaded;
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal);

    private StateStore(HookCommands commands, Dictionary<string, string> loaded)
    {
        _commands = commands;
        _loaded = loaded;
        Deferred = loaded.TryGetValue(DeferredKey, out var json) ? ParseDeferred(json) : [];
    }

    public List<DeferredNotice> Deferred { get; set; }

    /// <summary>A store with nothing loaded, for describe mode, which runs no hook tool.</summary>
    public static StateStore Empty(HookCommands commands) => new(commands, new Dictionary<string, string>(StringComparer.Ordinal));

    public static async Task<StateStore> LoadAsync(HookCommands commands, CancellationToken cancellationToken)
    {
        var all = await commands.StateGetAllAsync(cancellationToken).ConfigureAwait(false);
        return new StateStore(commands, new Dictionary<string, string>(all, StringComparer.Ordinal));
    }

    public string? Get(string key) =>
        _pending.TryGetValue(key, out var pending) ? pending : _loaded.TryGetValue(key, out var value) ? value : null;

    public void Set(string key, string value) => _pending[key] = value;

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        // The whole state goes out in one state-set whenever any key changed. Juju merges keys,
        // so writing unchanged ones costs nothing but bytes, and a store that replaces (such as
        // the fake hook tools) stays correct. Nothing is ever deleted: an empty queue is "[]".
        var next = new Dictionary<string, string>(_loaded, StringComparer.Ordinal);
        foreach (var (key, value) in _pending)
        {
            next[key] = value;
        }

        if (Deferred.Count > 0 || _loaded.ContainsKey(DeferredKey))
        {
            next[DeferredKey] = JsonSerializer.Serialize(Deferred, OpsJsonContext.Default.ListDeferredNotice);
        }

        var changed = next.Count != _loaded.Count
            || next.Any(kv => !_loaded.TryGetValue(kv.Key, out var old) || old != kv.Value);
        if (changed)
        {
            await _commands.StateSetAsync(next, cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<DeferredNotice> ParseDeferred(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, OpsJsonContext.Default.ListDeferredNotice) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The unit state key '{DeferredKey}' does not hold deferred events: {ex.Message}", ex);
        }
    }
}
