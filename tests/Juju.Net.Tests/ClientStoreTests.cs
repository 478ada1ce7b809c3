// ClientStoreTests: discovery from the Juju CLI's files in temporary JUJU_DATA directories: current
// controller and model, model lookup by owner/name, short name and controller:model, and errors that say
// which file is wrong and which juju command fixes it. The last test connects with what it discovered.
using System.Text.Json.Nodes;
using Juju.Net.Testing;

namespace Juju.Net.Tests;

public sealed class ClientStoreTests : IDisposable
{
    private const string Ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("juju-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ConnectionOptions_CurrentControllerAndModel_ComeFromTheThreeFiles()
    {
        WriteStore();

        var options = JujuClientStore.Load(_dir).ConnectionOptions();

        Assert.Equal(["10.0.0.5:17070", "[fd42::1]:17070"], options.Addresses);
        Assert.Equal(Ca, options.CaCert);
        Assert.Equal(("admin", "s3cret"), (options.User, options.Password));
        Assert.Equal("uuid-default", options.ModelUuid);
    }

    [Theory]
    [InlineData("admin/kubeflow", "uuid-kubeflow")]
    [InlineData("kubeflow", "uuid-kubeflow")]
    [InlineData("cos", "uuid-cos-bob")]
    [InlineData("lxd:admin/default", "uuid-default")]
    [InlineData("k8s:cos", "uuid-cos-k8s")]
    public void Model_OwnerNameShortNameOrControllerModel_FindsTheUuid(string model, string uuid)
    {
        WriteStore();

        Assert.Equal(uuid, JujuClientStore.Load(_dir).Model(model).Uuid);
    }

    [Fact]
    public void Load_JujuModelOverride_ReplacesTheCurrentControllerAndModel()
    {
        WriteStore();

        var store = JujuClientStore.Load(name => name switch { "JUJU_DATA" => _dir, "JUJU_MODEL" => "k8s:cos", _ => null });

        Assert.Equal("uuid-cos-k8s", store.ConnectionOptions().ModelUuid);
        Assert.Equal("lxd", store.CurrentController);
    }

    [Fact]
    public void DataDirectory_WithoutJujuData_IsUnderXdgDataHomeOrHome()
    {
        Assert.Equal("/d", JujuClientStore.DataDirectory(n => n == "JUJU_DATA" ? "/d" : "/ignored"));
        Assert.Equal("/x/juju", JujuClientStore.DataDirectory(n => n == "XDG_DATA_HOME" ? "/x" : null));
        Assert.Equal("/home/u/.local/share/juju", JujuClientStore.DataDirectory(n => n == "HOME" ? "/home/u" : null));
    }

    [Fact]
    public void Controller_Unknown_ListsTheKnownControllers()
    {
        WriteStore();

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir).Controller("prod"));

