// LayerDigestTests: the digest Container.EnsureLayerAsync keeps of a layer walks the same fields as the layer's YAML,
// so any change that shows in ToYaml changes the digest, and equal layers give equal digests.
using MlObs.Ops.Pebble;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Tests.Pebble;

public sealed class LayerDigestTests
{
    [Fact]
    public void Digest_EqualLayers_AreEqual()
    {
        Assert.Equal(LayerFixtures.FullLayer().Digest(), LayerFixtures.FullLayer().Digest());
        Assert.Equal(Layer.FromYaml(LayerFixtures.FullLayerYaml).Digest(), LayerFixtures.FullLayer().Digest());
        Assert.Matches("^[0-9a-f]{32}$", LayerFixtures.FullLayer().Digest());
    }

    [Fact]
    public void Digest_EveryScalarOfTheFullLayerChanged_ChangesTheDigest()
    {
        var original = LayerFixtures.FullLayer();
        var stream = new YamlStream();
        stream.Load(new StringReader(original.ToYaml()));
        var scalars = Scalars(stream.Documents[0].RootNode).ToList();
        var changed = 0;
        foreach (var scalar in scalars)
        {
            var kept = scalar.Value!;
            scalar.Value = Changed(kept);
            var variant = TryRead(Serialize(stream));
            scalar.Value = kept;
            if (variant is null || variant.ToYaml() == original.ToYaml())
            {
                // Not a valid layer any more (an unknown key, a bad duration), or a change YAML does not show.
                continue;
            }

            Assert.NotEqual(original.Digest(), variant.Digest());
            changed++;
        }

        // Most scalars (keys and values) make a valid variant: the test must not pass by skipping them all.
        Assert.True(changed > scalars.Count / 2, $"only {changed} of {scalars.Count} variants were valid layers");
    }

    [Fact]
    public void Digest_TextMovedBetweenAKeyAndItsValue_Differs()
    {
        Layer With(string name, string value) => new()
        {
            Services = new Dictionary<string, Service>
            {
                ["svc"] = new() { Override = Override.Replace, Command = "x", Environment = new Dictionary<string, string> { [name] = value } },
            },
        };

        Assert.NotEqual(With("a", "bc").Digest(), With("ab", "c").Digest());
        Assert.NotEqual(With("a", "1").Digest(), With("a", "01").Digest());
    }

    [Fact]
    public void Digest_MapsBuiltInAnotherOrder_AreEqual()
    {
        Layer With(params (string Name, string Value)[] environment)
        {
            var map = new Dictionary<string, string>();
            foreach (var (name, value) in environment)
            {
                map[name] = value;
            }

            return new Layer { Services = new Dictionary<string, Service> { ["svc"] = new() { Override = Override.Replace, Command = "x", Environment = map } } };
        }

        Assert.Equal(With(("a", "1"), ("b", "2")).Digest(), With(("b", "2"), ("a", "1")).Digest());
        Assert.NotEqual(With(("a", "1"), ("b", "2")).Digest(), With(("a", "2"), ("b", "1")).Digest());
    }

    private static IEnumerable<YamlScalarNode> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode scalar => [scalar],
        YamlSequenceNode sequence => sequence.Children.SelectMany(Scalars),
        YamlMappingNode map => map.Children.SelectMany(pair => Scalars(pair.Key).Concat(Scalars(pair.Value))),
        _ => [],
    };

    // Another value of the same kind: numbers stay numbers, durations stay durations, words change.
    private static string Changed(string value) =>
        int.TryParse(value, out var number) ? (number + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : value.EndsWith('s') && double.TryParse(value[..^1], out var seconds) ? $"{seconds + 1}s"
        : value switch
        {
            "replace" => "merge",
            "merge" => "replace",
            "enabled" => "disabled",
            "disabled" => "enabled",
            "alive" => "ready",
            "ready" => "alive",
            "restart" => "shutdown",
            "shutdown" => "ignore",
            "ignore" => "restart",
            "loki" => "opentelemetry",
            _ => value + "-changed",
        };

    private static string Serialize(YamlStream stream)
    {
        using var text = new StringWriter();
        stream.Save(text, assignAnchors: false);
        return text.ToString();
    }

    private static Layer? TryRead(string yaml)
    {
        try
        {
            var layer = Layer.FromYaml(yaml);
            layer.Validate();
            return layer;
        }
        catch (PebbleLayerException)
        {
            return null;
        }
    }
}
