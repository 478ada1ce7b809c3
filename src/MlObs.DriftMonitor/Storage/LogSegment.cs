using System.Buffers.Binary;
using System.Globalization;

namespace MlObs.DriftMonitor.Storage;

/// <summary>
/// The on-disk layout of a <see cref="RecordLog"/> segment: entries back to back, each a 20-byte header (magic "MLW",
/// format version 1, payload length u32, sequence u64, CRC-32C u32; little-endian) and the payload. The CRC covers the
/// payload followed by the first 16 header bytes, so every byte of an entry is checked.
/// </summary>
internal static class LogSegment
{
    public const int HeaderBytes = 20;
    public const byte FormatVersion = 1;
    public const string Extension = ".wal";
    public const int NameDigits = 20;

    private static ReadOnlySpan<byte> Magic => "MLW"u8;

    /// <summary>The file name of the segment whose first entry has <paramref name="firstSequence"/>.</summary>
    public static string FileName(long firstSequence) =>
        firstSequence.ToString("D" + NameDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + Extension;

    /// <summary>Reads the first sequence from a segment file name; false for any other name.</summary>
    public static bool TryParseFileName(string fileName, out long firstSequence)
    {
        firstSequence = 0;
        if (fileName.Length != NameDigits + Extension.Length || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }
        ReadOnlySpan<char> digits = fileName.AsSpan(0, NameDigits);
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out firstSequence) && firstSequence >= 1;
    }

    /// <summary>Writes the header of an entry whose payload has CRC-32C <paramref name="payloadCrc"/>.</summary>
    public static void WriteHeader(Span<byte> header, int payloadLength, long sequence, uint payloadCrc)
    {
        Magic.CopyTo(header);
        header[3] = FormatVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32C.Append(payloadCrc, header[..16]));
    }

    /// <summary>The outcome of reading one entry.</summary>
    public enum ReadStatus
    {
        /// <summary>A valid entry.</summary>
        Entry,

        /// <summary>The segment ends exactly here.</summary>
        End,

        /// <summary>The segment ends inside an entry, or in zeros.</summary>
        Torn,

        /// <summary>A complete entry is invalid.</summary>
        Corrupt,
    }

    /// <summary>Reads the entries of one segment file in order, checking each.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly FileStream _stream;
        private readonly byte[] _header = new byte[HeaderBytes];
        private readonly int _maxPayloadBytes;
        private byte[] _scratch = [];

        public Reader(string path, int maxPayloadBytes)
        {
            _stream = new FileStream(
                path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
            _maxPayloadBytes = maxPayloadBytes;
        }

        /// <summary>The byte offset of the next entry: after a failed read, where the invalid data begins.</summary>
        public long Offset { get; private set; }

        /// <summary>The current length of the file.</summary>
        public long Length => _stream.Length;

        /// <summary>
        /// Reads the entry at <see cref="Offset"/>, which must carry <paramref name="expectedSequence"/>. With
        /// <paramref name="skipPayload"/> the payload is jumped over and its checksum is not verified; otherwise it is
        /// read into <paramref name="payload"/> (a fresh array when <paramref name="copyPayload"/>, else a buffer reused by
        /// the next read).
        /// </summary>
        public ReadStatus Next(
            long expectedSequence, bool skipPayload, bool copyPayload, out ReadOnlyMemory<byte> payload, out string problem)
        {
            payload = default;
            problem = "";
            int got = _stream.ReadAtLeast(_header, HeaderBytes, throwOnEndOfStream: false);
            if (got == 0)
            {
                return ReadStatus.End;
            }
            if (got < HeaderBytes)
            {
                problem = IsZeroFrom(Offset)
                    ? $"zero-filled tail at byte {Offset}"
                    : $"incomplete header at byte {Offset} ({got} of {HeaderBytes} bytes)";
                return ReadStatus.Torn;
            }
            ReadOnlySpan<byte> header = _header;
            if (!header[..3].SequenceEqual(Magic))
            {
                if (IsZeroFrom(Offset))
                {
                    problem = $"zero-filled tail at byte {Offset}";
                    return ReadStatus.Torn;
                }
                problem = $"bad magic bytes at byte {Offset}";
                return ReadStatus.Corrupt;
            }
            if (header[3] != FormatVersion)
            {
                problem = $"unknown entry format version {header[3]} at byte {Offset}";
                return ReadStatus.Corrupt;
            }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            ulong sequence = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            if (length > (uint)_maxPayloadBytes)
            {
                problem = $"payload length {length} above the limit of {_maxPayloadBytes} bytes at byte {Offset}";
                return ReadStatus.Corrupt;
            }
            if (sequence != (ulong)expectedSequence)
            {
                problem = $"sequence {sequence} where {expectedSequence} was expected at byte {Offset}";
                return ReadStatus.Corrupt;
            }
            int payloadLength = (int)length;
            if (skipPayload)
            {
                long end = Offset + HeaderBytes + payloadLength;
                if (end > _stream.Length)
                {
                    problem = $"entry at byte {Offset} ends past the end of the file ({payloadLength} payload bytes)";
                    return ReadStatus.Torn;
                }
                _stream.Seek(end, SeekOrigin.Begin);
                Offset = end;
                return ReadStatus.Entry;
            }
            byte[] buffer;
            if (copyPayload)
            {
                buffer = new byte[payloadLength];
            }
            else
            {
                if (_scratch.Length < payloadLength)
                {
                    _scratch = new byte[Math.Max(payloadLength, Math.Min(2 * _scratch.Length, _maxPayloadBytes))];
                }
                buffer = _scratch;
            }
            int read = _stream.ReadAtLeast(buffer.AsSpan(0, payloadLength), payloadLength, throwOnEndOfStream: false);
            if (read < payloadLength)
            {
                problem = $"entry at byte {Offset} ends after {read} of its {payloadLength} payload bytes";
                return ReadStatus.Torn;
            }
            ReadOnlySpan<byte> body = buffer.AsSpan(0, payloadLength);
            if (Crc32C.Append(Crc32C.Compute(body), header[..16]) != storedCrc)
            {
                problem = $"checksum mismatch in the entry at byte {Offset} (sequence {sequence})";
                return ReadStatus.Corrupt;
            }
            payload = buffer.AsMemory(0, payloadLength);
            Offset += HeaderBytes + payloadLength;
            return ReadStatus.Entry;
        }

        public void Dispose() => _stream.Dispose();

        private bool IsZeroFrom(long offset)
        {
            long saved = _stream.Position;
            _stream.Seek(offset, SeekOrigin.Begin);
            Span<byte> block = stackalloc byte[4096];
            bool zero = true;
            int read;
            while (zero && (read = _stream.Read(block)) > 0)
            {
                zero = !block[..read].ContainsAnyExcept((byte)0);
            }
            _stream.Seek(saved, SeekOrigin.Begin);
            return zero;
        }
    }
}
