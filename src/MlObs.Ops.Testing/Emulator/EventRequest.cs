// EventRequest: an event as a person names it on the command line (`db-relation-changed
// --relation-id 3`, `--action greet --params '{...}'`), resolved against the charm's metadata and
// the state into an EventSpec, with an error that says what to add when something is missing.
using System.Globalization;
using System.Text.Json;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>An event named by a person: the hook name plus whatever picks its object out of the state.</summary>
public sealed record EventRequest
{
    /// <summary>The Juju hook name (<c>install</c>, <c>db-relation-changed</c>, <c>workload-pebble-ready</c>) or <c>&lt;action&gt;-action</c>; may be omitted with <see cref="Action"/>.</summary>
    public string? Event { get; init; }

    /// <summary>The relation id, for relation events; optional when the state has one relation on the endpoint.</summary>
    public int? RelationId { get; init; }

    /// <summary>The remote unit (<c>app/N</c>) for relation joined, changed and departed; defaults to the relation's first.</summary>
    public string? RemoteUnit { get; init; }

    /// <summary>The departing unit, for relation departed; defaults to the remote unit.</summary>
    public string? DepartingUnit { get; init; }

    /// <summary>The container, when the event name does not say it.</summary>
    public string? Container { get; init; }

    /// <summary>The notice id, for <c>-pebble-custom-notice</c>; optional when the container has one notice.</summary>
    public string? NoticeId { get; init; }

    /// <summary>The check name, for <c>-pebble-check-failed</c>/<c>-recovered</c>; optional when the container has one check.</summary>
    public string? CheckName { get; init; }

    /// <summary>The action to run.</summary>
    public string? Action { get; init; }

    /// <summary>The action's parameters as a JSON object.</summary>
    public string? Params { get; init; }

    /// <summary>The secret URI or label, for secret events; optional when the state has one secret.</summary>
    public string? Secret { get; init; }

    /// <summary>The secret revision, for <c>secret-remove</c> and <c>secret-expired</c>; defaults to the secret's latest.</summary>
    public int? SecretRevision { get; init; }

    /// <summary>The storage instance index, for storage events.</summary>
    public int? StorageIndex { get; init; }

    /// <summary>Dispatch a name the metadata does not declare, as a custom event (<c>hooks/&lt;name&gt;</c>).</summary>
    public bool AllowCustom { get; init; }

    /// <summary>Resolves the request against the metadata and the state.</summary>
    /// <param name="meta">The charm's metadata.</param>
    /// <param name="state">The state the event will run against.</param>
    /// <returns>The event.</returns>
    /// <exception cref="CharmRunException">The request does not name one event of this charm and state; the message says what to add.</exception>
    public EventSpec Resolve(CharmMeta meta, UnitState state)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(state);
        if (Action is not null)
        {
            return ResolveAction(meta, Action);
        }

        if (string.IsNullOrWhiteSpace(Event))
        {
            throw new CharmRunException("no event given; name one with --event (e.g. --event install) or run an action with --action NAME");
        }

