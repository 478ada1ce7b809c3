// CharmEvents and EventSource: where a charm observes events, typed per payload.
using System.Runtime.CompilerServices;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;

namespace MlObs.Ops;

/// <summary>An event a charm can observe.</summary>
/// <typeparam name="TEvent">The event type handlers receive.</typeparam>
public sealed class EventSource<TEvent>
    where TEvent : HookEvent
{
    private readonly ObserverRegistry _registry;

    internal EventSource(ObserverRegistry registry, string eventName)
    {
        _registry = registry;
        EventName = eventName;
    }

    /// <summary>The ops event name, e.g. <c>db_relation_changed</c>.</summary>
    public string EventName { get; }

    /// <summary>
    /// Observes the event with an async handler. The handler's name (the argument expression,
    /// e.g. <c>OnConfigChangedAsync</c>) identifies it in deferred events, so keep it stable across
    /// charm upgrades, as ops does with method names.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <param name="observerName">The handler's identity; filled in by the compiler.</param>
    public void Observe(Func<TEvent, CancellationToken, Task> handler, [CallerArgumentExpression(nameof(handler))] string observerName = "")
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(EventName, observerName, (e, ct) => handler((TEvent)e, ct));
    }

    /// <summary>Observes the event with a synchronous handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <param name="observerName">The handler's identity; filled in by the compiler.</param>
    public void Observe(Action<TEvent> handler, [CallerArgumentExpression(nameof(handler))] string observerName = "")
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(EventName, observerName, (e, _) =>
        {
            handler((TEvent)e);
            return Task.CompletedTask;
        });
    }
}

/// <summary>The events of one relation endpoint.</summary>
public sealed class RelationEvents
{
    internal RelationEvents(ObserverRegistry registry, string endpoint)
    {
        Created = new(registry, ResolvedEvent.NameOf(EventKind.RelationCreated, endpoint));
        Joined = new(registry, ResolvedEvent.NameOf(EventKind.RelationJoined, endpoint));
        Changed = new(registry, ResolvedEvent.NameOf(EventKind.RelationChanged, endpoint));
        Departed = new(registry, ResolvedEvent.NameOf(EventKind.RelationDeparted, endpoint));
        Broken = new(registry, ResolvedEvent.NameOf(EventKind.RelationBroken, endpoint));
    }

    /// <summary><c>-relation-created</c>.</summary>
    public EventSource<RelationEvent> Created { get; }

    /// <summary><c>-relation-joined</c>.</summary>
    public EventSource<RelationEvent> Joined { get; }

    /// <summary><c>-relation-changed</c>.</summary>
    public EventSource<RelationEvent> Changed { get; }

    /// <summary><c>-relation-departed</c>.</summary>
    public EventSource<RelationEvent> Departed { get; }

    /// <summary><c>-relation-broken</c>.</summary>
    public EventSource<RelationEvent> Broken { get; }
}

/// <summary>The Pebble events of one workload container.</summary>
public sealed class WorkloadEvents
{
    internal WorkloadEvents(ObserverRegistry registry, string container)
    {
        PebbleReady = new(registry, ResolvedEvent.NameOf(EventKind.PebbleReady, container));
        PebbleCustomNotice = new(registry, ResolvedEvent.NameOf(EventKind.PebbleCustomNotice, container));
        PebbleCheckFailed = new(registry, ResolvedEvent.NameOf(EventKind.PebbleCheckFailed, container));
        PebbleCheckRecovered = new(registry, ResolvedEvent.NameOf(EventKind.PebbleCheckRecovered, container));
    }

    /// <summary><c>-pebble-ready</c>: Pebble (re)started; configure the workload from scratch.</summary>
    public EventSource<WorkloadEvent> PebbleReady { get; }

    /// <summary><c>-pebble-custom-notice</c>.</summary>
    public EventSource<WorkloadEvent> PebbleCustomNotice { get; }

    /// <summary><c>-pebble-check-failed</c>.</summary>
    public EventSource<WorkloadEvent> PebbleCheckFailed { get; }

    /// <summary><c>-pebble-check-recovered</c>.</summary>
    public EventSource<WorkloadEvent> PebbleCheckRecovered { get; }
}

/// <summary>The events of one storage.</summary>
public sealed class StorageEvents
{
    internal StorageEvents(ObserverRegistry registry, string storage)
    {
        Attached = new(registry, ResolvedEvent.NameOf(EventKind.StorageAttached, storage));
        Detaching = new(registry, ResolvedEvent.NameOf(EventKind.StorageDetaching, storage));
    }

