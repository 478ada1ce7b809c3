// Tests of config-get, is-leader, status-set/-get, application-version-set and juju-log.
using System.Text.Json;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsUnitTests
{
    [Fact]
    public async Task ConfigGetAsync_Object_ReturnsTypedValuesThatOutliveTheDocument()
    {
        var runner = new FakeHookCommandRunner().Respond("config-get", "{\"debug\":true,\"port\":8080,\"ratio\":0.5,\"name\":\"x\"}\n");

        var config = await new HookCommands(runner).ConfigGetAsync();

        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
        Assert.Equal("config-get", runner.SingleCall.Tool);
        Assert.True(config["debug"].GetBoolean());
        Assert.Equal(8080, config["port"].GetInt32());
        Assert.Equal(0.5, config["ratio"].GetDouble());
        Assert.Equal("x", config["name"].GetString());
    }

    [Fact]
    public async Task ConfigGetAsync_Array_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("config-get", "[1]\n");

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).ConfigGetAsync());

        Assert.Equal("config-get printed malformed JSON: expected the configuration to be a JSON object but it was an array; output was: [1]\n", ex.Message);
    }

    [Fact]
    public async Task ConfigGetAsync_TruncatedJson_ThrowsHookToolOutputExceptionWithOutput()
    {
        var runner = new FakeHookCommandRunner().Respond("config-get", "{\"a\":");

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).ConfigGetAsync());

        Assert.StartsWith("config-get printed malformed JSON: ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("; output was: {\"a\":", ex.Message, StringComparison.Ordinal);
        Assert.Equal("config-get", ex.Tool);
        Assert.Equal(0, ex.ExitCode);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    [Fact]
    public async Task ConfigGetAsync_LongMalformedOutput_QuotesFirst200Chars()
    {
        var output = "{" + new string('x', 500);
        var runner = new FakeHookCommandRunner().Respond("config-get", output);

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).ConfigGetAsync());

        Assert.EndsWith("; output was: " + output[..200], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigGetAsync_EmptyOutput_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("config-get", "");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).ConfigGetAsync());
    }

    [Theory]
    [InlineData("true\n", true)]
    [InlineData("false\n", false)]
    public async Task IsLeaderAsync_Bool_ReturnsIt(string stdout, bool expected)
    {
        var runner = new FakeHookCommandRunner().Respond("is-leader", stdout);

        Assert.Equal(expected, await new HookCommands(runner).IsLeaderAsync());
        Assert.Equal("is-leader", runner.SingleCall.Tool);
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task IsLeaderAsync_String_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("is-leader", "\"True\"\n");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).IsLeaderAsync());
    }

    [Fact]
    public async Task StatusSetAsync_Unit_PassesMessageAfterDoubleDash()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StatusSetAsync("blocked", "-r is not a flag here", application: false);

        Assert.Equal("status-set", runner.SingleCall.Tool);
        Assert.Equal(["--application=False", "blocked", "--", "-r is not a flag here"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StatusSetAsync_ApplicationEmptyMessage_PassesEmptyMessage()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).StatusSetAsync("active", "", application: true);

        Assert.Equal(["--application=True", "active", "--", ""], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StatusGetAsync_Unit_ParsesFlatShape()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "status-get", "{\"message\":\"waiting for db\",\"status\":\"waiting\",\"status-data\":{}}\n");

        var status = await new HookCommands(runner).StatusGetAsync(application: false);

        Assert.Equal(new StatusInfo("waiting", "waiting for db"), status);
        Assert.Equal(["--include-data", "--format=json", "--application=false"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StatusGetAsync_Application_ParsesNestedShape()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "status-get",
            "{\"application-status\":{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{},"
            + "\"units\":{\"app/0\":{\"message\":\"\",\"status\":\"maintenance\",\"status-data\":{}}}}}\n");

        var status = await new HookCommands(runner).StatusGetAsync(application: true);

        Assert.Equal(new StatusInfo("active", "ready"), status);
        Assert.Equal(["--include-data", "--format=json", "--application=true"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task StatusGetAsync_NoMessage_ReturnsEmptyMessage()
    {
        var runner = new FakeHookCommandRunner().Respond("status-get", "{\"status\":\"unknown\"}\n");

        Assert.Equal(new StatusInfo("unknown", ""), await new HookCommands(runner).StatusGetAsync(application: false));
    }

    [Fact]
    public async Task StatusGetAsync_NoStatus_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("status-get", "{\"message\":\"x\"}\n");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).StatusGetAsync(application: false));
    }

    [Fact]
    public async Task ApplicationVersionSetAsync_Always_PassesVersionAfterDoubleDash()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).ApplicationVersionSetAsync("1.2.3");

        Assert.Equal("application-version-set", runner.SingleCall.Tool);
        Assert.Equal(["--", "1.2.3"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task JujuLogAsync_Always_PassesLevelAndMessageAfterDoubleDash()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).JujuLogAsync("WARNING", "--weird message");

        Assert.Equal("juju-log", runner.SingleCall.Tool);
        Assert.Equal(["--log-level", "WARNING", "--", "--weird message"], runner.SingleCall.Arguments);
        Assert.Null(runner.SingleCall.Stdin);
    }
}
