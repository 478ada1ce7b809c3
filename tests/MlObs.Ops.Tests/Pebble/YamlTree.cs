// YamlTree: compares two YAML documents as mapping trees (key order and quoting ignored), for the
// golden layer tests.
using System.Text;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Tests.Pebble;

internal static class YamlTree
{
    /// <summary>A canonical text of the document: mappings sorted by key, scalars by their value.</summary>
    public static string Canonical(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var builder = new StringBuilder();
        if (stream.Documents.Count > 0)
        {
            Write(builder, stream.Documents[0].RootNode, 0);
        }

        return builder.ToString();
    }

    public static void AssertSame(string expected, string actual) =>
        Assert.Equal(Canonical(expected), Canonical(actual));

    private static void Write(StringBuilder builder, YamlNode node, int depth)
    {
        var indent = new string(' ', depth * 2);
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children.OrderBy(p => ((YamlScalarNode)p.Key).Value, StringComparer.Ordinal))
                {
                    builder.Append(indent).Append(((YamlScalarNode)key).Value).AppendLine(":");
                    Write(builder, value, depth + 1);
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    builder.Append(indent).AppendLine("-");
                    Write(builder, item, depth + 1);
                }

                break;
            case YamlScalarNode scalar:
                builder.Append(indent).Append('=').AppendLine(scalar.Value);
                break;
        }
    }
}
