// Tests of the fake Pebble's envelope, routing, system-info, health, signals, warnings, request
// recording and socket lifetime, over its real unix socket.
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MlObs.Ops.Testing.Pebble;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class SystemTests
{
    private const string CheckLayer = """
        checks:
          live:
            override: replace
            level: alive
            tcp: {port: 8080}
          ready:
            override: replace
            level: ready
            http: {url: "http://localhost:8080/ready"}
        """;

    [Fact]
    public async Task SystemInfo_Fresh_ReturnsEnvelopeInPebbleFieldOrder()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/system-info");

        Assert.Equal(200, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal($"{{\"type\":\"sync\",\"status-code\":200,\"status\":\"OK\",\"result\":{{\"boot-id\":\"{fake.Server.BootId}\",\"version\":\"1.32.1\"}}}}", reply.Body);
    }

    [Fact]
    public async Task SystemInfo_TwoCalls_SameBootId()
    {
        await using var fake = await Fake.StartAsync();

        var first = await fake.Http.GetAsync("/v1/system-info");
        var second = await fake.Http.GetAsync("/v1/system-info");

        Assert.Equal(first.Result!["boot-id"]!.GetValue<string>(), second.Result!["boot-id"]!.GetValue<string>());
    }

    [Fact]
    public async Task SystemInfo_CustomVersion_ReportsIt()
    {
        await using var server = await FakePebbleServer.StartAsync(new FakePebbleServerOptions { Version = "1.10.2" });
        using var http = new PebbleHttp(server.SocketPath);

        var reply = await http.GetAsync("/v1/system-info");

        Assert.Equal("1.10.2", reply.Result!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task SystemInfo_BootIdGiven_ReportsIt()
    {
        await using var server = await FakePebbleServer.StartAsync(new FakePebbleServerOptions { BootId = "0c8f5e2a-boot" });
        using var http = new PebbleHttp(server.SocketPath);

        var reply = await http.GetAsync("/v1/system-info");

        Assert.Equal("0c8f5e2a-boot", reply.Result!["boot-id"]!.GetValue<string>());
        Assert.Equal("0c8f5e2a-boot", server.BootId);
    }

    [Fact]
    public async Task SystemInfo_NoBootIdGiven_EachServerHasAFreshOne()
    {
        await using var first = await FakePebbleServer.StartAsync();
        await using var second = await FakePebbleServer.StartAsync();

        Assert.True(Guid.TryParse(first.BootId, out _), first.BootId);
        Assert.NotEqual(first.BootId, second.BootId);
    }

    [Theory]
    [InlineData("/v1/nothing")]
    [InlineData("/v1/warnings")]
    [InlineData("/v2/plan")]
    [InlineData("/v1/plan/")]
    [InlineData("/")]
    public async Task Get_UnknownEndpoint_Returns404ErrorEnvelope(string path)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync(path);

        Assert.Equal(404, reply.Status);
        Assert.Equal("{\"type\":\"error\",\"status-code\":404,\"status\":\"Not Found\",\"result\":{\"message\":\"invalid API endpoint requested\"}}", reply.Body);
    }

    [Fact]
    public async Task Post_Warnings_Returns404LikePebble116()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/warnings", """{"action":"okay","timestamp":"2024-01-01T00:00:00Z"}""");

        Assert.Equal(404, reply.Status);
    }

    [Fact]
    public async Task Delete_KnownEndpoint_Returns405()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.SendAsync(HttpMethod.Delete, "/v1/services", null);

        Assert.Equal(405, reply.Status);
        Assert.Equal("method \"DELETE\" not allowed", reply.Message);
        Assert.Null(reply.Kind);
    }

    [Fact]
    public async Task Post_GetOnlyEndpoint_Returns405()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/plan", "{}");

        Assert.Equal(405, reply.Status);
    }

    [Fact]
    public async Task Post_BodyNotJson_Returns400DecodeError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", "not json");

        Assert.Equal(400, reply.Status);
        Assert.StartsWith("cannot decode request body: ", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WrongFieldType_Returns400DecodeError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/services", """{"action":"start","services":"web"}""");

        Assert.Equal(400, reply.Status);
        Assert.StartsWith("cannot decode data from request body: ", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_AfterCalls_RecordsMethodPathAndQuery()
    {
        await using var fake = await Fake.StartAsync();

        await fake.Http.GetAsync("/v1/plan?format=yaml");
        await fake.Http.PostAsync("/v1/signals", """{"signal":"SIGHUP","services":[]}""");

        Assert.Equal(["GET /v1/plan?format=yaml", "POST /v1/signals"], fake.Server.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task Health_NoChecks_Healthy()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/health");

        Assert.Equal(200, reply.Status);
        Assert.Equal("{\"type\":\"sync\",\"status-code\":200,\"status\":\"OK\",\"result\":{\"healthy\":true}}", reply.Body);
    }

    [Fact]
    public async Task Health_CheckDown_Returns502SyncEnvelope()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("checks", CheckLayer);
        fake.Server.SetCheckStatus("ready", "down");

        var reply = await fake.Http.GetAsync("/v1/health");

        Assert.Equal(502, reply.Status);
        Assert.Equal("{\"type\":\"sync\",\"status-code\":502,\"status\":\"Bad Gateway\",\"result\":{\"healthy\":false}}", reply.Body);
    }

    [Theory]
    [InlineData("ready", "alive", 200)]
    [InlineData("alive", "alive", 502)]
    [InlineData("alive", "ready", 502)]
    [InlineData("ready", "ready", 502)]
    public async Task Health_LevelFilter_ReadyImpliesAlive(string downCheck, string level, int expected)
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("checks", CheckLayer);
        fake.Server.SetCheckStatus(downCheck == "alive" ? "live" : "ready", "down");

        var reply = await fake.Http.GetAsync($"/v1/health?level={level}");

        Assert.Equal(expected, reply.Status);
    }

    [Fact]
    public async Task Health_NamesFilter_IgnoresOtherChecks()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("checks", CheckLayer);
        fake.Server.SetCheckStatus("ready", "down");

        var healthy = await fake.Http.GetAsync("/v1/health?names=live");
        var unhealthy = await fake.Http.GetAsync("/v1/health?names=live,ready");

        Assert.Equal(200, healthy.Status);
        Assert.Equal(502, unhealthy.Status);
    }

    [Fact]
    public async Task Health_BadLevel_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/health?level=dead");

        Assert.Equal(400, reply.Status);
        Assert.Equal("level must be \"alive\" or \"ready\"", reply.Message);
    }

    [Fact]
    public async Task Signals_RunningService_ReturnsTrue()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {web: {override: replace, command: /bin/web}}");
        await fake.Http.ServicesAsync("start", "web");

        var reply = await fake.Http.PostAsync("/v1/signals", """{"signal":"SIGHUP","services":["web"]}""");

        Assert.Equal(200, reply.Status);
        Assert.Equal("{\"type\":\"sync\",\"status-code\":200,\"status\":\"OK\",\"result\":true}", reply.Body);
    }

    [Fact]
    public async Task Signals_NoServices_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/signals", """{"signal":"SIGHUP"}""");

        Assert.Equal(400, reply.Status);
        Assert.Equal("must specify one or more services", reply.Message);
    }

    [Fact]
    public async Task Signals_UnknownService_Returns500()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/signals", """{"signal":"SIGHUP","services":["nope"]}""");

        Assert.Equal(500, reply.Status);
        Assert.Equal("cannot send signal to \"nope\": service is not running", reply.Message);
    }

    [Fact]
    public async Task Signals_BadSignalName_Returns500()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {web: {override: replace, command: /bin/web}}");
        await fake.Http.ServicesAsync("start", "web");

        var reply = await fake.Http.PostAsync("/v1/signals", """{"signal":"SIGNOPE","services":["web"]}""");

        Assert.Equal(500, reply.Status);
        Assert.Equal("cannot send signal to \"web\": invalid signal name \"SIGNOPE\"", reply.Message);
    }

    [Fact]
    public async Task DisconnectAsync_Listening_RemovesSocket()
    {
        await using var fake = await Fake.StartAsync();

        await fake.Server.DisconnectAsync();

        Assert.False(File.Exists(fake.Server.SocketPath));
        Assert.False(fake.Server.IsListening);
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => fake.Http.GetAsync("/v1/system-info"));
        Assert.IsType<SocketException>(error.InnerException);
    }

    [Fact]
    public async Task DisconnectAsync_DuringLongPoll_CutsTheCall()
    {
        await using var fake = await Fake.StartAsync();
        var poll = fake.Http.GetAsync("/v1/notices?timeout=20s");
        await Task.Delay(100);

        await fake.Server.DisconnectAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => poll);
    }

    [Fact]
    public async Task ReconnectAsync_AfterDisconnect_ServesSameState()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {web: {override: replace, command: /bin/web}}");
        await fake.Server.DisconnectAsync();

        await fake.Server.ReconnectAsync();
        var reply = await fake.Http.GetAsync("/v1/services");

        Assert.Equal(200, reply.Status);
        Assert.Equal("web", reply.Result![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task DisposeAsync_Started_DeletesRootAndSocket()
    {
        var server = await FakePebbleServer.StartAsync();
        var root = server.Root;
        await File.WriteAllTextAsync(Path.Combine(root, "x"), "y");

        await server.DisposeAsync();

        Assert.False(Directory.Exists(root));
        Assert.False(File.Exists(server.SocketPath));
    }

    [Fact]
    public async Task StartAsync_GivenSocketPath_ListensThere()
    {
        var dir = Directory.CreateTempSubdirectory("pebble-test-").FullName;
        try
        {
            var path = Path.Combine(dir, "pebble.socket");
            await using var server = await FakePebbleServer.StartAsync(new FakePebbleServerOptions { SocketPath = path });
            using var http = new PebbleHttp(path);

            var reply = await http.GetAsync("/v1/system-info");

            Assert.Equal(path, server.SocketPath);
            Assert.Equal(200, reply.Status);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ServicesItem_AnyMethod_NotImplemented()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/services/web");

        Assert.Equal(400, reply.Status);
        Assert.Equal("not implemented", reply.Message);
        _ = new JsonObject();
    }
}
