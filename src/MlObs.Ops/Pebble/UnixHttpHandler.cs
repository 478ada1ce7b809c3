// UnixHttpHandler: HTTP/1.1 to Pebble over its unix socket, on the calling thread. A hook makes a
// handful of requests one after another; SocketsHttpHandler would start the thread pool, the epoll
// thread and its connection pool for them, which was the largest single cost of a dispatch after the
// process start (charms/drift-monitor-k8s/README.md, "Dispatch speed").
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Pebble;

/// <summary>
/// Sends each request on a kept-alive connection to a unix socket (libc, blocking, cancellable between
/// 50 ms waits) and reads the whole answer: <c>Content-Length</c>, chunked, or up to the close. An answer
/// that comes within 20 ms is read on the calling thread, so the returned task is already complete; a
/// slower one is waited for on the thread pool. Upgrades (the exec websockets) are
/// not for this handler: <see cref="PebbleClient"/> keeps a <see cref="SocketsHttpHandler"/> for those.
/// </summary>
internal sealed class UnixHttpHandler(string socketPath) : HttpMessageHandler
{
    // Bodies up to this size go out in the same write as the head.
    private const int SmallBody = 64 * 1024;

    // Pebble answers most requests within a millisecond. An answer that takes longer than this (a
    // change or notice long poll, a busy daemon) is waited for on the thread pool instead, so that an
    // unawaited call does not hold its caller for the whole wait.
    private const int QuickAnswerMilliseconds = 20;

    private readonly Stack<Connection> _idle = new();
    private bool _disposed;

    private static readonly Lazy<bool> Supported = new(() =>
        PosixSpawnHookRunner.IsSupported && System.Runtime.InteropServices.NativeLibrary.TryLoad("libc.so.6", out _));

    /// <summary>Whether this platform has what the handler calls: glibc on Linux x64 or arm64.</summary>
    public static bool IsSupported => Supported.Value;

    // Up to a slow answer, everything below runs on the calling thread (the socket blocks).
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        var head = RequestHead(request, uri);

