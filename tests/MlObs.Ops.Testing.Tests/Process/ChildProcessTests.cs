// ChildProcessTests: how long a child ran (ProcessResult.Ran, the emulator's dispatch_seconds) covers the child's own
// run and not the time the caller spends before starting it or after its exit is reaped.
using System.Diagnostics;
using System.Runtime.Versioning;
using MlObs.Ops.Testing;

namespace MlObs.Ops.Testing.Tests.Process;

[SupportedOSPlatform("linux")]
public sealed class ChildProcessTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["PATH"] = "/usr/bin:/bin" };

    [Fact]
    public async Task Ran_ASleepingChild_CoversItsSleepAndNoMoreThanTheCall()
    {
        var call = Stopwatch.StartNew();
        var result = await ChildProcess.RunAsync("/bin/sh", ["-c", "sleep 0.3"], Environment, "/");
        call.Stop();

        Assert.Equal(0, result.ExitCode);
        Assert.InRange(result.Ran, TimeSpan.FromMilliseconds(290), call.Elapsed);
    }

    [Fact]
    public async Task Ran_AChildThatExitsAtOnce_IsShort()
    {
        var result = await ChildProcess.RunAsync("/bin/true", [], Environment, "/");

        Assert.Equal(0, result.ExitCode);
        Assert.InRange(result.Ran, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
    }
}
