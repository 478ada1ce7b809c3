// GoStruct and GoValues: the value model the hook tools format. Tool output is built from plain
// .NET values (string, bool, long, double, JsonElement, lists, dictionaries) plus GoStruct, which
// keeps its field order the way a Go struct does; dictionaries are Go maps, written with sorted keys.
using System.Collections;
using System.Text.Json;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>
/// A Go struct: fields written in declaration order, unlike a map whose keys Go sorts
/// (<c>network-get</c>'s field order comes from its structs, §3.2).
/// </summary>
internal sealed class GoStruct : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _fields = [];

    public int Count => _fields.Count;

    public void Add(string name, object? value) => _fields.Add(new(name, value));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>How the formatters see a value: one of a few kinds, whatever its .NET type.</summary>
internal static class GoValues
{
    /// <summary>The entries of a map or struct in the order Go writes them, or null when <paramref name="value"/> is neither.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>>? Entries(object? value)
    {
        switch (value)
        {
            case GoStruct s:
                return [.. s];
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                return [.. e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal)];
            case IDictionary d:
                var entries = new List<KeyValuePair<string, object?>>();
                foreach (DictionaryEntry entry in d)
                {
                    entries.Add(new((string)entry.Key, entry.Value));
                }

                // Go sorts map keys byte-wise; ordinal order matches it for the ASCII keys hook tools use.
                entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                return entries;
            default:
                return null;
        }
    }

    /// <summary>The items of a list, or null when <paramref name="value"/> is not a list.</summary>
    public static IReadOnlyList<object?>? Items(object? value) => value switch
    {
        string => null,
        JsonElement { ValueKind: JsonValueKind.Array } e => [.. e.EnumerateArray().Select(x => (object?)x)],
        IEnumerable list when value is not (IDictionary or GoStruct) => [.. list.Cast<object?>()],
        _ => null,
    };

    /// <summary>True for the values Go marshals as <c>null</c>.</summary>
    public static bool IsNull(object? value) =>
        value is null || value is JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };
}
