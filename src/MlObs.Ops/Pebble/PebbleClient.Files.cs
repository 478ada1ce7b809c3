// PebbleClient: files in the workload container — list, pull, push, make directories, remove,
// and the exists/is-directory helpers.
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    private static readonly string[] FileErrorKinds = ["not-found", "permission-denied", "generic-file-error"];

    /// <summary>Lists a directory, or describes a file (<c>GET /v1/files?action=list</c>).</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="pattern">Only names matching this glob, e.g. <c>*.yaml</c>.</param>
    /// <param name="itself">Describe the directory itself rather than its entries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="PebblePathException">The path does not exist (<c>not-found</c>), cannot be read (<c>permission-denied</c>), or another file error.</exception>
    public async Task<IReadOnlyList<PebbleFileInfo>> ListFilesAsync(string path, string? pattern = null, bool itself = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var query = new Query()
            .Add("action", "list")
            .Add("path", path)
            .Add("pattern", string.IsNullOrEmpty(pattern) ? null : pattern)
            .Add("itself", itself ? "true" : null);
        try
        {
            var envelope = await GetAsync("/v1/files", query, cancellationToken);
            return PebbleResults.List(envelope.Result, "file list", PebbleResults.File);
        }
        catch (PebbleApiException ex) when (ex.Kind is { } kind && FileErrorKinds.Contains(kind))
        {
            throw new PebblePathException(kind, ex.Message, path, ex);
        }
    }

    /// <summary>Whether <paramref name="path"/> exists in the container.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it exists (any file type).</returns>
    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            await ListFilesAsync(path, itself: true, cancellationToken: cancellationToken);
            return true;
        }
        catch (PebblePathException ex) when (ex.Kind == "not-found")
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="path"/> is a directory in the container.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it exists and is a directory.</returns>
    public async Task<bool> IsDirAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            var entries = await ListFilesAsync(path, itself: true, cancellationToken: cancellationToken);
            return entries.Count > 0 && entries[0].Type == PebbleFileType.Directory;
        }
        catch (PebblePathException ex) when (ex.Kind == "not-found")
        {
            return false;
        }
    }

    /// <summary>Reads a file (<c>GET /v1/files?action=read</c>, a multipart answer).</summary>
    /// <param name="path">An absolute path of a regular file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="PebblePathException">The file does not exist, cannot be read, or is not a regular file.</exception>
    public async Task<byte[]> PullAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Pebble refuses the read unless Accept is exactly multipart/form-data.
        var query = new Query().Add("action", "read").Add("path", path);
        var parts = await ReadAsync("/v1/files", query, "multipart/form-data", answer =>
        {
            var mediaType = answer.MediaType;
            if (!string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                // An error envelope (e.g. 400 "must accept multipart/form-data") throws here.
                ParseEnvelope(answer);
                throw new PebbleProtocolException($"expected Content-Type 'multipart/form-data', got '{mediaType}'");
            }

            var boundary = Multipart.Boundary(answer.ContentType);
            return string.IsNullOrEmpty(boundary)
                ? throw new PebbleProtocolException($"invalid boundary '{boundary}'")
                : Multipart.Parse(answer.Body, boundary);
        }, cancellationToken);

        var metadata = parts.FirstOrDefault(p => p.Name == "response")
            ?? throw new PebbleProtocolException("no \"response\" field in multipart body");
        JsonElement result;
        try
        {
            using var document = JsonDocument.Parse(metadata.Content);
            result = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PebbleProtocolException($"invalid JSON in the multipart response: {ex.Message}", ex);
        }

        ThrowOnPathError(PebbleResults.Property(PebbleResults.Object(result, "multipart response"), "result"), path);
        var files = parts.Where(p => p.Name == "files").ToArray();
        return files.Length switch
        {
            0 => throw new PebbleProtocolException("no file content in multipart response"),
            > 1 => throw new PebbleProtocolException("single file request resulted in a multi-file response"),
            _ when files[0].FileName != path => throw new PebbleProtocolException($"path not expected: '{files[0].FileName}'"),
            _ => files[0].Content.ToArray(),
        };
    }

    /// <summary>Reads a text file as UTF-8.</summary>
    /// <param name="path">An absolute path of a regular file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file's text.</returns>
    /// <exception cref="PebblePathException">The file does not exist, cannot be read, or is not a regular file.</exception>
    public async Task<string> PullTextAsync(string path, CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await PullAsync(path, cancellationToken));

    /// <summary>Writes a file from a stream (<c>POST /v1/files</c>, multipart); the write is atomic.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="source">The content, read from its current position to the end.</param>
    /// <param name="options">Mode, ownership and whether to create parent directories.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="PebblePathException">The file could not be written, e.g. the directory does not exist and <see cref="PushOptions.MakeDirs"/> is not set.</exception>
    public async Task PushAsync(string path, Stream source, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new PushOptions();
        var item = new FileItem(path, options.MakeDirs ? true : null, null, Permissions(options.Permissions), options.UserId, options.User, options.GroupId, options.Group);
        var metadata = JsonSerializer.SerializeToUtf8Bytes(new WriteFilesRequest("write", [item]), PebbleJsonContext.Default.WriteFilesRequest);

        using var request = NewRequest(HttpMethod.Post, "/v1/files");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // A boundary only has to be unlikely in the content; Guid's random bits come from the kernel, while
        // RandomNumberGenerator would load OpenSSL into the charm process for this alone.
        request.Content = new PushContent(Guid.NewGuid().ToString("N"), metadata, path, source);
        var envelope = await SendAsync(request, ParseEnvelope, cancellationToken);
        ThrowOnPathError(envelope.Result, path);
    }

    /// <summary>Writes a file with <paramref name="content"/> encoded as UTF-8.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="content">The text.</param>
    /// <param name="options">Mode, ownership and whether to create parent directories.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="PebblePathException">The file could not be written.</exception>
    public Task PushAsync(string path, string content, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return PushAsync(path, Encoding.UTF8.GetBytes(content), options, cancellationToken);
    }

    /// <summary>Writes a file with <paramref name="content"/>.</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="options">Mode, ownership and whether to create parent directories.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="PebblePathException">The file could not be written.</exception>
    public async Task PushAsync(string path, byte[] content, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        await PushAsync(path, stream, options, cancellationToken);
    }

    /// <summary>Creates a directory (<c>POST /v1/files</c> with <c>make-dirs</c>).</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="options">Mode, ownership and whether to create parents.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the directory exists.</returns>
    /// <exception cref="PebblePathException">The directory could not be created, e.g. it exists and <see cref="MakeDirOptions.MakeParents"/> is not set.</exception>
    public async Task MakeDirAsync(string path, MakeDirOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new MakeDirOptions();
        var item = new FileItem(path, null, options.MakeParents ? true : null, Permissions(options.Permissions), options.UserId, options.User, options.GroupId, options.Group);
        var envelope = await PostAsync("/v1/files", new MakeDirsRequest("make-dirs", [item]), PebbleJsonContext.Default.MakeDirsRequest, cancellationToken);
        ThrowOnPathError(envelope.Result, path);
    }

    /// <summary>Removes a file or directory (<c>POST /v1/files</c> with <c>remove</c>).</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="recursive">Remove a directory and everything in it, and succeed when the path does not exist (like <c>rm -rf</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the path is gone.</returns>
    /// <exception cref="PebblePathException">The path could not be removed (without <paramref name="recursive"/>: missing, or a non-empty directory).</exception>
    public async Task RemovePathAsync(string path, bool recursive = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var body = new RemovePathsRequest("remove", [new RemovePathItem(path, recursive ? true : null)]);
        var envelope = await PostAsync("/v1/files", body, PebbleJsonContext.Default.RemovePathsRequest, cancellationToken);
        ThrowOnPathError(envelope.Result, path);
    }

    private static string? Permissions(string? permissions) =>
        permissions is null || OctalPermissions().IsMatch(permissions)
            ? permissions
            : throw new ArgumentException($"permissions must be three octal digits such as \"644\", not \"{permissions}\"", nameof(permissions));

    /// <summary>Finds <paramref name="path"/> in a per-path result list and throws its error, as ops' <c>_raise_on_path_error</c>.</summary>
    private static void ThrowOnPathError(JsonElement? result, string path)
    {
        var items = PebbleResults.List(result, "file results", item => PebbleResults.Object(item, "file result"));
        var match = items.FirstOrDefault(item => PebbleResults.OptStr(item, "path") == path);
        if (match.ValueKind == JsonValueKind.Undefined)
        {
            throw new PebbleProtocolException($"path not found in response metadata: '{path}'");
        }

        if (PebbleResults.Property(match, "error") is { ValueKind: JsonValueKind.Object } error)
        {
            throw new PebblePathException(
                PebbleResults.OptStr(error, "kind") ?? "generic-file-error",
                PebbleResults.OptStr(error, "message") ?? "unknown error",
                path);
        }
    }

    [GeneratedRegex("^[0-7]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalPermissions();
}
