// StateConsistency, ConsistencyReport and InconsistentStateException: Scenario's consistency
// checker for a charm's metadata, a UnitState and the event to run — things Juju could never
// produce are errors, things that are merely suspicious are warnings.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.State;

/// <summary>The outcome of <see cref="StateConsistency.Check"/>.</summary>
/// <param name="Errors">What makes the state impossible under Juju; each says what to fix.</param>
/// <param name="Warnings">What is allowed but probably not meant.</param>
public sealed record ConsistencyReport(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>Whether there are no errors (warnings allowed).</summary>
    public bool IsConsistent => Errors.Count == 0;

    /// <summary>Throws when there are errors, listing them all.</summary>
    /// <exception cref="InconsistentStateException">There is at least one error.</exception>
    public void ThrowIfInconsistent()
    {
        if (!IsConsistent)
        {
            throw new InconsistentStateException(
                "the state is inconsistent with the charm's metadata or the event:\n  - " + string.Join("\n  - ", Errors));
        }
    }

    /// <summary>Compares both lists in order.</summary>
    /// <param name="other">The report to compare with.</param>
    /// <returns><see langword="true"/> when both hold the same messages.</returns>
    public bool Equals(ConsistencyReport? other) =>
        other is not null && StateEquality.Lists(Errors, other.Errors) && StateEquality.Lists(Warnings, other.Warnings);

    /// <summary>A hash consistent with <see cref="Equals(ConsistencyReport?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(StateEquality.ListHash(Errors), StateEquality.ListHash(Warnings));
}

/// <summary>Thrown by <see cref="ConsistencyReport.ThrowIfInconsistent"/>; the message lists every error.</summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public InconsistentStateException()
        : base("the state is inconsistent")
    {
    }

    /// <summary>Creates the exception with the list of errors.</summary>
    /// <param name="message">The errors.</param>
    public InconsistentStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The errors.</param>
    /// <param name="innerException">The cause.</param>
    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Checks a <see cref="UnitState"/> and an <see cref="EventSpec"/> against the charm's metadata,
/// as Scenario's <c>check_consistency</c> does before a run: containers, config, resources,
/// the event's object, actions, secrets, storage, relations and network bindings.
/// </summary>
public static partial class StateConsistency
{
    /// <summary>Runs every check.</summary>
    /// <param name="meta">The charm's metadata.</param>
    /// <param name="state">The state to run against.</param>
    /// <param name="event">The event to run, or <see langword="null"/> to check the state alone.</param>
    /// <returns>The errors and warnings, in the order of the checks.</returns>
    public static ConsistencyReport Check(CharmMeta meta, UnitState state, EventSpec? @event)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(state);
        var errors = new List<string>();
        var warnings = new List<string>();
        CheckContainers(meta, state, errors);
        CheckConfig(meta, state, errors);
        CheckResources(meta, state, errors);
        CheckStorages(meta, state, errors);
        CheckRelations(meta, state, errors);
        CheckSecrets(state, errors);
        CheckNetworks(meta, state, errors);
        if (@event is not null)
        {
            CheckEvent(meta, state, @event, errors, warnings);
        }