        var resolved = ResolvedEvent.Resolve(Event.Replace('-', '_'), meta);
        return resolved.Kind switch
        {
            EventKind.Custom => AllowCustom
                ? new EventSpec(EventKind.Custom) { Owner = Event }
                : throw new CharmRunException(
                    $"event \"{Event}\" is not one of {meta.Name}'s events (standard hooks, or one of its endpoints, containers, storages or actions); "
                    + "pass --custom to dispatch it as a custom event"),
            EventKind.Action => ResolveAction(meta, resolved.Owner!),
            EventKind.RelationCreated or EventKind.RelationJoined or EventKind.RelationChanged
                or EventKind.RelationDeparted or EventKind.RelationBroken => ResolveRelation(resolved, state),
            EventKind.PebbleReady or EventKind.PebbleCustomNotice or EventKind.PebbleCheckFailed
                or EventKind.PebbleCheckRecovered => ResolveWorkload(resolved, state),
            EventKind.SecretChanged or EventKind.SecretRotate or EventKind.SecretRemove
                or EventKind.SecretExpired => ResolveSecret(resolved, state),
            EventKind.StorageAttached or EventKind.StorageDetaching => EventSpec.Storage(resolved.Kind, resolved.Owner!, StorageIndex ?? 0),
            _ => new EventSpec(resolved.Kind),
        };
    }

    private EventSpec ResolveAction(CharmMeta meta, string name)
    {
        if (!meta.Actions.ContainsKey(name))
        {
            var declared = meta.Actions.Count == 0 ? "it declares none" : "it declares " + string.Join(", ", meta.Actions.Keys);
            throw new CharmRunException($"action \"{name}\" is not declared by {meta.Name}; {declared}");
        }

        if (Event is not null && Event != name && Event != $"{name}-action" && Action is not null)
        {
            throw new CharmRunException($"--event {Event} and --action {Action} name different events; give one of them");
        }

        return EventSpec.Action(name, ParseParams());
    }

    private Dictionary<string, JsonElement> ParseParams()
    {
        if (string.IsNullOrWhiteSpace(Params))
        {
            return new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        }

        try
        {
            using var document = JsonDocument.Parse(Params);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CharmRunException($"--params must be a JSON object, e.g. '{{\"name\": \"x\"}}'; got {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }

            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new CharmRunException($"--params is not valid JSON: {e.Message}", e);
        }
    }

    private EventSpec ResolveRelation(ResolvedEvent resolved, UnitState state)
    {
        var endpoint = resolved.Owner!;
        int id;
        if (RelationId is { } given)
        {
            id = given;
        }
        else
        {
            var candidates = state.Relations.Where(r => r.Endpoint == endpoint).Select(r => r.Id).ToList();
            id = candidates.Count switch
            {
                1 => candidates[0],
                0 => throw new CharmRunException($"{Event} needs a relation on endpoint \"{endpoint}\" in the state; add one to \"relations\""),
                _ => throw new CharmRunException(
                    $"{Event}: the state has {candidates.Count} relations on \"{endpoint}\" (ids {string.Join(", ", candidates)}); pick one with --relation-id"),
            };
        }

        return EventSpec.Relation(resolved.Kind, endpoint, id, RemoteUnit, DepartingUnit);
    }

    private EventSpec ResolveWorkload(ResolvedEvent resolved, UnitState state)
    {
        var name = resolved.Owner!;
        if (Container is not null && Container != name)
        {
            throw new CharmRunException($"--container {Container} does not match the event's container \"{name}\"");
        }

        var container = state.GetContainer(name);
        string? noticeId = null;
        string? checkName = null;
        if (resolved.Kind == EventKind.PebbleCustomNotice)
        {
            noticeId = NoticeId ?? Single(container?.Notices.Select(n => n.Id), $"{Event} needs a notice", "--notice-id", $"containers[{name}].notices");
        }
        else if (resolved.Kind is EventKind.PebbleCheckFailed or EventKind.PebbleCheckRecovered)
        {
            checkName = CheckName ?? Single(container?.CheckInfos.Select(c => c.Name), $"{Event} needs a check", "--check", $"containers[{name}].check_infos");
        }

        return EventSpec.Workload(resolved.Kind, name, noticeId, checkName);
    }

    private EventSpec ResolveSecret(ResolvedEvent resolved, UnitState state)
    {
        var id = Secret ?? Single(state.Secrets.Select(s => s.Id), $"{Event} needs a secret", "--secret", "secrets");
        var secret = state.GetSecret(id)
            ?? throw new CharmRunException($"{Event}: no secret with id or label \"{id}\" in the state's \"secrets\"");
        int? revision = resolved.Kind is EventKind.SecretRemove or EventKind.SecretExpired
            ? SecretRevision ?? secret.LatestRevision
            : null;
        return EventSpec.Secret(resolved.Kind, secret.Id, revision);
    }

    private static string Single(IEnumerable<string>? values, string what, string option, string where)
    {
        var list = values?.ToList() ?? [];
        return list.Count switch
        {
            1 => list[0],
            0 => throw new CharmRunException($"{what}; add one to the state's {where}"),
            _ => throw new CharmRunException(
                string.Create(CultureInfo.InvariantCulture, $"{what}: the state has {list.Count} ({string.Join(", ", list)}); pick one with {option}")),
        };
    }
}
