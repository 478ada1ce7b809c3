// The COS components' stored state is read and written by hand (StateJson); what the serializer stored in earlier
// charm revisions must read back and be written again byte for byte.
using System.Text.Json;
using MlObs.Cos.GrafanaDashboard;

namespace MlObs.Cos.Tests;

public sealed class StateJsonTests
{
    // As System.Text.Json's source-generated contexts wrote them (taken from a unit's state before the change).
    private const string Feedback = """{"3":{"EventOwner":"opentelemetry-collector-k8s","Event":null,"Missing":[],"Invalid":[]}}""";
    private const string Dashboard = """{"Relations":{"2":{"SeenEvent":"","Errors":[]}},"ScanDigest":"1d4906d3ff4b0e17e8ceab01c677c965","ScanProblems":[]}""";
    private const string Digests = """{"1":"ac7150305c547c12584913be5091539c","2":"b19647b3fa74d8b8d530ee192cb56008"}""";

    [Fact]
    public void StateWrittenBySerializer_ReadsAndWritesBackUnchanged()
    {
        Assert.Equal(Feedback, StateJson.WriteFeedback(StateJson.ReadFeedback(Feedback)!));
        Assert.Equal(Dashboard, StateJson.WriteDashboardState(StateJson.ReadDashboardState(Dashboard)!));
        Assert.Equal(Digests, StateJson.WriteStringMap(StateJson.ReadStringMap(Digests)!));
    }

    [Fact]
    public void Feedback_EveryField_RoundTrips()
    {
        var map = new Dictionary<string, RemoteFeedback>(StringComparer.Ordinal)
        {
            ["7"] = new("loki", """{"errors": "rule <x> & 'y' \u00e9"}""", ["loki/0", "loki/1"], ["loki/2"]),
            ["9"] = new(null, null, [], []),
        };

        var back = StateJson.ReadFeedback(StateJson.WriteFeedback(map))!;

        Assert.Equal(["7", "9"], back.Keys);
        Assert.Equal(map["7"].Event, back["7"].Event);
        Assert.Equal(map["7"].EventOwner, back["7"].EventOwner);
        Assert.Equal(map["7"].Missing, back["7"].Missing);
        Assert.Equal(map["7"].Invalid, back["7"].Invalid);
        Assert.Null(back["9"].Event);
        Assert.Null(back["9"].EventOwner);
    }

    [Fact]
    public void DashboardState_ErrorsAndProblems_RoundTrip()
    {
        var state = new GrafanaDashboardState
        {
            Relations = new(StringComparer.Ordinal) { ["4"] = new("{\"errors\":1}", [new("file:overview", "bad panel"), new(string.Empty, "no datasource")]) },
            ScanDigest = null,
            ScanProblems = ["invalid dashboard a.json: not a JSON object"],
        };

        var text = StateJson.WriteDashboardState(state);
        var back = StateJson.ReadDashboardState(text)!;

        Assert.Equal(text, StateJson.WriteDashboardState(back));
        Assert.Equal(state.Relations["4"].Errors, back.Relations["4"].Errors);
        Assert.Null(back.ScanDigest);
        Assert.Equal(state.ScanProblems, back.ScanProblems);
    }

    [Fact]
    public void JsonNull_ReadsAsNoState()
    {
        Assert.Null(StateJson.ReadStringMap("null"));
        Assert.Null(StateJson.ReadFeedback("null"));
        Assert.Null(StateJson.ReadDashboardState("null"));
    }

    [Theory]
    [InlineData("""{"1": 5}""")]
    [InlineData("""["a"]""")]
    [InlineData("""{"1": "a""")]
    public void StringMap_WrongShape_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => StateJson.ReadStringMap(json));

    [Theory]
    [InlineData("""{"3": {"EventOwner": 1}}""")]
    [InlineData("""{"3": {"Missing": "loki/0"}}""")]
    [InlineData("""{"3": []}""")]
    public void Feedback_WrongShape_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => StateJson.ReadFeedback(json));

    [Theory]
    [InlineData("""{"Relations": {"2": {"Errors": []}}}""")]
    [InlineData("""{"Relations": {"2": {"SeenEvent": "", "Errors": [{"DashboardId": "x"}]}}}""")]
    [InlineData("""{"ScanProblems": {}}""")]
    public void DashboardState_WrongShape_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => StateJson.ReadDashboardState(json));
}
