// `mlobs demo`: the main job of the README. Until the drift monitor lands it shows the charm half of
// MlObs: the sample charm, published Native AOT, dispatched through a unit's life in a LocalUnit
// (MlObs.Ops.Testing: the fake hook tools stand in for the Juju unit agent), with every event,
// hook-tool call and status shown.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MlObs.Ops.Testing;

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
            var publish = await ChildProcess.RunAsync(
                ChildProcess.Dotnet,
                ["publish", Path.Combine(repo, "tests", "SampleCharm", "SampleCharm.csproj"), "-c", "Release", "-r", "linux-x64", "-o", publishDir, "-nologo", "-v", "quiet"],
                ChildProcess.EnvironmentForDotnet(),
                repo,
                timeout: TimeSpan.FromMinutes(15),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (publish.ExitCode != 0 || !File.Exists(binary))
            {
                await errors.WriteLineAsync($"mlobs demo: publishing the sample charm failed (exit {publish.ExitCode}):\n{publish.Stdout}{publish.Stderr}").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Published {new FileInfo(binary).Length / 1024} KiB in {watch.Elapsed.TotalSeconds:F0} s.")).ConfigureAwait(false);
        }

        using var unit = await LocalUnit.CreateAsync(modelName: "mlobs-demo", cancellationToken: cancellationToken).ConfigureAwait(false);
        unit.InstallCharm(binary, Path.Combine(publishDir, "charmcraft.yaml"));
        await output.WriteLineAsync($"Unit {unit.UnitName} in {unit.Root} (JUJU_CHARM_DIR={unit.CharmDir})").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        var steps = DemoScenario.Steps;
        string? lastStatus = null;
        var durations = new List<double>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            unit.Reset();
            foreach (var (tool, answer) in step.Responses)
            {
                unit.Respond(tool, answer);
            }

            var watch = Stopwatch.StartNew();
            var result = await unit.DispatchAsync(step.DispatchPath, step.Environment, cancellationToken).ConfigureAwait(false);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            durations.Add(elapsed);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1}/{steps.Count} {step.DispatchPath,-30} exit {result.ExitCode}  {elapsed,6:F1} ms   {step.Why}")).ConfigureAwait(false);
            foreach (var call in unit.Calls())
            {
                await output.WriteLineAsync("      " + call).ConfigureAwait(false);
                if (call is { Tool: "status-set", Args: ["--application=False", var status, "--", var message] })
                {
                    lastStatus = $"{status}: {message}";
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
        await output.WriteLineAsync($"Unit status now: {lastStatus ?? "(never set)"}").ConfigureAwait(false);
        await output.WriteLineAsync("Next: the drift monitor, Prometheus and Alertmanager join this demo as their issues land.").ConfigureAwait(false);
        if (keep)
        {
            unit.Keep = true;
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
