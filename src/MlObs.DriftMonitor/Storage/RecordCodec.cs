using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Storage;

/// <summary>
/// The compact binary form of a <see cref="LoggedBatch"/>, the payload of a <see cref="RecordLog"/> entry.
/// </summary>
/// <remarks>
/// <para>
/// Layout, in order (integers little-endian; "varint" is an unsigned LEB128 of at most 5 bytes holding 0 to
/// 2,147,483,647; a "string" is a varint of its UTF-8 byte count plus one, 0 meaning null, then the UTF-8 bytes):
/// </para>
/// <list type="number">
/// <item>the format version, one byte (<see cref="FormatVersion"/>);</item>
/// <item>the model name (string, not null);</item>
/// <item>the half, one byte: 0 whole, 1 request, 2 response;</item>
/// <item>the join key (string or null);</item>
/// <item>the receive time, milliseconds since the Unix epoch, 8 bytes signed;</item>
/// <item>the row count and the column count (varints);</item>
/// <item>per column: the name (string, not null); a tag byte, 0 numbers and 1 labels; the invalid count (varint, at
/// most the row count); then the values: for numbers, row count × 8 bytes of IEEE 754 doubles as stored (NaN payloads and
/// ±∞ included), for labels, row count strings (null for a missing label).</item>
/// </list>
/// <para>
/// Nothing may follow the last column. Strings must be valid UTF-16 (no lone surrogates) to be encoded and valid UTF-8 to
/// be decoded, so any Unicode text round-trips exactly. The column kind beyond numbers and labels (numerical or datetime,
/// categorical or boolean) is the schema's business and is not stored.
/// </para>
/// </remarks>
public static class RecordCodec
{
    /// <summary>The format version written as the first byte; the decoder accepts only this one.</summary>
    public const byte FormatVersion = 1;

    private const byte NumericTag = 0;
    private const byte CategoryTag = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes a batch into a new array of exactly <see cref="GetEncodedLength"/> bytes.</summary>
    /// <exception cref="ArgumentException">
    /// The batch cannot be encoded: an undefined <see cref="RecordHalf"/>, a string with a lone surrogate, an invalid count
    /// above the row count, or an encoding longer than 2 GiB.
    /// </exception>
    public static byte[] Encode(LoggedBatch batch)
    {
        int length = GetEncodedLength(batch);
        byte[] bytes = GC.AllocateUninitializedArray<byte>(length);
        WriteTo(batch, bytes);
        return bytes;
    }

    /// <summary>Encodes a batch into <paramref name="destination"/>, advancing it by <see cref="GetEncodedLength"/> bytes.</summary>
    /// <exception cref="ArgumentException">The batch cannot be encoded (see <see cref="Encode(LoggedBatch)"/>).</exception>
    public static void Encode(LoggedBatch batch, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int length = GetEncodedLength(batch);
        WriteTo(batch, destination.GetSpan(length)[..length]);
        destination.Advance(length);
    }

