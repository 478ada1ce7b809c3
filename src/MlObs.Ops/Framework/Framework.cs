// Framework: runs one dispatch's events through the charm's observers, with deferral, collect-status and commit.
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using MlObs.Ops.Hosting;
using MlObs.Ops.Logging;
using MlObs.Ops.Metadata;

namespace MlObs.Ops;

/// <summary>
/// What a charm is built on: its metadata, the model, the events it can observe, stored state and
/// logging. <see cref="CharmHost"/> creates one per dispatch.
/// </summary>
public sealed class Framework
{
    private readonly ObserverRegistry _registry = new();
    private readonly StateStore _store;
    private readonly HashSet<string> _storedNames = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly DispatchObserver? _observer;

    internal Framework(Model model, StateStore store, ILoggerFactory loggerFactory, DispatchObserver? observer = null)
    {
        _observer = observer;
        Model = model;
        _store = store;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MlObs.Ops.Framework");
        On = new CharmEvents(_registry, model.Meta);
    }

    /// <summary>The charm's metadata.</summary>
    public CharmMeta Meta => Model.Meta;

    /// <summary>The observers of this dispatch (describe mode reads which events have one).</summary>
    internal ObserverRegistry Observers => _registry;

    /// <summary>The model as this unit sees it.</summary>
    public Model Model { get; }

    /// <summary>The dispatch context.</summary>
    public JujuContext Context => Model.Context;

    /// <summary>The events the charm can observe.</summary>
    public CharmEvents On { get; }

