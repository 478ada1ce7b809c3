using MlObs.Ops.Testing.Pebble;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class SmokeTests
{
    [Fact]
    public async Task SystemInfo_Fresh_ReturnsBootIdAndVersion()
    {
        var (server, http) = await PebbleHttp.StartAsync();
        await using var _ = server;
        using var __ = http;

        var reply = await http.GetAsync("/v1/system-info");

        Assert.Equal(200, reply.Status);
        Assert.Equal($"{{\"type\":\"sync\",\"status-code\":200,\"status\":\"OK\",\"result\":{{\"boot-id\":\"{server.BootId}\",\"version\":\"1.32.1\"}}}}", reply.Body);
    }
}
