// CharmMetaParseTests: charmcraft.yaml and the packed metadata.yaml/config.yaml/actions.yaml trio
// read to the expected records, and to the same CharmMeta.
using System.Text.Json;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Tests.Metadata;

public sealed class CharmMetaParseTests
{
    private static readonly CharmMeta Charmcraft = CharmMeta.FromCharmcraftYaml(MetadataFixtures.CharmcraftYaml);

    [Fact]
    public void FromCharmcraftYaml_SidecarCharm_ReadsTopLevelFields()
    {
        Assert.Equal("mlobs-drift", Charmcraft.Name);
        Assert.Equal("Watches a model's inputs for drift.", Charmcraft.Summary);
        Assert.Equal("Runs the drift service in a sidecar container\nand reports to Prometheus.\n", Charmcraft.Description);
        Assert.False(Charmcraft.Subordinate);
        Assert.Equal(["metrics"], Charmcraft.ExtraBindings);
        Assert.Equal(["juju >= 3.6", "k8s-api", "any-of(juju < 4.0, all-of(juju >= 4.0, k8s-api))"], Charmcraft.Assumes);
    }

    [Fact]
    public void FromCharmcraftYaml_SidecarCharm_ReadsRelationsWithLimitOptionalAndScope()
    {
        Assert.Equal(new RelationMeta("database", RelationRole.Requires, "postgresql_client", 1, false, "global"), Charmcraft.Requires["database"]);
        Assert.Equal(new RelationMeta("logging", RelationRole.Requires, "loki_push_api", null, true, "global"), Charmcraft.Requires["logging"]);
        Assert.Equal(new RelationMeta("metrics-endpoint", RelationRole.Provides, "prometheus_scrape", null, false, "global"), Charmcraft.Provides["metrics-endpoint"]);
        Assert.Equal(new RelationMeta("grafana-dashboard", RelationRole.Provides, "grafana_dashboard", null, false, "global"), Charmcraft.Provides["grafana-dashboard"]);
        Assert.Equal(new RelationMeta("replicas", RelationRole.Peer, "drift_replica", null, false, "global"), Charmcraft.Peers["replicas"]);
    }

    [Fact]
    public void Relations_SidecarCharm_MergesAllThreeSectionsInOrder()
    {
        Assert.Equal(
            ["database", "logging", "metrics-endpoint", "grafana-dashboard", "replicas"],
            Charmcraft.Relations.Keys);
        Assert.Equal(RelationRole.Peer, Charmcraft.Relations["replicas"].Role);
    }

    [Fact]
    public void Relations_AfterWithReplacingPeers_ReflectsTheNewPeers()
    {
        _ = Charmcraft.Relations; // populate the merge before copying
        var peerless = Charmcraft with { Peers = new Dictionary<string, RelationMeta>() };

        Assert.DoesNotContain("replicas", peerless.Relations.Keys);
        Assert.Contains("replicas", Charmcraft.Relations.Keys);
    }

    [Fact]
    public void FromCharmcraftYaml_SidecarCharm_ReadsContainersResourcesAndStorage()
    {
        var drift = Charmcraft.Containers["drift"];
        Assert.Equal("drift-image", drift.Resource);
        Assert.Equal([new ContainerMount("data", "/var/lib/drift")], drift.Mounts);
        Assert.Empty(Charmcraft.Containers["log-shipper"].Mounts);

        Assert.Equal(new ResourceMeta("drift-image", "oci-image", null, "OCI image for the drift service"), Charmcraft.Resources["drift-image"]);
        Assert.Equal(new ResourceMeta("reference-profile", "file", "profile.json", "The reference profile."), Charmcraft.Resources["reference-profile"]);

        Assert.Equal(new StorageMeta("data", "filesystem", "Reference profiles and state.", "/data", false, false, "1G", null), Charmcraft.Storages["data"]);
        Assert.Equal(new StorageMeta("scratch", "block", null, null, true, false, null, "1-4"), Charmcraft.Storages["scratch"]);
    }

