// `mlobs demo`: the main job of the README. Until the drift monitor lands it shows the charm half of
// MlObs: the sample charm, published Native AOT, dispatched through a unit's life by a local stand-in
// for the Juju unit agent (the fake hook tools), with every event, hook-tool call and status shown.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MlObs.Cli.Commands;

/// <summary>The <c>demo</c> verb.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary unit (charm dir, hook-tool log) and print where it is." };
        var noPublish = new Option<bool>("--no-publish") { Description = "Reuse the sample charm already published in artifacts/demo/ instead of publishing it again." };
        var command = new Command(
            "demo",
            "Publish the sample charm (tests/SampleCharm) Native AOT and dispatch it through install, config, a "
            + "database relation, a custom event, an action and a bad config, as Juju would, with local fake hook "
            + "tools standing in for the unit agent. Shows each event, the hook tools the charm called, how long the "
            + "dispatch took, and the status it set. Needs the .NET SDK; takes about a minute the first time.")
        {
            keep,
            noPublish,
        };
        command.SetAction((parseResult, cancellationToken) =>
            RunAsync(parseResult.GetValue(keep), parseResult.GetValue(noPublish), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool keep, bool noPublish, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            await errors.WriteLineAsync("mlobs demo: charms run on Linux; run the demo on a Linux machine.").ConfigureAwait(false);
            return 2;
        }

        var repo = RepositoryRoot.Find();
        if (repo is null)
        {
            await errors.WriteLineAsync("mlobs demo: run it from a checkout of the MlObs repository (no MlObs.sln found above this directory).").ConfigureAwait(false);
            return 2;
        }

        var publishDir = Path.Combine(repo, "artifacts", "demo", "sample-charm");
        var binary = Path.Combine(publishDir, "sample-charm");
        if (!noPublish || !File.Exists(binary))
        {
            await output.WriteLineAsync("Publishing the sample charm Native AOT (tests/SampleCharm → artifacts/demo/sample-charm) ...").ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            var publish = await LocalProcess.RunAsync(
                "dotnet",
                ["publish", Path.Combine(repo, "tests", "SampleCharm", "SampleCharm.csproj"), "-c", "Release", "-r", "linux-x64", "-o", publishDir, "-nologo", "-v", "quiet"],
                environment: null,
                workingDirectory: repo,
                cancellationToken).ConfigureAwait(false);
            if (publish.ExitCode != 0 || !File.Exists(binary))
            {
                await errors.WriteLineAsync($"mlobs demo: publishing the sample charm failed (exit {publish.ExitCode}):\n{publish.Stdout}{publish.Stderr}").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Published {new FileInfo(binary).Length / 1024} KiB in {watch.Elapsed.TotalSeconds:F0} s.")).ConfigureAwait(false);
        }

        using var unit = await LocalUnit.CreateAsync(repo, binary, Path.Combine(publishDir, "charmcraft.yaml"), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Unit {LocalUnit.UnitName} in {unit.Root} (JUJU_CHARM_DIR={unit.CharmDir})").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        var steps = DemoScenario.Steps;
        string? lastStatus = null;
        var durations = new List<double>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            unit.SetResponses(step.Responses);
            var result = await unit.DispatchAsync(step.DispatchPath, step.Environment, cancellationToken).ConfigureAwait(false);
            durations.Add(result.Elapsed.TotalMilliseconds);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1}/{steps.Count} {step.DispatchPath,-30} exit {result.ExitCode}  {result.Elapsed.TotalMilliseconds,6:F1} ms   {step.Why}")).ConfigureAwait(false);
            foreach (var call in result.Calls)
            {
                await output.WriteLineAsync("      " + call).ConfigureAwait(false);
                if (call.StartsWith("status-set --application=False ", StringComparison.Ordinal))
                {
                    lastStatus = call["status-set --application=False ".Length..];
                }
            }

            if (result.ExitCode != 0)
            {
                await errors.WriteLineAsync($"mlobs demo: {step.DispatchPath} failed:\n{result.Stderr}").ConfigureAwait(false);
                return 1;
            }
        }

        durations.Sort();
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"The charm handled {steps.Count} dispatches (median {durations[durations.Count / 2]:F1} ms each, hook-tool processes included).")).ConfigureAwait(false);
        await output.WriteLineAsync($"Unit status now: {lastStatus?.Replace(" -- ", ": ", StringComparison.Ordinal) ?? "(never set)"}").ConfigureAwait(false);
        await output.WriteLineAsync("Next: the drift monitor, Prometheus and Alertmanager join this demo as their issues land.").ConfigureAwait(false);
        if (keep)
        {
            unit.Keep();
            await output.WriteLineAsync($"Kept the unit at {unit.Root}; hook-tool calls are in {Path.Combine(unit.JujuDir, "calls.log")}.").ConfigureAwait(false);
        }

        return 0;
    }
}

