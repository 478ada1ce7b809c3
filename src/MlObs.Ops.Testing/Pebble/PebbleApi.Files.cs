// PebbleApi.Files: GET /v1/files (list, and read as a streamed multipart body) and POST /v1/files
// (multipart write, JSON make-dirs and remove), with Pebble's request errors and per-path results.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace MlObs.Ops.Testing.Pebble;

internal sealed partial class PebbleApi
{
    private const int MinBoundaryLength = 32;

    private async Task<PebbleResponse?> GetFilesAsync(HttpContext context, string[] segments)
    {
        var action = Query(context, "action");
        switch (action)
        {
            case "read":
                var paths = context.Request.Query["path"].Select(p => p ?? "").ToList();
                if (paths.Count == 0)
                {
                    return PebbleResponse.BadRequest("must specify one or more paths");
                }

                if (context.Request.Headers.Accept.ToString() != "multipart/form-data")
                {
                    return PebbleResponse.BadRequest("must accept multipart/form-data");
                }

                await ReadFilesAsync(context, paths);
                return null;
            case "list":
                var path = Query(context, "path");
                if (path.Length == 0)
                {
                    return PebbleResponse.BadRequest("must specify path");
                }

                var itself = Query(context, "itself");
                if (itself is not ("" or "true" or "false"))
                {
                    return PebbleResponse.BadRequest("itself parameter must be \"true\" or \"false\"");
                }

                if (!path.StartsWith('/'))
                {
                    return PebbleResponse.BadRequest($"path must be absolute, got {PebbleJson.Quote(path)}");
                }

                var result = _state.Files.List(path, Query(context, "pattern"), itself == "true", out var error);
                return error is null
                    ? PebbleResponse.Sync(result)
                    : PebbleResponse.Error(error.StatusCode, error.Message, error.Kind);
            default:
                return PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}");
        }
    }

    /// <summary>Streams each readable file as a <c>files</c> part, then the <c>response</c> part with per-path errors (HTTP 200 whatever happens).</summary>
    private async Task ReadFilesAsync(HttpContext context, List<string> paths)
    {
        var boundary = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(30));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = $"multipart/form-data; boundary={boundary}";
        var body = response.Body;
        var cancel = context.RequestAborted;
        var first = true;

        async Task PartAsync(string headers)
        {
            var start = (first ? "" : "\r\n") + $"--{boundary}\r\n{headers}\r\n\r\n";
            first = false;
            await body.WriteAsync(Encoding.UTF8.GetBytes(start), cancel);
        }

        var results = new JsonArray();
        foreach (var path in paths)
        {
            var entry = new JsonObject { ["path"] = path };
            await using (var file = _state.Files.OpenRead(path, out var error))
            {
                if (file is not null)
                {
                    var name = path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
                    await PartAsync($"Content-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream");
                    await file.CopyToAsync(body, cancel);
                }

                if (error is not null)
                {
                    entry["error"] = error.ToJson();
                }
            }

            results.Add(entry);
        }

        await PartAsync("Content-Disposition: form-data; name=\"response\"\r\nContent-Type: application/json");
        var metadata = PebbleResponse.Sync(results).ToJson();
        await body.WriteAsync(PebbleJson.Serialize(metadata), cancel);
        await body.WriteAsync(Encoding.UTF8.GetBytes($"\n\r\n--{boundary}--\r\n"), cancel);
    }

    private async Task<PebbleResponse?> PostFilesAsync(HttpContext context, string[] segments)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || mediaType.MediaType.Value is null)
        {
            return PebbleResponse.BadRequest($"invalid Content-Type {PebbleJson.Quote(contentType)}");
        }

        switch (mediaType.MediaType.Value.ToLowerInvariant())
        {
            case "multipart/form-data":
                var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value ?? "";
                if (boundary.Length < MinBoundaryLength)
                {
                    return PebbleResponse.BadRequest($"invalid boundary {PebbleJson.Quote(boundary)}");
                }

                return await WriteFilesAsync(context, boundary);
            case "application/json":
                JsonObject body;
                try
                {
                    body = await ReadJsonAsync(context);
                }
                catch (BodyException ex)
                {
                    return PebbleResponse.BadRequest($"cannot decode request body: {ex.Message}");
                }

                var action = Str(body, "action");
                return action switch
                {
                    "make-dirs" => MakeDirs(Objects(body, "dirs")),
                    "remove" => Remove(Objects(body, "paths")),
                    "write" => PebbleResponse.BadRequest("must use multipart with \"write\" action"),
                    _ => PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}"),
                };
            default:
                return PebbleResponse.BadRequest($"invalid media type {PebbleJson.Quote(mediaType.MediaType.Value)}");
        }
    }

    private async Task<PebbleResponse> WriteFilesAsync(HttpContext context, string boundary)
    {
        var reader = new MultipartReader(boundary, context.Request.Body);
        var cancel = context.RequestAborted;
        MultipartSection? section;
        try
        {
            section = await reader.ReadNextSectionAsync(cancel);
        }
        catch (IOException ex)
        {
            return PebbleResponse.BadRequest($"cannot read request metadata: {ex.Message}");
        }

        if (section is null)
        {
            return PebbleResponse.BadRequest("cannot read request metadata: EOF");
        }

        var (formName, _) = Disposition(section);
        if (formName != "request")
        {
            return PebbleResponse.BadRequest($"metadata field name must be \"request\", got {PebbleJson.Quote(formName)}");
        }

        List<WriteFileItem> items;
        string action;
        try
        {
            using var metadataReader = new StreamReader(section.Body, Encoding.UTF8);
            var payload = ParseObject(await metadataReader.ReadToEndAsync(cancel));
            action = Str(payload, "action");
            items = [.. Objects(payload, "files").Select(f => new WriteFileItem(
                Str(f, "path"), Bool(f, "make-dirs"), Str(f, "permissions"), Int(f, "user-id"), Str(f, "user"), Int(f, "group-id"), Str(f, "group")))];
        }
        catch (BodyException ex)
        {
            return PebbleResponse.BadRequest($"cannot decode request metadata: {ex.Message}");
        }

        if (action != "write")
        {
            return PebbleResponse.BadRequest($"multipart action must be \"write\", got {PebbleJson.Quote(action)}");
        }

        if (items.Count == 0)
        {
            return PebbleResponse.BadRequest("must specify one or more files");
        }

        var infos = new Dictionary<string, WriteFileItem>();
        foreach (var item in items)
        {
            infos[item.Path] = item;
        }

        var errors = new Dictionary<string, FileError?>();
        for (var i = 0; ; i++)
        {
            try
            {
                section = await reader.ReadNextSectionAsync(cancel);
            }
            catch (IOException ex)
            {
                return PebbleResponse.BadRequest($"cannot read file part {i}: {ex.Message}");
            }

            if (section is null)
            {
                break;
            }

            var (name, fileName) = Disposition(section);
            if (name != "files")
            {
                return PebbleResponse.BadRequest($"field name must be \"files\", got {PebbleJson.Quote(name)}");
            }

            if (!infos.TryGetValue(fileName, out var info))
            {
                return PebbleResponse.BadRequest($"no metadata for path {PebbleJson.Quote(fileName)}");
            }

            errors[fileName] = await _state.Files.WriteAsync(info, section.Body, cancel);
        }

        var results = new JsonArray();
        foreach (var item in items)
        {
            var entry = new JsonObject { ["path"] = item.Path };
            var error = errors.TryGetValue(item.Path, out var written)
                ? written
                : new FileError(FileError.Generic, $"no file content for path {PebbleJson.Quote(item.Path)}");
            if (error is not null)
            {
                entry["error"] = error.ToJson();
            }

            results.Add(entry);
        }

        return PebbleResponse.Sync(results);
    }

    private static (string Name, string FileName) Disposition(MultipartSection section)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
        {
            return ("", "");
        }

        return (HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "", HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "");
    }

    private PebbleResponse MakeDirs(List<JsonObject> dirs)
    {
        var results = new JsonArray();
        foreach (var dir in dirs)
        {
            var item = new MakeDirItem(
                Str(dir, "path"), Bool(dir, "make-parents"), Str(dir, "permissions"), Int(dir, "user-id"), Str(dir, "user"), Int(dir, "group-id"), Str(dir, "group"));
            results.Add(Result(item.Path, _state.Files.MakeDirs(item)));
        }

        return PebbleResponse.Sync(results);
    }

    private PebbleResponse Remove(List<JsonObject> paths)
    {
        var results = new JsonArray();
        foreach (var entry in paths)
        {
            var path = Str(entry, "path");
            results.Add(Result(path, _state.Files.Remove(path, Bool(entry, "recursive"))));
        }

        return PebbleResponse.Sync(results);
    }

    private static JsonObject Result(string path, FileError? error)
    {
        var result = new JsonObject { ["path"] = path };
        if (error is not null)
        {
            result["error"] = error.ToJson();
        }

        return result;
    }
}
