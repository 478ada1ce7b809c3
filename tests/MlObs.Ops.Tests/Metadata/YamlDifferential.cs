// YamlDifferential: runs BlockYamlReader and YamlStream.Load on the same text and checks that the
// fast reader either gives up or builds the same tree, compared node by node as text (kind, style,
// tag, anchor, value), so that a failure shows both trees.
using System.Text;
using System.Text.Json;
using MlObs.Ops.Metadata;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Tests.Metadata;

internal static class YamlDifferential
{
    /// <summary>True when the fast reader read the text (and its tree is YamlDotNet's); false when it gave up.</summary>
    public static bool AssertGivesUpOrMatches(string yaml)
    {
        var fast = BlockYamlReader.TryRead(yaml, out var fastRoot);
        string expected;
        try
        {
            expected = Render(LoadWithYamlDotNet(yaml));
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException)
        {
            Assert.False(fast, $"the fast reader read {Quote(yaml)}, which YamlDotNet refuses ({ex.Message}), as\n{Render(fastRoot)}");
            return false;
        }

        if (fast && Render(fastRoot) is var actual && actual != expected)
        {
            Assert.Fail($"the fast reader read {Quote(yaml)} as\n{actual}\nbut YamlDotNet as\n{expected}");
        }

        return fast;
    }

    private static string Quote(string text) => $"\"{JsonEncodedText.Encode(text).Value}\"";

    private static YamlNode? LoadWithYamlDotNet(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count switch
        {
            0 => null,
            1 => stream.Documents[0].RootNode,
            _ => throw new InvalidOperationException($"{stream.Documents.Count} documents"),
        };
    }

    // The whole tree as text, one node a line: kind, style, tag, anchor and the escaped value.
    private static string Render(YamlNode? root)
    {
        var text = new StringBuilder();
        Write(root, 0);
        return text.ToString();

        void Write(YamlNode? node, int depth)
        {
            text.Append(' ', depth * 2);
            switch (node)
            {
                case null:
                    text.Append("(no document)\n");
                    break;
                case YamlScalarNode scalar:
                    text.Append($"scalar {scalar.Style} tag={scalar.Tag} anchor={scalar.Anchor} ")
                        .Append(scalar.Value is null ? "(null)" : Quote(scalar.Value))
                        .Append('\n');
                    break;
                case YamlSequenceNode sequence:
                    text.Append($"sequence {sequence.Style} tag={sequence.Tag} anchor={sequence.Anchor}\n");
                    foreach (var item in sequence.Children)
                    {
                        Write(item, depth + 1);
                    }

                    break;
                case YamlMappingNode mapping:
                    text.Append($"mapping {mapping.Style} tag={mapping.Tag} anchor={mapping.Anchor}\n");
                    foreach (var (key, value) in mapping.Children)
                    {
                        Write(key, depth + 1);
                        Write(value, depth + 2);
                    }

                    break;
                default:
                    text.Append(node.GetType().Name).Append('\n');
                    break;
            }
        }
    }
}
