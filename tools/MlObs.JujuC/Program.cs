// mlobs-jujuc: the multi-call hook-tool client. Linked as relation-get, config-get, ... it calls
// Jujuc.Main on the unit agent's socket (the emulator's HookToolServer, or Juju's own agent) and
// replays the answer, as Juju's jujuc does. The protocol (net/rpc with gob) lives in
// src/MlObs.Ops/HookTools/Rpc, compiled into this program.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

using MlObs.Ops.HookTools.Rpc;

namespace MlObs.JujuC;

/// <summary>The client's entry point.</summary>
internal static class Program
{
    private const string SelfName = "mlobs-jujuc";
    private const int StdinFd = 0;
    private const int StdoutFd = 1;
    private const int StderrFd = 2;

    // Synchronous on purpose: one request and one answer; an async state machine would only add
    // start-up cost to every hook-tool call.
    private static int Main(string[] args)
    {
        // argv[0] as the caller typed it: Native AOT passes it through, and it names the tool.
        var tool = Path.GetFileName(Environment.GetCommandLineArgs()[0]);
        if (tool is SelfName or "")
        {
            WriteAll(StderrFd, Encoding.UTF8.GetBytes(
                $"usage: link {SelfName} as a hook tool name (relation-get, config-get, ...) and run it through the link\n"));
            return 2;
        }

        try
        {
            return Run(tool, args);
        }
        catch (ClientException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private static int Run(string tool, string[] args)
    {
        var contextId = Variable("JUJU_CONTEXT_ID");
        var network = Environment.GetEnvironmentVariable("JUJU_AGENT_SOCKET_NETWORK");
        if (!string.IsNullOrEmpty(network) && network != "unix")
        {
            throw new ClientException($"unsupported JUJU_AGENT_SOCKET_NETWORK \"{network}\" (only unix)");
        }

        var address = Variable("JUJU_AGENT_SOCKET_ADDRESS");
        var request = new JujucRequest(
            contextId, Directory.GetCurrentDirectory(), tool, args, null, Environment.GetEnvironmentVariable("JUJU_AGENT_TOKEN") ?? string.Empty);

        using var stream = Connect(address);
        // Stdin is read only when the agent asks for it: a tool that never needs it must not block
        // on a stdin nobody closes.
        var outcome = new JujucRpcClient(stream).Run(request, ReadAllStdin);
        WriteAll(StdoutFd, outcome.Stdout);
        WriteAll(StderrFd, outcome.Stderr);
        return outcome.ExitCode;
    }

    private static UnixSocketStream Connect(string address)
    {
        try
        {
            return UnixSocketStream.Connect(address);
        }
        catch (SocketException e)
        {
            throw new ClientException($"cannot connect to the hook-tool server at {address}: {e.Message}");
        }
    }

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new ClientException($"{name} not set");

    // Reads fd 0 to its end, as Console's stdin stream did (the only failure it absorbed was EINTR).
    private static byte[] ReadAllStdin()
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var got = NativeMethods.Read(StdinFd, ref chunk[0], (nuint)chunk.Length);
            if (got == 0)
            {
                return buffer.ToArray();
            }

            if (got > 0)
            {
                buffer.Write(chunk, 0, (int)got);
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != NativeMethods.EIntr)
            {
                throw new IOException(NativeMethods.Describe(errno));
            }
        }
    }

    // Writes straight to the descriptor with Console's rules for a standard stream: a reader that
    // went away (EPIPE) ends the output silently, a non-blocking descriptor is waited on, and any
    // other failure is an IOException. Console's own first write would set up the terminal first
    // (signal handlers and a thread to run them).
    private static void WriteAll(int fd, byte[] bytes)
    {
        var rest = bytes.AsSpan();
        while (!rest.IsEmpty)
        {
            var wrote = NativeMethods.Write(fd, ref MemoryMarshal.GetReference(rest), (nuint)rest.Length);
            if (wrote >= 0)
            {
                rest = rest[(int)wrote..];
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case NativeMethods.EIntr:
                    continue;
                case NativeMethods.EPipe:
                    return;
                case NativeMethods.EAgain:
                    var poll = new NativeMethods.PollFd { Fd = fd, Events = NativeMethods.PollOut };
                    _ = NativeMethods.Poll(ref poll, 1, -1);
                    continue;
                default:
                    throw new IOException(NativeMethods.Describe(errno));
            }
        }
    }

    private static int Fail(string message)
    {
        var bytes = Encoding.UTF8.GetBytes($"ERROR {message}\n");
        try
        {
            WriteAll(StderrFd, bytes);
        }
        catch (IOException)
        {
            // No stderr to tell: the exit code still does.
        }

        return 1;
    }

    private sealed class ClientException(string message) : Exception(message);
}
