// CharmRunner: the out-of-process emulator behind `mlobs charm run`. It plays Juju's unit agent for
// one hook: checks the state against the charm's metadata, serves the hook tools from a UnitAgent over
// a unix socket (mlobs-jujuc links first on PATH), starts a fake Pebble per connectable container,
// runs the charm's dispatch with the hook's environment, and commits the agent's buffered effects
// only when the hook exits 0 (ops-contract §1.1).
using System.ComponentModel;
using System.Diagnostics;
using MlObs.Ops.HookTools.Rpc;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Testing.Pebble;
using MlObs.Ops.Testing.State;
using ExecRequest = MlObs.Ops.Testing.Pebble.ExecRequest;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>What to run: a charm dir, the state it sees and the event.</summary>
public sealed record CharmRunOptions
{
    /// <summary>The charm dir: holds <c>dispatch</c> (or <c>hooks/</c>, <c>actions/</c>) and the metadata.</summary>
    public required string CharmDir { get; init; }

    /// <summary>The state before the hook.</summary>
    public required UnitState State { get; init; }

    /// <summary>The event to dispatch.</summary>
    public required EventSpec Event { get; init; }

    /// <summary>The <c>mlobs-jujuc</c> executable every hook tool links to.</summary>
    public required string HookToolClient { get; init; }

    /// <summary>The unit number: the unit is <c>&lt;charm name&gt;/&lt;n&gt;</c>.</summary>
    public int UnitNumber { get; init; }

    /// <summary>The application's name; the charm's name when null.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The Juju version the hook sees.</summary>
    public string JujuVersion { get; init; } = "3.6.8";

    /// <summary>The action id, for actions.</summary>
    public string ActionId { get; init; } = UnitAgent.DefaultActionId;

    /// <summary>How long the hook may run before it is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Run even when the state is inconsistent with the metadata (errors become warnings).</summary>
    public bool SkipConsistencyChecks { get; init; }

    /// <summary>Variables added to (or replacing) the hook's environment.</summary>
    public IReadOnlyDictionary<string, string>? ExtraEnvironment { get; init; }

    /// <summary>The clock of the agent and the fake Pebbles.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>What a hook did.</summary>
public sealed record CharmRunResult
{
    /// <summary>The state after the hook: committed effects when it exited 0, the immediate ones only otherwise.</summary>
    public required UnitState State { get; init; }

    /// <summary>The side effects: juju-log lines, status histories, action results, hook-tool calls.</summary>
    public required HookRecords Records { get; init; }

    /// <summary>The hook's exit code.</summary>
    public required int ExitCode { get; init; }

    /// <summary>What the hook wrote to stdout (Juju logs it at DEBUG).</summary>
    public required string Stdout { get; init; }

    /// <summary>What the hook wrote to stderr (Juju logs it at WARNING).</summary>
    public required string Stderr { get; init; }

    /// <summary>
    /// Wall time of the charm process alone: from just before it is started to the moment its exit is reaped
    /// (<see cref="ProcessResult.Ran"/>), without the emulator's own work before the start and after the reap.
    /// </summary>
    public required double DispatchSeconds { get; init; }

    /// <summary>Commands run in each container, by container name.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ExecRequest>> ExecHistory { get; init; }

    /// <summary>Consistency warnings, and anything that made the run less faithful than Juju (e.g. no Pebble path).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>Bad input to a run (no charm dir, no handler, bad metadata, an inconsistent state): one line that says what to fix.</summary>
public sealed class CharmRunException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CharmRunException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public CharmRunException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public CharmRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Runs one hook of a charm out of process, as Juju's unit agent would.</summary>
public static class CharmRunner
{
    // The hook context of the warm-up's calls, answered by a throwaway agent until the hook runs.
    private const string WarmUpContextId = "mlobs-emulator-warm-up";

    /// <summary>Loads the charm's metadata from its dir (<c>charmcraft.yaml</c>, or <c>metadata.yaml</c> with <c>config.yaml</c> and <c>actions.yaml</c>).</summary>
    /// <param name="charmDir">The charm dir.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="CharmRunException">No such dir, or the metadata is missing or invalid.</exception>
    public static CharmMeta LoadMetadata(string charmDir)
    {
        ArgumentNullException.ThrowIfNull(charmDir);
        if (!Directory.Exists(charmDir))
        {
            throw new CharmRunException($"charm dir {charmDir} does not exist");
        }

        try
        {
            return CharmMeta.Load(charmDir);
        }
        catch (Exception e) when (e is CharmMetaException or IOException or FileNotFoundException)
        {
            throw new CharmRunException($"cannot read the charm's metadata in {charmDir}: {e.Message}", e);
        }
    }

