// ConnectionStream: the parts of a Stream a connection has no use for, once: no seeking, no
// length, nothing to flush. A connection over a raw socket says only how to read and write.
namespace MlObs.Ops.HookTools.Rpc;

/// <summary>A read-write, unseekable stream; subclasses implement the span <c>Read</c> and <c>Write</c>.</summary>
internal abstract class ConnectionStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override int Read(Span<byte> buffer);

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
