// UnixSocketStream: a connected, blocking unix stream socket as a Stream, for the gob codec of
// the Jujuc.Main calls. System.Net.Sockets only words a failed connect, off the path every
// successful call takes.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MlObs.Ops.HookTools.Rpc;

namespace MlObs.JujuC;

/// <summary>A blocking unix stream socket connected to one path.</summary>
internal sealed class UnixSocketStream : ConnectionStream
{
    private int _fd;

    private UnixSocketStream(int fd) => _fd = fd;

    /// <summary>Connects to the unix socket at <paramref name="path"/>.</summary>
    /// <exception cref="SocketException">The connection failed (the message is System.Net.Sockets' own).</exception>
    public static UnixSocketStream Connect(string path)
    {
        var (address, addressLength, problem) = UnixSocketAddress.Encode(path);
        if (problem is not null)
        {
            // Too long for sun_path: say so, as an ERROR line and exit 1 like any failed connect.
            throw new IOException($"cannot connect to the hook-tool server at {path}: {problem}");
        }

        var fd = NativeMethods.Socket(NativeMethods.AfUnix, NativeMethods.SockStream | NativeMethods.SockCloexec, 0);
        if (fd < 0)
        {
            throw ConnectFailure(path, Marshal.GetLastPInvokeError());
        }

        fd = AboveStandardStreams(fd);
        if (NativeMethods.Connect(fd, address, (uint)addressLength) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = NativeMethods.Close(fd);
            throw ConnectFailure(path, errno);
        }

        return new UnixSocketStream(fd);
    }

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var got = NativeMethods.Read(_fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (got >= 0)
            {
                return (int)got;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != NativeMethods.EIntr)
            {
                // NetworkStream's wording (its resource key, under UseSystemResourceKeys).
                throw new IOException("net_io_readfailure, " + NativeMethods.Describe(errno));
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var wrote = NativeMethods.Write(_fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (wrote >= 0)
            {
                buffer = buffer[(int)wrote..];
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != NativeMethods.EIntr)
            {
                throw new IOException("net_io_writefailure, " + NativeMethods.Describe(errno));
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_fd >= 0)
        {
            _ = NativeMethods.Close(_fd);
            _fd = -1;
        }

        base.Dispose(disposing);
    }

    // With stdin, stdout or stderr closed, socket() hands out that descriptor, and the tool would
    // then read its stdin from, or write its output into, the connection. Keep the socket above 2
    // (dup returns the lowest free descriptor) so those streams stay closed and fail as such.
    private static int AboveStandardStreams(int fd)
    {
        if (fd is < 0 or > 2)
        {
            return fd;
        }

        var higher = AboveStandardStreams(NativeMethods.Dup(fd));
        _ = NativeMethods.Close(fd);
        return higher;
    }

    // Cold path: connect once more through System.Net.Sockets, so the error reads word for word as
    // it always has (SocketException maps errno to its own SocketError first: a missing socket
    // file reads "Cannot assign requested address /path"). Only a server that came up in between
    // gets the plain errno text instead.
    private static SocketException ConnectFailure(string path, int errno)
    {
        if (path.StartsWith('@'))
        {
            // An abstract name: System.Net.Sockets would read the '@' as part of a path.
            return new SocketException(errno, NativeMethods.Describe(errno) + " " + path);
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e)
        {
            return e;
        }

        return new SocketException(errno, NativeMethods.Describe(errno) + " " + path);
    }
}