        // A kept-alive connection Pebble closed meanwhile fails before any answer arrives. A connection
        // found closed before the request is written is never used (TakeConnection polls it); one that
        // closes between that check and the answer may or may not have delivered the request, so only
        // a request that may be repeated (GET, HEAD: reads) is sent once more on a new connection, as
        // Go's and .NET's clients do. A POST (push, add-layer, replan, exec) fails instead: Pebble may
        // have acted on it, and running it twice is worse than a failed hook that Juju retries.
        var (connection, reused) = TakeConnection();
        try
        {
            connection.Stream.CancellationToken = cancellationToken;
            HttpResponseMessage? response;
            try
            {
                response = await connection.SendAsync(head, request, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (reused && !connection.AnswerStarted && CanResend(request))
            {
                connection.Dispose();
                connection = NewConnection();
                connection.Stream.CancellationToken = cancellationToken;
                response = await connection.SendAsync(head, request, cancellationToken).ConfigureAwait(false);
            }

            response.RequestMessage = request;
            if (connection.KeepAlive)
            {
                ReturnConnection(connection);
            }
            else
            {
                connection.Dispose();
            }

            return response;
        }
        catch (IOException e)
        {
            connection.Dispose();
            throw new HttpRequestException(e.Message, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_idle)
            {
                _disposed = true;
                while (_idle.TryPop(out var connection))
                {
                    connection.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private static bool CanResend(HttpRequestMessage request) =>
        (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head) && request.Content is null or ByteArrayContent;

    private static byte[] RequestHead(HttpRequestMessage request, Uri uri)
    {
        var head = new StringBuilder(256);
        head.Append(request.Method.Method).Append(' ').Append(uri.PathAndQuery).Append(" HTTP/1.1\r\nHost: ").Append(uri.Authority).Append("\r\n");
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                AppendHeader(head, name, values);
            }
        }

        if (request.Content is { } content)
        {
            foreach (var (name, values) in content.Headers.NonValidated)
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    AppendHeader(head, name, values);
                }
            }

            head.Append(content.Headers.ContentLength is { } length
                ? string.Create(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n")
                : "Transfer-Encoding: chunked\r\n");
        }
        else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put)
        {
            head.Append("Content-Length: 0\r\n");
        }

        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    private static void AppendHeader(StringBuilder head, string name, HeaderStringValues values)
    {
        var value = values.ToString();
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new HttpRequestException($"header {name} has a line break in its value");
        }

        head.Append(name).Append(": ").Append(value).Append("\r\n");
    }

    private (Connection Connection, bool Reused) TakeConnection()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out var idle))
            {
                // Input on an idle connection is Pebble's close (or garbage): it cannot carry this request.
                if (!idle.Stream.HasInputOrHangUp())
                {
                    return (idle, true);
                }

                idle.Dispose();
            }
        }

        return (NewConnection(), false);
    }

    private Connection NewConnection()
    {
        var (stream, reason) = UnixSocketStream.Connect(socketPath);
        return stream is null ? throw new HttpRequestException(reason, new IOException(reason)) : new Connection(stream);
    }

    private void ReturnConnection(Connection connection)
    {
        lock (_idle)
        {
            if (!_disposed)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    /// <summary>One connection: writes a request, reads its answer through a buffer.</summary>
    private sealed class Connection(UnixSocketStream stream) : IDisposable
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public UnixSocketStream Stream { get; } = stream;

        /// <summary>Whether a byte of the answer to the current request has arrived.</summary>
        public bool AnswerStarted { get; private set; }

        /// <summary>Whether the connection can carry another request.</summary>
        public bool KeepAlive { get; private set; }

        public void Dispose() => Stream.Dispose();

        public async Task<HttpResponseMessage> SendAsync(byte[] head, HttpRequestMessage request, CancellationToken cancellationToken)
        {
            AnswerStarted = false;
            KeepAlive = false;
            await WriteRequestAsync(head, request.Content, cancellationToken).ConfigureAwait(false);
            var isHead = request.Method == HttpMethod.Head;
            if (_start < _end || Stream.WaitForInput(QuickAnswerMilliseconds))
            {
                return ReadResponse(isHead, cancellationToken);
            }

            return await Task.Run(() => ReadResponse(isHead, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }

        // The content's serializer is asynchronous (HttpContent.CopyTo needs a synchronous one, which not
        // every content has); writing to a memory stream or to the socket, it finishes at once.
        private async Task WriteRequestAsync(byte[] head, HttpContent? content, CancellationToken cancellationToken)
        {
            if (content is null)
            {
                Stream.Write(head);
                return;
            }

            if (content.Headers.ContentLength is { } length and <= SmallBody)
            {
                using var whole = new MemoryStream(head.Length + (int)length);
                whole.Write(head);
                await content.CopyToAsync(whole, cancellationToken).ConfigureAwait(false);
                Stream.Write(whole.GetBuffer().AsSpan(0, (int)whole.Length));
                return;
            }

            Stream.Write(head);
            if (content.Headers.ContentLength is not null)
            {
                await content.CopyToAsync(Stream, cancellationToken).ConfigureAwait(false);
                return;
            }

            using var chunked = new ChunkedWriteStream(Stream);
            await content.CopyToAsync(chunked, cancellationToken).ConfigureAwait(false);
            chunked.WriteEnd();
        }

        private HttpResponseMessage ReadResponse(bool isHead, CancellationToken cancellationToken)
        {
            var statusLine = ReadLine();
            // "HTTP/1.1 200 OK": version, code, optional reason.
            var parts = statusLine.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 999)
            {
                throw new IOException($"malformed HTTP status line from Pebble: '{Printable(statusLine)}'");
            }

            var http10 = parts[0] == "HTTP/1.0";
            var response = new HttpResponseMessage((HttpStatusCode)code)
            {
                Version = http10 ? HttpVersion.Version10 : HttpVersion.Version11,
                ReasonPhrase = parts.Length > 2 ? parts[2] : string.Empty,
            };
            var contentHeaders = new List<(string Name, string Value)>();
            long? contentLength = null;
            var chunked = false;
            var close = http10;
            try
            {
                while (ReadLine() is { Length: > 0 } line)
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new IOException($"malformed HTTP header from Pebble: '{Printable(line)}'");
                    }

                    var name = line[..colon].Trim();
                    var value = line[(colon + 1)..].Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        contentLength = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                            ? n
                            : throw new IOException($"malformed Content-Length from Pebble: '{Printable(value)}'");
                    }
                    else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    {
                        chunked = value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
                    }
                    else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    {
                        close = value.Contains("close", StringComparison.OrdinalIgnoreCase)
                            || (http10 && !value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase));
                    }

                    if (!response.Headers.TryAddWithoutValidation(name, value))
                    {
                        contentHeaders.Add((name, value));
                    }
                }

                byte[] body;
                if (isHead || code is < 200 or 204 or 304)
                {
                    body = [];
                }
                else if (chunked)
                {
                    body = ReadChunked(cancellationToken);
                }
                else if (contentLength is { } length)
                {
                    body = ReadExactly(length);
                }
                else
                {
                    body = ReadToEnd();
                    close = true;
                }

                var content = new ByteArrayContent(body);
                foreach (var (name, value) in contentHeaders)
                {
                    content.Headers.TryAddWithoutValidation(name, value);
                }

                response.Content = content;
                KeepAlive = !close;
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        private byte[] ReadChunked(CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sizeLine = ReadLine();
                var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                var hex = (semicolon >= 0 ? sizeLine[..semicolon] : sizeLine).Trim();
                if (!long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                {
                    throw new IOException($"malformed chunk size from Pebble: '{Printable(sizeLine)}'");
                }

                if (size == 0)
                {
                    // Trailers, if any, up to the empty line.
                    while (ReadLine().Length > 0)
                    {
                    }

                    return body.ToArray();
                }

                body.Write(ReadExactly(size));
                if (ReadLine().Length != 0)
                {
                    throw new IOException("malformed chunk from Pebble: no line break after its data");
                }
            }
        }

        private byte[] ReadExactly(long length)
        {
            if (length > Array.MaxLength)
            {
                throw new IOException($"answer of {length} bytes from Pebble is too large");
            }

            var result = new byte[length];
            var filled = 0;
            while (filled < result.Length)
            {
                if (_start == _end && !Fill())
                {
                    throw new IOException($"Pebble closed the connection {filled} bytes into a body of {length}");
                }

                var take = Math.Min(_end - _start, result.Length - filled);
                _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(filled));
                _start += take;
                filled += take;
            }

            return result;
        }

        private byte[] ReadToEnd()
        {
            using var body = new MemoryStream();
            do
            {
                body.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
            while (Fill());

            return body.ToArray();
        }

        // A line of the head, without its CRLF (a bare LF is accepted, as Go's reader does).
        private string ReadLine()
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end && !Fill())
                {
                    throw new IOException(AnswerStarted ? "Pebble closed the connection in the middle of an answer" : "Pebble closed the connection without answering");
                }

                var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                var end = newline < 0 ? _end : _start + newline;
                line.Append(Encoding.Latin1.GetString(_buffer, _start, end - _start));
                if (line.Length > 64 * 1024)
                {
                    throw new IOException("a line of Pebble's answer is longer than 64 KiB");
                }

                if (newline >= 0)
                {
                    _start = end + 1;
                    if (line.Length > 0 && line[^1] == '\r')
                    {
                        line.Length--;
                    }

                    return line.ToString();
                }

                _start = _end;
            }
        }

        private bool Fill()
        {
            _start = 0;
            _end = Stream.Read(_buffer);
            if (_end > 0)
            {
                AnswerStarted = true;
            }

            return _end > 0;
        }

        private static string Printable(string text) => text.Length > 100 ? text[..100] + "…" : text;
    }

    /// <summary>Frames what is written as HTTP/1.1 chunks (a request body of unknown length).</summary>
    private sealed class ChunkedWriteStream(Stream inner) : HookTools.Rpc.ConnectionStream
    {
        public override int Read(Span<byte> buffer) => throw new NotSupportedException();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return;
            }

            inner.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{buffer.Length:x}\r\n")));
            inner.Write(buffer);
            inner.Write("\r\n"u8);
        }

        public void WriteEnd() => inner.Write("0\r\n\r\n"u8);
    }
}