        Assert.Equal($"Controller \"prod\" is not in {_dir}/controllers.yaml; known controllers: k8s, lxd. See `juju controllers`.", e.Message);
    }

    [Fact]
    public void ConnectionOptions_NoAccount_SaysJujuLogin()
    {
        WriteStore();
        File.WriteAllText(Path.Combine(_dir, "accounts.yaml"), "controllers:\n  k8s:\n    user: admin\n    password: x\n");

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir).ConnectionOptions());

        Assert.Equal($"No account for controller \"lxd\" in {_dir}/accounts.yaml; run `juju login -c lxd`.", e.Message);
    }

    [Fact]
    public void ConnectionOptions_AccountWithoutPassword_SaysHowToLogInWithOne()
    {
        WriteStore();
        File.WriteAllText(Path.Combine(_dir, "accounts.yaml"), "controllers:\n  lxd:\n    user: admin\n    last-known-access: superuser\n");

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir).ConnectionOptions());

        Assert.Contains("has no password", e.Message, StringComparison.Ordinal);
        Assert.Contains("juju login -c lxd -u admin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_Unknown_SaysJujuModels()
    {
        WriteStore();

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir).Model("mlflow"));

        Assert.Equal($"Model \"mlflow\" of controller \"lxd\" is not in {_dir}/models.yaml (known: admin/controller, admin/default, admin/kubeflow, bob/cos); run `juju models -c lxd` to refresh the list, or `juju add-model` to create it.", e.Message);
    }

    [Fact]
    public void Load_NoControllersYaml_SaysBootstrapOrJujuData()
    {
        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir));

        Assert.Contains($"{_dir}/controllers.yaml does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("juju bootstrap, juju register", e.Message, StringComparison.Ordinal);
        Assert.Contains("JUJU_DATA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BrokenYaml_NamesFileAndLine()
    {
        File.WriteAllText(Path.Combine(_dir, "controllers.yaml"), "controllers:\n  lxd:\n    uuid: [unclosed\n");

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir));

        Assert.StartsWith($"{_dir}/controllers.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ControllerWithoutEndpoints_NamesTheLine()
    {
        File.WriteAllText(Path.Combine(_dir, "controllers.yaml"), $"controllers:\n  lxd:\n    uuid: u\n    ca-cert: x\ncurrent-controller: lxd\n");

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir));

        Assert.Equal($"{_dir}/controllers.yaml:3:5: controller lxd has no api-endpoints; run `juju show-controller lxd` to refresh it.", e.Message);
    }

    [Fact]
    public void Controller_NoCurrentController_SaysJujuSwitch()
    {
        WriteStore(current: false);

        var e = Assert.Throws<JujuClientStoreException>(() => JujuClientStore.Load(_dir).Controller());

        Assert.Contains("No current controller", e.Message, StringComparison.Ordinal);
        Assert.Contains("juju switch", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConnectAsync_DiscoveredOptions_ReachTheFakeControllerAndReadStatus()
    {
        var recorded = JsonNode.Parse(File.ReadAllText(Shared.Fixture("subordinate-fullstatus.json")))!["response"];
        var api = new ScriptedApi().On("Client", "FullStatus", recorded);
        await using var controller = await FakeControllerHarness.StartAsync(api, o => o with { Password = "s3cret" });
        WriteStore(address: controller.Address, ca: controller.CaCert, defaultUuid: FakeControllerHarness.ModelUuid);

        var options = JujuClientStore.Load(name => name == "JUJU_DATA" ? _dir : null).ConnectionOptions();
        await using var connection = await JujuConnection.ConnectAsync(options);
        var status = await new ClientClient(connection, connection.Version(ClientClient.FacadeName)).FullStatusAsync(new StatusParams { Patterns = [] });

        Assert.Equal(["ntp", "ubuntu"], status.Applications!.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(controller.InvalidRequests);
    }

    private void WriteStore(string address = "10.0.0.5:17070", string ca = Ca, string defaultUuid = "uuid-default", bool current = true)
    {
        var caLines = string.Concat(ca.TrimEnd('\n').Split('\n').Select(l => $"      {l}\n"));
        File.WriteAllText(Path.Combine(_dir, "controllers.yaml"), $"""
            controllers:
              k8s:
                uuid: c2
                api-endpoints: ['10.1.0.9:17070']
                ca-cert: x
              lxd:
                uuid: c1
                api-endpoints: ['{address}', '[fd42::1]:17070']
                dns-cache: {"{"}{"}"}
                ca-cert: |
            {caLines}    cloud: localhost
                agent-version: 3.6.27
            {(current ? "current-controller: lxd" : "")}

            """);
        File.WriteAllText(Path.Combine(_dir, "accounts.yaml"), """
            controllers:
              k8s:
                user: bob
                password: pw
              lxd:
                user: admin
                password: s3cret
                last-known-access: superuser

            """);
        File.WriteAllText(Path.Combine(_dir, "models.yaml"), $"""
            controllers:
              k8s:
                models:
                  bob/cos:
                    uuid: uuid-cos-k8s
                    type: caas
              lxd:
                models:
                  admin/controller:
                    uuid: uuid-controller
                    type: iaas
                  admin/default:
                    uuid: {defaultUuid}
                    type: iaas
                    branch: master
                  admin/kubeflow:
                    uuid: uuid-kubeflow
                  bob/cos:
                    uuid: uuid-cos-bob
                current-model: admin/default

            """);
    }
}
