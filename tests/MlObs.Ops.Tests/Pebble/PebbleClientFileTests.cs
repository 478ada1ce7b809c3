// PebbleClientFileTests: the files API — listing, the multipart pull and push encodings, per-path
// errors, directories and removal.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MlObs.Ops.Pebble;
using static MlObs.Ops.Tests.Pebble.PebbleClientTests;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleClientFileTests
{
    private const string Boundary = "1d3f9c2a7b6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e";

    private static HttpResponseMessage MultipartRead(string? path, byte[]? content, string resultJson)
    {
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        Write("preamble is ignored\r\n");
        if (path is not null)
        {
            Write($"--{Boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{path}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.Write(content);
            Write("\r\n");
        }

        Write($"--{Boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name=\"response\"\r\n\r\n");
        Write(Envelopes.Sync(resultJson) + "\n\r\n");
        Write($"--{Boundary}--\r\n");
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body.ToArray()) };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return response;
    }

    [Fact]
    public async Task PullAsync_MultipartAnswer_ReturnsTheFileBytes()
    {
        byte[] content = [.. "line one\r\n--not a boundary\r\n"u8, 0, 255, .. "\r\n"u8];
        var handler = new ScriptedPebbleHandler()
            .On("GET", "/v1/files", _ => MultipartRead("/etc/app.conf", content, """[{"path":"/etc/app.conf"}]"""));
        using var client = Client(handler);

        var pulled = await client.PullAsync("/etc/app.conf");

        Assert.Equal(content, pulled);
        var request = handler.Single("GET", "/v1/files");
        Assert.Equal("read", request.QueryParams["action"]);
        Assert.Equal("/etc/app.conf", request.QueryParams["path"]);
        Assert.Equal(["multipart/form-data"], request.Headers.GetValues("Accept"));
    }

    [Fact]
    public async Task PullTextAsync_Utf8File_DecodesIt()
    {
        var handler = new ScriptedPebbleHandler()
            .On("GET", "/v1/files", _ => MultipartRead("/etc/motd", "héllo"u8.ToArray(), """[{"path":"/etc/motd"}]"""));
        using var client = Client(handler);

        Assert.Equal("héllo", await client.PullTextAsync("/etc/motd"));
    }

    [Theory]
    [InlineData("not-found", "stat /etc/missing: no such file or directory")]
    [InlineData("permission-denied", "open /etc/shadow: permission denied")]
    [InlineData("generic-file-error", "can only read a regular file: \"/etc\"")]
    public async Task PullAsync_PerFileError_ThrowsPathExceptionWithKind(string kind, string message)
    {
        var handler = new ScriptedPebbleHandler()
            .On("GET", "/v1/files", _ => MultipartRead(null, null, $$$"""[{"path":"/etc/x","error":{"message":{{{System.Text.Json.JsonSerializer.Serialize(message, ScratchJson.Default.String)}}},"kind":"{{{kind}}}"}}]"""));
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebblePathException>(() => client.PullAsync("/etc/x"));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal("/etc/x", ex.Path);
        Assert.Equal($"{kind} - {message}", ex.Message);
    }

    [Fact]
    public async Task PullAsync_ErrorEnvelope_ThrowsApiException()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/files", Envelopes.Error(400, "Bad Request", "must accept multipart/form-data"), HttpStatusCode.BadRequest);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.PullAsync("/etc/x"));

        Assert.Equal("must accept multipart/form-data", ex.Message);
    }

    [Fact]
    public async Task PullAsync_NoResponsePart_ThrowsProtocolException()
    {
        var handler = new ScriptedPebbleHandler().On("GET", "/v1/files", _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"--{Boundary}--\r\n") };
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
            return response;
        });
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleProtocolException>(() => client.PullAsync("/etc/x"));

        Assert.Equal("no \"response\" field in multipart body", ex.Message);
    }

    [Fact]
    public async Task PushAsync_Text_SendsRequestPartThenFilePart()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/files", Envelopes.Sync("""[{"path":"/etc/app \"x\".conf"}]"""));
        using var client = Client(handler);

        await client.PushAsync("/etc/app \"x\".conf", "port: 8080\n", new PushOptions { MakeDirs = true, Permissions = "600", UserId = 1000, Group = "app" });

        var request = handler.Single("POST", "/v1/files");
        Assert.Equal("multipart/form-data", request.ContentType!.MediaType);
        var boundary = request.ContentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        Assert.True(boundary.Length >= 32);
        Assert.Equal(
            $"--{boundary}\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Disposition: form-data; name=\"request\"\r\n\r\n"
            + """{"action":"write","files":[{"path":"/etc/app \u0022x\u0022.conf","make-dirs":true,"permissions":"600","user-id":1000,"group":"app"}]}"""
            + $"\r\n--{boundary}\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "Content-Disposition: form-data; name=\"files\"; filename=\"/etc/app \\\"x\\\".conf\"\r\n\r\n"
            + "port: 8080\n"
            + $"\r\n--{boundary}--\r\n",
            request.BodyText);
    }

    [Fact]
    public async Task PushAsync_NonSeekableStream_StreamsTheContent()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/files", Envelopes.Sync("""[{"path":"/data/blob"}]"""));
        using var client = Client(handler);
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();

        await client.PushAsync("/data/blob", new NonSeekableStream(bytes));

        var body = handler.Single("POST", "/v1/files").Body;
        Assert.Equal(-1, body.AsSpan().IndexOf("make-dirs"u8));
        Assert.True(body.AsSpan().IndexOf(bytes) > 0);
    }

    [Fact]
    public async Task PushAsync_PerFileError_ThrowsPathException()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/files", Envelopes.Sync("""
            [{"path":"/nope/app.conf","error":{"message":"open /nope/app.conf: no such file or directory","kind":"not-found"}}]
            """));
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebblePathException>(() => client.PushAsync("/nope/app.conf", [1, 2, 3]));

        Assert.Equal("not-found", ex.Kind);
    }

    [Theory]
    [InlineData("0644")]
    [InlineData("64")]
    [InlineData("648")]
    [InlineData("rw-")]
    public async Task PushAsync_PermissionsNotThreeOctalDigits_ThrowsBeforeSending(string permissions)
    {
        var handler = new ScriptedPebbleHandler();
        using var client = Client(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => client.PushAsync("/a", "x", new PushOptions { Permissions = permissions }));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ListFilesAsync_PatternAndItself_SendsQueryAndParses()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/files", Envelopes.Sync("""
            [{"path":"/etc/app.conf","name":"app.conf","type":"file","size":12,"permissions":"644","last-modified":"2025-01-02T03:04:05+02:00",
              "user-id":0,"user":"root","group-id":0,"group":"root"},
             {"path":"/etc/conf.d","name":"conf.d","type":"directory","permissions":"755","last-modified":"2025-01-02T03:04:05Z",
              "user-id":null,"user":"","group-id":null,"group":""}]
            """));
        using var client = Client(handler);

        var files = await client.ListFilesAsync("/etc", "*.conf", itself: true);

        Assert.Equal(
            new PebbleFileInfo("/etc/app.conf", "app.conf", PebbleFileType.File, 12, 0x1A4, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), 0, "root", 0, "root"),
            files[0]);
        Assert.Equal(PebbleFileType.Directory, files[1].Type);
        Assert.Null(files[1].Size);
        Assert.Null(files[1].UserId);
        var query = handler.Single("GET", "/v1/files").QueryParams;
        Assert.Equal("list", query["action"]);
        Assert.Equal("/etc", query["path"]);
        Assert.Equal("*.conf", query["pattern"]);
        Assert.Equal("true", query["itself"]);
    }

    [Fact]
    public async Task ListFilesAsync_NotFoundError_ThrowsPathException()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/files", Envelopes.Error(404, "Not Found", "stat /nope: no such file or directory", "not-found"), HttpStatusCode.NotFound);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebblePathException>(() => client.ListFilesAsync("/nope"));

        Assert.Equal("not-found", ex.Kind);
        Assert.IsType<PebbleApiException>(ex.InnerException);
    }

    [Fact]
    public async Task ExistsAsync_NotFound_IsFalse()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/files", Envelopes.Error(404, "Not Found", "stat /nope: no such file or directory", "not-found"), HttpStatusCode.NotFound);
        using var client = Client(handler);

        Assert.False(await client.ExistsAsync("/nope"));
        Assert.Equal("true", handler.Requests[0].QueryParams["itself"]);
    }

    [Fact]
    public async Task IsDirAsync_Directory_IsTrue()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/files", Envelopes.Sync("""
            [{"path":"/etc","name":"etc","type":"directory","permissions":"755","last-modified":"2025-01-02T03:04:05Z"}]
            """));
        using var client = Client(handler);

        Assert.True(await client.IsDirAsync("/etc"));
        Assert.True(await client.ExistsAsync("/etc"));
    }

    [Fact]
    public async Task MakeDirAsync_Options_PostsMakeDirs()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/files", Envelopes.Sync("""[{"path":"/var/lib/app"}]"""));
        using var client = Client(handler);

        await client.MakeDirAsync("/var/lib/app", new MakeDirOptions { MakeParents = true, Permissions = "750", User = "app" });

        Assert.Equal(
            """{"action":"make-dirs","dirs":[{"path":"/var/lib/app","make-parents":true,"permissions":"750","user":"app"}]}""",
            handler.Single("POST", "/v1/files").BodyText);
    }

    [Fact]
    public async Task RemovePathAsync_Recursive_PostsRemove()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/files", Envelopes.Sync("""[{"path":"/tmp/x"}]"""));
        using var client = Client(handler);

        await client.RemovePathAsync("/tmp/x", recursive: true);

        Assert.Equal("""{"action":"remove","paths":[{"path":"/tmp/x","recursive":true}]}""", handler.Single("POST", "/v1/files").BodyText);
    }

    [Fact]
    public async Task RemovePathAsync_PathMissingFromResult_ThrowsProtocolException()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/files", Envelopes.Sync("[]"));
        using var client = Client(handler);

        await Assert.ThrowsAsync<PebbleProtocolException>(() => client.RemovePathAsync("/tmp/x"));
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
