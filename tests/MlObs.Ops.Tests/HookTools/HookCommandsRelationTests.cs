// Tests of the relation hook tools: exact argv, stdin and output parsing.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsRelationTests
{
    private static readonly RelationRef Db = new("db", 7);

    [Fact]
    public void RelationRef_ToString_IsEndpointColonId()
    {
        Assert.Equal("metrics-endpoint:12", new RelationRef("metrics-endpoint", 12).ToString());
    }

    [Fact]
    public async Task RelationIdsAsync_Always_PassesEndpointThenFormat()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-ids", "[]\n");

        await new HookCommands(runner).RelationIdsAsync("db");

        var call = runner.SingleCall;
        Assert.Equal("relation-ids", call.Tool);
        Assert.Equal(["db", "--format=json"], call.Arguments);
        Assert.Null(call.Stdin);
    }

    [Fact]
    public async Task RelationIdsAsync_StringSortedIds_ParsesAndOrdersById()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-ids", "[\"db:10\",\"db:9\",\"db:11\"]\n");

        var ids = await new HookCommands(runner).RelationIdsAsync("db");

        Assert.Equal([new RelationRef("db", 9), new RelationRef("db", 10), new RelationRef("db", 11)], ids);
    }

    [Fact]
    public async Task RelationIdsAsync_BareId_UsesRequestedEndpoint()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-ids", "[\"4\"]\n");

        var ids = await new HookCommands(runner).RelationIdsAsync("logging");

        Assert.Equal([new RelationRef("logging", 4)], ids);
    }

    [Fact]
    public async Task RelationIdsAsync_Null_ReturnsEmpty()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-ids", "null\n");

        Assert.Empty(await new HookCommands(runner).RelationIdsAsync("db"));
    }

    [Fact]
    public async Task RelationIdsAsync_NonNumericId_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-ids", "[\"db:x\"]\n");

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).RelationIdsAsync("db"));

        Assert.Contains("db:x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelationListAsync_Always_PassesFormatAndRef()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-list", "[\"app/10\",\"app/2\"]\n");

        var units = await new HookCommands(runner).RelationListAsync(Db);

        Assert.Equal(["--format=json", "-r", "db:7"], runner.SingleCall.Arguments);
        Assert.Equal(["app/10", "app/2"], units);
    }

    [Fact]
    public async Task RelationListAsync_EmptyList_ReturnsEmpty()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-list", "[]\n");

        Assert.Empty(await new HookCommands(runner).RelationListAsync(Db));
    }

    [Fact]
    public async Task RelationRemoteAppAsync_Always_PassesAppFlag()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-list", "\"postgresql\"\n");

        var app = await new HookCommands(runner).RelationRemoteAppAsync(Db);

        Assert.Equal("postgresql", app);
        Assert.Equal(["--format=json", "--app", "-r", "db:7"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task RelationRemoteAppAsync_RelationNotFound_ReturnsNull()
    {
        var runner = new FakeHookCommandRunner()
            .Fail("relation-list", 2, "ERROR invalid value \"db:7\" for option -r: relation not found\n");

        Assert.Null(await new HookCommands(runner).RelationRemoteAppAsync(Db));
    }

    [Fact]
    public async Task RelationRemoteAppAsync_OldJujuWithoutAppOption_ReturnsNull()
    {
        var runner = new FakeHookCommandRunner().Fail("relation-list", 2, "ERROR option provided but not defined: --app\n");

        Assert.Null(await new HookCommands(runner).RelationRemoteAppAsync(Db));
    }

    [Fact]
    public async Task RelationRemoteAppAsync_OtherFailure_Throws()
    {
        var runner = new FakeHookCommandRunner().Fail("relation-list", 1, "ERROR permission denied\n");

        var ex = await Assert.ThrowsAsync<ModelException>(() => new HookCommands(runner).RelationRemoteAppAsync(Db));

        Assert.Equal("ERROR permission denied", ex.Message);
    }

    [Fact]
    public async Task RelationGetAsync_Unit_PassesDashAndUnitWithoutAppFlag()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-get", "{}\n");

        await new HookCommands(runner).RelationGetAsync(Db, "pg/0", app: false);

        var call = runner.SingleCall;
        Assert.Equal("relation-get", call.Tool);
        Assert.Equal(["--format=json", "-r", "db:7", "-", "pg/0"], call.Arguments);
    }

    [Fact]
    public async Task RelationGetAsync_App_PassesAppFlagBeforeDash()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-get", "{}\n");

        await new HookCommands(runner).RelationGetAsync(Db, "pg", app: true);

        Assert.Equal(["--format=json", "-r", "db:7", "--app", "-", "pg"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task RelationGetAsync_EmptyObject_ReturnsEmptyDatabag()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-get", "{}\n");

        Assert.Empty(await new HookCommands(runner).RelationGetAsync(Db, "pg", app: true));
    }

    [Fact]
    public async Task RelationGetAsync_Values_ReturnsDatabag()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "relation-get",
            "{\"egress-subnets\":\"10.1.2.3/32\",\"ingress-address\":\"10.1.2.3\",\"url\":\"http://x/\\u003capi\\u003e\"}\n");

        var data = await new HookCommands(runner).RelationGetAsync(Db, "pg/0", app: false);

        Assert.Equal(3, data.Count);
        Assert.Equal("10.1.2.3", data["ingress-address"]);
        Assert.Equal("http://x/<api>", data["url"]);
    }

    [Fact]
    public async Task RelationGetAsync_NonStringValue_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-get", "{\"port\":8080}\n");

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(
            () => new HookCommands(runner).RelationGetAsync(Db, "pg/0", app: false));

        Assert.Contains("\"port\"", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("relation-get printed malformed JSON:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelationSetAsync_Unit_SendsJsonObjectOnStdin()
    {
        var runner = new FakeHookCommandRunner();
        var data = new Dictionary<string, string> { ["url"] = "http://a:80", ["b"] = "say \"hi\"\n" };

        await new HookCommands(runner).RelationSetAsync(Db, data, app: false);

        var call = runner.SingleCall;
        Assert.Equal("relation-set", call.Tool);
        Assert.Equal(["-r", "db:7", "--file", "-"], call.Arguments);
        Assert.Equal("{\"b\": \"say \\\"hi\\\"\\n\", \"url\": \"http://a:80\"}", call.Stdin);
    }

    [Fact]
    public async Task RelationSetAsync_App_PassesAppFlagBeforeFile()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).RelationSetAsync(Db, new Dictionary<string, string> { ["k"] = "" }, app: true);

        Assert.Equal(["-r", "db:7", "--app", "--file", "-"], runner.SingleCall.Arguments);
        Assert.Equal("{\"k\": \"\"}", runner.SingleCall.Stdin);
    }

    [Fact]
    public async Task RelationSetAsync_NonAsciiValue_WritesRawUtf8NotSurrogateEscapes()
    {
        // go-yaml (which parses --file for Juju) rejects \uD83D-style escapes, so emoji must go raw.
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).RelationSetAsync(
            Db, new Dictionary<string, string> { ["note"] = "caf\u00e9 \U0001F600\u0001" }, app: false);

        Assert.Equal("{\"note\": \"caf\u00e9 \U0001F600\\u0001\"}", runner.SingleCall.Stdin);
    }

    [Fact]
    public async Task RelationModelGetAsync_Always_ReturnsUuid()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-model-get", "{\"uuid\":\"ad8cfb2c-0000-4000-8000-000000000001\"}\n");

        var uuid = await new HookCommands(runner).RelationModelGetAsync(Db);

        Assert.Equal("ad8cfb2c-0000-4000-8000-000000000001", uuid);
        Assert.Equal("relation-model-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json", "-r", "db:7"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task RelationModelGetAsync_NoUuid_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("relation-model-get", "{}\n");

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).RelationModelGetAsync(Db));

        Assert.Contains("\"uuid\"", ex.Message, StringComparison.Ordinal);
    }
}
