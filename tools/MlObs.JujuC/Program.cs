// mlobs-jujuc: the multi-call hook-tool client. Linked as relation-get, config-get, ... it sends
// the call to the emulator's HookToolServer over a unix socket and replays the answer, as Juju's
// jujuc does with the unit agent. The protocol lives in HookToolWire.cs.
using System.Net.Sockets;
using System.Text;

using MlObs.Ops.Testing.HookTools;

namespace MlObs.JujuC;

/// <summary>The client's entry point.</summary>
internal static class Program
{
    private const string SelfName = "mlobs-jujuc";

    // Synchronous on purpose: one request and one answer; an async state machine would only add
    // start-up cost to every hook-tool call.
    private static int Main(string[] args)
    {
        // argv[0] as the caller typed it: Native AOT passes it through, and it names the tool.
        var tool = Path.GetFileName(Environment.GetCommandLineArgs()[0]);
        if (tool is SelfName or "")
        {
            Console.Error.WriteLine($"usage: link {SelfName} as a hook tool name (relation-get, config-get, ...) and run it through the link");
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
        var request = new WireRequest(contextId, Directory.GetCurrentDirectory(), tool, args, null);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(address));
        }
        catch (SocketException e)
        {
            throw new ClientException($"cannot connect to the hook-tool server at {address}: {e.Message}");
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        var response = Exchange(stream, request);
        if (response.NeedsStdin)
        {
            // Stdin is read only now, when the tool asked for it: a tool that never needs it must
            // not block on a stdin nobody closes.
            response = Exchange(stream, request with { Stdin = ReadAllStdin() });
            if (response.NeedsStdin)
            {
                throw new ClientException("hook tool requires stdin, none supplied");
            }
        }

        WriteAll(Console.OpenStandardOutput(), response.Stdout);
        WriteAll(Console.OpenStandardError(), response.Stderr);
        return response.Code;
    }

    private static WireResponse Exchange(NetworkStream stream, WireRequest request)
    {
        stream.Write(HookToolWire.EncodeRequest(request));
        var body = HookToolWire.ReadFrame(stream)
            ?? throw new ClientException("the hook-tool server closed the connection without an answer");
        return HookToolWire.DecodeResponse(body);
    }

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new ClientException($"{name} not set");

    private static byte[] ReadAllStdin()
    {
        using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void WriteAll(Stream stream, byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            stream.Write(bytes);
            stream.Flush();
        }
    }

    private static int Fail(string message)
    {
        var bytes = Encoding.UTF8.GetBytes($"ERROR {message}\n");
        WriteAll(Console.OpenStandardError(), bytes);
        return 1;
    }

    private sealed class ClientException(string message) : Exception(message);
}
