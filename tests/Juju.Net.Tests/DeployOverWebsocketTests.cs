// DeployOverWebsocketTests: the whole client stack against the fake controller: JujuConnection (TLS, login,
// negotiated versions), JujuHttpUploader (the charm archive POSTed, the image resource registered and PUT)
// and JujuOperations, deploying the MlObs bundle with its COS overlay into the FakeModel, every request
// checked against Juju's schema.
using Juju.Net.Testing;

namespace Juju.Net.Tests;

public sealed class DeployOverWebsocketTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("jstack-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    public async Task DeployBundle_OverTheWebsocket_UploadsTheCharmAndImage_ThenRedeployAppliesNothing()
    {
        var model = FakeModels.MlObs();
        await using var controller = await FakeControllerHarness.StartAsync(model, o => o with { Models = [model.ModelUuid] });
        var options = FakeControllerHarness.Options(controller, model.ModelUuid);
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
        var bundleDir = FakeModels.CopyMlObsBundle(Shared.RepoRoot, _root);
        var yaml = await File.ReadAllTextAsync(Path.Combine(bundleDir, "bundle.yaml"));
        var overlay = await File.ReadAllTextAsync(Path.Combine(_root, "bundles", "overlays", "cos-offers.yaml"));

        var first = await operations.DeployBundleAsync(yaml, [overlay], baseDirectory: bundleDir);
        var second = await operations.DeployBundleAsync(yaml, [overlay], baseDirectory: bundleDir);
        var status = await operations.WaitForIdleAsync(TimeSpan.FromSeconds(30));

        Assert.True(first.Applied > 5, string.Join("\n", first.Changes.Select(c => $"{c.State} {c.Change.Description}: {c.Detail}")));
        Assert.Equal(0, second.Applied);
        Assert.Contains("POST /model/" + model.ModelUuid + "/charms", controller.Uploads);
        Assert.Contains(controller.Uploads, u => u.StartsWith($"PUT /model/{model.ModelUuid}/applications/drift-monitor/resources/drift-monitor-image", StringComparison.Ordinal));
        Assert.Contains(model.Calls, c => c == "http.PutResource drift-monitor/drift-monitor-image");
        Assert.Contains("drift-monitor", status.Applications!.Keys);
        Assert.Empty(controller.InvalidRequests);
        Assert.Empty(controller.InvalidReplies);
    }

    [SkippableFact]
    public async Task UploadCharm_WrongPassword_IsRefusedWithTheControllersMessage()
    {
        var model = FakeModels.MlObs();
        await using var controller = await FakeControllerHarness.StartAsync(model, o => o with { Models = [model.ModelUuid] });
        var options = FakeControllerHarness.Options(controller, model.ModelUuid);
        await using var connection = await JujuConnection.ConnectAsync(options);
        using var uploader = new JujuHttpUploader(options with { Password = "wrong" }, connection);
        var charm = Path.Combine(FakeModels.CopyMlObsBundle(Shared.RepoRoot, _root), "..", "..", "charms", "drift-monitor-k8s", "drift-monitor-k8s_amd64.charm");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => uploader.UploadCharmAsync(charm, default));

        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid entity name or password", e.Message, StringComparison.Ordinal);
        Assert.Equal("unauthorized access", e.Code);
    }

    [SkippableFact]
    public async Task UploadCharm_NotAZip_IsRefusedAndNothingIsAdded()
    {
        var model = FakeModels.MlObs();
        await using var controller = await FakeControllerHarness.StartAsync(model, o => o with { Models = [model.ModelUuid] });
        var options = FakeControllerHarness.Options(controller, model.ModelUuid);
        await using var connection = await JujuConnection.ConnectAsync(options);
        using var uploader = new JujuHttpUploader(options, connection);
        var file = Path.Combine(_root, "broken.charm");
        await File.WriteAllTextAsync(file, "not a zip");

        var e = await Assert.ThrowsAsync<JujuOperationException>(() => uploader.UploadCharmAsync(file, default));

        Assert.Contains("HTTP 400", e.Message, StringComparison.Ordinal);
        Assert.Contains("not a zip archive", e.Message, StringComparison.Ordinal);
        Assert.Empty(controller.Uploads);
    }

}
