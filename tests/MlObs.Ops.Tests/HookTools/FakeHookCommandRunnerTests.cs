// Tests of the test double itself, since other test suites rely on its queue semantics.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class FakeHookCommandRunnerTests
{
    [Fact]
    public async Task RunAsync_QueuedAnswers_AreUsedInOrderAndLastRepeats()
    {
        var runner = new FakeHookCommandRunner().Respond("is-leader", "true").Respond("is-leader", "false");
        var commands = new HookCommands(runner);

        Assert.True(await commands.IsLeaderAsync());
        Assert.False(await commands.IsLeaderAsync());
        Assert.False(await commands.IsLeaderAsync());
        Assert.Equal(3, runner.CallsTo("is-leader").Count);
    }

    [Fact]
    public async Task RunAsync_UnscriptedTool_SucceedsWithEmptyOutput()
    {
        var runner = new FakeHookCommandRunner();

        var result = await runner.RunAsync(new HookCommandRequest("juju-log", ["x"]));

        Assert.Equal(new HookCommandResult(0, "", ""), result);
    }

    [Fact]
    public async Task RunAsync_StrictUnscriptedTool_Throws()
    {
        var runner = new FakeHookCommandRunner { Strict = true };

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new HookCommandRequest("juju-log", ["x"])));
    }

    [Fact]
    public async Task Calls_AfterSeveralTools_RecordsEachInOrder()
    {
        var runner = new FakeHookCommandRunner();
        var commands = new HookCommands(runner);

        await commands.JujuLogAsync("INFO", "a");
        await commands.StateDeleteAsync("k");

        Assert.Equal(["juju-log", "state-delete"], runner.Calls.Select(c => c.Tool));
    }
}
