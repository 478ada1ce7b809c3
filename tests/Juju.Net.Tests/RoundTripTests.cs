// RoundTripTests: responses recorded from real controllers (../shared/juju-fixtures) and the wire
// shapes of juju-api.md §2.4 go through the generated types and come back as the same JSON.
using System.Text.Json;

namespace Juju.Net.Tests;

public sealed class RoundTripTests
{
    [SkippableTheory]
    [InlineData("fullstatus.json")]
    [InlineData("subordinate-fullstatus.json")]
    public void FullStatus_RecordedResponse_RoundTripsWithoutLoss(string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Shared.Fixture(fixture)));
        var response = document.RootElement.GetProperty("response");

        var status = response.Deserialize(JujuJsonContext.Default.FullStatus)!;
        using var written = JsonDocument.Parse(JsonSerializer.Serialize(status, JujuJsonContext.Default.FullStatus));

        var differences = JsonDiff.Compare(response, written.RootElement);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [SkippableFact]
    public void FullStatus_RecordedResponse_ReadsTypedValues()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Shared.Fixture("subordinate-fullstatus.json")));

        var status = document.RootElement.GetProperty("response").Deserialize(JujuJsonContext.Default.FullStatus)!;

        Assert.Contains("ntp", status.Applications!.Keys);
        Assert.True(status.Applications["ntp"].SubordinateTo!.Count > 0);
        var unit = status.Applications["ubuntu"].Units!.Values.First();
        Assert.NotNull(unit.WorkloadStatus!.Since);
        Assert.NotEqual(string.Empty, status.Model!.Version);
    }

    [Fact]
    public void HostPort_EmbeddedAddress_IsFlatOnTheWire()
    {
        const string Wire = """{"port":17070,"scope":"local-cloud","type":"ipv4","value":"10.0.0.5"}""";

        var hostPort = JsonSerializer.Deserialize(Wire, JujuJsonContext.Default.HostPort)!;

        Assert.Equal(("10.0.0.5", 17070L), (hostPort.Value, hostPort.Port));
        Assert.Equal(Wire, JsonSerializer.Serialize(hostPort, JujuJsonContext.Default.HostPort));
    }

    [Fact]
    public void ModelInfo_AgentVersion_IsAString()
    {
        var info = JsonSerializer.Deserialize("""{"agent-version":"3.6.27"}""", JujuJsonContext.Default.ModelInfo)!;

        Assert.Equal("3.6.27", info.AgentVersion);
    }

    [Fact]
    public void ApplicationDeploy_CapitalisedKey_SentVerbatim()
    {
        var deploy = new ApplicationDeploy { Application = "pg", CharmUrl = "ch:postgresql", NumUnits = 1, Force = true };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(deploy, JujuJsonContext.Default.ApplicationDeploy));

        Assert.True(json.RootElement.GetProperty("Force").GetBoolean());
        Assert.Equal("ch:postgresql", json.RootElement.GetProperty("charm-url").GetString());
        Assert.False(json.RootElement.TryGetProperty("charm-origin", out _), "optional null properties are omitted");
    }

    [Fact]
    public void AllWatcherNextResults_TupleDeltas_RoundTrip()
    {
        const string Wire = """{"deltas":[["unit","change",{"name":"pg/0","workload-status":{"current":"active"}}],["application","remove",{"name":"old"}]]}""";

        var next = JsonSerializer.Deserialize(Wire, JujuJsonContext.Default.AllWatcherNextResults)!;

        Assert.Equal(("unit", false), (next.Deltas![0].Kind, next.Deltas[0].Removed));
        Assert.Equal(("application", true), (next.Deltas[1].Kind, next.Deltas[1].Removed));
        Assert.Equal("pg/0", next.Deltas[0].Entity.GetProperty("name").GetString());
        Assert.Equal(Wire, JsonSerializer.Serialize(next, JujuJsonContext.Default.AllWatcherNextResults));
    }

    [Theory]
    [InlineData("""{"deltas":[{"entity":{},"removed":false}]}""", "[kind, \"change\"|\"remove\", entity] array")]
    [InlineData("""{"deltas":[["unit","update",{}]]}""", "not \"update\"")]
    public void AllWatcherNextResults_MalformedDelta_Throws(string wire, string message)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(wire, JujuJsonContext.Default.AllWatcherNextResults));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DetailedStatus_NanosecondTimestamp_TruncatedTo100Ns()
    {
        var status = JsonSerializer.Deserialize("""{"since":"2024-11-26T10:24:01.123456789Z"}""", JujuJsonContext.Default.DetailedStatus)!;

        Assert.Equal(new DateTimeOffset(2024, 11, 26, 10, 24, 1, TimeSpan.Zero).AddTicks(1234567), status.Since);
    }
}
