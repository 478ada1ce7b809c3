// GobCodec: the subset of Go's encoding/gob that net/rpc calls to Juju's Jujuc.Main need. The
// encoder sends a type definition the first time a type appears on its stream; the decoder keeps
// the definitions it receives and matches struct fields by name, skipping fields it does not know
// and leaving missing ones zero, as Go's decoder does. Format: encoding/gob's doc.go.
namespace MlObs.Ops.HookTools.Rpc;

/// <summary>The type ids every gob stream knows without a definition.</summary>
internal static class GobTypeId
{
    public const long Bool = 1;
    public const long Int = 2;
    public const long Uint = 3;
    public const long Float = 4;
    public const long Bytes = 5;
    public const long String = 6;
    public const long Complex = 7;
    public const long Interface = 8;

    /// <summary>Ids below this are Go's own; a stream defines its types from here up.</summary>
    public const long FirstUser = 64;
}

/// <summary>
/// Encodes struct values onto one gob stream. Keep one per stream: it remembers which type
/// definitions the other end has already received.
/// </summary>
internal sealed class GobEncoder
{
    private readonly Dictionary<GobStructType, long> _structIds = new(ReferenceEqualityComparer.Instance);
    private long _stringsId;
    private long _nextId = GobTypeId.FirstUser + 1;

    /// <summary>Appends to <paramref name="output"/> the definitions of types new to this stream, then the value as one message.</summary>
    public void Encode(GobWriter output, GobStruct value)
    {
        var id = Define(output, value.Type);
        var message = new GobWriter();
        message.WriteInt(id);
        WriteStruct(message, value);
        output.WriteMessage(message);
    }

