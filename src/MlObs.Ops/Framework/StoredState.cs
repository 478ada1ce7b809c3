// StoredState: a typed value that survives between dispatches, saved when it changes.
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MlObs.Ops;

/// <summary>
/// State the charm keeps between dispatches, as a record serialised with the charm's
/// source-generated JSON context. Replace <see cref="Value"/> (records: <c>with</c>) to change it;
/// the framework saves it once, at the end of a successful dispatch.
/// </summary>
/// <typeparam name="T">The state record.</typeparam>
public sealed class StoredState<T>
    where T : class
{
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly StateStore _store;
    private T _value;

    internal StoredState(string name, JsonTypeInfo<T> typeInfo, StateStore store, Func<T> defaultValue)
    {
        Name = name;
        _typeInfo = typeInfo;
        _store = store;
        var json = store.Get(Key);
        if (json is null)
        {
            _value = defaultValue();
        }
        else
        {
            try
            {
                _value = JsonSerializer.Deserialize(json, typeInfo) ?? defaultValue();
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"Stored state '{name}' does not fit {typeof(T).Name} any more: {ex.Message}. Migrate it or rename the state.", ex);
            }
        }
    }

    /// <summary>The state's name, unique within the charm.</summary>
    public string Name { get; }

    /// <summary>The current value. Setting it schedules a save.</summary>
    public T Value
    {
        get => _value;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _value = value;
            _store.Set(Key, JsonSerializer.Serialize(value, _typeInfo));
        }
    }

    private string Key => StateStore.StoredPrefix + Name;
}
