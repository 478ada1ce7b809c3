// DescribeModeTests: CharmHost's describe mode (MLOBS_DESCRIBE=1, or --describe outside a dispatch) builds the charm,
// runs no hook tool, and prints what the charm observes as JSON, including names charmcraft.yaml does not declare.
using System.Text.Json;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.Hosting;

public sealed class DescribeModeTests : IDisposable
{
    private const string Yaml = """
        name: probe-k8s
        containers:
          workload:
            resource: image
        resources:
          image:
            type: oci-image
        requires:
          db:
            interface: pg
        peers:
          replicas:
            interface: rep
        actions:
          greet:
            description: Greet.
        """;

    private readonly string _charmDir = Directory.CreateTempSubdirectory("mlobs-describe-").FullName;

    public DescribeModeTests() => File.WriteAllText(Path.Combine(_charmDir, "charmcraft.yaml"), Yaml);

    public void Dispose() => Directory.Delete(_charmDir, recursive: true);

    private sealed class ObservingCharm : CharmBase
    {
        public ObservingCharm(Framework framework, bool callHookTool)
            : base(framework)
        {
            On.ConfigChanged.Observe((HookEvent _) => { });
            On.Relation("db").Changed.Observe((RelationEvent _) => { });
            On.Relation("metrics").Joined.Observe((RelationEvent _) => { });
            _ = On.Relation("replicas"); // asked for, never observed
            On.Workload("workload").PebbleReady.Observe((WorkloadEvent _) => { });
            On.Action("greet").Observe((ActionEvent _) => { });
            On.Action("backup").Observe((ActionEvent _) => { });
            On.Custom("heartbeat").Observe((CustomEvent _) => { });
            if (callHookTool)
            {
                _ = Model.GetConfigAsync().GetAwaiter().GetResult();
            }
        }
    }

    private sealed class RefusingRunner : IHookCommandRunner
    {
        public int Calls { get; private set; }

        public Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new HookCommandResult(1, string.Empty, "no hook tools in this test"));
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr, int ToolCalls)> RunAsync(Dictionary<string, string> environment, string[] arguments, bool callHookTool = false)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var runner = new RefusingRunner();
        var exitCode = await CharmHost.RunAsync(
            framework => new ObservingCharm(framework, callHookTool),
            new CharmHostOptions { Environment = environment, Arguments = arguments, Stdout = stdout, Stderr = stderr, Runner = runner });
        return (exitCode, stdout.ToString(), stderr.ToString(), runner.Calls);
    }

    [Fact]
    public async Task MlobsDescribe_PrintsObservedEndpointsActionsAndEvents_WithoutHookTools()
    {
        var (exitCode, stdout, stderr, calls) = await RunAsync(new() { ["MLOBS_DESCRIBE"] = "1", ["JUJU_CHARM_DIR"] = _charmDir }, []);

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(0, calls);
        using var json = JsonDocument.Parse(stdout);
        string[] List(string name) => json.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal("probe-k8s", json.RootElement.GetProperty("charm").GetString());
        // metrics and backup are not in charmcraft.yaml: describe lists them so that charm pack can name the gap.
        Assert.Equal(["db", "metrics"], List("relations"));
        Assert.Equal(["backup", "greet"], List("actions"));
        Assert.Equal(["workload"], List("containers"));
        Assert.Empty(List("storages"));
        Assert.Equal(["backup_action", "config_changed", "db_relation_changed", "greet_action", "heartbeat", "metrics_relation_joined", "workload_pebble_ready"], List("events"));
    }

    [Fact]
    public async Task DescribeArgument_WorksOnlyOutsideADispatch()
    {
        var outside = await RunAsync(new() { ["JUJU_CHARM_DIR"] = _charmDir }, ["--describe"]);
        Assert.Equal(0, outside.ExitCode);
        Assert.StartsWith("{\"charm\":\"probe-k8s\"", outside.Stdout, StringComparison.Ordinal);

        // Inside a dispatch (JUJU_DISPATCH_PATH set) the argument is ignored and the hook runs as usual.
        var inside = await RunAsync(new() { ["JUJU_CHARM_DIR"] = _charmDir, ["JUJU_DISPATCH_PATH"] = "hooks/install" }, ["--describe"]);
        Assert.Equal(string.Empty, inside.Stdout);
        Assert.Equal(1, inside.ExitCode); // the context lacks JUJU_UNIT_NAME: a normal dispatch failure, not a description
    }

    [Fact]
    public async Task CharmThatCallsAHookToolWhileConstructed_FailsDescribe_WithOneLine()
    {
        var (exitCode, stdout, stderr, calls) = await RunAsync(new() { ["MLOBS_DESCRIBE"] = "1", ["JUJU_CHARM_DIR"] = _charmDir }, [], callHookTool: true);

        Assert.Equal(1, exitCode);
        Assert.Equal(0, calls);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("describe failed: InvalidOperationException: describe mode runs no hook tools, but the charm called config-get while it was being constructed", stderr.Trim());
    }
}
