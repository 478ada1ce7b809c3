// The state of one list+watch: projected objects keyed by namespace/name, replaced wholesale on each (re)list and updated by
// watch events. Readers (the /metrics writer, the scraper) take snapshots; the watcher is the only writer.
using System.Collections.Concurrent;
using System.Text.Json;
using MlObs.KubeflowExporter.Kube;

namespace MlObs.KubeflowExporter.Objects;

/// <summary>What a watcher feeds: a whole list, or one watch event.</summary>
internal interface IObjectSink
{
    /// <summary>Replaces the contents with the objects of a (re)list.</summary>
    void Replace(IReadOnlyList<JsonElement> items);

    /// <summary>Adds or updates one object (ADDED, MODIFIED).</summary>
    void Upsert(JsonElement obj);

    /// <summary>Removes one object (DELETED).</summary>
    void Delete(JsonElement obj);

    /// <summary>How many objects are held.</summary>
    int Count { get; }
}

/// <summary>A cache of projected states keyed by <c>namespace/name</c>.</summary>
/// <typeparam name="T">The state kept per object.</typeparam>
internal sealed class ObjectCache<T> : IObjectSink where T : class, IObjectState
{
    private readonly Func<JsonElement, T> _project;
    private ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);

    /// <summary>Creates an empty cache projecting objects with <paramref name="project"/>.</summary>
    public ObjectCache(Func<JsonElement, T> project) => _project = project;

    /// <summary>Called after a watch event changed an object: (previous state or null, new state). Not called on lists.</summary>
    public event Action<T?, T>? Changed;

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <summary>The states held now (a snapshot).</summary>
    public ICollection<T> Values => _items.Values;

    /// <summary>Whether an object <c>namespace/name</c> is held.</summary>
    public bool Contains(string ns, string name = "") => _items.ContainsKey(name.Length == 0 ? "/" + ns : ns + "/" + name);

    /// <inheritdoc/>
    public void Replace(IReadOnlyList<JsonElement> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var next = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
        foreach (JsonElement item in items)
            next[ObjectJson.Key(item)] = _project(item);
        _items = next;
    }

    /// <inheritdoc/>
    public void Upsert(JsonElement obj)
    {
        T state = _project(obj);
        string key = ObjectJson.Key(obj);
        _items.TryGetValue(key, out T? previous);
        _items[key] = state;
        Changed?.Invoke(previous, state);
    }

    /// <inheritdoc/>
    public void Delete(JsonElement obj) => _items.TryRemove(ObjectJson.Key(obj), out _);
}
