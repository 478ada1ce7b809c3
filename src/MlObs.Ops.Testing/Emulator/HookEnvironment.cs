// HookEnvironment: the environment Juju's unit agent gives a hook (ops-contract §1.2): the variables
// set for every hook, the per-kind ones (relation, action, workload, secret, storage) and the OS
// ones, built from the state and the event.
using System.Globalization;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>Where a hook runs and how its hook tools reach the emulated agent.</summary>
/// <param name="CharmDir">The charm dir (<c>JUJU_CHARM_DIR</c>, the hook's working directory).</param>
/// <param name="UnitName">The unit, <c>app/N</c>.</param>
/// <param name="JujuVersion">The agent version (<c>JUJU_VERSION</c>).</param>
/// <param name="ContextId">The hook context id the tools send (<c>JUJU_CONTEXT_ID</c>).</param>
/// <param name="AgentSocket">The unix socket of the hook-tool server (<c>JUJU_AGENT_SOCKET_ADDRESS</c>).</param>
/// <param name="ToolsDir">The directory of hook-tool links, put first on <c>PATH</c>; null to leave <c>PATH</c> alone.</param>
/// <param name="ActionId">The action id (<c>JUJU_ACTION_UUID</c>) for actions.</param>
public sealed record HookSite(
    string CharmDir,
    string UnitName,
    string JujuVersion,
    string ContextId,
    string AgentSocket,
    string? ToolsDir,
    string ActionId = UnitAgent.DefaultActionId);

/// <summary>Builds a hook's environment as the unit agent does.</summary>
public static class HookEnvironment
{
    /// <summary>The search path after the tools dir when the caller's own <c>PATH</c> is empty.</summary>
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Passed through to hooks on Kubernetes (Juju's ContextAllowedEnvVars), when the emulator has them.
    private static readonly string[] KubernetesVariables =
    [
        "KUBERNETES_PORT", "KUBERNETES_PORT_443_TCP", "KUBERNETES_PORT_443_TCP_ADDR", "KUBERNETES_PORT_443_TCP_PORT",
        "KUBERNETES_PORT_443_TCP_PROTO", "KUBERNETES_SERVICE", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
        "KUBERNETES_SERVICE_PORT_HTTPS",
    ];

    /// <summary>The hook name Juju gives the event (<c>db-relation-changed</c>, <c>workload-pebble-ready</c>), or the action name.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The name under <c>hooks/</c> or <c>actions/</c>.</returns>
    public static string HookName(EventSpec @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (@event.Kind == EventKind.Custom)
        {
            return @event.Owner ?? throw new ArgumentException("a custom event needs its hook name in Owner", nameof(@event));
        }

        if (@event.Kind == EventKind.Action)
        {
            return @event.ActionName ?? @event.Owner ?? throw new ArgumentException("an action event needs its name", nameof(@event));
        }

        // ops' name is <owner>_<suffix>; Juju's keeps the owner as declared and dashes the suffix.
        var opsName = ResolvedEvent.NameOf(@event.Kind, @event.Owner);
        if (@event.Owner is null)
        {
            return opsName.Replace('_', '-');
        }

        var suffix = opsName[@event.Owner.Length..];
        return @event.Owner + suffix.Replace('_', '-');
    }

    /// <summary>The dispatch path: <c>hooks/&lt;hook&gt;</c> or <c>actions/&lt;action&gt;</c>.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The value of <c>JUJU_DISPATCH_PATH</c>.</returns>
    public static string DispatchPath(EventSpec @event) =>
        (@event ?? throw new ArgumentNullException(nameof(@event))).Kind == EventKind.Action
            ? $"actions/{HookName(@event)}"
            : $"hooks/{HookName(@event)}";

    /// <summary>Where a storage instance is mounted: its declared location, else Juju's default for the instance.</summary>
    /// <param name="storage">The storage instance.</param>
    /// <returns>The location <c>storage-get</c> reports.</returns>
    public static string StorageLocation(StorageState storage) =>
        (storage ?? throw new ArgumentNullException(nameof(storage))).Location
        ?? string.Create(CultureInfo.InvariantCulture, $"/var/lib/juju/storage/{storage.Name}/{storage.Index}");

    /// <summary>The whole environment of the hook, nothing inherited except <c>PATH</c> (after the tools dir) and Kubernetes' service variables.</summary>
    /// <param name="meta">The charm's metadata.</param>
    /// <param name="state">The state the hook sees.</param>
    /// <param name="event">The event.</param>
    /// <param name="site">Where the hook runs.</param>
    /// <returns>The variables.</returns>
    public static Dictionary<string, string> Build(CharmMeta meta, UnitState state, EventSpec @event, HookSite site)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(site);

        var hostPath = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : DefaultPath;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUJU_DISPATCH_PATH"] = DispatchPath(@event),
            ["JUJU_HOOK_NAME"] = @event.Kind == EventKind.Action ? string.Empty : HookName(@event),
            ["JUJU_CHARM_DIR"] = site.CharmDir,
            ["CHARM_DIR"] = site.CharmDir,
            ["JUJU_UNIT_NAME"] = site.UnitName,
            ["JUJU_MODEL_NAME"] = state.Model.Name,
            ["JUJU_MODEL_UUID"] = state.Model.Uuid,
            ["JUJU_VERSION"] = site.JujuVersion,
            ["JUJU_CONTEXT_ID"] = site.ContextId,
            ["JUJU_AGENT_SOCKET_ADDRESS"] = site.AgentSocket,
            ["JUJU_AGENT_SOCKET_NETWORK"] = "unix",
            ["JUJU_API_ADDRESSES"] = string.Empty,
            ["JUJU_SLA"] = "unsupported",
            ["CLOUD_API_VERSION"] = string.Empty,
            ["JUJU_MACHINE_ID"] = string.Empty,
            ["JUJU_PRINCIPAL_UNIT"] = string.Empty,
            ["JUJU_AVAILABILITY_ZONE"] = string.Empty,
            ["JUJU_CHARM_HTTP_PROXY"] = string.Empty,
            ["JUJU_CHARM_HTTPS_PROXY"] = string.Empty,
            ["JUJU_CHARM_FTP_PROXY"] = string.Empty,
            ["JUJU_CHARM_NO_PROXY"] = string.Empty,
            ["PATH"] = site.ToolsDir is null ? hostPath : $"{site.ToolsDir}:{hostPath}",
            ["LANG"] = "C.UTF-8",
            ["TERM"] = "tmux-256color",
            ["DEBIAN_FRONTEND"] = "noninteractive",
            ["APT_LISTCHANGES_FRONTEND"] = "none",
        };