    [Fact]
    public void FromCharmcraftYaml_SidecarCharm_ReadsConfigOptionsOfEachType()
    {
        var config = Charmcraft.Config;

        Assert.Equal(["log-level", "port", "threshold", "warmup", "enable-alerts", "api-token"], config.Keys);
        Assert.Equal(ConfigOptionType.String, config["log-level"].Type);
        Assert.Equal("info", config["log-level"].Default!.Value.GetString());
        Assert.Equal("One of debug, info, warning, error.", config["log-level"].Description);
        Assert.Equal(8080, config["port"].Default!.Value.GetInt64());
        Assert.Equal(0.25, config["threshold"].Default!.Value.GetDouble());
        Assert.Equal(3.0, config["warmup"].Default!.Value.GetDouble());
        Assert.Equal(JsonValueKind.True, config["enable-alerts"].Default!.Value.ValueKind);
        Assert.Equal(ConfigOptionType.Secret, config["api-token"].Type);
        Assert.Null(config["api-token"].Default);
    }

    [Fact]
    public void FromCharmcraftYaml_SidecarCharm_ReadsActionsWithParams()
    {
        var snapshot = Charmcraft.Actions["snapshot"];

        Assert.Equal("Take a snapshot of the reference profile.", snapshot.Description);
        Assert.Equal(["compress", "level", "tags", "target"], snapshot.Params.Keys);
        Assert.Equal("boolean", snapshot.Params["compress"].Type);
        Assert.Equal(JsonValueKind.True, snapshot.Params["compress"].Default!.Value.ValueKind);
        Assert.Equal(6, snapshot.Params["level"].Default!.Value.GetInt32());
        Assert.Equal("Compression level.", snapshot.Params["level"].Description);
        Assert.Null(snapshot.Params["target"].Default);
        Assert.Equal(["target"], snapshot.Required);
        Assert.False(snapshot.AdditionalProperties);
        Assert.Equal("snapshots", snapshot.ExecutionGroup);
        Assert.True(snapshot.Parallel);
    }

    [Fact]
    public void FromCharmcraftYaml_ActionParamDefault_ResolvesScalarsLikePyYaml()
    {
        var tags = Charmcraft.Actions["snapshot"].Params["tags"].Default!.Value;

        // A quoted "01" stays a string; a plain 0755 is YAML 1.1 octal.
        Assert.Equal("""["daily","01",493]""", tags.GetRawText());
    }

    [Fact]
    public void FromCharmcraftYaml_ActionWithoutOptionalFields_UsesDefaults()
    {
        var rebuild = Charmcraft.Actions["rebuild-profile"];

        Assert.Empty(rebuild.Params);
        Assert.Empty(rebuild.Required);
        Assert.True(rebuild.AdditionalProperties);
        Assert.Null(rebuild.ExecutionGroup);
        Assert.False(rebuild.Parallel);
    }