/// <summary>One dispatch of the demo and the answers the fake unit agent gives during it.</summary>
internal sealed record DemoStep(string DispatchPath, string Why, IReadOnlyDictionary<string, string> Environment, IReadOnlyDictionary<string, string> Responses);

/// <summary>A unit's life in six dispatches.</summary>
internal static class DemoScenario
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    public static IReadOnlyList<DemoStep> Steps { get; } =
    [
        new("hooks/install", "the unit is installed", NoEnvironment, Config(8080)),
        new("hooks/config-changed", "the operator's config arrives", NoEnvironment, Config(8080)),
        new("hooks/db-relation-changed", "a database publishes its endpoint", new Dictionary<string, string>
        {
            ["JUJU_RELATION"] = "db",
            ["JUJU_RELATION_ID"] = "db:3",
            ["JUJU_REMOTE_APP"] = "postgresql",
            ["JUJU_REMOTE_UNIT"] = "postgresql/0",
        }, With(Config(8080), "relation-ids", """["db:3"]""", "relation-get", """{"endpoint":"10.1.2.3:5432"}""")),
        new("hooks/heartbeat", "a custom event (juju-exec ... JUJU_DISPATCH_PATH=hooks/heartbeat ./dispatch)", NoEnvironment, With(Config(8080), "relation-ids", """["db:3"]""")),
        new("actions/greet", "the operator runs `juju run sample-k8s/0 greet name=operator`", new Dictionary<string, string>
        {
            ["JUJU_ACTION_NAME"] = "greet",
            ["JUJU_ACTION_UUID"] = "1",
        }, With(Config(8080), "action-get", """{"name":"operator","fail":false}""")),
        new("hooks/config-changed", "the operator sets port=70000 by mistake", NoEnvironment, With(Config(70000), "relation-ids", """["db:3"]""")),
    ];

    private static Dictionary<string, string> Config(int port) =>
        new(StringComparer.Ordinal) { ["config-get"] = string.Create(CultureInfo.InvariantCulture, $$"""{"log-level":"info","port":{{port}}}""") };

    private static Dictionary<string, string> With(Dictionary<string, string> responses, params string[] toolAndAnswer)
    {
        for (var i = 0; i + 1 < toolAndAnswer.Length; i += 2)
        {
            responses[toolAndAnswer[i]] = toolAndAnswer[i + 1];
        }

        return responses;
    }
}

/// <summary>Finds the repository checkout from the working directory or from where mlobs runs.</summary>
internal static class RepositoryRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}

/// <summary>What one dispatch did.</summary>
internal sealed record DispatchResult(int ExitCode, TimeSpan Elapsed, IReadOnlyList<string> Calls, string Stderr);

/// <summary>
/// A throw-away unit: a charm dir with the published charm as <c>dispatch</c>, the fake hook tools
/// (tools/fake-hook-tools) first on PATH, and their FAKE_JUJU_DIR (answers in, calls out).
/// </summary>
internal sealed class LocalUnit : IDisposable
{
    public const string UnitName = "sample-k8s/0";
    private bool _keep;

    private LocalUnit(string root)
    {
        Root = root;
        ToolsDir = Path.Combine(root, "tools");
        CharmDir = Directory.CreateDirectory(Path.Combine(root, "charm")).FullName;
        JujuDir = Directory.CreateDirectory(Path.Combine(root, "juju")).FullName;
        Directory.CreateDirectory(Path.Combine(JujuDir, "responses"));
    }

