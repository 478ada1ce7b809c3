// CharmHost: the entry point of a charm binary; runs one dispatch from JUJU_* environment to exit code.
using Microsoft.Extensions.Logging;
using MlObs.Ops.HookTools;
using MlObs.Ops.Hosting;
using MlObs.Ops.Logging;
using MlObs.Ops.Metadata;

namespace MlObs.Ops;

/// <summary>Settings for <see cref="CharmHost"/>; the defaults are what Juju provides.</summary>
public sealed class CharmHostOptions
{
    /// <summary>The dispatch environment; null reads the process environment.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>How hook tools run; null runs them as processes found on <c>PATH</c>.</summary>
    public IHookCommandRunner? Runner { get; init; }

    /// <summary>The clock (for the leadership lease).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where fatal errors are also written (Juju logs a charm's stderr at WARNING).</summary>
    public TextWriter? Stderr { get; init; }

    /// <summary>Where describe mode writes its JSON; null for the process's standard output. A dispatch writes nothing here.</summary>
    public TextWriter? Stdout { get; init; }

    /// <summary>The command-line arguments (without the program name); null reads the process's. Only <c>--describe</c> is recognised.</summary>
    public IReadOnlyList<string>? Arguments { get; init; }

    /// <summary>Where the Pebble socket of a container is; null for Juju's <c>/charm/containers/&lt;name&gt;/pebble.socket</c>.</summary>
    public Func<string, string>? PebbleSocketPath { get; init; }

    /// <summary>
    /// The hook-tool reads this charm makes in most dispatches of the kind given (see <see cref="HookToolReads"/>):
    /// asked of the unit agent all at once when the dispatch starts, with the unit's state, so that the answers
    /// arrive while the charm starts instead of one round trip at a time. Null asks ahead for the unit's state only.
    /// </summary>
    public Func<JujuContext, HookToolReads>? ReadAhead { get; init; }

    /// <summary>The lowest level sent to <c>juju-log</c> (ops sends DEBUG; Juju filters by model config).</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Debug;

    /// <summary>Watches the dispatch from the inside: the in-process test harness records emitted events and uncaught exceptions through it.</summary>
    internal DispatchObserver? Observer { get; init; }
}

/// <summary>What the in-process harness learns of a dispatch that the hook tools do not show.</summary>
internal sealed class DispatchObserver
{
    private readonly List<string> _emitted = [];

    /// <summary>The events emitted to observers, in order: re-emitted deferred ones, the Juju event, the collect-status events.</summary>
    public IReadOnlyList<string> Emitted => _emitted;

    /// <summary>The exception charm code threw, if it did.</summary>
    public Exception? Uncaught { get; set; }

    public void Emitting(string eventName) => _emitted.Add(eventName);
}

