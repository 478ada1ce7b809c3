// The event types a charm observes: one base class and one subclass per payload shape.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MlObs.Ops.Hosting;

namespace MlObs.Ops;

/// <summary>
/// An event Juju (or the framework) emitted. Handlers receive a fresh instance; a handler that
/// cannot act yet calls <see cref="Defer"/> and the framework re-emits the event to that handler
/// at the start of the next dispatch.
/// </summary>
public class HookEvent
{
    internal HookEvent(EventEnvelope envelope)
    {
        Envelope = envelope;
    }

    /// <summary>The ops event name, e.g. <c>config_changed</c> or <c>db_relation_changed</c>.</summary>
    public string Name => Envelope.Resolved.EventName;

    /// <summary>What kind of event this is.</summary>
    public EventKind Kind => Envelope.Resolved.Kind;

    /// <summary>The model as seen from this unit.</summary>
    public Model Model => Envelope.Model;

    /// <summary>Whether a handler deferred this event.</summary>
    public bool Deferred { get; private set; }

    /// <summary>Whether this event is being re-emitted from an earlier dispatch's deferral.</summary>
    public bool IsReemitted => Envelope.Reemitted;

    internal EventEnvelope Envelope { get; }

    /// <summary>
    /// Keeps this event for this handler and re-emits it at the start of the next dispatch. The
    /// handler keeps running: return after deferring. Stop, remove, secret-rotate, secret-expired,
    /// actions and collect-status cannot be deferred.
    /// </summary>
    /// <exception cref="InvalidOperationException">The event cannot be deferred.</exception>
    public void Defer()
    {
        if (!Envelope.Resolved.IsDeferrable)
        {
            throw new InvalidOperationException($"Cannot defer {Name}: {Kind} events are not deferrable (Juju re-runs or never re-runs them).");
        }

        Deferred = true;
    }

    /// <summary>A short description for logs.</summary>
    /// <returns>The event name.</returns>
    public override string ToString() => Name;

    internal string? Data(string key) => Envelope.Snapshot.TryGetValue(key, out var value) ? value : null;

    internal int? IntData(string key) =>
        Data(key) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>An event about a relation: created, joined, changed, departed or broken.</summary>
public sealed class RelationEvent : HookEvent
{
    internal RelationEvent(EventEnvelope envelope)
        : base(envelope)
    {
        var endpoint = envelope.Resolved.Owner ?? Data(SnapshotKeys.RelationName)
            ?? throw new InvalidOperationException($"Relation event {envelope.Resolved.EventName} has no endpoint.");
        var id = IntData(SnapshotKeys.RelationId)
            ?? throw new InvalidOperationException($"Relation event {envelope.Resolved.EventName} has no relation id.");
        var appName = Data(SnapshotKeys.AppName);
        var unitName = Data(SnapshotKeys.UnitName);
        var departing = Data(SnapshotKeys.DepartingUnit);
        Relation = envelope.Model.RelationFor(endpoint, id, appName, Kind == EventKind.RelationBroken);
        App = appName is null ? null : envelope.Model.GetApp(appName);
        Unit = unitName is null ? null : envelope.Model.GetUnit(unitName);
        DepartingUnit = departing is null ? null : envelope.Model.GetUnit(departing);
    }

    /// <summary>The relation the event is about.</summary>
    public Relation Relation { get; }

    /// <summary>The remote application, when Juju named it.</summary>
    public Application? App { get; }

    /// <summary>The remote unit (null for created and broken).</summary>
    public Unit? Unit { get; }

    /// <summary>The unit that is leaving (departed only); it may be this unit.</summary>
    public Unit? DepartingUnit { get; }
}

/// <summary>An event about a workload container: pebble-ready, a custom notice, a check failing or recovering.</summary>
public sealed class WorkloadEvent : HookEvent
{
    internal WorkloadEvent(EventEnvelope envelope)
        : base(envelope)
    {
        ContainerName = envelope.Resolved.Owner ?? Data(SnapshotKeys.ContainerName) ?? string.Empty;
    }

    /// <summary>The container, as named in <c>charmcraft.yaml</c>.</summary>
    public string ContainerName { get; }

    /// <summary>The container, with its Pebble client.</summary>
    public Container Container => Model.Unit.GetContainer(ContainerName);

    /// <summary>The Pebble notice id (custom-notice events).</summary>
    public string? NoticeId => Data(SnapshotKeys.NoticeId);

    /// <summary>The Pebble notice type (custom-notice events).</summary>
    public string? NoticeType => Data(SnapshotKeys.NoticeType);

    /// <summary>The Pebble notice key (custom-notice events).</summary>
    public string? NoticeKey => Data(SnapshotKeys.NoticeKey);

    /// <summary>The Pebble check (check-failed and check-recovered events).</summary>
    public string? CheckName => Data(SnapshotKeys.CheckName);
}

/// <summary>An event about a secret: changed (consumer), rotate, remove or expired (owner).</summary>
public sealed class SecretEvent : HookEvent
{
    internal SecretEvent(EventEnvelope envelope)
        : base(envelope)
    {
        Secret = envelope.Model.SecretFor(Data(SnapshotKeys.SecretId), Data(SnapshotKeys.SecretLabel));
    }