    public string Root { get; }

    public string ToolsDir { get; }

    public string CharmDir { get; }

    public string JujuDir { get; }

    public static async Task<LocalUnit> CreateAsync(string repo, string binary, string metadata, CancellationToken cancellationToken)
    {
        var unit = new LocalUnit(Directory.CreateTempSubdirectory("mlobs-demo-").FullName);
        var install = await LocalProcess.RunAsync("/bin/sh", [Path.Combine(repo, "tools", "fake-hook-tools", "install.sh"), unit.ToolsDir], null, repo, cancellationToken).ConfigureAwait(false);
        if (install.ExitCode != 0)
        {
            unit.Dispose();
            throw new InvalidOperationException($"installing the fake hook tools failed: {install.Stderr}");
        }

        var dispatch = Path.Combine(unit.CharmDir, "dispatch");
        File.Copy(binary, dispatch);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("charm dirs are laid out on Linux");
        }

        File.SetUnixFileMode(dispatch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.Copy(metadata, Path.Combine(unit.CharmDir, "charmcraft.yaml"));
        return unit;
    }

    public void SetResponses(IReadOnlyDictionary<string, string> responses)
    {
        var dir = Path.Combine(JujuDir, "responses");
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            File.Delete(file);
        }

        foreach (var (tool, answer) in responses)
        {
            File.WriteAllText(Path.Combine(dir, tool), answer);
        }
    }

    public async Task<DispatchResult> DispatchAsync(string dispatchPath, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken)
    {
        var log = Path.Combine(JujuDir, "calls.log");
        File.Delete(log);
        var isAction = dispatchPath.StartsWith("actions/", StringComparison.Ordinal);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = ToolsDir + ":/usr/bin:/bin",
            ["FAKE_JUJU_DIR"] = JujuDir,
            ["JUJU_DISPATCH_PATH"] = dispatchPath,
            ["JUJU_HOOK_NAME"] = isAction ? string.Empty : dispatchPath[(dispatchPath.LastIndexOf('/') + 1)..],
            ["JUJU_UNIT_NAME"] = UnitName,
            ["JUJU_MODEL_NAME"] = "mlobs-demo",
            ["JUJU_MODEL_UUID"] = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
            ["JUJU_VERSION"] = "3.6.8",
            ["JUJU_CHARM_DIR"] = CharmDir,
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        var watch = Stopwatch.StartNew();
        var result = await LocalProcess.RunAsync(Path.Combine(CharmDir, "dispatch"), [], environment, CharmDir, cancellationToken).ConfigureAwait(false);
        watch.Stop();
        return new DispatchResult(result.ExitCode, watch.Elapsed, ReadCalls(log), result.Stderr);
    }

    public void Keep() => _keep = true;

    public void Dispose()
    {
        if (!_keep && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static List<string> ReadCalls(string log)
    {
        if (!File.Exists(log))
        {
            return [];
        }

        // The fake tools end each field with \x1f and each call with \x1e\n; a stdin capture is a
        // last field "stdin=<file>", shown here as what was piped in.
        var calls = new List<string>();
        foreach (var record in File.ReadAllText(log, Encoding.UTF8).Split("\u001e\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = record.Split('\u001f').SkipLast(1).ToList();
            var stdin = fields.Count > 0 && fields[^1].StartsWith("stdin=", StringComparison.Ordinal) ? File.ReadAllText(fields[^1]["stdin=".Length..]).Trim() : null;
            if (stdin is not null)
            {
                fields.RemoveAt(fields.Count - 1);
            }

            var line = string.Join(' ', fields.Select(Quote));
            calls.Add(stdin is null ? line : $"{line} <<< {stdin}");
        }

        return calls;
    }

    private static string Quote(string field) =>
        field.Length > 0 && field.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:,".Contains(c, StringComparison.Ordinal)) ? field : "'" + field.Replace("'", "'\\''", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "'";
}

/// <summary>A finished child process.</summary>
internal sealed record LocalProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a child process to completion, with an exact environment when one is given.</summary>
internal static class LocalProcess
{
    public static async Task<LocalProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            startInfo.Environment.Clear();
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return new LocalProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
