// Process-level tests of the published sample charm: `dispatch` run as Juju runs it, with the fake
// hook tools first on PATH. Add one test per event here; each gets a fresh charm dir and unit.
namespace MlObs.Ops.Tests.ProcessLevel;

[Collection(PublishedSampleCharm.Name)]
public sealed class SampleCharmDispatchTests(SampleCharmPublish publish) : IAsyncLifetime
{
    private FakeJuju _fake = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeJuju.CreateAsync();
        publish.LayOutCharm(_fake.CharmDir);
    }

    public Task DisposeAsync()
    {
        _fake.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Install_FreshUnit_ExitsZero()
    {
        var result = await _fake.DispatchAsync("hooks/install");

        Assert.True(result.ExitCode == 0, result.Describe());
        // Extend when the sample charm does real work: assert on _fake.Calls(), e.g. the
        // status-set that collect-status makes.
    }
}
