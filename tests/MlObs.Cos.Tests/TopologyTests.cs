// TopologyTests: the topology and Python-compatible JSON match what cosl and json.dumps produce.
using System.Text.Json.Nodes;
using MlObs.Cos;
using Xunit;

namespace MlObs.Cos.Tests;

public sealed class TopologyTests
{
    private static readonly JujuTopology Topology = new("dev-model", "f2c1b2a6-1234-4abc-8def-0123456789ab", "myapp", "myapp/1", "my-charm");

    [Fact]
    public void ScrapeMetadata_IsByteForByteWhatThePythonLibraryWrites() =>
        Assert.Equal(
            """{"model": "dev-model", "model_uuid": "f2c1b2a6-1234-4abc-8def-0123456789ab", "application": "myapp", "unit": "myapp/1", "charm_name": "my-charm"}""",
            PyJson.Dumps(Topology.ToJson()));

    [Fact]
    public void Identifier_AndLabelSets_FollowCosl()
    {
        Assert.Equal("dev-model_f2c1b2a6_myapp", Topology.Identifier);
        Assert.Equal(["juju_model", "juju_model_uuid", "juju_application", "juju_charm"], Topology.LabelMatchers.Select(kv => kv.Key));
        Assert.Equal(["juju_model", "juju_model_uuid", "juju_application"], Topology.AlertExpressionLabels.Select(kv => kv.Key));
        Assert.DoesNotContain((Topology with { CharmName = "" }).LabelMatchers, kv => kv.Key == "juju_charm");
    }

    [Theory]
    [InlineData("f2c1b2a6-1234-4abc-8def-0123456789ab", true)]
    [InlineData("F2C1B2A6-1234-4ABC-8DEF-0123456789AB", false)]
    [InlineData("f2c1b2a6-1234-1abc-8def-0123456789ab", false)]
    [InlineData("f2c1b2a6-1234-4abc-cdef-0123456789ab", false)]
    [InlineData("f2c1b2a612344abc8def0123456789ab", false)]
    [InlineData("", false)]
    public void ModelUuid_MustBeWhatCoslAccepts(string uuid, bool valid)
    {
        Assert.Equal(valid, JujuTopology.IsValidModelUuid(uuid));
        var json = Topology.ToJson();
        json["model_uuid"] = uuid;
        if (valid)
        {
            Assert.Equal(Topology, JujuTopology.FromJson(json));
        }
        else
        {
            Assert.Throws<InvalidTopologyException>(() => JujuTopology.FromJson(json));
        }
    }

    [Fact]
    public void PyJson_EscapesLikePython()
    {
        var node = new JsonObject { ["b"] = "é\u2028<&>\"\\\n\u007f", ["a"] = new JsonArray(1, 2.5, true, null) };

        Assert.Equal("""{"b": "\u00e9\u2028<&>\"\\\n\u007f", "a": [1, 2.5, true, null]}""", PyJson.Dumps(node));
        Assert.Equal("""{"a": [1, 2.5, true, null], "b": "\u00e9\u2028<&>\"\\\n\u007f"}""", PyJson.Dumps(node, sortKeys: true));
    }
}
