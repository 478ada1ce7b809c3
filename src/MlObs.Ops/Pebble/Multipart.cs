// Multipart: the multipart/form-data pieces of Pebble's files API — parsing a read response into
// parts, and the streaming body of a write request (request part first, then the file).
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace MlObs.Ops.Pebble;

/// <summary>One part of a multipart body: its form name, file name (if any) and content.</summary>
internal sealed record MultipartPart(string? Name, string? FileName, string? ContentType, ReadOnlyMemory<byte> Content);

internal static class Multipart
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>The boundary parameter of a multipart <c>Content-Type</c> value, unquoted, or <see langword="null"/>.</summary>
    public static string? Boundary(string? contentType) =>
        contentType is not null && Parameters(contentType).TryGetValue("boundary", out var boundary) ? boundary : null;

    /// <summary>Splits <paramref name="body"/> into parts (RFC 2046); throws <see cref="PebbleProtocolException"/> when it is not well formed.</summary>
    public static IReadOnlyList<MultipartPart> Parse(byte[] body, string boundary)
    {
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<MultipartPart>();
        var span = body.AsSpan();

        // The first delimiter may follow a preamble; every later one follows a CRLF.
        int position;
        if (span.StartsWith(delimiter))
        {
            position = 0;
        }
        else
        {
            var first = IndexOf(span, [.. CrLf, .. delimiter], 0);
            position = first >= 0 ? first + CrLf.Length : throw Malformed("no opening boundary");
        }

        while (true)
        {
            position += delimiter.Length;
            if (span[position..].StartsWith("--"u8))
            {
                return parts;
            }

            // Transport padding (spaces or tabs) may precede the CRLF after a boundary.
            while (position < span.Length && span[position] is (byte)' ' or (byte)'\t')
            {
                position++;
            }

            if (!span[position..].StartsWith(CrLf))
            {
                throw Malformed("boundary not followed by a line break");
            }

            position += CrLf.Length;
            var headerEnd = span[position..].StartsWith(CrLf) ? position : IndexOf(span, HeaderEnd, position);
            if (headerEnd < 0)
            {
                throw Malformed("part headers not terminated");
            }

            var headers = Encoding.UTF8.GetString(span[position..headerEnd]);
            var contentStart = headerEnd + (headerEnd == position ? CrLf.Length : HeaderEnd.Length);
            var next = IndexOf(span, [.. CrLf, .. delimiter], contentStart);
            if (next < 0)
            {
                throw Malformed("part not terminated by a boundary");
            }

            parts.Add(ReadPart(headers, body.AsMemory(contentStart, next - contentStart)));
            position = next + CrLf.Length;
        }
    }

    private static MultipartPart ReadPart(string headers, ReadOnlyMemory<byte> content)
    {
        string? name = null;
        string? fileName = null;
        string? contentType = null;
        foreach (var line in headers.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var header = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (header.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
            {
                var parameters = Parameters(value);
                parameters.TryGetValue("name", out name);
                parameters.TryGetValue("filename", out fileName);
            }
            else if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        return new MultipartPart(name, fileName, contentType, content);
    }

    // The parameters of "form-data; name="files"; filename="/a \"b\"""; quoted values may escape with '\'.
    private static Dictionary<string, string> Parameters(string value)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = value.IndexOf(';', StringComparison.Ordinal);
        while (i >= 0 && i < value.Length)
        {
            i++;
            while (i < value.Length && value[i] == ' ')
            {
                i++;
            }

            var eq = value.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = value[i..eq].Trim();
            var builder = new StringBuilder();
            i = eq + 1;
            if (i < value.Length && value[i] == '"')
            {
                for (i++; i < value.Length && value[i] != '"'; i++)
                {
                    if (value[i] == '\\' && i + 1 < value.Length)
                    {
                        i++;
                    }

                    builder.Append(value[i]);
                }

                i = value.IndexOf(';', Math.Min(i, value.Length));
            }
            else
            {
                var end = value.IndexOf(';', i);
                builder.Append(value[i..(end < 0 ? value.Length : end)].Trim());
                i = end;
            }

            result[key] = builder.ToString();
        }

        return result;
    }

    private static int IndexOf(ReadOnlySpan<byte> span, ReadOnlySpan<byte> value, int start)
    {
        var index = span[start..].IndexOf(value);
        return index < 0 ? -1 : start + index;
    }

    /// <summary>Quotes a file name as Go's multipart writer does (backslash and double quote escaped).</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static PebbleProtocolException Malformed(string detail) => new($"malformed multipart response from Pebble: {detail}");
}

/// <summary>
/// The body of a file write: a <c>request</c> JSON part, then one <c>files</c> part streamed from the
/// source. The length is known (no chunking) when the source can seek.
/// </summary>
internal sealed class PushContent : HttpContent
{
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;
    private readonly Stream _source;

    public PushContent(string boundary, byte[] requestJson, string path, Stream source)
    {
        _source = source;
        _prefix = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n"
            + Encoding.UTF8.GetString(requestJson)
            + $"\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=\"files\"; filename={Multipart.Quote(path)}\r\n\r\n");
        _suffix = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
        Headers.ContentType.Parameters.Add(new NameValueHeaderValue("boundary", $"\"{boundary}\""));
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_prefix, cancellationToken);
        await _source.CopyToAsync(stream, cancellationToken);
        await stream.WriteAsync(_suffix, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        if (_source.CanSeek)
        {
            length = _prefix.Length + (_source.Length - _source.Position) + _suffix.Length;
            return true;
        }

        length = 0;
        return false;
    }
}
