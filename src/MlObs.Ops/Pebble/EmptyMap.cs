// EmptyMap: the shared empty read-only map that the layer records start with.
using System.Collections.ObjectModel;

namespace MlObs.Ops.Pebble;

internal static class EmptyMap<T>
{
    public static readonly IReadOnlyDictionary<string, T> Instance = ReadOnlyDictionary<string, T>.Empty;
}
