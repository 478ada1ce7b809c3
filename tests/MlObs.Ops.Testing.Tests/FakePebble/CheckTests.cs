// Tests of /v1/checks on the fake Pebble: checks follow the plan, start/stop, the SetCheckStatus
// hook moving a check between perform-check and recover-check changes, and refresh.
using System.Text.Json.Nodes;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class CheckTests
{
    private const string Checks = """
        checks:
          up:
            override: replace
            level: alive
            threshold: 2
            http: {url: "http://localhost:8080/health"}
          lazy:
            override: replace
            startup: disabled
            exec: {command: /bin/true}
        """;

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static async Task<Fake> StartWithChecksAsync()
    {
        var fake = await Fake.StartAsync();
        fake.Server.AddLayer("checks", Checks);
        return fake;
    }

    [Fact]
    public async Task GetChecks_AfterLayer_EnabledUpDisabledInactive()
    {
        await using var fake = await StartWithChecksAsync();

        var reply = await fake.Http.GetAsync("/v1/checks");

        var checks = reply.Result!.AsArray();
        Assert.Equal("{\"name\":\"lazy\",\"startup\":\"disabled\",\"status\":\"inactive\",\"successes\":0,\"threshold\":3}", checks[0]!.ToJsonString());
        var up = checks[1]!.AsObject();
        Assert.Equal(["name", "level", "startup", "status", "successes", "threshold", "change-id"], up.Select(p => p.Key));
        Assert.Equal("up", Str(up["status"]));
        Assert.Equal(2, up["threshold"]!.GetValue<int>());
        var change = await fake.Http.GetAsync($"/v1/changes/{Str(up["change-id"])}");
        Assert.Equal("perform-check", Str(change.Result!["kind"]));
        Assert.Equal("Perform HTTP check \"up\"", Str(change.Result!["summary"]));
        Assert.Equal("Doing", Str(change.Result!["status"]));
    }

    [Fact]
    public async Task GetChecks_LevelAndNames_Filter()
    {
        await using var fake = await StartWithChecksAsync();

        var alive = await fake.Http.GetAsync("/v1/checks?level=alive");
        var named = await fake.Http.GetAsync("/v1/checks?names=lazy");
        var bad = await fake.Http.GetAsync("/v1/checks?level=ok");

        Assert.Equal(["up"], alive.Result!.AsArray().Select(c => Str(c!["name"])));
        Assert.Equal(["lazy"], named.Result!.AsArray().Select(c => Str(c!["name"])));
        Assert.Equal("level must be \"alive\" or \"ready\"", bad.Message);
    }

    [Fact]
    public async Task PostChecks_StartDisabled_ChangedListsIt()
    {
        await using var fake = await StartWithChecksAsync();

        var reply = await fake.Http.PostAsync("/v1/checks", """{"action":"start","checks":["lazy","up"]}""");

        Assert.Equal("{\"changed\":[\"lazy\"]}", reply.Result!.ToJsonString());
        Assert.Equal("up", fake.Server.CheckStatuses["lazy"]);
    }

    [Fact]
    public async Task PostChecks_Stop_InactiveAndChangeEnds()
    {
        await using var fake = await StartWithChecksAsync();

        var reply = await fake.Http.PostAsync("/v1/checks", """{"action":"stop","checks":["up"]}""");

        Assert.Equal("{\"changed\":[\"up\"]}", reply.Result!.ToJsonString());
        Assert.Equal("inactive", fake.Server.CheckStatuses["up"]);
        var inProgress = await fake.Http.GetAsync("/v1/changes");
        Assert.Empty(inProgress.Result!.AsArray());
    }

    [Theory]
    [InlineData("{\"action\":\"start\"}", "must specify checks for start action")]
    [InlineData("{\"action\":\"pause\",\"checks\":[\"up\"]}", "invalid action \"pause\"")]
    [InlineData("{\"action\":\"start\",\"checks\":[\"b\",\"a\"]}", "cannot start checks: cannot find checks in plan: a, b")]
    public async Task PostChecks_BadRequest_Returns400(string body, string message)
    {
        await using var fake = await StartWithChecksAsync();

        var reply = await fake.Http.PostAsync("/v1/checks", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task SetCheckStatus_Down_PerformErrorsRecoverStartsNoticesForJuju()
    {
        await using var fake = await StartWithChecksAsync();
        fake.Server.SetCheckStatus("up", "down", message: "non-20x status code 500");
        var reply = await fake.Http.GetAsync("/v1/checks?names=up");

        var info = reply.Result![0]!;
        Assert.Equal("down", Str(info["status"]));
        Assert.Equal(2, info["failures"]!.GetValue<int>());
        var recover = await fake.Http.GetAsync($"/v1/changes/{Str(info["change-id"])}");
        var failed = await fake.Http.GetAsync($"/v1/changes/{Str(info["prev-change-id"])}");
        Assert.Equal("recover-check", Str(recover.Result!["kind"]));
        Assert.Equal("Error", Str(failed.Result!["status"]));
        // Every failure up to the threshold is an ERROR in the task log, and Change.Err lists them all.
        Assert.Equal(
            "cannot perform the following tasks:\n- Perform HTTP check \"up\" (non-20x status code 500)\n- Perform HTTP check \"up\" (non-20x status code 500)",
            Str(failed.Result!["err"]));
        var notices = fake.Server.Notices.Where(n => n.Type == "change-update" && n.LastData.GetValueOrDefault("check-name") == "up").ToList();
        Assert.Contains(notices, n => n.LastData["kind"] == "perform-check" && n.Key == Str(info["prev-change-id"]));
        Assert.Contains(notices, n => n.LastData["kind"] == "recover-check" && n.Key == Str(info["change-id"]));
    }

    [Fact]
    public async Task SetCheckStatus_UpAfterDown_RecoverDonePerformStarts()
    {
        await using var fake = await StartWithChecksAsync();
        fake.Server.SetCheckStatus("up", "down");
        var recoverId = Str((await fake.Http.GetAsync("/v1/checks?names=up")).Result![0]!["change-id"]);

        fake.Server.SetCheckStatus("up", "up");
        var info = (await fake.Http.GetAsync("/v1/checks?names=up")).Result![0]!;

        Assert.Equal("up", Str(info["status"]));
        Assert.Null(info["failures"]);
        Assert.Equal(recoverId, Str(info["prev-change-id"]));
        Assert.Equal("Done", Str((await fake.Http.GetAsync($"/v1/changes/{recoverId}")).Result!["status"]));
        Assert.Equal("perform-check", Str((await fake.Http.GetAsync($"/v1/changes/{Str(info["change-id"])}")).Result!["kind"]));
    }

    [Fact]
    public async Task SetCheckStatus_UpWithFailuresBelowThreshold_StaysUp()
    {
        await using var fake = await StartWithChecksAsync();

        fake.Server.SetCheckStatus("up", "up", failures: 1);
        var info = (await fake.Http.GetAsync("/v1/checks?names=up")).Result![0]!;

        Assert.Equal("up", Str(info["status"]));
        Assert.Equal(1, info["failures"]!.GetValue<int>());
        Assert.Equal(200, (await fake.Http.GetAsync("/v1/health")).Status);
    }

    [Fact]
    public async Task SetCheckStatus_NotInPlan_Throws()
    {
        await using var fake = await StartWithChecksAsync();

        Assert.Throws<ArgumentException>(() => fake.Server.SetCheckStatus("ghost", "down"));
    }

    [Fact]
    public async Task PostLayers_CheckChanged_RestartsItsChange()
    {
        await using var fake = await StartWithChecksAsync();
        var before = Str((await fake.Http.GetAsync("/v1/checks?names=up")).Result![0]!["change-id"]);

        await fake.Http.AddLayerAsync("more", "checks: {up: {override: merge, period: 5s}}");
        var after = Str((await fake.Http.GetAsync("/v1/checks?names=up")).Result![0]!["change-id"]);

        Assert.NotEqual(before, after);
        Assert.True((await fake.Http.GetAsync($"/v1/changes/{before}")).Result!["ready"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PostChecksRefresh_DownCheck_InfoAndError()
    {
        await using var fake = await StartWithChecksAsync();
        fake.Server.SetCheckStatus("up", "down", message: "connection refused");

        var reply = await fake.Http.PostAsync("/v1/checks/refresh", """{"name":"up"}""");
        var missing = await fake.Http.PostAsync("/v1/checks/refresh", """{"name":"ghost"}""");

        Assert.Equal("down", Str(reply.Result!["info"]!["status"]));
        Assert.Equal("connection refused", Str(reply.Result!["error"]));
        Assert.Equal(404, missing.Status);
        Assert.Equal("cannot find check with name \"ghost\"", missing.Message);
    }

    [Fact]
    public async Task Replan_StoppedEnabledCheck_StartsIt()
    {
        await using var fake = await StartWithChecksAsync();
        await fake.Http.PostAsync("/v1/checks", """{"action":"stop","checks":["up"]}""");

        await fake.Http.ServicesAsync("replan");

        Assert.Equal("up", fake.Server.CheckStatuses["up"]);
        Assert.Equal("inactive", fake.Server.CheckStatuses["lazy"]);
    }
}
