// Tests of storage-list, storage-get, storage-add and resource-get.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsStorageTests
{
    [Fact]
    public async Task StorageListAsync_WithName_PassesFormatThenName()
    {
        var runner = new FakeHookCommandRunner().Respond("storage-list", "[\"data/0\",\"data/1\"]\n");

        var ids = await new HookCommands(runner).StorageListAsync("data");

        Assert.Equal("storage-list", runner.SingleCall.Tool);
        Assert.Equal(["--format=json", "data"], runner.SingleCall.Arguments);
        Assert.Equal(["data/0", "data/1"], ids);
    }

    [Fact]
    public async Task StorageListAsync_WithoutName_PassesFormatOnly()
    {
        var runner = new FakeHookCommandRunner().Respond("storage-list", "[]\n");

        Assert.Empty(await new HookCommands(runner).StorageListAsync(null));
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StorageGetAsync_Always_PassesStorageIdAndParsesDetails()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "storage-get", "{\"kind\":\"filesystem\",\"location\":\"/var/lib/juju/storage/data/0\"}\n");

        var details = await new HookCommands(runner).StorageGetAsync("data/0");

        Assert.Equal("storage-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json", "-s", "data/0"], runner.SingleCall.Arguments);
        Assert.Equal(new StorageDetails("filesystem", "/var/lib/juju/storage/data/0"), details);
    }

    [Fact]
    public async Task StorageGetAsync_MissingLocation_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("storage-get", "{\"kind\":\"block\"}\n");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).StorageGetAsync("data/0"));
    }

    [Fact]
    public async Task StorageAddAsync_Always_PassesNameEqualsCount()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StorageAddAsync("data", 2);

        Assert.Equal("storage-add", runner.SingleCall.Tool);
        Assert.Equal(["data=2"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StorageAddAsync_ZeroCount_ThrowsWithoutCalling()
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => new HookCommands(runner).StorageAddAsync("data", 0));

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task ResourceGetAsync_Always_PassesNameAndTrimsOutput()
    {
        var runner = new FakeHookCommandRunner().Respond("resource-get", "/var/lib/juju/agents/unit-x-0/resources/model/model.bin\n");

        var path = await new HookCommands(runner).ResourceGetAsync("model");

        Assert.Equal("resource-get", runner.SingleCall.Tool);
        Assert.Equal(["model"], runner.SingleCall.Arguments);
        Assert.Equal("/var/lib/juju/agents/unit-x-0/resources/model/model.bin", path);
    }
}
