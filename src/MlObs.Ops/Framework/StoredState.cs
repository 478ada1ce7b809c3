// StoredState: a typed value that survives between dispatches, saved when it changes.
using System.Text.Json;

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
    private readonly Func<T, string> _write;
    private readonly StateStore _store;
    private T _value;

    internal StoredState(string name, Func<string, T?> read, Func<T, string> write, StateStore store, Func<T> defaultValue)
    {
        Name = name;
        _write = write;
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
                _value = read(json) ?? defaultValue();
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
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
            _store.Set(Key, _write(value));
        }
    }

    private string Key => StateStore.StoredPrefix + Name;
}