    /// <summary><c>-storage-attached</c>.</summary>
    public EventSource<StorageEvent> Attached { get; }

    /// <summary><c>-storage-detaching</c>.</summary>
    public EventSource<StorageEvent> Detaching { get; }
}

/// <summary>Every event a charm can observe, checked against its metadata.</summary>
public sealed class CharmEvents
{
    private readonly ObserverRegistry _registry;
    private readonly CharmMeta _meta;

    internal CharmEvents(ObserverRegistry registry, CharmMeta meta)
    {
        _registry = registry;
        _meta = meta;
        Install = Standard(EventKind.Install);
        Start = Standard(EventKind.Start);
        Stop = Standard(EventKind.Stop);
        Remove = Standard(EventKind.Remove);
        ConfigChanged = Standard(EventKind.ConfigChanged);
        UpgradeCharm = Standard(EventKind.UpgradeCharm);
        UpdateStatus = Standard(EventKind.UpdateStatus);
        LeaderElected = Standard(EventKind.LeaderElected);
        LeaderSettingsChanged = Standard(EventKind.LeaderSettingsChanged);
        CollectMetrics = Standard(EventKind.CollectMetrics);
        MeterStatusChanged = Standard(EventKind.MeterStatusChanged);
        PreSeriesUpgrade = Standard(EventKind.PreSeriesUpgrade);
        PostSeriesUpgrade = Standard(EventKind.PostSeriesUpgrade);
        SecretChanged = new(registry, ResolvedEvent.NameOf(EventKind.SecretChanged, null));
        SecretRotate = new(registry, ResolvedEvent.NameOf(EventKind.SecretRotate, null));
        SecretRemove = new(registry, ResolvedEvent.NameOf(EventKind.SecretRemove, null));
        SecretExpired = new(registry, ResolvedEvent.NameOf(EventKind.SecretExpired, null));
        CollectAppStatus = new(registry, ResolvedEvent.NameOf(EventKind.CollectAppStatus, null));
        CollectUnitStatus = new(registry, ResolvedEvent.NameOf(EventKind.CollectUnitStatus, null));
    }

    /// <summary><c>install</c>.</summary>
    public EventSource<HookEvent> Install { get; }

    /// <summary><c>start</c>.</summary>
    public EventSource<HookEvent> Start { get; }

    /// <summary><c>stop</c> (not deferrable).</summary>
    public EventSource<HookEvent> Stop { get; }

    /// <summary><c>remove</c> (not deferrable).</summary>
    public EventSource<HookEvent> Remove { get; }

    /// <summary><c>config-changed</c>.</summary>
    public EventSource<HookEvent> ConfigChanged { get; }

    /// <summary><c>upgrade-charm</c>.</summary>
    public EventSource<HookEvent> UpgradeCharm { get; }

    /// <summary><c>update-status</c>.</summary>
    public EventSource<HookEvent> UpdateStatus { get; }

    /// <summary><c>leader-elected</c>.</summary>
    public EventSource<HookEvent> LeaderElected { get; }

    /// <summary><c>leader-settings-changed</c>.</summary>
    public EventSource<HookEvent> LeaderSettingsChanged { get; }

    /// <summary><c>collect-metrics</c> (legacy metering; deferred events are not re-emitted before it).</summary>
    public EventSource<HookEvent> CollectMetrics { get; }

    /// <summary><c>meter-status-changed</c> (legacy metering; deferred events are not re-emitted before it).</summary>
    public EventSource<HookEvent> MeterStatusChanged { get; }

    /// <summary><c>pre-series-upgrade</c> (machine charms only).</summary>
    public EventSource<HookEvent> PreSeriesUpgrade { get; }

    /// <summary><c>post-series-upgrade</c> (machine charms only).</summary>
    public EventSource<HookEvent> PostSeriesUpgrade { get; }

    /// <summary><c>secret-changed</c> (consumer side).</summary>
    public EventSource<SecretEvent> SecretChanged { get; }

    /// <summary><c>secret-rotate</c> (owner; not deferrable).</summary>
    public EventSource<SecretEvent> SecretRotate { get; }

    /// <summary><c>secret-remove</c> (owner).</summary>
    public EventSource<SecretEvent> SecretRemove { get; }

    /// <summary><c>secret-expired</c> (owner; not deferrable).</summary>
    public EventSource<SecretEvent> SecretExpired { get; }

