// LzmaBase64: cosl's LZMABase64 (cos-wire §6.1): base64(xz(utf-8 text)), the encoding of dashboard
// content in the grafana_dashboard databag. Compression is liblzma's easy encoder at preset 6 with a
// CRC64 check through the streaming encoder, which is what Python's lzma.compress() does (same bytes); decompression accepts what
// lzma.decompress() (FORMAT_AUTO) accepts: .xz or legacy .lzma, concatenated streams, trailing garbage
// after a complete stream. Unlike Python it bounds the decompressed size and the decoder's memory.
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace MlObs.Cos.Compression;

/// <summary>base64-encoded xz, as cosl's <c>LZMABase64</c> writes and reads it.</summary>
public static class LzmaBase64
{
    /// <summary>The default bound of <see cref="Decompress"/>: 64 MiB of text (dashboards are kilobytes).</summary>
    public const long DefaultMaxDecompressedBytes = 64L * 1024 * 1024;

    // Enough for every xz preset (preset 9: 64 MiB dictionary, ~65 MiB to decode); a header that
    // claims a gigabyte dictionary is refused before anything is allocated.
    private const ulong DecoderMemoryLimit = 128UL * 1024 * 1024;

    private const int Preset = 6;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary><c>base64.b64encode(lzma.compress(text.encode("utf-8")))</c>.</summary>
    /// <param name="text">The text (a dashboard's JSON).</param>
    /// <returns>Standard base64 with padding; the decoded bytes start with the xz magic <c>FD 37 7A 58 5A 00</c>.</returns>
    /// <exception cref="LzmaUnavailableException">liblzma.so.5 cannot be loaded.</exception>
    /// <exception cref="LzmaException">liblzma failed (out of memory).</exception>
    public static string Compress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToBase64String(CompressBytes(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary><c>lzma.decompress(base64.b64decode(text)).decode()</c>, bounded.</summary>
    /// <param name="base64">The base64 text. As Python's non-strict decoder, characters outside the base64 alphabet are skipped and decoding stops at complete padding.</param>
    /// <param name="maxDecompressedBytes">The most bytes the decompressed data may have; more is an <see cref="LzmaException"/> (nothing beyond the bound is allocated).</param>
    /// <returns>The text.</returns>
    /// <exception cref="FormatException">The base64 is invalid (Python: <c>binascii.Error</c>), or the decompressed bytes are not UTF-8 (Python: <c>UnicodeDecodeError</c>).</exception>
    /// <exception cref="LzmaException">The data is not .xz/.lzma, is corrupt or truncated, or decompresses beyond the bound (Python: <c>lzma.LZMAError</c>, same messages).</exception>
    /// <exception cref="LzmaUnavailableException">liblzma.so.5 cannot be loaded.</exception>
    public static string Decompress(string base64, long maxDecompressedBytes = DefaultMaxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(base64);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedBytes);
        var bytes = DecompressBytes(PyBase64.Decode(base64), maxDecompressedBytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("the decompressed content is not valid UTF-8: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// <c>lzma.compress(data)</c>: an .xz stream, preset 6, CRC64, written by the streaming encoder as
    /// Python does (so the bytes are Python's: the one-shot buffer encoder would also record the sizes
    /// in the block header).
    /// </summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The .xz stream.</returns>
    internal static unsafe byte[] CompressBytes(ReadOnlySpan<byte> data)
    {
        LzmaNative.EnsureLoaded();
        var bound = (long)LzmaNative.StreamBufferBound((nuint)data.Length);
        var output = new Output(Array.MaxLength, bound is > 0 and < int.MaxValue ? (int)bound : 64 * 1024);
        var stream = default(LzmaNative.LzmaStream);
        var ret = LzmaNative.EasyEncoder(&stream, Preset, LzmaNative.LzmaCheckCrc64);
        if (ret != LzmaRet.Ok)
        {
            throw new LzmaException(Message(ret));
        }

        try
        {
            fixed (byte* input = data)
            {
                stream.NextIn = input;
                stream.AvailIn = (nuint)data.Length;
                do
                {
                    var window = output.Reserve();
                    fixed (byte* outPtr = window)
                    {
                        stream.NextOut = outPtr;
                        stream.AvailOut = (nuint)window.Length;
                        ret = LzmaNative.Code(&stream, LzmaNative.LzmaFinish);
                        output.Commit(window.Length - (int)stream.AvailOut);
                    }
                }
                while (ret == LzmaRet.Ok);
            }
        }
        finally
        {
            LzmaNative.End(&stream);
        }

        return ret == LzmaRet.StreamEnd ? output.ToArray() : throw new LzmaException(Message(ret));
    }

    /// <summary><c>lzma.decompress(data)</c> (FORMAT_AUTO), bounded.</summary>
    /// <param name="data">The compressed bytes.</param>
    /// <param name="maxDecompressedBytes">The bound of the result.</param>
    /// <returns>The decompressed bytes.</returns>
    internal static byte[] DecompressBytes(ReadOnlySpan<byte> data, long maxDecompressedBytes = DefaultMaxDecompressedBytes)
    {
        LzmaNative.EnsureLoaded();
        var output = new Output(Math.Min(maxDecompressedBytes, Array.MaxLength));

        // As Python: decode one stream after the other; garbage after the first complete stream is ignored.
        var first = true;
        while (true)
        {
            long consumed;
            bool ended;
            var mark = output.Length;
            try
            {
                consumed = DecodeOneStream(data, output, out ended);
            }
            catch (LzmaException ex) when (!first && !ex.LimitExceeded)
            {
                output.Truncate(mark);
                break;
            }

            if (!ended)
            {
                throw new LzmaException("Compressed data ended before the end-of-stream marker was reached");
            }

            first = false;
            data = data[(int)consumed..];
            if (data.IsEmpty)
            {
                break;
            }
        }

        return output.ToArray();
    }

    private static unsafe long DecodeOneStream(ReadOnlySpan<byte> data, Output output, out bool ended)
    {
        var stream = default(LzmaNative.LzmaStream);
        var ret = LzmaNative.AutoDecoder(&stream, DecoderMemoryLimit, 0);
        if (ret != LzmaRet.Ok)
        {
            throw new LzmaException(Message(ret));
        }

        try
        {
            fixed (byte* input = data)
            {
                stream.NextIn = input;
                stream.AvailIn = (nuint)data.Length;
                while (true)
                {
                    var window = output.Reserve();
                    fixed (byte* outPtr = window)
                    {
                        stream.NextOut = outPtr;
                        stream.AvailOut = (nuint)window.Length;
                        ret = LzmaNative.Code(&stream, LzmaNative.LzmaRun);
                        output.Commit(window.Length - (int)stream.AvailOut);
                    }

                    if (ret == LzmaRet.StreamEnd)
                    {
                        ended = true;
                        return (long)stream.TotalIn;
                    }

                    if (ret == LzmaRet.BufError && stream.AvailIn == 0 && stream.AvailOut > 0)
                    {
                        ret = LzmaRet.Ok; // Python ignores it: more input is needed, and there is none.
                    }

                    if (ret is not (LzmaRet.Ok or LzmaRet.NoCheck or LzmaRet.GetCheck))
                    {
                        throw new LzmaException(Message(ret));
                    }

                    if (stream.AvailIn == 0 && stream.AvailOut > 0)
                    {
                        ended = false;
                        return (long)stream.TotalIn;
                    }
                }
            }
        }
        finally
        {
            LzmaNative.End(&stream);
        }
    }

    /// <summary>Python's messages for <c>lzma_ret</c> (<c>_lzmamodule.c</c> <c>catch_lzma_error</c>).</summary>
    private static string Message(LzmaRet ret) => ret switch
    {
        LzmaRet.UnsupportedCheck => "Unsupported integrity check",
        LzmaRet.MemError => "Out of memory",
        LzmaRet.MemlimitError => "Memory usage limit exceeded",
        LzmaRet.FormatError => "Input format not supported by decoder",
        LzmaRet.OptionsError => "Invalid or unsupported options",
        LzmaRet.DataError => "Corrupt input data",
        LzmaRet.BufError => "Insufficient buffer space",
        LzmaRet.ProgError => "Internal error",
        _ => "Unrecognized error from liblzma: " + ((int)ret).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A growing output buffer that refuses to grow past the bound.</summary>
    private sealed class Output(long max, int initialSize = 64 * 1024)
    {
        private byte[] _buffer = new byte[(int)Math.Min(max + 1, initialSize)];

        public int Length { get; private set; }

        public Span<byte> Reserve()
        {
            if (Length == _buffer.Length)
            {
                if (Length > max)
                {
                    throw new LzmaException($"the decompressed data exceeds the limit of {max.ToString(CultureInfo.InvariantCulture)} bytes", limitExceeded: true);
                }

                // One byte past the bound, so that reaching it is seen.
                var size = (int)Math.Min(Math.Min((long)_buffer.Length * 2, max + 1), Array.MaxLength);
                Array.Resize(ref _buffer, size);
            }

            return _buffer.AsSpan(Length);
        }

        public void Commit(int count)
        {
            Length += count;
            if (Length > max)
            {
                throw new LzmaException($"the decompressed data exceeds the limit of {max.ToString(CultureInfo.InvariantCulture)} bytes", limitExceeded: true);
            }
        }

        public void Truncate(int length) => Length = length;

        public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();
    }
}

/// <summary>Python's non-strict <c>base64.b64decode</c> (<c>binascii.a2b_base64</c>, <c>strict_mode=False</c>).</summary>
internal static class PyBase64
{
    /// <summary>Decodes as Python does: bytes outside the alphabet are skipped, complete padding ends the data.</summary>
    /// <param name="text">The text (its UTF-8 bytes are decoded, as <c>compressed.encode("utf-8")</c>).</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="FormatException">Python's <c>binascii.Error</c>, with its message.</exception>
    public static byte[] Decode(string text)
    {
        // The fast path: canonical base64, which is what every writer produces.
        var utf8 = Encoding.UTF8.GetBytes(text);
        if (Base64.IsValid(utf8) && utf8.AsSpan().IndexOfAny((byte)' ', (byte)'\t', (byte)'\n') < 0 && utf8.AsSpan().IndexOfAny((byte)'\r', (byte)'\f', (byte)'\v') < 0)
        {
            return Convert.FromBase64String(text);
        }

        var output = new List<byte>(utf8.Length * 3 / 4);
        int quadPos = 0, leftBits = 0, leftChar = 0, pads = 0;
        foreach (var c in utf8)
        {
            if (c == (byte)'=')
            {
                if (quadPos >= 2 && quadPos + ++pads >= 4)
                {
                    return [.. output];
                }

                continue;
            }

            var value = Value(c);
            if (value < 0)
            {
                continue;
            }

            quadPos = (quadPos + 1) & 3;
            leftChar = (leftChar << 6) | value;
            leftBits += 6;
            if (leftBits >= 8)
            {
                leftBits -= 8;
                output.Add((byte)(leftChar >> leftBits));
                leftChar &= (1 << leftBits) - 1;
            }
        }

        if (quadPos == 1)
        {
            var count = (output.Count / 3 * 4) + 1;
            throw new FormatException($"Invalid base64-encoded string: number of data characters ({count.ToString(CultureInfo.InvariantCulture)}) cannot be 1 more than a multiple of 4");
        }

        return quadPos != 0 ? throw new FormatException("Incorrect padding") : [.. output];
    }

    private static int Value(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        _ => -1,
    };
}

/// <summary>xz data that cannot be decoded (Python's <c>lzma.LZMAError</c>, with the same messages), or a size bound exceeded.</summary>
public sealed class LzmaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LzmaException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public LzmaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public LzmaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal LzmaException(string message, bool limitExceeded)
        : base(message) => LimitExceeded = limitExceeded;

    /// <summary>Whether the data was refused for decompressing beyond the size bound (Python has no bound).</summary>
    public bool LimitExceeded { get; }
}

/// <summary>liblzma.so.5 could not be loaded.</summary>
public sealed class LzmaUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LzmaUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public LzmaUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public LzmaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
