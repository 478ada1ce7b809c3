// HookToolWire: the wire protocol between mlobs-jujuc (the hook-tool client) and HookToolServer.
// Both projects compile this one file, so the two ends cannot drift apart.
//
// A message is a frame: a little-endian uint32 length, then that many bytes of body; the body
// starts with a one-byte kind. Strings are UTF-8 and, like byte blobs, carry a uint32 length.
//   Request    (kind 1): u8 version, str context id, str cwd, str tool, u32 argc, argc x str,
//                        u8 has-stdin, [blob stdin]
//   Result     (kind 2): i32 exit code, blob stdout, blob stderr
//   NeedsStdin (kind 3): empty. The client then sends the same request again, with all of its
//                        stdin, on the same connection; the server answers with a Result.
using System.Buffers.Binary;
using System.Text;

namespace MlObs.Ops.Testing.HookTools;

/// <summary>One hook-tool request as it travels on the wire.</summary>
internal sealed record WireRequest(string ContextId, string Dir, string Tool, string[] Args, byte[]? Stdin);

/// <summary>One answer as it travels on the wire: a result, or a request for stdin.</summary>
internal sealed record WireResponse(bool NeedsStdin, int Code, byte[] Stdout, byte[] Stderr)
{
    public static readonly WireResponse StdinWanted = new(true, 0, [], []);
}

/// <summary>Encodes and decodes the frames of the hook-tool protocol.</summary>
internal static class HookToolWire
{
    /// <summary>Bumped on any incompatible change; the server rejects other versions.</summary>
    public const byte Version = 1;

    public const byte KindRequest = 1;
    public const byte KindResult = 2;
    public const byte KindNeedsStdin = 3;

    /// <summary>Largest frame either end accepts (stdin of state-set or relation-set can be large).</summary>
    public const int MaxFrame = 256 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A whole request frame, length prefix included, ready for one write.</summary>
    public static byte[] EncodeRequest(WireRequest request)
    {
        var size = 4 + 1 + 1 + StrSize(request.ContextId) + StrSize(request.Dir) + StrSize(request.Tool) + 4 + 1;
        foreach (var arg in request.Args)
        {
            size += StrSize(arg);
        }

        if (request.Stdin is not null)
        {
            size += 4 + request.Stdin.Length;
        }

        var writer = new Writer(size);
        writer.U32((uint)(size - 4));
        writer.U8(KindRequest);
        writer.U8(Version);
        writer.Str(request.ContextId);
        writer.Str(request.Dir);
        writer.Str(request.Tool);
        writer.U32((uint)request.Args.Length);
        foreach (var arg in request.Args)
        {
            writer.Str(arg);
        }

        writer.U8(request.Stdin is null ? (byte)0 : (byte)1);
        if (request.Stdin is not null)
        {
            writer.Blob(request.Stdin);
        }

        return writer.Buffer;
    }

    /// <summary>A whole response frame, length prefix included, ready for one write.</summary>
    public static byte[] EncodeResponse(WireResponse response)
    {
        if (response.NeedsStdin)
        {
            var needs = new Writer(5);
            needs.U32(1);
            needs.U8(KindNeedsStdin);
            return needs.Buffer;
        }

        var size = 4 + 1 + 4 + 4 + response.Stdout.Length + 4 + response.Stderr.Length;
        var writer = new Writer(size);
        writer.U32((uint)(size - 4));
        writer.U8(KindResult);
        writer.U32(unchecked((uint)response.Code));
        writer.Blob(response.Stdout);
        writer.Blob(response.Stderr);
        return writer.Buffer;
    }

    /// <summary>Decodes a request body (the frame without its length prefix).</summary>
    /// <exception cref="InvalidDataException">The body is not a well-formed request of this version.</exception>
    public static WireRequest DecodeRequest(byte[] body)
    {
        var reader = new Reader(body);
        if (reader.U8() != KindRequest)
        {
            throw new InvalidDataException("expected a hook-tool request");
        }

        var version = reader.U8();
        if (version != Version)
        {
            throw new InvalidDataException($"hook-tool protocol version {version}, expected {Version}");
        }

        var contextId = reader.Str();
        var dir = reader.Str();
        var tool = reader.Str();
        var argc = reader.U32();
        if (argc > (uint)body.Length)
        {
            throw new InvalidDataException("argument count exceeds the frame");
        }

        var args = new string[argc];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = reader.Str();
        }

