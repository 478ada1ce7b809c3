// WebSocketUpgrade: answers a websocket upgrade inside a scripted HttpMessageHandler with 101 and an
// in-memory duplex stream, so the real ClientWebSocket talks to a server-side WebSocket in the test.
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace MlObs.Ops.Tests.Pebble;

internal static class WebSocketUpgrade
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Accepts the upgrade in <paramref name="request"/> and runs <paramref name="serve"/> on the server side in the background.</summary>
    public static HttpResponseMessage Accept(RecordedRequest request, Func<WebSocket, Task> serve)
    {
        var key = request.Headers.GetValues("Sec-WebSocket-Key").Single();
        var toServer = new Pipe();
        var toClient = new Pipe();
        var clientStream = new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream());
        var serverStream = new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream());

        var server = WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        _ = Task.Run(async () =>
        {
            try
            {
                await serve(server);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // The client went away; nothing more to serve.
            }
        });

        var response = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols) { Content = new UpgradedContent(clientStream) };
        response.Headers.Connection.Add("Upgrade");
        response.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the handshake; it protects nothing here.
        response.Headers.Add("Sec-WebSocket-Accept", Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid))));
#pragma warning restore CA5350
        return response;
    }

    public static Task SendEndAsync(WebSocket socket) =>
        socket.SendAsync("""{"command":"end"}"""u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public static Task SendBinaryAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>Reads binary frames until a text <c>{"command":"end"}</c>; returns the data and every text frame seen.</summary>
    public static async Task<(string Data, List<string> Commands)> ReadUntilEndAsync(WebSocket socket)
    {
        var data = new MemoryStream();
        var commands = new List<string>();
        var buffer = new byte[4096];
        while (true)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            if (received.MessageType == WebSocketMessageType.Binary)
            {
                message.WriteTo(data);
                continue;
            }

            var text = Encoding.UTF8.GetString(message.ToArray());
            commands.Add(text);
            if (text.Contains("\"end\"", StringComparison.Ordinal))
            {
                break;
            }
        }

        return (Encoding.UTF8.GetString(data.ToArray()), commands);
    }

    /// <summary>Hands the duplex stream itself to ClientWebSocket (StreamContent would wrap it read-only).</summary>
    private sealed class UpgradedContent(Stream stream) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream target, TransportContext? context) => stream.CopyToAsync(target);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => stream;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(stream);
    }

    /// <summary>A stream that reads from one pipe and writes to another.</summary>
    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => read.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => write.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                read.Dispose();
                write.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
