// StateJsonNames: the JSON field names of each object of the state document, in the order the
// writer emits them. The reader rejects any other name; a test keeps the JSON Schema in step.
namespace MlObs.Ops.Testing.State;

internal static class StateJsonNames
{
    public static readonly string[] State =
    [
        "$schema", "config", "relations", "networks", "containers", "secrets", "storages", "opened_ports", "leader",
        "model", "resources", "planned_units", "unit_state_data", "unit_status", "app_status", "workload_version",
    ];

    /// <summary>What <c>mlobs charm run</c> adds to the state in OUT.json; ignored when the file is read back.</summary>
    public static readonly string[] RunRecords =
    [
        "exit_code", "dispatch_seconds", "stdout", "stderr", "juju_log", "unit_status_history", "app_status_history",
        "workload_version_history", "action_results", "action_logs", "action_failure", "exec_history",
        "removed_secret_revisions", "requested_storages", "hook_tool_calls", "warnings",
    ];

    public static readonly string[] Relation =
    [
        "id", "endpoint", "interface", "kind", "remote_app_name", "local_app_data", "local_unit_data",
        "remote_app_data", "remote_units_data", "peers_data", "remote_model_uuid",
    ];

    public static readonly string[] Network = ["bind_addresses", "ingress_addresses", "egress_subnets"];

    public static readonly string[] BindAddress = ["interface_name", "mac_address", "addresses"];

    public static readonly string[] Address = ["value", "cidr", "hostname"];

    public static readonly string[] Container =
        ["name", "can_connect", "boot_id", "layers", "service_statuses", "mounts", "execs", "notices", "check_infos"];

    public static readonly string[] Mount = ["location", "source"];

    public static readonly string[] Exec = ["command_prefix", "return_code", "stdout", "stderr"];

    public static readonly string[] Notice =
    [
        "id", "key", "type", "user_id", "first_occurred", "last_occurred", "last_repeated", "occurrences",
        "last_data", "repeat_after", "expire_after",
    ];

    public static readonly string[] CheckInfo =
        ["name", "level", "startup", "status", "successes", "failures", "threshold", "change_id", "prev_change_id"];

    public static readonly string[] Secret =
    [
        "id", "owner", "label", "description", "tracked_content", "latest_content", "tracked_revision",
        "latest_revision", "expire", "rotate", "remote_grants",
    ];

    public static readonly string[] Storage = ["name", "index", "location"];

    public static readonly string[] Port = ["protocol", "port"];

    public static readonly string[] Model = ["name", "uuid", "type"];

    public static readonly string[] Status = ["name", "message"];

    /// <summary>Every object kind, by the name the JSON Schema uses under <c>$defs</c> (the root is <c>state</c>).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> All = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["state"] = State,
        ["relation"] = Relation,
        ["network"] = Network,
        ["bind_address"] = BindAddress,
        ["address"] = Address,
        ["container"] = Container,
        ["mount"] = Mount,
        ["exec"] = Exec,
        ["notice"] = Notice,
        ["check_info"] = CheckInfo,
        ["secret"] = Secret,
        ["storage"] = Storage,
        ["port"] = Port,
        ["model"] = Model,
        ["status"] = Status,
    };
}
