// JujuContext: the JUJU_* environment of one dispatch, parsed and validated per event kind as ops does.
using System.Globalization;

namespace MlObs.Ops.Hosting;

/// <summary>
/// Everything Juju tells a charm about one dispatch through <c>JUJU_*</c> environment variables.
/// This is the only place in MlObs.Ops that reads the environment.
/// </summary>
public sealed record JujuContext
{
    /// <summary>The dispatch path, e.g. <c>hooks/config-changed</c> or <c>actions/backup</c>.</summary>
    public required string DispatchPath { get; init; }

    /// <summary>The hook name (<c>JUJU_HOOK_NAME</c>); empty for actions.</summary>
    public required string HookName { get; init; }

    /// <summary>The charm directory (<c>JUJU_CHARM_DIR</c>); defaults to the working directory.</summary>
    public required string CharmDir { get; init; }

    /// <summary>This unit's name, e.g. <c>myapp/0</c>.</summary>
    public required string UnitName { get; init; }

    /// <summary>The model name.</summary>
    public required string ModelName { get; init; }

    /// <summary>The model UUID.</summary>
    public required string ModelUuid { get; init; }

    /// <summary>The Juju agent version; <c>0.0.0</c> when Juju did not say (as ops does).</summary>
    public required Version JujuVersion { get; init; }

    /// <summary>The relation endpoint of a relation hook (<c>JUJU_RELATION</c>).</summary>
    public string? RelationName { get; init; }

    /// <summary>The relation id of a relation hook (from <c>JUJU_RELATION_ID</c>, <c>endpoint:id</c>).</summary>
    public int? RelationId { get; init; }

    /// <summary>The remote application of a relation hook.</summary>
    public string? RemoteApp { get; init; }

    /// <summary>The remote unit of a relation hook; null for created and broken.</summary>
    public string? RemoteUnit { get; init; }

    /// <summary>The departing unit of a <c>-relation-departed</c> hook.</summary>
    public string? DepartingUnit { get; init; }

    /// <summary>The action name (<c>JUJU_ACTION_NAME</c>).</summary>
    public string? ActionName { get; init; }

    /// <summary>The action id (<c>JUJU_ACTION_UUID</c>).</summary>
    public string? ActionUuid { get; init; }

    /// <summary>The workload container of a Pebble event (<c>JUJU_WORKLOAD_NAME</c>).</summary>
    public string? WorkloadName { get; init; }

    /// <summary>The Pebble notice id of a custom-notice event.</summary>
    public string? NoticeId { get; init; }

    /// <summary>The Pebble notice type of a custom-notice event.</summary>
    public string? NoticeType { get; init; }

    /// <summary>The Pebble notice key of a custom-notice event.</summary>
    public string? NoticeKey { get; init; }

    /// <summary>The Pebble check of a check-failed or check-recovered event.</summary>
    public string? PebbleCheckName { get; init; }

    /// <summary>The secret URI of a secret event.</summary>
    public string? SecretId { get; init; }

    /// <summary>The secret label of a secret event, when it has one.</summary>
    public string? SecretLabel { get; init; }

    /// <summary>The secret revision of a secret-remove or secret-expired event.</summary>
    public int? SecretRevision { get; init; }

    /// <summary>The storage name of a storage event (from <c>JUJU_STORAGE_ID</c>, <c>name/index</c>).</summary>
    public string? StorageName { get; init; }

    /// <summary>The storage index of a storage event.</summary>
    public int? StorageIndex { get; init; }

    /// <summary>The storage location of a storage event, when Juju gave it.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>The storage kind of a storage event (<c>filesystem</c> or <c>block</c>), when Juju gave it.</summary>
    public string? StorageKind { get; init; }

    /// <summary>Whether <c>JUJU_DEBUG</c> is set (<c>juju debug-code</c>).</summary>
    public bool Debug { get; init; }

    /// <summary>The comma-separated <c>JUJU_DEBUG_AT</c> breakpoints.</summary>
    public IReadOnlyList<string> DebugAt { get; init; } = [];

    /// <summary>The availability zone, when known.</summary>
    public string? AvailabilityZone { get; init; }

    /// <summary>The principal unit of a subordinate, when there is one.</summary>
    public string? PrincipalUnit { get; init; }

    /// <summary>The controller API addresses.</summary>
    public IReadOnlyList<string> ApiAddresses { get; init; } = [];

    /// <summary>The model's charm proxy settings (<c>JUJU_CHARM_HTTP_PROXY</c> and friends), when set.</summary>
    public CharmProxySettings Proxy { get; init; } = new(null, null, null, null);

