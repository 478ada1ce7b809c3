// Tests of ProcessHookCommandRunner against real shell scripts on a private PATH.
using System.Diagnostics;
using System.Globalization;
using System.Text;
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

    private string RunnerPath => $"/nonexistent-dir:{_binDirectory}:/usr/bin:/bin";

    // useProcessClass: the portable System.Diagnostics.Process path, which Linux otherwise skips.
    private ProcessHookCommandRunner Runner(bool useProcessClass = false) =>
        new(RunnerPath, _workDirectory, useProcessClass);

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
    public async Task RunAsync_DanglingSymlink_IsNotFound()
    {
        File.CreateSymbolicLink(Path.Combine(_binDirectory, "state-get"), Path.Combine(_binDirectory, "moved-away"));

        var ex = await Assert.ThrowsAsync<ModelException>(() => Runner().RunAsync(new HookCommandRequest("state-get", [])));

        Assert.Equal("hook tool 'state-get' was not found on PATH (is this running inside a Juju hook?)", ex.Message);
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ToolKilledBySignal_ReturnsExitCode128PlusSignal(bool useProcessClass)
    {
        WriteTool("killed", "kill -KILL $$");

        var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("killed", []));

        Assert.Equal(128 + 9, result.ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_MegabyteStdinWhileToolWritesMegabyteToBothStreams_DeliversEverythingIntact(bool useProcessClass)
    {
        // The tool fills stdout and stderr before it reads a byte of stdin, then echoes stdin: a
        // runner that writes all input before reading output, or reads one stream at a time,
        // blocks forever on a full pipe.
        WriteTool("echo-big", """
            head -c 1048576 /dev/zero | tr '\0' 'o'
            head -c 1048576 /dev/zero | tr '\0' 'e' >&2
            cat
            """);
        var stdin = MegabyteOfText();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("echo-big", [], stdin), timeout.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new string('e', 1 << 20), result.Stderr);
        Assert.Equal((1 << 20) + stdin.Length, result.Stdout.Length);
        Assert.True(result.Stdout.AsSpan(0, 1 << 20).IndexOfAnyExcept('o') < 0);
        Assert.Equal(stdin, result.Stdout[(1 << 20)..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ToolExitsWithoutReadingBigStdin_ReturnsItsExitCode(bool useProcessClass)
    {
        WriteTool("ignores-stdin", "echo 'no thanks' >&2; exit 7");

        var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("ignores-stdin", [], MegabyteOfText()));

        Assert.Equal(new HookCommandResult(7, "", "no thanks\n"), result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_CancelledWhileToolSleeps_ReturnsPromptlyAndKillsToolAndItsChild(bool useProcessClass)
    {
        // sleep runs as a child of the script's shell and shares its stdout: killing only the
        // shell would leave it running for 30 s with our pipe open.
        WriteTool("sleeper", """
            sleep 30 &
            echo "$$ $!" > pids.tmp && mv pids.tmp pids
            wait
            """);
        using var cts = new CancellationTokenSource();
        var runner = Runner(useProcessClass);

        // Task.Run: on Linux RunAsync does its work on the calling thread.
        var run = Task.Run(() => runner.RunAsync(new HookCommandRequest("sleeper", []), cts.Token));
        var pids = await ReadPidsAsync(Path.Combine(_workDirectory, "pids"), run);
        var stopwatch = Stopwatch.StartNew();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed} to return after cancellation");
        foreach (var pid in pids)
        {
            Assert.True(await HasExitedAsync(pid), $"process {pid} still runs after cancellation");
        }
    }

    [Fact]
    public async Task RunAsync_CancelledAfterToolClosedItsOutputs_ReturnsPromptlyAndKillsTool()
    {
        // Both outputs at end of file, so only the wait for the exit is left to cancel.
        WriteTool("closes-outputs", """
            exec >&- 2>&-
            echo "$$" > pid.tmp && mv pid.tmp pid
            exec sleep 30
            """);
        using var cts = new CancellationTokenSource();
        var runner = Runner();

        var run = Task.Run(() => runner.RunAsync(new HookCommandRequest("closes-outputs", []), cts.Token));
        var pids = await ReadPidsAsync(Path.Combine(_workDirectory, "pid"), run);
        await Task.Delay(200);
        var stopwatch = Stopwatch.StartNew();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed} to return after cancellation");
        Assert.True(await HasExitedAsync(pids[0]), $"process {pids[0]} still runs after cancellation");
    }

    [Fact]
    public async Task RunAsync_ToolClosesOutputsThenExitsWithCancellableToken_ReturnsItsExitCode()
    {
        WriteTool("closes-then-exits", "echo before; exec >&- 2>&-; sleep 0.2; exit 5");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var result = await Runner().RunAsync(new HookCommandRequest("closes-then-exits", []), cts.Token);

        Assert.Equal(new HookCommandResult(5, "before\n", ""), result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_WorkingDirectoryGiven_ToolRunsThere(bool useProcessClass)
    {
        WriteTool("where", "pwd -P; ls");
        File.WriteAllText(Path.Combine(_workDirectory, "marker-file"), "");

        var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("where", []));

        var realWorkDirectory = new DirectoryInfo(_workDirectory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _workDirectory;
        Assert.Equal($"{realWorkDirectory}\nmarker-file\n", result.Stdout);
    }

    [Fact]
    public async Task RunAsync_WorkingDirectoryMissing_ThrowsModelExceptionSayingSo()
    {
        WriteTool("anything", "exit 0");
        var missing = Path.Combine(_workDirectory, "gone");
        var runner = new ProcessHookCommandRunner(RunnerPath, missing);

        var ex = await Assert.ThrowsAsync<ModelException>(() => runner.RunAsync(new HookCommandRequest("anything", [])));

        Assert.Equal("anything", ex.Tool);
        Assert.Null(ex.ExitCode);
        Assert.Contains($"working directory '{missing}' does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_PathGiven_ToolGetsThisProcessEnvironmentWithPathReplaced(bool useProcessClass)
    {
        WriteTool("show-env", "printf '%s\\n%s\\n' \"$PATH\" \"$MLOBS_RUNNER_TEST_VARIABLE\"");
        Environment.SetEnvironmentVariable("MLOBS_RUNNER_TEST_VARIABLE", "set by the test, with spaces");
        try
        {
            var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("show-env", []));

            Assert.NotEqual(RunnerPath, Environment.GetEnvironmentVariable("PATH"));
            Assert.Equal($"{RunnerPath}\nset by the test, with spaces\n", result.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLOBS_RUNNER_TEST_VARIABLE", null);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ArgumentsWithSpacesNewlinesAndEmptyStrings_ArePassedVerbatim(bool useProcessClass)
    {
        WriteTool("argv", "printf '%s\\037' \"$#\" \"$@\"");
        string[] arguments = ["two words", "line one\nline two", "", " ", "\ttab", "ends with newline\n", "--key=a b", "é€😀", "*", "$HOME", "'\"\\"];

        var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("argv", arguments));

        var fields = result.Stdout.Split('\u001f');
        Assert.Equal(arguments.Length.ToString(CultureInfo.InvariantCulture), fields[0]);
        Assert.Equal(arguments, fields[1..^1]);
        Assert.Equal("", fields[^1]);
    }

    [Fact]
    public async Task RunAsync_ArgumentWithNulCharacter_ThrowsArgumentException()
    {
        WriteTool("argv", "exit 0");

        await Assert.ThrowsAsync<ArgumentException>(
            () => Runner().RunAsync(new HookCommandRequest("argv", ["before\0after"])));
    }

    [Fact]
    public async Task RunAsync_ThisProcessIgnoresSigpipe_ToolStartsWithDefaultSignalsAndNothingBlocked()
    {
        // .NET ignores SIGPIPE; a tool that inherited that would not die when its reader goes
        // away. (The Process path does pass the ignored SIGPIPE on.)
        // Builtins only: an external grep would read /proc/$$/status while the shell (dash uses vfork) still blocks every
        // signal around starting it, which made this test flaky.
        WriteTool("signals", "while IFS= read -r line; do case \"$line\" in SigBlk:*|SigIgn:*) printf '%s\\n' \"$line\";; esac; done < /proc/$$/status");

        var result = await Runner().RunAsync(new HookCommandRequest("signals", []));

        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", result.Stdout);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ExecutableThatIsNotAProgram_ThrowsModelExceptionNamingTool(bool useProcessClass)
    {
        // Execute bit but no #! line: execve fails with ENOEXEC (posix_spawn does not retry with sh).
        var path = Path.Combine(_binDirectory, "no-shebang");
        File.WriteAllText(path, "echo hi\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var ex = await Assert.ThrowsAsync<ModelException>(
            () => Runner(useProcessClass).RunAsync(new HookCommandRequest("no-shebang", [])));

        Assert.Equal("no-shebang", ex.Tool);
        Assert.Null(ex.ExitCode);
        Assert.StartsWith("hook tool 'no-shebang' could not be started: ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_OutputStartsWithByteOrderMark_MarkIsDropped(bool useProcessClass)
    {
        WriteTool("bom", "printf '\\357\\273\\277{}'");

        var result = await Runner(useProcessClass).RunAsync(new HookCommandRequest("bom", []));

        Assert.Equal("{}", result.Stdout);
    }

    /// <summary>A little over 1 MiB of UTF-8 with two-, three- and four-byte characters, so some straddle pipe-buffer boundaries.</summary>
    private static string MegabyteOfText()
    {
        var text = new StringBuilder();
        var bytes = 0;
        for (var line = 0; bytes < 1 << 20; line++)
        {
            var next = string.Create(CultureInfo.InvariantCulture, $"line {line} é € 😀 end\n");
            text.Append(next);
            bytes += Encoding.UTF8.GetByteCount(next);
        }

        return text.ToString();
    }

    /// <summary>The pids a tool wrote to <paramref name="file"/>, once it exists.</summary>
    private static async Task<int[]> ReadPidsAsync(string file, Task run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(file))
        {
            Assert.False(run.IsCompleted, "the tool ended before it wrote its pids");
            Assert.True(DateTime.UtcNow < deadline, "the tool never wrote its pids");
            await Task.Delay(20);
        }

        return File.ReadAllText(file)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pid => int.Parse(pid, CultureInfo.InvariantCulture))
            .ToArray();
    }

    /// <summary>True once <paramref name="pid"/> is gone or a zombie (killed, not yet reaped by init); waits up to 10 s.</summary>
    private static async Task<bool> HasExitedAsync(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        do
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return true;
            }

            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return true;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }
}
