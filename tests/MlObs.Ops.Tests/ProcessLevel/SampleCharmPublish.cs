// SampleCharmPublish: an xunit collection fixture that publishes tests/SampleCharm Native AOT once
// per test run and lays out charm dirs with the binary as `dispatch`, as `mlobs charm pack` will.
using System.Globalization;

using MlObs.Ops.Testing;
using MlObs.Ops.Testing.HookTools;

namespace MlObs.Ops.Tests.ProcessLevel;

/// <summary>The tests that run the published sample charm share one publish.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedSampleCharm : ICollectionFixture<SampleCharmPublish>
{
    public const string Name = "Published sample charm";
}

public sealed class SampleCharmPublish : IAsyncLifetime
{
    public const string RuntimeIdentifier = "linux-x64";
    public const string BinaryName = "sample-charm";

    // AOT compilation of a small program takes well under a minute; a cold NuGet restore can
    // take longer.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly Lazy<Task<string>> _hookToolClient = new(() =>
        JujuCBinary.PublishAsync(RepoPaths.Root, Path.Combine(AppContext.BaseDirectory, "mlobs-jujuc-publish")));

    /// <summary>Where the publish output goes: under the test assembly's output dir.</summary>
    public string PublishDir { get; } = Path.Combine(AppContext.BaseDirectory, "sample-charm-publish");

    /// <summary>The Native AOT executable.</summary>
    public string Binary => Path.Combine(PublishDir, BinaryName);

    public async Task InitializeAsync()
    {
        var project = Path.Combine(RepoPaths.Root, "tests", "SampleCharm", "SampleCharm.csproj");
        string[] arguments =
        [
            "publish", project, "-c", "Release", "-r", RuntimeIdentifier, "-o", PublishDir,
            // A private build dir: `mlobs charm pack` in the CLI's tests publishes the same project
            // at the same time, and two Native AOT links into one obj/ corrupt each other.
            "--artifacts-path", JujuCBinary.ArtifactsPathFor(PublishDir),
            // No MSBuild or compiler server may outlive the publish: they would keep its output
            // pipes open.
            "-nodeReuse:false", "-p:UseSharedCompilation=false",
        ];
        var result = await ChildProcess.RunAsync(
            ChildProcess.Dotnet, arguments, ChildProcess.EnvironmentForDotnet(), RepoPaths.Root,
            timeout: PublishTimeout);
        if (result.ExitCode != 0 || !File.Exists(Binary))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"dotnet {string.Join(' ', arguments)} did not produce {Binary}: {result.Describe()}"));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The <c>mlobs-jujuc</c> hook-tool client, published on first use (the emulator's tests need it).</summary>
    public Task<string> HookToolClient => _hookToolClient.Value;

    /// <summary>A fresh charm dir under <paramref name="parent"/>: the binary as <c>dispatch</c>, <c>charmcraft.yaml</c> beside it.</summary>
    public string CreateCharmDir(string parent)
    {
        var dir = Directory.CreateDirectory(Path.Combine(parent, "charm")).FullName;
        File.Copy(Binary, Path.Combine(dir, "dispatch"));
        File.Copy(Path.Combine(PublishDir, "charmcraft.yaml"), Path.Combine(dir, "charmcraft.yaml"));
        return dir;
    }

    /// <summary>Installs the published charm in <paramref name="unit"/>: the binary as <c>dispatch</c>, <c>charmcraft.yaml</c> beside it.</summary>
    public void InstallInto(LocalUnit unit) => unit.InstallCharm(Binary, Path.Combine(PublishDir, "charmcraft.yaml"));
}