    /// <summary>The hook context the hook tools name (<c>JUJU_CONTEXT_ID</c>).</summary>
    internal string? ContextId { get; init; }

    /// <summary>The unit agent's hook-tool socket (<c>JUJU_AGENT_SOCKET_ADDRESS</c>).</summary>
    internal string? AgentSocketAddress { get; init; }

    /// <summary>The network of that socket (<c>JUJU_AGENT_SOCKET_NETWORK</c>: <c>unix</c> or <c>tcp</c>).</summary>
    internal string? AgentSocketNetwork { get; init; }

    /// <summary>The token jujuc sends with each call (<c>JUJU_AGENT_TOKEN</c>, Juju 3.x).</summary>
    internal string? AgentToken { get; init; }

    /// <summary>Whether <c>MLOBS_HOOK_TOOLS=exec</c> asks for hook tools to run as processes only.</summary>
    internal bool HookToolsAsProcesses { get; init; }

    /// <summary>Whether this dispatch runs an action rather than a hook.</summary>
    public bool IsAction => DispatchPath.StartsWith("actions/", StringComparison.Ordinal) || (HookName.Length == 0 && ActionName is not null);

    /// <summary>The application name, the unit name without its number.</summary>
    public string AppName => UnitName.Split('/')[0];

    /// <summary>MlObs' switch for how hook tools run: <c>socket</c> (the default) or <c>exec</c>.</summary>
    internal const string HookToolsVariable = "MLOBS_HOOK_TOOLS";

    /// <summary>Reads and validates the context from the process environment.</summary>
    /// <param name="charmDirFallback">The directory to use when <c>JUJU_CHARM_DIR</c> is unset.</param>
    /// <exception cref="JujuContextException">A variable the event needs is missing or malformed.</exception>
    public static JujuContext FromEnvironment(string? charmDirFallback = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return FromDictionary(env, charmDirFallback);
    }

