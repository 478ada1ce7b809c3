// UnixSocketStream: a blocking unix stream socket through libc, for the unit agent (hook tools in
// process) and for Pebble (UnixHttpHandler). Both are blocking waits on the calling thread anyway,
// and System.Net.Sockets would start an epoll thread, probe sockets and the thread pool for the
// first call.
using System.Runtime.InteropServices;
using MlObs.Ops.HookTools.Rpc;
using static MlObs.Ops.HookTools.LinuxLibc;

namespace MlObs.Ops.HookTools;

/// <summary>A connected unix stream socket; reads wait in <c>poll</c> slices so that a cancelled token ends them.</summary>
internal sealed unsafe class UnixSocketStream : ConnectionStream
{
    private const int PollSliceMilliseconds = 50;

    private int _fd;

    private UnixSocketStream(int fd) => _fd = fd;

    /// <summary>Cancels the reads and writes of the call in progress.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Connects to <paramref name="address"/> (a path, or <c>@name</c> for an abstract socket).</summary>
    /// <returns>The stream, or null and why not.</returns>
    public static (UnixSocketStream? Stream, string? Problem) TryConnect(string address)
    {
        var (stream, reason) = Connect(address);
        return stream is null ? (null, $"connect to {address}: {reason}") : (stream, null);
    }

    /// <summary>Connects to <paramref name="address"/>.</summary>
    /// <returns>The stream, or null and the C library's reason (<c>Connection refused</c>, <c>No such file or directory</c>, ...).</returns>
    public static (UnixSocketStream? Stream, string? Reason) Connect(string address)
    {
        var (sockaddr, length, problem) = UnixSocketAddress.Encode(address);
        if (problem is not null)
        {
            return (null, problem);
        }

        var fd = Socket(UnixSocketAddress.AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            return (null, "socket: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        int result;
        fixed (byte* pointer = sockaddr)
        {
            do
            {
                result = LinuxLibc.Connect(fd, pointer, (uint)length);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == EIntr);
        }

        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = LinuxLibc.Close(fd);
            return (null, Marshal.GetPInvokeErrorMessage(errno));
        }

        return (new UnixSocketStream(fd), null);
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            WaitFor(PollIn);
            nint got;
            fixed (byte* pointer = buffer)
            {
                got = LinuxLibc.Read(_fd, pointer, (nuint)buffer.Length);
            }

            if (got >= 0)
            {
                return (int)got;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (EIntr or EAgain))
            {
                throw new IOException("read from the agent socket: " + Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            WaitFor(PollOut);
            nint wrote;
            fixed (byte* pointer = buffer)
            {
                wrote = Send(_fd, pointer, (nuint)buffer.Length, MsgNoSignal);
            }

            if (wrote >= 0)
            {
                buffer = buffer[(int)wrote..];
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (EIntr or EAgain))
            {
                throw new IOException("write to the agent socket: " + Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }

    /// <summary>
    /// Whether the peer has sent something or hung up while nobody was reading: on an idle keep-alive
    /// connection either means it cannot carry the next request.
    /// </summary>
    public bool HasInputOrHangUp() => WaitForInput(0);

    /// <summary>Waits up to <paramref name="milliseconds"/> for something to read (or a hang-up); false when nothing came.</summary>
    public bool WaitForInput(int milliseconds)
    {
        var poll = new PollFd { Fd = _fd, Events = PollIn };
        int ready;
        do
        {
            ready = Poll(&poll, 1, milliseconds);
        }
        while (ready < 0 && Marshal.GetLastPInvokeError() == EIntr);

        // An error is for the read that follows to report.
        return ready != 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (_fd >= 0)
        {
            _ = LinuxLibc.Close(_fd);
            _fd = -1;
        }

        base.Dispose(disposing);
    }

    // Without a cancellable token the read or write itself blocks; with one, poll in slices and
    // look at the token between them.
    private void WaitFor(short events)
    {
        if (!CancellationToken.CanBeCanceled)
        {
            return;
        }

        var poll = new PollFd { Fd = _fd, Events = events };
        while (true)
        {
            CancellationToken.ThrowIfCancellationRequested();
            var ready = Poll(&poll, 1, PollSliceMilliseconds);
            if (ready > 0)
            {
                return;
            }

            var errno = ready < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (ready < 0 && errno != EIntr)
            {
                throw new IOException("poll on the agent socket: " + Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }
}
