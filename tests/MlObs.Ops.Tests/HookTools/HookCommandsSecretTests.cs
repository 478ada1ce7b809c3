// Tests of the secret tools, including the temporary content files of secret-add and secret-set.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class HookCommandsSecretTests
{
    private const string Uri = "secret://ad8cfb2c-0000-4000-8000-000000000001/cvhgtsvmp25c7889ks0g";

    /// <summary>What the fake saw in each key#file= argument while the tool ran.</summary>
    private sealed record SeenFile(string Key, string Path, string Content, UnixFileMode? Mode);

    private static HookCommandResult CaptureFiles(HookCommandRequest request, List<SeenFile> seen, HookCommandResult result)
    {
        foreach (var argument in request.Arguments.Where(a => a.Contains("#file=", StringComparison.Ordinal)))
        {
            var key = argument[..argument.IndexOf('#', StringComparison.Ordinal)];
            var path = argument[(argument.IndexOf('=', StringComparison.Ordinal) + 1)..];
            UnixFileMode? mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
            seen.Add(new SeenFile(key, path, File.ReadAllText(path), mode));
        }

        return result;
    }

    [Fact]
    public async Task SecretAddAsync_Content_PassesFilesThatHoldTheValuesDuringTheCall()
    {
        var seen = new List<SeenFile>();
        var runner = new FakeHookCommandRunner()
            .On("secret-add", r => CaptureFiles(r, seen, new HookCommandResult(0, Uri + "\n", "")));
        var content = new Dictionary<string, string> { ["username"] = "admin", ["password"] = "s3cr3t\nline2" };

        var uri = await new HookCommands(runner).SecretAddAsync(content, new SecretAddOptions());

        Assert.Equal(Uri, uri);
        var call = runner.SingleCall;
        Assert.Equal("secret-add", call.Tool);
        Assert.Equal(["--owner", "application"], call.Arguments.Take(2));
        Assert.Equal(2, seen.Count);
        Assert.Equal(new[] { "password", "username" }, seen.Select(s => s.Key));
        Assert.Equal(new[] { "s3cr3t\nline2", "admin" }, seen.Select(s => s.Content));
        Assert.All(seen, s => Assert.True(Path.IsPathFullyQualified(s.Path), s.Path));
        Assert.All(seen, s => Assert.Equal(s.Key, Path.GetFileName(s.Path)));
        Assert.Equal($"password#file={seen[0].Path}", call.Arguments[2]);
        Assert.Equal($"username#file={seen[1].Path}", call.Arguments[3]);
        Assert.DoesNotContain(call.Arguments, a => a.Contains("admin", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.All(seen, s => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, s.Mode));
        }
    }

    [Fact]
    public async Task SecretAddAsync_AfterSuccess_DeletesFilesAndDirectory()
    {
        var seen = new List<SeenFile>();
        var runner = new FakeHookCommandRunner()
            .On("secret-add", r => CaptureFiles(r, seen, new HookCommandResult(0, Uri, "")));

        await new HookCommands(runner).SecretAddAsync(new Dictionary<string, string> { ["token"] = "t" }, new SecretAddOptions());

        var file = Assert.Single(seen);
        Assert.False(File.Exists(file.Path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(file.Path)));
    }

    [Fact]
    public async Task SecretAddAsync_ToolFails_StillDeletesDirectory()
    {
        var seen = new List<SeenFile>();
        var runner = new FakeHookCommandRunner()
            .On("secret-add", r => CaptureFiles(r, seen, new HookCommandResult(1, "", "ERROR this unit is not the leader\n")));

        var ex = await Assert.ThrowsAsync<ModelException>(
            () => new HookCommands(runner).SecretAddAsync(new Dictionary<string, string> { ["token"] = "t" }, new SecretAddOptions()));

        Assert.Equal("ERROR this unit is not the leader", ex.Message);
        var file = Assert.Single(seen);
        Assert.Equal("t", file.Content);
        Assert.False(Directory.Exists(Path.GetDirectoryName(file.Path)));
    }

    [Fact]
    public async Task SecretAddAsync_AllOptions_PassesFlagsInOpsOrder()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-add", Uri);
        var options = new SecretAddOptions(
            Owner: "unit",
            Label: "db-creds",
            Description: "database login",
            Expire: new DateTimeOffset(2030, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)),
            Rotate: "daily");

        await new HookCommands(runner).SecretAddAsync(new Dictionary<string, string> { ["key"] = "v" }, options);

        Assert.Equal(
            ["--label", "db-creds", "--description", "database login", "--expire", "2030-01-02T03:04:05Z", "--rotate", "daily", "--owner", "unit"],
            runner.SingleCall.Arguments.Take(10));
        Assert.StartsWith("key#file=", runner.SingleCall.Arguments[10], StringComparison.Ordinal);
        Assert.Equal(11, runner.SingleCall.Arguments.Count);
    }

    [Fact]
    public void FormatExpire_FractionalSeconds_KeepsThemAndEndsWithZ()
    {
        var expire = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_500);

        Assert.Equal("2030-01-02T03:04:05.12345Z", HookCommands.FormatExpire(expire));
    }

    [Fact]
    public async Task SecretAddAsync_OutputWithNewline_ReturnsTrimmedUri()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-add", "  " + Uri + "\n");

        Assert.Equal(Uri, await new HookCommands(runner).SecretAddAsync(new Dictionary<string, string> { ["key"] = "v" }, new SecretAddOptions()));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Key")]
    [InlineData("1key")]
    [InlineData("my--key")]
    [InlineData("key-")]
    [InlineData("key\n")]
    public async Task SecretAddAsync_InvalidKey_ThrowsArgumentExceptionWithoutCalling(string key)
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentException>(
            () => new HookCommands(runner).SecretAddAsync(new Dictionary<string, string> { [key] = "v" }, new SecretAddOptions()));

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task SecretAddAsync_EmptyContent_ThrowsArgumentExceptionWithoutCalling()
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentException>(
            () => new HookCommands(runner).SecretAddAsync(new Dictionary<string, string>(), new SecretAddOptions()));

        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task SecretGetAsync_ById_PassesFormatThenId()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-get", "{\"password\":\"p\",\"username\":\"u\"}\n");

        var content = await new HookCommands(runner).SecretGetAsync(Uri, null, refresh: false, peek: false);

        Assert.Equal("secret-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json", Uri], runner.SingleCall.Arguments);
        Assert.Equal("p", content["password"]);
        Assert.Equal("u", content["username"]);
    }

    [Fact]
    public async Task SecretGetAsync_IdLabelRefresh_PassesAllInOrder()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-get", "{\"k\":\"v\"}\n");

        await new HookCommands(runner).SecretGetAsync(Uri, "creds", refresh: true, peek: false);

        Assert.Equal(["--format=json", Uri, "--label", "creds", "--refresh"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretGetAsync_LabelPeek_PassesLabelAndPeek()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-get", "{\"k\":\"v\"}\n");

        await new HookCommands(runner).SecretGetAsync(null, "creds", refresh: false, peek: true);

        Assert.Equal(["--format=json", "--label", "creds", "--peek"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretGetAsync_RefreshAndPeek_ThrowsArgumentException()
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentException>(() => new HookCommands(runner).SecretGetAsync(Uri, null, refresh: true, peek: true));
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task SecretGetAsync_NeitherIdNorLabel_ThrowsArgumentException()
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentException>(() => new HookCommands(runner).SecretGetAsync(null, null, refresh: false, peek: false));
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task SecretInfoGetAsync_ById_ParsesEntryKeyedByBareId()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "secret-info-get",
            "{\"cvhgtsvmp25c7889ks0g\":{\"revision\":3,\"label\":\"creds\",\"owner\":\"application\","
            + "\"description\":\"db\",\"rotation\":\"daily\",\"expiry\":\"2030-01-02T03:04:05.123456789Z\","
            + "\"rotates\":\"2030-01-01T00:00:00+02:00\"}}\n");

        var info = await new HookCommands(runner).SecretInfoGetAsync(Uri, "ignored");

        Assert.Equal("secret-info-get", runner.SingleCall.Tool);
        Assert.Equal(["--format=json", Uri], runner.SingleCall.Arguments);
        Assert.Equal(
            new SecretInfo(
                "cvhgtsvmp25c7889ks0g",
                3,
                "creds",
                "application",
                "db",
                "daily",
                new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567),
                new DateTimeOffset(2029, 12, 31, 22, 0, 0, TimeSpan.Zero)),
            info);
    }

    [Fact]
    public async Task SecretInfoGetAsync_ByLabelMinimal_LeavesOptionalFieldsNull()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "secret-info-get", "{\"abc\":{\"revision\":1,\"label\":\"\",\"owner\":\"unit\"}}\n");

        var info = await new HookCommands(runner).SecretInfoGetAsync(null, "creds");

        Assert.Equal(["--format=json", "--label", "creds"], runner.SingleCall.Arguments);
        Assert.Equal(new SecretInfo("abc", 1, "", "unit", null, null, null, null), info);
    }

    [Fact]
    public async Task SecretInfoGetAsync_EmptyObject_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-info-get", "{}\n");

        await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).SecretInfoGetAsync("abc", null));
    }

    [Fact]
    public async Task SecretInfoGetAsync_BadExpiry_ThrowsHookToolOutputException()
    {
        var runner = new FakeHookCommandRunner().Respond(
            "secret-info-get", "{\"abc\":{\"revision\":1,\"label\":\"\",\"owner\":\"unit\",\"expiry\":\"tomorrow\"}}\n");

        var ex = await Assert.ThrowsAsync<HookToolOutputException>(() => new HookCommands(runner).SecretInfoGetAsync("abc", null));

        Assert.Contains("tomorrow", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretSetAsync_MetadataOnly_PassesOwnerApplicationAndIdLast()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).SecretSetAsync(Uri, null, new SecretSetOptions(Label: "new", Rotate: "weekly"));

        Assert.Equal("secret-set", runner.SingleCall.Tool);
        Assert.Equal(["--label", "new", "--rotate", "weekly", "--owner", "application", Uri], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretSetAsync_Content_PassesFilesAfterIdAndDeletesThem()
    {
        var seen = new List<SeenFile>();
        var runner = new FakeHookCommandRunner()
            .On("secret-set", r => CaptureFiles(r, seen, new HookCommandResult(0, "", "")));

        await new HookCommands(runner).SecretSetAsync(
            Uri, new Dictionary<string, string> { ["password"] = "n3w" }, new SecretSetOptions(Description: "rotated"));

        var file = Assert.Single(seen);
        Assert.Equal("n3w", file.Content);
        Assert.Equal(["--description", "rotated", "--owner", "application", Uri, $"password#file={file.Path}"], runner.SingleCall.Arguments);
        Assert.False(Directory.Exists(Path.GetDirectoryName(file.Path)));
    }

    [Fact]
    public async Task SecretSetAsync_EmptyContent_ThrowsArgumentException()
    {
        var runner = new FakeHookCommandRunner();

        await Assert.ThrowsAsync<ArgumentException>(
            () => new HookCommands(runner).SecretSetAsync(Uri, new Dictionary<string, string>(), new SecretSetOptions()));
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task SecretGrantAsync_WithUnit_PassesRelationUnitThenUri()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).SecretGrantAsync(Uri, 5, "app/1");

        Assert.Equal("secret-grant", runner.SingleCall.Tool);
        Assert.Equal(["--relation", "5", "--unit", "app/1", Uri], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretRevokeAsync_WithoutUnit_PassesRelationThenUri()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).SecretRevokeAsync(Uri, 5, null);

        Assert.Equal("secret-revoke", runner.SingleCall.Tool);
        Assert.Equal(["--relation", "5", Uri], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretRemoveAsync_WithRevision_PassesUriThenRevision()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).SecretRemoveAsync(Uri, 4);

        Assert.Equal("secret-remove", runner.SingleCall.Tool);
        Assert.Equal([Uri, "--revision", "4"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretRemoveAsync_WithoutRevision_PassesUriOnly()
    {
        var runner = new FakeHookCommandRunner();

        await new HookCommands(runner).SecretRemoveAsync(Uri, null);

        Assert.Equal([Uri], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretIdsAsync_Null_ReturnsEmpty()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-ids", "null\n");

        var ids = await new HookCommands(runner).SecretIdsAsync();

        Assert.Empty(ids);
        Assert.Equal("secret-ids", runner.SingleCall.Tool);
        Assert.Equal(["--format=json"], runner.SingleCall.Arguments);
    }

    [Fact]
    public async Task SecretIdsAsync_List_ReturnsBareIds()
    {
        var runner = new FakeHookCommandRunner().Respond("secret-ids", "[\"cvhgtsvmp25c7889ks0g\",\"d00000000000000000a0\"]\n");

        Assert.Equal(["cvhgtsvmp25c7889ks0g", "d00000000000000000a0"], await new HookCommands(runner).SecretIdsAsync());
    }
}
