// GobTypes: the local side of the gob codec subset. A GobStructType describes a Go struct this
// code sends or receives (field names and kinds); a GobStruct is one value of it.
namespace MlObs.Ops.HookTools.Rpc;

/// <summary>The field kinds the codec maps to Go types.</summary>
internal enum GobKind
{
    /// <summary>Go <c>bool</c>; held as <see cref="bool"/>.</summary>
    Bool,

    /// <summary>Go <c>int</c> and the sized signed integers; held as <see cref="long"/>.</summary>
    Int,

    /// <summary>Go <c>uint</c> and the sized unsigned integers; held as <see cref="ulong"/>.</summary>
    Uint,

    /// <summary>Go <c>string</c>; held as <see cref="string"/>.</summary>
    String,

    /// <summary>Go <c>[]byte</c>; held as a <see cref="byte"/> array.</summary>
    Bytes,

    /// <summary>Go <c>[]string</c>; held as a <see cref="string"/> array.</summary>
    Strings,
}

/// <summary>One field of a <see cref="GobStructType"/>.</summary>
/// <param name="Name">The Go field name: received fields match by it.</param>
/// <param name="Kind">The field's kind.</param>
internal sealed record GobField(string Name, GobKind Kind);

/// <summary>A Go struct type as both ends see it; compared by reference, so declare each once.</summary>
/// <param name="name">The Go type name (sent in the type definition, informative only).</param>
/// <param name="fields">The exported fields, in declaration order (the order sets the field numbers).</param>
internal sealed class GobStructType(string name, params GobField[] fields)
{
    public string Name { get; } = name;

    public IReadOnlyList<GobField> Fields { get; } = fields;

    /// <summary>The index of the field named <paramref name="fieldName"/>, or -1.</summary>
    public int IndexOf(string fieldName)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (string.Equals(Fields[i].Name, fieldName, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The zero value of a field, as a decoded value without that field holds it.</summary>
    public static object Zero(GobKind kind) => kind switch
    {
        GobKind.Bool => false,
        GobKind.Int => 0L,
        GobKind.Uint => 0UL,
        GobKind.String => string.Empty,
        GobKind.Bytes => Array.Empty<byte>(),
        GobKind.Strings => Array.Empty<string>(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>One value of a <see cref="GobStructType"/>: every field holds a value of its kind (zero when not set).</summary>
internal sealed class GobStruct
{
    private readonly object[] _values;

    public GobStruct(GobStructType type)
    {
        Type = type;
        _values = new object[type.Fields.Count];
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = GobStructType.Zero(type.Fields[i].Kind);
        }
    }

    public GobStructType Type { get; }

    /// <summary>The value of field <paramref name="index"/>, boxed.</summary>
    public object this[int index] => _values[index];

    public GobStruct Set(int index, object value)
    {
        var expected = Type.Fields[index].Kind;
        var fits = expected switch
        {
            GobKind.Bool => value is bool,
            GobKind.Int => value is long,
            GobKind.Uint => value is ulong,
            GobKind.String => value is string,
            GobKind.Bytes => value is byte[],
            GobKind.Strings => value is string[],
            _ => false,
        };
        if (!fits)
        {
            throw new ArgumentException($"field {Type.Fields[index].Name} of {Type.Name} is {expected}, not {value.GetType().Name}", nameof(value));
        }

        _values[index] = value;
        return this;
    }

    public bool GetBool(int index) => (bool)_values[index];

    public long GetInt(int index) => (long)_values[index];

    public ulong GetUint(int index) => (ulong)_values[index];

    public string GetString(int index) => (string)_values[index];

    public byte[] GetBytes(int index) => (byte[])_values[index];

    public string[] GetStrings(int index) => (string[])_values[index];
}
