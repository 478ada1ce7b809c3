using MlObs.Drift.Profiles;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Models;

/// <summary>Fetches a configured reference (a local path or an http(s) URL) and fits it.</summary>
public static class ReferenceSource
{
    /// <summary>Reads <paramref name="source"/> (path or URL, at most <paramref name="maxBytes"/>) and fits its profile.</summary>
    /// <exception cref="PayloadException">The dataset is missing, too large, or cannot be read.</exception>
    public static async Task<ReferenceProfile> FitAsync(
        string source, ProfileOptions options, long maxBytes, HttpClient http, string scratchDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(http);
        string spool = Path.Combine(scratchDirectory, $".reference-{Guid.NewGuid():N}");
        try
        {
            string? contentType = null;
            if (Uri.TryCreate(source, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                using HttpResponseMessage response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new PayloadException(RejectionReasons.Malformed, $"GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                contentType = response.Content.Headers.ContentType?.ToString();
                await using Stream body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                await Spool.CopyLimitedAsync(body, spool, maxBytes, ct).ConfigureAwait(false);
            }
            else
            {
                string path = uri is { IsFile: true } ? uri.LocalPath : source;
                if (!File.Exists(path))
                    throw new PayloadException(RejectionReasons.Malformed, $"{path}: no such file.");
                if (new FileInfo(path).Length > maxBytes)
                    throw new PayloadException(RejectionReasons.TooLarge, $"{path} is larger than the reference limit of {maxBytes} bytes.", 413);
                File.Copy(path, spool);
            }
            PayloadFormat format = FormatOf(source, contentType);
            return ReferenceFitter.Fit(spool, format, options, ct);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>The format of a reference named <paramref name="source"/>: by extension, else by content type, else CSV.</summary>
    public static PayloadFormat FormatOf(string source, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(source);
        string name = source.Split('?', '#')[0];
        if (name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pq", StringComparison.OrdinalIgnoreCase))
            return PayloadFormat.Parquet;
        if (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
            return PayloadFormat.JsonLines;
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return PayloadFormat.Json;
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase))
            return PayloadFormat.Csv;
        PayloadFormat byType = PayloadFormats.Classify(contentType);
        return contentType is null || byType == PayloadFormat.Unsupported ? PayloadFormat.Csv : byType;
    }
}

/// <summary>Copies request and download bodies to files with a size limit.</summary>
public static class Spool
{
    /// <summary>Copies <paramref name="source"/> to a new file, refusing (413) beyond <paramref name="maxBytes"/>.</summary>
    public static async Task<long> CopyLimitedAsync(Stream source, string path, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        long total = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                    throw new PayloadException(RejectionReasons.TooLarge, $"The body is larger than the limit of {maxBytes} bytes.", 413);
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
