// EmulatorRunTests: the out-of-process emulator runs real charms as Juju's unit agent would: the
// Native AOT sample charm through a unit's life (each output state is the next input), and an
// unmodified Python ops charm when python3 can import ops.
using System.Text.Json;
using MlObs.Ops.Hosting;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Tests.ProcessLevel;

[Collection(PublishedSampleCharm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EmulatorRunTests(SampleCharmPublish publish) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("emulator-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<CharmRunResult> RunAsync(string charmDir, UnitState state, EventSpec @event, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await CharmRunner.RunAsync(new CharmRunOptions
        {
            CharmDir = charmDir,
            State = state,
            Event = @event,
            HookToolClient = await publish.HookToolClient,
            ExtraEnvironment = environment,
        });

        // OUT.json must read back as the next IN.json.
        Assert.Equal(result.State, StateJson.Read(CharmRunOutput.Write(result)));
        return result;
    }

    private static string Describe(CharmRunResult result) =>
        $"exit {result.ExitCode}\nstderr: {result.Stderr}\njuju-log: {string.Join("\n", result.Records.JujuLog.Select(l => $"{l.Level} {l.Message}"))}";

    [SkippableFact]
    public async Task SampleCharm_ThroughAUnitsLife_EachOutputFeedsTheNextRun()
    {
        var charm = publish.CreateCharmDir(_root);
        var relation = RelationState.Regular("db", 1, "pg") with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
        };
        var state = UnitState.Empty with
        {
            Leader = true,
            Config = new Dictionary<string, JsonElement> { ["port"] = JsonDocument.Parse("9090").RootElement },
            Containers = [new ContainerState { Name = "workload", CanConnect = true }],
        };

        var install = await RunAsync(charm, state, new EventSpec(EventKind.Install));
        Assert.True(install.ExitCode == 0, Describe(install));
        Assert.Contains(install.Records.JujuLog, l => l.Level == "INFO" && l.Message == "Installing sample charm");
        Assert.Equal(new StatusState("active", "serving on 9090"), install.State.UnitStatus);
        Assert.Equal([StatusState.Unknown], install.Records.UnitStatusHistory);
        Assert.True(install.DispatchSeconds > 0);

        var configChanged = await RunAsync(charm, install.State with { Relations = [relation] }, new EventSpec(EventKind.ConfigChanged));
        Assert.True(configChanged.ExitCode == 0, Describe(configChanged));
        Assert.Equal("9090", configChanged.State.GetRelation(1)!.LocalAppData["port"]);

        var joined = await RunAsync(charm, configChanged.State, EventSpec.Relation(EventKind.RelationJoined, "db", 1, "pg/0"));
        Assert.True(joined.ExitCode == 0, Describe(joined));
        Assert.Contains(joined.Records.JujuLog, l => l.Message == "db:1: Reconciling for db_relation_joined with port 9090");

        var withEndpoint = joined.State with
        {
            Relations = [joined.State.GetRelation(1)! with { RemoteAppData = new Dictionary<string, string> { ["endpoint"] = "pg:5432" } }],
        };
        var changed = await RunAsync(charm, withEndpoint, EventSpec.Relation(EventKind.RelationChanged, "db", 1, "pg/0"));
        Assert.True(changed.ExitCode == 0, Describe(changed));
        Assert.Equal(new StatusState("active", "serving on 9090, database pg:5432"), changed.State.UnitStatus);
        Assert.Contains("pg:5432", changed.State.UnitStateData["mlobs.stored.sample"], StringComparison.Ordinal);

        var greet = await RunAsync(charm, changed.State, EventSpec.Action("greet", new Dictionary<string, JsonElement>
        {
            ["name"] = JsonDocument.Parse("\"Ada\"").RootElement,
        }));
        Assert.True(greet.ExitCode == 0, Describe(greet));
        Assert.Equal("Hello, Ada!", greet.Records.ActionResults!.Value.GetProperty("greeting").GetString());
        Assert.Equal(["greeting"], greet.Records.ActionLogs);
        Assert.Null(greet.Records.ActionFailure);

        Skip.IfNot(greet.Warnings.Count == 0 || IsRoot, "the fake Pebble is reachable at /charm/containers only from a private mount namespace, which needs root");
        var ready = await RunAsync(charm, greet.State, EventSpec.Workload(EventKind.PebbleReady, "workload"));
        Assert.True(ready.ExitCode == 0, Describe(ready));
        var workload = ready.State.GetContainer("workload")!;
        Assert.Equal("/bin/sample-server --port 9090", workload.Layers["sample"].Services["sample"].Command);
        Assert.Equal(ServiceStatus.Active, workload.ServiceStatuses["sample"]);
        Assert.Contains(ready.Records.JujuLog, l => l.Message == "Workload layer applied; serving on port 9090");
    }

    [Fact]
    public async Task ChainedRuns_ThroughOutJson_KeepTheContainersBootId()
    {
        var charm = publish.CreateCharmDir(_root);
        var state = UnitState.Empty with { Leader = true, Containers = [new ContainerState { Name = "workload", CanConnect = true }] };

        var first = await RunAsync(charm, state, new EventSpec(EventKind.Install));
        var second = await RunAsync(charm, StateJson.Read(CharmRunOutput.Write(first)), new EventSpec(EventKind.UpdateStatus));

        var bootId = first.State.GetContainer("workload")!.BootId;
        Assert.True(Guid.TryParse(bootId, out _), $"boot id {bootId}");
        Assert.Equal(bootId, second.State.GetContainer("workload")!.BootId);
    }

    [Fact]
    public async Task SampleCharm_ThatThrows_CommitsNothing()
    {
        var charm = publish.CreateCharmDir(_root);
        // Two relations on db, whose limit is 1: the reconcile's GetRelationAsync("db") throws.
        var db = RelationState.Regular("db", 1, "pg");
        var state = UnitState.Empty with { Leader = true, Relations = [db, db with { Id = 2 }] };

        var result = await RunAsync(charm, state, new EventSpec(EventKind.ConfigChanged));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Records.JujuLog, l => l.Level == "ERROR" && l.Message.StartsWith("Uncaught exception while in charm code", StringComparison.Ordinal));
        Assert.Equal(state.UnitStateData, result.State.UnitStateData);
    }

    [Fact]
    public async Task SampleCharm_HookToolsNotOnPath_CallsTheAgentInProcess()
    {
        var charm = publish.CreateCharmDir(_root);
        var state = UnitState.Empty with { Leader = true, Relations = [RelationState.Regular("db", 1, "pg")] };
        var withTools = await RunAsync(charm, state, new EventSpec(EventKind.ConfigChanged));

        // No tool on PATH: only the calls the charm makes on the agent's socket itself can work.
        var socketOnly = await RunAsync(charm, state, new EventSpec(EventKind.ConfigChanged), new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" });

        Assert.True(socketOnly.ExitCode == 0, Describe(socketOnly));
        Assert.Equal(withTools.State, socketOnly.State);
        Assert.Equal(withTools.Records.Calls.Select(c => c.Tool), socketOnly.Records.Calls.Select(c => c.Tool));
        Assert.Equal("8080", socketOnly.State.GetRelation(1)!.LocalAppData["port"]);
    }

    [Fact]
    public async Task SampleCharm_MlobsHookToolsExec_RunsEveryToolAsAProcess()
    {
        var charm = publish.CreateCharmDir(_root);
        var state = UnitState.Empty with { Leader = true, Relations = [RelationState.Regular("db", 1, "pg")] };
        var socket = await RunAsync(charm, state, new EventSpec(EventKind.ConfigChanged));

        var exec = await RunAsync(charm, state, new EventSpec(EventKind.ConfigChanged), new Dictionary<string, string> { ["MLOBS_HOOK_TOOLS"] = "exec" });
        var execWithoutTools = await RunAsync(
            charm, state, new EventSpec(EventKind.ConfigChanged), new Dictionary<string, string> { ["MLOBS_HOOK_TOOLS"] = "exec", ["PATH"] = "/usr/bin:/bin" });

        Assert.True(exec.ExitCode == 0, Describe(exec));
        Assert.Equal(socket.State, exec.State);
        Assert.Equal(socket.Records.Calls.Select(c => c.Tool), exec.Records.Calls.Select(c => c.Tool));
        Assert.Equal(1, execWithoutTools.ExitCode);
        Assert.Contains("was not found on PATH", execWithoutTools.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CharmDirWithoutDispatch_IsRefusedWithOneLine()
    {
        var charm = Directory.CreateDirectory(Path.Combine(_root, "no-dispatch")).FullName;
        File.Copy(Path.Combine(publish.PublishDir, "charmcraft.yaml"), Path.Combine(charm, "charmcraft.yaml"));

        var error = await Assert.ThrowsAsync<CharmRunException>(() => RunAsync(charm, UnitState.Empty, new EventSpec(EventKind.Install)));

        Assert.Equal($"charm dir {charm} has no dispatch (nor hooks/install); is it a packed charm or a charm project?", error.Message);
    }

    [Fact]
    public async Task CharmRunCommand_WritesOutJson_ThatReadsBackAsTheNextState()
    {
        var charm = publish.CreateCharmDir(_root);
        var stateIn = Path.Combine(_root, "in.json");
        var stateOut = Path.Combine(_root, "out.json");
        await File.WriteAllTextAsync(stateIn, """{"config": {"port": 7070}, "leader": true}""");

        var result = await ChildProcess.RunAsync(
            "/bin/sh",
            [Path.Combine(RepoPaths.Root, "tools", "MlObs.Cli", "mlobs.sh"), "charm", "run", charm, "--event", "install",
                "--state", stateIn, "--out", stateOut, "--hook-tool-client", await publish.HookToolClient],
            ChildProcess.EnvironmentForDotnet(),
            _root,
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Matches(@"^hooks/install: exit 0 in \d+\.\d ms, \d+ hook-tool calls, unit active: serving on 7070; wrote ", result.Stderr);
        using var output = JsonDocument.Parse(await File.ReadAllTextAsync(stateOut));
        Assert.Equal(0, output.RootElement.GetProperty("exit_code").GetInt32());
        Assert.True(output.RootElement.GetProperty("dispatch_seconds").GetDouble() > 0);
        Assert.Contains(
            output.RootElement.GetProperty("juju_log").EnumerateArray(),
            l => l.GetProperty("message").GetString() == "Installing sample charm");
        Assert.Equal(new StatusState("active", "serving on 7070"), StateJson.ReadFile(stateOut).UnitStatus);
    }

    [SkippableFact]
    public async Task PythonOpsCharm_Unmodified_RunsThroughTheEmulator()
    {
        var pythonPath = Environment.GetEnvironmentVariable("PYTHONPATH") ?? string.Empty;
        var probe = await ChildProcess.RunAsync(
            "/bin/sh", ["-c", "python3 -c 'import ops; print(ops.__version__)'"],
            new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin", ["PYTHONPATH"] = pythonPath, ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root" },
            _root);
        Skip.If(probe.ExitCode != 0, $"python3 cannot import ops here ({probe.Stderr.Trim().Split('\n')[^1]}); install ops (pip install ops) or put it on PYTHONPATH to run this test");
        Skip.IfNot(IsRoot, "the Python charm reaches Pebble at /charm/containers only from a private mount namespace, which needs root");

        var charm = Path.Combine(_root, "py-charm");
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "ProcessLevel", "PythonOpsCharm"), charm);
        File.SetUnixFileMode(Path.Combine(charm, "dispatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string> { ["PYTHONPATH"] = pythonPath, ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root" };
        var relation = RelationState.Regular("db", 3, "pg") with
        {
            RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = RelationState.DefaultUnitData },
            RemoteAppData = new Dictionary<string, string> { ["endpoint"] = "pg:5432" },
        };
        var state = UnitState.Empty with
        {
            Leader = true,
            Relations = [relation, RelationState.Peer("replicas", 4)],
            Containers = [new ContainerState { Name = "workload", CanConnect = true }],
            Storages = [new StorageState("data", 0)],
        };

        var install = await RunAsync(charm, state, new EventSpec(EventKind.Install), environment);
        Assert.True(install.ExitCode == 0, Describe(install));
        Assert.Contains(install.Records.JujuLog, l => l.Message.Contains("installing py-demo", StringComparison.Ordinal));
        Assert.Equal("1.0.0", install.State.WorkloadVersion);
        var secret = Assert.Single(install.State.Secrets);
        Assert.Equal(("api-token", SecretOwner.App, "s3cr3t-token"), (secret.Label, secret.Owner, secret.TrackedContent["token"]));
        Assert.Equal(new PortState(PortProtocol.Tcp, 8080), Assert.Single(install.State.OpenedPorts));

        // ops 2.20 finds the storage id through `storage-get --help`; ops 3 through storage-list.
        var attached = await RunAsync(charm, install.State, EventSpec.Storage(EventKind.StorageAttached, "data", 0), environment);
        Assert.True(attached.ExitCode == 0, Describe(attached));
        Assert.Contains(attached.Records.JujuLog, l => l.Message.EndsWith("storage data/0 attached at /var/lib/juju/storage/data/0", StringComparison.Ordinal));
        Assert.Equal(new StatusState("waiting", "waiting for the database"), install.State.UnitStatus);

        var joined = await RunAsync(charm, attached.State, EventSpec.Relation(EventKind.RelationJoined, "db", 3, "pg/0"), environment);
        Assert.True(joined.ExitCode == 0, Describe(joined));
        Assert.Equal("8080", joined.State.GetRelation(3)!.LocalAppData["port"]);
        Assert.Equal("true", joined.State.GetRelation(3)!.LocalUnitData["ready"]);

        var changed = await RunAsync(charm, joined.State, EventSpec.Relation(EventKind.RelationChanged, "db", 3, "pg/0"), environment);
        Assert.True(changed.ExitCode == 0, Describe(changed));
        Assert.Equal(new StatusState("active", "database pg:5432"), changed.State.UnitStatus);

        var greet = await RunAsync(charm, changed.State, EventSpec.Action("greet", new Dictionary<string, JsonElement>
        {
            ["name"] = JsonDocument.Parse("\"Grace\"").RootElement,
        }), environment);
        Assert.True(greet.ExitCode == 0, Describe(greet));
        Assert.Equal("Hello, Grace!", greet.Records.ActionResults!.Value.GetProperty("greeting").GetString());
        Assert.Equal(["greeting"], greet.Records.ActionLogs);

        var ready = await RunAsync(charm, greet.State, EventSpec.Workload(EventKind.PebbleReady, "workload"), environment);
        Assert.True(ready.ExitCode == 0, Describe(ready));
        var workload = ready.State.GetContainer("workload")!;
        Assert.Equal("/bin/web --port 8080", workload.Layers["py-demo"].Services["web"].Command);
        Assert.Equal(ServiceStatus.Active, workload.ServiceStatuses["web"]);
    }

    private static bool IsRoot => File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:\t0\t", StringComparison.Ordinal));

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
