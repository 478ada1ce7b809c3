// Tests of the action tools: action-get, action-set, action-log, action-fail.
using System.Text.Json;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsActionTests
{
    [Fact]
    public async Task ActionGetAsync_Object_ReturnsClonedObject()
    {
        var runner = new FakeHookCommandRunner().Respond("action-get", "{\"model\":\"iris\",\"window\":{\"size\":100}}\n");

        var parameters = await new HookCommands(runner).ActionGetAsync();

        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
        Assert.Equal("action-get", runner.SingleCall.Tool);
        Assert.Equal("iris", parameters.GetProperty("model").GetString());
        Assert.Equal(100, parameters.GetProperty("window").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task ActionGetAsync_Null_ReturnsEmptyObject()
    {
        var runner = new FakeHookCommandRunner().Respond("action-get", "null\n");

        var parameters = await new HookCommands(runner).ActionGetAsync();

        Assert.Equal(JsonValueKind.Object, parameters.ValueKind);
        Assert.Empty(parameters.EnumerateObject());
    }

    [Fact]
    public async Task ActionGetAsync_String_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("action-get", "\"x\"\n");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).ActionGetAsync());
    }

    [Fact]
    public async Task ActionSetAsync_Results_PassesKeyValuePairsInKeyOrder()
    {
        var runner = new FakeHookCommandRunner();
        var results = new Dictionary<string, string> { ["report.score"] = "0.25", ["drifted"] = "true", ["note"] = "a=b c" };

        await new HookCommands(runner).ActionSetAsync(results);

        Assert.Equal("action-set", runner.SingleCall.Tool);
        Assert.Equal(["drifted=true", "note=a=b c", "report.score=0.25"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task ActionSetAsync_Empty_DoesNotCallTool()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).ActionSetAsync(new Dictionary<string, string>());

        Assert.Empty(runner.Calls);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("a=b")]
    [InlineData("trailing-")]
    [InlineData("")]
    public async Task ActionSetAsync_InvalidKey_ThrowsArgumentExceptionWithoutCalling(string key)
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentException>(
            () => new HookCommands(runner).ActionSetAsync(new Dictionary<string, string> { [key] = "v" }));

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task ActionLogAsync_Always_PassesMessageAfterDoubleDash()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).ActionLogAsync("-50% done");

        Assert.Equal("action-log", runner.SingleCall.Tool);
        Assert.Equal(["--", "-50% done"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task ActionFailAsync_Always_PassesMessageAfterDoubleDash()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).ActionFailAsync("no reference dataset");

        Assert.Equal("action-fail", runner.SingleCall.Tool);
        Assert.Equal(["--", "no reference dataset"], runner.SingleCall.Arguments);
    }
}
