// Tests of /v1/services and /v1/changes on the fake Pebble: statuses, start/stop/restart/replan/
// autostart changes and their errors, failing starts, held changes, waiting and aborting.
using System.Text.Json.Nodes;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class ServiceTests
{
    private const string TwoServices = """
        services:
          web:
            override: replace
            command: /bin/web
            startup: enabled
            requires: [db]
            after: [db]
          db:
            override: replace
            command: /bin/db
          batch:
            override: replace
            command: /bin/batch
        """;

    private static async Task<Fake> StartWithLayerAsync()
    {
        var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", TwoServices);
        return fake;
    }

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    [Fact]
    public async Task GetServices_NeverStarted_AllInactiveByName()
    {
        await using var fake = await StartWithLayerAsync();

        var reply = await fake.Http.GetAsync("/v1/services");

        Assert.Equal(
            "[{\"name\":\"batch\",\"startup\":\"disabled\",\"current\":\"inactive\"},{\"name\":\"db\",\"startup\":\"disabled\",\"current\":\"inactive\"},{\"name\":\"web\",\"startup\":\"enabled\",\"current\":\"inactive\"}]",
            reply.Result!.ToJsonString());
    }

    [Fact]
    public async Task GetServices_NamesFilter_OnlyThose()
    {
        await using var fake = await StartWithLayerAsync();

        var reply = await fake.Http.GetAsync("/v1/services?names=web,db");

        Assert.Equal(["db", "web"], reply.Result!.AsArray().Select(s => Str(s!["name"])));
    }

    [Fact]
    public async Task PostServices_Start_AsyncEnvelopeWithoutResult()
    {
        await using var fake = await StartWithLayerAsync();

        var reply = await fake.Http.PostAsync("/v1/services", """{"action":"start","services":["batch"]}""");

        Assert.Equal(202, reply.Status);
        Assert.Matches("^\\{\"type\":\"async\",\"status-code\":202,\"status\":\"Accepted\",\"change\":\"\\d+\"\\}$", reply.Body);
    }

    [Fact]
    public async Task PostServices_StartWithRequires_StartsDependencyFirst()
    {
        await using var fake = await StartWithLayerAsync();

        var change = await fake.Http.ServicesAsync("start", "web");

        Assert.Equal("Done", Str(change["status"]));
        Assert.Equal("start", Str(change["kind"]));
        Assert.Equal("Start service \"web\" and 1 more", Str(change["summary"]));
        Assert.Equal(["Start service \"db\"", "Start service \"web\""], change["tasks"]!.AsArray().Select(t => Str(t!["summary"])));
        Assert.True(change["ready"]!.GetValue<bool>());
        Assert.NotNull(change["ready-time"]);
        Assert.Equal("active", fake.Server.ServiceStatuses["web"]);
        Assert.Equal("active", fake.Server.ServiceStatuses["db"]);
        Assert.Equal("inactive", fake.Server.ServiceStatuses["batch"]);
    }

    [Fact]
    public async Task GetServices_AfterStart_ActiveWithCurrentSince()
    {
        await using var fake = await StartWithLayerAsync();
        await fake.Http.ServicesAsync("start", "batch");

        var reply = await fake.Http.GetAsync("/v1/services?names=batch");

        var info = reply.Result![0]!;
        Assert.Equal("active", Str(info["current"]));
        Assert.True(DateTimeOffset.TryParse(Str(info["current-since"]), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task PostServices_StopRequiredService_StopsDependantsFirst()
    {
        await using var fake = await StartWithLayerAsync();
        await fake.Http.ServicesAsync("start", "web");

        var change = await fake.Http.ServicesAsync("stop", "db");

        Assert.Equal(["Stop service \"web\"", "Stop service \"db\""], change["tasks"]!.AsArray().Select(t => Str(t!["summary"])));
        Assert.Equal("inactive", fake.Server.ServiceStatuses["web"]);
    }

    [Fact]
    public async Task PostServices_Restart_StopThenStart()
    {
        await using var fake = await StartWithLayerAsync();
        await fake.Http.ServicesAsync("start", "batch");

        var change = await fake.Http.ServicesAsync("restart", "batch");

        Assert.Equal("restart", Str(change["kind"]));
        Assert.Equal(["stop", "start"], change["tasks"]!.AsArray().Select(t => Str(t!["kind"])));
        Assert.Equal("active", fake.Server.ServiceStatuses["batch"]);
    }

    [Theory]
    [InlineData("{\"action\":\"start\"}", "must specify services for start action")]
    [InlineData("{\"action\":\"stop\",\"services\":[]}", "must specify services for stop action")]
    [InlineData("{\"action\":\"start\",\"services\":[\"ghost\"]}", "cannot start services: service \"ghost\" does not exist")]
    [InlineData("{\"action\":\"replan\",\"services\":[\"web\"]}", "replan accepts no service names")]
    [InlineData("{\"action\":\"autostart\",\"services\":[\"web\"]}", "autostart accepts no service names")]
    [InlineData("{\"action\":\"explode\",\"services\":[\"web\"]}", "invalid action \"explode\"")]
    public async Task PostServices_BadRequest_Returns400WithPebbleMessage(string body, string message)
    {
        await using var fake = await StartWithLayerAsync();

        var reply = await fake.Http.PostAsync("/v1/services", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
        Assert.Null(reply.Kind);
    }

    [Fact]
    public async Task PostServices_AutostartWithoutEnabled_NoDefaultServicesKind()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {batch: {override: replace, command: /bin/batch}}");

        var reply = await fake.Http.PostAsync("/v1/services", """{"action":"autostart"}""");

        Assert.Equal(400, reply.Status);
        Assert.Equal("{\"type\":\"error\",\"status-code\":400,\"status\":\"Bad Request\",\"result\":{\"message\":\"no default services\",\"kind\":\"no-default-services\"}}", reply.Body);
    }

    [Fact]
    public async Task PostServices_Autostart_StartsEnabledWithRequirements()
    {
        await using var fake = await StartWithLayerAsync();

        var change = await fake.Http.ServicesAsync("autostart");

        Assert.Equal("autostart", Str(change["kind"]));
        Assert.Equal("active", fake.Server.ServiceStatuses["web"]);
        Assert.Equal("active", fake.Server.ServiceStatuses["db"]);
    }

    [Fact]
    public async Task PostServices_ReplanNothingToDo_DoneChangeWithoutTasks()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {batch: {override: replace, command: /bin/batch}}");

        var change = await fake.Http.ServicesAsync("replan");

        Assert.Equal("Replan - no services", Str(change["summary"]));
        Assert.Equal("Done", Str(change["status"]));
        Assert.Null(change["tasks"]);
    }

    [Fact]
    public async Task PostServices_Replan_StartsEnabledServices()
    {
        await using var fake = await StartWithLayerAsync();

        var change = await fake.Http.ServicesAsync("replan");

        Assert.Equal("Replan service \"db\" and 1 more", Str(change["summary"]));
        Assert.Equal("active", fake.Server.ServiceStatuses["web"]);
    }

    [Fact]
    public async Task PostServices_ReplanAfterPlanChange_RestartsChangedService()
    {
        await using var fake = await StartWithLayerAsync();
        await fake.Http.ServicesAsync("start", "batch");
        await fake.Http.AddLayerAsync("update", "services: {batch: {override: merge, command: /bin/batch --new}}");

        var change = await fake.Http.ServicesAsync("replan");

        var tasks = change["tasks"]!.AsArray().Select(t => $"{Str(t!["kind"])} {Str(t["summary"]).Split('"')[1]}").ToList();
        Assert.Contains("stop batch", tasks);
        Assert.Contains("start batch", tasks);
        Assert.Equal("active", fake.Server.ServiceStatuses["batch"]);
    }

    [Fact]
    public async Task PostServices_ReplanUnchangedRunning_DoesNotStopIt()
    {
        await using var fake = await StartWithLayerAsync();
        await fake.Http.ServicesAsync("start", "batch");

        var change = await fake.Http.ServicesAsync("replan");

        Assert.DoesNotContain(change["tasks"]!.AsArray(), t => Str(t!["kind"]) == "stop");
    }

    [Fact]
    public async Task FailServiceStart_Start_ChangeErrorWithPebbleText()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.SetServiceLogs("batch", "starting", "boom: config missing");
        fake.Server.FailServiceStart("batch");

        var change = await fake.Http.ServicesAsync("start", "batch");

        Assert.Equal("Error", Str(change["status"]));
        Assert.Equal(
            "cannot perform the following tasks:\n- Start service \"batch\" (service start attempt: exited quickly with code 1, will restart)",
            Str(change["err"]));
        var log = change["tasks"]![0]!["log"]!.AsArray().Select(Str).ToList();
        Assert.Contains(log, l => l.Contains("INFO Most recent service output:\n    starting\n    boom: config missing", StringComparison.Ordinal));
        Assert.Contains(log, l => l.EndsWith(" ERROR service start attempt: exited quickly with code 1, will restart", StringComparison.Ordinal));
        Assert.Equal("backoff", fake.Server.ServiceStatuses["batch"]);
    }

    [Fact]
    public async Task FailServiceStart_OnFailureIgnore_ServiceError()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {batch: {override: replace, command: /bin/batch, on-failure: ignore}}");
        fake.Server.FailServiceStart("batch", "cannot start service: exec: \"/bin/batch\": not found");

        var change = await fake.Http.ServicesAsync("start", "batch");

        Assert.EndsWith("(cannot start service: exec: \"/bin/batch\": not found)", Str(change["err"]), StringComparison.Ordinal);
        Assert.Equal("error", fake.Server.ServiceStatuses["batch"]);
    }

    [Fact]
    public async Task FailServiceStart_RequiredServiceFails_DependantOnHold()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.FailServiceStart("db");

        var change = await fake.Http.ServicesAsync("start", "web");

        Assert.Equal(["Error", "Hold"], change["tasks"]!.AsArray().Select(t => Str(t!["status"])));
        Assert.Equal("inactive", fake.Server.ServiceStatuses["web"]);
    }

    [Fact]
    public async Task AllowServiceStart_AfterFailure_StartsAgain()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.FailServiceStart("batch");
        await fake.Http.ServicesAsync("start", "batch");
        fake.Server.AllowServiceStart("batch");

        var change = await fake.Http.ServicesAsync("start", "batch");

        Assert.Equal("Done", Str(change["status"]));
        Assert.Equal("active", fake.Server.ServiceStatuses["batch"]);
    }

    [Fact]
    public async Task GetChange_UnknownId_Returns404()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/changes/99");

        Assert.Equal(404, reply.Status);
        Assert.Equal("cannot find change with id \"99\"", reply.Message);
    }

    [Fact]
    public async Task WaitChange_UnknownId_Returns404()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/changes/99/wait?timeout=1s");

        Assert.Equal(404, reply.Status);
    }

    [Fact]
    public async Task WaitChange_HeldChange_Returns504AfterTimeout()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.HoldChanges = true;
        var posted = await fake.Http.PostAsync("/v1/services", """{"action":"start","services":["batch"]}""");
        var id = Str(posted.Json["change"]);

        var reply = await fake.Http.GetAsync($"/v1/changes/{id}/wait?timeout=0.050s");

        Assert.Equal(504, reply.Status);
        Assert.Equal("timed out waiting for change after 50ms", reply.Message);
        Assert.Equal("Gateway Timeout", Str(reply.Json["status"]));
    }

    [Fact]
    public async Task WaitChange_BadTimeout_Returns400()
    {
        await using var fake = await StartWithLayerAsync();
        var change = await fake.Http.ServicesAsync("start", "batch");

        var reply = await fake.Http.GetAsync($"/v1/changes/{Str(change["id"])}/wait?timeout=soon");

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid timeout: time: invalid duration \"soon\"", reply.Message);
    }

    [Fact]
    public async Task ReleaseChanges_WhileWaiting_WaitReturnsDone()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.HoldChanges = true;
        var posted = await fake.Http.PostAsync("/v1/services", """{"action":"start","services":["batch"]}""");
        var id = Str(posted.Json["change"]);
        var waiting = fake.Http.GetAsync($"/v1/changes/{id}/wait");
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        fake.Server.ReleaseChanges();
        var reply = await waiting;

        Assert.Equal("Done", Str(reply.Result!["status"]));
        Assert.Equal("active", fake.Server.ServiceStatuses["batch"]);
    }

    [Fact]
    public async Task GetChanges_SelectFilters_InProgressByDefault()
    {
        await using var fake = await StartWithLayerAsync();
        var done = await fake.Http.ServicesAsync("start", "batch");
        fake.Server.HoldChanges = true;
        var held = Str((await fake.Http.PostAsync("/v1/services", """{"action":"stop","services":["batch"]}""")).Json["change"]);

        var inProgress = await fake.Http.GetAsync("/v1/changes");
        var ready = await fake.Http.GetAsync("/v1/changes?select=ready");
        var all = await fake.Http.GetAsync("/v1/changes?select=all");

        Assert.Equal([held], inProgress.Result!.AsArray().Select(c => Str(c!["id"])));
        Assert.Contains(Str(done["id"]), ready.Result!.AsArray().Select(c => Str(c!["id"])));
        Assert.Equal(2, all.Result!.AsArray().Count);
    }

    [Fact]
    public async Task GetChanges_ForService_OnlyItsChanges()
    {
        await using var fake = await StartWithLayerAsync();
        await fake.Http.ServicesAsync("start", "batch");
        await fake.Http.ServicesAsync("start", "db");

        var reply = await fake.Http.GetAsync("/v1/changes?select=all&for=db");

        Assert.Equal("Start service \"db\"", Str(Assert.Single(reply.Result!.AsArray())!["summary"]));
    }

    [Fact]
    public async Task GetChanges_BadSelect_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/changes?select=some");

        Assert.Equal("select should be one of: all,in-progress,ready", reply.Message);
    }

    [Fact]
    public async Task PostChange_AbortHeld_TasksOnHold()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.HoldChanges = true;
        var id = Str((await fake.Http.PostAsync("/v1/services", """{"action":"start","services":["web"]}""")).Json["change"]);

        var reply = await fake.Http.PostAsync($"/v1/changes/{id}", """{"action":"abort"}""");

        Assert.Equal(200, reply.Status);
        Assert.True(reply.Result!["ready"]!.GetValue<bool>());
        Assert.Equal(["Done", "Hold"], reply.Result!["tasks"]!.AsArray().Select(t => Str(t!["status"])));
    }

    [Fact]
    public async Task PostChange_AbortReady_Returns400NothingPending()
    {
        await using var fake = await StartWithLayerAsync();
        var change = await fake.Http.ServicesAsync("start", "batch");
        var id = Str(change["id"]);

        var reply = await fake.Http.PostAsync($"/v1/changes/{id}", """{"action":"abort"}""");

        Assert.Equal(400, reply.Status);
        Assert.Equal($"cannot abort change {id} with nothing pending", reply.Message);
    }

    [Fact]
    public async Task PostChange_BadAction_Returns400()
    {
        await using var fake = await StartWithLayerAsync();
        var change = await fake.Http.ServicesAsync("start", "batch");

        var reply = await fake.Http.PostAsync($"/v1/changes/{Str(change["id"])}", """{"action":"retry"}""");

        Assert.Equal("invalid action \"retry\"", reply.Message);
    }

    [Fact]
    public async Task Change_TaskShape_HasProgressAndTimes()
    {
        await using var fake = await StartWithLayerAsync();

        var change = await fake.Http.ServicesAsync("start", "batch");

        var task = change["tasks"]![0]!.AsObject();
        Assert.Equal(["id", "kind", "summary", "status", "progress", "spawn-time", "ready-time"], task.Select(p => p.Key));
        Assert.Equal("{\"label\":\"\",\"done\":1,\"total\":1}", task["progress"]!.ToJsonString());
        Assert.Equal(["id", "kind", "summary", "status", "tasks", "ready", "spawn-time", "ready-time"], change.Select(p => p.Key));
    }

    [Fact]
    public async Task Changes_StatusMoves_RecordChangeUpdateNotices()
    {
        await using var fake = await StartWithLayerAsync();

        var change = await fake.Http.ServicesAsync("start", "batch");

        var notice = Assert.Single(fake.Server.Notices, n => n.Type == "change-update" && n.Key == Str(change["id"]));
        Assert.Null(notice.UserId);
        Assert.Equal("start", notice.LastData["kind"]);
        Assert.True(notice.Occurrences >= 2);
    }

    [Fact]
    public async Task GetLogs_ServiceLogs_JsonLinesNewestN()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.SetServiceLogs("web", "one", "two", "three");
        fake.Server.SetServiceLogs("db", "ready");

        var reply = await fake.Http.GetAsync("/v1/logs?services=web&n=2");

        Assert.Equal("application/x-ndjson", reply.ContentType);
        var lines = reply.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(["two", "three"], lines.Select(l => Str(l["message"])));
        Assert.All(lines, l => Assert.Equal(["time", "service", "message"], l.Select(p => p.Key)));
    }

    [Fact]
    public async Task GetLogs_AllServices_MergedInTimeOrder()
    {
        await using var fake = await StartWithLayerAsync();
        fake.Server.SetServiceLogs("web", "w1");
        fake.Server.SetServiceLogs("db", "d1");

        var reply = await fake.Http.GetAsync("/v1/logs?n=-1");

        Assert.Equal(["web", "db"], reply.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Str(JsonNode.Parse(l)!["service"])));
    }

    [Theory]
    [InlineData("/v1/logs?n=-2", "n must be -1, 0, or a positive integer")]
    [InlineData("/v1/logs?follow=yes", "follow parameter must be \"true\" or \"false\"")]
    public async Task GetLogs_BadQuery_Returns400(string path, string message)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync(path);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task SetServiceStatus_Hook_ShowsInServices()
    {
        await using var fake = await StartWithLayerAsync();

        fake.Server.SetServiceStatus("db", "error");
        var reply = await fake.Http.GetAsync("/v1/services?names=db");

        Assert.Equal("error", Str(reply.Result![0]!["current"]));
    }
}