    /// <summary>
    /// Encodes a batch into the start of <paramref name="destination"/> (at least <see cref="GetEncodedLength"/> bytes, e.g.
    /// a pooled array: large batches then stay off the large-object heap) and returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">The batch cannot be encoded, or <paramref name="destination"/> is too short.</exception>
    public static int Encode(LoggedBatch batch, Span<byte> destination)
    {
        int length = GetEncodedLength(batch);
        if (destination.Length < length)
            throw new ArgumentException($"The batch needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        WriteTo(batch, destination[..length]);
        return length;
    }

    /// <summary>The number of bytes <see cref="Encode(LoggedBatch)"/> produces for a batch, checking that it can be encoded.</summary>
    /// <exception cref="ArgumentException">The batch cannot be encoded (see <see cref="Encode(LoggedBatch)"/>).</exception>
    public static int GetEncodedLength(LoggedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(batch.Model, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.Rows, nameof(batch));
        if (!Enum.IsDefined(batch.Half))
        {
            throw new ArgumentException($"The batch's half ({(int)batch.Half}) is not a defined RecordHalf.", nameof(batch));
        }
        RowBatch rows = batch.Rows;
        long length = 1 + StringLength(batch.Model, "the model name") + 1 + StringLength(batch.JoinKey, "the join key") + 8
            + VarintLength(rows.RowCount) + VarintLength(rows.Columns.Count);
        foreach (ColumnValues column in rows.Columns)
        {
            if (column.InvalidCount > column.Length)
            {
                throw new ArgumentException(
                    $"Column '{column.Name}' has {column.InvalidCount} invalid values but only {column.Length} values.", nameof(batch));
            }
            length += StringLength(column.Name, "a column name") + 1 + VarintLength(column.InvalidCount);
            switch (column)
            {
                case NumericValues numbers:
                    length += 8L * numbers.Length;
                    break;
                case CategoryValues labels:
                    foreach (string? label in labels.Values.Span)
                    {
                        length += StringLength(label, $"a label of column '{column.Name}'");
                    }
                    break;
                default:
                    throw new ArgumentException($"Column '{column.Name}' is a {column.GetType().Name}, which has no encoding.", nameof(batch));
            }
            if (length > Array.MaxLength)
            {
                break;
            }
        }
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"The batch would encode to more than {Array.MaxLength} bytes.", nameof(batch));
        }
        return (int)length;
    }

    /// <summary>Decodes a batch written by <see cref="Encode(LoggedBatch)"/>; the arrays it holds are its own.</summary>
    /// <param name="data">Exactly one encoded batch.</param>
    /// <exception cref="InvalidDataException">
    /// The bytes are not an encoded batch: an unknown version, a value out of range, a truncated field, invalid UTF-8, or
    /// bytes left over. The message names the field and its byte offset.
    /// </exception>
    public static LoggedBatch Decode(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        byte version = reader.ReadByte("the format version");
        if (version != FormatVersion)
        {
            throw new InvalidDataException(
                $"Not a logged batch of a known format: version byte {version}, expected {FormatVersion}.");
        }
        string model = reader.ReadString("the model name") ?? throw reader.Invalid("the model name is null");
        int halfOffset = reader.Offset;
        byte half = reader.ReadByte("the half");
        if (half > (byte)RecordHalf.Response)
        {
            throw new InvalidDataException($"Logged batch: the half at byte {halfOffset} is {half}; 0, 1 or 2 was expected.");
        }
        string? joinKey = reader.ReadString("the join key");
        int timeOffset = reader.Offset;
        long unixMilliseconds = reader.ReadInt64("the receive time");
        if (unixMilliseconds is < MinUnixMilliseconds or > MaxUnixMilliseconds)
        {
            throw new InvalidDataException(
                $"Logged batch: the receive time at byte {timeOffset} ({unixMilliseconds} ms) is outside the years 1 to 9999.");
        }
        int rowCount = reader.ReadCount("the row count");
        int columnCount = reader.ReadCount("the column count");
        if (columnCount > reader.Remaining / 3)
        {
            throw reader.Invalid($"{columnCount} columns cannot fit in the {reader.Remaining} bytes left");
        }
        var columns = new ColumnValues[columnCount];
        for (int c = 0; c < columnCount; c++)
        {
            string name = reader.ReadString($"the name of column {c}") ?? throw reader.Invalid($"the name of column {c} is null");
            int tagOffset = reader.Offset;
            byte tag = reader.ReadByte($"the tag of column '{name}'");
            int invalid = reader.ReadCount($"the invalid count of column '{name}'");
            if (invalid > rowCount)
            {
                throw reader.Invalid($"column '{name}' has {invalid} invalid values in {rowCount} rows");
            }
            columns[c] = tag switch
            {
                NumericTag => new NumericValues(name, reader.ReadDoubles(rowCount, name), invalid),
                CategoryTag => new CategoryValues(name, reader.ReadLabels(rowCount, name), invalid),
                _ => throw new InvalidDataException(
                    $"Logged batch: column '{name}' has tag {tag} at byte {tagOffset}; 0 (numbers) or 1 (labels) was expected."),
            };
        }
        if (reader.Remaining != 0)
        {
            throw reader.Invalid($"{reader.Remaining} bytes follow the last column");
        }
        return new LoggedBatch(model, (RecordHalf)half, joinKey, DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds),
            new RowBatch(rowCount, columns));
    }

    private const long MinUnixMilliseconds = -62_135_596_800_000;
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    private static void WriteTo(LoggedBatch batch, Span<byte> destination)
    {
        var writer = new Writer(destination);
        writer.WriteByte(FormatVersion);
        writer.WriteString(batch.Model);
        writer.WriteByte((byte)batch.Half);
        writer.WriteString(batch.JoinKey);
        writer.WriteInt64(batch.ReceivedAt.ToUnixTimeMilliseconds());
        RowBatch rows = batch.Rows;
        writer.WriteVarint(rows.RowCount);
        writer.WriteVarint(rows.Columns.Count);
        foreach (ColumnValues column in rows.Columns)
        {
            writer.WriteString(column.Name);
            if (column is NumericValues numbers)
            {
                writer.WriteByte(NumericTag);
                writer.WriteVarint(column.InvalidCount);
                writer.WriteDoubles(numbers.Values.Span);
            }
            else
            {
                writer.WriteByte(CategoryTag);
                writer.WriteVarint(column.InvalidCount);
                foreach (string? label in ((CategoryValues)column).Values.Span)
                {
                    writer.WriteString(label);
                }
            }
        }
    }

    private static int VarintLength(int value)
    {
        uint v = (uint)value;
        int length = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            length++;
        }
        return length;
    }

    private static long StringLength(string? text, string what)
    {
        if (text is null)
        {
            return 1;
        }
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{char.ToUpperInvariant(what[0])}{what[1..]} is not valid UTF-16 (a lone surrogate).", e);
        }
        if (bytes == int.MaxValue)
        {
            throw new ArgumentException($"{char.ToUpperInvariant(what[0])}{what[1..]} is too long to encode.");
        }
        return VarintLength(bytes + 1) + (long)bytes;
    }

    private ref struct Writer(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        private int _offset;

        public void WriteByte(byte value) => _destination[_offset++] = value;

        public void WriteVarint(int value)
        {
            uint v = (uint)value;
            while (v >= 0x80)
            {
                _destination[_offset++] = (byte)(v | 0x80);
                v >>= 7;
            }
            _destination[_offset++] = (byte)v;
        }

        public void WriteInt64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_destination[_offset..], value);
            _offset += 8;
        }

        public void WriteString(string? text)
        {
            if (text is null)
            {
                WriteVarint(0);
                return;
            }
            int length = StrictUtf8.GetByteCount(text);
            WriteVarint(length + 1);
            _offset += StrictUtf8.GetBytes(text, _destination.Slice(_offset, length));
        }

        public void WriteDoubles(ReadOnlySpan<double> values)
        {
            Span<byte> target = _destination.Slice(_offset, values.Length * 8);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(target);
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(target[(i * 8)..], values[i]);
                }
            }
            _offset += target.Length;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Offset { get; private set; }

        public readonly int Remaining => _data.Length - Offset;

        public readonly InvalidDataException Invalid(string problem) =>
            new($"Logged batch: {problem} (at byte {Offset} of {_data.Length}).");

        public byte ReadByte(string what)
        {
            Need(1, what);
            return _data[Offset++];
        }

        public long ReadInt64(string what)
        {
            Need(8, what);
            long value = BinaryPrimitives.ReadInt64LittleEndian(_data[Offset..]);
            Offset += 8;
            return value;
        }

        /// <summary>A varint from 0 to <see cref="int.MaxValue"/>.</summary>
        public int ReadCount(string what)
        {
            int start = Offset;
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                if (Offset >= _data.Length)
                {
                    throw new InvalidDataException(
                        $"Logged batch: {what} at byte {start} is cut off by the end of the data ({_data.Length} bytes).");
                }
                byte b = _data[Offset++];
                if (shift == 28 && b > 0x07)
                {
                    break;
                }
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (int)value;
                }
            }
            throw new InvalidDataException($"Logged batch: {what} at byte {start} is not a number from 0 to {int.MaxValue}.");
        }

        public string? ReadString(string what)
        {
            int start = Offset;
            int prefixed = ReadCount(what);
            if (prefixed == 0)
            {
                return null;
            }
            int length = prefixed - 1;
            if (length > Remaining)
            {
                throw new InvalidDataException(
                    $"Logged batch: {what} at byte {start} claims {length} bytes but only {Remaining} are left.");
            }
            ReadOnlySpan<byte> bytes = _data.Slice(Offset, length);
            Offset += length;
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"Logged batch: {what} at byte {start} is not valid UTF-8.", e);
            }
        }

        public double[] ReadDoubles(int count, string column)
        {
            if (count > Remaining / 8)
            {
                throw Invalid($"column '{column}' needs {8L * count} bytes for {count} numbers but only {Remaining} are left");
            }
            var values = new double[count];
            ReadOnlySpan<byte> source = _data.Slice(Offset, count * 8);
            if (BitConverter.IsLittleEndian)
            {
                source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadDoubleLittleEndian(source[(i * 8)..]);
                }
            }
            Offset += source.Length;
            return values;
        }

        public string?[] ReadLabels(int count, string column)
        {
            if (count > Remaining)
            {
                throw Invalid($"column '{column}' needs at least {count} bytes for {count} labels but only {Remaining} are left");
            }
            var labels = new string?[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = ReadString($"label {i} of column '{column}'");
            }
            return labels;
        }

        private readonly void Need(int bytes, string what)
        {
            if (Remaining < bytes)
            {
                throw new InvalidDataException(
                    $"Logged batch: {what} at byte {Offset} needs {bytes} bytes but only {Remaining} are left.");
            }
        }
    }
}
