// End-to-end tests: MlObs.Ops.Pebble.PebbleClient against the fake Pebble over a real unix
// socket, for every endpoint, the error paths, and a socket that disappears mid-call.
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.Pebble;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class PebbleClientEndToEndTests
{
    private const string Rock = """
        services:
          web:
            override: replace
            command: /bin/web
            startup: enabled
          batch:
            override: replace
            command: /bin/batch
        checks:
          ready:
            override: replace
            level: ready
            http: {url: "http://localhost:8080/ready"}
        """;

    private sealed class Pair : IAsyncDisposable
    {
        private Pair(FakePebbleServer server)
        {
            Server = server;
            Client = new PebbleClient(server.SocketPath);
        }

        public FakePebbleServer Server { get; }

        public PebbleClient Client { get; }

        public static async Task<Pair> StartAsync(bool withRock = true)
        {
            var pair = new Pair(await FakePebbleServer.StartAsync());
            if (withRock)
            {
                pair.Server.AddLayer("rock", Rock);
            }

            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetSystemInfoAsync_Fake_BootIdAndVersion()
    {
        await using var pair = await Pair.StartAsync();

        var info = await pair.Client.GetSystemInfoAsync();

        Assert.Equal(pair.Server.BootId, info.BootId);
        Assert.Equal(FakePebbleServer.DefaultVersion, info.Version);
    }

    [Fact]
    public async Task CanConnectAsync_ListeningThenDisconnected_TrueThenFalse()
    {
        await using var pair = await Pair.StartAsync();

        var before = await pair.Client.CanConnectAsync();
        await pair.Server.DisconnectAsync();
        var after = await pair.Client.CanConnectAsync();

        Assert.True(before);
        Assert.False(after);
    }

    [Fact]
    public async Task AnyCall_SocketGone_PebbleConnectionException()
    {
        await using var pair = await Pair.StartAsync();
        await pair.Server.DisconnectAsync();

        await Assert.ThrowsAsync<PebbleConnectionException>(() => pair.Client.GetServicesAsync());
    }

    [Fact]
    public async Task GetNoticesAsync_SocketVanishesMidCall_PebbleConnectionException()
    {
        await using var pair = await Pair.StartAsync();
        using var client = new PebbleClient(pair.Server.SocketPath, timeout: TimeSpan.FromSeconds(10));
        var call = client.GetNoticesAsync(new NoticeFilter { Types = ["custom"] }, CancellationToken.None);
        var poll = Task.Run(async () =>
        {
            // A long poll the server cuts when its socket goes away.
            using var http = new PebbleHttp(pair.Server.SocketPath);
            return await http.GetAsync("/v1/notices?types=custom&timeout=5s");
        });
        await Task.Delay(100);

        await pair.Server.DisconnectAsync();

        await call;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => poll);
        await Assert.ThrowsAsync<PebbleConnectionException>(() => client.GetSystemInfoAsync());
    }

    [Fact]
    public async Task WaitChangeAsync_SocketVanishesWhileWaiting_PebbleConnectionException()
    {
        await using var pair = await Pair.StartAsync();
        using var client = new PebbleClient(pair.Server.SocketPath, timeout: TimeSpan.FromSeconds(10));
        pair.Server.HoldChanges = true;
        var start = client.StartServicesAsync(["batch"], timeout: TimeSpan.FromSeconds(8));
        await Task.Delay(200);

        await pair.Server.DisconnectAsync();

        await Assert.ThrowsAsync<PebbleConnectionException>(() => start);
    }

    [Fact]
    public async Task AddLayerAsync_ThenGetPlanAsync_SamePlanAsServer()
    {
        await using var pair = await Pair.StartAsync(withRock: false);
        var layer = Layer.FromYaml(Rock);

        await pair.Client.AddLayerAsync("rock", layer);
        var plan = await pair.Client.GetPlanAsync();

        Assert.Equal(pair.Server.Plan, plan);
        Assert.Equal("/bin/web", plan.Services["web"].Command);
    }

    [Fact]
    public async Task AddLayerAsync_LabelTaken_PebbleApiException400()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.AddLayerAsync("rock", Layer.FromYaml(Rock)));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("layer \"rock\" already exists", error.Message);
    }

    [Fact]
    public async Task AddLayerAsync_Combine_MergesIntoLabel()
    {
        await using var pair = await Pair.StartAsync();

        await pair.Client.AddLayerAsync("rock", Layer.FromYaml("services: {web: {override: merge, environment: {PORT: '9090'}}}"), combine: true);

        Assert.Equal("9090", pair.Server.Plan.Services["web"].Environment["PORT"]);
        Assert.Single(pair.Server.Layers);
    }

    [Fact]
    public async Task ReplanAsync_EnabledService_ActiveOnBothSides()
    {
        await using var pair = await Pair.StartAsync();

        await pair.Client.ReplanAsync();
        var services = await pair.Client.GetServicesAsync();

        Assert.Equal(ServiceStatus.Active, services.Single(s => s.Name == "web").Current);
        Assert.Equal(ServiceStatus.Inactive, services.Single(s => s.Name == "batch").Current);
        Assert.Equal("active", pair.Server.ServiceStatuses["web"]);
    }

    [Fact]
    public async Task StartStopRestart_Service_StatusesFollow()
    {
        await using var pair = await Pair.StartAsync();

        await pair.Client.StartServicesAsync(["batch"]);
        var started = pair.Server.ServiceStatuses["batch"];
        await pair.Client.RestartServicesAsync(["batch"]);
        var restarted = pair.Server.ServiceStatuses["batch"];
        await pair.Client.StopServicesAsync(["batch"]);

        Assert.Equal(("active", "active", "inactive"), (started, restarted, pair.Server.ServiceStatuses["batch"]));
    }

    [Fact]
    public async Task AutostartServicesAsync_EnabledService_Starts()
    {
        await using var pair = await Pair.StartAsync();

        await pair.Client.AutostartServicesAsync();

        Assert.Equal("active", pair.Server.ServiceStatuses["web"]);
    }

    [Fact]
    public async Task StartServicesAsync_UnknownService_PebbleApiException()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.StartServicesAsync(["ghost"]));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("cannot start services: service \"ghost\" does not exist", error.Message);
    }

    [Fact]
    public async Task StartServicesAsync_FailingStart_PebbleChangeExceptionWithErr()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.FailServiceStart("batch");

        var error = await Assert.ThrowsAsync<PebbleChangeException>(() => pair.Client.StartServicesAsync(["batch"]));

        Assert.Contains("service start attempt: exited quickly with code 1, will restart", error.Err, StringComparison.Ordinal);
        Assert.Equal(ServiceStatus.Backoff, (await pair.Client.GetServicesAsync(["batch"])).Single().Current);
    }

    [Fact]
    public async Task StartServicesAsync_HeldChangeShortTimeout_PebbleChangeTimeoutException()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.HoldChanges = true;

        await Assert.ThrowsAsync<PebbleChangeTimeoutException>(() => pair.Client.StartServicesAsync(["batch"], timeout: TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Changes_GetWaitAbort_RoundTrip()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.HoldChanges = true;
        var start = pair.Client.StartServicesAsync(["batch"], timeout: TimeSpan.FromSeconds(5));
        await Task.Delay(100);

        var pending = Assert.Single(await pair.Client.GetChangesAsync(), c => c.Kind == "start");
        var aborted = await pair.Client.AbortChangeAsync(pending.Id);
        var waited = await pair.Client.WaitChangeAsync(pending.Id, TimeSpan.FromSeconds(1));
        await start; // the running task ends Done (no undo), the rest are held: the change is ready without an error

        Assert.True(aborted.Ready);
        Assert.True(waited.Ready);
        Assert.Equal(pending.Id, (await pair.Client.GetChangeAsync(pending.Id)).Id);
        Assert.Contains(await pair.Client.GetChangesAsync(ChangeSelect.All, "batch"), c => c.Id == pending.Id);
    }

    [Fact]
    public async Task GetChangeAsync_Unknown_PebbleApiException404()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.GetChangeAsync("404"));

        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task Checks_DownThenStopStart_ClientSeesIt()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.SetCheckStatus("ready", "down");

        var down = (await pair.Client.GetChecksAsync()).Single();
        var healthy = await pair.Client.GetHealthAsync(CheckLevel.Ready);
        var stopped = await pair.Client.StopChecksAsync(["ready"]);
        var started = await pair.Client.StartChecksAsync(["ready"]);

        Assert.Equal(CheckStatus.Down, down.Status);
        Assert.Equal(3, down.Failures);
        Assert.False(healthy);
        Assert.Equal(["ready"], stopped);
        Assert.Equal(["ready"], started);
        Assert.True(await pair.Client.GetHealthAsync());
    }

    [Fact]
    public async Task StartChecksAsync_Unknown_PebbleApiException()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.StartChecksAsync(["ghost"]));

        Assert.Equal("cannot start checks: cannot find checks in plan: ghost", error.Message);
    }

    [Fact]
    public async Task PushPullList_File_RoundTrip()
    {
        await using var pair = await Pair.StartAsync();

        await pair.Client.PushAsync("/etc/web/config.yaml", "port: 8080\n", new PushOptions { MakeDirs = true, Permissions = "600" });
        var text = await pair.Client.PullTextAsync("/etc/web/config.yaml");
        var listing = await pair.Client.ListFilesAsync("/etc/web");

        Assert.Equal("port: 8080\n", text);
        var entry = Assert.Single(listing);
        Assert.Equal("config.yaml", entry.Name);
        Assert.Equal(PebbleFileType.File, entry.Type);
        Assert.True(await pair.Client.ExistsAsync("/etc/web/config.yaml"));
        Assert.True(await pair.Client.IsDirAsync("/etc/web"));
        Assert.False(await pair.Client.ExistsAsync("/etc/nope"));
    }

    [Fact]
    public async Task PullAsync_Missing_PebblePathExceptionNotFound()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebblePathException>(() => pair.Client.PullAsync("/nope"));

        Assert.Equal("not-found", error.Kind);
    }

    [Fact]
    public async Task PushAsync_MissingParent_PebblePathException()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebblePathException>(() => pair.Client.PushAsync("/a/b/c", "x"));

        Assert.Equal("not-found", error.Kind);
    }

    [Fact]
    public async Task MakeDirAndRemove_Dirs_RoundTrip()
    {
        await using var pair = await Pair.StartAsync();

        await pair.Client.MakeDirAsync("/srv/data/cache", new MakeDirOptions { MakeParents = true });
        var removeNonEmpty = await Assert.ThrowsAsync<PebblePathException>(() => pair.Client.RemovePathAsync("/srv"));
        await pair.Client.RemovePathAsync("/srv", recursive: true);

        Assert.Equal("generic-file-error", removeNonEmpty.Kind);
        Assert.False(Directory.Exists(Path.Combine(pair.Server.Root, "srv")));
    }

    [Fact]
    public async Task ExecAsync_Scripted_OutputAndHistory()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.AddExec(["web", "--version"], stdout: "1.2.3\n", stderr: "note\n");

        var result = await pair.Client.ExecAsync(["web", "--version"], new ExecOptions { Environment = new Dictionary<string, string> { ["A"] = "1" } });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1.2.3\n", result.Stdout);
        Assert.Equal("note\n", result.Stderr);
        var entry = Assert.Single(pair.Server.ExecHistory);
        Assert.Equal("1", entry.Environment["A"]);
    }

    [Fact]
    public async Task ExecAsync_HandlerWithStdin_SeesIt()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.AddExec(["wc", "-c"], request => new ExecResponse(0, $"{request.Stdin.Length}\n"));

        var result = await pair.Client.ExecAsync(["wc", "-c"], new ExecOptions { Stdin = "hello" });

        Assert.Equal("5\n", result.Stdout);
        Assert.Equal("hello", pair.Server.ExecHistory.Single().StdinText);
    }

    [Fact]
    public async Task ExecAndCheckAsync_NonZeroExit_PebbleExecException()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.AddExec(["false"], exitCode: 1, stderr: "nope\n");

        var error = await Assert.ThrowsAsync<PebbleExecException>(() => pair.Client.ExecAndCheckAsync(["false"]));

        Assert.Equal(1, error.ExitCode);
    }

    [Fact]
    public async Task ExecAsync_NoScriptedCommand_PebbleApiException()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.ExecAsync(["missing"]));

        Assert.Equal("cannot find executable \"missing\"", error.Message);
    }

    [Fact]
    public async Task ExecAsync_CombineStderr_OneStream()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.AddExec(["sh"], stdout: "out\n", stderr: "err\n");

        var result = await pair.Client.ExecAsync(["sh"], new ExecOptions { CombineStderr = true });

        Assert.Equal("out\nerr\n", result.Stdout);
    }

    [Fact]
    public async Task SendSignalAsync_RunningAndNot_TrueOr500()
    {
        await using var pair = await Pair.StartAsync();
        await pair.Client.StartServicesAsync(["batch"]);

        await pair.Client.SendSignalAsync("SIGHUP", ["batch"]);
        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.SendSignalAsync("SIGHUP", ["web"]));

        Assert.Equal(500, error.StatusCode);
    }

    [Fact]
    public async Task Notices_NotifyGetFilter_RoundTrip()
    {
        await using var pair = await Pair.StartAsync();

        var id = await pair.Client.NotifyAsync("example.com/db/ready", new Dictionary<string, string> { ["host"] = "db-0" });
        var again = await pair.Client.NotifyAsync("example.com/db/ready");
        var notice = await pair.Client.GetNoticeAsync(id);
        var custom = await pair.Client.GetNoticesAsync(new NoticeFilter { Types = ["custom"] });

        Assert.Equal(id, again);
        Assert.Equal(2, notice.Occurrences);
        Assert.Equal("example.com/db/ready", Assert.Single(custom).Key);
        Assert.Contains(pair.Server.Notices, n => n.Id == id);
    }

    [Fact]
    public async Task NotifyAsync_DataOver4KiB_ClientRefusesWithPebbleTextBeforeSending()
    {
        await using var pair = await Pair.StartAsync();
        var data = new Dictionary<string, string> { ["big"] = new string('x', 5000) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => pair.Client.NotifyAsync("example.com/big", data));

        Assert.StartsWith("total size of data must be 4096 bytes or less", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(pair.Server.Requests, r => r.Path == "/v1/notices");
    }

    [Fact]
    public async Task GetNoticeAsync_Unknown_PebbleApiException404()
    {
        await using var pair = await Pair.StartAsync();

        var error = await Assert.ThrowsAsync<PebbleApiException>(() => pair.Client.GetNoticeAsync("999"));

        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task GetLogsAsync_ServiceLogs_Entries()
    {
        await using var pair = await Pair.StartAsync();
        pair.Server.SetServiceLogs("web", "listening on :8080");

        var logs = await pair.Client.GetLogsAsync(["web"]);

        Assert.Equal("listening on :8080", Assert.Single(logs).Message);
    }
}
