// Context<TCharm>: the in-process state-transition harness (Scenario's `testing.Context`). One run =
// the charm's real CharmHost dispatch, in this process, with its hook tools answered by a UnitAgent
// (no processes, no sockets) and a fake Pebble per connectable container, from an input UnitState
// to an output UnitState plus the side-effect records.
using System.Text.Json;
using MlObs.Ops.HookTools;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;
using ExecRequest = MlObs.Ops.Testing.Pebble.ExecRequest;

namespace MlObs.Ops.Testing;

/// <summary>Settings of a <see cref="Context{TCharm}"/>.</summary>
public sealed record ContextOptions
{
    /// <summary>The unit number: the unit is <c>&lt;charm&gt;/&lt;n&gt;</c>.</summary>
    public int UnitNumber { get; init; }

    /// <summary>The application's name; the charm's name when null.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The Juju version the charm sees.</summary>
    public string JujuVersion { get; init; } = "3.6.8";

    /// <summary>The clock of the framework, the agent and the fake Pebbles.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Skip the consistency checks (Scenario's <c>SCENARIO_SKIP_CONSISTENCY_CHECKS</c>).</summary>
    public bool SkipConsistencyChecks { get; init; }
}

/// <summary>
/// Runs a charm in this process from a state to a state, as Scenario's <c>Context</c> does:
/// <code>
/// var ctx = new Context&lt;MyCharm&gt;(f =&gt; new MyCharm(f), "path/to/charm");
/// var after = ctx.Run(ctx.On.PebbleReady(container), state);
/// </code>
/// The records of the last run (<see cref="JujuLog"/>, <see cref="UnitStatusHistory"/>,
/// <see cref="ActionResults"/>, …) stay on the context until the next run.
/// </summary>
/// <typeparam name="TCharm">The charm type.</typeparam>
public sealed class Context<TCharm>
    where TCharm : CharmBase
{
    private readonly Func<Framework, TCharm> _createCharm;
    private readonly string _charmDir;
    private readonly ContextOptions _options;

    /// <summary>Creates a context for the charm whose metadata (<c>charmcraft.yaml</c>, or <c>metadata.yaml</c> and friends) is in <paramref name="charmDir"/>.</summary>
    /// <param name="createCharm">Builds the charm on a dispatch's framework.</param>
    /// <param name="charmDir">The directory holding the charm's metadata.</param>
    /// <param name="options">Unit number, Juju version, clock.</param>
    /// <exception cref="CharmMetaException">The metadata is missing or invalid.</exception>
    public Context(Func<Framework, TCharm> createCharm, string charmDir, ContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(createCharm);
        ArgumentNullException.ThrowIfNull(charmDir);
        _createCharm = createCharm;
        _charmDir = Path.GetFullPath(charmDir);
        _options = options ?? new ContextOptions();
        Meta = CharmMeta.Load(_charmDir);
        On = new ContextEvents(_options.ApplicationName ?? Meta.Name);
    }

    /// <summary>The charm's metadata.</summary>
    public CharmMeta Meta { get; }

    /// <summary>The event factories: <c>ctx.On.Install()</c>, <c>ctx.On.RelationChanged(relation)</c>, <c>ctx.On.Action("greet")</c>, …</summary>
    public ContextEvents On { get; }

    /// <summary>The <c>juju-log</c> lines of the last run.</summary>
    public IReadOnlyList<JujuLogEntry> JujuLog => Last.JujuLog;

    /// <summary>The unit statuses before each change in the last run (Scenario's <c>unit_status_history</c>).</summary>
    public IReadOnlyList<StatusState> UnitStatusHistory => Last.UnitStatusHistory;

    /// <summary>The application statuses before each change in the last run.</summary>
    public IReadOnlyList<StatusState> AppStatusHistory => Last.AppStatusHistory;

    /// <summary>The workload versions before each change in the last run.</summary>
    public IReadOnlyList<string> WorkloadVersionHistory => Last.WorkloadVersionHistory;

    /// <summary>What the last action set with <c>action-set</c> (dotted keys nested), or null.</summary>
    public JsonElement? ActionResults => Last.ActionResults;

    /// <summary>The last action's <c>action-log</c> messages.</summary>
    public IReadOnlyList<string> ActionLogs => Last.ActionLogs;

    /// <summary>The secret revisions removed in the last run.</summary>
    public IReadOnlyList<RemovedSecretRevision> RemovedSecretRevisions => Last.RemovedSecretRevisions;

    /// <summary>The storage requested with <c>storage-add</c> in the last run, by name.</summary>
    public IReadOnlyDictionary<string, int> RequestedStorages => Last.RequestedStorages;

    /// <summary>Every hook-tool call of the last run, in order.</summary>
    public IReadOnlyList<ToolCallRecord> HookToolCalls => Last.Calls;

    /// <summary>The events the framework emitted in the last run: re-emitted deferred events, the event, the collect-status events.</summary>
    public IReadOnlyList<string> EmittedEvents { get; private set; } = [];

    /// <summary>The commands the charm ran in each container in the last run (Scenario's <c>exec_history</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ExecRequest>> ExecHistory { get; private set; } =
        new Dictionary<string, IReadOnlyList<ExecRequest>>(StringComparer.Ordinal);

    private HookRecords Last { get; set; } = new();

    /// <summary>Runs <paramref name="event"/> against <paramref name="state"/> and returns the resulting state.</summary>
    /// <param name="event">The event, from <see cref="On"/>.</param>
    /// <param name="state">The state before the event.</param>
    /// <returns>The state after it.</returns>
    /// <exception cref="InconsistentStateException">The state or event contradicts the charm's metadata; the message says what to fix.</exception>
    /// <exception cref="UncaughtCharmException">Charm code threw; nothing was committed.</exception>
    /// <exception cref="ActionFailedException">The action called <c>action-fail</c>.</exception>
    public UnitState Run(EventSpec @event, UnitState state) => RunAsync(@event, state).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="event"/> against <paramref name="state"/> and returns the resulting state.</summary>
    /// <param name="event">The event, from <see cref="On"/>.</param>
    /// <param name="state">The state before the event.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The state after it.</returns>
    /// <exception cref="InconsistentStateException">The state or event contradicts the charm's metadata; the message says what to fix.</exception>
    /// <exception cref="UncaughtCharmException">Charm code threw; nothing was committed.</exception>
    /// <exception cref="ActionFailedException">The action called <c>action-fail</c>.</exception>
    public async Task<UnitState> RunAsync(EventSpec @event, UnitState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(state);
        if (!_options.SkipConsistencyChecks)
        {
            StateConsistency.Check(Meta, state, @event).ThrowIfInconsistent();
        }

        var agent = new UnitAgent(Meta, state, @event, new UnitAgentOptions
        {
            UnitNumber = _options.UnitNumber,
            ApplicationName = _options.ApplicationName,
            TimeProvider = _options.TimeProvider,
            JujuVersion = _options.JujuVersion,
        });

        var socketDir = Directory.CreateTempSubdirectory("mlobs-ctx-").FullName;
        try
        {
            await using var containers = await WorkloadContainers.StartAsync(
                state.Containers, name => Path.Combine(socketDir, $"{name}.socket"), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            var environment = HookEnvironment.Build(Meta, state, @event, new HookSite(
                _charmDir, agent.UnitName, _options.JujuVersion, "in-process", string.Empty, null, agent.ActionId ?? UnitAgent.DefaultActionId));
            var observer = new DispatchObserver();
            var stderr = new StringWriter();
            var exitCode = await CharmHost.RunAsync(
                _createCharm,
                new CharmHostOptions
                {
                    Environment = environment,
                    Runner = new AgentRunner(agent, _charmDir),
                    TimeProvider = _options.TimeProvider,
                    Stderr = stderr,
                    PebbleSocketPath = name => containers.SocketPath(name) ?? Path.Combine(socketDir, $"{name}.socket"),
                    Observer = observer,
                },
                cancellationToken).ConfigureAwait(false);

            Last = agent.Records;
            EmittedEvents = observer.Emitted;
            ExecHistory = containers.ExecHistory;
            if (exitCode != 0)
            {
                throw new UncaughtCharmException(
                    observer.Uncaught is { } uncaught
                        ? $"{typeof(TCharm).Name} threw {uncaught.GetType().Name} in {HookEnvironment.DispatchPath(@event)}: {uncaught.Message}"
                        : $"{HookEnvironment.DispatchPath(@event)} failed: {stderr.ToString().Trim()}",
                    observer.Uncaught);
            }

            var after = agent.Commit() with { Containers = containers.Capture() };
            if (Last.ActionFailure is { } failure)
            {
                throw new ActionFailedException(failure, after);
            }

            return after;
        }
        finally
        {
            Directory.Delete(socketDir, recursive: true);
        }
    }

    // The hook-tool runner of an in-process dispatch: straight into the agent, stdin given on demand.
    private sealed class AgentRunner(UnitAgent agent, string workingDirectory) : IHookCommandRunner
    {
        public Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default)
        {
            var reply = agent.Call(request.Tool, request.Arguments, null, workingDirectory);
            if (reply.IsNeedsStdin)
            {
                reply = agent.Call(request.Tool, request.Arguments, System.Text.Encoding.UTF8.GetBytes(request.Stdin ?? string.Empty), workingDirectory);
            }

            return Task.FromResult(new HookCommandResult(
                reply.ExitCode,
                System.Text.Encoding.UTF8.GetString(reply.Stdout.Span),
                System.Text.Encoding.UTF8.GetString(reply.Stderr.Span)));
        }
    }
}

/// <summary>Charm code threw during a <see cref="Context{TCharm}"/> run (Scenario's <c>UncaughtCharmError</c>); nothing was committed.</summary>
public sealed class UncaughtCharmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UncaughtCharmException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public UncaughtCharmException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The charm's exception.</param>
    public UncaughtCharmException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An action called <c>action-fail</c> (Scenario's <c>ActionFailed</c>); the state after the hook is attached.</summary>
public sealed class ActionFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActionFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The failure message.</param>
    public ActionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The failure message.</param>
    /// <param name="innerException">The cause.</param>
    public ActionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the state after the hook.</summary>
    /// <param name="message">The failure message.</param>
    /// <param name="state">The state after the hook (the hook itself succeeded, so its effects were committed).</param>
    public ActionFailedException(string message, UnitState state)
        : base(message)
    {
        State = state;
    }

    /// <summary>The state after the hook.</summary>
    public UnitState? State { get; }
}
