// StateJsonTests: reading and writing the emulator state document — round trips, defaults, and an
// error naming the JSON path for every kind of malformed input.
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Tests.State;

public sealed class StateJsonTests
{
    [Fact]
    public void Write_ThenRead_GivesAnEqualState()
    {
        var state = StateFixtures.Full();

        var read = StateJson.Read(StateJson.Write(state));

        Assert.Equal(state, read);
    }

    [Fact]
    public void Write_OfAReadState_IsByteEqual()
    {
        var text = StateJson.Write(StateFixtures.Full());

        Assert.Equal(text, StateJson.Write(StateJson.Read(text)));
    }

    [Fact]
    public void Write_Empty_RoundTripsAndKeepsDefaults()
    {
        var text = StateJson.Write(UnitState.Empty);

        Assert.Equal(UnitState.Empty, StateJson.Read(text));
        Assert.Contains("\"planned_units\": 1", text, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"unknown\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_MapKeys_AreSortedAndUnitNumbersNumerically()
    {
        var state = UnitState.Empty with
        {
            Resources = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" },
            Relations = [RelationState.Regular("db", 1) with { RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [10] = new Dictionary<string, string>(), [2] = new Dictionary<string, string>() } }],
        };

        var text = StateJson.Write(state);

        Assert.True(text.IndexOf("\"a\"", StringComparison.Ordinal) < text.IndexOf("\"b\"", StringComparison.Ordinal));
        Assert.True(text.IndexOf("\"2\"", StringComparison.Ordinal) < text.IndexOf("\"10\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ContainerBootId_IsKeptAndWrittenBack()
    {
        var text = """{"containers": [{"name": "w", "can_connect": true, "boot_id": "b-1"}]}""";

        var state = StateJson.Read(text);

        Assert.Equal("b-1", state.GetContainer("w")!.BootId);
        Assert.Contains("\"boot_id\": \"b-1\"", StateJson.Write(state), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ContainerWithoutBootId_HasNoneAndWritesNone()
    {
        var state = StateJson.Read("""{"containers": [{"name": "w"}]}""");

        Assert.Null(state.GetContainer("w")!.BootId);
        Assert.DoesNotContain("boot_id", StateJson.Write(state), StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_ContainersDifferingInBootId_AreNotEqual()
    {
        var container = new ContainerState { Name = "w", BootId = "b-1" };

        Assert.NotEqual(container, container with { BootId = "b-2" });
        Assert.NotEqual(container, container with { BootId = null });
    }

    [Fact]
    public void Read_EmptyObject_IsTheEmptyState()
    {
        Assert.Equal(UnitState.Empty, StateJson.Read("{}"));
    }

    [Fact]
    public void Read_RegularRelationWithoutData_GetsScenarioDefaults()
    {
        var state = StateJson.Read("""{"relations": [{"id": 4, "endpoint": "database"}]}""");

        var relation = Assert.Single(state.Relations);
        Assert.Equal(RelationKind.Regular, relation.Kind);
        Assert.Equal("remote", relation.RemoteAppName);
        Assert.Equal("192.0.2.0", relation.LocalUnitData["private-address"]);
        Assert.Equal("192.0.2.0", relation.RemoteUnitsData[0]["ingress-address"]);
        Assert.Equal(["remote/0"], relation.RemoteUnitNames("drift"));
    }

    [Fact]
    public void Read_PeerRelation_HasNoRemoteUnitsByDefault()
    {
        var relation = Assert.Single(StateJson.Read("""{"relations": [{"id": 4, "endpoint": "cluster", "kind": "peer"}]}""").Relations);

        Assert.Empty(relation.RemoteUnitsData);
        Assert.Empty(relation.PeersData);
    }

    [Fact]
    public void Read_NullOptionalField_CountsAsAbsent()
    {
        var state = StateJson.Read("""{"leader": null, "relations": [{"id": 1, "endpoint": "db", "interface": null}]}""");

        Assert.False(state.Leader);
        Assert.Null(state.Relations[0].Interface);
    }

    [Fact]
    public void Read_SecretWithoutLatestRevision_TakesTheTrackedOne()
    {
        var secret = Assert.Single(StateJson.Read($$"""{"secrets": [{"id": "{{StateFixtures.SecretId}}", "tracked_content": {"a": "b"}, "tracked_revision": 3}]}""").Secrets);

        Assert.Equal(3, secret.LatestRevision);
        Assert.Null(secret.Owner);
    }

    [Theory]
    [InlineData("""{"relations": [{"id": 1, "endpoint": "db"}, {"id": 2, "endpoint": "db", "remote_units_data": {"0": 5}}]}""", "relations[1].remote_units_data.\"0\": expected an object of strings, got number")]
    [InlineData("""{"relations": [{"id": 1}]}""", "relations[0].endpoint: required field is missing")]
    [InlineData("""{"relations": [{"id": "1", "endpoint": "db"}]}""", "relations[0].id: expected an integer, got string")]
    [InlineData("""{"relations": [{"id": 1, "endpoint": "db", "remote_units_data": {"x": {}}}]}""", "relations[0].remote_units_data.\"x\": expected a unit number (a non-negative integer) as key")]
    [InlineData("""{"relations": [{"id": 1, "endpoint": "db", "local_app_data": {"k": 1}}]}""", "relations[0].local_app_data.\"k\": expected a string, got number")]
    [InlineData("""{"relations": [{"id": 1, "endpoint": "db", "kind": "sub"}]}""", "relations[0].kind: expected one of regular|peer|subordinate, got \"sub\"")]
    [InlineData("""{"leader": "yes"}""", "leader: expected a boolean, got string")]
    [InlineData("""{"config": {"port": [1]}}""", "config.\"port\": expected a string, number or boolean, got array")]
    [InlineData("""{"containers": [{"can_connect": true}]}""", "containers[0].name: required field is missing")]
    [InlineData("""{"containers": [{"name": "w", "boot_id": ""}]}""", "containers[0].boot_id: expected a boot id, got an empty string")]
    [InlineData("""{"containers": [{"name": "w", "boot_id": 7}]}""", "containers[0].boot_id: expected a string, got number")]
    [InlineData("""{"containers": [{"name": "w", "service_statuses": {"s": "running"}}]}""", "containers[0].service_statuses.\"s\": expected one of active|inactive|error|backoff, got \"running\"")]
    [InlineData("""{"containers": [{"name": "w", "execs": [{"return_code": 1}]}]}""", "containers[0].execs[0].command_prefix: required field is missing")]
    [InlineData("""{"containers": [{"name": "w", "layers": {"base": {"services": {}}}}]}""", "containers[0].layers.\"base\": expected a string of layer YAML, got object")]
    [InlineData("""{"containers": [{"name": "w", "notices": [{"id": "1", "key": "k", "first_occurred": "yesterday"}]}]}""", "containers[0].notices[0].first_occurred: expected an ISO 8601 time")]
    [InlineData("""{"containers": [{"name": "w", "check_infos": [{"name": "c", "level": "dead"}]}]}""", "containers[0].check_infos[0].level: expected one of alive|ready, got \"dead\"")]
    [InlineData("""{"secrets": [{"id": "secret:x"}]}""", "secrets[0].tracked_content: required field is missing")]
    [InlineData("""{"secrets": [{"id": "secret:x", "tracked_content": {}, "tracked_revision": 3, "latest_revision": 2}]}""", "secrets[0].latest_revision: expected an integer of at least 3, got 2")]
    [InlineData("""{"secrets": [{"id": "secret:x", "tracked_content": {}, "remote_grants": {"1": "app"}}]}""", "secrets[0].remote_grants.\"1\": expected an array of strings, got string")]
    [InlineData("""{"storages": [{"name": "data", "index": -1}]}""", "storages[0].index: expected an integer of at least 0, got -1")]
    [InlineData("""{"opened_ports": [{"protocol": "tcp"}]}""", "opened_ports[0].port: required field is missing")]
    [InlineData("""{"opened_ports": [{"protocol": "icmp", "port": 1}]}""", "opened_ports[0].port: an icmp port has no port number")]
    [InlineData("""{"opened_ports": [{"protocol": "tcp", "port": 70000}]}""", "opened_ports[0].port: expected a port number from 1 to 65535, got 70000")]
    [InlineData("""{"model": {"type": "machine"}}""", "model.type: expected one of kubernetes|lxd, got \"machine\"")]
    [InlineData("""{"unit_status": {"name": "happy"}}""", "unit_status.name: expected one of active|blocked|maintenance|waiting|error|unknown, got \"happy\"")]
    [InlineData("""{"networks": {"db": {"bind_addresses": [{"addresses": [{"cidr": "10.0.0.0/8"}]}]}}}""", "networks.\"db\".bind_addresses[0].addresses[0].value: required field is missing")]
    [InlineData("""{"planned_units": 1.5}""", "planned_units: expected an integer, got number")]
    [InlineData("""[]""", "(root): expected an object, got array")]
    public void Read_MalformedField_NamesThePath(string json, string expected)
    {
        var ex = Assert.Throws<StateFormatException>(() => StateJson.Read(json));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownField_NamesThePathAndTheAllowedNames()
    {
        var ex = Assert.Throws<StateFormatException>(() => StateJson.Read("""{"relations": [{"id": 1, "endpoint": "db", "remote_unit_data": {}}]}"""));

        Assert.StartsWith("relations[0].remote_unit_data: unknown field; allowed here: id, endpoint,", ex.Message, StringComparison.Ordinal);
        Assert.Contains("remote_units_data", ex.Message, StringComparison.Ordinal);
        Assert.Equal("relations[0].remote_unit_data", ex.Path);
    }

    [Fact]
    public void Read_UnknownRootField_IsAnError()
    {
        var ex = Assert.Throws<StateFormatException>(() => StateJson.Read("""{"leeder": true}"""));

        Assert.StartsWith("leeder: unknown field; allowed here: $schema, config,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidLayerYaml_NamesTheLayer()
    {
        var ex = Assert.Throws<StateFormatException>(() => StateJson.Read("""{"containers": [{"name": "w", "layers": {"base": "services:\n  s:\n    command: x\n"}}]}"""));

        Assert.StartsWith("containers[0].layers.\"base\": invalid Pebble layer:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("override", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotJson_SaysSo()
    {
        var ex = Assert.Throws<StateFormatException>(() => StateJson.Read("{\"leader\": true,}"));

        Assert.StartsWith("not valid JSON (line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_MalformedFile_PrefixesTheFileName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlobs-state-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"leader": 1}""");
        try
        {
            var ex = Assert.Throws<StateFormatException>(() => StateJson.ReadFile(path));

            Assert.Equal($"{path}: leader: expected a boolean, got number", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WriteFile_ThenReadFile_RoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlobs-state-{Guid.NewGuid():N}.json");
        try
        {
            StateJson.WriteFile(path, StateFixtures.Full());

            Assert.Equal(StateFixtures.Full(), StateJson.ReadFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_LayersKeepTheirOrder()
    {
        var state = StateJson.Read("""{"containers": [{"name": "w", "layers": {"z": "summary: z\n", "a": "summary: a\n"}}]}""");

        Assert.Equal(["z", "a"], state.Containers[0].Layers.Keys);
    }
}
