// PebbleClientServiceTests: services, changes (wait, polling fallback, timeouts, errors with
// service logs), checks, signals and logs.
using System.Net;
using System.Text;
using MlObs.Ops.Pebble;
using static MlObs.Ops.Tests.Pebble.PebbleClientTests;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleClientServiceTests
{
    [Fact]
    public async Task GetServicesAsync_Names_SendsThemAndParsesState()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/services", Envelopes.Sync("""
            [{"name":"app","startup":"enabled","current":"active","current-since":"2025-01-02T03:04:05.123456789Z"},
             {"name":"db","startup":"disabled","current":"backoff"}]
            """));
        using var client = Client(handler);

        var services = await client.GetServicesAsync(["app", "db"]);

        Assert.Equal("app,db", handler.Single("GET", "/v1/services").QueryParams["names"]);
        Assert.Equal(
            [
                new ServiceInfo("app", StartupMode.Enabled, ServiceStatus.Active, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567)),
                new ServiceInfo("db", StartupMode.Disabled, ServiceStatus.Backoff, null),
            ],
            services);
        Assert.True(services[0].IsRunning);
    }

    [Fact]
    public async Task StartServicesAsync_ChangeDone_PostsActionAndWaitsForChange()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/services", Envelopes.Async("7"), HttpStatusCode.Accepted)
            .OnJson("GET", "/v1/changes/7/wait", Envelopes.Sync(Envelopes.Change("7")));
        using var client = Client(handler);

        var changeId = await client.StartServicesAsync(["app"]);

        Assert.Equal("7", changeId);
        var post = handler.Single("POST", "/v1/services").Json;
        Assert.Equal("start", post.GetProperty("action").GetString());
        Assert.Equal("app", Assert.Single(post.GetProperty("services").EnumerateArray()).GetString());
        Assert.Equal("4.000s", handler.Single("GET", "/v1/changes/7/wait").QueryParams["timeout"]);
    }

    [Fact]
    public async Task ReplanAsync_NoNames_PostsReplanWithEmptyServices()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/services", Envelopes.Async("8"), HttpStatusCode.Accepted)
            .OnJson("GET", "/v1/changes/8/wait", Envelopes.Sync(Envelopes.Change("8", "replan")));
        using var client = Client(handler);

        await client.ReplanAsync();

        Assert.Equal("""{"action":"replan","services":[]}""", handler.Single("POST", "/v1/services").BodyText);
    }

    [Fact]
    public async Task AutostartServicesAsync_NoDefaultServices_ThrowsApiExceptionWithKind()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/services", Envelopes.Error(400, "Bad Request", "no default services", "no-default-services"), HttpStatusCode.BadRequest);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.AutostartServicesAsync());

        Assert.Equal("no-default-services", ex.Kind);
        Assert.Equal("autostart", handler.Single("POST", "/v1/services").Json.GetProperty("action").GetString());
    }

    [Fact]
    public async Task StopServicesAsync_ZeroTimeout_ReturnsWithoutWaiting()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/services", Envelopes.Async("9"), HttpStatusCode.Accepted);
        using var client = Client(handler);

        Assert.Equal("9", await client.StopServicesAsync(["app"], TimeSpan.Zero));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task StartServicesAsync_NoNames_ThrowsArgumentException()
    {
        using var client = Client(new ScriptedPebbleHandler());

        await Assert.ThrowsAsync<ArgumentException>(() => client.StartServicesAsync([]));
    }

    [Fact]
    public async Task StartServicesAsync_ChangeWithErr_ThrowsWithTaskAndServiceLogs()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/services", Envelopes.Async("10"), HttpStatusCode.Accepted)
            .OnJson("GET", "/v1/changes/10/wait", Envelopes.Sync(Envelopes.Change("10", err: "cannot perform the following tasks:\n- Start service \"app\" (exited quickly)", taskLog: "2025-01-02T03:04:05Z ERROR exited quickly")))
            .On("GET", "/v1/logs", _ => new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(
                    """
                    {"time":"2025-01-02T03:04:05.1Z","service":"app","message":"starting"}
                    {"time":"2025-01-02T03:04:05.2Z","service":"app","message":"fatal: no config"}

                    """,
                    Encoding.UTF8,
                    "application/x-ndjson"),
            });
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleChangeException>(() => client.StartServicesAsync(["app"]));

        Assert.StartsWith("cannot perform the following tasks", ex.Err, StringComparison.Ordinal);
        Assert.Equal("10", ex.Change!.Id);
        Assert.Equal(["starting", "fatal: no config"], ex.ServiceLogs.Select(l => l.Message));
        Assert.Contains("app: fatal: no config", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ERROR exited quickly", ex.Message, StringComparison.Ordinal);
        var logs = handler.Single("GET", "/v1/logs").QueryParams;
        Assert.Equal("app", logs["services"]);
        Assert.Equal("10", logs["n"]);
    }

    [Fact]
    public async Task StartServicesAsync_ChangeWithErrAndLogsUnavailable_StillThrowsChangeException()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/services", Envelopes.Async("11"), HttpStatusCode.Accepted)
            .OnJson("GET", "/v1/changes/11/wait", Envelopes.Sync(Envelopes.Change("11", err: "boom")));
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleChangeException>(() => client.StartServicesAsync(["app"]));

        Assert.Equal("boom", ex.Err);
        Assert.Empty(ex.ServiceLogs);
    }

    [Fact]
    public async Task WaitChangeAsync_WaitEndpointMissing_FallsBackToPolling()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/changes/12/wait", Envelopes.Error(404, "Not Found", "not found"), HttpStatusCode.NotFound)
            .OnJson("GET", "/v1/changes/12", Envelopes.Sync(Envelopes.Change("12", ready: false)))
            .OnJson("GET", "/v1/changes/12", Envelopes.Sync(Envelopes.Change("12")));
        using var client = Client(handler);

        var change = await client.WaitChangeAsync("12", TimeSpan.FromSeconds(5));

        Assert.True(change.Ready);
        Assert.Equal(2, handler.Requests.Count(r => r.Path == "/v1/changes/12"));
    }

    [Fact]
    public async Task WaitChangeAsync_504UntilDeadline_ThrowsChangeTimeout()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/changes/13/wait", Envelopes.Error(504, "Gateway Timeout", "timed out waiting for change after 300ms"), HttpStatusCode.GatewayTimeout);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleChangeTimeoutException>(() => client.WaitChangeAsync("13", TimeSpan.FromMilliseconds(300)));

        Assert.Equal("13", ex.ChangeId);
        Assert.Equal("0.300s", handler.Requests[0].QueryParams["timeout"]);
    }

    [Fact]
    public async Task WaitChangeAsync_504ThenReady_KeepsWaiting()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/changes/14/wait", Envelopes.Error(504, "Gateway Timeout", "timed out"), HttpStatusCode.GatewayTimeout)
            .OnJson("GET", "/v1/changes/14/wait", Envelopes.Sync(Envelopes.Change("14")));
        using var client = Client(handler);

        var change = await client.WaitChangeAsync("14", null);

        Assert.Equal("Done", change.Status);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task RestartServicesAsync_OldPebbleRejectsRestart_StopsRunningAndStartsAll()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/services", Envelopes.Error(400, "Bad Request", "invalid action \"restart\""), HttpStatusCode.BadRequest)
            .OnJson("POST", "/v1/services", Envelopes.Async("21"), HttpStatusCode.Accepted)
            .OnJson("POST", "/v1/services", Envelopes.Async("22"), HttpStatusCode.Accepted)
            .OnJson("GET", "/v1/services", Envelopes.Sync("""[{"name":"app","startup":"enabled","current":"active"},{"name":"db","startup":"enabled","current":"inactive"}]"""))
            .OnJson("GET", "/v1/changes/21/wait", Envelopes.Sync(Envelopes.Change("21", "stop")))
            .OnJson("GET", "/v1/changes/22/wait", Envelopes.Sync(Envelopes.Change("22")));
        using var client = Client(handler);

        var changeId = await client.RestartServicesAsync(["app", "db"]);

        Assert.Equal("22", changeId);
        var posts = handler.Requests.Where(r => r.Method == HttpMethod.Post).Select(r => r.BodyText).ToArray();
        Assert.Equal(
            [
                """{"action":"restart","services":["app","db"]}""",
                """{"action":"stop","services":["app"]}""",
                """{"action":"start","services":["app","db"]}""",
            ],
            posts);
    }

    [Fact]
    public async Task GetChangeAsync_FullChange_ParsesTasksProgressAndData()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/changes/15", Envelopes.Sync(Envelopes.Change("15", "exec", exitCode: 3, taskLog: "line")));
        using var client = Client(handler);

        var change = await client.GetChangeAsync("15");

        Assert.Equal("exec", change.Kind);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 6, 500, TimeSpan.Zero), change.ReadyTime);
        var task = Assert.Single(change.Tasks);
        Assert.Equal("t15", task.Id);
        Assert.Equal(new TaskProgress(string.Empty, 1, 1), task.Progress);
        Assert.Equal(["line"], task.Log);
        Assert.Equal(3, change.ExitCode);
    }

    [Fact]
    public async Task GetChangesAsync_SelectAndService_SendsQuery()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/changes", Envelopes.Sync($"[{Envelopes.Change("1")}]"));
        using var client = Client(handler);

        var changes = await client.GetChangesAsync(ChangeSelect.All, "app");

        Assert.Single(changes);
        var query = handler.Single("GET", "/v1/changes").QueryParams;
        Assert.Equal("all", query["select"]);
        Assert.Equal("app", query["for"]);
    }

    [Fact]
    public async Task AbortChangeAsync_Id_PostsAbort()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/changes/16", Envelopes.Sync(Envelopes.Change("16", ready: false)));
        using var client = Client(handler);

        var change = await client.AbortChangeAsync("16");

        Assert.Equal("Doing", change.Status);
        Assert.Equal("""{"action":"abort"}""", handler.Single("POST", "/v1/changes/16").BodyText);
    }

    [Fact]
    public async Task GetChecksAsync_LevelAndNames_SendsQueryAndParses()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/checks", Envelopes.Sync("""
            [{"name":"up","level":"alive","startup":"enabled","status":"down","successes":4,"failures":3,"threshold":3,"change-id":"5"},
             {"name":"ready","startup":"disabled","status":"inactive","threshold":3}]
            """));
        using var client = Client(handler);

        var checks = await client.GetChecksAsync(CheckLevel.Alive, ["up", "ready"]);

        Assert.Equal(
            [
                new CheckInfo("up", CheckLevel.Alive, StartupMode.Enabled, CheckStatus.Down, 4, 3, 3, "5", null),
                new CheckInfo("ready", null, StartupMode.Disabled, CheckStatus.Inactive, 0, 0, 3, null, null),
            ],
            checks);
        var query = handler.Single("GET", "/v1/checks").QueryParams;
        Assert.Equal("alive", query["level"]);
        Assert.Equal("up,ready", query["names"]);
    }

    [Fact]
    public async Task StartChecksAsync_Names_PostsActionAndReturnsChanged()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/checks", Envelopes.Sync("""{"changed":["up"]}"""));
        using var client = Client(handler);

        Assert.Equal(["up"], await client.StartChecksAsync(["up", "ready"]));
        Assert.Equal("""{"action":"start","checks":["up","ready"]}""", handler.Single("POST", "/v1/checks").BodyText);
    }

    [Fact]
    public async Task StopChecksAsync_OldPebbleAnswersNull_IsEmpty()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/checks", Envelopes.Sync("""{"changed":null}"""));
        using var client = Client(handler);

        Assert.Empty(await client.StopChecksAsync(["up"]));
        Assert.Equal("stop", handler.Single("POST", "/v1/checks").Json.GetProperty("action").GetString());
    }

    [Fact]
    public async Task SendSignalAsync_SignalAndServices_PostsThem()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/signals", Envelopes.Sync("true"));
        using var client = Client(handler);

        await client.SendSignalAsync("SIGHUP", ["app"]);

        Assert.Equal("""{"signal":"SIGHUP","services":["app"]}""", handler.Single("POST", "/v1/signals").BodyText);
    }

    [Fact]
    public async Task GetLogsAsync_JsonLines_ParsesEntries()
    {
        var handler = new ScriptedPebbleHandler().On("GET", "/v1/logs", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(
                "{\"time\":\"2021-04-23T01:28:52.660Z\",\"service\":\"redis\",\"message\":\"redis started up\"}\n",
                Encoding.UTF8,
                "application/x-ndjson"),
        });
        using var client = Client(handler);

        var logs = await client.GetLogsAsync(["redis"], 5);

        Assert.Equal([new LogEntry(new DateTimeOffset(2021, 4, 23, 1, 28, 52, 660, TimeSpan.Zero), "redis", "redis started up")], logs);
        Assert.Equal("5", handler.Single("GET", "/v1/logs").QueryParams["n"]);
    }
}