    // Ids in the order Go's encoder assigns them (the struct, then the types of its fields), and
    // definitions in the order it sends them (the struct, then the new field types): the bytes are
    // then the same as a Go program's that sends the same values on a fresh stream.
    private long Define(GobWriter output, GobStructType type)
    {
        if (_structIds.TryGetValue(type, out var known))
        {
            return known;
        }

        var id = _nextId++;
        var newStrings = false;
        var fieldIds = new long[type.Fields.Count];
        for (var i = 0; i < fieldIds.Length; i++)
        {
            if (type.Fields[i].Kind == GobKind.Strings && _stringsId == 0)
            {
                _stringsId = _nextId++;
                newStrings = true;
            }

            fieldIds[i] = type.Fields[i].Kind switch
            {
                GobKind.Bool => GobTypeId.Bool,
                GobKind.Int => GobTypeId.Int,
                GobKind.Uint => GobTypeId.Uint,
                GobKind.String => GobTypeId.String,
                GobKind.Bytes => GobTypeId.Bytes,
                GobKind.Strings => _stringsId,
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
        }

        var message = new GobWriter();
        message.WriteInt(-id);
        message.WriteUint(3); // wireType field 2: StructT
        message.WriteUint(1); // structType field 0: CommonType
        WriteCommonType(message, type.Name, id);
        if (fieldIds.Length > 0)
        {
            message.WriteUint(1); // structType field 1: Field ([]fieldType)
            message.WriteUint((ulong)fieldIds.Length);
            for (var i = 0; i < fieldIds.Length; i++)
            {
                message.WriteUint(1); // fieldType field 0: Name
                message.WriteString(type.Fields[i].Name);
                message.WriteUint(1); // fieldType field 1: Id
                message.WriteInt(fieldIds[i]);
                message.WriteUint(0);
            }
        }

        message.WriteUint(0); // end of structType
        message.WriteUint(0); // end of wireType
        output.WriteMessage(message);
        if (newStrings)
        {
            DefineStrings(output);
        }

        _structIds.Add(type, id);
        return id;
    }

    private void DefineStrings(GobWriter output)
    {
        var message = new GobWriter();
        message.WriteInt(-_stringsId);
        message.WriteUint(2); // wireType field 1: SliceT
        message.WriteUint(1); // sliceType field 0: CommonType
        WriteCommonType(message, "[]string", _stringsId);
        message.WriteUint(1); // sliceType field 1: Elem
        message.WriteInt(GobTypeId.String);
        message.WriteUint(0); // end of sliceType
        message.WriteUint(0); // end of wireType
        output.WriteMessage(message);
    }

    private static void WriteCommonType(GobWriter message, string name, long id)
    {
        // Zero fields are left out, so an unnamed type jumps straight to field 1.
        if (name.Length > 0)
        {
            message.WriteUint(1);
            message.WriteString(name);
            message.WriteUint(1);
        }
        else
        {
            message.WriteUint(2);
        }

        message.WriteInt(id);
        message.WriteUint(0);
    }

    // Fields in order, each as (delta from the previous field number, value); zero values are left
    // out, and a 0 delta ends the struct.
    private static void WriteStruct(GobWriter message, GobStruct value)
    {
        var previous = -1;
        for (var i = 0; i < value.Type.Fields.Count; i++)
        {
            var field = value[i];
            if (IsZero(field))
            {
                continue;
            }

            message.WriteUint((ulong)(i - previous));
            previous = i;
            switch (field)
            {
                case bool:
                    message.WriteBool(true);
                    break;
                case long signed:
                    message.WriteInt(signed);
                    break;
                case ulong unsigned:
                    message.WriteUint(unsigned);
                    break;
                case string text:
                    message.WriteString(text);
                    break;
                case byte[] bytes:
                    message.WriteBytes(bytes);
                    break;
                case string[] strings:
                    message.WriteUint((ulong)strings.Length);
                    foreach (var text in strings)
                    {
                        message.WriteString(text);
                    }

                    break;
            }
        }

        message.WriteUint(0);
    }

    private static bool IsZero(object field) => field switch
    {
        bool flag => !flag,
        long signed => signed == 0,
        ulong unsigned => unsigned == 0,
        string text => text.Length == 0,
        byte[] bytes => bytes.Length == 0,
        string[] strings => strings.Length == 0,
        _ => true,
    };
}

/// <summary>
/// Decodes the messages of one gob stream. Keep one per stream: it keeps the type definitions the
/// other end sent.
/// </summary>
internal sealed class GobDecoder
{
    // Nesting deeper than this is not a message of ours, and would only cost stack.
    private const int MaxDepth = 64;

    private readonly Dictionary<long, WireType> _types = [];

    private enum WireKind
    {
        Array,
        Slice,
        Struct,
        Map,

        // A GobEncoder, BinaryMarshaler or TextMarshaler: its value travels as a byte slice.
        Opaque,
    }

    /// <summary>
    /// Takes one message: a type definition is kept and false returned; a value is decoded into
    /// <paramref name="expected"/> (or skipped when it is null) and true returned.
    /// </summary>
    /// <exception cref="InvalidDataException">The message is malformed or the value does not fit <paramref name="expected"/>.</exception>
    public bool TryDecode(byte[] message, GobStructType? expected, out GobStruct? value)
    {
        var reader = new GobReader(message);
        var id = reader.ReadInt();
        value = null;
        if (id < 0)
        {
            Define(-id, reader);
        }
        else if (expected is null)
        {
            SkipTopLevel(reader, id);
        }
        else
        {
            value = DecodeStruct(reader, id, expected);
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException("gob: extra data after a value or type definition");
        }

        return id >= 0;
    }

    private void Define(long id, GobReader reader)
    {
        if (id <= GobTypeId.FirstUser || _types.ContainsKey(id))
        {
            throw new InvalidDataException($"gob: duplicate type {id} received");
        }

        WireType? defined = null;
        long field = -1;
        while (NextField(reader, ref field))
        {
            if (defined is not null)
            {
                throw new InvalidDataException($"gob: type {id} defined as two kinds");
            }

            defined = field switch
            {
                0 => ReadContainerType(reader, WireKind.Array),
                1 => ReadContainerType(reader, WireKind.Slice),
                2 => ReadStructType(reader),
                3 => ReadContainerType(reader, WireKind.Map),
                4 or 5 or 6 => ReadContainerType(reader, WireKind.Opaque),
                _ => throw new InvalidDataException($"gob: unknown field {field} in the definition of type {id}"),
            };
        }

        _types.Add(id, defined ?? throw new InvalidDataException($"gob: empty definition of type {id}"));
    }

