// CharmPackValidationTests: what CharmPacker refuses before it publishes anything: a charm dir without a Native AOT
// project or with two, and charmcraft.yaml mistakes (interface names, containers without their oci-image resource,
// actions without description, malformed params, platforms), each located by file and key.
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Testing.Packing;

namespace MlObs.Ops.Testing.Tests.Packing;

public sealed class CharmPackValidationTests : IDisposable
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <PublishAot>true</PublishAot>
          </PropertyGroup>
        </Project>
        """;

    private static readonly string SampleYaml = File.ReadAllText(Path.Combine(
        JujuCBinary.FindRepoRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("no MlObs.sln above the test assembly"),
        "tests", "SampleCharm", "charmcraft.yaml"));

    private readonly string _dir = Directory.CreateTempSubdirectory("charm-pack-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CharmDir(string yaml, params string[] projects)
    {
        File.WriteAllText(Path.Combine(_dir, "charmcraft.yaml"), yaml);
        foreach (var project in projects)
        {
            var path = Path.Combine(_dir, project);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Project);
        }

        return _dir;
    }

    private static async Task<CharmPackResult> PackAsync(string charmDir, string rid = "linux-x64")
    {
        using var progress = new StringWriter();
        return await CharmPacker.PackAsync(new CharmPackOptions { CharmDir = charmDir, Publish = false, RuntimeIdentifier = rid }, progress);
    }

    private static CharmPackProblem SingleError(CharmPackResult result)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.OutputPath);
        return Assert.Single(result.Problems, p => p.Severity == CharmPackSeverity.Error);
    }

    [Fact]
    public async Task NoProject_IsAnError_NamingTheRule()
    {
        var error = SingleError(await PackAsync(CharmDir(SampleYaml)));

        Assert.Equal("*.csproj", error.File);
        Assert.StartsWith("no C# project with <PublishAot>true</PublishAot> under ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoProjects_IsAnError_ListingBoth()
    {
        var error = SingleError(await PackAsync(CharmDir(SampleYaml, "Charm.csproj", "src/other/Other.csproj")));

        Assert.Equal("2 C# projects with <PublishAot>true</PublishAot> (Charm.csproj, src/other/Other.csproj); a charm dir holds exactly one charm project", error.Message);
    }

    [Fact]
    public async Task ProjectsUnderBinObjAndBuild_AndProjectsWithoutAot_DoNotCount()
    {
        var dir = CharmDir(SampleYaml, "bin/Copy.csproj", "obj/Copy.csproj", "build/Copy.csproj");
        File.WriteAllText(Path.Combine(dir, "Tests.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />");

        var error = SingleError(await PackAsync(dir));

        Assert.Equal("*.csproj", error.File);
    }

    [Fact]
    public async Task MissingCharmcraftYaml_IsAnError()
    {
        File.WriteAllText(Path.Combine(_dir, "Charm.csproj"), Project);

        var error = SingleError(await PackAsync(_dir));

        Assert.Equal(new CharmPackProblem(CharmPackSeverity.Error, "charmcraft.yaml", string.Empty, $"missing: {_dir} is not a charm project"), error);
    }

    [Fact]
    public async Task InvalidYaml_IsAnError_WithTheLine()
    {
        var error = SingleError(await PackAsync(CharmDir("type: charm\nname: [unclosed\n", "Charm.csproj")));

        Assert.Equal("charmcraft.yaml", error.File);
        Assert.StartsWith("not valid YAML: line ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interface: sample_db", "interface: Sample DB", "requires.db.interface", "'Sample DB' is not a valid interface name")]
    [InlineData("interface: sample_db", "interface: juju-db", "requires.db.interface", "'juju-db' is not a valid interface name")]
    [InlineData("    resource: workload-image", "    resource: workload-img", "containers.workload.resource", "names the resource 'workload-img', but resources declares no 'workload-img'")]
    [InlineData("    description: Say hello, or fail when asked to.\n", "", "actions.greet.description", "missing; every action needs a description")]
    [InlineData("    required: [name]", "    required: [name, nobody]", "actions.greet.required", "'nobody' is not one of the action's params")]
    [InlineData("        type: boolean", "        type: flag", "actions.greet.params.fail.type", "not a JSON Schema type")]
    [InlineData("type: charm", "type: bundle", "type", "is 'bundle'; a charm needs 'type: charm'")]
    [InlineData("      type: int", "      type: integer", "config.options.port.type", "'integer' is not one of string, int, float, boolean, secret")]
    [InlineData("platforms:\n  amd64:", "platforms:\n  arm64:", "platforms", "no platform builds for amd64 (declared: arm64)")]
    public async Task CharmcraftYamlMistake_IsAnError_AtItsKey(string original, string replacement, string key, string message)
    {
        Assert.Contains(original, SampleYaml, StringComparison.Ordinal);
        var error = SingleError(await PackAsync(CharmDir(SampleYaml.Replace(original, replacement, StringComparison.Ordinal), "Charm.csproj")));

        Assert.Equal("charmcraft.yaml", error.File);
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"error: charmcraft.yaml: {key}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidCharm_WithoutAPublish_StopsAtTheMissingBinary()
    {
        var error = SingleError(await PackAsync(CharmDir(SampleYaml, "Charm.csproj")));

        Assert.Equal("Charm.csproj", error.File);
        Assert.StartsWith("--no-publish, but there is no published binary at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArmPlatform_IsChosenForLinuxArm64()
    {
        var yaml = SampleYaml.Replace("platforms:\n  amd64:", "platforms:\n  arm64:", StringComparison.Ordinal);

        var error = SingleError(await PackAsync(CharmDir(yaml, "Charm.csproj"), "linux-arm64"));

        Assert.Equal("Charm.csproj", error.File);
    }

    [Fact]
    public async Task UsageErrors_Throw()
    {
        await Assert.ThrowsAsync<CharmPackUsageException>(() => PackAsync(Path.Combine(_dir, "missing")));
        var error = await Assert.ThrowsAsync<CharmPackUsageException>(() => PackAsync(CharmDir(SampleYaml, "Charm.csproj"), "win-x64"));
        Assert.Equal("--rid win-x64: charms run on linux-x64 (amd64) or linux-arm64 (arm64)", error.Message);
    }
}
