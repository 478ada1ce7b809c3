// Tests of the `mlobs` command through its wrapper, tools/MlObs.Cli/mlobs.sh, as a user runs it.
// They run the CLI as a process, so this project needs no reference to MlObs.Cli.
using System.Text.RegularExpressions;

using MlObs.Ops.Testing;

namespace MlObs.Ops.Tests.ProcessLevel;

/// <summary>
/// The wrapper builds MlObs.Cli and MlObs.Ops; tests in this collection run alone so that no other
/// nested build (the sample charm's publish) touches MlObs.Ops at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MlObsCommandLine
{
    public const string Name = "mlobs command line";
}

[Collection(MlObsCommandLine.Name)]
public sealed partial class CliTests
{
    private static readonly string Wrapper = Path.Combine(RepoPaths.Root, "tools", "MlObs.Cli", "mlobs.sh");

    // Run from a directory outside the checkout: the wrapper must not depend on the cwd.
    private static Task<ProcessResult> RunMlobsAsync(params string[] arguments) =>
        ChildProcess.RunAsync(
            "/bin/sh", [Wrapper, .. arguments], ChildProcess.EnvironmentForDotnet(), Path.GetTempPath(),
            timeout: TimeSpan.FromMinutes(5));

    [GeneratedRegex(@"^\d+\.\d+\.\d+\S*\n$")]
    private static partial Regex VersionLine();

    [Fact]
    public async Task Help_FromAnyDirectory_DescribesMlObs()
    {
        var result = await RunMlobsAsync("--help");

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("mlobs drives MlObs, a .NET toolkit for observable MLOps on Juju", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  mlobs", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_Always_PrintsInformationalVersion()
    {
        var result = await RunMlobsAsync("--version");

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Matches(VersionLine(), result.Stdout);
    }

    [Fact]
    public async Task UnknownVerb_Always_FailsWithMessage()
    {
        var result = await RunMlobsAsync("no-such-verb");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-verb", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_BadOption_FailsWithUsageAndExitCode2()
    {
        var result = await RunMlobsAsync("demo", "--rate", "1");

        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.Equal("mlobs demo: --rate must be 10-5000, --healthy-seconds 5-3600 and --timeout 10-3600\n", result.Stderr);
    }

    [Fact]
    public async Task CharmRun_BadInput_FailsWithOneLineAndExitCode2()
    {
        var dir = Directory.CreateTempSubdirectory("cli-charm-run-").FullName;
        try
        {
            var charm = Directory.CreateDirectory(Path.Combine(dir, "charm")).FullName;
            File.Copy(Path.Combine(RepoPaths.Root, "tests", "SampleCharm", "charmcraft.yaml"), Path.Combine(charm, "charmcraft.yaml"));
            var badState = Path.Combine(dir, "bad.json");
            await File.WriteAllTextAsync(badState, """{"relations": [{"id": 1, "endpoint": "db", "remote_unit_data": {}}]}""");
            var goodState = Path.Combine(dir, "good.json");
            await File.WriteAllTextAsync(goodState, "{}");

            var malformed = await RunMlobsAsync("charm", "run", charm, "--event", "install", "--state", badState);
            var undeclared = await RunMlobsAsync("charm", "run", charm, "--event", "nosuch-relation-changed", "--state", goodState);
            var noDispatch = await RunMlobsAsync("charm", "run", charm, "--event", "install", "--state", goodState, "--hook-tool-client", "/bin/true");

            AssertOneLineError(malformed, $"mlobs charm run: {badState}: relations[0].remote_unit_data: unknown field; allowed here:");
            AssertOneLineError(undeclared, "mlobs charm run: event \"nosuch-relation-changed\" is not one of sample-k8s's events");
            AssertOneLineError(noDispatch, $"mlobs charm run: charm dir {charm} has no dispatch (nor hooks/install)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertOneLineError(ProcessResult result, string expectedStart)
    {
        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.StartsWith(expectedStart, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, result.Stderr.Count(c => c == '\n'));
        Assert.Empty(result.Stdout);
    }
}
