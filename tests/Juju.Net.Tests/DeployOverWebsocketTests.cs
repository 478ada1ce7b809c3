// DeployOverWebsocketTests: the whole client stack against the fake controller: JujuConnection (TLS, login,
// negotiated versions), JujuHttpUploader (the charm archive POSTed, the image resource registered and PUT)
// and JujuOperations, deploying the MlObs bundle with its COS overlay into the FakeModel, every request
// checked against Juju's schema.
using System.IO.Compression;
using Juju.Net.Testing;

namespace Juju.Net.Tests;

public sealed class DeployOverWebsocketTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("jstack-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static FakeModel MlObsModel() => new FakeModel("mlobs")
        .WithCharm(new FakeCharm("opentelemetry-collector-k8s")
        {
            Resources = new Dictionary<string, string> { ["opentelemetry-collector-image"] = "oci-image" },
            Endpoints = new Dictionary<string, FakeEndpoint>
            {
                ["metrics-endpoint"] = new("requirer", "prometheus_scrape"),
                ["grafana-dashboards-consumer"] = new("requirer", "grafana_dashboard"),
                ["receive-loki-logs"] = new("provider", "loki_push_api"),
                ["send-remote-write"] = new("requirer", "prometheus_remote_write"),
                ["send-loki-logs"] = new("requirer", "loki_push_api"),
                ["grafana-dashboards-provider"] = new("provider", "grafana_dashboard"),
            },
        })
        .WithCharm(new FakeCharm("drift-monitor-k8s")
        {
            Resources = new Dictionary<string, string> { ["drift-monitor-image"] = "oci-image" },
            Options = new Dictionary<string, FakeOption> { ["window-records"] = new("int", 10000, "Records per window"), ["log-level"] = new("string", "info") },
            Actions = ["set-reference", "show-report"],
            Endpoints = new Dictionary<string, FakeEndpoint>
            {
                ["metrics-endpoint"] = new("provider", "prometheus_scrape"),
                ["grafana-dashboard"] = new("provider", "grafana_dashboard"),
                ["logging"] = new("requirer", "loki_push_api"),
            },
        })
        .WithRemoteOffer("admin/cos.prometheus-receive-remote-write", ("receive-remote-write", "prometheus_remote_write", "provider"))
        .WithRemoteOffer("admin/cos.loki-logging", ("logging", "loki_push_api", "provider"))
        .WithRemoteOffer("admin/cos.grafana-dashboards", ("grafana-dashboard", "grafana_dashboard", "requirer"));

    /// <summary>A bundle dir whose ../../charms/drift-monitor-k8s/drift-monitor-k8s_amd64.charm is a zip with metadata.yaml, as the bundle expects.</summary>
    internal static string BundleCopy(string root)
    {
        var charm = Path.Combine(root, "charms", "drift-monitor-k8s", "drift-monitor-k8s_amd64.charm");
        Directory.CreateDirectory(Path.GetDirectoryName(charm)!);
        using (var zip = ZipFile.Open(charm, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("metadata.yaml").Open());
            writer.Write("name: drift-monitor-k8s\n");
        }

        var bundleDir = Directory.CreateDirectory(Path.Combine(root, "bundles", "mlobs")).FullName;
        File.Copy(Path.Combine(Shared.RepoRoot, "bundles", "mlobs", "bundle.yaml"), Path.Combine(bundleDir, "bundle.yaml"));
        Directory.CreateDirectory(Path.Combine(root, "bundles", "overlays"));
        File.Copy(Path.Combine(Shared.RepoRoot, "bundles", "overlays", "cos-offers.yaml"), Path.Combine(root, "bundles", "overlays", "cos-offers.yaml"));
        return bundleDir;
    }

    [SkippableFact]
    public async Task DeployBundle_OverTheWebsocket_UploadsTheCharmAndImage_ThenRedeployAppliesNothing()
    {
        var model = MlObsModel();
        await using var controller = await FakeControllerHarness.StartAsync(model, o => o with { Models = [ModelUuidOf(model)] });
        var options = FakeControllerHarness.Options(controller, ModelUuidOf(model));
        await using var connection = await JujuConnection.ConnectAsync(options);
        await using var controllerConnection = await JujuConnection.ConnectAsync(options with { ModelUuid = null });
        using var uploader = new JujuHttpUploader(options, connection);
        var operations = new JujuOperations(connection, options: new JujuOperationsOptions
        {
            Controller = controllerConnection,
            ModelTag = model.ModelTag,
            Uploader = uploader,
            PollInterval = TimeSpan.FromMilliseconds(5),
            IdlePeriod = TimeSpan.Zero,
        });
        var bundleDir = BundleCopy(_root);
        var yaml = await File.ReadAllTextAsync(Path.Combine(bundleDir, "bundle.yaml"));
        var overlay = await File.ReadAllTextAsync(Path.Combine(_root, "bundles", "overlays", "cos-offers.yaml"));

        var first = await operations.DeployBundleAsync(yaml, [overlay], baseDirectory: bundleDir);
        var second = await operations.DeployBundleAsync(yaml, [overlay], baseDirectory: bundleDir);
        var status = await operations.WaitForIdleAsync(TimeSpan.FromSeconds(30));

        Assert.True(first.Applied > 5, string.Join("\n", first.Changes.Select(c => $"{c.State} {c.Change.Description}: {c.Detail}")));
        Assert.Equal(0, second.Applied);
        Assert.Contains("POST /model/" + ModelUuidOf(model) + "/charms", controller.Uploads);
        Assert.Contains(controller.Uploads, u => u.StartsWith($"PUT /model/{ModelUuidOf(model)}/applications/drift-monitor/resources/drift-monitor-image", StringComparison.Ordinal));
        Assert.Contains(model.Calls, c => c == "http.PutResource drift-monitor/drift-monitor-image");
        Assert.Contains("drift-monitor", status.Applications!.Keys);
        Assert.Empty(controller.InvalidRequests);
        Assert.Empty(controller.InvalidReplies);
    }

    [SkippableFact]
    public async Task UploadCharm_WrongPassword_IsRefusedWithTheControllersMessage()
    {
        var model = MlObsModel();
        await using var controller = await FakeControllerHarness.StartAsync(model, o => o with { Models = [ModelUuidOf(model)] });
        var options = FakeControllerHarness.Options(controller, ModelUuidOf(model));
        await using var connection = await JujuConnection.ConnectAsync(options);
        using var uploader = new JujuHttpUploader(options with { Password = "wrong" }, connection);
        var charm = Path.Combine(BundleCopy(_root), "..", "..", "charms", "drift-monitor-k8s", "drift-monitor-k8s_amd64.charm");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => uploader.UploadCharmAsync(charm, default));

        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid entity name or password", e.Message, StringComparison.Ordinal);
        Assert.Equal("unauthorized access", e.Code);
    }

    [SkippableFact]
    public async Task UploadCharm_NotAZip_IsRefusedAndNothingIsAdded()
    {
        var model = MlObsModel();
        await using var controller = await FakeControllerHarness.StartAsync(model, o => o with { Models = [ModelUuidOf(model)] });
        var options = FakeControllerHarness.Options(controller, ModelUuidOf(model));
        await using var connection = await JujuConnection.ConnectAsync(options);
        using var uploader = new JujuHttpUploader(options, connection);
        var file = Path.Combine(_root, "broken.charm");
        await File.WriteAllTextAsync(file, "not a zip");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => uploader.UploadCharmAsync(file, default));

        Assert.Contains("HTTP 400", e.Message, StringComparison.Ordinal);
        Assert.Contains("not a zip archive", e.Message, StringComparison.Ordinal);
        Assert.Empty(controller.Uploads);
    }

    internal static string ModelUuidOf(FakeModel model) => model.ModelTag["model-".Length..];
}
