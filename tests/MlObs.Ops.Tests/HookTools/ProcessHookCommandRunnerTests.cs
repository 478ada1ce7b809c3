// Tests of ProcessHookCommandRunner against real shell scripts on a private PATH.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.HookTools;

public sealed class ProcessHookCommandRunnerTests : IDisposable
{
    private readonly string _binDirectory = Directory.CreateTempSubdirectory("mlobs-hooktools-bin-").FullName;
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("mlobs-hooktools-cwd-").FullName;

    public void Dispose()
    {
        Directory.Delete(_binDirectory, recursive: true);
        Directory.Delete(_workDirectory, recursive: true);
    }

    private void WriteTool(string name, string body)
    {
        var path = Path.Combine(_binDirectory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private ProcessHookCommandRunner Runner() =>
        new($"/nonexistent-dir:{_binDirectory}:/usr/bin:/bin", _workDirectory);

    [Fact]
    public async Task RunAsync_ScriptOnCustomPath_PassesArgvVerbatimAndDeliversStdin()
    {
        WriteTool("fake-tool", """
            for a in "$@"; do printf '[%s]\n' "$a"; done
            printf 'stdin=%s\n' "$(cat)"
            printf 'cwd=%s\n' "$(pwd -P)"
            echo 'ERROR relation 9 not found' >&2
            exit 3
            """);

        var result = await Runner().RunAsync(new HookCommandRequest(
            "fake-tool",
            ["--format=json", "-r", "db:7", "--", "two words", "", "$HOME", "é\"'"],
            "{\"k\": \"v\"}"));

        Assert.Equal(3, result.ExitCode);
        var realWorkDirectory = new DirectoryInfo(_workDirectory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _workDirectory;
        Assert.Equal(
            "[--format=json]\n[-r]\n[db:7]\n[--]\n[two words]\n[]\n[$HOME]\n[é\"']\n"
            + "stdin={\"k\": \"v\"}\n"
            + $"cwd={realWorkDirectory}\n",
            result.Stdout);
        Assert.Equal("ERROR relation 9 not found\n", result.Stderr);
    }

    [Fact]
    public async Task RunAsync_NullStdin_ToolReadingStdinSeesEndOfFile()
    {
        WriteTool("reads-stdin", "printf 'got=%s' \"$(cat)\"");

        var result = await Runner().RunAsync(new HookCommandRequest("reads-stdin", []));

        Assert.Equal(new HookCommandResult(0, "got=", ""), result);
    }

    [Fact]
    public async Task RunAsync_LargeOutputOnBothStreams_DoesNotDeadlock()
    {
        WriteTool("chatty", """
            i=0
            while [ $i -lt 2000 ]; do
              echo "out line $i with some padding to make it longer than a pipe buffer quickly"
              echo "err line $i with some padding to make it longer than a pipe buffer quickly" >&2
              i=$((i+1))
            done
            """);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var result = await Runner().RunAsync(new HookCommandRequest("chatty", [], new string('x', 200_000)), timeout.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2000, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(2000, result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("err line 1999 with some padding to make it longer than a pipe buffer quickly\n", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ToolNotOnPath_ThrowsModelExceptionNamingTool()
    {
        var ex = await Assert.ThrowsAsync<ModelException>(
            () => Runner().RunAsync(new HookCommandRequest("relation-get", ["-"])));

        Assert.Equal("hook tool 'relation-get' was not found on PATH (is this running inside a Juju hook?)", ex.Message);
        Assert.Equal("relation-get", ex.Tool);
        Assert.Null(ex.ExitCode);
    }

    [Fact]
    public async Task RunAsync_FileWithoutExecuteBit_IsNotFound()
    {
        File.WriteAllText(Path.Combine(_binDirectory, "not-executable"), "#!/bin/sh\necho hi\n");

        await Assert.ThrowsAsync<ModelException>(() => Runner().RunAsync(new HookCommandRequest("not-executable", [])));
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsToolAndThrows()
    {
        WriteTool("sleeper", "sleep 30");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Runner().RunAsync(new HookCommandRequest("sleeper", []), cts.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task HookCommands_OverRealProcess_MapsFailureToRelationNotFound()
    {
        WriteTool("relation-get", "echo 'ERROR relation 9 not found' >&2; exit 1");
        var commands = new HookCommands(Runner());

        var ex = await Assert.ThrowsAsync<RelationNotFoundException>(
            () => commands.RelationGetAsync(new RelationRef("db", 9), "pg/0", app: false));

        Assert.Equal("ERROR relation 9 not found", ex.Message);
    }
}
