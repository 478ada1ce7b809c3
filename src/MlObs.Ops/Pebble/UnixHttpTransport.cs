// UnixHttpTransport: HTTP/1.1 to Pebble over its unix socket, on the calling thread. A hook makes a
// handful of requests one after another; SocketsHttpHandler would start the thread pool, the epoll
// thread and its connection pool for them, which was the largest single cost of a dispatch after the
// process start (charms/drift-monitor-k8s/README.md, "Dispatch speed"). Reads (GET) come here straight
// from PebbleClient, without System.Net.Http's message and header types; requests with a body come
// through UnixHttpHandler, which turns an HttpRequestMessage into a request head.
using System.Globalization;
using System.Text;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Pebble;

/// <summary>
/// Sends each request on a kept-alive connection to a unix socket (libc, blocking, cancellable between
/// 50 ms waits) and reads the whole answer: <c>Content-Length</c>, chunked, or up to the close. An answer
/// that comes within 20 ms is read on the calling thread, so the returned task is already complete; a
/// slower one is waited for on the thread pool. Upgrades (the exec websockets) are not for this
/// transport: <see cref="PebbleClient"/> keeps a <see cref="SocketsHttpHandler"/> for those.
/// </summary>
internal sealed class UnixHttpTransport(string socketPath) : IDisposable
{
    /// <summary>The <c>Host</c> of every request: Pebble's clients (ops, Go's) name <c>localhost</c>.</summary>
    public const string Host = "localhost";

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

    /// <summary>Whether this platform has what the transport calls: glibc on Linux x64 or arm64.</summary>
    public static bool IsSupported => Supported.Value;

    /// <summary>
    /// Sends <c>GET <paramref name="target"/></c> with no body, and <c>Accept: <paramref name="accept"/></c> when given.
    /// </summary>
    /// <param name="target">The path and query, already percent-encoded: <c>/v1/services?names=a</c>.</param>
    /// <param name="accept">The Accept header's value, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the connection and the answer.</param>
    /// <returns>The whole answer.</returns>
    /// <exception cref="HttpRequestException">The socket is missing or refuses, or the connection failed (the inner <see cref="IOException"/> says how).</exception>
    public Task<HttpAnswer> GetAsync(string target, string? accept, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (target[0] != '/' || target.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw new ArgumentException($"request target '{target}' must be an absolute path of printable ASCII without spaces", nameof(target));
        }

        var head = RequestLine("GET", target, Host);
        if (accept is not null)
        {
            AppendHeader(head, "Accept", accept);
        }

        return SendAsync(EndHead(head), content: null, isHead: false, canResend: true, cancellationToken);
    }

    /// <summary>Starts a request head: the request line and <c>Host</c>.</summary>
    public static StringBuilder RequestLine(string method, string target, string host) =>
        new StringBuilder(256).Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: ").Append(host).Append("\r\n");

    /// <summary>Adds a header line; a line break in the value would split the request, so it is refused.</summary>
    public static void AppendHeader(StringBuilder head, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new HttpRequestException($"header {name} has a line break in its value");
        }

        head.Append(name).Append(": ").Append(value).Append("\r\n");
    }

    /// <summary>Ends a request head with the empty line and encodes it.</summary>
    public static byte[] EndHead(StringBuilder head) => Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());

    /// <summary>
    /// Writes <paramref name="head"/> and <paramref name="content"/> on a kept-alive connection (or a new one) and reads the answer.
    /// </summary>
    /// <param name="head">The request head, up to and with its empty line.</param>
    /// <param name="content">The body, or <see langword="null"/>; the head says how it is framed.</param>
    /// <param name="isHead">Whether this is a HEAD request (its answer has no body).</param>
    /// <param name="canResend">Whether the request may be sent twice (GET, HEAD: reads).</param>
    /// <param name="cancellationToken">Cancels the wait for the connection and the answer.</param>
    /// <returns>The whole answer.</returns>
    /// <exception cref="HttpRequestException">The socket is missing or refuses, or the connection failed (the inner <see cref="IOException"/> says how).</exception>
    public async Task<HttpAnswer> SendAsync(byte[] head, HttpContent? content, bool isHead, bool canResend, CancellationToken cancellationToken)
    {
        // Up to a slow answer, everything below runs on the calling thread (the socket blocks).
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

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
            HttpAnswer answer;
            try
            {
                answer = await connection.SendAsync(head, content, isHead, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (reused && !connection.AnswerStarted && canResend)
            {
                connection.Dispose();
                connection = NewConnection();
                connection.Stream.CancellationToken = cancellationToken;
                answer = await connection.SendAsync(head, content, isHead, cancellationToken).ConfigureAwait(false);
            }

            if (connection.KeepAlive)
            {
                ReturnConnection(connection);
            }
            else
            {
                connection.Dispose();
            }

            return answer;
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

    /// <summary>Closes the idle connections; later requests throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
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

        public async Task<HttpAnswer> SendAsync(byte[] head, HttpContent? content, bool isHead, CancellationToken cancellationToken)
        {
            AnswerStarted = false;
            KeepAlive = false;
            await WriteRequestAsync(head, content, cancellationToken).ConfigureAwait(false);
            if (_start < _end || Stream.WaitForInput(QuickAnswerMilliseconds))
            {
                return ReadAnswer(isHead, cancellationToken);
            }

            return await Task.Run(() => ReadAnswer(isHead, cancellationToken), CancellationToken.None).ConfigureAwait(false);
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

        private HttpAnswer ReadAnswer(bool isHead, CancellationToken cancellationToken)
        {
            var statusLine = ReadLine();
            // "HTTP/1.1 200 OK": version, code, optional reason.
            var parts = statusLine.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 999
                || statusLine.Contains('\r', StringComparison.Ordinal))
            {
                throw new IOException($"malformed HTTP status line from Pebble: '{Printable(statusLine)}'");
            }

            var http10 = parts[0] == "HTTP/1.0";
            var headers = new List<KeyValuePair<string, string>>();
            string? contentType = null;
            var contentTypes = 0;
            long? contentLength = null;
            var chunked = false;
            var close = http10;
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
                else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = value;
                    contentTypes++;
                }

                headers.Add(new(name, value));
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

            KeepAlive = !close;
            return new HttpAnswer(code, parts.Length > 2 ? parts[2] : string.Empty, body)
            {
                Http10 = http10,
                Headers = headers,
                // Content-Type holds one value; two make it invalid, as HttpContentHeaders.ContentType has it.
                ContentType = contentTypes == 1 ? contentType : null,
            };
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
