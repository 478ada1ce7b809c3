// Tests of tools/fake-hook-tools: the recording, stdin capture, default answers and canned
// responses that process-level tests and the dispatch benchmark rely on.
using MlObs.Ops.Testing;

namespace MlObs.Ops.Tests.ProcessLevel;

public sealed class FakeHookToolTests : IAsyncLifetime
{
    private LocalUnit _fake = null!;

    public async Task InitializeAsync() => _fake = await LocalUnit.CreateAsync();

    public Task DisposeAsync()
    {
        _fake.Dispose();
        return Task.CompletedTask;
    }

    private Task<ProcessResult> RunToolAsync(string tool, string[] arguments, string? stdin = null) =>
        _fake.RunAsync(_fake.ToolPath(tool), _fake.JujuEnvironment("hooks/install"), arguments, stdin);

    [Fact]
    public void Install_EveryToolName_LinksTheEmbeddedCopyOfTheFakeTool()
    {
        var target = Path.Combine(_fake.Root, "fake-hook-tools", "fake-hook-tool");

        var links = Directory.GetFileSystemEntries(_fake.ToolsDir).Select(path => new FileInfo(path)).ToList();

        Assert.Equal(39, links.Count);
        Assert.All(links, link => Assert.Equal(target, link.LinkTarget));
        Assert.Contains(links, link => link.Name == "relation-model-get");
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "tools", "fake-hook-tools", "fake-hook-tool")),
            File.ReadAllText(target));
    }

    [Fact]
    public async Task Call_ArgumentsWithSpacesAndNewlines_RoundTrip()
    {
        string[] arguments = ["--log-level", "INFO", "--", "two words", "line one\nline two", "", "tab\there"];

        var result = await RunToolAsync("juju-log", arguments);

        Assert.Equal(0, result.ExitCode);
        var call = Assert.Single(_fake.Calls());
        Assert.Equal("juju-log", call.Tool);
        Assert.Equal(arguments, call.Args);
        Assert.Null(call.Stdin);
    }

    [Fact]
    public async Task Calls_SeveralTools_AreRecordedInOrder()
    {
        await RunToolAsync("is-leader", ["--format=json"]);
        await RunToolAsync("status-set", ["active", ""]);

        Assert.Equal(["is-leader", "status-set"], _fake.Calls().Select(c => c.Tool));
        Assert.Equal(["active", ""], _fake.Calls()[1].Args);
    }

    [Fact]
    public async Task RelationSet_FileDash_CapturesStdin()
    {
        const string data = "{\"a\": \"x y\",\n\"b\": \"2\"}";

        var result = await RunToolAsync("relation-set", ["-r", "db:7", "--app", "--file", "-"], data);

        Assert.Equal(0, result.ExitCode);
        var call = Assert.Single(_fake.Calls());
        Assert.Equal(["-r", "db:7", "--app", "--file", "-"], call.Args);
        Assert.Equal(data, call.Stdin);
    }

    [Fact]
    public async Task RelationSet_FileEqualsDash_CapturesStdin()
    {
        await RunToolAsync("relation-set", ["--file=-"], "{}");

        Assert.Equal("{}", Assert.Single(_fake.Calls()).Stdin);
    }

    [Fact]
    public async Task StateSet_FileDash_ReplacesStateForStateGet()
    {
        await RunToolAsync("state-set", ["--file", "-"], "{\"k\":\"v\"}");

        var result = await RunToolAsync("state-get", ["--format=json"]);

        Assert.Equal("{\"k\":\"v\"}", result.Stdout);
    }

    [Theory]
    [InlineData("is-leader", "true\n")]
    [InlineData("config-get", "{}\n")]
    [InlineData("state-get", "null\n")]
    [InlineData("action-get", "{}\n")]
    [InlineData("relation-ids", "[]\n")]
    [InlineData("relation-list", "[]\n")]
    [InlineData("relation-get", "{}\n")]
    [InlineData("secret-ids", "null\n")]
    [InlineData("opened-ports", "[]\n")]
    [InlineData("goal-state", "{\"units\":{},\"relations\":{}}\n")]
    [InlineData("status-set", "")]
    [InlineData("juju-log", "")]
    public async Task Call_NoResponse_PrintsDefaultAnswer(string tool, string expected)
    {
        var result = await RunToolAsync(tool, ["--format=json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Call_Response_PrintsItInsteadOfDefault()
    {
        _fake.Respond("config-get", "{\"port\":8080}\n");

        var result = await RunToolAsync("config-get", ["--format=json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"port\":8080}\n", result.Stdout);
    }

    [Fact]
    public async Task Call_ResponseWithExitCode_ExitsWithStderr()
    {
        _fake.Respond("relation-get", null, exitCode: 2,
            stderr: "ERROR invalid value \"db:9\" for option -r: relation not found\n");

        var result = await RunToolAsync("relation-get", ["-r", "db:9", "-", "app/0"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("ERROR invalid value \"db:9\" for option -r: relation not found\n", result.Stderr);
        Assert.Single(_fake.Calls());
    }

    [Fact]
    public async Task Call_ResponseReset_PrintsDefaultAgain()
    {
        _fake.Respond("is-leader", "false\n", exitCode: 1, stderr: "ERROR boom\n");
        _fake.Respond("is-leader", null);

        var result = await RunToolAsync("is-leader", ["--format=json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("true\n", result.Stdout);
    }

    [Fact]
    public async Task Call_WithoutFakeJujuDir_FailsLikeJujuc()
    {
        var environment = _fake.JujuEnvironment("hooks/install");
        environment.Remove("FAKE_JUJU_DIR");

        var result = await _fake.RunAsync(_fake.ToolPath("is-leader"), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ERROR FAKE_JUJU_DIR not set\n", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.Empty(_fake.Calls());
    }

    [Fact]
    public async Task JujuEnvironment_Action_HasEmptyHookName()
    {
        var environment = _fake.JujuEnvironment("actions/backup");

        Assert.Equal("", environment["JUJU_HOOK_NAME"]);
        Assert.Equal("actions/backup", environment["JUJU_DISPATCH_PATH"]);
        var result = await _fake.RunAsync("/usr/bin/env", environment);
        Assert.Contains("JUJU_UNIT_NAME=sample-k8s/0\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("HOME=", result.Stdout, StringComparison.Ordinal);
    }
}
