// BlockYamlReaderTests: the fast metadata reader either gives up or builds exactly the tree
// YamlStream.Load builds (structure, order, scalar values and styles), on every YAML file of the
// repository and of ../shared and on hand-written edge cases; it reads every charm's metadata files;
// and what it gives up on still loads through YamlDotNet.
using MlObs.Ops.Metadata;
using MlObs.Ops.Tests.ProcessLevel;

namespace MlObs.Ops.Tests.Metadata;

public sealed class BlockYamlReaderTests
{
    private static readonly string[] MetadataFileNames = ["metadata.yaml", "config.yaml", "actions.yaml"];

    public static TheoryData<string> RepositoryYamlFiles() => new(RepositoryYamlPaths());

    public static TheoryData<string> CharmMetadataFiles() => new(CharmMetadataPaths());

    public static TheoryData<string> FixtureTexts() => new()
    {
        MetadataFixtures.CharmcraftYaml,
        MetadataFixtures.MetadataYaml,
        MetadataFixtures.ConfigYaml,
        MetadataFixtures.ActionsYaml,
    };

    private static string SharedDir => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared"));

    [Theory]
    [MemberData(nameof(RepositoryYamlFiles))]
    public void TryRead_RepositoryFile_GivesUpOrMatchesYamlDotNet(string path)
    {
        YamlDifferential.AssertGivesUpOrMatches(File.ReadAllText(Path.Combine(RepoPaths.Root, path)));
    }

