// BlockYamlReaderFuzzTests: seeded random texts, generated from the constructs of the fast reader's
// subset and its borders, or made by mutating metadata, must each be given up on or read exactly as
// YamlDotNet reads them. The seeds are fixed, so a failure repeats; its message carries the text.
using System.Text;
using MlObs.Ops.Tests.ProcessLevel;

namespace MlObs.Ops.Tests.Metadata;

public sealed class BlockYamlReaderFuzzTests
{
    private const int GeneratedRuns = 4000;

    // Fewer: each is a whole charm's metadata.
    private const int MutatedRuns = 1500;

    private static readonly string[] Plains =
    [
        "a", "b c", "k-1", "1", "-2", "0x1F", "~", "null", "true", "é", "x:y", "a#b", "a, b", "http://h:80/p",
        "--", "a]", "a}", "😀", "a *b", "a&b", "a !b", ".inf", "a'b", "a\"b", "a  b", "?", "a:", "#", "-", "''",
    ];

    private static readonly string[] Quoted =
    [
        "'q'", "'it''s'", "\"d\"", "\"e\\tf\\x41\\u00e9\\\\\\\"\"", "''", "\"\"", "'a # b'", "\"\\/\\ \\N\"", "\"\\q\"",
    ];

    private static readonly string[] Insertions =
    [
        " ", "  ", "\n", "\r\n", ":", ": ", "- ", "-", "#", " #", "'", "\"", "''", "\\", "\\n", "\\x4", "\\u00e9", "|",
        ">", "|-", ">+", "[", "]", "{", "}", ",", "a", "~", "\t", "?", "&a", "*a", "!", "%", "---", "...", "é",
        "\u2028", "\ufeff", "\r", "\n  ", "\n- ", "k: ", "\n\n", "  \n", "\\ ", "😀",
    ];

    [Fact]
    public void TryRead_GeneratedTexts_GiveUpOrMatchYamlDotNet()
    {
        var random = new Random(20240611);
        var read = 0;
        for (var i = 0; i < GeneratedRuns; i++)
        {
            read += YamlDifferential.AssertGivesUpOrMatches(Generate(random)) ? 1 : 0;
        }

        // The generator aims at the subset: a reader that gave up on everything would pass the loop.
        Assert.True(read > GeneratedRuns / 10, $"the fast reader read only {read} of {GeneratedRuns} generated texts");
    }

    [Fact]
    public void TryRead_MutatedMetadata_GivesUpOrMatchesYamlDotNet()
    {
        string[] seeds =
        [
            MetadataFixtures.CharmcraftYaml,
            MetadataFixtures.MetadataYaml,
            File.ReadAllText(Path.Combine(RepoPaths.Root, "charms", "drift-monitor-k8s", "charmcraft.yaml")),
        ];
        var random = new Random(20240612);
        var read = 0;
        for (var i = 0; i < MutatedRuns; i++)
        {
            read += YamlDifferential.AssertGivesUpOrMatches(Mutate(random, seeds[random.Next(seeds.Length)])) ? 1 : 0;
        }

        Assert.True(read > MutatedRuns / 20, $"the fast reader read only {read} of {MutatedRuns} mutated texts");
    }

    private static string Mutate(Random random, string text)
    {
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(text.Length + 1);
            text = random.Next(3) switch
            {
                0 when at < text.Length => text.Remove(at, Math.Min(random.Next(1, 4), text.Length - at)),
                1 => text.Insert(at, Pick(random, Insertions) + Pick(random, Insertions)),
                _ => text.Insert(at, Pick(random, Insertions)),
            };
        }

        return text;
    }

    private static string Generate(Random random)
    {
        var text = new StringBuilder();
        WriteCollection(text, random, random.Next(2), 0, sequence: random.Next(2) == 0);
        var yaml = text.ToString();
        if (random.Next(8) == 0)
        {
            yaml = yaml.Replace("\n", "\r\n", StringComparison.Ordinal);
        }

        return random.Next(10) == 0 ? yaml.TrimEnd('\n') : yaml;
    }

    private static void WriteCollection(StringBuilder text, Random random, int indent, int depth, bool sequence)
    {
        for (var entries = random.Next(1, 4); entries > 0; entries--)
        {
            WriteFiller(text, random);
            text.Append(' ', indent).Append(sequence ? "-" : Scalar(random) + Spaces(random) + ":");
            var childIndent = indent + random.Next(1, 4);
            switch (random.Next(depth > 3 ? 5 : 8))
            {
                case 0:
                    text.Append(Spaces(random)).Append('\n');
                    break;
                case 1:
                    text.Append(' ').Append(Scalar(random)).Append(Spaces(random)).Append(random.Next(4) == 0 ? " # c\n" : "\n");
                    break;
                case 2:
                    text.Append(" [").AppendJoin(", ", Enumerable.Range(0, random.Next(3)).Select(_ => Scalar(random))).Append("]\n");
                    break;
                case 3:
                    text.Append(" {").AppendJoin(", ", Enumerable.Range(0, random.Next(3)).Select(_ => $"{Scalar(random)}: {Scalar(random)}")).Append("}\n");
                    break;
                case 4:
                    WriteBlockScalar(text, random, indent);
                    break;
                case 5 when sequence:
                    // A compact mapping or sequence on the dash's line.
                    text.Append(' ', childIndent - indent - 1);
                    WriteCollection(text, random, childIndent, depth + 1, sequence: random.Next(3) == 0);
                    break;
                case 6 when !sequence:
                    // A sequence at its key's indentation.
                    text.Append('\n');
                    WriteCollection(text, random, indent, depth + 1, sequence: true);
                    break;
                default:
                    text.Append(random.Next(4) == 0 ? " # c\n" : "\n");
                    WriteCollection(text, random, childIndent, depth + 1, sequence: random.Next(2) == 0);
                    break;
            }
        }
    }

    private static void WriteBlockScalar(StringBuilder text, Random random, int indent)
    {
        text.Append(' ').Append(random.Next(2) == 0 ? '|' : '>').Append(Pick(random, ["", "-", "+"])).Append(random.Next(5) == 0 ? " # h\n" : "\n");
        var textIndent = indent + random.Next(1, 4);
        for (var lines = random.Next(1, 5); lines > 0; lines--)
        {
            if (random.Next(4) == 0)
            {
                text.Append(' ', random.Next(textIndent + 2)).Append('\n');
            }

            var deeper = random.Next(6) == 0 ? random.Next(1, 3) : 0;
            text.Append(' ', textIndent + deeper).Append(Scalar(random)).Append(random.Next(6) == 0 ? " \n" : "\n");
        }

        if (random.Next(3) == 0)
        {
            text.Append(' ', random.Next(textIndent + 1)).Append('\n');
        }
    }

    // Blank lines, blank lines of spaces and comments between entries.
    private static void WriteFiller(StringBuilder text, Random random)
    {
        switch (random.Next(12))
        {
            case 0:
                text.Append('\n');
                break;
            case 1:
                text.Append(' ', random.Next(8)).Append('\n');
                break;
            case 2:
                text.Append(' ', random.Next(8)).Append("# c\n");
                break;
        }
    }

    private static string Scalar(Random random) => random.Next(4) == 0 ? Pick(random, Quoted) : Pick(random, Plains);

    private static string Spaces(Random random) => random.Next(6) == 0 ? new string(' ', random.Next(3)) : string.Empty;

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}
