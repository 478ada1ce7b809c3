// Structural: value equality for the collections and JSON values inside the metadata records,
// so that two parses of the same metadata compare equal.
using System.Text.Json;

namespace MlObs.Ops.Metadata;

internal static class Structural
{
    public static bool DictionaryEquals<T>(IReadOnlyDictionary<string, T>? a, IReadOnlyDictionary<string, T>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !comparer.Equals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    // Order-independent, like DictionaryEquals: only the keys and the count feed the hash.
    public static int DictionaryHash<T>(IReadOnlyDictionary<string, T>? d)
    {
        if (d is null)
        {
            return 0;
        }

        var hash = d.Count;
        foreach (var key in d.Keys)
        {
            hash ^= StringComparer.Ordinal.GetHashCode(key);
        }

        return hash;
    }

    public static bool ListEquals<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Count; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int ListHash<T>(IReadOnlyList<T>? list)
    {
        if (list is null)
        {
            return 0;
        }

        var hash = new HashCode();
        foreach (var item in list)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public static bool JsonEquals(JsonElement? a, JsonElement? b) =>
        a is null ? b is null : b is not null && JsonElement.DeepEquals(a.Value, b.Value);

    // DeepEquals treats 1 and 1.0 as equal, so only the kind may feed the hash.
    public static int JsonHash(JsonElement? value) => value is null ? -1 : (int)value.Value.ValueKind;
}
