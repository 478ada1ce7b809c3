// Tests of how a failing hook tool maps to ModelException and its subclasses (ops main's _wrap_hookcmd).
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsErrorTests
{
    [Fact]
    public async Task RelationGetAsync_RelationNotFound_ThrowsRelationNotFoundException()
    {
        var runner = new FakeHookCommandRunner().Fail("relation-get", 1, "ERROR relation 9 not found\n");

        var ex = await Assert.ThrowsAsync<RelationNotFoundException>(
            () => new HookCommands(runner).RelationGetAsync(new RelationRef("db", 9), "pg/0", app: false));

        Assert.Contains("relation 9 not found", ex.Message, StringComparison.Ordinal);
        Assert.Equal("relation-get", ex.Tool);
        Assert.Equal(1, ex.ExitCode);
    }

    [Fact]
    public async Task RelationSetAsync_UpperCaseRelationNotFound_ThrowsRelationNotFoundException()
    {
        var runner = new FakeHookCommandRunner().Fail("relation-set", 2, "ERROR invalid value \"db:9\" for option -r: Relation Not Found\n");

        await Assert.ThrowsAsync<RelationNotFoundException>(
            () => new HookCommands(runner).RelationSetAsync(new RelationRef("db", 9), new Dictionary<string, string> { ["a"] = "b" }, app: false));
    }

    [Theory]
    [InlineData("ERROR invalid value \"db:9\" for option -r: relation not found\n")]
    [InlineData("ERROR relation \"db:9\" not found\n")]
    public async Task RelationListAsync_RelationNotFoundWordings_ThrowRelationNotFoundException(string stderr)
    {
        var runner = new FakeHookCommandRunner().Fail("relation-list", 2, stderr);

        await Assert.ThrowsAsync<RelationNotFoundException>(() => new HookCommands(runner).RelationListAsync(new RelationRef("db", 9)));
    }

    [Fact]
    public async Task RelationGetAsync_OtherNotFound_ThrowsPlainModelException()
    {
        var runner = new FakeHookCommandRunner().Fail("relation-get", 1, "ERROR relation data not found\n");

        var ex = await Assert.ThrowsAsync<ModelException>(
            () => new HookCommands(runner).RelationGetAsync(new RelationRef("db", 9), "pg/0", app: false));

        Assert.Equal(typeof(ModelException), ex.GetType());
    }

    [Fact]
    public async Task RelationGetAsync_PermissionDenied_ThrowsPlainModelException()
    {
        var runner = new FakeHookCommandRunner().Fail("relation-get", 1, "ERROR permission denied\n");

        var ex = await Assert.ThrowsAsync<ModelException>(
            () => new HookCommands(runner).RelationGetAsync(new RelationRef("db", 9), "me", app: true));

        Assert.Equal(typeof(ModelException), ex.GetType());
        Assert.Equal("ERROR permission denied", ex.Message);
    }

    [Fact]
    public async Task SecretGetAsync_NotFound_ThrowsSecretNotFoundException()
    {
        var runner = new FakeHookCommandRunner().Fail("secret-get", 1, "ERROR secret \"x\" not found\n");

        var ex = await Assert.ThrowsAsync<SecretNotFoundException>(
            () => new HookCommands(runner).SecretGetAsync("x", null, refresh: false, peek: false));

        Assert.Equal("ERROR secret \"x\" not found", ex.Message);
        Assert.Equal("secret-get", ex.Tool);
        Assert.Equal("ERROR secret \"x\" not found\n", ex.Stderr);
    }

    [Fact]
    public async Task SecretAddAsync_NotFound_ThrowsSecretNotFoundException()
    {
        // ops main maps secret-add as well (ops 2.20 did not).
        var runner = new FakeHookCommandRunner().Fail("secret-add", 1, "ERROR model NOT FOUND\n");

        await Assert.ThrowsAsync<SecretNotFoundException>(
            () => new HookCommands(runner).SecretAddAsync(new Dictionary<string, string> { ["key"] = "v" }, new SecretAddOptions()));
    }

    [Fact]
    public async Task SecretGetAsync_PermissionDenied_ThrowsPlainModelException()
    {
        var runner = new FakeHookCommandRunner().Fail("secret-get", 1, "ERROR permission denied\n");

        var ex = await Assert.ThrowsAsync<ModelException>(
            () => new HookCommands(runner).SecretGetAsync("x", null, refresh: false, peek: false));

        Assert.Equal(typeof(ModelException), ex.GetType());
    }

    [Fact]
    public async Task StateDeleteAsync_RelationNotFoundText_IsNotMappedForOtherTools()
    {
        var runner = new FakeHookCommandRunner().Fail("state-delete", 1, "ERROR relation not found\n");

        var ex = await Assert.ThrowsAsync<ModelException>(() => new HookCommands(runner).StateDeleteAsync("k"));

        Assert.Equal(typeof(ModelException), ex.GetType());
    }

    [Fact]
    public async Task StatusSetAsync_ExitOne_ThrowsModelExceptionWithToolExitCodeAndStderr()
    {
        var runner = new FakeHookCommandRunner().Fail("status-set", 1, "ERROR this unit is not the leader\n");

        var ex = await Assert.ThrowsAsync<ModelException>(
            () => new HookCommands(runner).StatusSetAsync("active", "", application: true));

        Assert.Equal(typeof(ModelException), ex.GetType());
        Assert.Equal("ERROR this unit is not the leader", ex.Message);
        Assert.Equal("status-set", ex.Tool);
        Assert.Equal(1, ex.ExitCode);
        Assert.Equal("ERROR this unit is not the leader\n", ex.Stderr);
    }

    [Fact]
    public async Task JujuLogAsync_SilentFailure_MessageNamesToolAndExitCode()
    {
        var runner = new FakeHookCommandRunner().Fail("juju-log", 2, "");

        var ex = await Assert.ThrowsAsync<ModelException>(() => new HookCommands(runner).JujuLogAsync("INFO", "x"));

        Assert.Equal("hook tool 'juju-log' exited with code 2 and printed no error", ex.Message);
        Assert.Equal("", ex.Stderr);
    }

    [Fact]
    public async Task ConfigGetAsync_ExitNonZeroWithJsonOutput_ThrowsModelExceptionNotParsed()
    {
        var runner = new FakeHookCommandRunner().Fail("config-get", 1, "ERROR boom\n", stdout: "{}");

        var ex = await Assert.ThrowsAsync<ModelException>(() => new HookCommands(runner).ConfigGetAsync());

        Assert.Equal("ERROR boom", ex.Message);
    }

    [Fact]
    public void ModelException_StandardConstructors_KeepMessageAndInner()
    {
        var inner = new InvalidOperationException("inner");

        Assert.Equal("m", new ModelException("m").Message);
        Assert.Same(inner, new RelationNotFoundException("m", inner).InnerException);
        Assert.Null(new SecretNotFoundException("m").Tool);
        Assert.Equal("x printed malformed JSON: d; output was: o", new HookToolOutputException("x", "d", "o").Message);
    }
}
