// LazyJson: a declared default (config option or action parameter) that the parser has checked but
// builds as a JsonElement only when it is read.
using System.Text.Json;

namespace MlObs.Ops.Metadata;

/// <summary>
/// An optional JSON value, held as the builder until the first read and as the built value after it.
/// Building a default means a Utf8JsonWriter and a JsonDocument (and, the first time in a process, the
/// JavaScript encoder's set-up), while a dispatch reads few defaults or none: config-get answers most
/// options, and only an action's emulated action-get reads parameter defaults.
/// </summary>
/// <remarks>
/// One reference holds the state: nothing (no value), the builder, or the built value in a box, so that
/// a reader on another thread sees one or the other whole (a <see cref="JsonElement"/> is wider than
/// a word). Two threads may both build it; they build equal values, and one box wins. The first read
/// swaps the state in place, so a record keeps this in a field that is not readonly and reads it there
/// (a copy would build again on every read, still correctly).
/// </remarks>
internal struct LazyJson
{
    private object? _state;

    private LazyJson(object? state) => _state = state;

    /// <summary>Whether there is a value, without building it (the state is never null once it was not).</summary>
    public readonly bool HasValue => _state is not null;

    /// <summary>Whether the value has been built.</summary>
    public readonly bool IsBuilt => _state is Box;

    /// <summary>The value, built on first read, or <see langword="null"/> when there is none.</summary>
    public JsonElement? Value
    {
        get
        {
            var state = Volatile.Read(ref _state);
            if (state is Func<JsonElement> make)
            {
                var built = new Box(make());
                state = Interlocked.CompareExchange(ref _state, built, make) is Func<JsonElement> ? built : Volatile.Read(ref _state);
            }

            return (state as Box)?.Value;
        }
    }

    /// <summary>A value already built, or none.</summary>
    public static LazyJson Built(JsonElement? value) => new(value is { } element ? new Box(element) : null);

    /// <summary>A value, already checked, that <paramref name="make"/> builds on first read.</summary>
    public static LazyJson Deferred(Func<JsonElement> make) => new(make);

    private sealed class Box(JsonElement value)
    {
        public JsonElement Value { get; } = value;
    }
}