    /// <summary>The secret the event is about.</summary>
    public Secret Secret { get; }

    /// <summary>The revision that expired or has no consumers left (secret-expired and secret-remove).</summary>
    public int? Revision => IntData(SnapshotKeys.SecretRevision);
}

/// <summary>An event about a storage instance: attached or detaching.</summary>
public sealed class StorageEvent : HookEvent
{
    internal StorageEvent(EventEnvelope envelope)
        : base(envelope)
    {
        Storage = new Storage(
            envelope.Resolved.Owner ?? Data(SnapshotKeys.StorageName) ?? string.Empty,
            IntData(SnapshotKeys.StorageIndex) ?? 0,
            Data(SnapshotKeys.StorageLocation),
            Data(SnapshotKeys.StorageKind));
    }

    /// <summary>The storage instance.</summary>
    public Storage Storage { get; }
}

/// <summary>A custom event: a dispatch path the metadata does not explain (e.g. <c>hooks/heartbeat</c> run by <c>juju-exec</c>).</summary>
public sealed class CustomEvent : HookEvent
{
    internal CustomEvent(EventEnvelope envelope)
        : base(envelope)
    {
    }
}

/// <summary>
/// Emitted after every dispatch so the charm can say what its status is. Each observer adds the
/// statuses it sees; the framework sets the one with the highest priority
/// (error &gt; blocked &gt; maintenance &gt; waiting &gt; active &gt; unknown).
/// </summary>
public sealed class CollectStatusEvent : HookEvent
{
    private readonly List<StatusBase> _statuses;

    internal CollectStatusEvent(EventEnvelope envelope, List<StatusBase> statuses)
        : base(envelope)
    {
        _statuses = statuses;
    }

    /// <summary>Adds a status for the framework to consider.</summary>
    /// <param name="status">A status this observer sees.</param>
    public void AddStatus(StatusBase status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _statuses.Add(status);
    }
}

/// <summary>An action the operator ran (<c>juju run unit/0 name key=value</c>). Actions cannot be deferred.</summary>
public sealed class ActionEvent : HookEvent
{
    private JsonElement? _params;

    internal ActionEvent(EventEnvelope envelope)
        : base(envelope)
    {
    }

    /// <summary>The action's id (<c>JUJU_ACTION_UUID</c>).</summary>
    public string Id => Data(SnapshotKeys.ActionId) ?? string.Empty;

    /// <summary>The action's name as declared.</summary>
    public string ActionName => Envelope.Resolved.Owner ?? string.Empty;

    /// <summary>The action's parameters as Juju validated them (defaults filled in), as a JSON object.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parameters.</returns>
    public async Task<JsonElement> GetParamsAsync(CancellationToken cancellationToken = default)
    {
        _params ??= await Model.Commands.ActionGetAsync(cancellationToken).ConfigureAwait(false);
        return _params.Value;
    }

    /// <summary>Binds the parameters to a record through a source-generated <see cref="JsonTypeInfo{T}"/>.</summary>
    /// <typeparam name="T">The parameter record.</typeparam>
    /// <param name="typeInfo">The record's type info from the charm's JsonSerializerContext.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bound parameters.</returns>
    /// <exception cref="ActionParamsException">The parameters do not fit the record.</exception>
    public async Task<T> BindParamsAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var element = await GetParamsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return element.Deserialize(typeInfo)
                ?? throw new ActionParamsException($"Parameters of action '{ActionName}' are null.");
        }
        catch (JsonException ex)
        {
            throw new ActionParamsException($"Parameters of action '{ActionName}' do not fit {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reports results. Nested dictionaries become dotted keys (<c>{"a": {"b": 1}}</c> → <c>a.b=1</c>).
    /// Keys must be lowercase letters, digits and dashes; <c>stdout</c>, <c>stderr</c> and their
    /// <c>-encoding</c> keys are reserved for Juju.
    /// </summary>
    /// <param name="results">The results; values are strings, numbers, booleans or nested dictionaries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">A key is invalid, reserved or duplicated.</exception>
    public Task SetResultsAsync(IReadOnlyDictionary<string, object?> results, CancellationToken cancellationToken = default) =>
        Model.Commands.ActionSetAsync(ActionResults.Flatten(results), cancellationToken);

    /// <summary>Sends a progress message to the operator watching the action.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the message.</returns>
    public Task LogAsync(string message, CancellationToken cancellationToken = default) =>
        Model.Commands.ActionLogAsync(message, cancellationToken);

    /// <summary>Marks the action failed. The handler keeps running and the dispatch still succeeds.</summary>
    /// <param name="message">Why it failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has recorded the failure.</returns>
    public Task FailAsync(string message = "", CancellationToken cancellationToken = default) =>
        Model.Commands.ActionFailAsync(message, cancellationToken);
}

/// <summary>An action's parameters do not fit the record the charm binds them to.</summary>
public sealed class ActionParamsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActionParamsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What does not fit.</param>
    public ActionParamsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What does not fit.</param>
    /// <param name="innerException">The cause.</param>
    public ActionParamsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