    /// <summary>Loggers that write to <c>juju-log</c>.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Typed state that survives between dispatches.</summary>
    /// <typeparam name="T">The state record.</typeparam>
    /// <param name="name">A name unique within the charm.</param>
    /// <param name="typeInfo">The record's type info from the charm's JsonSerializerContext.</param>
    /// <param name="defaultValue">The value before anything was stored.</param>
    /// <returns>The state.</returns>
    public StoredState<T> GetStoredState<T>(string name, JsonTypeInfo<T> typeInfo, Func<T> defaultValue)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return GetStoredState(name, json => JsonSerializer.Deserialize(json, typeInfo), value => JsonSerializer.Serialize(value, typeInfo), defaultValue);
    }

    /// <summary>
    /// Typed state that survives between dispatches, with its own text form. For state read in every dispatch:
    /// System.Text.Json builds each type's metadata on first use (a reflection pass over the type's attributes, about
    /// a millisecond in a Native AOT process), which a reader over <see cref="JsonDocument"/> does not need.
    /// </summary>
    /// <typeparam name="T">The state record.</typeparam>
    /// <param name="name">A name unique within the charm.</param>
    /// <param name="read">Reads the stored text; throws <see cref="JsonException"/> or <see cref="FormatException"/> when it does not fit.</param>
    /// <param name="write">Writes a value as text that <paramref name="read"/> reads back.</param>
    /// <param name="defaultValue">The value before anything was stored.</param>
    /// <returns>The state.</returns>
    public StoredState<T> GetStoredState<T>(string name, Func<string, T?> read, Func<T, string> write, Func<T> defaultValue)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(defaultValue);
        if (!_storedNames.Add(name))
        {
            throw new ArgumentException($"Stored state '{name}' is already defined; names must be unique within the charm.", nameof(name));
        }

        return new StoredState<T>(name, read, write, _store, defaultValue);
    }

    /// <summary>Re-emits the events deferred in earlier dispatches, oldest first, each only to the handler that deferred it.</summary>
    internal async Task ReemitDeferredAsync(CancellationToken cancellationToken)
    {
        var kept = new List<DeferredNotice>();
        foreach (var notice in _store.Deferred)
        {
            var observer = _registry.For(notice.EventName).FirstOrDefault(o => o.Key == notice.Observer);
            if (observer is null)
            {
                FrameworkLog.DroppingDeferred(_logger, notice.EventName, notice.Observer);
                continue;
            }

            var resolved = ResolvedEvent.Resolve(notice.EventName, Meta);
            FrameworkLog.Reemitting(_logger, notice.EventName, notice.Observer);
            _observer?.Emitting(notice.EventName);
            var hookEvent = EventFactory.Create(new EventEnvelope(resolved, notice.Snapshot, Model, Reemitted: true));
            await observer.Invoke(hookEvent, cancellationToken).ConfigureAwait(false);
            if (hookEvent.Deferred)
            {
                kept.Add(notice);
            }
        }

        _store.Deferred = kept;
    }

    /// <summary>Emits one event to every observer, each with a fresh event object, keeping deferrals.</summary>
    internal async Task EmitAsync(ResolvedEvent resolved, Dictionary<string, string> snapshot, CancellationToken cancellationToken)
    {
        if (resolved.Kind == EventKind.RelationBroken && int.TryParse(snapshot.GetValueOrDefault(SnapshotKeys.RelationId), out var brokenId))
        {
            Model.BrokenRelationId = brokenId;
        }

        var observers = _registry.For(resolved.EventName);
        _observer?.Emitting(resolved.EventName);
        if (observers.Count == 0)
        {
            FrameworkLog.NoObserver(_logger, resolved.EventName);
            return;
        }

        foreach (var observer in observers)
        {
            var hookEvent = EventFactory.Create(new EventEnvelope(resolved, snapshot, Model, Reemitted: false));
            await observer.Invoke(hookEvent, cancellationToken).ConfigureAwait(false);
            if (hookEvent.Deferred)
            {
                var notice = new DeferredNotice(resolved.EventName, observer.Key, snapshot);
                // As ops' skip_duplicate_events: an identical notice already waiting is not queued twice.
                if (!_store.Deferred.Exists(n => n.SameAs(notice)))
                {
                    _store.Deferred.Add(notice);
                }
            }
        }
    }

    /// <summary>Runs collect-app-status (leader only) and collect-unit-status, then sets the highest-priority statuses.</summary>
    internal async Task EvaluateStatusAsync(CancellationToken cancellationToken)
    {
        var appObservers = _registry.For(On.CollectAppStatus.EventName);
        if (appObservers.Count > 0 && await Model.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var appStatus = await CollectAsync(EventKind.CollectAppStatus, appObservers, cancellationToken).ConfigureAwait(false);
            if (appStatus is not null)
            {
                StatusRules.RequireSettable(appStatus);
                await Model.Commands.StatusSetAsync(appStatus.Name, appStatus.Message, application: true, cancellationToken).ConfigureAwait(false);
            }
        }

        var unitObservers = _registry.For(On.CollectUnitStatus.EventName);
        if (unitObservers.Count > 0)
        {
            var unitStatus = await CollectAsync(EventKind.CollectUnitStatus, unitObservers, cancellationToken).ConfigureAwait(false);
            if (unitStatus is not null)
            {
                StatusRules.RequireSettable(unitStatus);
                await Model.Commands.StatusSetAsync(unitStatus.Name, unitStatus.Message, application: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes deferred events and stored state (committed by Juju only if the dispatch succeeds).</summary>
    internal Task CommitAsync(CancellationToken cancellationToken) => _store.CommitAsync(cancellationToken);

    private async Task<StatusBase?> CollectAsync(EventKind kind, IReadOnlyList<Observer> observers, CancellationToken cancellationToken)
    {
        var statuses = new List<StatusBase>();
        _observer?.Emitting(ResolvedEvent.NameOf(kind, null));
        var resolved = new ResolvedEvent(kind, ResolvedEvent.NameOf(kind, null), null);
        var envelope = new EventEnvelope(resolved, new Dictionary<string, string>(StringComparer.Ordinal), Model, Reemitted: false);
        foreach (var observer in observers)
        {
            await observer.Invoke(new CollectStatusEvent(envelope, statuses), cancellationToken).ConfigureAwait(false);
        }

        return StatusBase.Highest(statuses);
    }
}

/// <summary>
/// The base class of a charm (ops' <c>CharmBase</c>). The constructor observes events; handlers
/// read and change the model. Prefer one reconcile handler for most events, and collect-status
/// handlers for status.
/// </summary>
public abstract class CharmBase
{
    private ILogger? _logger;

    /// <summary>Creates the charm on the framework of this dispatch.</summary>
    /// <param name="framework">The framework.</param>
    protected CharmBase(Framework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        Framework = framework;
    }

    /// <summary>The framework of this dispatch.</summary>
    public Framework Framework { get; }

    /// <summary>The model as this unit sees it.</summary>
    public Model Model => Framework.Model;

    /// <summary>The events the charm can observe.</summary>
    public CharmEvents On => Framework.On;

    /// <summary>The charm's metadata.</summary>
    public CharmMeta Meta => Framework.Meta;

    /// <summary>A logger that writes to <c>juju-log</c>, named after the charm's class.</summary>
    /// <remarks>Made on first use: the class name comes from reflection metadata, whose first read costs a dispatch that logs nothing a few hundred microseconds.</remarks>
    protected ILogger Logger => _logger ??= Framework.LoggerFactory.CreateLogger(GetType().Name);
}