        foreach (var name in KubernetesVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                env[name] = value;
            }
        }

        AddEventVariables(env, state, @event, site, meta);
        return env;
    }

    private static void AddEventVariables(Dictionary<string, string> env, UnitState state, EventSpec @event, HookSite site, CharmMeta meta)
    {
        switch (@event.Kind)
        {
            case EventKind.RelationCreated or EventKind.RelationJoined or EventKind.RelationChanged
                or EventKind.RelationDeparted or EventKind.RelationBroken:
                AddRelation(env, site.UnitName.Split('/')[0], state, @event);
                break;
            case EventKind.Action:
                env["JUJU_ACTION_NAME"] = HookName(@event);
                env["JUJU_ACTION_UUID"] = site.ActionId;
                env["JUJU_ACTION_TAG"] = $"action-{site.ActionId}";
                break;
            case EventKind.PebbleReady or EventKind.PebbleCustomNotice or EventKind.PebbleCheckFailed or EventKind.PebbleCheckRecovered:
                AddWorkload(env, state, @event);
                break;
            case EventKind.SecretChanged or EventKind.SecretRotate or EventKind.SecretRemove or EventKind.SecretExpired:
                var secret = @event.SecretId is null ? null : state.GetSecret(@event.SecretId);
                env["JUJU_SECRET_ID"] = secret?.Id ?? @event.SecretId ?? string.Empty;
                env["JUJU_SECRET_LABEL"] = secret?.Label ?? string.Empty;
                if (@event.Kind is EventKind.SecretRemove or EventKind.SecretExpired && @event.SecretRevision is > 0)
                {
                    env["JUJU_SECRET_REVISION"] = @event.SecretRevision.Value.ToString(CultureInfo.InvariantCulture);
                }

                break;
            case EventKind.StorageAttached or EventKind.StorageDetaching:
                var name = @event.StorageName ?? @event.Owner ?? string.Empty;
                var index = @event.StorageIndex ?? 0;
                var storage = state.GetStorage(name, index) ?? new StorageState(name, index);
                env["JUJU_STORAGE_ID"] = string.Create(CultureInfo.InvariantCulture, $"{name}/{index}");
                env["JUJU_STORAGE_LOCATION"] = StorageLocation(storage);
                env["JUJU_STORAGE_KIND"] = meta.Storages.TryGetValue(name, out var storageMeta) && storageMeta.Type == "block" ? "block" : "filesystem";
                break;
            default:
                break;
        }
    }

    private static void AddRelation(Dictionary<string, string> env, string appName, UnitState state, EventSpec @event)
    {
        var relation = @event.RelationId is { } id ? state.GetRelation(id) : null;
        var endpoint = relation?.Endpoint ?? @event.Owner ?? string.Empty;
        env["JUJU_RELATION"] = endpoint;
        env["JUJU_RELATION_ID"] = string.Create(CultureInfo.InvariantCulture, $"{endpoint}:{@event.RelationId}");
        var remoteApp = relation is null ? string.Empty
            : relation.Kind == RelationKind.Peer ? appName : relation.RemoteAppName;
        env["JUJU_REMOTE_APP"] = remoteApp;
        var remoteUnit = string.Empty;
        if (@event.Kind is EventKind.RelationJoined or EventKind.RelationChanged or EventKind.RelationDeparted)
        {
            // As Scenario does: without an explicit remote unit, the relation's first one.
            var names = relation?.RemoteUnitNames(appName) ?? [];
            remoteUnit = @event.RemoteUnit ?? (names.Count > 0 ? names[0] : string.Empty);
        }

        env["JUJU_REMOTE_UNIT"] = remoteUnit;
        if (@event.Kind == EventKind.RelationDeparted)
        {
            env["JUJU_DEPARTING_UNIT"] = @event.DepartingUnit ?? remoteUnit;
        }
    }

    private static void AddWorkload(Dictionary<string, string> env, UnitState state, EventSpec @event)
    {
        var container = @event.Container ?? @event.Owner ?? string.Empty;
        env["JUJU_WORKLOAD_NAME"] = container;
        if (@event.Kind == EventKind.PebbleCustomNotice)
        {
            var notice = state.GetContainer(container)?.Notices.FirstOrDefault(n => n.Id == @event.NoticeId);
            env["JUJU_NOTICE_ID"] = @event.NoticeId ?? string.Empty;
            env["JUJU_NOTICE_TYPE"] = notice?.Type ?? "custom";
            env["JUJU_NOTICE_KEY"] = notice?.Key ?? string.Empty;
        }

        if (@event.Kind is EventKind.PebbleCheckFailed or EventKind.PebbleCheckRecovered)
        {
            env["JUJU_PEBBLE_CHECK_NAME"] = @event.CheckName ?? string.Empty;
        }
    }
}
