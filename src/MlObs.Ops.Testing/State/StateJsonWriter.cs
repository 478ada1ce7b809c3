// StateJsonWriter: writes a UnitState as the state document — every field in schema order, map
// keys sorted (unit numbers numerically, layers in their own order), two-space indents.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.State;

internal static class StateJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        // The file is for people to read; keep <, > and non-ASCII text as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(UnitState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            WriteState(writer, state);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteState(Utf8JsonWriter w, UnitState state)
    {
        w.WriteStartObject();
        w.WritePropertyName("config");
        WriteSorted(w, state.Config, (v, value) => value.WriteTo(v));
        w.WritePropertyName("relations");
        WriteList(w, state.Relations, WriteRelation);
        w.WritePropertyName("networks");
        WriteSorted(w, state.Networks, WriteNetwork);
        w.WritePropertyName("containers");
        WriteList(w, state.Containers, WriteContainer);
        w.WritePropertyName("secrets");
        WriteList(w, state.Secrets, WriteSecret);
        w.WritePropertyName("storages");
        WriteList(w, state.Storages, WriteStorage);
        w.WritePropertyName("opened_ports");
        WriteList(w, state.OpenedPorts, WritePort);
        w.WriteBoolean("leader", state.Leader);
        w.WritePropertyName("model");
        w.WriteStartObject();
        w.WriteString("name", state.Model.Name);
        w.WriteString("uuid", state.Model.Uuid);
        w.WriteString("type", state.Model.Type == ModelType.Lxd ? "lxd" : "kubernetes");
        w.WriteEndObject();
        w.WritePropertyName("resources");
        WriteStrings(w, state.Resources);
        w.WriteNumber("planned_units", state.PlannedUnits);
        w.WritePropertyName("unit_state_data");
        WriteStrings(w, state.UnitStateData);
        w.WritePropertyName("unit_status");
        WriteStatus(w, state.UnitStatus);
        w.WritePropertyName("app_status");
        WriteStatus(w, state.AppStatus);
        w.WriteString("workload_version", state.WorkloadVersion);
        w.WriteEndObject();
    }

    private static void WriteRelation(Utf8JsonWriter w, RelationState relation)
    {
        w.WriteStartObject();
        w.WriteNumber("id", relation.Id);
        w.WriteString("endpoint", relation.Endpoint);
        WriteOptional(w, "interface", relation.Interface);
        w.WriteString("kind", relation.Kind switch
        {
            RelationKind.Peer => "peer",
            RelationKind.Subordinate => "subordinate",
            _ => "regular",
        });
        if (relation.Kind != RelationKind.Peer)
        {
            w.WriteString("remote_app_name", relation.RemoteAppName);
        }

        w.WritePropertyName("local_app_data");
        WriteStrings(w, relation.LocalAppData);
        w.WritePropertyName("local_unit_data");
        WriteStrings(w, relation.LocalUnitData);
        if (relation.Kind == RelationKind.Peer)
        {
            w.WritePropertyName("peers_data");
            WriteUnits(w, relation.PeersData, WriteStrings);
        }
        else
        {
            w.WritePropertyName("remote_app_data");
            WriteStrings(w, relation.RemoteAppData);
            w.WritePropertyName("remote_units_data");
            WriteUnits(w, relation.RemoteUnitsData, WriteStrings);
        }

        WriteOptional(w, "remote_model_uuid", relation.RemoteModelUuid);
        w.WriteEndObject();
    }

    private static void WriteNetwork(Utf8JsonWriter w, NetworkState network)
    {
        w.WriteStartObject();
        w.WritePropertyName("bind_addresses");
        WriteList(w, network.BindAddresses, (v, bind) =>
        {
            v.WriteStartObject();
            v.WriteString("interface_name", bind.InterfaceName);
            WriteOptional(v, "mac_address", bind.MacAddress);
            v.WritePropertyName("addresses");
            WriteList(v, bind.Addresses, (x, address) =>
            {
                x.WriteStartObject();
                x.WriteString("value", address.Value);
                x.WriteString("cidr", address.Cidr);
                x.WriteString("hostname", address.Hostname);
                x.WriteEndObject();
            });
            v.WriteEndObject();
        });
        w.WritePropertyName("ingress_addresses");
        WriteList(w, network.IngressAddresses, (v, s) => v.WriteStringValue(s));
        w.WritePropertyName("egress_subnets");
        WriteList(w, network.EgressSubnets, (v, s) => v.WriteStringValue(s));
        w.WriteEndObject();
    }

    private static void WriteContainer(Utf8JsonWriter w, ContainerState container)
    {
        w.WriteStartObject();
        w.WriteString("name", container.Name);
        w.WriteBoolean("can_connect", container.CanConnect);
        if (container.BootId is { } bootId)
        {
            w.WriteString("boot_id", bootId);
        }

        w.WritePropertyName("layers");
        w.WriteStartObject();
        foreach (var (label, layer) in container.Layers)
        {
            // Layer order is meaningful (it is the order Pebble combines them in); keep it.
            w.WriteString(label, layer.ToYaml());
        }

        w.WriteEndObject();
        w.WritePropertyName("service_statuses");
        WriteSorted(w, container.ServiceStatuses, (v, status) => v.WriteStringValue(status switch
        {
            ServiceStatus.Active => "active",
            ServiceStatus.Error => "error",
            ServiceStatus.Backoff => "backoff",
            _ => "inactive",
        }));
        w.WritePropertyName("mounts");
        WriteSorted(w, container.Mounts, (v, mount) =>
        {
            v.WriteStartObject();
            v.WriteString("location", mount.Location);
            v.WriteString("source", mount.Source);
            v.WriteEndObject();
        });
        w.WritePropertyName("execs");
        WriteList(w, container.Execs, (v, exec) =>
        {
            v.WriteStartObject();
            v.WritePropertyName("command_prefix");
            WriteList(v, exec.CommandPrefix, (x, s) => x.WriteStringValue(s));
            v.WriteNumber("return_code", exec.ReturnCode);
            v.WriteString("stdout", exec.Stdout);
            v.WriteString("stderr", exec.Stderr);
            v.WriteEndObject();
        });
        w.WritePropertyName("notices");
        WriteList(w, container.Notices, WriteNotice);
        w.WritePropertyName("check_infos");
        WriteList(w, container.CheckInfos, WriteCheckInfo);
        w.WriteEndObject();
    }

    private static void WriteNotice(Utf8JsonWriter w, Notice notice)
    {
        w.WriteStartObject();
        w.WriteString("id", notice.Id);
        w.WriteString("key", notice.Key);
        w.WriteString("type", notice.Type);
        if (notice.UserId is { } user)
        {
            w.WriteNumber("user_id", user);
        }

        w.WriteString("first_occurred", Time(notice.FirstOccurred));
        w.WriteString("last_occurred", Time(notice.LastOccurred));
        w.WriteString("last_repeated", Time(notice.LastRepeated));
        w.WriteNumber("occurrences", notice.Occurrences);
        w.WritePropertyName("last_data");
        WriteStrings(w, notice.LastData);
        if (notice.RepeatAfter is { } repeat)
        {
            w.WriteString("repeat_after", GoDuration.Format(repeat));
        }

        if (notice.ExpireAfter is { } expire)
        {
            w.WriteString("expire_after", GoDuration.Format(expire));
        }

        w.WriteEndObject();
    }

    private static void WriteCheckInfo(Utf8JsonWriter w, CheckInfo check)
    {
        w.WriteStartObject();
        w.WriteString("name", check.Name);
        if (check.Level is { } level)
        {
            w.WriteString("level", level == CheckLevel.Alive ? "alive" : "ready");
        }

        w.WriteString("startup", check.Startup == StartupMode.Disabled ? "disabled" : "enabled");
        w.WriteString("status", check.Status switch
        {
            CheckStatus.Down => "down",
            CheckStatus.Inactive => "inactive",
            _ => "up",
        });
        w.WriteNumber("successes", check.Successes);
        w.WriteNumber("failures", check.Failures);
        w.WriteNumber("threshold", check.Threshold);
        WriteOptional(w, "change_id", check.ChangeId);
        WriteOptional(w, "prev_change_id", check.PrevChangeId);
        w.WriteEndObject();
    }

    private static void WriteSecret(Utf8JsonWriter w, SecretState secret)
    {
        w.WriteStartObject();
        w.WriteString("id", secret.Id);
        if (secret.Owner is { } owner)
        {
            w.WriteString("owner", owner == SecretOwner.App ? "app" : "unit");
        }

        WriteOptional(w, "label", secret.Label);
        WriteOptional(w, "description", secret.Description);
        w.WritePropertyName("tracked_content");
        WriteStrings(w, secret.TrackedContent);
        if (secret.LatestContent is { } latest)
        {
            w.WritePropertyName("latest_content");
            WriteStrings(w, latest);
        }

        w.WriteNumber("tracked_revision", secret.TrackedRevision);
        w.WriteNumber("latest_revision", secret.LatestRevision);
        if (secret.Expire is { } expire)
        {
            w.WriteString("expire", Time(expire));
        }

        if (secret.Rotate is { } rotate)
        {
            w.WriteString("rotate", rotate.ToString().ToLowerInvariant());
        }

        w.WritePropertyName("remote_grants");
        WriteUnits(w, secret.RemoteGrants, (v, grantees) => WriteList(v, grantees, (x, s) => x.WriteStringValue(s)));
        w.WriteEndObject();
    }

    private static void WriteStorage(Utf8JsonWriter w, StorageState storage)
    {
        w.WriteStartObject();
        w.WriteString("name", storage.Name);
        w.WriteNumber("index", storage.Index);
        WriteOptional(w, "location", storage.Location);
        w.WriteEndObject();
    }

    private static void WritePort(Utf8JsonWriter w, PortState port)
    {
        w.WriteStartObject();
        w.WriteString("protocol", port.Protocol.ToString().ToLowerInvariant());
        if (port.Port is { } number)
        {
            w.WriteNumber("port", number);
        }

        w.WriteEndObject();
    }

    private static void WriteStatus(Utf8JsonWriter w, StatusState status)
    {
        w.WriteStartObject();
        w.WriteString("name", status.Name);
        w.WriteString("message", status.Message);
        w.WriteEndObject();
    }

    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteList<T>(Utf8JsonWriter w, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> item)
    {
        w.WriteStartArray();
        foreach (var entry in items)
        {
            item(w, entry);
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, IReadOnlyDictionary<string, string> map) =>
        WriteSorted(w, map, (v, s) => v.WriteStringValue(s));

    private static void WriteSorted<T>(Utf8JsonWriter w, IReadOnlyDictionary<string, T> map, Action<Utf8JsonWriter, T> value)
    {
        w.WriteStartObject();
        foreach (var key in map.Keys.Order(StringComparer.Ordinal))
        {
            w.WritePropertyName(key);
            value(w, map[key]);
        }

        w.WriteEndObject();
    }

    private static void WriteUnits<T>(Utf8JsonWriter w, IReadOnlyDictionary<int, T> map, Action<Utf8JsonWriter, T> value)
    {
        w.WriteStartObject();
        foreach (var key in map.Keys.Order())
        {
            w.WritePropertyName(key.ToString(CultureInfo.InvariantCulture));
            value(w, map[key]);
        }

        w.WriteEndObject();
    }
}