/// <summary>
/// Runs a charm for one dispatch, as ops' <c>ops.main</c> does: reads the Juju context, loads the
/// metadata, builds the charm, re-emits deferred events, emits the event of
/// <c>JUJU_DISPATCH_PATH</c>, collects status, saves state, and returns the exit code.
/// </summary>
public static class CharmHost
{
    /// <summary>Runs one dispatch.</summary>
    /// <typeparam name="TCharm">The charm type.</typeparam>
    /// <param name="createCharm">Builds the charm on the dispatch's framework (the charm's constructor observes events).</param>
    /// <param name="options">Settings; null for Juju's defaults.</param>
    /// <param name="cancellationToken">Cancels the dispatch.</param>
    /// <returns>0 on success; 1 when the context is invalid or charm code threw (Juju then retries the hook).</returns>
    public static async Task<int> RunAsync<TCharm>(Func<Framework, TCharm> createCharm, CharmHostOptions? options = null, CancellationToken cancellationToken = default)
        where TCharm : CharmBase
    {
        ArgumentNullException.ThrowIfNull(createCharm);
        options ??= new CharmHostOptions();
        var stderr = options.Stderr ?? Console.Error;
        if (CharmDescription.IsRequested(options))
        {
            return await CharmDescription.WriteAsync(createCharm, options, stderr).ConfigureAwait(false);
        }

        JujuContext context;
        try
        {
            context = options.Environment is null ? JujuContext.FromEnvironment() : JujuContext.FromDictionary(options.Environment);
        }
        catch (JujuContextException ex)
        {
            await stderr.WriteLineAsync($"ERROR {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        using var ownRunner = options.Runner is null ? DefaultRunner(context, options, stderr) : null;
        var runner = options.Runner ?? ownRunner!;
        // Log records queue in memory (ILogger is synchronous) and go out before the next hook
        // tool runs, so juju-log keeps the order in which the charm did things.
        using var logProvider = new JujuLoggerProvider(new HookCommands(runner), options.MinimumLogLevel);
        var commands = new HookCommands(new LogFlushingRunner(runner, logProvider));
        using var loggerFactory = new JujuLoggerFactory(logProvider);
        var logger = loggerFactory.CreateLogger("MlObs.Ops.CharmHost");

        try
        {
            // First, so that the agent answers while the metadata is read and the charm is built.
            if (runner is IReadAheadRunner readAhead)
            {
                readAhead.ReadAhead((options.ReadAhead?.Invoke(context) ?? HookToolReads.None).ToRequests(), cancellationToken);
            }

            var meta = CharmMeta.Load(context.CharmDir);
            var store = await StateStore.LoadAsync(commands, cancellationToken).ConfigureAwait(false);
            var model = new Model(context, meta, commands, options.TimeProvider, options.PebbleSocketPath, store);
            using var closeContainers = new CloseOnDispose(model.CloseContainers);
            var framework = new Framework(model, store, loggerFactory, options.Observer);
            _ = createCharm(framework);

            var dispatch = DispatchPath.Parse(context.DispatchPath);
            var resolved = ResolvedEvent.Resolve(dispatch.EventName, meta);

            // ops skips re-emitting in the restricted contexts of legacy metering hooks.
            if (resolved.Kind is not (EventKind.CollectMetrics or EventKind.MeterStatusChanged))
            {
                await framework.ReemitDeferredAsync(cancellationToken).ConfigureAwait(false);
            }

            FrameworkLog.Emitting(logger, resolved.EventName);
            await framework.EmitAsync(resolved, SnapshotKeys.FromContext(context, resolved), cancellationToken).ConfigureAwait(false);
            await logProvider.FlushAsync(cancellationToken).ConfigureAwait(false);
            await framework.EvaluateStatusAsync(cancellationToken).ConfigureAwait(false);
            await framework.CommitAsync(cancellationToken).ConfigureAwait(false);
            await logProvider.FlushAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
#pragma warning disable CA1031 // The host is the last line: every failure becomes a logged ERROR and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FrameworkLog.Uncaught(logger, ex);
            options.Observer?.Uncaught = ex;
            await stderr.WriteLineAsync($"Uncaught {ex.GetType().Name} in charm code: {ex.Message}").ConfigureAwait(false);
            try
            {
                await logProvider.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // juju-log itself failed: what was queued goes to stderr instead.
            catch (Exception logFailure)
#pragma warning restore CA1031
            {
                await stderr.WriteLineAsync($"juju-log failed ({logFailure.Message}); queued log records follow:").ConfigureAwait(false);
                foreach (var (level, message) in logProvider.Drain())
                {
                    await stderr.WriteLineAsync($"{level} {message}").ConfigureAwait(false);
                }
            }

            return 1;
        }
    }

    // Hook tools as processes on PATH, as Juju runs them for any charm; in front of that, when the
    // agent's unix socket is known and MLOBS_HOOK_TOOLS does not say exec, the same calls made in
    // this process on one connection (jujuc's own protocol), which saves a process per call.
    private static DisposableRunner DefaultRunner(JujuContext context, CharmHostOptions options, TextWriter stderr)
    {
        var processes = new ProcessHookCommandRunner(
            path: options.Environment?.GetValueOrDefault("PATH") ?? System.Environment.GetEnvironmentVariable("PATH"),
            workingDirectory: context.CharmDir);
        // jujuc requires JUJU_AGENT_SOCKET_NETWORK; without it, or with tcp (TLS), the tool
        // process decides what happens.
        if (context.HookToolsAsProcesses
            || context.AgentSocketNetwork != "unix"
            || context.AgentSocketAddress is null
            || context.ContextId is null
            || !PosixSpawnHookRunner.IsSupported)
        {
            return new DisposableRunner(processes, null);
        }

        var socket = new AgentSocketHookRunner(
            new AgentSocketSettings(context.AgentSocketAddress, context.ContextId, context.AgentToken ?? string.Empty, Path.GetFullPath(context.CharmDir)),
            processes,
            reason => stderr.WriteLine($"hook tools now run as processes: {reason}"));
        return new DisposableRunner(socket, socket);
    }

    private sealed class DisposableRunner(IHookCommandRunner runner, IDisposable? owned) : IHookCommandRunner, IReadAheadRunner, IDisposable
    {
        public Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default) =>
            runner.RunAsync(request, cancellationToken);

        public void ReadAhead(IReadOnlyList<HookCommandRequest> reads, CancellationToken cancellationToken) =>
            (runner as IReadAheadRunner)?.ReadAhead(reads, cancellationToken);

        public void Dispose() => owned?.Dispose();
    }
}

/// <summary>
/// Describe mode (<c>MLOBS_DESCRIBE=1</c>, or <c>--describe</c> outside a dispatch): builds the charm on metadata read
/// from the charm dir, runs no hook tool and emits no event, and writes as JSON the relation endpoints, containers,
/// storages and actions whose events the charm observes, with every observed event name. <c>mlobs charm pack</c>
/// compares this with <c>charmcraft.yaml</c>.
/// </summary>
internal static class CharmDescription
{
    public static bool IsRequested(CharmHostOptions options)
    {
        if (Variable(options, "MLOBS_DESCRIBE") == "1")
        {
            return true;
        }

        var arguments = options.Arguments ?? System.Environment.GetCommandLineArgs().Skip(1).ToArray();
        return string.IsNullOrEmpty(Variable(options, "JUJU_DISPATCH_PATH")) && arguments.Contains("--describe", StringComparer.Ordinal);
    }

    public static async Task<int> WriteAsync<TCharm>(Func<Framework, TCharm> createCharm, CharmHostOptions options, TextWriter stderr)
        where TCharm : CharmBase
    {
        var charmDir = Variable(options, "JUJU_CHARM_DIR") is { Length: > 0 } dir ? dir : Directory.GetCurrentDirectory();
        string json;
        try
        {
            var meta = CharmMeta.Load(charmDir);
            var commands = new HookCommands(new NoHookToolsRunner());
            var context = new JujuContext
            {
                DispatchPath = "describe",
                HookName = string.Empty,
                CharmDir = charmDir,
                UnitName = meta.Name + "/0",
                ModelName = string.Empty,
                ModelUuid = string.Empty,
                JujuVersion = new Version(0, 0, 0),
            };
            var model = new Model(context, meta, commands, options.TimeProvider, options.PebbleSocketPath);
            var framework = new Framework(model, StateStore.Empty(commands), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            framework.Observers.Describing = true;
            _ = createCharm(framework);
            json = ToJson(meta.Name, framework.Observers);
        }
#pragma warning disable CA1031 // Describe mode reports any failure of the charm's constructor as one line and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await stderr.WriteLineAsync($"describe failed: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        var stdout = options.Stdout ?? Console.Out;
        await stdout.WriteLineAsync(json).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
        return 0;
    }

    private static string? Variable(CharmHostOptions options, string name) =>
        options.Environment is null ? System.Environment.GetEnvironmentVariable(name) : options.Environment.GetValueOrDefault(name);

    private static string ToJson(string charmName, ObserverRegistry registry)
    {
        var observed = registry.ObservedEventNames.ToHashSet(StringComparer.Ordinal);
        var groups = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal)
        {
            ["relations"] = new(StringComparer.Ordinal),
            ["containers"] = new(StringComparer.Ordinal),
            ["storages"] = new(StringComparer.Ordinal),
            ["actions"] = new(StringComparer.Ordinal),
        };
        foreach (var (what, name) in registry.Requested)
        {
            var (group, kinds) = what switch
            {
                "relation endpoint" => ("relations", new[] { EventKind.RelationCreated, EventKind.RelationJoined, EventKind.RelationChanged, EventKind.RelationDeparted, EventKind.RelationBroken }),
                "container" => ("containers", new[] { EventKind.PebbleReady, EventKind.PebbleCustomNotice, EventKind.PebbleCheckFailed, EventKind.PebbleCheckRecovered }),
                "storage" => ("storages", new[] { EventKind.StorageAttached, EventKind.StorageDetaching }),
                _ => ("actions", new[] { EventKind.Action }),
            };
            if (kinds.Any(kind => observed.Contains(ResolvedEvent.NameOf(kind, name))))
            {
                groups[group].Add(name);
            }
        }

        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("charm", charmName);
            foreach (var (group, names) in groups)
            {
                writer.WriteStartArray(group);
                foreach (var name in names)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
            }

            writer.WriteStartArray("events");
            foreach (var name in observed.Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Refuses every hook tool: describe mode must not reach the unit agent.</summary>
    private sealed class NoHookToolsRunner : IHookCommandRunner
    {
        public Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"describe mode runs no hook tools, but the charm called {request.Tool} while it was being constructed");
    }
}

/// <summary>Runs an action when disposed (closes what the dispatch opened, on every path).</summary>
internal sealed class CloseOnDispose(Action close) : IDisposable
{
    public void Dispose() => close();
}

/// <summary>Sends queued log records to juju-log before running any other hook tool.</summary>
internal sealed class LogFlushingRunner(IHookCommandRunner inner, JujuLoggerProvider logs) : IHookCommandRunner
{
    public async Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default)
    {
        await logs.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A logger factory with the juju-log provider only.</summary>
internal sealed class JujuLoggerFactory(JujuLoggerProvider provider) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("A charm logs to juju-log only.");

    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
