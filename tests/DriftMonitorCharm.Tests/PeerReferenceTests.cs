// The units of drift-monitor-k8s share the references set with set-reference through the peer relation, so that every
// unit (each sees part of the traffic) judges it against the same reference, and a new unit loads them when it joins.
using DriftMonitorCharm;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;
using static DriftMonitorCharm.Tests.CharmTestData;

namespace DriftMonitorCharm.Tests;

public sealed class PeerReferenceTests : IDisposable
{
    private const string Url = "https://example.com/iris.csv";
    private readonly string _configDir = Directory.CreateTempSubdirectory("dm-peers-").FullName;
    private readonly FakeWorkload _workload = new();

    public void Dispose() => Directory.Delete(_configDir, recursive: true);

    private static RelationState Peers(string? mine = null, string? theirs = null) => new()
    {
        Id = 7,
        Endpoint = DriftMonitorK8sCharm.PeerRelation,
        Kind = RelationKind.Peer,
        LocalUnitData = mine is null ? RelationState.DefaultUnitData : new Dictionary<string, string>(RelationState.DefaultUnitData) { [DriftMonitorK8sCharm.ReferencesKey] = mine },
        PeersData = new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [1] = theirs is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [DriftMonitorK8sCharm.ReferencesKey] = theirs },
        },
    };

    private static string References(string source, string fingerprint, string at) =>
        "{\"iris\":{\"source\":\"" + source + "\",\"fingerprint\":\"" + fingerprint + "\",\"at\":\"" + at + "\"}}";

    private UnitState StateWith(RelationState peers) => State(Container(_configDir)) with { Relations = [peers] };

    [Fact]
    public void SetReference_PublishesTheReferenceInThePeerDatabag()
    {
        var ctx = Context(_workload);

        UnitState after = ctx.Run(ctx.On.Action("set-reference", $$"""{"model": "iris", "source": "{{Url}}"}"""), StateWith(Peers()));

        var published = PeerReference.Parse(after.GetRelation(7)!.LocalUnitData[DriftMonitorK8sCharm.ReferencesKey], out string? problem);
        Assert.Null(problem);
        Assert.Equal(Url, published["iris"].Source);
        Assert.Equal("abc123", published["iris"].Fingerprint);
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(published["iris"].At, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void PeerChanged_NewerReference_IsLoadedAndRecorded()
    {
        var ctx = Context(_workload);
        RelationState peers = Peers(mine: References("https://old/iris.csv", "old", "2026-01-01T00:00:00.0000000Z"), theirs: References(Url, "abc123", "2026-11-27T10:00:00.0000000Z"));

        UnitState after = ctx.Run(ctx.On.RelationChanged(peers, 1), StateWith(peers));

        Assert.Contains($"set-reference iris {Url}", _workload.Calls);
        Assert.Equal(References(Url, "abc123", "2026-11-27T10:00:00.0000000Z"), after.GetRelation(7)!.LocalUnitData[DriftMonitorK8sCharm.ReferencesKey]);
        Assert.Contains(ctx.JujuLog, l => l.Message.Contains($"Loaded the reference of model iris from {Url}, as drift-monitor-k8s/1 did", StringComparison.Ordinal));
    }

    [Fact]
    public void PeerChanged_SameFingerprintAlreadyLoaded_OnlyRecordsIt()
    {
        var ctx = Context(_workload);
        _workload.Models.Add(("iris", true, null));
        _workload.Fingerprints["iris"] = "abc123";
        RelationState peers = Peers(theirs: References(Url, "abc123", "2026-11-27T10:00:00.0000000Z"));

        UnitState after = ctx.Run(ctx.On.RelationChanged(peers, 1), StateWith(peers));

        Assert.DoesNotContain(_workload.Calls, c => c.StartsWith("set-reference", StringComparison.Ordinal));
        Assert.Equal(References(Url, "abc123", "2026-11-27T10:00:00.0000000Z"), after.GetRelation(7)!.LocalUnitData[DriftMonitorK8sCharm.ReferencesKey]);
    }

    [Fact]
    public void PeerChanged_NotNewerThanMine_IsIgnoredWithoutCallingTheWorkload()
    {
        var ctx = Context(_workload);
        string mine = References("https://mine/iris.csv", "mine", "2026-11-27T12:00:00.0000000Z");
        RelationState peers = Peers(mine: mine, theirs: References(Url, "abc123", "2026-11-27T10:00:00.0000000Z"));

        UnitState after = ctx.Run(ctx.On.RelationChanged(peers, 1), StateWith(peers));

        Assert.DoesNotContain(_workload.Calls, c => c != "list");
        Assert.Equal(mine, after.GetRelation(7)!.LocalUnitData[DriftMonitorK8sCharm.ReferencesKey]);
    }

    [Fact]
    public void PeerChanged_WorkloadNotReady_DefersTheEvent()
    {
        var ctx = Context(_workload);
        _workload.NotReady = "connection refused";
        RelationState peers = Peers(theirs: References(Url, "abc123", "2026-11-27T10:00:00.0000000Z"));

        UnitState after = ctx.Run(ctx.On.RelationChanged(peers, 1), StateWith(peers));

        Assert.DoesNotContain(_workload.Calls, c => c.StartsWith("set-reference", StringComparison.Ordinal));
        Assert.Single(after.GetDeferred());
    }

    [Fact]
    public void PeerChanged_UnreadableSourceOrBadData_IsLoggedNotFatal()
    {
        var ctx = Context(_workload);
        _workload.FailWith = "/var/lib/drift-monitor/iris.csv: no such file.";
        RelationState peers = Peers(theirs: """{"iris":{"source":"/var/lib/drift-monitor/iris.csv","fingerprint":"f","at":"2026-11-27T10:00:00.0000000Z"},"bad":{"source":1}}""");

        UnitState after = ctx.Run(ctx.On.RelationChanged(peers, 1), StateWith(peers));

        Assert.Contains(ctx.JujuLog, l => l.Message.Contains("Ignoring part of the references drift-monitor-k8s/1 published: model bad", StringComparison.Ordinal));
        Assert.Contains(ctx.JujuLog, l => l.Level == "WARNING" && l.Message.Contains("cannot be loaded on this unit: /var/lib/drift-monitor/iris.csv: no such file.", StringComparison.Ordinal));
        Assert.Equal("{}", after.GetRelation(7)!.LocalUnitData[DriftMonitorK8sCharm.ReferencesKey]);
    }
}
