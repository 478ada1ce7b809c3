// CharmConfig: the unit's config as `config-get --format=json` returns it, checked against the
// declared options, with typed getters and AOT-safe binding to a config record.
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MlObs.Ops.Metadata;

/// <summary>
/// The unit's config: every option that has a value (set by the operator or by its default),
/// keyed by option name. Values always fit their declared type.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the concept, as ops' ConfigData is.")]
public sealed class CharmConfig : IReadOnlyDictionary<string, JsonElement>
{
    private readonly IReadOnlyDictionary<string, ConfigOptionMeta> _options;
    private readonly Dictionary<string, JsonElement> _values;

    private CharmConfig(IReadOnlyDictionary<string, ConfigOptionMeta> options, Dictionary<string, JsonElement> values)
    {
        _options = options;
        _values = values;
    }

    /// <summary>The declared options this config was checked against, keyed by option name.</summary>
    public IReadOnlyDictionary<string, ConfigOptionMeta> Options => _options;

    /// <summary>The number of options that have a value.</summary>
    public int Count => _values.Count;

    /// <summary>The names of the options that have a value.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The values, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<JsonElement> Values => _values.Values;

    /// <summary>The value of an option.</summary>
    /// <param name="key">The option name.</param>
    /// <exception cref="KeyNotFoundException">The option has no value or is not declared.</exception>
    public JsonElement this[string key] => _values[key];

    /// <summary>
    /// Checks the values from <c>config-get --format=json</c> against the declared options and
    /// fills in the declared default of every option without a value. JSON <c>null</c> means unset.
    /// </summary>
    /// <param name="options">The declared options, usually <see cref="CharmMeta.Config"/>.</param>
    /// <param name="values">The values Juju returned.</param>
    /// <returns>The checked config.</returns>
    /// <exception cref="InvalidConfigException">A key is not declared, or a value does not fit its type.</exception>
    public static CharmConfig Create(IReadOnlyDictionary<string, ConfigOptionMeta> options, IReadOnlyDictionary<string, JsonElement> values)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(values);

        var checkedValues = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (!options.TryGetValue(key, out var option))
            {
                throw new InvalidConfigException(key, $"config-get returned undeclared option '{key}'");
            }

