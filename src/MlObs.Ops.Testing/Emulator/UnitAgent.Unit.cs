// UnitAgent unit tools: config-get, is-leader, status-get, status-set, application-version-set,
// juju-log and the controller-side unit state (state-get, state-set, state-delete), spec §3.2.
using System.Text;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

public sealed partial class UnitAgent
{
    private const int MaxStateKeyBytes = 256;
    private const int MaxStateValueBytes = 65536;

    private static readonly string[] SettableStatuses = ["maintenance", "blocked", "waiting", "active"];

    // The unit's state-get/state-set store as this hook sees it; Juju caches it in the hook context,
    // so a state-set is visible to a later state-get of the same hook, and commits with the hook.
    private readonly Dictionary<string, string> _stateData;

    private static void AddUnitTools(Dictionary<string, ToolDef> tools)
    {
        tools["config-get"] = new("[<key>]", "print application configuration", _ => [FlagDef.Bool("print all keys", "a", "all"), .. OutputFlags()], (a, args, call) => a.ConfigGet(args, call));
        tools["is-leader"] = new(string.Empty, "print application leadership status", _ => OutputFlags(), (a, args, call) => a.IsLeader(args, call));
        tools["status-get"] = new("[--include-data] [--application]", "print status information", _ => [FlagDef.Bool("print all status data", "include-data"), FlagDef.Bool("print status for all units of this application if this unit is the leader", "application"), .. OutputFlags()], (a, args, call) => a.StatusGet(args, call));
        tools["status-set"] = new("<maintenance | blocked | waiting | active> [message]", "set status information", _ => [FlagDef.Bool("set this status for the application to which the unit belongs if the unit is the leader", "application")], (a, args, call) => a.StatusSet(args));
        tools["application-version-set"] = new("<new-version>", "specify which version of the application is deployed", _ => [], (a, args, call) => a.ApplicationVersionSet(args));
        tools["juju-log"] = new("<message>", "write a message to the juju log", _ => [FlagDef.Bool("log at debug level", "debug"), new FlagDef(["l", "log-level"], false, "Send log message at the given level", "INFO"), DeprecatedFormatFlag()], (a, args, call) => a.JujuLog(args, call));
        tools["state-get"] = new("[<key>]", "print server-side-state value", _ => [FlagDef.Bool("Return an error if the requested key does not exist", "strict"), .. OutputFlags()], (a, args, call) => a.StateGet(args, call));
        tools["state-set"] = new("key=value [key=value ...]", "set server-side-state values", _ => [FlagDef.String("file containing key-value pairs", "file")], (a, args, call) => a.StateSet(args, call));
        tools["state-delete"] = new("<key>", "delete server-side-state key value pair", _ => [], (a, args, call) => a.StateDelete(args));
    }

