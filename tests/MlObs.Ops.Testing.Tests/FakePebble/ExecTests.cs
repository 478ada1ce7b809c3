// Tests of POST /v1/exec and the task websockets on the fake Pebble: validation, scripted answers
// by longest prefix, handlers that read stdin, split and combined stderr, the exit code in the
// change, the environment Pebble reports, and the exec history.
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using MlObs.Ops.Testing.Pebble;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class ExecTests
{
    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static JsonObject Exec(string[] command, bool splitStderr = true, string? workingDir = null, string? timeout = null, JsonObject? environment = null)
    {
        var body = new JsonObject
        {
            ["command"] = new JsonArray([.. command.Select(c => (JsonNode?)c)]),
            ["environment"] = environment ?? [],
            ["split-stderr"] = splitStderr,
            ["terminal"] = false,
            ["interactive"] = false,
        };
        if (workingDir is not null)
        {
            body["working-dir"] = workingDir;
        }

        if (timeout is not null)
        {
            body["timeout"] = timeout;
        }

        return body;
    }

    /// <summary>Runs a command as ops does: POST, connect control/stdio/stderr, send stdin and end, read output, wait.</summary>
    private static async Task<(string Stdout, string Stderr, JsonObject Change)> RunAsync(Fake fake, JsonObject request, string? stdin = null)
    {
        var reply = await fake.Http.PostAsync("/v1/exec", request);
        Assert.True(reply.Status == 202, reply.Body);
        var taskId = Str(reply.Result!["task-id"]);
        var split = request["split-stderr"]!.GetValue<bool>();
        using var control = await fake.Http.ConnectWebsocketAsync(taskId, "control");
        using var stdio = await fake.Http.ConnectWebsocketAsync(taskId, "stdio");
        using var stderr = split ? await fake.Http.ConnectWebsocketAsync(taskId, "stderr") : null;
        if (stdin is not null)
        {
            await stdio.SendAsync(Encoding.UTF8.GetBytes(stdin), WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        await PebbleHttp.SendEndAsync(stdio);
        var outTask = PebbleHttp.ReadStreamAsync(stdio);
        var errTask = stderr is null ? Task.FromResult("") : PebbleHttp.ReadStreamAsync(stderr);
        var output = await outTask;
        var error = await errTask;
        var waited = await fake.Http.GetAsync($"/v1/changes/{Str(reply.Json["change"])}/wait?timeout=5s");
        return (output, error, waited.Result!.AsObject());
    }

    [Fact]
    public async Task PostExec_Scripted_AsyncWithTaskIdEnvironmentAndWorkingDir()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["echo"], stdout: "hi\n");

        var reply = await fake.Http.PostAsync("/v1/exec", Exec(["echo", "hi"], environment: new JsonObject { ["FOO"] = "bar" }));

        Assert.Equal(202, reply.Status);
        Assert.Equal(["type", "status-code", "status", "change", "result"], reply.Json.Select(p => p.Key));
        var result = reply.Result!.AsObject();
        Assert.Equal(["environment", "task-id", "working-dir"], result.Select(p => p.Key));
        Assert.Equal("{\"FOO\":\"bar\",\"HOME\":\"/root\",\"LANG\":\"C.UTF-8\",\"PATH\":\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"USER\":\"root\"}", result["environment"]!.ToJsonString());
        Assert.Equal("/", Str(result["working-dir"]));
    }

    [Fact]
    public async Task Exec_Scripted_StdoutStderrAndExitCode()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["ls"], exitCode: 2, stdout: "a\nb\n", stderr: "warning\n");

        var (stdout, stderr, change) = await RunAsync(fake, Exec(["ls", "-l", "/"]));

        Assert.Equal("a\nb\n", stdout);
        Assert.Equal("warning\n", stderr);
        Assert.Equal("Done", Str(change["status"]));
        Assert.Equal("exec", Str(change["kind"]));
        Assert.Equal("Execute command \"ls\"", Str(change["summary"]));
        Assert.Equal("{\"exit-code\":2}", change["tasks"]![0]!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Exec_CombinedStderr_StderrFollowsStdout()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["sh"], stdout: "out\n", stderr: "err\n");

        var (stdout, _, _) = await RunAsync(fake, Exec(["sh", "-c", "x"], splitStderr: false));

        Assert.Equal("out\nerr\n", stdout);
    }

    [Fact]
    public async Task AddExec_LongestPrefixWins()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec([], stdout: "any");
        fake.Server.AddExec(["git"], stdout: "git");
        fake.Server.AddExec(["git", "status"], stdout: "status");

        var status = await RunAsync(fake, Exec(["git", "status", "--short"]));
        var log = await RunAsync(fake, Exec(["git", "log"]));
        var other = await RunAsync(fake, Exec(["true"]));

        Assert.Equal(("status", "git", "any"), (status.Stdout, log.Stdout, other.Stdout));
    }

    [Fact]
    public async Task AddExec_Handler_SeesRequestAndStdin()
    {
        await using var fake = await Fake.StartAsync();
        ExecRequest? seen = null;
        fake.Server.AddExec(["cat"], request =>
        {
            seen = request;
            return new ExecResponse(0, request.StdinText.ToUpperInvariant());
        });

        var (stdout, _, change) = await RunAsync(fake, Exec(["cat"], environment: new JsonObject { ["K"] = "v" }), stdin: "hello");

        Assert.Equal("HELLO", stdout);
        Assert.Equal(0, change["tasks"]![0]!["data"]!["exit-code"]!.GetValue<int>());
        Assert.NotNull(seen);
        Assert.Equal(["cat"], seen.Command);
        Assert.Equal("v", seen.Environment["K"]);
        Assert.True(seen.SplitStderr);
    }

    [Fact]
    public async Task ExecHistory_AfterRuns_RecordsRequestsAndStdin()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["psql"]);

        var run = await RunAsync(fake, Exec(["psql", "-c", "select 1"], workingDir: "/", timeout: "10.000s"), stdin: "input");

        var entry = Assert.Single(fake.Server.ExecHistory);
        Assert.Equal(["psql", "-c", "select 1"], entry.Command);
        Assert.Equal("/", entry.WorkingDir);
        Assert.Equal(TimeSpan.FromSeconds(10), entry.Timeout);
        Assert.Equal("input", entry.StdinText);
        Assert.Equal(Str(run.Change["id"]), entry.ChangeId);
    }

    [Theory]
    [InlineData("{\"command\":[]}", "must specify command")]
    [InlineData("{\"command\":[\"ls\"],\"timeout\":\"10\"}", "invalid timeout: time: invalid duration \"10\"")]
    [InlineData("{\"command\":[\"nope\"]}", "cannot find executable \"nope\"")]
    [InlineData("{\"command\":[\"ls\"],\"service-context\":\"ghost\"}", "context service \"ghost\" not found")]
    public async Task PostExec_BadRequest_Returns400(string body, string message)
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["ls"]);

        var reply = await fake.Http.PostAsync("/v1/exec", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task PostExec_MissingWorkingDir_Returns500LikePebble()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["ls"]);

        var reply = await fake.Http.PostAsync("/v1/exec", Exec(["ls"], workingDir: "/srv/app"));

        Assert.Equal(500, reply.Status);
        Assert.Equal("cannot call exec: working directory \"/srv/app\" does not exist", reply.Message);
    }

    [Fact]
    public async Task PostExec_ServiceContext_MergesServiceEnvironment()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {web: {override: replace, command: /bin/web, environment: {A: svc, B: svc}}}");
        fake.Server.AddExec(["env"]);
        var body = Exec(["env"], environment: new JsonObject { ["B"] = "request" });
        body["service-context"] = "web";

        var reply = await fake.Http.PostAsync("/v1/exec", body);

        var environment = reply.Result!["environment"]!;
        Assert.Equal(("svc", "request"), (Str(environment["A"]), Str(environment["B"])));
    }

    [Fact]
    public async Task Websocket_UnknownTask_Returns404()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/tasks/42/websocket/stdio");

        Assert.Equal(404, reply.Status);
        Assert.Equal("cannot find task \"42\"", reply.Message);
    }

    [Fact]
    public async Task Websocket_NonExecTask_Returns400()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {web: {override: replace, command: /bin/web}}");
        var change = await fake.Http.ServicesAsync("start", "web");

        var reply = await fake.Http.GetAsync($"/v1/tasks/{Str(change["tasks"]![0]!["id"])}/websocket/stdio");

        Assert.Equal(400, reply.Status);
        Assert.Equal("\"start\" tasks do not have websockets", reply.Message);
    }

    [Fact]
    public async Task Websocket_StderrWhenCombined_Returns404()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["ls"]);
        var taskId = Str((await fake.Http.PostAsync("/v1/exec", Exec(["ls"], splitStderr: false))).Result!["task-id"]);

        var reply = await fake.Http.GetAsync($"/v1/tasks/{taskId}/websocket/stderr");

        Assert.Equal(404, reply.Status);
        Assert.Equal($"cannot find stderr websocket for task \"{taskId}\"", reply.Message);
    }

    [Fact]
    public async Task Websocket_NotUpgraded_Returns400()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["ls"]);
        var taskId = Str((await fake.Http.PostAsync("/v1/exec", Exec(["ls"]))).Result!["task-id"]);

        var reply = await fake.Http.GetAsync($"/v1/tasks/{taskId}/websocket/stdio");

        Assert.Equal(400, reply.Status);
        Assert.StartsWith("websocket: the client is not using the websocket protocol", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Websocket_ConnectedTwice_Returns500()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["cat"], r => new ExecResponse());
        var taskId = Str((await fake.Http.PostAsync("/v1/exec", Exec(["cat"]))).Result!["task-id"]);
        using var first = await fake.Http.ConnectWebsocketAsync(taskId, "control");

        var reply = await fake.Http.GetAsync($"/v1/tasks/{taskId}/websocket/control");

        Assert.Equal(500, reply.Status);
        Assert.Equal("control websocket already connected", reply.Message);
    }

    [Fact]
    public async Task Exec_HandlerTimeoutBeforeStdinEnds_ChangeError()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddExec(["cat"], r => new ExecResponse());
        var reply = await fake.Http.PostAsync("/v1/exec", Exec(["cat"], splitStderr: false, timeout: "0.1s"));
        var taskId = Str(reply.Result!["task-id"]);
        using var control = await fake.Http.ConnectWebsocketAsync(taskId, "control");
        using var stdio = await fake.Http.ConnectWebsocketAsync(taskId, "stdio");

        var waited = await fake.Http.GetAsync($"/v1/changes/{Str(reply.Json["change"])}/wait?timeout=5s");

        Assert.Equal("Error", Str(waited.Result!["status"]));
        Assert.EndsWith("(timed out after 100ms: context deadline exceeded)", Str(waited.Result!["err"]), StringComparison.Ordinal);
        Assert.Equal(-1, waited.Result!["tasks"]![0]!["data"]!["exit-code"]!.GetValue<int>());
    }
}
