// EventEnvelope and its snapshot: what the framework knows about an event, enough to rebuild it in a later dispatch.
using System.Globalization;
using System.Text.RegularExpressions;
using MlObs.Ops.Hosting;

namespace MlObs.Ops;

/// <summary>The resolved event, its snapshot (ops' <c>snapshot()</c> keys) and the model it runs against.</summary>
internal sealed record EventEnvelope(ResolvedEvent Resolved, IReadOnlyDictionary<string, string> Snapshot, Model Model, bool Reemitted);

/// <summary>Snapshot keys, named as ops names them so deferred events read the same in both.</summary>
internal static class SnapshotKeys
{
    public const string RelationName = "relation_name";
    public const string RelationId = "relation_id";
    public const string AppName = "app_name";
    public const string UnitName = "unit_name";
    public const string DepartingUnit = "departing_unit";
    public const string ContainerName = "container_name";
    public const string NoticeId = "notice_id";
    public const string NoticeType = "notice_type";
    public const string NoticeKey = "notice_key";
    public const string CheckName = "check_name";
    public const string SecretId = "id";
    public const string SecretLabel = "label";
    public const string SecretRevision = "revision";
    public const string StorageName = "storage_name";
    public const string StorageIndex = "storage_index";
    public const string StorageLocation = "storage_location";
    public const string StorageKind = "storage_kind";
    public const string ActionId = "id";

    /// <summary>The snapshot of the event this dispatch is about, from the Juju context.</summary>
    public static Dictionary<string, string> FromContext(JujuContext context, ResolvedEvent resolved)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        void Put(string key, string? value)
        {
            if (value is not null)
            {
                data[key] = value;
            }
        }

        switch (resolved.Kind)
        {
            case EventKind.RelationCreated or EventKind.RelationJoined or EventKind.RelationChanged
                or EventKind.RelationDeparted or EventKind.RelationBroken:
                Put(RelationName, context.RelationName ?? resolved.Owner);
                Put(RelationId, context.RelationId?.ToString(CultureInfo.InvariantCulture));
                Put(AppName, context.RemoteApp);
                Put(UnitName, context.RemoteUnit);
                Put(DepartingUnit, context.DepartingUnit);
                break;
            case EventKind.PebbleReady or EventKind.PebbleCustomNotice or EventKind.PebbleCheckFailed or EventKind.PebbleCheckRecovered:
                Put(ContainerName, context.WorkloadName ?? resolved.Owner);
                Put(NoticeId, context.NoticeId);
                Put(NoticeType, context.NoticeType);
                Put(NoticeKey, context.NoticeKey);
                Put(CheckName, context.PebbleCheckName);
                break;
            case EventKind.SecretChanged or EventKind.SecretRotate or EventKind.SecretRemove or EventKind.SecretExpired:
                Put(SecretId, context.SecretId);
                Put(SecretLabel, context.SecretLabel);
                Put(SecretRevision, context.SecretRevision?.ToString(CultureInfo.InvariantCulture));
                break;
            case EventKind.StorageAttached or EventKind.StorageDetaching:
                Put(StorageName, context.StorageName ?? resolved.Owner);
                Put(StorageIndex, context.StorageIndex?.ToString(CultureInfo.InvariantCulture));
                Put(StorageLocation, context.StorageLocation);
                Put(StorageKind, context.StorageKind);
                break;
            case EventKind.Action:
                Put(ActionId, context.ActionUuid);
                break;
            default:
                break;
        }

        return data;
    }
}

/// <summary>Builds the right event object for an envelope.</summary>
internal static class EventFactory
{
    public static HookEvent Create(EventEnvelope envelope) => envelope.Resolved.Kind switch
    {
        EventKind.RelationCreated or EventKind.RelationJoined or EventKind.RelationChanged
            or EventKind.RelationDeparted or EventKind.RelationBroken => new RelationEvent(envelope),
        EventKind.PebbleReady or EventKind.PebbleCustomNotice or EventKind.PebbleCheckFailed
            or EventKind.PebbleCheckRecovered => new WorkloadEvent(envelope),
        EventKind.SecretChanged or EventKind.SecretRotate or EventKind.SecretRemove
            or EventKind.SecretExpired => new SecretEvent(envelope),
        EventKind.StorageAttached or EventKind.StorageDetaching => new StorageEvent(envelope),
        EventKind.Action => new ActionEvent(envelope),
        EventKind.Custom => new CustomEvent(envelope),
        EventKind.CollectAppStatus or EventKind.CollectUnitStatus =>
            throw new InvalidOperationException("Collect-status events are built by the framework."),
        _ => new HookEvent(envelope),
    };
}

/// <summary>Flattens and validates action results as Juju's <c>action-set</c> expects them.</summary>
internal static partial class ActionResults
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "stdout", "stdout-encoding", "stderr", "stderr-encoding" };

    public static Dictionary<string, string> Flatten(IReadOnlyDictionary<string, object?> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(results, prefix: null, flat);
        return flat;
    }

    private static void Walk(IReadOnlyDictionary<string, object?> node, string? prefix, Dictionary<string, string> flat)
    {
        foreach (var (key, value) in node)
        {
            if (!KeyPart().IsMatch(key))
            {
                throw new ArgumentException($"Action result key '{key}' must start and end with a lowercase letter or digit and contain only lowercase letters, digits and dashes.", nameof(node));
            }

            if (Reserved.Contains(key))
            {
                throw new ArgumentException($"Action result key '{key}' is reserved by Juju (stdout, stderr and their -encoding keys).", nameof(node));
            }

            var full = prefix is null ? key : prefix + "." + key;
            if (value is IReadOnlyDictionary<string, object?> child)
            {
                Walk(child, full, flat);
                continue;
            }

            var text = value switch
            {
                null => string.Empty,
                string s => s,
                bool b => b ? "True" : "False",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
            if (!flat.TryAdd(full, text))
            {
                throw new ArgumentException($"Action result key '{full}' is given twice.", nameof(node));
            }
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPart();
}
