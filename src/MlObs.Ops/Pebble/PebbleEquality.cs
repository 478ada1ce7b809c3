// PebbleEquality: content equality for the collections and duration strings inside the Pebble
// records, so that a layer parsed from YAML equals the same layer built in code.
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Pebble;

internal static class PebbleEquality
{
    public static bool Lists<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        Structural.ListEquals(a ?? [], b ?? []);

    public static int ListHash<T>(IReadOnlyList<T>? list) => Structural.ListHash(list ?? []);

    // A missing map and an empty one mean the same to Pebble (omitempty).
    public static bool Maps<T>(IReadOnlyDictionary<string, T>? a, IReadOnlyDictionary<string, T>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : Structural.DictionaryEquals(a, b);

    public static int MapHash<T>(IReadOnlyDictionary<string, T>? map) => Structural.DictionaryHash(map);

    // Pebble keeps durations as values: "1m" in a layer comes back as "1m0s" in the plan.
    public static bool Durations(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return GoDuration.TryParseNanoseconds(a, out var x) && GoDuration.TryParseNanoseconds(b, out var y)
            ? x == y
            : string.Equals(a, b, StringComparison.Ordinal);
    }

    public static int DurationHash(string? duration) =>
        duration is null ? 0 : GoDuration.TryParseNanoseconds(duration, out var n) ? n.GetHashCode() : StringComparer.Ordinal.GetHashCode(duration);
}
