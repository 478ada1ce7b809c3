// LoopbackProbe: whether anything listens on an IPv4 port of this pod, with one blocking connect made
// through libc. The first System.Net.Sockets socket starts the socket engine's epoll thread, and the
// hook's main thread spins until that thread runs: about 4 ms of every collect-status under strace
// while the workload was down (charms/drift-monitor-k8s/README.md, "Dispatch speed").
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DriftMonitorCharm;

/// <summary>A TCP connect to an IPv4 address through libc (Linux x64 and arm64, glibc); null elsewhere.</summary>
internal static unsafe partial class LoopbackProbe
{
    private const string Library = "libc.so.6";

    // Linux's values, the same on x64 and arm64: AF_INET, SOCK_STREAM | SOCK_CLOEXEC, SOL_SOCKET, SO_SNDTIMEO.
    private const int AfInet = 2, StreamCloexec = 1 | 0x80000, SolSocket = 1, SoSndTimeo = 21;

    private static readonly Lazy<bool> Supported = new(() =>
        OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64
        && NativeLibrary.TryLoad(Library, out _));

    /// <summary>
    /// Connects to <paramref name="address"/>:<paramref name="port"/> and hangs up; the wait is bounded by
    /// <paramref name="limit"/> (SO_SNDTIMEO, which Linux applies to connect).
    /// </summary>
    /// <returns>Whether the connection was accepted; null when this platform is not supported or the address is not IPv4.</returns>
    public static bool? TryConnect(IPAddress address, int port, TimeSpan limit)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork || !Supported.Value)
            return null;
        int fd = Socket(AfInet, StreamCloexec, 0);
        if (fd < 0)
            return null;
        try
        {
            var timeout = new TimeVal { Seconds = (long)limit.TotalSeconds, Microseconds = limit.Milliseconds * 1000L };
            if (SetSockOpt(fd, SolSocket, SoSndTimeo, &timeout, (uint)sizeof(TimeVal)) != 0)
                return null;
            // sockaddr_in: family, port and address in network byte order, eight bytes of padding.
            var socketAddress = new SockAddrIn { Family = AfInet, Port = (ushort)IPAddress.HostToNetworkOrder((short)port) };
            address.TryWriteBytes(new Span<byte>(&socketAddress.Address, 4), out _);
            return Connect(fd, &socketAddress, (uint)sizeof(SockAddrIn)) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [StructLayout(LayoutKind.Sequential, Size = 16)]
    private struct SockAddrIn
    {
        public ushort Family;
        public ushort Port;
        public uint Address;
    }

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, SockAddrIn* address, uint length);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
