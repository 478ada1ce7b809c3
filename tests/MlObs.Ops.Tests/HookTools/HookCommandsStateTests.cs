// Tests of state-get/-set/-delete, goal-state and credential-get.
using System.Text.Json;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsStateTests
{
    [Fact]
    public async Task StateGetAllAsync_Null_ReturnsEmpty()
    {
        var runner = new FakeHookCommandRunner().Respond("state-get", "null\n");

        var state = await new HookCommands(runner).StateGetAllAsync();

        Assert.Empty(state);
        Assert.Equal("state-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StateGetAllAsync_EmptyStdout_ReturnsEmpty()
    {
        var runner = new FakeHookCommandRunner().Respond("state-get", "");

        Assert.Empty(await new HookCommands(runner).StateGetAllAsync());
    }

    [Fact]
    public async Task StateGetAllAsync_Values_ReturnsThem()
    {
        var runner = new FakeHookCommandRunner().Respond("state-get", "{\"MyCharm/StoredState[_stored]\":\"{\\\"n\\\": 1}\"}\n");

        var state = await new HookCommands(runner).StateGetAllAsync();

        Assert.Equal("{\"n\": 1}", state["MyCharm/StoredState[_stored]"]);
    }

    [Fact]
    public async Task StateSetAsync_Values_SendsJsonObjectOnStdin()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StateSetAsync(new Dictionary<string, string> { ["b"] = "2", ["a"] = "x\ty" });

        Assert.Equal("state-set", runner.SingleCall.Tool);
        Assert.Equal(["--file", "-"], runner.SingleCall.Arguments);
        Assert.Equal("{\"a\": \"x\\ty\", \"b\": \"2\"}", runner.SingleCall.Stdin);
    }

    [Fact]
    public async Task StateSetAsync_Empty_DoesNotCallTool()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StateSetAsync(new Dictionary<string, string>());

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task StateSetAsync_KeyOver256Bytes_ThrowsArgumentExceptionNamingKey()
    {
        var runner = new FakeHookCommandRunner();
        var key = new string('\u00e9', 129); // 258 bytes of UTF-8, 129 chars

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => new HookCommands(runner).StateSetAsync(new Dictionary<string, string> { [key] = "v" }));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task StateSetAsync_KeyOf256Bytes_IsAccepted()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StateSetAsync(new Dictionary<string, string> { [new string('k', 256)] = "v" });

        Assert.Single(runner.Calls);
    }

    [Fact]
    public async Task StateSetAsync_ValueOver65536Bytes_ThrowsArgumentExceptionNamingKey()
    {
        var runner = new FakeHookCommandRunner();

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => new HookCommands(runner).StateSetAsync(new Dictionary<string, string> { ["big"] = new string('v', 65537) }));

        Assert.Contains("\"big\"", ex.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task StateDeleteAsync_Always_PassesKey()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StateDeleteAsync("deferred-1");

        Assert.Equal("state-delete", runner.SingleCall.Tool);
        Assert.Equal(["deferred-1"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task GoalStateAsync_UnitsAndRelations_ParsesStatusesAndTimes()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "goal-state",
            "{\"units\":{\"app/0\":{\"status\":\"active\",\"since\":\"2024-05-01 10:20:30Z\"},"
            + "\"app/1\":{\"status\":\"dying\",\"since\":\"2024-05-01T10:20:31Z\"}},"
            + "\"relations\":{\"db\":{\"pg\":{\"status\":\"joined\",\"since\":\"2024-05-02 00:00:00Z\"},"
            + "\"pg/0\":{\"status\":\"active\"}}}}\n");

        var goal = await new HookCommands(runner).GoalStateAsync();

        Assert.Equal("goal-state", runner.SingleCall.Tool);
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
        Assert.Equal(new GoalStateStatus("active", new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero)), goal.Units["app/0"]);
        Assert.Equal(new GoalStateStatus("dying", new DateTimeOffset(2024, 5, 1, 10, 20, 31, TimeSpan.Zero)), goal.Units["app/1"]);
        Assert.Equal(TimeSpan.Zero, goal.Units["app/0"].Since!.Value.Offset);
        Assert.Equal(new GoalStateStatus("joined", new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero)), goal.Relations["db"]["pg"]);
        Assert.Equal(new GoalStateStatus("active", null), goal.Relations["db"]["pg/0"]);
    }

    [Fact]
    public async Task GoalStateAsync_EmptySections_ReturnsEmptyMaps()
    {
        var runner = new FakeHookCommandRunner().Respond("goal-state", "{\"units\":{},\"relations\":{}}\n");

        var goal = await new HookCommands(runner).GoalStateAsync();

        Assert.Empty(goal.Units);
        Assert.Empty(goal.Relations);
    }

    [Fact]
    public async Task GoalStateAsync_BadSince_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("goal-state", "{\"units\":{\"a/0\":{\"status\":\"active\",\"since\":\"yesterday\"}}}");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).GoalStateAsync());
    }

    [Fact]
    public async Task CredentialGetAsync_Object_ReturnsClonedObject()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "credential-get", "{\"type\":\"kubernetes\",\"name\":\"microk8s\",\"credential\":{\"auth-type\":\"certificate\"}}\n");

        var credential = await new HookCommands(runner).CredentialGetAsync();

        Assert.Equal("credential-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
        Assert.Equal("kubernetes", credential.GetProperty("type").GetString());
        Assert.Equal("certificate", credential.GetProperty("credential").GetProperty("auth-type").GetString());
    }

    [Fact]
    public async Task CredentialGetAsync_Null_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("credential-get", "null\n");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).CredentialGetAsync());
    }

    [Fact]
    public async Task CredentialGetAsync_AfterCall_ElementOutlivesTheDocument()
    {
        // A JsonElement of a disposed JsonDocument throws ObjectDisposedException; Clone() avoids that.
        var runner = new FakeHookCommandRunner().Respond("credential-get", "{\"type\":\"k\",\"name\":\"n\"}");
        var element = await new HookCommands(runner).CredentialGetAsync();

        GC.Collect();

        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        Assert.Equal("n", element.GetProperty("name").GetString());
    }
}
