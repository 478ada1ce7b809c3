// CharmMetaErrorTests: bad metadata fails with a CharmMetaException whose message names the file,
// the position and the field, and never with a NullReferenceException or InvalidCastException.
using MlObs.Ops.Metadata;
using YamlDotNet.Core;

namespace MlObs.Ops.Tests.Metadata;

public sealed class CharmMetaErrorTests
{
    [Fact]
    public void FromCharmcraftYaml_MissingName_SaysSo()
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml("summary: no name\n"));

        Assert.Equal("charmcraft.yaml: missing required field 'name'", ex.Message);
    }

    [Fact]
    public void FromCharmcraftYaml_RelationWithoutInterface_NamesRelationAndSection()
    {
        var yaml = MetadataFixtures.CharmcraftWith("    interface: postgresql_client\n", "");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.StartsWith("charmcraft.yaml, line ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("relation 'database' in requires has no interface", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_RelationWithNullBody_HasNoInterface()
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy("name: x\npeers:\n  cluster:\n", null, null));

        Assert.Contains("metadata.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("relation 'cluster' in peers has no interface", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharmcraftYaml_ConfigTypeInteger_ListsTheValidTypes()
    {
        var yaml = MetadataFixtures.CharmcraftWith("      type: int\n", "      type: integer\n");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.Contains("charmcraft.yaml, line ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("config option 'port' has type 'integer'; expected one of string, int, float, boolean, secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_ConfigOptionWithoutType_IsStringAsInJuju()
    {
        var meta = CharmMeta.FromLegacy("name: x\n", "options:\n  host:\n    default: example.com\n", null);

        Assert.Equal(ConfigOptionType.String, meta.Config["host"].Type);
    }

    [Theory]
    [InlineData("int", "abc", "config option 'n' of type int has default 'abc'; expected an integer")]
    [InlineData("int", "1.5", "config option 'n' of type int has default '1.5'; expected an integer")]
    [InlineData("int", "99999999999999999999", "config option 'n' of type int has default '99999999999999999999'; expected an integer")]
    [InlineData("float", "fast", "config option 'n' of type float has default 'fast'; expected a finite number")]
    [InlineData("float", ".inf", "config option 'n' of type float has default '.inf'; expected a finite number")]
    [InlineData("boolean", "maybe", "config option 'n' of type boolean has default 'maybe'; expected true or false")]
    [InlineData("boolean", "1", "config option 'n' of type boolean has default '1'; expected true or false")]
    [InlineData("string", "[a, b]", "config option 'n' of type string has a sequence as default; expected a string")]
    public void FromLegacy_DefaultNotMatchingType_NamesOptionTypeAndValue(string type, string defaultYaml, string expected)
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\n", $"options:\n  n:\n    type: {type}\n    default: {defaultYaml}\n", null));

        Assert.StartsWith("config.yaml, line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bool", "has type 'bool'")]
    [InlineData("int", "has type 'int'")]
    [InlineData("[string, 'null']", "has a sequence as type")]
    public void FromCharmcraftYaml_ActionParamTypeOutsideJsonSchema_ListsTheSixTypes(string type, string what)
    {
        var yaml = MetadataFixtures.CharmcraftWith("        type: boolean\n        default: true\n", $"        type: {type}\n");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.Contains($"action 'snapshot' param 'compress' {what}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of string, boolean, integer, number, array, object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_ActionsYamlError_NamesActionsYaml()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\n", null, "go:\n  params:\n    fast: {type: bool}\n"));

        Assert.StartsWith("actions.yaml, line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharmcraftYaml_ContainerResourceNotDeclared_NamesContainerAndResource()
    {
        var yaml = MetadataFixtures.CharmcraftWith("    resource: drift-image\n", "    resource: drift-img\n");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.Contains("container 'drift' uses resource 'drift-img', which is not declared under resources", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharmcraftYaml_ContainerResourceIsAFile_RequiresOciImage()
    {
        var yaml = MetadataFixtures.CharmcraftWith("    resource: drift-image\n", "    resource: reference-profile\n");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.Contains("container 'drift' uses resource 'reference-profile' of type file; a container needs an oci-image resource", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharmcraftYaml_MountOfUndeclaredStorage_NamesStorage()
    {
        var yaml = MetadataFixtures.CharmcraftWith("      - storage: data\n", "      - storage: date\n");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.Contains("mount 1 of container 'drift' uses storage 'date', which is not declared under storage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharmcraftYaml_MalformedYaml_WrapsYamlExceptionWithLineAndColumn()
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml("name: x\nsummary: 'unterminated\n"));

        Assert.Matches(@"^charmcraft\.yaml, line \d+, column \d+: malformed YAML: .*quoted scalar", ex.Message);
        Assert.IsAssignableFrom<YamlException>(ex.InnerException);
    }

    [Fact]
    public void FromCharmcraftYaml_UnclosedFlowSequenceBeforeNextKey_ReportsLastGoodPosition()
    {
        // YamlDotNet throws InvalidOperationException here rather than a YamlException.
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml("name: x\nrequires: [a, b\nprovides: {}\n"));

        Assert.StartsWith("charmcraft.yaml, line 2, column 12: malformed YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_DuplicateKey_IsMalformedYaml()
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy("name: x\nname: y\n", null, null));

        Assert.StartsWith("metadata.yaml, line 2, column 1: malformed YAML:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- name: x\n", "not a sequence")]
    [InlineData("just text\n", "not 'just text'")]
    public void FromCharmcraftYaml_TopLevelNotAMapping_SaysWhatItIs(string yaml, string what)
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromCharmcraftYaml(yaml));

        Assert.Equal($"charmcraft.yaml, line 1, column 1: the top-level document must be a mapping, {what}", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("~\n")]
    public void FromLegacy_EmptyMetadataYaml_SaysItIsEmpty(string yaml)
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy(yaml, null, null));

        Assert.StartsWith("metadata.yaml: the file is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_TwoDocuments_Rejected()
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy("name: x\n---\nname: y\n", null, null));

        Assert.Contains("expected one YAML document, found 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_UnknownScope_ListsTheTwoScopes()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nrequires:\n  db: {interface: pg, scope: local}\n", null, null));

        Assert.Contains("relation 'db' in requires has scope 'local'; expected global or container", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_LimitNotAnInteger_NamesTheField()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nrequires:\n  db: {interface: pg, limit: one}\n", null, null));

        Assert.Equal("metadata.yaml, line 3, column 30: relation 'db' in requires has limit 'one'; expected an integer", ex.Message);
    }

    [Fact]
    public void FromLegacy_EndpointInTwoSections_NamesBoth()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nrequires:\n  db: {interface: pg}\npeers:\n  db: {interface: pg-peer}\n", null, null));

        Assert.Equal("metadata.yaml: relation 'db' is declared in both requires and peers", ex.Message);
    }

    [Fact]
    public void FromLegacy_StorageWithoutType_SaysSo()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nstorage:\n  data:\n    location: /data\n", null, null));

        Assert.Contains("storage 'data' has no type; expected filesystem or block", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_FileResourceWithoutFilename_SaysSo()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nresources:\n  profile:\n    type: file\n", null, null));

        Assert.Contains("resource 'profile' of type file has no filename", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_SubordinateWithoutContainerScope_SaysWhatIsNeeded()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nsubordinate: true\nrequires:\n  db: {interface: pg}\n", null, null));

        Assert.Contains("subordinate charm 'x' needs a requires endpoint with scope: container", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_ExtraBindingNamedLikeEndpoint_Rejected()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\nprovides:\n  metrics: {interface: prom}\nextra-bindings:\n  metrics:\n", null, null));

        Assert.Contains("extra binding 'metrics' has the same name as a relation endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLegacy_SelfReferencingAliasInDefault_RejectedNotStackOverflow()
    {
        var ex = Assert.Throws<CharmMetaException>(
            () => CharmMeta.FromLegacy("name: x\n", null, "go:\n  params:\n    p:\n      default: &loop [*loop]\n"));

        Assert.Contains("nested too deeply", ex.Message, StringComparison.Ordinal);
    }

    // Action parameter defaults are built only when read, but checked when the file is: the first
    // error in file order is raised by the read, with the line and column of the offending node.
    [Theory]
    [InlineData("p: {default: &loop [*loop]}", "actions.yaml, line 3, column 18: value is nested too deeply (or refers to itself through an alias)")]
    [InlineData("p: {default: {? [k] : v}}", "actions.yaml, line 3, column 21: a mapping key is a sequence; expected a string")]
    [InlineData("p: {default: [{a: {? [k] : v}}, {? [j] : w}]}", "actions.yaml, line 3, column 26: a mapping key is a sequence; expected a string")]
    [InlineData("p: {default: {? {k: 1} : v}, description: [bad]}", "actions.yaml, line 3, column 47: action 'go' param 'p' has a sequence as description; expected a string")]
    [InlineData("p: {type: thing, default: {? [k] : v}}", "actions.yaml, line 3, column 15: action 'go' param 'p' has type 'thing'; expected one of string, boolean, integer, number, array, object")]
    [InlineData("p: {default: {? [k] : v}}\n    q: {type: thing}", "actions.yaml, line 3, column 21: a mapping key is a sequence; expected a string")]
    public void FromLegacy_BadActionParamDefault_RaisedWhenReadAtItsPosition(string param, string expected)
    {
        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.FromLegacy("name: x\n", null, $"go:\n  params:\n    {param}\n"));

        Assert.Equal(expected, ex.Message);
    }

    [Theory]
    [InlineData(64, null)]
    [InlineData(65, "actions.yaml, line 5, column 139: value is nested too deeply (or refers to itself through an alias)")]
    public void FromLegacy_ActionParamDefaultNestedDeeply_RejectedPast64Levels(int levels, string? expected)
    {
        var actions = $"go:\n  params:\n    p:\n      default:\n        {string.Concat(Enumerable.Repeat("- ", levels))}x\n";

        var ex = Record.Exception(() => CharmMeta.FromLegacy("name: x\n", null, actions));

        Assert.Equal(expected, ex?.Message);
    }

    // Shapes a hand-written reader tends to cast or dereference without checking.
    [Theory]
    [InlineData("name: [a]\n")]
    [InlineData("name: {a: 1}\n")]
    [InlineData("name: ''\n")]
    [InlineData("name: x\nrequires: [db]\n")]
    [InlineData("name: x\nrequires: text\n")]
    [InlineData("name: x\nrequires:\n  db: [pg]\n")]
    [InlineData("name: x\nrequires:\n  db: {interface: [pg]}\n")]
    [InlineData("name: x\nrequires:\n  db: {interface: pg, optional: maybe}\n")]
    [InlineData("name: x\nrequires:\n  ? [a]\n  : {interface: pg}\n")]
    [InlineData("name: x\nrequires:\n  ~: {interface: pg}\n")]
    [InlineData("name: x\ncontainers: [a]\n")]
    [InlineData("name: x\ncontainers:\n  c: {mounts: text}\n")]
    [InlineData("name: x\ncontainers:\n  c: {mounts: [~]}\n")]
    [InlineData("name: x\ncontainers:\n  c: {mounts: [{location: /x}]}\n")]
    [InlineData("name: x\ncontainers:\n  c: {resource: {a: b}}\n")]
    [InlineData("name: x\nstorage:\n  s: {type: tape}\n")]
    [InlineData("name: x\nstorage:\n  s: {type: block, shared: [x]}\n")]
    [InlineData("name: x\nresources:\n  r: {type: docker}\n")]
    [InlineData("name: x\nresources:\n  r:\n")]
    [InlineData("name: x\nassumes: k8s-api\n")]
    [InlineData("name: x\nassumes: [{one-of: [a]}]\n")]
    [InlineData("name: x\nassumes: [[a]]\n")]
    [InlineData("name: x\nextra-bindings: [[a]]\n")]
    [InlineData("name: x\nsubordinate: sometimes\n")]
    [InlineData("name: x\nconfig: [a]\n")]
    [InlineData("name: x\nconfig:\n  options: [a]\n")]
    [InlineData("name: x\nconfig:\n  options:\n    o: text\n")]
    [InlineData("name: x\nconfig:\n  options:\n    o: {type: {a: b}}\n")]
    [InlineData("name: x\nconfig:\n  options:\n    o: {type: int, default: {a: 1}}\n")]
    [InlineData("name: x\nactions: [a]\n")]
    [InlineData("name: x\nactions:\n  a: text\n")]
    [InlineData("name: x\nactions:\n  a: {params: [p]}\n")]
    [InlineData("name: x\nactions:\n  a: {params: {p: 1}}\n")]
    [InlineData("name: x\nactions:\n  a: {required: target}\n")]
    [InlineData("name: x\nactions:\n  a: {required: [[t]]}\n")]
    [InlineData("name: x\nactions:\n  a: {additionalProperties: perhaps}\n")]
    [InlineData("name: x\nactions:\n  a: {params: {p: {default: {? [k] : v}}}}\n")]
    [InlineData("name: x\n\tbad: tab\n")]
    [InlineData("name: *nowhere\n")]
    [InlineData("%YAML 9.9\n---\nname: x\n")]
    [InlineData("name: x\n...\n...\n'")]
    public void FromCharmcraftYaml_OddShapes_ThrowOnlyCharmMetaException(string yaml)
    {
        var ex = Record.Exception(() => CharmMeta.FromCharmcraftYaml(yaml));

        var metaError = Assert.IsType<CharmMetaException>(ex);
        Assert.StartsWith("charmcraft.yaml", metaError.Message, StringComparison.Ordinal);
    }
}