    [Fact]
    public void FromLegacy_PackedTrio_EqualsCharmcraftParse()
    {
        var legacy = CharmMeta.FromLegacy(MetadataFixtures.MetadataYaml, MetadataFixtures.ConfigYaml, MetadataFixtures.ActionsYaml);

        Assert.Equal(Charmcraft, legacy);
        Assert.Equal(Charmcraft.GetHashCode(), legacy.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentConfigDefault_IsFalse()
    {
        var config = new Dictionary<string, ConfigOptionMeta>(Charmcraft.Config)
        {
            ["port"] = Charmcraft.Config["port"] with { Default = JsonDocument.Parse("9090").RootElement.Clone() },
        };

        Assert.NotEqual(Charmcraft, Charmcraft with { Config = config });
    }

    [Fact]
    public void FromLegacy_WithoutConfigAndActions_HasNoneOfEither()
    {
        var legacy = CharmMeta.FromLegacy(MetadataFixtures.MetadataYaml, null, null);

        Assert.Empty(legacy.Config);
        Assert.Empty(legacy.Actions);
        Assert.Equal(Charmcraft.Containers.Keys, legacy.Containers.Keys);
    }

    [Fact]
    public void FromLegacy_EmptyConfigAndActionsFiles_HasNoneOfEither()
    {
        var legacy = CharmMeta.FromLegacy("name: x\n", "", "# no actions\n");

        Assert.Empty(legacy.Config);
        Assert.Empty(legacy.Actions);
    }

    [Fact]
    public void FromLegacy_RelationShortForm_ReadsInterface()
    {
        var meta = CharmMeta.FromLegacy("name: x\nrequires:\n  db: mysql\n", null, null);

        Assert.Equal(new RelationMeta("db", RelationRole.Requires, "mysql", null, false, "global"), meta.Requires["db"]);
    }

    [Fact]
    public void FromLegacy_SubordinateWithContainerScope_ReadsBoth()
    {
        var meta = CharmMeta.FromLegacy(
            "name: x\nsubordinate: true\nrequires:\n  juju-info: {interface: juju-info, scope: container}\n",
            null,
            null);

        Assert.True(meta.Subordinate);
        Assert.Equal("container", meta.Requires["juju-info"].Scope);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("'yes'", true)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("OFF", false)]
    public void FromLegacy_YamlOneOneBooleanDefault_ReadsAsBoolean(string yaml, bool expected)
    {
        var meta = CharmMeta.FromLegacy("name: x\n", $"options:\n  flag: {{type: boolean, default: {yaml}}}\n", null);

        Assert.Equal(expected, meta.Config["flag"].Default!.Value.GetBoolean());
    }

    [Theory]
    [InlineData("0x1F", 31)]
    [InlineData("1_000", 1000)]
    [InlineData("-42", -42)]
    [InlineData("'8000'", 8000)]
    public void FromLegacy_IntDefaultForms_ReadAsInteger(string yaml, long expected)
    {
        var meta = CharmMeta.FromLegacy("name: x\n", $"options:\n  n: {{type: int, default: {yaml}}}\n", null);

        Assert.Equal(expected, meta.Config["n"].Default!.Value.GetInt64());
    }

    [Fact]
    public void FromLegacy_StringOptionWithEmptyOrNullDefault_DistinguishesTheTwo()
    {
        var meta = CharmMeta.FromLegacy("name: x\n", "options:\n  a: {type: string, default: ''}\n  b: {type: string, default: ~}\n  c: {type: string, default: 8000}\n", null);

        Assert.Equal(string.Empty, meta.Config["a"].Default!.Value.GetString());
        Assert.Null(meta.Config["b"].Default);
        Assert.Equal("8000", meta.Config["c"].Default!.Value.GetString());
    }

    [Fact]
    public void Load_DirWithMetadataYaml_ReadsTheTrioNotCharmcraftYaml()
    {
        using var dir = new TempDir();
        dir.Write("metadata.yaml", MetadataFixtures.MetadataYaml);
        dir.Write("config.yaml", MetadataFixtures.ConfigYaml);
        dir.Write("actions.yaml", MetadataFixtures.ActionsYaml);
        dir.Write("charmcraft.yaml", "name: something-else\n");

        Assert.Equal(Charmcraft, CharmMeta.Load(dir.Path));
    }

    [Fact]
    public void Load_DirWithOnlyCharmcraftYaml_ReadsIt()
    {
        using var dir = new TempDir();
        dir.Write("charmcraft.yaml", MetadataFixtures.CharmcraftYaml);

        Assert.Equal(Charmcraft, CharmMeta.Load(dir.Path));
    }

    [Fact]
    public void Load_EmptyDir_ThrowsNamingTheDir()
    {
        using var dir = new TempDir();

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.Load(dir.Path));

        Assert.Equal($"no metadata.yaml or charmcraft.yaml in {dir.Path}", ex.Message);
    }

    [Fact]
    public void Load_BadConfigYaml_NamesTheFilePath()
    {
        using var dir = new TempDir();
        dir.Write("metadata.yaml", "name: x\n");
        dir.Write("config.yaml", "options:\n  port: {type: integer}\n");

        var ex = Assert.Throws<CharmMetaException>(() => CharmMeta.Load(dir.Path));

        Assert.StartsWith(System.IO.Path.Combine(dir.Path, "config.yaml"), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-8 with BOM")]
    [InlineData("utf-16 LE with BOM")]
    [InlineData("utf-16 BE with BOM")]
    [InlineData("utf-8")]
    public void Load_FilesInEachEncodingWithItsBom_ReadAsTheSameText(string encodingName)
    {
        System.Text.Encoding encoding = encodingName switch
        {
            "utf-8 with BOM" => new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            "utf-16 LE with BOM" => new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "utf-16 BE with BOM" => new System.Text.UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            _ => new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        using var dir = new TempDir();
        File.WriteAllText(System.IO.Path.Combine(dir.Path, "metadata.yaml"), "name: café-k8s\nsummary: Grüße ✓\n", encoding);
        File.WriteAllText(System.IO.Path.Combine(dir.Path, "config.yaml"), "options:\n  greeting: {type: string, default: \"héllo \\\" \\\\ \\t ✓\"}\n", encoding);

        var meta = CharmMeta.Load(dir.Path);

        Assert.Equal("café-k8s", meta.Name);
        Assert.Equal("Grüße ✓", meta.Summary);
        Assert.Equal("héllo \" \\ \t ✓", meta.Config["greeting"].Default!.Value.GetString());
    }

    [Fact]
    public void ConfigDefaults_BuiltOnFirstRead_EqualTheSameValuesBuiltDirectly()
    {
        var meta = CharmMeta.FromCharmcraftYaml("""
            name: lazy
            config:
              options:
                text: {type: string, default: "quote \" back \\ nl\n ctl\u0001 é"}
                count: {type: int, default: 0x10}
                ratio: {type: float, default: 1e3}
                whole: {type: float, default: 3}
                flag: {type: boolean, default: yes}
                none: {type: string}
            """);

        var expected = new Dictionary<string, JsonElement?>
        {
            ["text"] = JsonDocument.Parse("\"quote \\\" back \\\\ nl\\n ctl\\u0001 é\"").RootElement,
            ["count"] = JsonDocument.Parse("16").RootElement,
            ["ratio"] = JsonDocument.Parse("1000.0").RootElement,
            ["whole"] = JsonDocument.Parse("3.0").RootElement,
            ["flag"] = JsonDocument.Parse("true").RootElement,
            ["none"] = null,
        };
        foreach (var (name, value) in expected)
        {
            var option = meta.Config[name];
            Assert.True(option.Default is null ? value is null : value is not null && JsonElement.DeepEquals(option.Default.Value, value.Value), name);
            Assert.Equal(option, new ConfigOptionMeta(option.Name, option.Type, value, option.Description));
            Assert.Equal(option, option with { Description = option.Description });
        }

        Assert.Equal("quote \" back \\ nl\n ctl\u0001 é", meta.Config["text"].Default!.Value.GetString());
        var (optionName, type, fallback, _) = meta.Config["count"];
        Assert.Equal(("count", ConfigOptionType.Int, 16L), (optionName, type, fallback!.Value.GetInt64()));
    }

    [Fact]
    public void ConfigDefault_ReadFromManyThreadsAtOnce_IsTheSameValueEverywhere()
    {
        for (var round = 0; round < 20; round++)
        {
            var option = CharmMeta.FromLegacy("name: x\n", "options:\n  greeting: {type: string, default: \"hello, world\"}\n", null).Config["greeting"];

            var seen = ReadOnManyThreadsAtOnce(() => option.Default?.GetString());

            Assert.All(seen, value => Assert.Equal("hello, world", value));
        }
    }

    [Fact]
    public void FromCharmcraftYaml_ValidMetadata_BuildsNoDefaultUntilOneIsRead()
    {
        var meta = CharmMeta.FromCharmcraftYaml(MetadataFixtures.CharmcraftYaml);
        var options = meta.Config.Values.ToList();
        var parameters = meta.Actions.Values.SelectMany(a => a.Params.Values).ToList();

        Assert.All(options, option => Assert.False(option.IsDefaultBuilt, option.Name));
        Assert.All(parameters, param => Assert.False(param.IsDefaultBuilt, param.Name));

        var level = meta.Actions["snapshot"].Params["level"];
        Assert.Equal(6, level.Default!.Value.GetInt32());
        Assert.True(level.IsDefaultBuilt);
        Assert.Single(parameters, param => param.IsDefaultBuilt);
        Assert.All(options, option => Assert.False(option.IsDefaultBuilt, option.Name));
    }

    [Fact]
    public void ActionParamDefaults_BuiltOnFirstRead_EqualTheSameValuesBuiltDirectly()
    {
        var expected = new Dictionary<string, string?>
        {
            ["nested"] = """{"a":[1,2.5,true,"q",null,".inf"],"b":{"c":"0755"},"d":493}""",
            ["text"] = "\"quote \\\" back \\\\ é\"",
            ["big"] = "123456789012345678901234567890",
            ["none"] = null,
        };
        foreach (var (name, json) in expected)
        {
            var lazy = ParseParams()[name];
            Assert.False(lazy.IsDefaultBuilt, name);
            var built = new ActionParamMeta(name, lazy.Type, lazy.Description, json is null ? null : JsonDocument.Parse(json).RootElement.Clone());

            // Compared before and after the lazy one is built, both ways, and through `with`.
            Assert.Equal(built, lazy);
            Assert.Equal(lazy, ParseParams()[name]);
            Assert.Equal(ParseParams()[name], built);
            Assert.Equal(built.GetHashCode(), ParseParams()[name].GetHashCode());
            Assert.Equal(built, ParseParams()[name] with { Description = lazy.Description });
            Assert.NotEqual(built, ParseParams()[name] with { Default = JsonDocument.Parse("[0]").RootElement.Clone() });
        }

        Assert.Equal("""{"a":[1,2.5,true,"q",null,".inf"],"b":{"c":"0755"},"d":493}""", ParseParams()["nested"].Default!.Value.GetRawText());
        Assert.Equal("quote \" back \\ é", ParseParams()["text"].Default!.Value.GetString());
        var (paramName, type, description, fallback) = ParseParams()["big"];
        Assert.Equal(("big", "integer", "A big one.", "123456789012345678901234567890"), (paramName, type, description, fallback!.Value.GetRawText()));

        static IReadOnlyDictionary<string, ActionParamMeta> ParseParams() => CharmMeta.FromLegacy("name: x\n", null, """
            go:
              params:
                nested: {type: object, default: {a: [1, 2.5, yes, "q", ~, .inf], b: {c: "0755"}, d: 0755}}
                text: {type: string, default: "quote \" back \\ é"}
                big: {type: integer, description: A big one., default: 123456789012345678901234567890}
                none: {type: string}
            """).Actions["go"].Params;
    }

    [Fact]
    public void ActionParamDefault_ReadFromManyThreadsAtOnce_IsTheSameValueEverywhere()
    {
        for (var round = 0; round < 20; round++)
        {
            var param = CharmMeta.FromLegacy("name: x\n", null, "go:\n  params:\n    p: {default: [a, {b: 1}]}\n").Actions["go"].Params["p"];

            var seen = ReadOnManyThreadsAtOnce(() => param.Default?.GetRawText());

            Assert.All(seen, value => Assert.Equal("""["a",{"b":1}]""", value));
        }
    }

    // Eight threads released together each read once; what each saw.
    private static string?[] ReadOnManyThreadsAtOnce(Func<string?> read)
    {
        using var start = new Barrier(8);
        var seen = new string?[8];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            seen[i] = read();
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return seen;
    }

    private sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = Directory.CreateTempSubdirectory("mlobs-meta-").FullName;
        }

        public string Path { get; }

        public void Write(string name, string text) => File.WriteAllText(System.IO.Path.Combine(Path, name), text);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