    private void ConfigGet(ToolArguments args, Invocation call)
    {
        var key = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        args.CheckMaxPositionals(1);
        var all = args.Bool("all");
        if (key is not null && all)
        {
            throw ToolException.Usage($"cannot use argument --all together with key {ToolArguments.Quote(key)}");
        }

        // The charm's values over the metadata's defaults; options with neither are null.
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, option) in _meta.Config)
        {
            values[name] = option.Default;
        }

        foreach (var (name, value) in _state.Config)
        {
            values[name] = value;
        }

        if (key is not null)
        {
            Write(args, call, values.GetValueOrDefault(key));
            return;
        }

        if (!all)
        {
            foreach (var name in values.Where(v => GoValues.IsNull(v.Value)).Select(v => v.Key).ToList())
            {
                values.Remove(name);
            }
        }

        Write(args, call, values);
    }

    private void IsLeader(ToolArguments args, Invocation call)
    {
        args.CheckMaxPositionals(0);
        Write(args, call, _state.Leader);
    }

    private void StatusGet(ToolArguments args, Invocation call)
    {
        args.CheckMaxPositionals(0);
        var includeData = args.Bool("include-data");
        var smart = (args.Value("format") ?? "smart") == "smart";
        if (args.Bool("application"))
        {
            if (!_state.Leader)
            {
                throw new ToolException("finding application status: this unit is not the leader");
            }

            if (!includeData && smart)
            {
                Write(args, call, _appStatus.Name);
                return;
            }

            // Juju nests the units inside application-status (§3.2 status-get).
            var application = Details(_appStatus, includeData);
            application["units"] = new Dictionary<string, object?> { [UnitName] = Details(_unitStatus, includeData) };
            Write(args, call, new Dictionary<string, object?> { ["application-status"] = application });
            return;
        }

        if (!includeData && smart)
        {
            Write(args, call, _unitStatus.Name);
            return;
        }

        Write(args, call, Details(_unitStatus, includeData));
    }

    private static Dictionary<string, object?> Details(StatusState status, bool includeData)
    {
        var details = new Dictionary<string, object?>(StringComparer.Ordinal) { ["status"] = status.Name };
        if (includeData)
        {
            details["message"] = status.Message;
            details["status-data"] = new Dictionary<string, object?>();
        }

        return details;
    }

    private void StatusSet(ToolArguments args)
    {
        var positionals = args.Positionals;
        if (positionals.Count < 1)
        {
            throw ToolException.Usage("invalid args, require <status> [message]");
        }

        if (!SettableStatuses.Contains(positionals[0], StringComparer.Ordinal))
        {
            throw ToolException.Usage($"invalid status {ToolArguments.Quote(positionals[0])}, expected one of [{string.Join(' ', SettableStatuses)}]");
        }

        args.CheckMaxPositionals(2);
        var status = new StatusState(positionals[0], positionals.Count > 1 ? positionals[1] : string.Empty);
        if (args.Bool("application"))
        {
            if (!_state.Leader)
            {
                throw new ToolException("this unit is not the leader");
            }

            // Scenario records the status each status-set replaces (§6.1).
            _appStatusHistory.Add(_appStatus);
            _appStatus = status;
            return;
        }

        _unitStatusHistory.Add(_unitStatus);
        _unitStatus = status;
    }

    private void ApplicationVersionSet(ToolArguments args)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("no version specified");
        }

        args.CheckMaxPositionals(1);
        _workloadVersionHistory.Add(_workloadVersion);
        _workloadVersion = args.Positionals[0];
    }

    private void JujuLog(ToolArguments args, Invocation call)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("no message specified");
        }

        WarnDeprecatedFormat(args, call);
        var message = string.Join(' ', args.Positionals);

        // In a relation hook Juju prefixes the message with the relation's endpoint:id (§3.2 juju-log).
        if (CurrentRelation is { } relation)
        {
            message = $"{FakeId(relation)}: {message}";
        }

        string level;
        if (args.Bool("debug"))
        {
            level = "DEBUG";
        }
        else
        {
            var requested = args.Value("log-level") ?? "INFO";
            level = requested.ToUpperInvariant() switch
            {
                "TRACE" => "TRACE",
                "DEBUG" => "DEBUG",
                "INFO" => "INFO",
                "WARN" or "WARNING" => "WARNING",
                "ERROR" => "ERROR",
                "CRITICAL" => "CRITICAL",
                _ => string.Empty,
            };
            if (level.Length == 0)
            {
                // Not an error: Juju warns in the unit log and logs the message at INFO.
                _jujuLog.Add(new JujuLogEntry("WARNING", $"Specified log level of {ToolArguments.Quote(requested)} is not valid"));
                level = "INFO";
            }
        }

        _jujuLog.Add(new JujuLogEntry(level, message));
    }

    private void StateGet(ToolArguments args, Invocation call)
    {
        var key = args.Positionals.Count > 0 && args.Positionals[0] != "-" ? args.Positionals[0] : null;
        args.CheckMaxPositionals(1);
        if (key is null)
        {
            // GetCharmState returns a nil map when nothing is stored: null, not {} (§3.2).
            Write(args, call, _stateData.Count == 0 ? null : new Dictionary<string, string>(_stateData, StringComparer.Ordinal));
            return;
        }

        if (_stateData.TryGetValue(key, out var value))
        {
            Write(args, call, value);
            return;
        }

        if (args.Bool("strict"))
        {
            throw new ToolException($"{ToolArguments.Quote(key)} not found");
        }

        Write(args, call, string.Empty);
    }

    private void StateSet(ToolArguments args, Invocation call)
    {
        var overrides = ParseKeyValues(args.Positionals);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Value("file") is { } file)
        {
            try
            {
                values = GoYaml.ReadStringMap(call.ReadInput(file));
            }
            catch (FormatException ex)
            {
                throw new ToolException(ex.Message);
            }
        }

        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        // core/quota fixed limits, checked before anything is stored.
        foreach (var (key, value) in values)
        {
            if (Encoding.UTF8.GetByteCount(key) > MaxStateKeyBytes)
            {
                throw new ToolException($"max allowed key length ({MaxStateKeyBytes}) exceeded");
            }

            if (Encoding.UTF8.GetByteCount(value) > MaxStateValueBytes)
            {
                throw new ToolException($"max allowed value length ({MaxStateValueBytes}) exceeded");
            }
        }

        foreach (var (key, value) in values)
        {
            _stateData[key] = value;
        }
    }

    private void StateDelete(ToolArguments args)
    {
        args.CheckMaxPositionals(1);
        if (args.Positionals.Count == 1)
        {
            _stateData.Remove(args.Positionals[0]);
        }
    }
}
