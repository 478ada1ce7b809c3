// GeneratedCodeTests: the committed src/Juju.Net/Generated is exactly what the generator makes from
// ../shared/juju-schema/schema.json and facades.json, and the generator reports bad input by file and key.
using Juju.Net.Generator;

namespace Juju.Net.Tests;

public sealed class GeneratedCodeTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("juju-net-gen-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string ConfigPath => Path.Combine(Shared.RepoRoot, "tools", "Juju.Net.Generator", "facades.json");

    private static string CommittedDir => Path.Combine(Shared.RepoRoot, "src", "Juju.Net", "Generated");

    [SkippableFact]
    public async Task CommittedCode_MatchesRegeneration()
    {
        Shared.SkipUnlessSchema();
        var outDir = Path.Combine(_temp.FullName, "Generated");

        var exit = await GeneratorCommand.Create()
            .Parse(["--schema", Shared.SchemaPath, "--config", ConfigPath, "--out", outDir])
            .InvokeAsync();

        Assert.Equal(0, exit);
        var generated = Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var committed = Directory.GetFiles(CommittedDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(generated, committed);
        var stale = generated.Where(name => File.ReadAllText(Path.Combine(outDir, name!)) != File.ReadAllText(Path.Combine(CommittedDir, name!))).ToList();
        Assert.True(stale.Count == 0, $"Committed generated code is stale: {string.Join(", ", stale)}. Run: dotnet run --project tools/Juju.Net.Generator -c Release");
    }

    [SkippableFact]
    public void Generate_Twice_IsIdentical()
    {
        Shared.SkipUnlessSchema();

        var first = GeneratorCommand.Generate(Shared.SchemaPath, ConfigPath);
        var second = GeneratorCommand.Generate(Shared.SchemaPath, ConfigPath);

        Assert.Equal(first, second);
    }

    [SkippableFact]
    public void Load_VersionNotInSchema_NamesConfigKey()
    {
        Shared.SkipUnlessSchema();
        var config = Path.Combine(_temp.FullName, "facades.json");
        File.WriteAllText(config, """{"namespace": "Juju.Net", "facades": {"Client": 7}}""");

        var e = Assert.Throws<GeneratorException>(() => GeneratorCommand.Generate(Shared.SchemaPath, config));

        Assert.Contains("facade Client is version 8 in the schema, but the config asks for 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigWithoutFacades_NamesFileAndKey()
    {
        var config = Path.Combine(_temp.FullName, "facades.json");
        File.WriteAllText(config, """{"namespace": "Juju.Net"}""");

        var e = Assert.Throws<GeneratorException>(() => GeneratorConfig.Load(config));

        Assert.Equal($"{config}: \"facades\" (an object of facade name → version, e.g. {{\"Client\": 8}}) is missing.", e.Message);
    }

    [Fact]
    public void Load_BrokenJson_NamesLine()
    {
        var config = Path.Combine(_temp.FullName, "facades.json");
        File.WriteAllText(config, "{\n  \"namespace\": \"Juju.Net\",\n  \"facades\": {\"Client\": }\n}");

        var e = Assert.Throws<GeneratorException>(() => GeneratorConfig.Load(config));

        Assert.StartsWith($"{config}:3: not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("charm-url", "CharmUrl")]
    [InlineData("bundleURL", "BundleURL")]
    [InlineData("Force", "Force")]
    [InlineData("int", "Int")]
    [InlineData("controller_timestamp", "ControllerTimestamp")]
    public void PropertyName_WireKey_PascalCase(string key, string expected) =>
        Assert.Equal(expected, CodeGenerator.PropertyName(key));
}
