// Tests of /v1/files on the fake Pebble: listing, multipart reads, multipart writes with
// permissions and owners, make-dirs and remove, with Pebble's errors and kinds.
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace MlObs.Ops.Tests.FakePebble;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileTests
{
    private const string Boundary = "0123456789abcdef0123456789abcdef";

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static MultipartFormDataContent WriteRequest(JsonObject request, params (string Path, string Content)[] files)
    {
        var content = new MultipartFormDataContent(Boundary);
        var metadata = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        content.Add(metadata, "request");
        foreach (var (path, text) in files)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"files\"", FileName = $"\"{path}\"" };
            content.Add(part);
        }

        return content;
    }

    private static async Task<PebbleReply> PushAsync(Fake fake, JsonObject file, string content)
    {
        var request = new JsonObject { ["action"] = "write", ["files"] = new JsonArray(file) };
        return await fake.Http.SendAsync(HttpMethod.Post, "/v1/files", WriteRequest(request, (Str(file["path"]), content)));
    }

    [Fact]
    public async Task PostFiles_Write_CreatesFileUnderRootWithPermissions()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await PushAsync(fake, new JsonObject { ["path"] = "/etc/app/config.yaml", ["make-dirs"] = true, ["permissions"] = "600" }, "port: 8080\n");

        Assert.Equal(200, reply.Status);
        Assert.Equal("[{\"path\":\"/etc/app/config.yaml\"}]", reply.Result!.ToJsonString());
        var host = Path.Combine(fake.Server.Root, "etc/app/config.yaml");
        Assert.Equal("port: 8080\n", await File.ReadAllTextAsync(host));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(fake.Server.Root, "etc/app")));
    }

    [Fact]
    public async Task PostFiles_WriteWithoutMakeDirs_MissingParentNotFound()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await PushAsync(fake, new JsonObject { ["path"] = "/missing/file" }, "x");

        Assert.Equal(200, reply.Status);
        Assert.Equal("not-found", Str(reply.Result![0]!["error"]!["kind"]));
    }

    [Fact]
    public async Task PostFiles_WriteBadPermissions_PerFileError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await PushAsync(fake, new JsonObject { ["path"] = "/f", ["permissions"] = "0644" }, "x");

        Assert.Equal("{\"message\":\"permissions must be a 3-digit octal string, got \\u00220644\\u0022\",\"kind\":\"generic-file-error\"}", reply.Result![0]!["error"]!.ToJsonString());
    }

    [Fact]
    public async Task PostFiles_ListedPathWithoutPart_NoFileContent()
    {
        await using var fake = await Fake.StartAsync();
        var request = new JsonObject
        {
            ["action"] = "write",
            ["files"] = new JsonArray(new JsonObject { ["path"] = "/a" }, new JsonObject { ["path"] = "/b" }),
        };

        var reply = await fake.Http.SendAsync(HttpMethod.Post, "/v1/files", WriteRequest(request, ("/a", "A")));

        Assert.Null(reply.Result![0]!["error"]);
        Assert.Equal("no file content for path \"/b\"", Str(reply.Result![1]!["error"]!["message"]));
    }

    [Fact]
    public async Task PostFiles_WriteOwner_ListingReportsIt()
    {
        await using var fake = await Fake.StartAsync();
        Directory.CreateDirectory(Path.Combine(fake.Server.Root, "etc"));
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\napp:x:584792:584792::/home/app:/bin/sh\n");
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "etc/group"), "root:x:0:\napp:x:584792:\n");

        await PushAsync(fake, new JsonObject { ["path"] = "/data/x", ["make-dirs"] = true, ["user"] = "app" }, "x");
        var listing = await fake.Http.GetAsync("/v1/files?action=list&path=/data/x");

        var entry = listing.Result![0]!;
        Assert.Equal(584792, entry["user-id"]!.GetValue<int>());
        Assert.Equal("app", Str(entry["user"]));
        Assert.Equal(584792, entry["group-id"]!.GetValue<int>());
        Assert.Equal("app", Str(entry["group"]));
    }

    [Fact]
    public async Task PostFiles_WriteUnknownUser_PerFileError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await PushAsync(fake, new JsonObject { ["path"] = "/x", ["user"] = "nobody-here" }, "x");

        Assert.Equal("cannot look up user and group: user: unknown user nobody-here", Str(reply.Result![0]!["error"]!["message"]));
    }

    [Theory]
    [InlineData("text/plain", "invalid media type \"text/plain\"")]
    [InlineData("multipart/form-data; boundary=short", "invalid boundary \"short\"")]
    public async Task PostFiles_BadContentType_Returns400(string contentType, string message)
    {
        await using var fake = await Fake.StartAsync();
        var content = new StringContent("x");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var reply = await fake.Http.SendAsync(HttpMethod.Post, "/v1/files", content);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task PostFiles_MultipartWrongAction_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.SendAsync(HttpMethod.Post, "/v1/files", WriteRequest(new JsonObject { ["action"] = "read", ["files"] = new JsonArray() }));

        Assert.Equal("multipart action must be \"write\", got \"read\"", reply.Message);
    }

    [Fact]
    public async Task PostFiles_JsonWrite_MustUseMultipart()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/files", """{"action":"write"}""");

        Assert.Equal("must use multipart with \"write\" action", reply.Message);
    }

    [Fact]
    public async Task GetFiles_ListDirectory_EntriesWithPebbleFields()
    {
        await using var fake = await Fake.StartAsync();
        Directory.CreateDirectory(Path.Combine(fake.Server.Root, "srv/sub"));
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "srv/a.conf"), "12345");
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "srv/b.txt"), "");

        var reply = await fake.Http.GetAsync("/v1/files?action=list&path=/srv");

        var entries = reply.Result!.AsArray();
        Assert.Equal(["/srv/a.conf", "/srv/b.txt", "/srv/sub"], entries.Select(e => Str(e!["path"])));
        var file = entries[0]!.AsObject();
        Assert.Equal(["path", "name", "type", "size", "permissions", "last-modified", "user-id", "user", "group-id", "group"], file.Select(p => p.Key));
        Assert.Equal(5, file["size"]!.GetValue<long>());
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", Str(file["last-modified"]));
        Assert.Equal("directory", Str(entries[2]!["type"]));
        Assert.Null(entries[2]!["size"]);
        Assert.Equal("root", Str(file["user"]));
    }

    [Fact]
    public async Task GetFiles_ListPatternAndItself_Filter()
    {
        await using var fake = await Fake.StartAsync();
        Directory.CreateDirectory(Path.Combine(fake.Server.Root, "srv"));
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "srv/a.conf"), "");
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "srv/b.txt"), "");

        var pattern = await fake.Http.GetAsync("/v1/files?action=list&path=/srv&pattern=*.conf");
        var itself = await fake.Http.GetAsync("/v1/files?action=list&path=/srv&itself=true");

        Assert.Equal(["a.conf"], pattern.Result!.AsArray().Select(e => Str(e!["name"])));
        var entry = Assert.Single(itself.Result!.AsArray())!;
        Assert.Equal(("/srv", "srv", "directory"), (Str(entry["path"]), Str(entry["name"]), Str(entry["type"])));
    }

    [Theory]
    [InlineData("/v1/files?action=list&path=/nope", 404, "stat /nope: no such file or directory", "not-found")]
    [InlineData("/v1/files?action=list&path=relative", 400, "path must be absolute, got \"relative\"", null)]
    [InlineData("/v1/files?action=list", 400, "must specify path", null)]
    [InlineData("/v1/files?action=list&path=/&itself=yes", 400, "itself parameter must be \"true\" or \"false\"", null)]
    [InlineData("/v1/files?action=list&path=/&pattern=[", 400, "syntax error in pattern", "generic-file-error")]
    [InlineData("/v1/files?action=delete", 400, "invalid action \"delete\"", null)]
    [InlineData("/v1/files?action=read", 400, "must specify one or more paths", null)]
    public async Task GetFiles_BadRequest_PebbleErrors(string path, int status, string message, string? kind)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync(path);

        Assert.Equal(status, reply.Status);
        Assert.Equal(message, reply.Message);
        Assert.Equal(kind, reply.Kind);
    }

    [Fact]
    public async Task GetFiles_ListDotDot_StaysInsideRoot()
    {
        await using var fake = await Fake.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "inside"), "");

        var reply = await fake.Http.GetAsync("/v1/files?action=list&path=/../../..");

        Assert.Equal(["/inside"], reply.Result!.AsArray().Select(e => Str(e!["path"])));
    }

    [Fact]
    public async Task GetFiles_SymlinkOutOfRoot_PermissionDenied()
    {
        await using var fake = await Fake.StartAsync();
        File.CreateSymbolicLink(Path.Combine(fake.Server.Root, "escape"), "/etc");

        var reply = await fake.Http.GetAsync("/v1/files?action=list&path=/escape");

        Assert.Equal(403, reply.Status);
        Assert.Equal("permission-denied", reply.Kind);
    }

    [Fact]
    public async Task GetFiles_ReadWithoutAccept_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/files?action=read&path=/x");

        Assert.Equal(400, reply.Status);
        Assert.Equal("must accept multipart/form-data", reply.Message);
    }

    [Fact]
    public async Task GetFiles_Read_MultipartFilesThenResponse()
    {
        await using var fake = await Fake.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(fake.Server.Root, "a.txt"), "hello");
        Directory.CreateDirectory(Path.Combine(fake.Server.Root, "dir"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/files?action=read&path=/a.txt&path=/dir&path=/nope");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("multipart/form-data"));
        using var response = await fake.Http.RawAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("multipart/form-data", response.Content.Headers.ContentType!.MediaType);
        var boundary = response.Content.Headers.ContentType.Parameters.Single(p => p.Name == "boundary").Value!;
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var file = await reader.ReadNextSectionAsync();
        Assert.Equal("form-data; name=\"files\"; filename=\"/a.txt\"", file!.ContentDisposition);
        Assert.Equal("application/octet-stream", file.ContentType);
        Assert.Equal("hello", await new StreamReader(file.Body).ReadToEndAsync());
        var meta = await reader.ReadNextSectionAsync();
        Assert.Equal("form-data; name=\"response\"", meta!.ContentDisposition);
        var json = JsonNode.Parse(await new StreamReader(meta.Body).ReadToEndAsync())!;
        Assert.Equal("sync", Str(json["type"]));
        var results = json["result"]!.AsArray();
        Assert.Equal("{\"path\":\"/a.txt\"}", results[0]!.ToJsonString());
        Assert.Equal("can only read a regular file: \"/dir\"", Str(results[1]!["error"]!["message"]));
        Assert.Equal("not-found", Str(results[2]!["error"]!["kind"]));
        Assert.Null(await reader.ReadNextSectionAsync());
    }

    [Fact]
    public async Task PostFiles_MakeDirs_ParentsAndErrors()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/files", """
            {"action":"make-dirs","dirs":[
              {"path":"/a/b/c","make-parents":true,"permissions":"700"},
              {"path":"/x/y"},
              {"path":"/a"}
            ]}
            """);

        var results = reply.Result!.AsArray();
        Assert.Null(results[0]!["error"]);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(fake.Server.Root, "a/b/c")));
        Assert.Equal("not-found", Str(results[1]!["error"]!["kind"]));
        Assert.Equal("mkdir /a: file exists", Str(results[2]!["error"]!["message"]));
    }

    [Fact]
    public async Task PostFiles_Remove_RecursiveAndNot()
    {
        await using var fake = await Fake.StartAsync();
        Directory.CreateDirectory(Path.Combine(fake.Server.Root, "full/sub"));
        Directory.CreateDirectory(Path.Combine(fake.Server.Root, "other/sub"));

        var reply = await fake.Http.PostAsync("/v1/files", """
            {"action":"remove","paths":[
              {"path":"/full"},
              {"path":"/other","recursive":true},
              {"path":"/ghost"},
              {"path":"/ghost","recursive":true}
            ]}
            """);

        var results = reply.Result!.AsArray();
        Assert.Equal("{\"message\":\"remove /full: directory not empty\",\"kind\":\"generic-file-error\"}", results[0]!["error"]!.ToJsonString());
        Assert.Null(results[1]!["error"]);
        Assert.False(Directory.Exists(Path.Combine(fake.Server.Root, "other")));
        Assert.Equal("remove /ghost: no such file or directory", Str(results[2]!["error"]!["message"]));
        Assert.Null(results[3]!["error"]);
    }

    [Fact]
    public async Task PostFiles_RelativePath_PerPathError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/files", """{"action":"remove","paths":[{"path":"rel"}]}""");

        Assert.Equal("paths must be absolute, got \"rel\"", Str(reply.Result![0]!["error"]!["message"]));
    }
}