    /// <summary>Collect the application status (emitted on the leader after every dispatch).</summary>
    public EventSource<CollectStatusEvent> CollectAppStatus { get; }

    /// <summary>Collect the unit status (emitted after every dispatch).</summary>
    public EventSource<CollectStatusEvent> CollectUnitStatus { get; }

    /// <summary>The events of a relation endpoint declared in requires, provides or peers.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>Its events.</returns>
    /// <exception cref="ArgumentException">The endpoint is not declared.</exception>
    public RelationEvents Relation(string endpoint) => new(_registry, Declared(endpoint, _meta.Relations.Keys, "relation endpoint"));

    /// <summary>The Pebble events of a declared container.</summary>
    /// <param name="container">The container.</param>
    /// <returns>Its events.</returns>
    public WorkloadEvents Workload(string container) => new(_registry, Declared(container, _meta.Containers.Keys, "container"));

    /// <summary>The events of a declared storage.</summary>
    /// <param name="storage">The storage.</param>
    /// <returns>Its events.</returns>
    public StorageEvents Storage(string storage) => new(_registry, Declared(storage, _meta.Storages.Keys, "storage"));

    /// <summary>A declared action.</summary>
    /// <param name="action">The action name.</param>
    /// <returns>Its event.</returns>
    public EventSource<ActionEvent> Action(string action) =>
        new(_registry, ResolvedEvent.NameOf(EventKind.Action, Declared(action, _meta.Actions.Keys, "action")));

    /// <summary>
    /// A custom event: a dispatch path the metadata does not explain, e.g. <c>hooks/heartbeat</c>
    /// run by <c>juju-exec unit/0 "JUJU_DISPATCH_PATH=hooks/heartbeat ./dispatch"</c>.
    /// </summary>
    /// <param name="name">The last segment of the dispatch path (dashes or underscores).</param>
    /// <returns>Its event.</returns>
    /// <exception cref="ArgumentException">The name is that of a Juju event.</exception>
    public EventSource<CustomEvent> Custom(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var eventName = name.Replace('-', '_');
        var resolved = ResolvedEvent.Resolve(eventName, _meta);
        if (resolved.Kind != EventKind.Custom)
        {
            throw new ArgumentException($"'{name}' is the Juju event {resolved.EventName}; observe it through its own property.", nameof(name));
        }

        return new(_registry, eventName);
    }

    private EventSource<HookEvent> Standard(EventKind kind) => new(_registry, ResolvedEvent.NameOf(kind, null));

    private string Declared(string name, IEnumerable<string> declared, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_registry.Describing)
        {
            // Describe mode (mlobs charm pack) lists what the code asks for, declared or not; the packer names any gap.
            _registry.Requested.Add((what, name));
            return name;
        }

        if (!declared.Contains(name, StringComparer.Ordinal))
        {
            var list = string.Join(", ", declared.Order(StringComparer.Ordinal));
            throw new ArgumentException($"'{name}' is not a {what} of {_meta.Name} (declared: {(list.Length == 0 ? "none" : list)}).", nameof(name));
        }

        return name;
    }
}

/// <summary>Observers by event name, in registration order.</summary>
internal sealed class ObserverRegistry
{
    private readonly Dictionary<string, List<Observer>> _observers = new(StringComparer.Ordinal);

    /// <summary>Describe mode: names the metadata does not declare are accepted (and reported) instead of refused.</summary>
    public bool Describing { get; set; }

    /// <summary>In describe mode, every relation endpoint, container, storage and action the charm asked events of, as (what, name).</summary>
    public List<(string What, string Name)> Requested { get; } = [];

    /// <summary>The event names that have at least one observer.</summary>
    public IEnumerable<string> ObservedEventNames => _observers.Keys;

    public void Add(string eventName, string observerName, Func<HookEvent, CancellationToken, Task> invoke)
    {
        if (!_observers.TryGetValue(eventName, out var list))
        {
            list = [];
            _observers[eventName] = list;
        }

        var key = string.IsNullOrWhiteSpace(observerName) ? "observer" : observerName.Trim();
        var baseKey = key;
        for (var n = 2; list.Exists(o => o.Key == key); n++)
        {
            key = $"{baseKey}#{n}";
        }

        list.Add(new Observer(key, invoke));
    }

    public IReadOnlyList<Observer> For(string eventName) =>
        _observers.TryGetValue(eventName, out var list) ? list : [];
}

/// <summary>One handler of one event, with the identity deferred events refer to.</summary>
internal sealed record Observer(string Key, Func<HookEvent, CancellationToken, Task> Invoke);
