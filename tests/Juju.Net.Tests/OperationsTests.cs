// OperationsTests: JujuOperations against the stateful FakeModel through the in-memory caller:
// bundle → changes (facts of juju-api.md §3.1), deploying the MlObs bundle with its COS overlay
// and re-deploying it (no change applied), integrate, waits, actions, config and the failure paths.
using System.Text.Json;
using System.Text.Json.Nodes;
using Juju.Net.Testing;

namespace Juju.Net.Tests;

public sealed class OperationsTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);
    private readonly string _charmRoot = Directory.CreateTempSubdirectory("jops-").FullName;

    public void Dispose() => Directory.Delete(_charmRoot, recursive: true);

    private static FakeModel Model(string type = "caas") => FakeModels.MlObs(type);

    private static JujuOperations Ops(FakeModel model, bool failOnBlocked = true) => new(
        new InMemoryCaller(model),
        options: new JujuOperationsOptions
        {
            Controller = new InMemoryCaller(model),
            ModelTag = model.ModelTag,
            Uploader = model,
            PollInterval = TimeSpan.FromMilliseconds(1),
            IdlePeriod = TimeSpan.Zero,
            FailOnBlocked = failOnBlocked,
        });

    private static string BundleFile => Path.Combine(Shared.RepoRoot, "bundles", "mlobs", "bundle.yaml");

    private static string CosOverlay => File.ReadAllText(Path.Combine(Shared.RepoRoot, "bundles", "overlays", "cos-offers.yaml"));

    /// <summary>A directory two levels down from where the bundle's ../../charms/NAME/NAME_amd64.charm files are, with those files present.</summary>
    private string PackedCharmBase()
    {
        foreach (var name in new[] { "drift-monitor-k8s", "kubeflow-observability-k8s" })
        {
            var charm = Path.Combine(_charmRoot, "charms", name, $"{name}_amd64.charm");
            Directory.CreateDirectory(Path.GetDirectoryName(charm)!);
            File.WriteAllText(charm, "not a real archive: the fake controller does not open it");
        }
        var bundleDir = Path.Combine(_charmRoot, "bundles", "mlobs");
        Directory.CreateDirectory(bundleDir);
        return bundleDir;
    }

    private static async Task<JsonObject> ChangesOf(FakeModel model, string yaml)
    {
        var reply = await model.HandleAsync("Bundle", 6, "GetChangesMapArgs", null, new JsonObject { ["bundleURL"] = "", ["yaml"] = yaml }, default);
        return (JsonObject)((FakeReply.Ok)reply).Response!;
    }

    [Fact]
    public async Task GetChangesMapArgs_TwoApplicationsAndARelation_IdsRequiresAndPlaceholders()
    {
        var yaml = """
            applications:
              mysql: {charm: mysql, num_units: 1}
              wordpress: {charm: wordpress, channel: 6/stable, num_units: 1, expose: true}
            relations:
              - [wordpress:db, mysql:server]
            """;

        var changes = (await ChangesOf(new FakeModel(type: "iaas"), yaml))["changes"]!.AsArray();

        var summary = changes.Select(c => $"{c!["id"]} {c["args"]!.ToJsonString()} <- {c["requires"]!.ToJsonString()}").ToList();
        Assert.Equal(
            [
                """addCharm-0 {"charm":"mysql"} <- []""",
                """deploy-1 {"charm":"$addCharm-0","application":"mysql"} <- ["addCharm-0"]""",
                """addCharm-2 {"charm":"wordpress","channel":"6/stable"} <- []""",
                """deploy-3 {"charm":"$addCharm-2","application":"wordpress","channel":"6/stable"} <- ["addCharm-2"]""",
                """expose-4 {"application":"$deploy-3"} <- ["deploy-3"]""",
                """addRelation-5 {"endpoint1":"$deploy-3:db","endpoint2":"$deploy-1:server"} <- ["deploy-1","deploy-3"]""",
                """addUnit-6 {"application":"$deploy-1"} <- ["deploy-1"]""",
                """addUnit-7 {"application":"$deploy-3"} <- ["deploy-3"]""",
            ],
            summary);
    }

    [Fact]
    public async Task GetChangesMapArgs_Kubernetes_ScaleGoesInDeployAndNoAddUnit()
    {
        var changes = (await ChangesOf(new FakeModel(), "bundle: kubernetes\napplications:\n  pg: {charm: postgresql-k8s, scale: 3, trust: true}\n"))["changes"]!.AsArray();

        Assert.Equal(["addCharm-0", "deploy-1"], changes.Select(c => (string)c!["id"]!));
        Assert.Equal(3, (long)changes[1]!["args"]!["num-units"]!);
    }

    [Fact]
    public async Task GetChangesMapArgs_OverlayRemovesAndAdds_MergedLikeTheController()
    {
        var yaml = "applications:\n  a: {charm: a}\n  b: {charm: b}\n---\napplications:\n  b:\n  c: {charm: c, options: {x: 1}}\nsaas:\n  remote: {url: admin/other.remote}\nrelations:\n  - [c:x, remote:y]\n";

        var changes = (await ChangesOf(new FakeModel(), yaml))["changes"]!.AsArray();

        Assert.DoesNotContain(changes, c => (string?)c!["args"]!["application"] == "b");
        Assert.Contains(changes, c => c!["args"]!.ToJsonString() == """{"charm":"$addCharm-2","application":"c","options":{"x":1}}""");
        var relation = Assert.Single(changes, c => (string)c!["method"]! == "addRelation");
        Assert.Equal("""{"endpoint1":"$deploy-3:x","endpoint2":"$consumeOffer-4:y"}""", relation!["args"]!.ToJsonString());
    }

    [Fact]
    public async Task GetChangesMapArgs_RelationToUndefinedApplication_ErrorsAndNoChanges()
    {
        var result = await ChangesOf(new FakeModel(), "applications:\n  a: {charm: a}\nrelations:\n  - [a:x, ghost:y]\n");

        Assert.Null(result["changes"]);
        Assert.Equal("""relation ["a:x" "ghost:y"] refers to application "ghost" not defined in this bundle""", (string)result["errors"]![0]!);
    }

    [Fact]
    public async Task DeployBundleAsync_MlObsBundleWithCosOverlay_DeploysRelatesAndConsumes()
    {
        var model = Model();
        var ops = Ops(model);
        var reports = new List<BundleProgress>();

        var result = await ops.DeployBundleAsync(File.ReadAllText(BundleFile), [CosOverlay], new SyncProgress<BundleProgress>(reports.Add), PackedCharmBase());

        Assert.Equal(0, result.Skipped);
        Assert.Equal(result.Changes.Count, reports.Count);
        var status = await ops.StatusAsync();
        Assert.Equal(["drift-monitor", "kubeflow-observability", "otelcol"], status.Applications!.Keys.Order());
        Assert.Equal("local:drift-monitor-k8s-0", status.Applications["drift-monitor"].Charm);
        Assert.Equal("local:kubeflow-observability-k8s-0", status.Applications["kubeflow-observability"].Charm);
        Assert.True((await ops.GetConfigAsync("kubeflow-observability")).ApplicationConfig["trust"].GetBoolean());
        Assert.Equal(["grafana-dashboards", "loki-logging", "prometheus-receive-remote-write"], status.RemoteApplications!.Keys.Order());
        Assert.Equal(9, status.Relations!.Count);
        Assert.Contains(status.Relations, r => r.Key == "otelcol:send-loki-logs loki-logging:logging");
        Assert.True((await ops.GetConfigAsync("otelcol")).ApplicationConfig["trust"].GetBoolean());
        Assert.Contains("Resources.AddPendingResources", model.Calls);
        Assert.Contains("http.UploadResource", model.Calls);
    }

    [Fact]
    public async Task DeployBundleAsync_Redeploy_AppliesNoChange()
    {
        var model = Model();
        var ops = Ops(model);
        var baseDir = PackedCharmBase();
        await ops.DeployBundleAsync(File.ReadAllText(BundleFile), [CosOverlay], baseDirectory: baseDir);
        var callsBefore = model.Calls.Count;

        var again = await ops.DeployBundleAsync(File.ReadAllText(BundleFile), [CosOverlay], baseDirectory: baseDir);

        Assert.Equal(0, again.Applied);
        Assert.Equal(again.Changes.Count, again.Skipped);
        var calls = model.Calls.Skip(callsBefore).ToList();
        // The two local charms are uploaded again, as on every deploy of local charms; nothing else changes.
        Assert.Equal(["http.UploadCharm", "http.UploadCharm", "Bundle.GetChangesMapArgs", "Client.FullStatus"], calls);
    }

    [Fact]
    public async Task DeployBundleAsync_MachineModel_AddsUnitsAndPlacesThem()
    {
        var model = Model("iaas");
        var ops = Ops(model);
        var yaml = "machines:\n  '0': {}\napplications:\n  pg: {charm: postgresql, num_units: 2, to: ['0', 'lxd:0']}\n";

        var result = await ops.DeployBundleAsync(yaml);

        Assert.Equal(0, result.Skipped);
        var units = (await ops.StatusAsync()).Applications!["pg"].Units!;
        Assert.Equal(["0", "0/lxd/0"], units.Values.Select(u => u.Machine).Order());
        Assert.Equal(0, (await ops.DeployBundleAsync(yaml)).Applied);
    }

    [Fact]
    public async Task DeployBundleAsync_ControllerRejectsBundle_ThrowsWithItsErrors()
    {
        var ops = Ops(Model());

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => ops.DeployBundleAsync("applications:\n  a: {charm: a}\nrelations:\n  - [a:x, ghost:y]\n"));

        Assert.Contains("refers to application \"ghost\" not defined in this bundle", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployBundleAsync_DeployFails_NamesTheChangeAndServerMessage()
    {
        var model = Model().FailNext("Application", "Deploy", "cannot add application \"otelcol\": quota exceeded", "quota limit exceeded");
        var ops = Ops(model);

        var e = await Assert.ThrowsAsync<BundleChangeException>(() => ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  otelcol: {charm: opentelemetry-collector-k8s, scale: 1}\n"));

        Assert.Equal("deploy-1", e.Change.Id);
        Assert.Equal("quota limit exceeded", e.Code);
        Assert.Contains("deploy otelcol", e.Message, StringComparison.Ordinal);
        Assert.Contains("quota exceeded", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployBundleAsync_UnknownCharm_FailsAtAddCharm()
    {
        var ops = Ops(Model().WithUnknownCharm("nope"));

        var e = await Assert.ThrowsAsync<BundleChangeException>(() => ops.DeployBundleAsync("applications:\n  x: {charm: nope}\n"));

        Assert.Equal("addCharm-0", e.Change.Id);
        Assert.Contains("charm or bundle not found", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployBundleAsync_LocalCharmWithoutUploader_SaysWhatToSet()
    {
        var ops = new JujuOperations(new InMemoryCaller(Model()));

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => ops.DeployBundleAsync(File.ReadAllText(BundleFile), baseDirectory: PackedCharmBase()));

        Assert.Contains("JujuOperationsOptions.Uploader", e.Message, StringComparison.Ordinal);
        Assert.Contains("drift-monitor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntegrateAsync_NewThenExisting_TrueThenFalse()
    {
        var ops = Ops(Model());
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  otelcol: {charm: opentelemetry-collector-k8s, scale: 1}\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        Assert.True(await ops.IntegrateAsync("dm:metrics-endpoint", "otelcol:metrics-endpoint"));
        Assert.False(await ops.IntegrateAsync("otelcol:metrics-endpoint", "dm"));
    }

    [Fact]
    public async Task IntegrateAsync_UnknownApplication_SurfacesServerError()
    {
        var ops = Ops(Model());

        var e = await Assert.ThrowsAsync<FakeRpcException>(() => ops.IntegrateAsync("ghost:x", "other:y"));

        Assert.Equal("not found", e.Code);
    }

    [Fact]
    public async Task OfferAsync_ThenAgain_CreatesOnceAndShowsInStatus()
    {
        var ops = Ops(Model());
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        Assert.True(await ops.OfferAsync("dm", ["metrics-endpoint"], "dm-metrics"));
        Assert.False(await ops.OfferAsync("dm", ["metrics-endpoint"], "dm-metrics"));
        Assert.Equal("dm", (await ops.StatusAsync()).Offers!["dm-metrics"].ApplicationName);
    }

    [Fact]
    public async Task ConsumeAsync_UnknownOffer_ThrowsWithServerMessage()
    {
        var ops = Ops(Model());

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => ops.ConsumeAsync("admin/cos.nothing"));

        Assert.Equal("not found", e.Code);
        Assert.Contains("application offer \"admin/cos.nothing\" not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForIdleAsync_UnitsSettleOverPolls_ReturnsWhenActiveIdle()
    {
        var model = Model();
        var ops = Ops(model);
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 2}\n");
        var polls = new List<IdleProgress>();

        var status = await ops.WaitForIdleAsync(Long, null, new SyncProgress<IdleProgress>(polls.Add));

        Assert.All(status.Applications!["dm"].Units!.Values, u => Assert.Equal("active", u.WorkloadStatus!.Status));
        Assert.Equal([0, 0, 0, 2], polls.Select(p => p.Ready));
        Assert.Equal("allocating", polls[0].Pending[0].Agent);
        Assert.Equal("maintenance", polls[1].Pending[0].Workload);
    }

    [Fact]
    public async Task WaitForIdleAsync_NeverSettles_TimesOutNamingTheUnits()
    {
        var model = new FakeModel { SettlePolls = int.MaxValue };
        var ops = Ops(model);
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: dm, scale: 1}\n");

        var e = await Assert.ThrowsAsync<JujuWaitException>(() => ops.WaitForIdleAsync(TimeSpan.FromMilliseconds(50)));

        Assert.True(e.TimedOut);
        Assert.Contains("dm/0 maintenance/executing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForIdleAsync_UnitInError_FailsWithItsMessage()
    {
        var ops = Ops(Model().WithUnitsEndingIn("dm", "error", "hook failed: \"install\""));
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n  otelcol: {charm: opentelemetry-collector-k8s, scale: 1}\n");

        var e = await Assert.ThrowsAsync<JujuWaitException>(() => ops.WaitForIdleAsync(Long));

        Assert.False(e.TimedOut);
        Assert.Equal("dm/0", e.Units[0].Unit);
        Assert.Contains("hook failed: \"install\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForIdleAsync_BlockedNotFatal_OnlyWatchedApplicationsCount()
    {
        var ops = Ops(Model().WithUnitsEndingIn("otelcol", "blocked", "Missing relation"), failOnBlocked: false);
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n  otelcol: {charm: opentelemetry-collector-k8s, scale: 1}\n");

        var status = await ops.WaitForIdleAsync(Long, ["dm"]);

        Assert.Equal("active", status.Applications!["dm"].Units!["dm/0"].WorkloadStatus!.Status);
        await Assert.ThrowsAsync<JujuWaitException>(() => ops.WaitForIdleAsync(TimeSpan.FromMilliseconds(30), ["otelcol"]));
    }

    [Fact]
    public async Task RunActionAsync_Completes_ReturnsOutput()
    {
        var model = Model().OnAction("show-report", call => new FakeActionResult("completed", new JsonObject { ["features"] = (int)call.Parameters["top"]!, ["unit"] = call.Unit }));
        var ops = Ops(model);
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        var outcome = await ops.RunActionAsync("dm/0", "show-report", new Dictionary<string, JsonElement> { ["top"] = JsonDocument.Parse("5").RootElement }, Long);

        Assert.True(outcome.Succeeded);
        Assert.Equal(5, outcome.Output["features"].GetInt32());
        Assert.Equal("dm/0", outcome.Output["unit"].GetString());
        Assert.Equal(2, model.Calls.Count(c => c == "Action.Actions")); // running, then completed (ActionPolls = 2)
    }

    [Fact]
    public async Task RunActionAsync_CharmFails_ReturnsFailedWithMessage()
    {
        var ops = Ops(Model().OnAction("set-reference", _ => new FakeActionResult("failed", Message: "reference file is empty")));
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        var outcome = await ops.RunActionAsync("dm/0", "set-reference", null, Long);

        Assert.False(outcome.Succeeded);
        Assert.Equal("failed", outcome.Status);
        Assert.Equal("reference file is empty", outcome.Message);
    }

    [Fact]
    public async Task RunActionAsync_UnknownAction_ThrowsWithServerMessage()
    {
        var ops = Ops(Model());
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => ops.RunActionAsync("dm/0", "explode", null, Long));

        Assert.Contains("action \"explode\" not defined on unit \"dm/0\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunActionAsync_NeverEnds_TimesOut()
    {
        var ops = Ops(new FakeModel { ActionPolls = int.MaxValue });
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: dm, scale: 1}\n");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => ops.RunActionAsync("dm/0", "slow", null, TimeSpan.FromMilliseconds(30)));

        Assert.Contains("is still running", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetConfigAsync_ThenGetConfigAsync_ValueTypedAndSourceUser()
    {
        var ops = Ops(Model());
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        await ops.SetConfigAsync("dm", new Dictionary<string, string> { ["window-records"] = "250" });
        var settings = await ops.GetConfigAsync("dm");

        Assert.Equal(250, settings.Options["window-records"].Value!.Value.GetInt32());
        Assert.Equal("user", settings.Options["window-records"].Source);
        Assert.Equal("info", settings.Options["log-level"].Value!.Value.GetString());
        Assert.Equal("default", settings.Options["log-level"].Source);
    }

    [Fact]
    public async Task SetConfigAsync_WrongType_ThrowsWithServerMessage()
    {
        var ops = Ops(Model());
        await ops.DeployBundleAsync("bundle: kubernetes\napplications:\n  dm: {charm: drift-monitor-k8s, scale: 1}\n");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => ops.SetConfigAsync("dm", new Dictionary<string, string> { ["window-records"] = "lots" }));

        Assert.Contains("option \"window-records\" expected int, got \"lots\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FakeModel_UnknownKeyInParams_IsABadRequest()
    {
        var reply = await Model().HandleAsync("Application", 22, "AddRelation", null, new JsonObject { ["endpoints"] = new JsonArray("a", "b"), ["endpoint"] = "typo" }, default);

        Assert.Equal("bad request", Assert.IsType<FakeReply.Error>(reply).Code);
    }

    /// <summary>An IProgress that reports on the caller's thread, so the list is complete when the call returns.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
