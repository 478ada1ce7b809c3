// NativeMethods: the handful of libc calls mlobs-jujuc makes itself. System.Net.Sockets and
// System.Console cost more to start than the whole request: the first Socket starts an epoll
// thread and opens three probe sockets (IPv6, IPv4, unix datagram); the first Console stream
// installs terminal signal handlers on a thread of their own. Plain socket/connect/read/write
// calls need none of that (see README.md for what it saved).
using System.Runtime.InteropServices;

namespace MlObs.JujuC;

/// <summary>libc, bound at link time (<c>DirectPInvoke</c> in the project): no <c>dlopen</c> probing at run time.</summary>
internal static class NativeMethods
{
    public const int AfUnix = 1;
    public const int SockStream = 1;
    public const int SockCloexec = 0x80000;
    public const short PollOut = 0x004;

    // errno values; these are the same on every Linux architecture .NET runs on.
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EPipe = 32;

    private const string Libc = "libc";

    [DllImport(Libc, EntryPoint = "socket", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Socket(int domain, int type, int protocol);

    [DllImport(Libc, EntryPoint = "connect", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Connect(int fd, byte[] address, uint addressLength);

    [DllImport(Libc, EntryPoint = "dup", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Dup(int fd);

    [DllImport(Libc, EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int fd);

    [DllImport(Libc, EntryPoint = "read", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint Read(int fd, ref byte buffer, nuint count);

    [DllImport(Libc, EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint Write(int fd, ref byte buffer, nuint count);

    [DllImport(Libc, EntryPoint = "poll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Poll(ref PollFd fds, nuint count, int timeoutMs);

    /// <summary>errno's text, as strerror gives it.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>One <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
