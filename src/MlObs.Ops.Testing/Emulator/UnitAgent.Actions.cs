// UnitAgent action tools: action-get, action-set, action-log and action-fail (spec §3.2), which
// fail with "not running an action" outside an action, and juju-reboot, which actions refuse.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlObs.Ops.Testing.Emulator;

public sealed partial class UnitAgent
{
    /// <summary>What Juju stores when action-fail is given no message.</summary>
    public const string DefaultActionFailMessage = "action failed without reason given, check action for errors";

    // Only these are reserved; Juju's runner writes return-code itself after the hook (§1.1).
    private static readonly string[] ReservedActionKeys = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];

    private static void AddActionTools(Dictionary<string, ToolDef> tools)
    {
        tools["action-get"] = new("[<key>[.<key>.<key>...]]", "get action parameters", _ => OutputFlags(), (a, args, call) => a.ActionGet(args, call));
        tools["action-set"] = new("<key>=<value> [<key>=<value> ...]", "set action results", _ => [], (a, args, call) => a.ActionSet(args));
        tools["action-log"] = new("<message>", "record a progress message for the current action", _ => [], (a, args, call) => a.ActionLog(args));
        tools["action-fail"] = new("[\"<failure message>\"]", "set action fail status with message", _ => [], (a, args, call) => a.ActionFail(args));
        tools["juju-reboot"] = new(string.Empty, "Reboot the host machine", _ => [FlagDef.Bool("reboot immediately, killing the invoking process", "now")], (a, args, call) => a.JujuReboot(args));
    }

    private void RequireAction()
    {
        if (!IsAction)
        {
            throw new ToolException("not running an action");
        }
    }

    /// <summary>The action's parameters: the metadata's defaults under the given values, as Juju fills them.</summary>
    private Dictionary<string, object?> ActionParams()
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (_event.ActionName is { } name && _meta.Actions.TryGetValue(name, out var action))
        {
            foreach (var (param, meta) in action.Params)
            {
                if (meta.Default is { } value)
                {
                    values[param] = value;
                }
            }
        }

        foreach (var (param, value) in _event.ActionParams)
        {
            values[param] = value;
        }

        return values;
    }

    private void ActionGet(ToolArguments args, Invocation call)
    {
        args.CheckMaxPositionals(1);
        RequireAction();
        var values = ActionParams();
        if (args.Positionals.Count == 0)
        {
            Write(args, call, values);
            return;
        }

        // A dotted key walks into nested objects; anything missing on the way is null.
        object? current = values;
        foreach (var part in args.Positionals[0].Split('.'))
        {
            current = current switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(part),
                JsonElement { ValueKind: JsonValueKind.Object } e when e.TryGetProperty(part, out var inner) => inner,
                _ => null,
            };
        }

        Write(args, call, current);
    }

    private void ActionSet(ToolArguments args)
    {
        // Init: every argument is checked before anything is stored (exit 2).
        var entries = new List<(string[] Keys, string Value)>();
        foreach (var arg in args.Positionals)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw ToolException.Usage($"argument {ToolArguments.Quote(arg)} must be of the form key...=value");
            }

            var keys = arg[..eq].Split('.');
            foreach (var key in keys)
            {
                if (!ActionKeys.Rule().IsMatch(key))
                {
                    throw ToolException.Usage($"key {ToolArguments.Quote(key)} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric and hyphens");
                }
            }

            if (keys.FirstOrDefault(k => ReservedActionKeys.Contains(k, StringComparer.Ordinal)) is { } reserved)
            {
                throw ToolException.Usage($"cannot set reserved action key {ToolArguments.Quote(reserved)}");
            }

            entries.Add((keys, arg[(eq + 1)..]));
        }

        RequireAction();
        foreach (var (keys, value) in entries)
        {
            _actionResults ??= new Dictionary<string, object?>(StringComparer.Ordinal);
            var target = _actionResults;
            foreach (var key in keys[..^1])
            {
                // A later dotted key replaces a plain value on its path with an object.
                if (target.GetValueOrDefault(key) is not Dictionary<string, object?> inner)
                {
                    inner = new Dictionary<string, object?>(StringComparer.Ordinal);
                    target[key] = inner;
                }

                target = inner;
            }

            target[keys[^1]] = value;
        }
    }

    private void ActionLog(ToolArguments args)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("no message specified");
        }

        RequireAction();
        _actionLogs.Add(string.Join(' ', args.Positionals));
    }

    private void ActionFail(ToolArguments args)
    {
        args.CheckMaxPositionals(1);
        RequireAction();
        _actionFailure = args.Positionals.Count > 0 ? args.Positionals[0] : DefaultActionFailMessage;
    }

    private void JujuReboot(ToolArguments args)
    {
        args.CheckMaxPositionals(0);
        if (IsAction)
        {
            throw new ToolException("juju-reboot is not supported when running an action.");
        }

        // Nothing to reboot here: the request is recorded for the test to see.
        _rebootRequested = true;
        _rebootNow |= args.Bool("now");
    }

    /// <summary>Juju's action key rule (<c>charm.GetActionNameRule</c>).</summary>
    private static partial class ActionKeys
    {
        [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
        public static partial Regex Rule();
    }
}
