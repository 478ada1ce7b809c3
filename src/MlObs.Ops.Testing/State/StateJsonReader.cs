// StateJsonReader: turns a parsed state document into a UnitState, checking every field's presence,
// type and name, and reporting the first problem with its JSON path.
using System.Globalization;
using System.Text.Json;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.State;

internal static class StateJsonReader
{
    public static UnitState Read(JsonElement root)
    {
        const string path = "";
        // An output document (OUT.json) may be read back as the next run's input: its run records
        // are allowed at the root and ignored.
        ExpectObject(root, path, [.. StateJsonNames.State, .. StateJsonNames.RunRecords]);
        var state = UnitState.Empty;
        if (Field(root, "config", out var config))
        {
            state = state with { Config = ReadConfig(config, "config") };
        }

        if (Field(root, "relations", out var relations))
        {
            state = state with { Relations = List(relations, "relations", ReadRelation) };
        }

        if (Field(root, "networks", out var networks))
        {
            state = state with { Networks = Map(networks, "networks", "an object of networks", ReadNetwork) };
        }

        if (Field(root, "containers", out var containers))
        {
            state = state with { Containers = List(containers, "containers", ReadContainer) };
        }

        if (Field(root, "secrets", out var secrets))
        {
            state = state with { Secrets = List(secrets, "secrets", ReadSecret) };
        }

        if (Field(root, "storages", out var storages))
        {
            state = state with { Storages = List(storages, "storages", ReadStorage) };
        }

        if (Field(root, "opened_ports", out var ports))
        {
            state = state with { OpenedPorts = List(ports, "opened_ports", ReadPort) };
        }

        if (Field(root, "leader", out var leader))
        {
            state = state with { Leader = Bool(leader, "leader") };
        }

        if (Field(root, "model", out var model))
        {
            state = state with { Model = ReadModel(model, "model") };
        }

        if (Field(root, "resources", out var resources))
        {
            state = state with { Resources = StringMap(resources, "resources") };
        }

        if (Field(root, "planned_units", out var planned))
        {
            state = state with { PlannedUnits = Int(planned, "planned_units", 0) };
        }

        if (Field(root, "unit_state_data", out var stored))
        {
            state = state with { UnitStateData = StringMap(stored, "unit_state_data") };
        }

        if (Field(root, "unit_status", out var unitStatus))
        {
            state = state with { UnitStatus = ReadStatus(unitStatus, "unit_status") };
        }

        if (Field(root, "app_status", out var appStatus))
        {
            state = state with { AppStatus = ReadStatus(appStatus, "app_status") };
        }

        if (Field(root, "workload_version", out var version))
        {
            state = state with { WorkloadVersion = Str(version, "workload_version") };
        }

        if (Field(root, "$schema", out var schema))
        {
            Str(schema, "$schema");
        }

        return state;
    }

    private static Dictionary<string, JsonElement> ReadConfig(JsonElement element, string path) =>
        Map(element, path, "an object of option values", (value, valuePath) =>
            value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                ? value.Clone()
                : throw Expected(valuePath, "a string, number or boolean", value));

    private static RelationState ReadRelation(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Relation);
        var kind = Field(element, "kind", out var k)
            ? Enum(k, Child(path, "kind"), RelationKinds)
            : RelationKind.Regular;
        var id = Int(Required(element, path, "id"), Child(path, "id"), 0);
        var endpoint = Str(Required(element, path, "endpoint"), Child(path, "endpoint"));
        var relation = kind switch
        {
            RelationKind.Peer => RelationState.Peer(endpoint, id),
            RelationKind.Subordinate => RelationState.Subordinate(endpoint, id),
            _ => RelationState.Regular(endpoint, id),
        };
        if (Field(element, "interface", out var iface))
        {
            relation = relation with { Interface = Str(iface, Child(path, "interface")) };
        }

        if (Field(element, "remote_app_name", out var app))
        {
            relation = relation with { RemoteAppName = Str(app, Child(path, "remote_app_name")) };
        }

        if (Field(element, "local_app_data", out var localApp))
        {
            relation = relation with { LocalAppData = StringMap(localApp, Child(path, "local_app_data")) };
        }

        if (Field(element, "local_unit_data", out var localUnit))
        {
            relation = relation with { LocalUnitData = StringMap(localUnit, Child(path, "local_unit_data")) };
        }