            if (value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                checkedValues[key] = Normalise(option, value, "config-get returned");
            }
        }

        foreach (var (name, option) in options)
        {
            // The default is built only for an option config-get left out.
            if (option.HasDefault && !checkedValues.ContainsKey(name) && option.Default is { } fallback && fallback.ValueKind != JsonValueKind.Null)
            {
                checkedValues[name] = Normalise(option, fallback, "its declared default is");
            }
        }

        return new CharmConfig(options, checkedValues);
    }

    /// <summary>Whether the option has a value.</summary>
    /// <param name="key">The option name.</param>
    /// <returns><see langword="true"/> when the option has a value.</returns>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Gets the value of an option, if it has one.</summary>
    /// <param name="key">The option name.</param>
    /// <param name="value">The value, when there is one.</param>
    /// <returns><see langword="true"/> when the option has a value.</returns>
    public bool TryGetValue(string key, out JsonElement value) => _values.TryGetValue(key, out value);

    /// <summary>Enumerates the options that have a value.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The value of a <c>string</c> option.</summary>
    /// <param name="key">The option name.</param>
    /// <returns>The value, or <see langword="null"/> when unset.</returns>
    /// <exception cref="ArgumentException">No such option is declared.</exception>
    /// <exception cref="InvalidOperationException">The option is not of type <c>string</c>.</exception>
    public string? GetString(string key) => Get(key, ConfigOptionType.String)?.GetString();

    /// <summary>The value of an <c>int</c> option.</summary>
    /// <param name="key">The option name.</param>
    /// <returns>The value, or <see langword="null"/> when unset.</returns>
    /// <exception cref="ArgumentException">No such option is declared.</exception>
    /// <exception cref="InvalidOperationException">The option is not of type <c>int</c>.</exception>
    public long? GetInt(string key) => Get(key, ConfigOptionType.Int)?.GetInt64();

    /// <summary>The value of a <c>float</c> option.</summary>
    /// <param name="key">The option name.</param>
    /// <returns>The value, or <see langword="null"/> when unset.</returns>
    /// <exception cref="ArgumentException">No such option is declared.</exception>
    /// <exception cref="InvalidOperationException">The option is not of type <c>float</c>.</exception>
    public double? GetFloat(string key) => Get(key, ConfigOptionType.Float)?.GetDouble();

    /// <summary>The value of a <c>boolean</c> option.</summary>
    /// <param name="key">The option name.</param>
    /// <returns>The value, or <see langword="null"/> when unset.</returns>
    /// <exception cref="ArgumentException">No such option is declared.</exception>
    /// <exception cref="InvalidOperationException">The option is not of type <c>boolean</c>.</exception>
    public bool? GetBoolean(string key) => Get(key, ConfigOptionType.Boolean)?.GetBoolean();

    /// <summary>The secret URI held by a <c>secret</c> option, to pass to <c>secret-get</c>.</summary>
    /// <param name="key">The option name.</param>
    /// <returns>The URI (<c>secret:...</c>), or <see langword="null"/> when unset.</returns>
    /// <exception cref="ArgumentException">No such option is declared.</exception>
    /// <exception cref="InvalidOperationException">The option is not of type <c>secret</c>.</exception>
    public string? GetSecretId(string key) => Get(key, ConfigOptionType.Secret)?.GetString();

    /// <summary>
    /// Binds the whole config to a config record through the charm's source-generated
    /// <c>JsonSerializerContext</c> (AOT-safe). Every JSON property of <typeparamref name="T"/>
    /// must name a declared option of a fitting type; options the record leaves out are ignored.
    /// </summary>
    /// <typeparam name="T">The config record.</typeparam>
    /// <param name="typeInfo">The type info of <typeparamref name="T"/>, e.g. <c>MyContext.Default.MyConfig</c>.</param>
    /// <returns>The bound record.</returns>
    /// <exception cref="InvalidOperationException">The record does not match the declared options (a charm bug).</exception>
    /// <exception cref="InvalidConfigException">A value cannot be held by its member, or a member that needs a value has none.</exception>
    public T Bind<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var recordName = typeof(T).Name;
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            throw new ArgumentException($"config record {recordName} must serialise as a JSON object", nameof(typeInfo));
        }

        var json = JsonValues.Build(writer =>
        {
            writer.WriteStartObject();
            foreach (var property in typeInfo.Properties)
            {
                // Extension data and get-only (computed) members are not bound from config.
                if (property.IsExtensionData || (property.Set is null && property.AssociatedParameter is null))
                {
                    continue;
                }

                var option = CheckProperty(recordName, property);
                if (_values.TryGetValue(option.Name, out var value))
                {
                    CheckValueFits(recordName, property, typeInfo.Options, option, value);
                    writer.WritePropertyName(property.Name);
                    value.WriteTo(writer);
                }
                else if (NeedsValue(property))
                {
                    if (!IsNullable(property))
                    {
                        throw new InvalidConfigException(
                            option.Name,
                            $"config option '{option.Name}' has no value and no default, but {recordName}.{MemberName(property)} ({ClrName(property.PropertyType)}) needs one");
                    }

                    // A `required` nullable member must still appear in the JSON.
                    writer.WritePropertyName(property.Name);
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndObject();
        });

        try
        {
            return json.Deserialize(typeInfo)
                ?? throw new InvalidConfigException($"config record {recordName} deserialised to null");
        }
        catch (JsonException ex)
        {
            var option = OptionFromPath(ex.Path);
            throw new InvalidConfigException(
                option,
                option is null
                    ? $"config cannot be bound to {recordName}: {ex.Message}"
                    : $"config option '{option}' cannot be bound to {recordName}: {ex.Message}",
                ex);
        }
    }

    private static JsonElement Normalise(ConfigOptionMeta option, JsonElement value, string origin)
    {
        var type = ConfigOptionTypes.YamlName(option.Type);
        var fits = option.Type switch
        {
            ConfigOptionType.String => value.ValueKind == JsonValueKind.String ? value.Clone() : (JsonElement?)null,
            ConfigOptionType.Secret => value.ValueKind == JsonValueKind.String
                && value.GetString()!.StartsWith("secret:", StringComparison.Ordinal)
                ? value.Clone()
                : null,
            ConfigOptionType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.Clone() : null,
            ConfigOptionType.Int => AsInteger(value),
            ConfigOptionType.Float => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d)
                ? value.Clone()
                : null,
            _ => null,
        };

        return fits ?? throw new InvalidConfigException(
            option.Name,
            $"config option '{option.Name}' is declared {type} but {origin} {value.GetRawText()}{(option.Type == ConfigOptionType.Secret ? ", which is not a secret URI (secret:...)" : string.Empty)}");
    }

    // Juju encodes ints as integral JSON numbers; accept 8000.0 as well, and write it back as 8000
    // so that binding to an integer member works.
    private static JsonElement? AsInteger(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out _))
        {
            return value.Clone();
        }

        return value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d && d >= long.MinValue && d < long.MaxValue
            ? JsonValues.Number((long)d)
            : null;
    }

    private JsonElement? Get(string key, ConfigOptionType expected)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_options.TryGetValue(key, out var option))
        {
            throw new ArgumentException(
                $"no config option '{key}'; declared options: {(_options.Count == 0 ? "(none)" : string.Join(", ", _options.Keys))}",
                nameof(key));
        }

        if (option.Type != expected)
        {
            throw new InvalidOperationException(
                $"config option '{key}' is declared {ConfigOptionTypes.YamlName(option.Type)}, not {ConfigOptionTypes.YamlName(expected)}; read it with {GetterName(option.Type)}");
        }

        return _values.TryGetValue(key, out var value) ? value : null;
    }

    private static string GetterName(ConfigOptionType type) => type switch
    {
        ConfigOptionType.Int => nameof(GetInt),
        ConfigOptionType.Float => nameof(GetFloat),
        ConfigOptionType.Boolean => nameof(GetBoolean),
        ConfigOptionType.Secret => nameof(GetSecretId),
        _ => nameof(GetString),
    };

    private ConfigOptionMeta CheckProperty(string recordName, JsonPropertyInfo property)
    {
        if (!_options.TryGetValue(property.Name, out var option))
        {
            throw new InvalidOperationException(
                $"config record {recordName} has property '{property.Name}' but charmcraft.yaml declares no option '{property.Name}'");
        }

        var clr = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var (fits, expected) = option.Type switch
        {
            ConfigOptionType.String or ConfigOptionType.Secret => (clr == typeof(string), "string"),
            ConfigOptionType.Int => (
                clr == typeof(long) || clr == typeof(int) || clr == typeof(short) || clr == typeof(sbyte)
                || clr == typeof(ulong) || clr == typeof(uint) || clr == typeof(ushort) || clr == typeof(byte),
                "an integer type (long, int, short, ...)"),
            ConfigOptionType.Float => (clr == typeof(double) || clr == typeof(float) || clr == typeof(decimal), "double, float or decimal"),
            ConfigOptionType.Boolean => (clr == typeof(bool), "bool"),
            _ => (false, "a supported type"),
        };

        if (!fits)
        {
            throw new InvalidOperationException(
                $"config record {recordName} maps option '{option.Name}' ({ConfigOptionTypes.YamlName(option.Type)}) to {MemberName(property)} of type {ClrName(property.PropertyType)}; expected {expected}");
        }

        return option;
    }

    // Reading the value alone first gives an error about this option only (an int too large for
    // the member, say) instead of the whole record's.
    private static void CheckValueFits(string recordName, JsonPropertyInfo property, JsonSerializerOptions options, ConfigOptionMeta option, JsonElement value)
    {
        JsonTypeInfo memberInfo;
        try
        {
            memberInfo = options.GetTypeInfo(property.PropertyType);
        }
        catch (NotSupportedException)
        {
            return;
        }

        try
        {
            value.Deserialize(memberInfo);
        }
        catch (JsonException ex)
        {
            throw new InvalidConfigException(
                option.Name,
                $"config option '{option.Name}' ({ConfigOptionTypes.YamlName(option.Type)}) value {value.GetRawText()} does not fit {recordName}.{MemberName(property)} ({ClrName(property.PropertyType)})",
                ex);
        }
    }

    // A constructor parameter without a default, or a `required` member. Source generation also
    // sets init-only properties through the object initialiser, so a missing value there leaves
    // default(T), not the property's initialiser: those need a value too.
    private static bool NeedsValue(JsonPropertyInfo property) =>
        property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false };

    private static bool IsNullable(JsonPropertyInfo property)
    {
        if (Nullable.GetUnderlyingType(property.PropertyType) is not null)
        {
            return true;
        }

        if (property.PropertyType.IsValueType)
        {
            return false;
        }

        return property.AssociatedParameter?.IsNullable ?? property.IsSetNullable;
    }

    private static string MemberName(JsonPropertyInfo property) =>
        (property.AttributeProvider as MemberInfo)?.Name ?? property.Name;

    private static string ClrName(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? $"{inner.Name}?" : type.Name;

    // System.Text.Json paths look like $.port or $['log-level'].
    private string? OptionFromPath(string? path)
    {
        if (path is null || !path.StartsWith('$'))
        {
            return null;
        }

        string name;
        if (path.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = path.IndexOf("']", 3, StringComparison.Ordinal);
            name = end < 0 ? path[3..] : path[3..end];
        }
        else if (path.StartsWith("$.", StringComparison.Ordinal))
        {
            var rest = path[2..];
            var end = rest.IndexOfAny(['.', '[']);
            name = end < 0 ? rest : rest[..end];
        }
        else
        {
            return null;
        }

        return _options.ContainsKey(name) ? name : null;
    }
}
