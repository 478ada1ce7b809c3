// CharmPackTests: `mlobs charm pack` as a user runs it. The fixture packs tests/SampleCharm once (a Native AOT publish,
// a minute or two); the tests read the .charm (entries, Unix modes, metadata against charmcraft.yaml), run the unzipped
// charm through `mlobs charm run`, and pack broken copies (reusing the fixture's binary with --no-publish) to see each
// problem reported with its file and key and exit code 1.
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using MlObs.Ops.Metadata;

namespace MlObs.Cli.Tests;

/// <summary>Packs tests/SampleCharm once for the whole class.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackedSampleCharm : IAsyncLifetime
{
    public string RepoRoot { get; } = FindRepoRoot();

    public string SampleDir => Path.Combine(RepoRoot, "tests", "SampleCharm");

    public string OutputDir { get; } = Directory.CreateTempSubdirectory("mlobs-pack-").FullName;

    internal Mlobs.Result Pack { get; private set; } = new(-1, string.Empty, string.Empty);

    public string CharmPath => Path.Combine(OutputDir, "sample-k8s_amd64.charm");

    public string Binary => Path.Combine(SampleDir, "bin", "charm-pack", "linux-x64", "sample-charm");

    public async Task InitializeAsync() => Pack = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(20), "charm", "pack", SampleDir, "-o", OutputDir);

    public Task DisposeAsync()
    {
        Directory.Delete(OutputDir, recursive: true);
        return Task.CompletedTask;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no MlObs.sln above the test assembly");
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CharmPackTests(PackedSampleCharm packed) : IClassFixture<PackedSampleCharm>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs mlobs.dll with a longer timeout (a Native AOT publish).</summary>
    internal static Task<Mlobs.Result> RunAsync(TimeSpan timeout, params string[] arguments) => Mlobs.RunAsync(timeout, arguments);

    private void AssertPacked() => Assert.True(packed.Pack.ExitCode == 0, packed.Pack.Describe());

    [Fact]
    public void Pack_WritesTheCharmcraftNamedCharm_AndPrintsItsPath()
    {
        AssertPacked();
        Assert.Equal(packed.CharmPath, packed.Pack.Stdout.Trim());
        Assert.True(File.Exists(packed.CharmPath));
        Assert.Contains("Publishing SampleCharm.csproj Native AOT for linux-x64", packed.Pack.Stderr, StringComparison.Ordinal);
        Assert.Contains("Asking sample-charm which events it observes (describe mode)", packed.Pack.Stderr, StringComparison.Ordinal);
        // The sample charm declares the peer endpoint replicas but observes none of its events.
        Assert.Contains("warning: charmcraft.yaml: peers.replicas: declared, but the charm (sample-charm) observes none of the relation endpoint's events", packed.Pack.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Charm_HasCharmcraftsEntries_InOrder_WithUnixModes()
    {
        AssertPacked();
        using var zip = ZipFile.OpenRead(packed.CharmPath);

        Assert.Equal(["actions.yaml", "config.yaml", "dispatch", "manifest.yaml", "metadata.yaml"], zip.Entries.Select(e => e.FullName));
        foreach (var entry in zip.Entries)
        {
            var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
            Assert.Equal(0x8000, mode & 0xF000); // a regular file
            Assert.Equal(entry.FullName == "dispatch" ? 0b111_101_101 : 0b110_100_100, mode & 0x1FF);
        }

        Assert.Equal(new FileInfo(packed.Binary).Length, zip.GetEntry("dispatch")!.Length);
    }

    [Fact]
    public void Metadata_ConfigAndActions_ReadBackAsCharmcraftYaml()
    {
        AssertPacked();
        var unzipped = Unzip();

        Assert.Equal(CharmMeta.Load(packed.SampleDir), CharmMeta.Load(unzipped));
        var metadata = File.ReadAllText(Path.Combine(unzipped, "metadata.yaml"));
        var topKeys = metadata.Split('\n').Where(l => l.Length > 0 && l[0] is >= 'a' and <= 'z').Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        Assert.Equal(["containers", "description", "display-name", "name", "peers", "requires", "resources", "storage", "summary"], topKeys);
        Assert.Contains("description: |\n  Publishes a port to related applications, remembers what the database told it, greets\n", metadata, StringComparison.Ordinal);
        Assert.Contains("display-name: MlObs sample charm\n", metadata, StringComparison.Ordinal);
        Assert.StartsWith("greet:\n  additionalProperties: false\n  description: Say hello, or fail when asked to.\n", File.ReadAllText(Path.Combine(unzipped, "actions.yaml")), StringComparison.Ordinal);
        Assert.Contains("  port:\n    default: 8080\n    description: The port the workload listens on.\n    type: int\n", File.ReadAllText(Path.Combine(unzipped, "config.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_NamesTheBaseAndUnknownLanguageAndFramework()
    {
        AssertPacked();
        var manifest = File.ReadAllText(Path.Combine(Unzip(), "manifest.yaml"));

        Assert.Matches(@"^charmcraft-version: mlobs-\d+\.\d+\.\d+\ncharmcraft-started-at: '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00'\n", manifest);
        Assert.EndsWith(
            "bases:\n- name: ubuntu\n  channel: '24.04'\n  architectures:\n  - amd64\nanalysis:\n  attributes:\n  - name: language\n    result: unknown\n  - name: framework\n    result: unknown\n",
            manifest,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnzippedCharm_RunsInstallAndConfigChanged_ThroughCharmRun()
    {
        AssertPacked();
        var charm = Unzip();
        var stateIn = _temp.Write("in.json", """{"config": {"port": 7070}, "leader": true}""");

        var install = await RunAsync(TimeSpan.FromMinutes(10), "charm", "run", charm, "--event", "install", "--state", stateIn, "--out", _temp.File("installed.json"));
        Assert.True(install.ExitCode == 0, install.Describe());
        var configChanged = await RunAsync(TimeSpan.FromMinutes(5), "charm", "run", charm, "--event", "config-changed", "--state", _temp.File("installed.json"), "--out", _temp.File("configured.json"));
        Assert.True(configChanged.ExitCode == 0, configChanged.Describe());

        using var output = JsonDocument.Parse(File.ReadAllText(_temp.File("configured.json")));
        Assert.Equal(0, output.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Contains(output.RootElement.GetProperty("juju_log").EnumerateArray(), l => l.GetProperty("message").GetString() == "Reconciling for config_changed with port 7070");
        Assert.Matches(@"^hooks/config-changed: exit 0 in \d+\.\d ms, \d+ hook-tool calls, unit active: serving on 7070", configChanged.Stderr);
    }

    [Theory]
    [InlineData("actions:\n", "actions:\n  shout:\n    description: Shout.\n", "error: charmcraft.yaml: actions.shout: declared, but the charm (sample-charm) has no handler for the action 'shout'")]
    [InlineData("actions:\n  greet:", "actions:\n  greeting:", "error: charmcraft.yaml: actions.greet: the charm (sample-charm) observes the action 'greet', but charmcraft.yaml does not declare it")]
    [InlineData("requires:\n  db:", "requires:\n  database:", "error: charmcraft.yaml: db: the charm (sample-charm) observes the relation endpoint 'db', but charmcraft.yaml does not declare it")]
    [InlineData("interface: sample_db", "interface: Sample DB", "error: charmcraft.yaml: requires.db.interface: 'Sample DB' is not a valid interface name")]
    [InlineData("    resource: workload-image", "    resource: workload-img", "error: charmcraft.yaml: containers.workload.resource: names the resource 'workload-img', but resources declares no 'workload-img'")]
    public async Task BrokenCopy_IsRefused_WithFileKeyAndExit1(string original, string replacement, string expected)
    {
        AssertPacked();
        var yaml = File.ReadAllText(Path.Combine(packed.SampleDir, "charmcraft.yaml"));
        Assert.Contains(original, yaml, StringComparison.Ordinal);
        var copy = CopyOfSample(yaml.Replace(original, replacement, StringComparison.Ordinal));

        var result = await RunAsync(TimeSpan.FromMinutes(2), "charm", "pack", copy, "--no-publish", "-o", _temp.File("out"));

        Assert.True(result.ExitCode == 1, result.Describe());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing written.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.False(Directory.Exists(_temp.File("out")));
    }

    [Fact]
    public async Task NoProject_AndTwoProjects_AreRefused()
    {
        AssertPacked();
        var copy = CopyOfSample(File.ReadAllText(Path.Combine(packed.SampleDir, "charmcraft.yaml")));
        File.Delete(Path.Combine(copy, "SampleCharm.csproj"));

        var none = await RunAsync(TimeSpan.FromMinutes(2), "charm", "pack", copy, "--no-publish");
        Assert.True(none.ExitCode == 1, none.Describe());
        Assert.Contains("error: *.csproj: no C# project with <PublishAot>true</PublishAot> under ", none.Stderr, StringComparison.Ordinal);

        File.Copy(Path.Combine(packed.SampleDir, "SampleCharm.csproj"), Path.Combine(copy, "SampleCharm.csproj"));
        Directory.CreateDirectory(Path.Combine(copy, "tools"));
        File.Copy(Path.Combine(packed.SampleDir, "SampleCharm.csproj"), Path.Combine(copy, "tools", "Other.csproj"));
        var two = await RunAsync(TimeSpan.FromMinutes(2), "charm", "pack", copy, "--no-publish");
        Assert.True(two.ExitCode == 1, two.Describe());
        Assert.Contains("error: *.csproj: 2 C# projects with <PublishAot>true</PublishAot> (SampleCharm.csproj, tools/Other.csproj)", two.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LayoutOnly_WritesDispatchWithoutTheGeneratedYaml()
    {
        AssertPacked();
        var copy = CopyOfSample(File.ReadAllText(Path.Combine(packed.SampleDir, "charmcraft.yaml")));
        File.WriteAllText(Path.Combine(copy, "README.md"), "# sample\n");
        Directory.CreateDirectory(Path.Combine(copy, "src", "prometheus_alert_rules"));
        File.WriteAllText(Path.Combine(copy, "src", "prometheus_alert_rules", "up.rule"), "groups: []\n");
        File.WriteAllText(Path.Combine(copy, "src", "Charm.cs"), "// code, not an asset\n");

        var result = await RunAsync(TimeSpan.FromMinutes(2), "charm", "pack", copy, "--no-publish", "--layout-only");

        Assert.True(result.ExitCode == 0, result.Describe());
        var layout = Path.Combine(copy, "build", "charm");
        Assert.Equal(layout, result.Stdout.Trim());
        Assert.Equal(
            ["README.md", "dispatch", "src/prometheus_alert_rules/up.rule"],
            Directory.EnumerateFiles(layout, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(layout, f)).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(layout, "dispatch")));
    }

    [Fact]
    public async Task Help_ListsTheOptions()
    {
        var result = await Mlobs.RunAsync("charm", "pack", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var text in new[] { "CHARM_DIR", "--output", "--no-publish", "--rid", "--layout-only", "--verbose", "NAME_PLATFORM.charm", "Exit" })
        {
            Assert.Contains(text, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MissingCharmDir_IsAUsageError()
    {
        var result = await Mlobs.RunAsync("charm", "pack", _temp.File("nowhere"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"mlobs charm pack: the charm dir {_temp.File("nowhere")} does not exist", result.Stderr.Trim());
    }

    private string Unzip()
    {
        var dir = _temp.File("charm");
        ZipFile.ExtractToDirectory(packed.CharmPath, dir);
        return dir;
    }

    // A charm dir with the sample's project file and the fixture's published binary, and the given charmcraft.yaml.
    private string CopyOfSample(string yaml)
    {
        var copy = Directory.CreateDirectory(_temp.File("sample")).FullName;
        File.WriteAllText(Path.Combine(copy, "charmcraft.yaml"), yaml);
        File.Copy(Path.Combine(packed.SampleDir, "SampleCharm.csproj"), Path.Combine(copy, "SampleCharm.csproj"));
        var publishDir = Directory.CreateDirectory(Path.Combine(copy, "bin", "charm-pack", "linux-x64")).FullName;
        File.Copy(packed.Binary, Path.Combine(publishDir, "sample-charm"));
        return copy;
    }
}