    /// <summary>The program Juju would run for <paramref name="event"/>: <c>dispatch</c> if present, else <c>hooks/&lt;name&gt;</c> or <c>actions/&lt;name&gt;</c>.</summary>
    /// <param name="charmDir">The charm dir.</param>
    /// <param name="event">The event.</param>
    /// <returns>The handler's path.</returns>
    /// <exception cref="CharmRunException">There is none.</exception>
    public static string FindHandler(string charmDir, EventSpec @event)
    {
        ArgumentNullException.ThrowIfNull(charmDir);
        var dispatch = Path.Combine(charmDir, "dispatch");
        if (File.Exists(dispatch))
        {
            return dispatch;
        }

        // ops-contract §1.1: without dispatch Juju falls back to the explicit hook or action file.
        var explicitHandler = Path.Combine(charmDir, HookEnvironment.DispatchPath(@event));
        return File.Exists(explicitHandler)
            ? explicitHandler
            : throw new CharmRunException($"charm dir {charmDir} has no dispatch (nor {HookEnvironment.DispatchPath(@event)}); is it a packed charm or a charm project?");
    }

    /// <summary>Runs the hook and returns the resulting state and records.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Cancels the run and kills the hook.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CharmRunException">Bad input: no handler, bad metadata, an inconsistent state, a hook that timed out.</exception>
    public static async Task<CharmRunResult> RunAsync(CharmRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var charmDir = Path.GetFullPath(options.CharmDir);
        var meta = LoadMetadata(charmDir);
        var handler = FindHandler(charmDir, options.Event);
        var warnings = CheckConsistency(meta, options);
        if (!File.Exists(options.HookToolClient))
        {
            throw new CharmRunException($"the hook-tool client {options.HookToolClient} does not exist; publish tools/MlObs.JujuC first");
        }

        var agent = new UnitAgent(meta, options.State, options.Event, new UnitAgentOptions
        {
            UnitNumber = options.UnitNumber,
            ApplicationName = options.ApplicationName,
            TimeProvider = options.TimeProvider,
            JujuVersion = options.JujuVersion,
            ActionId = options.ActionId,
        });

        var runDir = Directory.CreateTempSubdirectory("mlobs-run-").FullName;
        try
        {
            return await RunInAsync(runDir, charmDir, handler, meta, agent, options, warnings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(runDir);
        }
    }

    private static List<string> CheckConsistency(CharmMeta meta, CharmRunOptions options)
    {
        var report = StateConsistency.Check(meta, options.State, options.Event);
        if (!report.IsConsistent && !options.SkipConsistencyChecks)
        {
            throw new CharmRunException("inconsistent state: " + string.Join("; ", report.Errors));
        }

        return [.. report.Errors.Select(e => $"inconsistent (checks skipped): {e}"), .. report.Warnings];
    }

    private static async Task<CharmRunResult> RunInAsync(
        string runDir, string charmDir, string handler, CharmMeta meta, UnitAgent agent, CharmRunOptions options, List<string> warnings,
        CancellationToken cancellationToken)
    {
        var contextId = $"{agent.UnitName}-{HookEnvironment.HookName(options.Event)}-{Environment.ProcessId}";
        var toolsDir = Path.Combine(runDir, "tools");
        await HookToolInstaller.InstallAsync(toolsDir, options.HookToolClient, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Until the warm-up is over, a throwaway agent answers the warm-up's context on the same socket.
        UnitAgent? warmAgent = new(meta, options.State, options.Event, new UnitAgentOptions
        {
            UnitNumber = options.UnitNumber,
            ApplicationName = options.ApplicationName,
            TimeProvider = options.TimeProvider,
            JujuVersion = options.JujuVersion,
            ActionId = options.ActionId,
        });
        await using var server = HookToolServer.Start(
            (call, _) => Task.FromResult(
                call.ContextId == contextId ? agent.Call(call.Tool, call.Args, call.Stdin, call.WorkingDirectory)
                : call.ContextId == WarmUpContextId && Volatile.Read(ref warmAgent) is { } warm ? warm.Call(call.Tool, call.Args, call.Stdin, call.WorkingDirectory)
                : HookToolReply.Error($"bad request: unknown hook context \"{call.ContextId}\"")),
            Path.Combine(runDir, "agent.socket"));

        WarmUp(meta, options, server, agent.UnitName);
        Volatile.Write(ref warmAgent, null);
        if (options.State.Containers.Any(c => c.CanConnect))
        {
            await WarmUpPebbleAsync(runDir, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        var charmRoot = Path.Combine(runDir, "charm");
        await using var containers = await WorkloadContainers.StartAsync(
            options.State.Containers,
            name => Path.Combine(Directory.CreateDirectory(Path.Combine(charmRoot, "containers", name)).FullName, "pebble.socket"),
            options.TimeProvider,
            cancellationToken).ConfigureAwait(false);
        CharmContainersMount? mount = null;
        try
        {
            if (options.State.Containers.Any(c => c.CanConnect))
            {
                (mount, var whyNot) = await CharmContainersMount.TryCreateAsync(charmRoot, cancellationToken).ConfigureAwait(false);
                if (whyNot is not null)
                {
                    warnings.Add($"the fake Pebble sockets are not at /charm/containers/<name>/pebble.socket, so the charm cannot reach its containers: {whyNot}");
                }
            }

            var environment = HookEnvironment.Build(meta, options.State, options.Event, new HookSite(
                charmDir, agent.UnitName, options.JujuVersion, contextId, server.SocketPath, toolsDir, options.ActionId));
            foreach (var (name, value) in options.ExtraEnvironment ?? new Dictionary<string, string>())
            {
                environment[name] = value;
            }

            // With a namespace, dispatch is forked from its thread; without, from the caller's.
            Func<ProcessStartInfo, Process?>? start = mount is null ? null : mount.Start;
            await WarmUpSpawnAsync(environment, charmDir, start, cancellationToken).ConfigureAwait(false);
            ProcessResult process;
            try
            {
                process = await ChildProcess.RunAsync(handler, [], environment, charmDir, stdin: null, options.Timeout, start, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Win32Exception e)
            {
                // Juju runs the handler with exec; one that cannot be executed fails the hook (§1.1).
                throw new CharmRunException($"cannot run {handler}: {e.Message} (is it executable?)", e);
            }
            catch (TimeoutException)
            {
                throw new CharmRunException($"{HookEnvironment.DispatchPath(options.Event)} did not finish within {options.Timeout.TotalSeconds:0} s and was killed");
            }

            var state = process.ExitCode == 0 ? agent.Commit() : agent.Abandon();
            state = state with { Containers = containers.Capture() };
            return new CharmRunResult
            {
                State = state,
                Records = agent.Records,
                ExitCode = process.ExitCode,
                Stdout = process.Stdout,
                Stderr = process.Stderr,
                DispatchSeconds = process.Ran.TotalSeconds,
                ExecHistory = containers.ExecHistory,
                Warnings = warnings,
            };
        }
        finally
        {
            mount?.Dispose();
        }
    }

    // Starting a process, reading its output to the end and waiting for its exit run .NET code that
    // is JIT-compiled on first use (Process.Start, the pipe streams, the SIGCHLD wait), a few
    // milliseconds that dispatch_seconds would count against the charm. The same path, from the same
    // thread, runs `true` first, untimed. Nothing to warm when there is no `true` on PATH.
    private static async Task WarmUpSpawnAsync(
        IReadOnlyDictionary<string, string> environment, string workingDirectory, Func<ProcessStartInfo, Process?>? start, CancellationToken cancellationToken)
    {
        var program = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "true"))
            .FirstOrDefault(File.Exists);
        if (program is null)
        {
            return;
        }

        try
        {
            _ = await ChildProcess.RunAsync(program, [], environment, workingDirectory, stdin: null, TimeSpan.FromSeconds(30), start, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or TimeoutException)
        {
            // A `true` that cannot run only leaves the path cold; the hook itself reports real failures.
        }
    }

    // The emulator is a fresh process per run in `mlobs charm run`: the first call of each tool would
    // pay for JIT-compiling the connection thread, the gob codec, the handler and the tool, and
    // dispatch_seconds would count it against the charm, while Juju's agent is a long-running process.
    // A throwaway agent (same metadata and state) answers, untimed, the calls a charm typically makes, on
    // the run's own socket and the way a charm makes them: several calls on one connection, a few asked
    // at once, relations by their real endpoints and ids, a tool that wants stdin.
    private static void WarmUp(CharmMeta meta, CharmRunOptions options, HookToolServer server, string warmAgentUnit)
    {
        List<string[]> calls =
        [
            ["state-get", "--format=json"], ["config-get", "--format=json"], ["is-leader", "--format=json"], ["opened-ports", "--format=json"],
            ["status-get", "--include-data", "--format=json", "--application=false"], ["goal-state", "--format=json"],
            ["secret-ids", "--format=json"], ["storage-list", "--format=json"], ["network-get", "--format=json", "juju-info"],
            ["action-get", "--format=json"], ["juju-log", "--log-level", "INFO", "--", "warm"],
        ];
        foreach (var endpoint in meta.Relations.Keys)
        {
            calls.Add(["relation-ids", endpoint, "--format=json"]);
        }

        foreach (var relation in options.State.Relations)
        {
            var id = $"{relation.Endpoint}:{relation.Id}";
            calls.Add(["relation-list", "--format=json", "-r", id]);
            calls.Add(["relation-get", "--format=json", "-r", id, "-", warmAgentUnit]);
            calls.Add(["relation-get", "--format=json", "-r", id, "--app", "-", relation.RemoteAppName]);
        }

        foreach (var status in new[] { "active", "blocked", "maintenance", "waiting" })
        {
            calls.Add(["status-set", "--application=False", status, "--", $"{status}: warming the agent up"]);
        }

        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(server.SocketPath));
        using var stream = new System.Net.Sockets.NetworkStream(socket);
        var client = new JujucRpcClient(stream);
        var dir = Path.GetFullPath(options.CharmDir);
        // The probe and a few reads asked at once, as a charm's client sends them when it starts.
        var first = client.Send([JujucRpcClient.ProbeRequest(WarmUpContextId), .. calls.Take(3).Select(c => Request(c))]);
        for (var seq = first; seq < first + 4; seq++)
        {
            _ = client.Receive(seq);
        }

        foreach (var call in calls.Skip(3))
        {
            _ = client.Run(Request(call), () => []);
        }

        // Tools that take JSON on stdin, which they ask for with an RPC error first.
        foreach (var relation in options.State.Relations.Take(1))
        {
            _ = client.Run(Request(["relation-set", "-r", $"{relation.Endpoint}:{relation.Id}", "--file", "-"]), () => "{\"warm\": \"up\"}"u8.ToArray());
        }

        _ = client.Run(Request(["state-set", "--file", "-"]), () => "{\"warm\": \"up\"}"u8.ToArray());

        JujucRequest Request(string[] call) => new(WarmUpContextId, dir, call[0], call[1..], null);
    }

    // The fake Pebble is Kestrel in this process: its first requests JIT-compile the server's
    // pipeline and the API handlers, which took 0.2-0.7 s here, and dispatch_seconds would count that
    // against the charm, while Juju's Pebble is a long-running daemon that answers in a millisecond.
    // A throwaway server with its own files and plan answers the usual calls first, untimed; the
    // containers of the run are never touched.
    private static async Task WarmUpPebbleAsync(string runDir, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var socket = Path.Combine(Directory.CreateDirectory(Path.Combine(runDir, "warm-up")).FullName, "pebble.socket");
        await using var pebble = await FakePebbleServer.StartAsync(new FakePebbleServerOptions { SocketPath = socket, TimeProvider = timeProvider }, cancellationToken)
            .ConfigureAwait(false);
        using var client = new PebbleClient(socket, timeProvider: timeProvider);
        _ = await client.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
        await client.PushAsync("/etc/warm-up/file", "warm", new PushOptions { MakeDirs = true, Permissions = "644" }, cancellationToken).ConfigureAwait(false);
        _ = await client.PullTextAsync("/etc/warm-up/file", cancellationToken).ConfigureAwait(false);
        _ = await client.ListFilesAsync("/etc/warm-up", cancellationToken: cancellationToken).ConfigureAwait(false);
        var plan = await client.GetPlanAsync(cancellationToken).ConfigureAwait(false);
        var layer = new Layer
        {
            Services = new Dictionary<string, Service>(StringComparer.Ordinal)
            {
                ["warm-up"] = new() { Override = Override.Replace, Command = "/bin/true", Startup = StartupMode.Enabled },
            },
            Checks = new Dictionary<string, Check>(StringComparer.Ordinal)
            {
                ["warm-up"] = new() { Override = Override.Replace, Level = CheckLevel.Ready, Http = new HttpCheck { Url = "http://localhost:1/" } },
            },
        };
        if (!plan.Includes(layer))
        {
            await client.AddLayerAsync("warm-up", layer, combine: true, cancellationToken).ConfigureAwait(false);
            _ = await client.ReplanAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _ = await client.GetServicesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _ = await client.GetChecksAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp dir is not worth failing the run for.
        }
    }
}
