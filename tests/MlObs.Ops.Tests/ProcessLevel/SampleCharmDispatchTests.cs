// Process-level tests of the published sample charm: the Native AOT `dispatch` run as Juju runs it,
// with the fake hook tools first on PATH. Each test gets a fresh charm dir and unit.
using MlObs.Ops.Testing;

namespace MlObs.Ops.Tests.ProcessLevel;

[Collection(PublishedSampleCharm.Name)]
public sealed class SampleCharmDispatchTests(SampleCharmPublish publish) : IAsyncLifetime
{
    private LocalUnit _fake = null!;

    public async Task InitializeAsync()
    {
        _fake = await LocalUnit.CreateAsync();
        publish.InstallInto(_fake);
    }

    public Task DisposeAsync()
    {
        _fake.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Install_FreshUnit_LogsAndSetsActiveStatus()
    {
        _fake.Respond("config-get", """{"log-level":"info","port":8080}""");

        var result = await _fake.DispatchAsync("hooks/install");

        Assert.True(result.ExitCode == 0, result.Describe());
        var calls = _fake.Calls();
        Assert.Equal(["state-get", "--format=json"], Line(calls[0]));
        Assert.Contains(calls, c => Line(c).SequenceEqual(["juju-log", "--log-level", "INFO", "--", "Installing sample charm"]));
        Assert.Equal(["status-set", "--application=False", "active", "--", "serving on 8080"], Line(calls[^1]));
    }

    [Fact]
    public async Task ConfigChanged_PortOutOfRange_SetsBlockedWithInstruction()
    {
        _fake.Respond("config-get", """{"log-level":"info","port":70000}""");

        var result = await _fake.DispatchAsync("hooks/config-changed");

        Assert.True(result.ExitCode == 0, result.Describe());
        var status = Assert.Single(_fake.Calls(), c => c.Tool == "status-set");
        Assert.Equal(["--application=False", "blocked", "--", "port 70000 is out of range; set port to 1-65535"], status.Args);
    }

    [Fact]
    public async Task ConfigChanged_WithDbRelationAsLeader_PublishesPortInAppDatabag()
    {
        _fake.Respond("config-get", """{"log-level":"info","port":9090}""");
        _fake.Respond("relation-ids", """["db:3"]""");

        var result = await _fake.DispatchAsync("hooks/config-changed");

        Assert.True(result.ExitCode == 0, result.Describe());
        var set = Assert.Single(_fake.Calls(), c => c.Tool == "relation-set");
        Assert.Equal(["-r", "db:3", "--app", "--file", "-"], set.Args);
        Assert.Equal("""{"port": "9090"}""", set.Stdin);
    }

    [Fact]
    public async Task RelationChanged_RemoteEndpoint_IsRememberedAcrossDispatches()
    {
        _fake.Respond("config-get", """{"port":8080}""");
        _fake.Respond("relation-get", """{"endpoint":"10.1.2.3:5432"}""");

        var changed = await _fake.DispatchAsync("hooks/db-relation-changed", Relation("db", 3, "postgresql", "postgresql/0"));
        var updated = await _fake.DispatchAsync("hooks/update-status");

        Assert.True(changed.ExitCode == 0, changed.Describe());
        Assert.True(updated.ExitCode == 0, updated.Describe());
        var calls = _fake.Calls();
        Assert.Contains(calls, c => Line(c).SequenceEqual(["relation-get", "--format=json", "-r", "db:3", "--app", "-", "postgresql"]));
        var statuses = calls.Where(c => c.Tool == "status-set").Select(c => c.Args[^1]).ToList();
        Assert.Equal(["serving on 8080, database 10.1.2.3:5432", "serving on 8080, database 10.1.2.3:5432"], statuses);
    }

    [Fact]
    public async Task Action_Greet_SetsResults()
    {
        _fake.Respond("action-get", """{"name":"Ada","fail":false}""");

        var result = await _fake.DispatchAsync("actions/greet", Action("greet", "17"));

        Assert.True(result.ExitCode == 0, result.Describe());
        var calls = _fake.Calls();
        Assert.Contains(calls, c => Line(c).SequenceEqual(["action-log", "--", "greeting"]));
        Assert.Contains(calls, c => Line(c).SequenceEqual(["action-set", "greeting=Hello, Ada!"]));
        Assert.DoesNotContain(calls, c => c.Tool == "action-fail");
    }

    [Fact]
    public async Task Action_GreetAskedToFail_CallsActionFailAndStillExitsZero()
    {
        _fake.Respond("action-get", """{"name":"Ada","fail":true}""");

        var result = await _fake.DispatchAsync("actions/greet", Action("greet", "18"));

        Assert.True(result.ExitCode == 0, result.Describe());
        var fail = Assert.Single(_fake.Calls(), c => c.Tool == "action-fail");
        Assert.Equal(["--", "asked to fail greeting Ada"], fail.Args);
        Assert.DoesNotContain(_fake.Calls(), c => c.Tool == "action-set");
    }

    [Fact]
    public async Task CustomDispatchPath_Heartbeat_RunsCustomEventAndCountsInState()
    {
        var first = await _fake.DispatchAsync("hooks/heartbeat");
        var second = await _fake.DispatchAsync("hooks/heartbeat");

        Assert.True(first.ExitCode == 0, first.Describe());
        Assert.True(second.ExitCode == 0, second.Describe());
        var beats = _fake.Calls().Where(c => c.Tool == "juju-log" && c.Args[^1].StartsWith("Heartbeat", StringComparison.Ordinal)).Select(c => c.Args[^1]);
        Assert.Equal(["Heartbeat 1", "Heartbeat 2"], beats);
    }

    [Fact]
    public async Task RelationGet_ToolFailsWithRelationNotFound_ExitsOneWithClearError()
    {
        _fake.Respond("relation-get", stdout: null, exitCode: 1, stderr: "ERROR relation 9 not found\n");

        var result = await _fake.DispatchAsync("hooks/db-relation-changed", Relation("db", 9, "postgresql", "postgresql/0"));

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(_fake.Calls(), c => c.Tool == "juju-log" && c.Args[1] == "ERROR");
        Assert.StartsWith("Uncaught exception while in charm code:", error.Args[^1], StringComparison.Ordinal);
        Assert.Contains("RelationNotFoundException: ERROR relation 9 not found", error.Args[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("NullReferenceException", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_fake.Calls(), c => c.Tool == "state-set");
    }

    [Fact]
    public async Task ConfigGet_MalformedJson_ExitsOneWithClearError()
    {
        _fake.Respond("config-get", """{"port": 80""");

        var result = await _fake.DispatchAsync("hooks/config-changed");

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(_fake.Calls(), c => c.Tool == "juju-log" && c.Args[1] == "ERROR");
        Assert.Contains("config-get printed malformed JSON", error.Args[^1], StringComparison.Ordinal);
        Assert.Contains("config-get printed malformed JSON", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingJujuVariable_ExitsOneNamingItAndCallsNoTool()
    {
        var environment = _fake.JujuEnvironment("hooks/config-changed");
        environment.Remove("JUJU_MODEL_UUID");

        var result = await _fake.RunAsync(Path.Combine(_fake.CharmDir, "dispatch"), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ERROR JUJU_MODEL_UUID is required for every dispatch", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_fake.Calls());
    }

    private static string[] Line(RecordedCall call) => [call.Tool, .. call.Args];

    private static Dictionary<string, string> Relation(string endpoint, int id, string app, string unit) => new()
    {
        ["JUJU_RELATION"] = endpoint,
        ["JUJU_RELATION_ID"] = $"{endpoint}:{id}",
        ["JUJU_REMOTE_APP"] = app,
        ["JUJU_REMOTE_UNIT"] = unit,
    };

    private static Dictionary<string, string> Action(string name, string id) => new()
    {
        ["JUJU_ACTION_NAME"] = name,
        ["JUJU_ACTION_UUID"] = id,
    };
}
