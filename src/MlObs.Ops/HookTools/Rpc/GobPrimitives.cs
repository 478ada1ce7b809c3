// GobPrimitives: the byte-level pieces of Go's encoding/gob format (unsigned and signed integers,
// byte strings, length-prefixed messages), as encoding/gob's doc.go describes them. This file set
// (HookTools/Rpc) is compiled into MlObs.Ops and into mlobs-jujuc, so it uses nothing beyond the BCL.
using System.Buffers.Binary;
using System.Text;

namespace MlObs.Ops.HookTools.Rpc;

/// <summary>Appends gob-encoded items to a growing buffer.</summary>
internal sealed class GobWriter
{
    private byte[] _buffer;

    public GobWriter(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    /// <summary>How many bytes have been written.</summary>
    public int Length { get; private set; }

    /// <summary>What has been written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>What has been written so far, as a memory over the buffer (no copy).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    /// <summary>
    /// An unsigned integer: below 128 one byte; otherwise the byte count, negated, then the value
    /// big-endian in as few bytes as it takes (256 is FE 01 00).
    /// </summary>
    public void WriteUint(ulong value)
    {
        if (value < 0x80)
        {
            Append((byte)value);
            return;
        }

        var count = 8 - (System.Numerics.BitOperations.LeadingZeroCount(value) / 8);
        Span<byte> bigEndian = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, value);
        Append(unchecked((byte)-count));
        Append(bigEndian[(8 - count)..]);
    }

    /// <summary>A signed integer: the value shifted left by one, complemented first (low bit 1) when negative.</summary>
    public void WriteInt(long value) =>
        WriteUint(value < 0 ? (~(ulong)value << 1) | 1 : (ulong)value << 1);

    /// <summary>A boolean, as the unsigned integer 0 or 1.</summary>
    public void WriteBool(bool value) => Append(value ? (byte)1 : (byte)0);

    /// <summary>A byte slice: its length, then its bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteUint((ulong)value.Length);
        Append(value);
    }

    /// <summary>A string: its UTF-8 length, then its UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUint((ulong)length);
        Reserve(length);
        Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    /// <summary>A delimited message: the byte count of <paramref name="message"/>, then its bytes.</summary>
    public void WriteMessage(GobWriter message)
    {
        WriteUint((ulong)message.Length);
        Append(message.WrittenSpan);
    }

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Clear() => Length = 0;

    private void Append(byte value)
    {
        Reserve(1);
        _buffer[Length++] = value;
    }

    private void Append(ReadOnlySpan<byte> value)
    {
        Reserve(value.Length);
        value.CopyTo(_buffer.AsSpan(Length));
        Length += value.Length;
    }

    private void Reserve(int count)
    {
        if (_buffer.Length - Length >= count)
        {
            return;
        }

        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
    }
}

/// <summary>Reads gob-encoded items from one message.</summary>
/// <exception cref="InvalidDataException">Thrown by every read that runs past the message or finds a malformed item.</exception>
internal sealed class GobReader(byte[] message)
{
    private int _position;

    /// <summary>True when the whole message has been read.</summary>
    public bool AtEnd => _position == message.Length;

    public ulong ReadUint()
    {
        var first = ReadByte();
        if (first < 0x80)
        {
            return first;
        }

        var count = -unchecked((sbyte)first);
        if (count > 8)
        {
            throw new InvalidDataException($"gob: an unsigned integer of {count} bytes");
        }

        var bytes = Take(count);
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public long ReadInt()
    {
        var bits = ReadUint();
        return (bits & 1) != 0 ? (long)~(bits >> 1) : (long)(bits >> 1);
    }

    public bool ReadBool() => ReadUint() switch
    {
        0 => false,
        1 => true,
        var other => throw new InvalidDataException($"gob: invalid boolean {other}"),
    };

    public ReadOnlySpan<byte> ReadByteSlice()
    {
        var length = ReadUint();
        if (length > (ulong)(message.Length - _position))
        {
            throw new InvalidDataException($"gob: a slice of {length} bytes in a message with {message.Length - _position} left");
        }

        return Take((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadByteSlice());

    /// <summary>A count of elements that follow; each takes at least one byte, which bounds it.</summary>
    public int ReadCount()
    {
        var count = ReadUint();
        if (count > (ulong)(message.Length - _position))
        {
            throw new InvalidDataException($"gob: {count} elements in a message with {message.Length - _position} bytes left");
        }

        return (int)count;
    }

    private byte ReadByte() =>
        _position < message.Length ? message[_position++] : throw new InvalidDataException("gob: message ends in the middle of a value");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (message.Length - _position < count)
        {
            throw new InvalidDataException("gob: message ends in the middle of a value");
        }

        var span = message.AsSpan(_position, count);
        _position += count;
        return span;
    }
}

/// <summary>The delimited messages of a gob stream: an unsigned byte count, then that many bytes.</summary>
internal static class GobFraming
{
    /// <summary>The largest message either end accepts (stdin of state-set or relation-set can be large).</summary>
    public const int MaxMessage = 256 * 1024 * 1024;

    /// <summary>Reads one message; null when the stream ended cleanly before it began.</summary>
    /// <exception cref="InvalidDataException">The stream ends inside a message, or the count is 0 or too large.</exception>
    public static byte[]? ReadMessage(Stream stream)
    {
        Span<byte> one = stackalloc byte[1];
        if (stream.ReadAtLeast(one, 1, throwOnEndOfStream: false) == 0)
        {
            return null;
        }

        var length = one[0] < 0x80 ? one[0] : ReadCountTail(stream, one[0]);
        var message = new byte[CheckLength(length)];
        if (stream.ReadAtLeast(message, message.Length, throwOnEndOfStream: false) < message.Length)
        {
            throw new InvalidDataException("gob: the stream ends inside a message");
        }

        return message;
    }

    /// <summary>Reads one message; null when the stream ended cleanly before it began.</summary>
    /// <exception cref="InvalidDataException">The stream ends inside a message, or the count is 0 or too large.</exception>
    public static async Task<byte[]?> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[9];
        if (await stream.ReadAtLeastAsync(head.AsMemory(0, 1), 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        ulong length = head[0];
        if (head[0] >= 0x80)
        {
            var count = CountBytes(head[0]);
            if (await stream.ReadAtLeastAsync(head.AsMemory(1, count), count, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < count)
            {
                throw new InvalidDataException("gob: the stream ends inside a message length");
            }

            length = BigEndian(head.AsSpan(1, count));
        }

        var message = new byte[CheckLength(length)];
        if (await stream.ReadAtLeastAsync(message, message.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < message.Length)
        {
            throw new InvalidDataException("gob: the stream ends inside a message");
        }

        return message;
    }

    private static ulong ReadCountTail(Stream stream, byte first)
    {
        var count = CountBytes(first);
        Span<byte> tail = stackalloc byte[count];
        if (stream.ReadAtLeast(tail, count, throwOnEndOfStream: false) < count)
        {
            throw new InvalidDataException("gob: the stream ends inside a message length");
        }

        return BigEndian(tail);
    }

    private static int CountBytes(byte first)
    {
        var count = -unchecked((sbyte)first);
        return count is >= 1 and <= 8 ? count : throw new InvalidDataException($"gob: a message length of {count} bytes");
    }

    private static ulong BigEndian(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static int CheckLength(ulong length) =>
        length is 0 or > MaxMessage
            ? throw new InvalidDataException($"gob: a message of {length} bytes")
            : (int)length;
}