        var stdin = reader.U8() != 0 ? reader.Blob() : null;
        reader.End();
        return new WireRequest(contextId, dir, tool, args, stdin);
    }

    /// <summary>Decodes a response body (the frame without its length prefix).</summary>
    /// <exception cref="InvalidDataException">The body is not a well-formed response.</exception>
    public static WireResponse DecodeResponse(byte[] body)
    {
        var reader = new Reader(body);
        switch (reader.U8())
        {
            case KindNeedsStdin:
                reader.End();
                return WireResponse.StdinWanted;
            case KindResult:
                var code = unchecked((int)reader.U32());
                var stdout = reader.Blob();
                var stderr = reader.Blob();
                reader.End();
                return new WireResponse(false, code, stdout, stderr);
            default:
                throw new InvalidDataException("expected a hook-tool response");
        }
    }

    /// <summary>Reads one frame body; null when the peer closed the connection before a frame began.</summary>
    /// <exception cref="InvalidDataException">The frame is truncated or too large.</exception>
    public static byte[]? ReadFrame(Stream stream)
    {
        Span<byte> prefix = stackalloc byte[4];
        var got = ReadAtMost(stream, prefix);
        if (got == 0)
        {
            return null;
        }

        if (got < 4)
        {
            throw new InvalidDataException("truncated hook-tool frame");
        }

        var body = new byte[BodyLength(prefix)];
        if (ReadAtMost(stream, body) < body.Length)
        {
            throw new InvalidDataException("truncated hook-tool frame");
        }

        return body;
    }

    /// <summary>Reads one frame body; null when the peer closed the connection before a frame began.</summary>
    /// <exception cref="InvalidDataException">The frame is truncated or too large.</exception>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        var got = await stream.ReadAtLeastAsync(prefix, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < 4)
        {
            throw new InvalidDataException("truncated hook-tool frame");
        }

        var body = new byte[BodyLength(prefix)];
        if (await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < body.Length)
        {
            throw new InvalidDataException("truncated hook-tool frame");
        }

        return body;
    }

    private static int BodyLength(ReadOnlySpan<byte> prefix)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length is 0 or > MaxFrame)
        {
            throw new InvalidDataException($"hook-tool frame of {length} bytes");
        }

        return (int)length;
    }

    private static int ReadAtMost(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private static int StrSize(string value) => 4 + StrictUtf8.GetByteCount(value);

    private sealed class Writer(int size)
    {
        private int _position;

        public byte[] Buffer { get; } = new byte[size];

        public void U8(byte value) => Buffer[_position++] = value;

        public void U32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(Buffer.AsSpan(_position), value);
            _position += 4;
        }

        public void Str(string value)
        {
            var length = StrictUtf8.GetBytes(value, Buffer.AsSpan(_position + 4));
            U32((uint)length);
            _position += length;
        }

        public void Blob(byte[] value)
        {
            U32((uint)value.Length);
            value.CopyTo(Buffer.AsSpan(_position));
            _position += value.Length;
        }
    }

    private sealed class Reader(byte[] body)
    {
        private int _position;

        public byte U8()
        {
            Need(1);
            return body[_position++];
        }

        public uint U32()
        {
            Need(4);
            var value = BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(_position));
            _position += 4;
            return value;
        }

        public string Str()
        {
            var span = Span();
            try
            {
                return StrictUtf8.GetString(span);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException("a hook-tool string is not UTF-8", e);
            }
        }

        public byte[] Blob() => Span().ToArray();

        public void End()
        {
            if (_position != body.Length)
            {
                throw new InvalidDataException("trailing bytes in a hook-tool frame");
            }
        }

        private ReadOnlySpan<byte> Span()
        {
            var length = U32();
            Need(length);
            var span = body.AsSpan(_position, (int)length);
            _position += (int)length;
            return span;
        }

        private void Need(uint count)
        {
            if ((uint)(body.Length - _position) < count)
            {
                throw new InvalidDataException("truncated hook-tool frame");
            }
        }
    }
}
