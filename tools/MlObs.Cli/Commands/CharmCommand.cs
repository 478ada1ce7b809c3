// `mlobs charm run`: the hook-tool emulator on the command line. It reads a state document, resolves
// the event, runs the charm's dispatch as Juju's unit agent would (MlObs.Ops.Testing.Emulator) and
// writes the resulting state with the run's records. Bad input is one line on stderr and exit 2.
using System.CommandLine;
using System.Globalization;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Testing.State;

namespace MlObs.Cli.Commands;

/// <summary>The <c>charm</c> verb and its sub-commands.</summary>
internal static class CharmCommand
{
    public static Command Create()
    {
        var command = new Command("charm", "Work with charms: run one hook of a charm locally against a declared state.")
        {
            CreateRun(),
            CharmPackCommand.Create(),
        };
        return command;
    }

    private static Command CreateRun()
    {
        var charmDir = new Argument<DirectoryInfo>("CHARM_DIR") { Description = "The charm dir: a packed or unpacked charm with dispatch (or hooks/) and charmcraft.yaml or metadata.yaml." };
        var @event = new Option<string?>("--event", "-e") { Description = "The Juju hook to run: install, config-changed, db-relation-changed, workload-pebble-ready, greet-action, ..." };
        var stateIn = new Option<FileInfo?>("--state", "-s") { Description = "The state before the hook (JSON, docs/emulator-state.md); an empty state when left out." };
        var stateOut = new Option<string>("--out", "-o") { Description = "Where to write the resulting state and the run's records; '-' for stdout.", DefaultValueFactory = _ => "-" };
        var relationId = new Option<int?>("--relation-id") { Description = "The relation of a relation event (needed when the state has several on the endpoint)." };
        var remoteUnit = new Option<string?>("--remote-unit") { Description = "The remote unit (app/N) of relation joined, changed and departed; the relation's first by default." };
        var departingUnit = new Option<string?>("--departing-unit") { Description = "The departing unit of relation-departed; the remote unit by default." };
        var container = new Option<string?>("--container") { Description = "The container of a workload event (checked against the event name)." };
        var noticeId = new Option<string?>("--notice-id") { Description = "The notice of a pebble-custom-notice event (needed when the container has several)." };
        var check = new Option<string?>("--check") { Description = "The check of a pebble-check-failed/recovered event (needed when the container has several)." };
        var action = new Option<string?>("--action") { Description = "Run this action instead of a hook." };
        var parameters = new Option<string?>("--params") { Description = "The action's parameters as a JSON object, e.g. '{\"name\": \"Ada\"}'." };
        var secret = new Option<string?>("--secret") { Description = "The secret (URI or label) of a secret event (needed when the state has several)." };
        var secretRevision = new Option<int?>("--secret-revision") { Description = "The revision of secret-remove/secret-expired; the latest by default." };
        var storageIndex = new Option<int?>("--storage-index") { Description = "The storage instance of a storage event (default 0)." };
        var custom = new Option<bool>("--custom") { Description = "Dispatch an event the metadata does not declare as a custom event (hooks/<name>)." };
        var appName = new Option<string?>("--app-name") { Description = "The application's name (juju deploy CHARM APP); the charm's name by default." };
        var unitNumber = new Option<int>("--unit-number") { Description = "The unit number: the unit is <charm>/<n>.", DefaultValueFactory = _ => 0 };
        var jujuVersion = new Option<string>("--juju-version") { Description = "The JUJU_VERSION the hook sees.", DefaultValueFactory = _ => "3.6.8" };
        var environment = new Option<string[]>("--env") { Description = "Extra environment for the hook, NAME=VALUE; repeatable.", AllowMultipleArgumentsPerToken = false };
        var timeout = new Option<int>("--timeout") { Description = "Seconds the hook may run before it is killed.", DefaultValueFactory = _ => 300 };
        var skipChecks = new Option<bool>("--skip-consistency-checks") { Description = "Run even if the state contradicts the charm's metadata (the problems become warnings)." };
        var hookTools = new Option<FileInfo?>("--hook-tool-client") { Description = "The mlobs-jujuc executable to link the hook tools to; found next to mlobs, on PATH, or published from the repository by default." };

        var command = new Command(
            "run",
            "Run one hook of a charm as Juju's unit agent would, from a state document to the resulting state. The charm's "
            + "dispatch runs as a child process in its charm dir with the hook's full Juju environment; every hook tool "
            + "(relation-get, status-set, secret-add, ...) is served from the state with Juju's outputs and errors; each "
            + "container that can connect gets a fake Pebble at /charm/containers/<name>/pebble.socket (in a private mount "
            + "namespace; needs root). Effects are committed only if the hook exits 0. The output adds juju_log, status "
            + "histories, action results, exit_code, stderr and dispatch_seconds to the state. Exit code: 0 when the hook "
            + "succeeded, 1 when it failed, 2 on bad input.")
        {
            charmDir, @event, stateIn, stateOut, relationId, remoteUnit, departingUnit, container, noticeId, check, action,
            parameters, secret, secretRevision, storageIndex, custom, appName, unitNumber, jujuVersion, environment, timeout, skipChecks, hookTools,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new EventRequest
            {
                Event = parse.GetValue(@event),
                RelationId = parse.GetValue(relationId),
                RemoteUnit = parse.GetValue(remoteUnit),
                DepartingUnit = parse.GetValue(departingUnit),
                Container = parse.GetValue(container),
                NoticeId = parse.GetValue(noticeId),
                CheckName = parse.GetValue(check),
                Action = parse.GetValue(action),
                Params = parse.GetValue(parameters),
                Secret = parse.GetValue(secret),
                SecretRevision = parse.GetValue(secretRevision),
                StorageIndex = parse.GetValue(storageIndex),
                AllowCustom = parse.GetValue(custom),
            };
            var run = new RunArguments(
                parse.GetValue(charmDir)!.FullName,
                parse.GetValue(stateIn)?.FullName,
                parse.GetValue(stateOut)!,
                request,
                parse.GetValue(appName),
                parse.GetValue(unitNumber),
                parse.GetValue(jujuVersion)!,
                parse.GetValue(environment) ?? [],
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                parse.GetValue(skipChecks),
                parse.GetValue(hookTools)?.FullName);
            try
            {
                return await RunAsync(run, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CharmRunException or StateFormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"mlobs charm run: {OneLine(e.Message)}").ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }

    private sealed record RunArguments(
        string CharmDir,
        string? StateIn,
        string StateOut,
        EventRequest Request,
        string? AppName,
        int UnitNumber,
        string JujuVersion,
        string[] Environment,
        TimeSpan Timeout,
        bool SkipChecks,
        string? HookToolClient);

    private static async Task<int> RunAsync(RunArguments run, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var meta = CharmRunner.LoadMetadata(run.CharmDir);
        var state = run.StateIn is null ? UnitState.Empty : ReadState(run.StateIn);
        var spec = run.Request.Resolve(meta, state);
        var client = run.HookToolClient ?? await HookToolClient.FindAsync(errors, cancellationToken).ConfigureAwait(false);
        var result = await CharmRunner.RunAsync(
            new CharmRunOptions
            {
                CharmDir = run.CharmDir,
                State = state,
                Event = spec,
                HookToolClient = client,
                ApplicationName = run.AppName,
                UnitNumber = run.UnitNumber,
                JujuVersion = run.JujuVersion,
                Timeout = run.Timeout,
                SkipConsistencyChecks = run.SkipChecks,
                ExtraEnvironment = ParseEnvironment(run.Environment),
            },
            cancellationToken).ConfigureAwait(false);

        var json = CharmRunOutput.Write(result);
        if (run.StateOut == "-")
        {
            await output.WriteAsync(json).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(run.StateOut, json, cancellationToken).ConfigureAwait(false);
        }

        foreach (var warning in result.Warnings)
        {
            await errors.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        var status = result.State.UnitStatus;
        var statusText = status.Message.Length > 0 ? $"{status.Name}: {status.Message}" : status.Name;
        var written = run.StateOut == "-" ? string.Empty : $"; wrote {run.StateOut}";
        await errors.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{HookEnvironment.DispatchPath(spec)}: exit {result.ExitCode} in {result.DispatchSeconds * 1000:0.0} ms, {result.Records.Calls.Count} hook-tool calls, unit {statusText}{written}"))
            .ConfigureAwait(false);
        if (result.ExitCode != 0 && result.Stderr.Length > 0)
        {
            await errors.WriteLineAsync("hook stderr (last lines):").ConfigureAwait(false);
            foreach (var line in result.Stderr.TrimEnd().Split('\n').TakeLast(10))
            {
                await errors.WriteLineAsync("  " + line).ConfigureAwait(false);
            }
        }

        return result.ExitCode == 0 ? 0 : 1;
    }

    private static UnitState ReadState(string path)
    {
        if (!File.Exists(path))
        {
            throw new CharmRunException($"state file {path} does not exist");
        }

        // StateJson.ReadFile names the file and the JSON path in its errors.
        return StateJson.ReadFile(path);
    }

    private static Dictionary<string, string> ParseEnvironment(string[] pairs)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CharmRunException($"--env {pair}: expected NAME=VALUE");
            }

            environment[pair[..equals]] = pair[(equals + 1)..];
        }

        return environment;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