    /// <summary>Reads and validates the context from the given variables.</summary>
    /// <param name="environment">The environment of the dispatch.</param>
    /// <param name="charmDirFallback">The directory to use when <c>JUJU_CHARM_DIR</c> is unset.</param>
    /// <exception cref="JujuContextException">A variable the event needs is missing or malformed.</exception>
    public static JujuContext FromDictionary(IReadOnlyDictionary<string, string> environment, string? charmDirFallback = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var reader = new Reader(environment);

        var dispatchPath = reader.Required("JUJU_DISPATCH_PATH", "every dispatch", allowEmpty: false);
        var hookName = reader.Required("JUJU_HOOK_NAME", "every dispatch", allowEmpty: true);
        var unitName = reader.Required("JUJU_UNIT_NAME", "every dispatch", allowEmpty: false);
        if (!unitName.Contains('/', StringComparison.Ordinal))
        {
            throw new JujuContextException($"JUJU_UNIT_NAME '{unitName}' is not a unit name (expected 'app/N').");
        }

        var modelName = reader.Required("JUJU_MODEL_NAME", "every dispatch", allowEmpty: true);
        var modelUuid = reader.Required("JUJU_MODEL_UUID", "every dispatch", allowEmpty: true);
        var versionText = reader.Optional("JUJU_VERSION") ?? "0.0.0";
        var version = ParseJujuVersion(versionText);

        var name = Hosting.DispatchPath.Parse(dispatchPath);
        var context = new JujuContext
        {
            DispatchPath = dispatchPath,
            HookName = hookName,
            CharmDir = reader.Optional("JUJU_CHARM_DIR") ?? charmDirFallback ?? Directory.GetCurrentDirectory(),
            UnitName = unitName,
            ModelName = modelName,
            ModelUuid = modelUuid,
            JujuVersion = version,
            Debug = environment.ContainsKey("JUJU_DEBUG"),
            DebugAt = SplitList(reader.Optional("JUJU_DEBUG_AT"), ','),
            AvailabilityZone = reader.Optional("JUJU_AVAILABILITY_ZONE"),
            PrincipalUnit = reader.Optional("JUJU_PRINCIPAL_UNIT"),
            ApiAddresses = SplitList(reader.Optional("JUJU_API_ADDRESSES"), ' '),
            Proxy = new CharmProxySettings(
                reader.Optional("JUJU_CHARM_HTTP_PROXY"),
                reader.Optional("JUJU_CHARM_HTTPS_PROXY"),
                reader.Optional("JUJU_CHARM_FTP_PROXY"),
                reader.Optional("JUJU_CHARM_NO_PROXY")),
            RelationName = reader.Optional("JUJU_RELATION"),
            RemoteApp = reader.Optional("JUJU_REMOTE_APP"),
            RemoteUnit = reader.Optional("JUJU_REMOTE_UNIT"),
            DepartingUnit = reader.Optional("JUJU_DEPARTING_UNIT"),
            ActionName = reader.Optional("JUJU_ACTION_NAME"),
            ActionUuid = reader.Optional("JUJU_ACTION_UUID"),
            WorkloadName = reader.Optional("JUJU_WORKLOAD_NAME"),
            NoticeId = reader.Optional("JUJU_NOTICE_ID"),
            NoticeType = reader.Optional("JUJU_NOTICE_TYPE"),
            NoticeKey = reader.Optional("JUJU_NOTICE_KEY"),
            PebbleCheckName = reader.Optional("JUJU_PEBBLE_CHECK_NAME"),
            SecretId = reader.Optional("JUJU_SECRET_ID"),
            SecretLabel = reader.Optional("JUJU_SECRET_LABEL"),
            StorageLocation = reader.Optional("JUJU_STORAGE_LOCATION"),
            StorageKind = reader.Optional("JUJU_STORAGE_KIND"),
            ContextId = reader.Optional("JUJU_CONTEXT_ID"),
            AgentSocketAddress = reader.Optional("JUJU_AGENT_SOCKET_ADDRESS"),
            AgentSocketNetwork = reader.Optional("JUJU_AGENT_SOCKET_NETWORK"),
            AgentToken = reader.Optional("JUJU_AGENT_TOKEN"),
            HookToolsAsProcesses = reader.Optional(HookToolsVariable) switch
            {
                null or "socket" => false,
                "exec" => true,
                var other => throw new JujuContextException($"{HookToolsVariable} '{other}' is not 'socket' (the default: calls on the agent's socket, processes as a fallback) or 'exec' (every hook tool a process)."),
            },
        };

        // Per-kind requirements, as ops' JujuContext.from_environ checks them.
        var label = $"'{dispatchPath}'";
        if (name.IsAction)
        {
            reader.Required("JUJU_ACTION_NAME", $"action {label}", allowEmpty: false);
            reader.Required("JUJU_ACTION_UUID", $"action {label}", allowEmpty: false);
            return context;
        }

        var hook = name.RawName;
        if (TryRelationSuffix(hook, out var relationKind))
        {
            var what = $"relation event {label}";
            reader.Required("JUJU_RELATION", what, allowEmpty: false);
            var relationId = reader.Required("JUJU_RELATION_ID", what, allowEmpty: false);
            reader.Required("JUJU_REMOTE_APP", what, allowEmpty: true);
            if (relationKind is "joined" or "changed" or "departed")
            {
                reader.Required("JUJU_REMOTE_UNIT", what, allowEmpty: true);
            }

            if (relationKind == "departed")
            {
                reader.Required("JUJU_DEPARTING_UNIT", what, allowEmpty: true);
            }

            context = context with
            {
                RelationId = ParseRelationId(relationId),
                RemoteApp = context.RemoteApp ?? AppOf(context.RemoteUnit),
            };
        }
        else if (hook is "secret-changed" or "secret-rotate" or "secret-remove" or "secret-expired")
        {
            var what = $"secret event {label}";
            reader.Required("JUJU_SECRET_ID", what, allowEmpty: false);
            if (hook is "secret-remove" or "secret-expired")
            {
                var revision = reader.Required("JUJU_SECRET_REVISION", what, allowEmpty: false);
                context = context with { SecretRevision = ParseInt("JUJU_SECRET_REVISION", revision) };
            }
        }
        else if (hook.EndsWith("-pebble-ready", StringComparison.Ordinal))
        {
            reader.Required("JUJU_WORKLOAD_NAME", $"workload event {label}", allowEmpty: false);
        }
        else if (hook.EndsWith("-pebble-custom-notice", StringComparison.Ordinal))
        {
            var what = $"Pebble notice event {label}";
            reader.Required("JUJU_WORKLOAD_NAME", what, allowEmpty: false);
            reader.Required("JUJU_NOTICE_ID", what, allowEmpty: false);
            reader.Required("JUJU_NOTICE_TYPE", what, allowEmpty: false);
            reader.Required("JUJU_NOTICE_KEY", what, allowEmpty: false);
        }
        else if (hook.EndsWith("-pebble-check-failed", StringComparison.Ordinal) || hook.EndsWith("-pebble-check-recovered", StringComparison.Ordinal))
        {
            var what = $"Pebble check event {label}";
            reader.Required("JUJU_WORKLOAD_NAME", what, allowEmpty: false);
            reader.Required("JUJU_PEBBLE_CHECK_NAME", what, allowEmpty: false);
        }
        else if (hook.EndsWith("-storage-attached", StringComparison.Ordinal) || hook.EndsWith("-storage-detaching", StringComparison.Ordinal))
        {
            var storageId = reader.Required("JUJU_STORAGE_ID", $"storage event {label}", allowEmpty: false);
            var slash = storageId.LastIndexOf('/');
            if (slash <= 0)
            {
                throw new JujuContextException($"JUJU_STORAGE_ID '{storageId}' is not a storage id (expected 'name/index').");
            }

            context = context with
            {
                StorageName = storageId[..slash],
                StorageIndex = ParseInt("JUJU_STORAGE_ID", storageId[(slash + 1)..]),
            };
        }

        return context;
    }

