// UnixHttpHandler: UnixHttpTransport behind the HttpMessageHandler seam, for the requests PebbleClient
// builds as HttpRequestMessages (those with a body: push, add-layer, replan, signals). It turns the
// request into a head and the transport's answer into an HttpResponseMessage; connections, framing and
// parsing are the transport's.
using System.Globalization;
using System.Net;

namespace MlObs.Ops.Pebble;

/// <summary>
/// An <see cref="HttpMessageHandler"/> over a <see cref="UnixHttpTransport"/>: HTTP/1.1 on a unix socket,
/// on the calling thread up to a slow answer. Upgrades (the exec websockets) are not for this handler.
/// </summary>
internal sealed class UnixHttpHandler : HttpMessageHandler
{
    private readonly UnixHttpTransport _transport;
    private readonly bool _ownsTransport;

    /// <summary>A handler with a transport of its own to <paramref name="socketPath"/>.</summary>
    public UnixHttpHandler(string socketPath)
        : this(new UnixHttpTransport(socketPath), ownsTransport: true)
    {
    }

    /// <summary>A handler over <paramref name="transport"/>, sharing its kept-alive connections.</summary>
    /// <param name="transport">The transport.</param>
    /// <param name="ownsTransport">Whether disposing the handler disposes the transport.</param>
    public UnixHttpHandler(UnixHttpTransport transport, bool ownsTransport)
    {
        _transport = transport;
        _ownsTransport = ownsTransport;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        var head = RequestHead(request, uri);
        var answer = await _transport.SendAsync(head, request.Content, request.Method == HttpMethod.Head, CanResend(request), cancellationToken)
            .ConfigureAwait(false);
        return ResponseMessage(answer, request);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsTransport)
        {
            _transport.Dispose();
        }

        base.Dispose(disposing);
    }

    private static bool CanResend(HttpRequestMessage request) =>
        (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head) && request.Content is null or ByteArrayContent;

    private static byte[] RequestHead(HttpRequestMessage request, Uri uri)
    {
        var head = UnixHttpTransport.RequestLine(request.Method.Method, uri.PathAndQuery, uri.Authority);
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                UnixHttpTransport.AppendHeader(head, name, values.ToString());
            }
        }

        if (request.Content is { } content)
        {
            foreach (var (name, values) in content.Headers.NonValidated)
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    UnixHttpTransport.AppendHeader(head, name, values.ToString());
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

        return UnixHttpTransport.EndHead(head);
    }

    // Headers go in unvalidated: the response headers where they belong there, the rest to the content.
    private static HttpResponseMessage ResponseMessage(HttpAnswer answer, HttpRequestMessage request)
    {
        var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode)
        {
            Version = answer.Http10 ? HttpVersion.Version10 : HttpVersion.Version11,
            ReasonPhrase = answer.ReasonPhrase,
            RequestMessage = request,
        };
        var content = new ByteArrayContent(answer.Body);
        foreach (var (name, value) in answer.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        response.Content = content;
        return response;
    }
}
