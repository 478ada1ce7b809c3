// A charm of charms/ packed with `mlobs charm pack` (a Native AOT publish) once per test collection, and unzipped: what
// Juju would unpack on a unit, for the tests that run it through `mlobs charm run`.
using System.IO.Compression;

namespace MlObs.Cli.Tests;

/// <summary>Packs charms/<paramref name="name"/> once and unzips it.</summary>
/// <param name="name">The charm's directory under charms/.</param>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class PackedCharm(string name) : IAsyncLifetime
{
    public string Temp { get; } = Directory.CreateTempSubdirectory($"mlobs-pack-{name}-").FullName;

    public string CharmDir => Path.Combine(Temp, "charm");

    internal Mlobs.Result Pack { get; private set; } = new(-1, string.Empty, string.Empty);

    /// <summary>The repository checkout the tests run from (the CLI's own finder).</summary>
    public static string RepositoryRoot => Cli.RepositoryRoot.Find() ?? throw new InvalidOperationException("no MlObs.sln above the tests");

    public async Task InitializeAsync()
    {
        Pack = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(20), "charm", "pack", Path.Combine(RepositoryRoot, "charms", name), "-o", Temp);
        if (Pack.ExitCode == 0)
            ZipFile.ExtractToDirectory(Pack.Stdout.Trim(), CharmDir);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Temp, recursive: true);
        return Task.CompletedTask;
    }
}
