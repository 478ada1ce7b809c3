// JujuCommandTests: `mlobs juju` as a user runs it, against the fake controller (TLS, login, every request
// checked against Juju's schema) with the fake model behind it, found through a JUJU_DATA dir as `juju`
// finds its controller. Skipped, with the path, when Juju's schema is not beside the repository.
using System.Text.Json.Nodes;
using Juju.Net.Testing;

namespace MlObs.Cli.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JujuCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _temp = Directory.CreateTempSubdirectory("mlobs-juju-").FullName;
    private readonly FakeModel _model = FakeModels.MlObs()
        .OnAction("show-report", call => call.Parameters["model"]?.ToString() == "missing"
            ? new FakeActionResult("failed", Message: "no model missing; list-models shows the models")
            : new FakeActionResult("completed", new JsonObject { ["drift-share"] = "0.25", ["drifted"] = "true" }));

    private FakeController? _controller;

    private static string SchemaPath => Path.GetFullPath(Path.Combine(PackedDriftMonitorCharm.RepositoryRoot, "..", "shared", "juju-schema", "schema.json"));

    private string JujuData => Path.Combine(_temp, "juju");

    public async Task InitializeAsync()
    {
        if (!File.Exists(SchemaPath))
        {
            return;
        }

        _controller = await FakeController.StartAsync(new FakeControllerOptions { Schema = JujuApiSchema.Load(SchemaPath), Api = _model, Models = [_model.ModelUuid] });
        FakeJujuData.Write(JujuData, _controller, "fake", "admin/mlobs", _model.ModelUuid);
    }

    public async Task DisposeAsync()
    {
        if (_controller is not null)
        {
            await _controller.DisposeAsync();
        }

        Directory.Delete(_temp, recursive: true);
    }

    private Task<Mlobs.Result> Juju(params string[] arguments)
    {
        Skip.If(_controller is null, $"Juju's schema is not at {SchemaPath} (the shared dir beside the repository root); the fake controller cannot check requests.");
        return Mlobs.RunAsync(Timeout, new Dictionary<string, string> { ["JUJU_DATA"] = JujuData }, ["juju", .. arguments]);
    }

    [SkippableFact]
    public async Task DeployWaitStatus_TheMlObsBundleWithCosOffers_SettlesAndShowsTheApplications()
    {
        var bundleDir = FakeModels.CopyMlObsBundle(PackedDriftMonitorCharm.RepositoryRoot, _temp);

        var deploy = await Juju("deploy", Path.Combine(bundleDir, "bundle.yaml"), "--overlay", Path.Combine(_temp, "bundles", "overlays", "cos-offers.yaml"));
        var again = await Juju("deploy", Path.Combine(bundleDir, "bundle.yaml"), "--overlay", Path.Combine(_temp, "bundles", "overlays", "cos-offers.yaml"));
        var wait = await Juju("wait", "--timeout", "60s", "--idle-period", "1ms");
        var status = await Juju("status");

        Assert.True(deploy.ExitCode == 0, deploy.Describe());
        Assert.Contains("applied deploy drift-monitor", deploy.Stderr, StringComparison.Ordinal);
        Assert.Contains("applied deploy kubeflow-observability", deploy.Stderr, StringComparison.Ordinal);
        Assert.Contains("0 change(s) applied", again.Stdout, StringComparison.Ordinal);
        Assert.True(wait.ExitCode == 0, wait.Describe());
        Assert.Contains("fake:admin/mlobs is settled: 3 unit(s) active and idle.", wait.Stdout, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.Describe());
        Assert.Matches(@"(?m)^drift-monitor\s+active\s+1\s+drift-monitor-k8s", status.Stdout);
        Assert.Matches(@"(?m)^drift-monitor/0\*?\s+active\s+idle", status.Stdout);
        Assert.Matches(@"(?m)^kubeflow-observability\s+active\s+1\s+kubeflow-observability-k8s", status.Stdout);
        Assert.Matches(@"(?m)^loki-logging\s+\S*\s*local\s+admin/cos.loki-logging", status.Stdout);
        Assert.Contains("otelcol:send-loki-logs", status.Stdout, StringComparison.Ordinal);
        Assert.Empty(_controller!.InvalidRequests);
    }

    [SkippableFact]
    public async Task RunConfigIntegrate_OnADeployedModel_DoWhatJujuWould()
    {
        var bundleDir = FakeModels.CopyMlObsBundle(PackedDriftMonitorCharm.RepositoryRoot, _temp);
        var deploy = await Juju("deploy", Path.Combine(bundleDir, "bundle.yaml"));
        Assert.True(deploy.ExitCode == 0, deploy.Describe());

        var run = await Juju("run", "drift-monitor/0", "show-report", "model=cancer-classifier", "--format", "json");
        var failed = await Juju("run", "drift-monitor/0", "show-report", "model=missing");
        var set = await Juju("config", "drift-monitor", "window-records=500");
        var get = await Juju("config", "drift-monitor", "window-records");
        var all = await Juju("config", "drift-monitor");
        var unknown = await Juju("config", "drift-monitor", "no-such-option");
        var integrate = await Juju("integrate", "drift-monitor:metrics-endpoint", "otelcol:metrics-endpoint");

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("\"drift-share\": \"0.25\"", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("error: action show-report on drift-monitor/0 failed: no model missing; list-models shows the models", failed.Stderr, StringComparison.Ordinal);
        Assert.True(set.ExitCode == 0, set.Describe());
        Assert.Equal("500", get.Stdout.Trim());
        Assert.Contains("log-level = info  (string, default)", all.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("has no option 'no-such-option'; its options: log-level, window-records", unknown.Stderr, StringComparison.Ordinal);
        Assert.True(integrate.ExitCode == 0, integrate.Describe());
        Assert.Contains("were already integrated", integrate.Stdout, StringComparison.Ordinal);
        Assert.Empty(_controller!.InvalidRequests);
    }

    [SkippableFact]
    public async Task Errors_UnknownControllerWrongPasswordUnknownModelBadDuration_SayWhatToDo()
    {
        var unknownController = await Juju("status", "-c", "prod");
        FakeJujuData.Write(Path.Combine(_temp, "wrong"), _controller!, "fake", "admin/mlobs", _model.ModelUuid, password: "wrong");
        var wrongPassword = await Mlobs.RunAsync(Timeout, new Dictionary<string, string> { ["JUJU_DATA"] = Path.Combine(_temp, "wrong") }, "juju", "status");
        var unknownModel = await Juju("status", "-m", "admin/nope");
        var badDuration = await Juju("wait", "--timeout", "soon");
        var noData = await Mlobs.RunAsync(Timeout, new Dictionary<string, string> { ["JUJU_DATA"] = Path.Combine(_temp, "empty") }, "juju", "status");

        Assert.Equal(2, unknownController.ExitCode);
        Assert.Contains("Controller \"prod\" is not in", unknownController.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, wrongPassword.ExitCode);
        Assert.Contains("refused the login of admin", wrongPassword.Stderr, StringComparison.Ordinal);
        Assert.Contains("juju login -c fake", wrongPassword.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, unknownModel.ExitCode);
        Assert.Contains("juju models -c fake", unknownModel.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, badDuration.ExitCode);
        Assert.Contains("'soon' is not a duration", badDuration.Stderr + badDuration.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("controllers.yaml does not exist", noData.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesEveryVerbAndWhereTheControllerComesFrom()
    {
        var help = await Mlobs.RunAsync("juju", "--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var verb in new[] { "status", "deploy", "integrate", "wait", "run", "config" })
        {
            Assert.Contains(verb, help.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("JUJU_DATA", help.Stdout, StringComparison.Ordinal);
    }
}