    // arrayType {CommonType, Elem, Len}, sliceType {CommonType, Elem}, mapType {CommonType, Key,
    // Elem}, and the encoder types {CommonType}.
    private static WireType ReadContainerType(GobReader reader, WireKind kind)
    {
        var type = new WireType(kind);
        long field = -1;
        while (NextField(reader, ref field))
        {
            switch (field, kind)
            {
                case (0, _):
                    _ = ReadNameAndId(reader);
                    break;
                case (1, WireKind.Map):
                    type.Key = reader.ReadInt();
                    break;
                case (1, WireKind.Array or WireKind.Slice) or (2, WireKind.Map):
                    type.Elem = reader.ReadInt();
                    break;
                case (2, WireKind.Array):
                    _ = reader.ReadInt(); // Len: the count travels with each value anyway
                    break;
                default:
                    throw new InvalidDataException($"gob: unknown field {field} in a {kind} type");
            }
        }

        return type;
    }

    private static WireType ReadStructType(GobReader reader)
    {
        var type = new WireType(WireKind.Struct);
        long field = -1;
        while (NextField(reader, ref field))
        {
            switch (field)
            {
                case 0:
                    _ = ReadNameAndId(reader);
                    break;
                case 1:
                    var fields = new WireField[reader.ReadCount()];
                    for (var i = 0; i < fields.Length; i++)
                    {
                        fields[i] = ReadNameAndId(reader);
                    }

                    type.Fields = fields;
                    break;
                default:
                    throw new InvalidDataException($"gob: unknown field {field} in a struct type");
            }
        }

        return type;
    }

    // fieldType {Name, Id} and CommonType {Name, Id} have the same shape.
    private static WireField ReadNameAndId(GobReader reader)
    {
        var name = string.Empty;
        long id = 0;
        long field = -1;
        while (NextField(reader, ref field))
        {
            switch (field)
            {
                case 0:
                    name = reader.ReadString();
                    break;
                case 1:
                    id = reader.ReadInt();
                    break;
                default:
                    throw new InvalidDataException($"gob: unknown field {field} in a name and type id");
            }
        }

        return new WireField(name, id);
    }

    private GobStruct DecodeStruct(GobReader reader, long id, GobStructType expected)
    {
        if (!_types.TryGetValue(id, out var wire) || wire.Kind != WireKind.Struct)
        {
            throw new InvalidDataException($"gob: type id {id} is not a struct type defined on this stream; expected {expected.Name}");
        }

        var local = new int[wire.Fields.Length];
        var matched = false;
        for (var i = 0; i < local.Length; i++)
        {
            local[i] = expected.IndexOf(wire.Fields[i].Name);
            matched |= local[i] >= 0;
        }

        if (!matched && local.Length > 0 && expected.Fields.Count > 0)
        {
            throw new InvalidDataException($"gob: type mismatch: no fields matched compiling decoder for {expected.Name}");
        }

        var value = new GobStruct(expected);
        long field = -1;
        while (NextField(reader, ref field))
        {
            if (field >= wire.Fields.Length)
            {
                throw new InvalidDataException($"gob: field number {field} in a struct of {wire.Fields.Length} fields");
            }

            var sent = wire.Fields[field];
            if (local[field] < 0)
            {
                Skip(reader, sent.Id, 1);
                continue;
            }

            var kind = expected.Fields[local[field]].Kind;
            if (!Fits(sent.Id, kind))
            {
                throw new InvalidDataException($"gob: field {sent.Name} of {expected.Name} is sent as type id {sent.Id}, which does not decode into {kind}");
            }

            value.Set(local[field], kind switch
            {
                GobKind.Bool => reader.ReadBool(),
                GobKind.Int => reader.ReadInt(),
                GobKind.Uint => reader.ReadUint(),
                GobKind.String => reader.ReadString(),
                GobKind.Bytes => reader.ReadByteSlice().ToArray(),
                _ => ReadStrings(reader),
            });
        }

        return value;
    }