        if (Field(element, "remote_app_data", out var remoteApp))
        {
            relation = relation with { RemoteAppData = StringMap(remoteApp, Child(path, "remote_app_data")) };
        }

        if (Field(element, "remote_units_data", out var remoteUnits))
        {
            relation = relation with { RemoteUnitsData = UnitMap(remoteUnits, Child(path, "remote_units_data")) };
        }

        if (Field(element, "peers_data", out var peers))
        {
            relation = relation with { PeersData = UnitMap(peers, Child(path, "peers_data")) };
        }

        if (Field(element, "remote_model_uuid", out var uuid))
        {
            relation = relation with { RemoteModelUuid = Str(uuid, Child(path, "remote_model_uuid")) };
        }

        return relation;
    }

    private static NetworkState ReadNetwork(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Network);
        var network = NetworkState.Default;
        if (Field(element, "bind_addresses", out var bind))
        {
            network = network with { BindAddresses = List(bind, Child(path, "bind_addresses"), ReadBindAddress) };
        }

        if (Field(element, "ingress_addresses", out var ingress))
        {
            network = network with { IngressAddresses = StringList(ingress, Child(path, "ingress_addresses")) };
        }

        if (Field(element, "egress_subnets", out var egress))
        {
            network = network with { EgressSubnets = StringList(egress, Child(path, "egress_subnets")) };
        }

        return network;
    }

    private static BindAddressState ReadBindAddress(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.BindAddress);
        return new BindAddressState
        {
            InterfaceName = OptStr(element, path, "interface_name") ?? string.Empty,
            MacAddress = OptStr(element, path, "mac_address"),
            Addresses = Field(element, "addresses", out var addresses)
                ? List(addresses, Child(path, "addresses"), ReadAddress)
                : [],
        };
    }

    private static AddressState ReadAddress(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Address);
        return new AddressState(
            Str(Required(element, path, "value"), Child(path, "value")),
            OptStr(element, path, "cidr") ?? string.Empty,
            OptStr(element, path, "hostname") ?? string.Empty);
    }

    private static ContainerState ReadContainer(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Container);
        var container = new ContainerState { Name = Str(Required(element, path, "name"), Child(path, "name")) };
        if (Field(element, "can_connect", out var canConnect))
        {
            container = container with { CanConnect = Bool(canConnect, Child(path, "can_connect")) };
        }

        if (OptStr(element, path, "boot_id") is { } bootId)
        {
            container = container with
            {
                BootId = bootId.Length > 0 ? bootId : throw new StateFormatException(Child(path, "boot_id"), "expected a boot id, got an empty string (leave the field out for a fresh one)", null),
            };
        }

        if (Field(element, "layers", out var layers))
        {
            container = container with { Layers = Map(layers, Child(path, "layers"), "an object of layer YAML texts", ReadLayer) };
        }

        if (Field(element, "service_statuses", out var statuses))
        {
            container = container with
            {
                ServiceStatuses = Map(statuses, Child(path, "service_statuses"), "an object of service statuses", (e, p) => Enum(e, p, ServiceStatuses)),
            };
        }

        if (Field(element, "mounts", out var mounts))
        {
            container = container with { Mounts = Map(mounts, Child(path, "mounts"), "an object of mounts", ReadMount) };
        }

        if (Field(element, "execs", out var execs))
        {
            container = container with { Execs = List(execs, Child(path, "execs"), ReadExec) };
        }

        if (Field(element, "notices", out var notices))
        {
            container = container with { Notices = List(notices, Child(path, "notices"), ReadNotice) };
        }

        if (Field(element, "check_infos", out var checks))
        {
            container = container with { CheckInfos = List(checks, Child(path, "check_infos"), ReadCheckInfo) };
        }

        return container;
    }

    private static Layer ReadLayer(JsonElement element, string path)
    {
        var yaml = element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw Expected(path, "a string of layer YAML", element);
        try
        {
            return Layer.FromYaml(yaml);
        }
        catch (PebbleLayerException ex)
        {
            throw new StateFormatException(path, $"invalid Pebble layer: {ex.Message}", ex);
        }
    }

    private static MountState ReadMount(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Mount);
        return new MountState(
            Str(Required(element, path, "location"), Child(path, "location")),
            Str(Required(element, path, "source"), Child(path, "source")));
    }

    private static ExecState ReadExec(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Exec);
        return new ExecState
        {
            CommandPrefix = StringList(Required(element, path, "command_prefix"), Child(path, "command_prefix")),
            ReturnCode = Field(element, "return_code", out var rc) ? Int(rc, Child(path, "return_code"), int.MinValue) : 0,
            Stdout = OptStr(element, path, "stdout") ?? string.Empty,
            Stderr = OptStr(element, path, "stderr") ?? string.Empty,
        };
    }

    private static Notice ReadNotice(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Notice);
        var first = OptTime(element, path, "first_occurred") ?? DateTimeOffset.UnixEpoch;
        var last = OptTime(element, path, "last_occurred") ?? first;
        return new Notice(
            Str(Required(element, path, "id"), Child(path, "id")),
            Field(element, "user_id", out var user) ? Int(user, Child(path, "user_id"), 0) : (long?)null,
            OptStr(element, path, "type") ?? "custom",
            Str(Required(element, path, "key"), Child(path, "key")),
            first,
            last,
            OptTime(element, path, "last_repeated") ?? last,
            Field(element, "occurrences", out var occurrences) ? Int(occurrences, Child(path, "occurrences"), 1) : 1,
            Field(element, "last_data", out var data) ? StringMap(data, Child(path, "last_data")) : new Dictionary<string, string>(StringComparer.Ordinal),
            OptDuration(element, path, "repeat_after"),
            OptDuration(element, path, "expire_after"));
    }

    private static CheckInfo ReadCheckInfo(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.CheckInfo);
        return new CheckInfo(
            Str(Required(element, path, "name"), Child(path, "name")),
            Field(element, "level", out var level) ? Enum(level, Child(path, "level"), CheckLevels) : null,
            Field(element, "startup", out var startup) ? Enum(startup, Child(path, "startup"), StartupModes) : StartupMode.Enabled,
            Field(element, "status", out var status) ? Enum(status, Child(path, "status"), CheckStatuses) : CheckStatus.Up,
            Field(element, "successes", out var successes) ? Int(successes, Child(path, "successes"), 0) : 0,
            Field(element, "failures", out var failures) ? Int(failures, Child(path, "failures"), 0) : 0,
            Field(element, "threshold", out var threshold) ? Int(threshold, Child(path, "threshold"), 1) : 3,
            OptStr(element, path, "change_id"),
            OptStr(element, path, "prev_change_id"));
    }

    private static SecretState ReadSecret(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Secret);
        var secret = new SecretState
        {
            Id = Str(Required(element, path, "id"), Child(path, "id")),
            TrackedContent = StringMap(Required(element, path, "tracked_content"), Child(path, "tracked_content")),
            Owner = Field(element, "owner", out var owner) ? Enum(owner, Child(path, "owner"), SecretOwners) : null,
            Label = OptStr(element, path, "label"),
            Description = OptStr(element, path, "description"),
            LatestContent = Field(element, "latest_content", out var latest) ? StringMap(latest, Child(path, "latest_content")) : null,
            TrackedRevision = Field(element, "tracked_revision", out var tracked) ? Int(tracked, Child(path, "tracked_revision"), 1) : 1,
            Expire = OptTime(element, path, "expire"),
            Rotate = Field(element, "rotate", out var rotate) ? Enum(rotate, Child(path, "rotate"), RotatePolicies) : null,
            RemoteGrants = Field(element, "remote_grants", out var grants)
                ? IntKeyMap<IReadOnlyList<string>>(grants, Child(path, "remote_grants"), "relation id", "an object of grant lists", StringList)
                : new Dictionary<int, IReadOnlyList<string>>(),
        };
        var latestRevision = Field(element, "latest_revision", out var lr)
            ? Int(lr, Child(path, "latest_revision"), secret.TrackedRevision)
            : secret.TrackedRevision;
        if (latestRevision < secret.TrackedRevision)
        {
            throw new StateFormatException(Child(path, "latest_revision"), $"must be at least tracked_revision ({secret.TrackedRevision})", null);
        }

        return secret with { LatestRevision = latestRevision };
    }

    private static StorageState ReadStorage(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Storage);
        return new StorageState(
            Str(Required(element, path, "name"), Child(path, "name")),
            Field(element, "index", out var index) ? Int(index, Child(path, "index"), 0) : 0,
            OptStr(element, path, "location"));
    }

    private static PortState ReadPort(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Port);
        var protocol = Enum(Required(element, path, "protocol"), Child(path, "protocol"), PortProtocols);
        var hasPort = Field(element, "port", out var portElement);
        if (protocol == PortProtocol.Icmp)
        {
            return hasPort
                ? throw new StateFormatException(Child(path, "port"), "an icmp port has no port number", null)
                : new PortState(protocol, null);
        }

        if (!hasPort)
        {
            throw Missing(path, "port");
        }

        var port = Int(portElement, Child(path, "port"), 1);
        return port > 65535
            ? throw new StateFormatException(Child(path, "port"), $"expected a port number from 1 to 65535, got {port}", null)
            : new PortState(protocol, port);
    }

    private static ModelState ReadModel(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Model);
        var fallback = ModelState.Default;
        return new ModelState(
            OptStr(element, path, "name") ?? fallback.Name,
            OptStr(element, path, "uuid") ?? fallback.Uuid,
            Field(element, "type", out var type) ? Enum(type, Child(path, "type"), ModelTypes) : fallback.Type);
    }

    private static StatusState ReadStatus(JsonElement element, string path)
    {
        ExpectObject(element, path, StateJsonNames.Status);
        var name = Str(Required(element, path, "name"), Child(path, "name"));
        if (!StatusState.Names.Contains(name))
        {
            throw new StateFormatException(Child(path, "name"), $"expected one of {string.Join("|", StatusState.Names)}, got \"{name}\"", null);
        }

        return new StatusState(name, OptStr(element, path, "message") ?? string.Empty);
    }

    // ---- Shapes ----

    private static void ExpectObject(JsonElement element, string path, IReadOnlyList<string> allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Expected(path, "an object", element);
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw new StateFormatException(
                    Child(path, property.Name),
                    $"unknown field; allowed here: {string.Join(", ", allowed)}",
                    null);
            }
        }
    }

    // A field set to null counts as absent, so optional values may be written either way.
    private static bool Field(JsonElement element, string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static JsonElement Required(JsonElement element, string path, string name) =>
        Field(element, name, out var value) ? value : throw Missing(path, name);

    private static StateFormatException Missing(string path, string name) =>
        new(Child(path, name), "required field is missing", null);

    private static StateFormatException Expected(string path, string expected, JsonElement actual) =>
        new(path, $"expected {expected}, got {KindName(actual.ValueKind)}", null);

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Key(string path, string key) => $"{path}.\"{key}\"";

    private static string Str(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Expected(path, "a string", element);

    private static string? OptStr(JsonElement element, string path, string name) =>
        Field(element, name, out var value) ? Str(value, Child(path, name)) : null;

    private static bool Bool(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Expected(path, "a boolean", element),
    };

    private static int Int(JsonElement element, string path, int minimum)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            throw Expected(path, "an integer", element);
        }

        return value < minimum
            ? throw new StateFormatException(path, $"expected an integer of at least {minimum}, got {value}", null)
            : value;
    }

    private static DateTimeOffset? OptTime(JsonElement element, string path, string name)
    {
        if (!Field(element, name, out var value))
        {
            return null;
        }

        var text = Str(value, Child(path, name));
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : throw new StateFormatException(Child(path, name), $"expected an ISO 8601 time such as 2025-01-31T12:00:00Z, got \"{text}\"", null);
    }

    private static TimeSpan? OptDuration(JsonElement element, string path, string name)
    {
        if (!Field(element, name, out var value))
        {
            return null;
        }

        var text = Str(value, Child(path, name));
        return GoDuration.TryParse(text, out var duration)
            ? duration
            : throw new StateFormatException(Child(path, name), $"expected a Go duration such as 1h30m, got \"{text}\"", null);
    }

    private static T Enum<T>(JsonElement element, string path, IReadOnlyDictionary<string, T> names)
    {
        var text = element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw Expected(path, $"one of {string.Join("|", names.Keys)}", element);
        return names.TryGetValue(text, out var value)
            ? value
            : throw new StateFormatException(path, $"expected one of {string.Join("|", names.Keys)}, got \"{text}\"", null);
    }

    private static List<T> List<T>(JsonElement element, string path, Func<JsonElement, string, T> item)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Expected(path, "an array", element);
        }

        var list = new List<T>();
        var index = 0;
        foreach (var entry in element.EnumerateArray())
        {
            list.Add(item(entry, $"{path}[{index}]"));
            index++;
        }

        return list;
    }

    private static List<string> StringList(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Array
            ? List(element, path, Str)
            : throw Expected(path, "an array of strings", element);

    // Insertion order is kept: it matters for layers, and keeps a written file close to its input.
    private static Dictionary<string, T> Map<T>(JsonElement element, string path, string expected, Func<JsonElement, string, T> value)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Expected(path, expected, element);
        }

        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = value(property.Value, Key(path, property.Name));
        }

        return map;
    }

    private static Dictionary<string, string> StringMap(JsonElement element, string path) =>
        Map(element, path, "an object of strings", Str);

    private static Dictionary<int, IReadOnlyDictionary<string, string>> UnitMap(JsonElement element, string path) =>
        IntKeyMap<IReadOnlyDictionary<string, string>>(element, path, "unit number", "an object of databags", StringMap);

    private static Dictionary<int, T> IntKeyMap<T>(JsonElement element, string path, string keyName, string expected, Func<JsonElement, string, T> value)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Expected(path, expected, element);
        }

        var map = new Dictionary<int, T>();
        foreach (var property in element.EnumerateObject())
        {
            var keyPath = Key(path, property.Name);
            if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
            {
                throw new StateFormatException(keyPath, $"expected a {keyName} (a non-negative integer) as key", null);
            }

            map[key] = value(property.Value, keyPath);
        }

        return map;
    }

    private static readonly Dictionary<string, RelationKind> RelationKinds = new(StringComparer.Ordinal)
    {
        ["regular"] = RelationKind.Regular,
        ["peer"] = RelationKind.Peer,
        ["subordinate"] = RelationKind.Subordinate,
    };

    private static readonly Dictionary<string, ServiceStatus> ServiceStatuses = new(StringComparer.Ordinal)
    {
        ["active"] = ServiceStatus.Active,
        ["inactive"] = ServiceStatus.Inactive,
        ["error"] = ServiceStatus.Error,
        ["backoff"] = ServiceStatus.Backoff,
    };

    private static readonly Dictionary<string, CheckLevel?> CheckLevels = new(StringComparer.Ordinal)
    {
        ["alive"] = CheckLevel.Alive,
        ["ready"] = CheckLevel.Ready,
    };

    private static readonly Dictionary<string, StartupMode> StartupModes = new(StringComparer.Ordinal)
    {
        ["enabled"] = StartupMode.Enabled,
        ["disabled"] = StartupMode.Disabled,
    };

    private static readonly Dictionary<string, CheckStatus> CheckStatuses = new(StringComparer.Ordinal)
    {
        ["up"] = CheckStatus.Up,
        ["down"] = CheckStatus.Down,
        ["inactive"] = CheckStatus.Inactive,
    };

    private static readonly Dictionary<string, SecretOwner?> SecretOwners = new(StringComparer.Ordinal)
    {
        ["app"] = SecretOwner.App,
        ["unit"] = SecretOwner.Unit,
    };

    private static readonly Dictionary<string, SecretRotatePolicy?> RotatePolicies = new(StringComparer.Ordinal)
    {
        ["never"] = SecretRotatePolicy.Never,
        ["hourly"] = SecretRotatePolicy.Hourly,
        ["daily"] = SecretRotatePolicy.Daily,
        ["weekly"] = SecretRotatePolicy.Weekly,
        ["monthly"] = SecretRotatePolicy.Monthly,
        ["quarterly"] = SecretRotatePolicy.Quarterly,
        ["yearly"] = SecretRotatePolicy.Yearly,
    };

    private static readonly Dictionary<string, PortProtocol> PortProtocols = new(StringComparer.Ordinal)
    {
        ["tcp"] = PortProtocol.Tcp,
        ["udp"] = PortProtocol.Udp,
        ["icmp"] = PortProtocol.Icmp,
    };

    private static readonly Dictionary<string, ModelType> ModelTypes = new(StringComparer.Ordinal)
    {
        ["kubernetes"] = ModelType.Kubernetes,
        ["lxd"] = ModelType.Lxd,
    };
}
