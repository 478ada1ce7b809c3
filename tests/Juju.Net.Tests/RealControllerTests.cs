// RealControllerTests: the same connect-and-status path against a real Juju controller, run only when
// JUJU_NET_TEST_CONTROLLER names a controller of the Juju CLI's store (JUJU_DATA or ~/.local/share/juju);
// JUJU_NET_TEST_MODEL picks the model (default: that controller's current model).
namespace Juju.Net.Tests;

public sealed class RealControllerTests
{
    [SkippableFact]
    public async Task ConnectAsync_RealController_ReadsFullStatus()
    {
        var controllerName = Environment.GetEnvironmentVariable("JUJU_NET_TEST_CONTROLLER");
        Skip.If(string.IsNullOrEmpty(controllerName), "No real Juju controller: set JUJU_NET_TEST_CONTROLLER to a controller name of the Juju CLI's store (and optionally JUJU_NET_TEST_MODEL) to run this test.");
        var store = JujuClientStore.Load();
        var options = store.ConnectionOptions(Environment.GetEnvironmentVariable("JUJU_NET_TEST_MODEL"), controllerName);

        await using var connection = await JujuConnection.ConnectAsync(options);
        var status = await new ClientClient(connection, connection.Version(ClientClient.FacadeName)).FullStatusAsync(new StatusParams { Patterns = [] });

        Assert.NotNull(status.Model);
        Assert.False(string.IsNullOrEmpty(connection.Login.ServerVersion));
    }
}