    private static string[] ReadStrings(GobReader reader)
    {
        var strings = new string[reader.ReadCount()];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = reader.ReadString();
        }

        return strings;
    }

    private bool Fits(long id, GobKind kind) => kind switch
    {
        GobKind.Bool => id == GobTypeId.Bool,
        GobKind.Int => id == GobTypeId.Int,
        GobKind.Uint => id == GobTypeId.Uint,
        GobKind.String => id == GobTypeId.String,
        GobKind.Bytes => id == GobTypeId.Bytes,
        GobKind.Strings => _types.TryGetValue(id, out var wire) && wire.Kind == WireKind.Slice && wire.Elem == GobTypeId.String,
        _ => false,
    };

    // A value nobody asked for. A top-level struct is its fields; anything else is a singleton:
    // a 0 delta, then the value.
    private void SkipTopLevel(GobReader reader, long id)
    {
        if (_types.TryGetValue(id, out var wire) && wire.Kind == WireKind.Struct)
        {
            Skip(reader, id, 0);
            return;
        }

        if (reader.ReadUint() != 0)
        {
            throw new InvalidDataException("gob: a top-level value that is not a struct must start with a 0 delta");
        }

        Skip(reader, id, 0);
    }

    private void Skip(GobReader reader, long id, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("gob: values nested too deeply");
        }

        switch (id)
        {
            case GobTypeId.Bool or GobTypeId.Int or GobTypeId.Uint or GobTypeId.Float:
                _ = reader.ReadUint();
                return;
            case GobTypeId.Bytes or GobTypeId.String:
                _ = reader.ReadByteSlice();
                return;
            case GobTypeId.Complex:
                _ = reader.ReadUint();
                _ = reader.ReadUint();
                return;
            case GobTypeId.Interface:
                if (reader.ReadByteSlice().Length != 0)
                {
                    throw new InvalidDataException("gob: interface values are not supported");
                }

                return;
        }

        if (!_types.TryGetValue(id, out var wire))
        {
            throw new InvalidDataException($"gob: type id {id} not defined");
        }

        switch (wire.Kind)
        {
            case WireKind.Struct:
                long field = -1;
                while (NextField(reader, ref field))
                {
                    if (field >= wire.Fields.Length)
                    {
                        throw new InvalidDataException($"gob: field number {field} in a struct of {wire.Fields.Length} fields");
                    }

                    Skip(reader, wire.Fields[field].Id, depth + 1);
                }

                return;
            case WireKind.Slice or WireKind.Array:
                for (var count = reader.ReadCount(); count > 0; count--)
                {
                    Skip(reader, wire.Elem, depth + 1);
                }

                return;
            case WireKind.Map:
                for (var count = reader.ReadCount(); count > 0; count--)
                {
                    Skip(reader, wire.Key, depth + 1);
                    Skip(reader, wire.Elem, depth + 1);
                }

                return;
            default:
                _ = reader.ReadByteSlice();
                return;
        }
    }

    private static bool NextField(GobReader reader, ref long field)
    {
        var delta = reader.ReadUint();
        if (delta == 0)
        {
            return false;
        }

        if (delta > int.MaxValue)
        {
            throw new InvalidDataException($"gob: field delta {delta}");
        }

        field += (long)delta;
        return true;
    }

    private readonly record struct WireField(string Name, long Id);

    private sealed class WireType(WireKind kind)
    {
        public WireKind Kind { get; } = kind;

        public long Elem { get; set; }

        public long Key { get; set; }

        public WireField[] Fields { get; set; } = [];
    }
}