    internal static bool TryRelationSuffix(string hookName, out string kind)
    {
        foreach (var candidate in RelationKinds)
        {
            if (hookName.EndsWith("-relation-" + candidate, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = string.Empty;
        return false;
    }

    private static readonly string[] RelationKinds = ["created", "joined", "changed", "departed", "broken"];

    private static int ParseRelationId(string value)
    {
        // As ops: int(JUJU_RELATION_ID.split(':')[-1]).
        var tail = value[(value.LastIndexOf(':') + 1)..];
        return int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new JujuContextException($"JUJU_RELATION_ID '{value}' is not a relation id (expected 'endpoint:N').");
    }

    private static int ParseInt(string variable, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new JujuContextException($"{variable} '{value}' is not a non-negative integer.");

    private static Version ParseJujuVersion(string text)
    {
        // Juju versions look like 3.6.8, 3.6-beta2 or 3.6.8.1; keep the numeric prefix. A plain loop, not LINQ: this
        // runs in every dispatch, and generic LINQ over chars makes a Native AOT process resolve methods at run time.
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
        {
            end++;
        }

        var parts = text[..end].Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new JujuContextException($"JUJU_VERSION '{text}' is not a Juju version.");
        }

        var numbers = new int[Math.Min(parts.Length, 4)];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = int.Parse(parts[i], CultureInfo.InvariantCulture);
        }

        return numbers.Length switch
        {
            1 => new Version(numbers[0], 0, 0),
            2 => new Version(numbers[0], numbers[1], 0),
            3 => new Version(numbers[0], numbers[1], numbers[2]),
            _ => new Version(numbers[0], numbers[1], numbers[2], numbers[3]),
        };
    }

    private static string? AppOf(string? unit) => string.IsNullOrEmpty(unit) ? null : unit.Split('/')[0];

    private static string[] SplitList(string? value, char separator) =>
        value is null ? [] : value.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed class Reader(IReadOnlyDictionary<string, string> environment)
    {
        // ops treats an empty value as absent for optional variables.
        public string? Optional(string name) =>
            environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        public string Required(string name, string neededBy, bool allowEmpty)
        {
            if (!environment.TryGetValue(name, out var value))
            {
                throw new JujuContextException($"{name} is required for {neededBy} but is not set; is this running under Juju (or `mlobs charm run`)?");
            }

            if (!allowEmpty && value.Length == 0)
            {
                throw new JujuContextException($"{name} is required for {neededBy} but is empty.");
            }

            return value;
        }
    }
}

/// <summary>The model's proxy settings for charms, as Juju exports them.</summary>
/// <param name="HttpProxy"><c>JUJU_CHARM_HTTP_PROXY</c>.</param>
/// <param name="HttpsProxy"><c>JUJU_CHARM_HTTPS_PROXY</c>.</param>
/// <param name="FtpProxy"><c>JUJU_CHARM_FTP_PROXY</c>.</param>
/// <param name="NoProxy"><c>JUJU_CHARM_NO_PROXY</c>.</param>
public sealed record CharmProxySettings(string? HttpProxy, string? HttpsProxy, string? FtpProxy, string? NoProxy);

/// <summary>The dispatch environment is missing a variable the event needs, or one is malformed.</summary>
public sealed class JujuContextException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JujuContextException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, naming the variable.</param>
    public JujuContextException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong, naming the variable.</param>
    /// <param name="innerException">The cause.</param>
    public JujuContextException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
