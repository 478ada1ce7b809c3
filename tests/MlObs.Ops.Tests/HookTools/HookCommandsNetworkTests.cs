// Tests of network-get and the port tools.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsNetworkTests
{
    private const string FullNetworkGet =
        "{\"bind-addresses\":[{\"mac-address\":\"00:11\",\"interface-name\":\"eth0\",\"addresses\":"
        + "[{\"hostname\":\"\",\"value\":\"10.1.2.3\",\"cidr\":\"10.1.2.0/24\"}]}],"
        + "\"egress-subnets\":[\"10.1.2.3/32\"],\"ingress-addresses\":[\"10.1.2.3\"]}\n";

    [Fact]
    public async Task NetworkGetAsync_WithoutRelation_PassesFormatThenBinding()
    {
        var runner = new FakeHookCommandRunner().Respond("network-get", FullNetworkGet);

        await new HookCommands(runner).NetworkGetAsync("metrics-endpoint", null);

        Assert.Equal("network-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json", "metrics-endpoint"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task NetworkGetAsync_WithRelation_PassesRelationIdBeforeBinding()
    {
        var runner = new FakeHookCommandRunner().Respond("network-get", FullNetworkGet);

        await new HookCommands(runner).NetworkGetAsync("db", 12);

        Assert.Equal(["--format=json", "-r", "12", "db"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task NetworkGetAsync_FullOutput_ParsesEverything()
    {
        var runner = new FakeHookCommandRunner().Respond("network-get", FullNetworkGet);

        var info = await new HookCommands(runner).NetworkGetAsync("db", null);

        var bind = Assert.Single(info.BindAddresses);
        Assert.Equal("eth0", bind.InterfaceName);
        Assert.Equal("00:11", bind.MacAddress);
        Assert.Equal(new InterfaceAddress("", "10.1.2.3", "10.1.2.0/24"), Assert.Single(bind.Addresses));
        Assert.Equal(["10.1.2.3/32"], info.EgressSubnets);
        Assert.Equal(["10.1.2.3"], info.IngressAddresses);
    }

    [Fact]
    public async Task NetworkGetAsync_LegacyAddressField_ReadsItAsValue()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "network-get",
            "{\"bind-addresses\":[{\"interface-name\":\"eth1\",\"addresses\":[{\"address\":\"192.0.2.7\",\"cidr\":\"192.0.2.0/24\"}]}]}\n");

        var info = await new HookCommands(runner).NetworkGetAsync("db", null);

        var address = Assert.Single(Assert.Single(info.BindAddresses).Addresses);
        Assert.Equal("192.0.2.7", address.Value);
        Assert.Equal("", address.Hostname);
        Assert.Empty(info.EgressSubnets);
        Assert.Empty(info.IngressAddresses);
    }

    [Fact]
    public async Task NetworkGetAsync_EmptyObject_ReturnsEmptyLists()
    {
        var runner = new FakeHookCommandRunner().Respond("network-get", "{}\n");

        var info = await new HookCommands(runner).NetworkGetAsync("db", null);

        Assert.Empty(info.BindAddresses);
        Assert.Empty(info.EgressSubnets);
        Assert.Empty(info.IngressAddresses);
    }

    [Fact]
    public async Task NetworkGetAsync_RelationNotFound_ThrowsRelationNotFoundException()
    {
        var runner = new FakeHookCommandRunner()
            .Fail("network-get", 2, "ERROR invalid value \"12\" for option -r: relation not found\n");

        var ex = await Assert.ThrowsAsync<RelationNotFoundException>(() => new HookCommands(runner).NetworkGetAsync("db", 12));

        Assert.Equal("network-get", ex.Tool);
        Assert.Equal(2, ex.ExitCode);
    }

    [Theory]
    [InlineData("tcp", 8080, "8080/tcp")]
    [InlineData("UDP", 53, "53/udp")]
    [InlineData("icmp", null, "icmp")]
    public async Task OpenPortAsync_ValidPort_PassesPortSlashProtocol(string protocol, int? port, string expected)
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).OpenPortAsync(protocol, port);

        Assert.Equal("open-port", runner.SingleCall.Tool);
        Assert.Equal([expected], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task ClosePortAsync_Tcp_PassesPortSlashProtocol()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).ClosePortAsync("tcp", 443);

        Assert.Equal("close-port", runner.SingleCall.Tool);
        Assert.Equal(["443/tcp"], runner.SingleCall.Arguments);
    }

    [Theory]
    [InlineData("sctp", 80)]
    [InlineData("tcp", null)]
    [InlineData("tcp", 0)]
    [InlineData("udp", 65536)]
    [InlineData("icmp", 8)]
    public async Task OpenPortAsync_InvalidArguments_ThrowsArgumentExceptionWithoutCalling(string protocol, int? port)
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => new HookCommands(runner).OpenPortAsync(protocol, port));

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task OpenedPortsAsync_AllForms_ParsesEach()
    {
        var runner = new FakeHookCommandRunner().Respond("opened-ports", "[\"icmp\",\"80/tcp\",\"1000-2000/udp\"]\n");

        var ports = await new HookCommands(runner).OpenedPortsAsync();

        Assert.Equal("opened-ports", runner.SingleCall.Tool);
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
        Assert.Equal(
            [new OpenedPort("icmp", null, null), new OpenedPort("tcp", 80, 80), new OpenedPort("udp", 1000, 2000)],
            ports);
    }

    [Fact]
    public async Task OpenedPortsAsync_EmptyList_ReturnsEmpty()
    {
        var runner = new FakeHookCommandRunner().Respond("opened-ports", "[]\n");

        Assert.Empty(await new HookCommands(runner).OpenedPortsAsync());
    }

    [Theory]
    [InlineData("[\"80/sctp\"]")]
    [InlineData("[\"x/tcp\"]")]
    [InlineData("[\"80\"]")]
    public async Task OpenedPortsAsync_UnknownForm_ThrowsHookToolOutputException(string stdout)
    {
        var runner = new FakeHookCommandRunner().Respond("opened-ports", stdout);

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).OpenedPortsAsync());
    }
}