    [Fact]
    public void RepositoryYamlFiles_FindsTheCharmsAndTheBundles()
    {
        var files = RepositoryYamlPaths().ToList();

        Assert.Contains(Path.Combine("charms", "drift-monitor-k8s", "charmcraft.yaml"), files);
        Assert.Contains(files, f => f.StartsWith("bundles", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("tests", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CharmMetadataFiles))]
    public void TryRead_CharmMetadataFile_ReadsItAsYamlDotNetDoes(string path)
    {
        Assert.True(YamlDifferential.AssertGivesUpOrMatches(File.ReadAllText(Path.Combine(RepoPaths.Root, path))), $"the fast reader gave up on {path}");
    }

    [Fact]
    public void CharmMetadataFiles_FindsEveryCharmInTheRepository()
    {
        var files = CharmMetadataPaths().ToList();

        Assert.Contains(Path.Combine("charms", "drift-monitor-k8s", "charmcraft.yaml"), files);
        Assert.Contains(Path.Combine("charms", "kubeflow-observability-k8s", "charmcraft.yaml"), files);
        Assert.Contains(Path.Combine("tests", "MlObs.Ops.Tests", "ProcessLevel", "PythonOpsCharm", "config.yaml"), files);
        Assert.DoesNotContain(Path.Combine("charms", "drift-monitor-k8s", "image", "config.yaml"), files);
    }

    [Theory]
    [MemberData(nameof(FixtureTexts))]
    public void TryRead_MetadataFixture_GivesUpOrMatchesYamlDotNet(string yaml)
    {
        YamlDifferential.AssertGivesUpOrMatches(yaml);
    }

    [Theory]
    [InlineData("single quotes", "a: 'it''s'\nb: ''\n'': x\n")]
    [InlineData("double-quote escapes", "a: \"\\\\ \\\" \\/ \\0 \\a \\b \\t \\n \\v \\f \\r \\e \\  \\N \\_ \\L \\P\"\n")]
    [InlineData("hex escapes", "a: \"\\x41\\x7e \\u00e9\\u20AC \\U0001F600 \\U00000041\"\n")]
    [InlineData("quotes around specials", "a: '# not a comment: really'\nb: \"- [x] {y}\"\n")]
    [InlineData("literal clip", "a: |\n  x\n  y\n\n\nb: 1\n")]
    [InlineData("literal strip", "a: |-\n  x\n\n  y\n\n\nb: 1\n")]
    [InlineData("literal keep", "a: |+\n  x\n  y\n\n\nb: 1\n")]
    [InlineData("literal keep at end of file", "a: |+\n  x\n\n")]
    [InlineData("literal without final line break", "a: |\n  x\n  y")]
    [InlineData("literal keep without final line break", "a: |+\n  x")]
    [InlineData("literal with leading blank lines", "a: |\n\n\n  x\n")]
    [InlineData("literal with indented lines, hashes and trailing spaces", "a: |\n  # no comment\n    indented\n  trailing  \n  x: y\nb: 1\n")]
    [InlineData("literal with blank lines of fewer spaces", "a: |\n    x\n  \n\n    y\n")]
    [InlineData("literal then a comment", "a: |\n  x\n\n# c\n\nb: 1\n")]
    [InlineData("literal keep then a comment", "a: |+\n  x\n\n# c\n\nb: 1\n")]
    [InlineData("literal with a header comment", "a: |- # c\n  x\n")]
    [InlineData("folded clip", "a: >\n  one\n  two\n\n  three\n\n\n  four\nb: 1\n")]
    [InlineData("folded strip", "a: >-\n  one\n  two\n\n\nb: 1\n")]
    [InlineData("folded keep", "a: >+\n  one\n  two\n\n\nb: 1\n")]
    [InlineData("folded with leading blank lines", "a: >\n\n  one\n  two\n")]
    [InlineData("block scalars in a sequence", "- |\n  x\n- >-\n  y\n  z\n- a: |\n    w\n  b: >\n   v\n")]
    [InlineData("comments", "# head\na: 1 # c\n  # indented comment\nb:   # c\n  - x # c\n#c\n\n# tail\n")]
    [InlineData("nested", "a:\n  b:\n    - c\n    - d: 1\n      e: 2\n    -\n      f: 3\n    -\n      - g\n  h: i\n")]
    [InlineData("sequence at its key's indentation", "a:\n- x\n- y: 1\n  z: 2\nb:\n-\n  - q\n")]
    [InlineData("sequence at a compact key's indentation", "- a:\n  - x\n  b: 1\n")]
    [InlineData("empty values", "a:\nb:\n  c:\nd: # c\ne:\n- \n-\n-  # c\n")]
    [InlineData("empty value at the end of the file", "a: 1\nb:")]
    [InlineData("keys with spaces and quotes", "key with spaces: v\n'single key': 1\n\"double key\": 2\nspaced key  : 3\n")]
    [InlineData("numbers, booleans, null", "i: 1\nf: 1.5\ne: 1e3\nb: true\nB: yes\nn: ~\nnl: null\no: 0755\nh: 0x1F\nneg: -3\ninf: .inf\n")]
    [InlineData("unicode", "ключ: значение\nemoji: 😀 ok\ncjk: 漢字\naccent: 'é'\n")]
    [InlineData("trailing spaces", "a: b   \nc: 'd'   \ne:   \nf:\n  - g   \n")]
    [InlineData("CRLF", "a: 1\r\nb: |\r\n  x\r\n\r\n  y\r\nc:\r\n  - d # c\r\ne: >-\r\n  f\r\n  g\r\n")]
    [InlineData("flow collections", "a: [x, 'y', \"z\", -1, a b]\nb: []\nc: {k: v, 'q': \"w\", n: 1}\nd: {}\ne: [ x ,y ] # c\n")]
    [InlineData("flow in a sequence", "- [a, b]\n- {c: d}\n")]
    [InlineData("colons inside flow plain scalars", "- [dex-auth:dex-oidc-config, a:b:c, http://h:80/p]\n- {k: v:w}\n")]
    [InlineData("root sequence", "- a\n- b\n")]
    [InlineData("indented root", "  a: 1\n  b:\n    c: 2\n")]
    [InlineData("colons and hashes inside plain scalars", "url: http://x:80/a#b\ntime: 12:30\nk:v: w\nx: a#b\n")]
    [InlineData("plain scalars that start with a dash", "a: -x\nb: --\nc:\n- -1\n")]
    [InlineData("flow indicators inside block plain scalars", "a: x, y]\nb: a{b}\nc: juju >= 3.6\n")]
    [InlineData("deep nesting", "a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n       h: 1\n")]
    [InlineData("sequences nested on one line", "- - a\n  - b\n- - - c\n    - d: e\n      f: g\n")]
    [InlineData("what mlobs charm pack writes", "a:\n- - x\n  - 'y: z'\nb: |-\n  one\n\n    two\nc: |+\n  three\n\nd: {}\ne: []\nf: \"caf\\xE9 \\u2713 \\t\\\"q\\\"\"\ng: null\n'h i': '''' \n")]
    [InlineData("empty document", "")]
    [InlineData("only comments and blank lines", "# only\n\n  # a comment\n\n")]
    public void TryRead_EdgeCase_ReadsItAsYamlDotNetDoes(string what, string yaml)
    {
        Assert.True(YamlDifferential.AssertGivesUpOrMatches(yaml), what);
    }

    // Each reason to give up, on metadata YamlDotNet reads: the fast reader returns false and
    // CharmMeta reads the same charm as from the equivalent text the fast reader does read.
    [Theory]
    [InlineData("a tab inside a value", "name: x\nsummary: a\tb\n", "name: x\nsummary: \"a\\tb\"\n")]
    [InlineData("an anchor and an alias", "name: x\nsummary: &s hello\ndescription: *s\n", "name: x\nsummary: hello\ndescription: hello\n")]
    [InlineData("a tag", "name: x\nsummary: !!str 123\n", "name: x\nsummary: '123'\n")]
    [InlineData("a directive", "%YAML 1.1\n---\nname: x\n", "name: x\n")]
    [InlineData("a document start", "---\nname: x\n", "name: x\n")]
    [InlineData("a document end", "name: x\n...\n", "name: x\n")]
    [InlineData("a nested flow collection", "name: x\nassumes: [k8s-api, {any-of: [a, b]}]\n", "name: x\nassumes:\n- k8s-api\n- any-of:\n  - a\n  - b\n")]
    [InlineData("a flow collection over two lines", "name: x\nassumes: [k8s-api,\n  juju >= 3.6]\n", "name: x\nassumes: [k8s-api, juju >= 3.6]\n")]
    [InlineData("a key inside a flow sequence", "name: x\nactions:\n  a:\n    params:\n      p:\n        default: [k: v]\n", "name: x\nactions:\n  a:\n    params:\n      p:\n        default:\n        - k: v\n")]
    [InlineData("a trailing comma in a flow sequence", "name: x\nassumes: [a, b,]\n", "name: x\nassumes: [a, b]\n")]
    [InlineData("a complex key", "? name\n: x\n", "name: x\n")]
    [InlineData("a multi-line plain scalar", "name: x\nsummary: one\n  two\n", "name: x\nsummary: one two\n")]
    [InlineData("a multi-line single-quoted scalar", "name: x\nsummary: 'one\n  two'\n", "name: x\nsummary: one two\n")]
    [InlineData("a multi-line double-quoted scalar", "name: x\nsummary: \"one\\\n  two\"\n", "name: x\nsummary: onetwo\n")]
    [InlineData("a byte order mark", "name: x\nsummary: a\ufeffb\n", "name: x\nsummary: \"a\\ufeffb\"\n")]
    [InlineData("an explicit indentation indicator", "name: x\ndescription: |2\n   indented\n", "name: x\ndescription: \" indented\\n\"\n")]
    [InlineData("folded text with a more-indented line", "name: x\ndescription: >\n  a\n    b\n  c\n", "name: x\ndescription: \"a\\n  b\\nc\\n\"\n")]
    [InlineData("folded text with trailing spaces", "name: x\ndescription: >\n  a \n  b\n", "name: x\ndescription: \"a  b\\n\"\n")]
    [InlineData("a block scalar with no text", "name: x\ndescription: |\nsummary: s\n", "name: x\ndescription: ''\nsummary: s\n")]
    [InlineData("a line of spaces deeper than a block scalar", "name: x\ndescription: |\n  a\n     \n  b\n", "name: x\ndescription: \"a\\n   \\nb\\n\"\n")]
    [InlineData("a line separator", "name: x\nsummary: 'a\u2028b'\n", "name: x\nsummary: \"a\\Lb\"\n")]
    [InlineData("carriage returns alone", "name: x\rsummary: s\r", "name: x\nsummary: s\n")]
    [InlineData("an escape outside the subset", "name: x\nsummary: \"\\uD83D\\uDE00\"\n", "name: x\nsummary: \"\\U0001F600\"\n")]
    [InlineData("a question mark opening a plain scalar", "name: x\nsummary: ?a\n", "name: x\nsummary: '?a'\n")]
    public void TryRead_OutsideTheSubset_GivesUpAndCharmMetaReadsItThroughYamlDotNet(string what, string yaml, string equivalent)
    {
        Assert.False(BlockYamlReader.TryRead(yaml, out _), $"the fast reader read {what}");
        Assert.True(BlockYamlReader.TryRead(equivalent, out _), "the equivalent text should be in the subset");

        var meta = CharmMeta.FromCharmcraftYaml(yaml);

        Assert.Equal(CharmMeta.FromCharmcraftYaml(equivalent), meta);
    }

    // YAML errors are outside the subset too: YamlDotNet reports them, with their position.
    [Theory]
    [InlineData("tabs as indentation", "name: x\nrequires:\n\tdb: {interface: pg}\n", "line 1, column 1")]
    [InlineData("a duplicate key", "name: x\nsummary: a\nsummary: b\n", "line 3, column 1")]
    [InlineData("a plain value with ': '", "name: x\nsummary: a: b\n", "line 2, column 11")]
    [InlineData("an unknown escape", "name: x\nsummary: \"\\q\"\n", "line 2, column 10")]
    public void TryRead_MalformedYaml_GivesUpAndYamlDotNetReportsIt(string what, string yaml, string position)
    {
        Assert.False(BlockYamlReader.TryRead(yaml, out _), $"the fast reader read {what}");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.StartsWith($"charmcraft.yaml, {position}: malformed YAML", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- ")]
    [InlineData("a:\n ")]
    public void TryRead_NestingDeeperThanMetadataNeeds_GivesUp(string level)
    {
        var yaml = string.Concat(Enumerable.Repeat(level, 100)) + "x\n";

        Assert.False(YamlDifferential.AssertGivesUpOrMatches(yaml));
    }

    // Where YamlDotNet reads differently from the YAML specification, the fast reader gives up
    // rather than copy the difference (cases the fuzz tests found).
    [Theory]
    [InlineData("' *' in a first key, which YamlDotNet reads as one scalar", "k:\n  a *b: c\n")]
    [InlineData("' *' in a value", "k: a *b\n")]
    [InlineData("spaces on a blank line before a literal's text, which YamlDotNet refuses", "k: |\n  \n  y\n")]
    [InlineData("spaces on a blank line before a folded text", "k: >\n \n  y\n")]
    public void TryRead_WhereYamlDotNetHasRulesOfItsOwn_GivesUp(string what, string yaml)
    {
        Assert.False(YamlDifferential.AssertGivesUpOrMatches(yaml), $"the fast reader read {what}");
    }

    [Fact]
    public void FromLegacy_ErrorInAFastReadFile_HasYamlDotNetsLineAndColumn()
    {
        const string metadata = "name: x\nrequires:\n  db:\n    interface: pg\n    scope: planet\n";
        Assert.True(BlockYamlReader.TryRead(metadata, out _));

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy(metadata, null, null));

        Assert.Equal("metadata.yaml, line 5, column 12: relation 'db' in requires has scope 'planet'; expected global or container", ex.Message);
    }

    [Fact]
    public void FromLegacy_ErrorInAFastReadConfig_HasYamlDotNetsLineAndColumn()
    {
        const string config = "options:\n  port:\n    type: integer\n    default: |\n      eighty\n";
        Assert.True(BlockYamlReader.TryRead(config, out _));

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy("name: x\n", config, null));

        Assert.Equal("config.yaml, line 3, column 11: config option 'port' has type 'integer'; expected one of string, int, float, boolean, secret", ex.Message);
    }

    // Every YAML file of the repository and of ../shared, relative to the repository root.
    private static IEnumerable<string> RepositoryYamlPaths() =>
        YamlFilesUnder(RepoPaths.Root).Concat(YamlFilesUnder(SharedDir)).Select(path => Path.GetRelativePath(RepoPaths.Root, path));

    // charmcraft.yaml, and the metadata.yaml / config.yaml / actions.yaml of packed charms (a
    // config.yaml beside no metadata.yaml is some other program's configuration).
    private static IEnumerable<string> CharmMetadataPaths() =>
        YamlFilesUnder(RepoPaths.Root)
            .Where(path => Path.GetFileName(path) == "charmcraft.yaml"
                || (MetadataFileNames.Contains(Path.GetFileName(path)) && File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "metadata.yaml"))))
            .Select(path => Path.GetRelativePath(RepoPaths.Root, path));

    private static IEnumerable<string> YamlFilesUnder(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
            .Where(path => !Path.GetRelativePath(dir, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "node_modules"))
            .Order(StringComparer.Ordinal);
    }
}
