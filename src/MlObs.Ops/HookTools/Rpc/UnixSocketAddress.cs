// UnixSocketAddress: JUJU_AGENT_SOCKET_ADDRESS as a Linux sockaddr_un. Juju listens on an
// abstract socket when the address starts with '@' (juju/sockets); Go's net package, which jujuc
// dials with, turns that '@' into the leading NUL of an abstract name.
using System.Text;

namespace MlObs.Ops.HookTools.Rpc;

/// <summary>Builds the <c>sockaddr_un</c> that <c>connect</c> takes for an agent socket address.</summary>
internal static class UnixSocketAddress
{
    /// <summary>AF_UNIX on Linux.</summary>
    public const int AfUnix = 1;

    /// <summary>Size of <c>sockaddr_un</c>: a 2-byte family, then 108 bytes of path.</summary>
    public const int Size = 110;

    /// <summary>The longest filesystem path (sun_path keeps a byte for its terminating NUL).</summary>
    public const int MaxPathBytes = Size - 3;

    /// <summary>
    /// The address for <paramref name="address"/> and the length to pass to <c>connect</c>: a path
    /// ends with a NUL; an abstract name (<c>@name</c>) starts with one and has no terminator.
    /// </summary>
    /// <returns>The address and its length, or the reason there is none (an empty or too long address).</returns>
    public static (byte[] Address, int Length, string? Problem) Encode(string address)
    {
        var bytes = Encoding.UTF8.GetByteCount(address);
        var isAbstract = address.StartsWith('@');
        var limit = isAbstract ? Size - 2 : MaxPathBytes;
        if (bytes == 0 || bytes > limit)
        {
            return ([], 0, $"the socket path is {bytes} bytes; a unix socket path has at most {limit}");
        }

        var sockaddr = new byte[Size];
        sockaddr[0] = AfUnix; // sun_family, little-endian
        Encoding.UTF8.GetBytes(address, sockaddr.AsSpan(2));
        if (isAbstract)
        {
            sockaddr[2] = 0;
            return (sockaddr, 2 + bytes, null);
        }

        return (sockaddr, 2 + bytes + 1, null);
    }
}
