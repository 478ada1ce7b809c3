// StateEquality: content equality and hashing for the collections inside the State records, so
// that two states built or read from equal JSON compare equal.
using System.Text.Json;

namespace MlObs.Ops.Testing.State;

internal static class StateEquality
{
    public static bool Maps<TKey, TValue>(
        IReadOnlyDictionary<TKey, TValue>? a,
        IReadOnlyDictionary<TKey, TValue>? b,
        IEqualityComparer<TValue>? values = null)
        where TKey : notnull
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        values ??= EqualityComparer<TValue>.Default;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !values.Equals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    // Order-independent, like Maps: only the count and the keys feed the hash.
    public static int MapHash<TKey, TValue>(IReadOnlyDictionary<TKey, TValue>? map)
        where TKey : notnull
    {
        if (map is null)
        {
            return 0;
        }

        var hash = map.Count;
        foreach (var key in map.Keys)
        {
            hash ^= key.GetHashCode();
        }

        return hash;
    }

    // Lists compare element by element, as the metadata records do.
    public static bool Lists<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => MlObs.Ops.Metadata.Structural.ListEquals(a, b);

    public static int ListHash<T>(IReadOnlyList<T>? list) => MlObs.Ops.Metadata.Structural.ListHash(list);

    /// <summary>Databags: string to string, compared by content.</summary>
    public static readonly IEqualityComparer<IReadOnlyDictionary<string, string>> Databag = new DatabagComparer();

    /// <summary>JSON values, compared with <see cref="JsonElement.DeepEquals"/>.</summary>
    public static readonly IEqualityComparer<JsonElement> Json = new JsonComparer();

    /// <summary>String lists, compared in order.</summary>
    public static readonly IEqualityComparer<IReadOnlyList<string>> StringList = new StringListComparer();

    private sealed class DatabagComparer : IEqualityComparer<IReadOnlyDictionary<string, string>>
    {
        public bool Equals(IReadOnlyDictionary<string, string>? x, IReadOnlyDictionary<string, string>? y) => Maps(x, y);

        public int GetHashCode(IReadOnlyDictionary<string, string> obj) => MapHash(obj);
    }

    private sealed class JsonComparer : IEqualityComparer<JsonElement>
    {
        public bool Equals(JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y);

        public int GetHashCode(JsonElement obj) => (int)obj.ValueKind;
    }

    private sealed class StringListComparer : IEqualityComparer<IReadOnlyList<string>>
    {
        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y) => Lists(x, y);

        public int GetHashCode(IReadOnlyList<string> obj) => ListHash(obj);
    }
}