        return new ConsistencyReport(errors, warnings);
    }

    [GeneratedRegex("^secret:[0-9a-z]{20}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretUri();

    private static void CheckContainers(CharmMeta meta, UnitState state, List<string> errors)
    {
        foreach (var name in Duplicates(state.Containers.Select(c => c.Name)))
        {
            errors.Add($"container '{name}' appears more than once in containers; keep one entry per container");
        }

        foreach (var container in state.Containers)
        {
            if (!meta.Containers.ContainsKey(container.Name))
            {
                errors.Add($"container '{container.Name}' is in the state but not declared under containers in the metadata ({List(meta.Containers.Keys)}); declare it or remove it from the state");
            }

            foreach (var prefix in Duplicates(container.Execs.Select(e => string.Join(' ', e.CommandPrefix))))
            {
                errors.Add($"container '{container.Name}' has more than one exec with command_prefix [{prefix}]; keep one");
            }

            CheckCheckInfos(container, errors);
        }
    }

    private static void CheckCheckInfos(ContainerState container, List<string> errors)
    {
        if (container.CheckInfos.Count == 0)
        {
            return;
        }

        Plan plan;
        try
        {
            plan = container.GetPlan();
        }
        catch (PebbleLayerException ex)
        {
            errors.Add($"container '{container.Name}': its layers do not combine into a plan: {ex.Message}");
            return;
        }

        foreach (var info in container.CheckInfos)
        {
            if (!plan.Checks.TryGetValue(info.Name, out var check))
            {
                errors.Add($"container '{container.Name}' has check_infos entry '{info.Name}' but its layers define no such check ({List(plan.Checks.Keys)}); add the check to a layer or remove the entry");
                continue;
            }

            if (check.Level != info.Level)
            {
                errors.Add($"container '{container.Name}' check '{info.Name}': check_infos level {Name(info.Level)} differs from the layer's {Name(check.Level)}; make them equal");
            }

            var startup = check.Startup ?? StartupMode.Enabled;
            if (startup != info.Startup)
            {
                errors.Add($"container '{container.Name}' check '{info.Name}': check_infos startup {Name((StartupMode?)info.Startup)} differs from the layer's {Name((StartupMode?)startup)}; make them equal");
            }

            var threshold = check.Threshold ?? 3;
            if (threshold != info.Threshold)
            {
                errors.Add($"container '{container.Name}' check '{info.Name}': check_infos threshold {info.Threshold} differs from the layer's {threshold}; make them equal");
            }
        }
    }

    private static void CheckConfig(CharmMeta meta, UnitState state, List<string> errors)
    {
        foreach (var (key, value) in state.Config)
        {
            if (!meta.Config.TryGetValue(key, out var option))
            {
                errors.Add($"config option '{key}' is not declared in the charm's config ({List(meta.Config.Keys)}); declare it or remove it from config");
                continue;
            }

            var fits = option.Type switch
            {
                ConfigOptionType.String => value.ValueKind == JsonValueKind.String,
                ConfigOptionType.Int => IsInteger(value),
                ConfigOptionType.Float => value.ValueKind == JsonValueKind.Number,
                ConfigOptionType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                ConfigOptionType.Secret => value.ValueKind == JsonValueKind.String && SecretUri().IsMatch(value.GetString()!),
                _ => false,
            };
            if (!fits)
            {
                var type = option.Type switch
                {
                    ConfigOptionType.Int => "int",
                    ConfigOptionType.Float => "float",
                    ConfigOptionType.Boolean => "boolean",
                    ConfigOptionType.Secret => "secret",
                    _ => "string",
                };
                var hint = option.Type == ConfigOptionType.Secret ? " (a secret URI, secret: followed by 20 characters of [0-9a-z])" : string.Empty;
                errors.Add($"config option '{key}' is declared {type} but the state gives {value.GetRawText()}; give {(type == "int" ? "an" : "a")} {type} value{hint}");
            }
        }
    }

    private static void CheckResources(CharmMeta meta, UnitState state, List<string> errors)
    {
        foreach (var name in state.Resources.Keys)
        {
            if (!meta.Resources.ContainsKey(name))
            {
                errors.Add($"resource '{name}' is not declared under resources in the metadata ({List(meta.Resources.Keys)}); declare it or remove it from resources");
            }
        }
    }

    private static void CheckStorages(CharmMeta meta, UnitState state, List<string> errors)
    {
        foreach (var storage in state.Storages)
        {
            if (!meta.Storages.ContainsKey(storage.Name))
            {
                errors.Add($"storage '{storage.Name}' is not declared under storage in the metadata ({List(meta.Storages.Keys)}); declare it or remove it from storages");
            }
        }

        foreach (var id in Duplicates(state.Storages.Select(s => $"{s.Name}/{s.Index.ToString(CultureInfo.InvariantCulture)}")))
        {
            errors.Add($"storage {id} appears more than once in storages; give each instance its own index");
        }
    }

    private static void CheckRelations(CharmMeta meta, UnitState state, List<string> errors)
    {
        foreach (var id in Duplicates(state.Relations.Select(r => r.Id.ToString(CultureInfo.InvariantCulture))))
        {
            errors.Add($"relation id {id} is used by more than one relation; relation ids must be unique");
        }

        foreach (var relation in state.Relations)
        {
            var label = $"relation {relation.Id} ({relation.Endpoint})";
            if (!meta.Relations.TryGetValue(relation.Endpoint, out var endpoint))
            {
                errors.Add($"{label}: endpoint '{relation.Endpoint}' is not declared under requires, provides or peers ({List(meta.Relations.Keys)}); declare it or fix the endpoint");
                continue;
            }

            var isPeer = endpoint.Role == RelationRole.Peer;
            var isContainerScope = string.Equals(endpoint.Scope, "container", StringComparison.Ordinal);
            if (isPeer && relation.Kind != RelationKind.Peer)
            {
                errors.Add($"{label}: '{relation.Endpoint}' is a peers endpoint, so the relation must have kind peer");
            }
            else if (!isPeer && relation.Kind == RelationKind.Peer)
            {
                errors.Add($"{label}: kind peer needs an endpoint declared under peers, but '{relation.Endpoint}' is under {(endpoint.Role == RelationRole.Requires ? "requires" : "provides")}; use kind {(isContainerScope ? "subordinate" : "regular")}");
            }
            else if (isContainerScope && relation.Kind != RelationKind.Subordinate)
            {
                errors.Add($"{label}: '{relation.Endpoint}' has scope: container, so the relation must have kind subordinate");
            }
            else if (!isContainerScope && relation.Kind == RelationKind.Subordinate)
            {
                errors.Add($"{label}: kind subordinate needs an endpoint with scope: container, but '{relation.Endpoint}' is global; use kind regular");
            }

            if (relation.Interface is { } iface && iface != endpoint.Interface)
            {
                errors.Add($"{label}: interface '{iface}' differs from the metadata's '{endpoint.Interface}'; fix it or leave it out");
            }

            if (relation.Kind == RelationKind.Peer && (relation.RemoteUnitsData.Count > 0 || relation.RemoteAppData.Count > 0))
            {
                errors.Add($"{label}: a peer relation has no remote application; put the other units' databags in peers_data and drop remote_app_data and remote_units_data");
            }

            if (relation.Kind != RelationKind.Peer && relation.PeersData.Count > 0)
            {
                errors.Add($"{label}: peers_data belongs to peer relations; put remote units in remote_units_data");
            }

            if (relation.Kind == RelationKind.Subordinate && relation.RemoteUnitsData.Count > 1)
            {
                errors.Add($"{label}: a subordinate relation has exactly one remote unit, but remote_units_data has {relation.RemoteUnitsData.Count}");
            }
        }
    }

    private static void CheckSecrets(UnitState state, List<string> errors)
    {
        foreach (var id in Duplicates(state.Secrets.Select(s => s.Id)))
        {
            errors.Add($"secret {id} appears more than once in secrets; keep one entry per secret");
        }

        foreach (var secret in state.Secrets)
        {
            if (!secret.Id.StartsWith("secret:", StringComparison.Ordinal))
            {
                errors.Add($"secret id '{secret.Id}' is not a secret URI; use secret: followed by 20 characters of [0-9a-v], e.g. secret:d0erdn5mp25c7a5ksvtg");
            }
        }
    }

    private static void CheckNetworks(CharmMeta meta, UnitState state, List<string> errors)
    {
        foreach (var binding in meta.ExtraBindings.Where(meta.Relations.ContainsKey))
        {
            errors.Add($"extra-binding '{binding}' has the name of an endpoint; rename one of them in the metadata");
        }

        foreach (var binding in state.Networks.Keys)
        {
            var isEndpoint = meta.Relations.TryGetValue(binding, out var endpoint)
                && !string.Equals(endpoint.Scope, "container", StringComparison.Ordinal);
            if (!isEndpoint && !meta.ExtraBindings.Contains(binding) && binding != "juju-info")
            {
                errors.Add($"network binding '{binding}' is neither a (non-subordinate) endpoint, an extra-binding nor juju-info; bindings allowed: {List(AllowedBindings(meta))}");
            }
        }
    }

    private static IEnumerable<string> AllowedBindings(CharmMeta meta) =>
        meta.Relations.Values.Where(r => !string.Equals(r.Scope, "container", StringComparison.Ordinal)).Select(r => r.Name)
            .Concat(meta.ExtraBindings)
            .Append("juju-info");

    private static void CheckEvent(CharmMeta meta, UnitState state, EventSpec ev, List<string> errors, List<string> warnings)
    {
        switch (ev.Kind)
        {
            case EventKind.RelationCreated or EventKind.RelationJoined or EventKind.RelationChanged
                or EventKind.RelationDeparted or EventKind.RelationBroken:
                CheckRelationEvent(state, ev, errors, warnings);
                break;
            case EventKind.PebbleReady or EventKind.PebbleCustomNotice or EventKind.PebbleCheckFailed or EventKind.PebbleCheckRecovered:
                CheckWorkloadEvent(meta, state, ev, errors, warnings);
                break;
            case EventKind.Action:
                CheckActionEvent(meta, ev, errors, warnings);
                break;
            case EventKind.StorageAttached or EventKind.StorageDetaching:
                CheckStorageEvent(meta, state, ev, errors);
                break;
            case EventKind.SecretChanged or EventKind.SecretRotate or EventKind.SecretRemove or EventKind.SecretExpired:
                CheckSecretEvent(state, ev, errors);
                break;
            case EventKind.Custom:
                warnings.Add("a custom event cannot be checked for consistency");
                break;
            default:
                break;
        }
    }

    private static void CheckRelationEvent(UnitState state, EventSpec ev, List<string> errors, List<string> warnings)
    {
        var name = EventName(ev);
        if (ev.RelationId is not { } id)
        {
            errors.Add($"{name} needs a relation: give the relation id");
            return;
        }

        if (state.GetRelation(id) is not { } relation)
        {
            errors.Add($"{name} is about relation {id}, which is not in the state's relations; add it");
            return;
        }

        if (ev.Owner is { } owner && owner != relation.Endpoint)
        {
            errors.Add($"{name} is about relation {id}, whose endpoint is '{relation.Endpoint}'; the event must be {ResolvedEvent.NameOf(ev.Kind, relation.Endpoint).Replace('_', '-')}");
        }

        if (ev.Kind is not (EventKind.RelationJoined or EventKind.RelationChanged or EventKind.RelationDeparted))
        {
            return;
        }

        var units = relation.Kind == RelationKind.Peer ? relation.PeersData : relation.RemoteUnitsData;
        if (ev.RemoteUnit is null)
        {
            if (units.Count == 0)
            {
                errors.Add($"{name} needs a remote unit, but relation {id} has none; add one to {(relation.Kind == RelationKind.Peer ? "peers_data" : "remote_units_data")} and name it as the remote unit");
            }
            else
            {
                warnings.Add($"{name} names no remote unit; Juju always sets JUJU_REMOTE_UNIT, so name one of relation {id}'s units");
            }
        }
        else if (ev.Kind != EventKind.RelationDeparted && !HasUnit(relation, units, ev.RemoteUnit))
        {
            errors.Add($"{name}: remote unit '{ev.RemoteUnit}' is not a unit of relation {id}; add its number to {(relation.Kind == RelationKind.Peer ? "peers_data" : "remote_units_data")}");
        }

        if (ev.Kind == EventKind.RelationDeparted && ev.DepartingUnit is null)
        {
            errors.Add($"{name} needs a departing unit (JUJU_DEPARTING_UNIT): name the unit that leaves");
        }
    }

    private static bool HasUnit(RelationState relation, IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> units, string unit)
    {
        var slash = unit.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(unit.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var appMatches = relation.Kind == RelationKind.Peer || unit[..slash] == relation.RemoteAppName;
        return appMatches && units.ContainsKey(number);
    }

    private static void CheckWorkloadEvent(CharmMeta meta, UnitState state, EventSpec ev, List<string> errors, List<string> warnings)
    {
        var name = EventName(ev);
        if (ev.Container is not { } containerName)
        {
            errors.Add($"{name} needs a container: give the container name");
            return;
        }

        if (ev.Owner is { } owner && owner != containerName)
        {
            errors.Add($"{name} is about container '{containerName}'; the event must be {ResolvedEvent.NameOf(ev.Kind, containerName).Replace('_', '-')}");
        }

        if (!meta.Containers.ContainsKey(containerName))
        {
            errors.Add($"{name}: container '{containerName}' is not declared under containers in the metadata ({List(meta.Containers.Keys)})");
        }

        if (state.GetContainer(containerName) is not { } container)
        {
            errors.Add($"{name}: container '{containerName}' is not in the state's containers; add it");
            return;
        }

        if (!container.CanConnect)
        {
            warnings.Add($"{name} fires while container '{containerName}' has can_connect false; Juju only sends workload events when Pebble answers");
        }

        if (ev.Kind == EventKind.PebbleCustomNotice)
        {
            if (ev.NoticeId is null)
            {
                errors.Add($"{name} needs a notice: give the notice id");
            }
            else if (!container.Notices.Any(n => n.Id == ev.NoticeId))
            {
                errors.Add($"{name}: notice '{ev.NoticeId}' is not among container '{containerName}''s notices; add it");
            }
        }

        if (ev.Kind is EventKind.PebbleCheckFailed or EventKind.PebbleCheckRecovered)
        {
            if (ev.CheckName is null)
            {
                errors.Add($"{name} needs a check: give the check name");
            }
            else if (!container.CheckInfos.Any(c => c.Name == ev.CheckName))
            {
                errors.Add($"{name}: check '{ev.CheckName}' is not among container '{containerName}''s check_infos; add it");
            }
        }
    }

    private static void CheckActionEvent(CharmMeta meta, EventSpec ev, List<string> errors, List<string> warnings)
    {
        if (ev.ActionName is not { } actionName)
        {
            errors.Add("the action event needs an action name");
            return;
        }

        if (ev.Owner is { } owner && owner != actionName)
        {
            errors.Add($"the action event is named '{owner}' but runs action '{actionName}'; make them the same");
        }

        if (!meta.Actions.TryGetValue(actionName, out var action))
        {
            errors.Add($"action '{actionName}' is not declared under actions ({List(meta.Actions.Keys)}); declare it or fix the name");
            return;
        }

        foreach (var (key, value) in ev.ActionParams)
        {
            if (!action.Params.TryGetValue(key, out var param))
            {
                var message = $"action '{actionName}': parameter '{key}' is not declared ({List(action.Params.Keys)})";
                if (action.AdditionalProperties)
                {
                    warnings.Add(message + "; Juju accepts it because additionalProperties is not false");
                }
                else
                {
                    errors.Add(message + "; Juju rejects it because additionalProperties is false");
                }

                continue;
            }

            if (param.Type is { } type && !FitsParamType(type, value))
            {
                errors.Add($"action '{actionName}': parameter '{key}' is declared {type} but is {value.GetRawText()}; give a{(type is "integer" or "object" or "array" ? "n" : string.Empty)} {type}");
            }
        }

        foreach (var required in action.Required.Where(r => !ev.ActionParams.ContainsKey(r)))
        {
            errors.Add($"action '{actionName}': required parameter '{required}' is missing; give it");
        }
    }

    private static bool FitsParamType(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => IsInteger(value),
        "number" => value.ValueKind == JsonValueKind.Number,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => true,
    };

    private static void CheckStorageEvent(CharmMeta meta, UnitState state, EventSpec ev, List<string> errors)
    {
        var name = EventName(ev);
        if (ev.StorageName is not { } storageName)
        {
            errors.Add($"{name} needs a storage: give the storage name and index");
            return;
        }

        if (ev.Owner is { } owner && owner != storageName)
        {
            errors.Add($"{name} is about storage '{storageName}'; the event must be {ResolvedEvent.NameOf(ev.Kind, storageName).Replace('_', '-')}");
        }

        if (!meta.Storages.ContainsKey(storageName))
        {
            errors.Add($"{name}: storage '{storageName}' is not declared under storage in the metadata ({List(meta.Storages.Keys)})");
        }

        var index = ev.StorageIndex ?? 0;
        if (state.GetStorage(storageName, index) is null)
        {
            errors.Add($"{name}: storage {storageName}/{index.ToString(CultureInfo.InvariantCulture)} is not in the state's storages; add it");
        }
    }

    private static void CheckSecretEvent(UnitState state, EventSpec ev, List<string> errors)
    {
        var name = EventName(ev);
        if (ev.SecretId is not { } secretId)
        {
            errors.Add($"{name} needs a secret: give the secret id");
            return;
        }

        if (state.GetSecret(secretId) is null)
        {
            errors.Add($"{name}: secret {secretId} is not in the state's secrets; add it");
        }
    }

    private static string EventName(EventSpec ev) =>
        ev.Kind switch
        {
            EventKind.Custom => "the custom event",
            _ when ev.Owner is not null || ev.Kind is EventKind.SecretChanged or EventKind.SecretRotate or EventKind.SecretRemove or EventKind.SecretExpired
                => ResolvedEvent.NameOf(ev.Kind, ev.Owner).Replace('_', '-'),
            _ => $"the {ev.Kind} event",
        };

    private static bool IsInteger(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
        && (value.TryGetInt64(out _) || (value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d));

    private static IEnumerable<string> Duplicates(IEnumerable<string> names) =>
        names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);

    private static string List(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? "none declared" : "declared: " + list;
    }

    private static string Name<T>(T? value)
        where T : struct, Enum =>
        value is { } v ? v.ToString().ToLowerInvariant() : "unset";
}
