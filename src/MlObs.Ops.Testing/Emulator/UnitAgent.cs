// UnitAgent: the server side of Juju's hook tools for one hook of one unit. It answers each tool
// call from a UnitState the way jujuc's server does (spec §3), keeps the hook's buffered effects
// apart from the immediate ones (§1.1 "Transactionality"), and records the side effects Scenario
// records (§6.1). This file holds the dispatch, the commit/abandon logic and the shared helpers;
// the tools live in the UnitAgent.*.cs partial files.
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>
/// The emulated unit agent: runs hook-tool calls against a <see cref="UnitState"/> with Juju's
/// semantics, outputs, error texts and exit codes, for the charm of <see cref="CharmMeta"/> handling
/// one event. After the hook, <see cref="Commit"/> (exit 0) or <see cref="Abandon"/> (failure)
/// gives the state the next hook sees. Thread-safe.
/// </summary>
public sealed partial class UnitAgent
{
    /// <summary>The action id used when <see cref="UnitAgentOptions.ActionId"/> is not set (Juju 3.x ids are small integers).</summary>
    public const string DefaultActionId = "42";

    private static readonly FrozenDictionary<string, ToolDef> Tools = BuildTools();

    private readonly Lock _lock = new();
    private readonly CharmMeta _meta;
    private readonly UnitState _state;
    private readonly EventSpec _event;
    private readonly UnitAgentOptions _options;

    // Immediate effects (survive Abandon).
    private StatusState _unitStatus;
    private StatusState _appStatus;
    private string _workloadVersion;

    // Records.
    private readonly List<JujuLogEntry> _jujuLog = [];
    private readonly List<StatusState> _unitStatusHistory = [];
    private readonly List<StatusState> _appStatusHistory = [];
    private readonly List<string> _workloadVersionHistory = [];
    private readonly List<string> _actionLogs = [];
    private readonly List<RemovedSecretRevision> _removedSecretRevisions = [];
    private readonly Dictionary<string, int> _requestedStorages = new(StringComparer.Ordinal);
    private readonly List<ToolCallRecord> _calls = [];
    private Dictionary<string, object?>? _actionResults;
    private string? _actionFailure;
    private bool _rebootRequested;
    private bool _rebootNow;

    /// <summary>Creates the agent for one hook.</summary>
    /// <param name="meta">The charm's metadata.</param>
    /// <param name="state">The state before the hook.</param>
    /// <param name="event">The event being dispatched.</param>
    /// <param name="options">Unit number, clock, Juju version and action id; defaults when null.</param>
    public UnitAgent(CharmMeta meta, UnitState state, EventSpec @event, UnitAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        _meta = meta;
        _state = state;
        _event = @event;
        _options = options ?? new UnitAgentOptions();
        UnitName = $"{_options.ApplicationName ?? meta.Name}/{_options.UnitNumber}";
        _unitStatus = state.UnitStatus;
        _appStatus = state.AppStatus;
        _workloadVersion = state.WorkloadVersion;
        _stateData = new Dictionary<string, string>(state.UnitStateData, StringComparer.Ordinal);
        _secrets = [.. state.Secrets];
    }

    /// <summary>The unit's name, <c>&lt;charm name&gt;/&lt;unit number&gt;</c>.</summary>
    public string UnitName { get; }

    /// <summary>The action id (<c>JUJU_ACTION_UUID</c>) of an action event, or null for a hook.</summary>
    public string? ActionId => _event.Kind == EventKind.Action ? _options.ActionId ?? DefaultActionId : null;

    /// <summary>The side effects recorded so far, as a snapshot.</summary>
    public HookRecords Records
    {
        get
        {
            lock (_lock)
            {
                return new HookRecords
                {
                    JujuLog = [.. _jujuLog],
                    UnitStatusHistory = [.. _unitStatusHistory],
                    AppStatusHistory = [.. _appStatusHistory],
                    WorkloadVersionHistory = [.. _workloadVersionHistory],
                    ActionResults = _actionResults is null ? null : ToJsonElement(_actionResults),
                    ActionLogs = [.. _actionLogs],
                    ActionFailure = _actionFailure,
                    RemovedSecretRevisions = [.. _removedSecretRevisions],
                    RequestedStorages = new Dictionary<string, int>(_requestedStorages, StringComparer.Ordinal),
                    RebootRequested = _rebootRequested,
                    RebootNow = _rebootNow,
                    Calls = [.. _calls],
                };
            }
        }
    }

    private string AppName => _options.ApplicationName ?? _meta.Name;

    /// <summary>
    /// Runs one tool call as Juju's jujuc server does: <paramref name="tool"/> is the basename the
    /// client was invoked by, <paramref name="args"/> the arguments after it. The first call of a
    /// tool that reads stdin gets <see cref="HookToolReply.NeedsStdin"/>; call again with all of stdin.
    /// </summary>
    /// <param name="tool">The tool name, e.g. <c>relation-get</c>.</param>
    /// <param name="args">The arguments after the tool name.</param>
    /// <param name="stdin">All of the caller's stdin, or null when not sent yet.</param>
    /// <param name="cwd">The caller's working directory; relative <c>--file</c> and <c>--output</c> paths resolve against it.</param>
    /// <returns>The exit code and output, or <see cref="HookToolReply.NeedsStdin"/>.</returns>
    public HookToolReply Call(string tool, IReadOnlyList<string> args, ReadOnlyMemory<byte>? stdin, string cwd)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(cwd);
        lock (_lock)
        {
            var reply = Dispatch(tool, args, stdin, cwd);
            if (!reply.IsNeedsStdin)
            {
                _calls.Add(new ToolCallRecord(tool, [.. args], reply.ExitCode));
            }

            return reply;
        }
    }

    /// <summary>
    /// The state after the hook exited 0: the buffered effects (relation-set, state-set/-delete,
    /// open/close-port, secret changes) applied, with the immediate ones (statuses, workload version).
    /// </summary>
    /// <returns>The new state.</returns>
    public UnitState Commit()
    {
        lock (_lock)
        {
            return _state with
            {
                Relations = [.. _state.Relations.Select(CommittedRelation)],
                UnitStateData = new Dictionary<string, string>(_stateData, StringComparer.Ordinal),
                OpenedPorts = CommittedPorts(),
                Secrets = [.. _secrets],
                UnitStatus = _unitStatus,
                AppStatus = _appStatus,
                WorkloadVersion = _workloadVersion,
            };
        }
    }

    /// <summary>The state after the hook failed: only the immediate effects (status-set, application-version-set) kept.</summary>
    /// <returns>The new state.</returns>
    public UnitState Abandon()
    {
        lock (_lock)
        {
            return _state with { UnitStatus = _unitStatus, AppStatus = _appStatus, WorkloadVersion = _workloadVersion };
        }
    }

    private static FrozenDictionary<string, ToolDef> BuildTools()
    {
        // leader-get and leader-set are deliberately absent: Juju 4 registers neither and ops does
        // not call them (spec §3.2, §3.3), so they answer as unknown commands.
        var tools = new Dictionary<string, ToolDef>(StringComparer.Ordinal);
        AddRelationTools(tools);
        AddUnitTools(tools);
        AddActionTools(tools);
        AddNetworkTools(tools);
        AddSecretTools(tools);
        AddStorageTools(tools);
        return tools.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private HookToolReply Dispatch(string tool, IReadOnlyList<string> args, ReadOnlyMemory<byte>? stdin, string cwd)
    {
        if (!Tools.TryGetValue(tool, out var def) || !Registered(tool))
        {
            // The RPC itself fails; the client prints it as any other error and exits 1 (§3.3).
            return HookToolReply.Error($"bad request: unknown command: {tool}");
        }

        var call = new Invocation(tool, stdin, cwd);
        try
        {
            var flags = def.Flags(this);
            var parsed = ToolArguments.Parse(args, flags);
            if (parsed.HelpRequested)
            {
                return HookToolReply.Ok(Help(tool, def, flags));
            }

            def.Run(this, parsed, call);
            return HookToolReply.Result(0, call.Stdout.ToString(), call.Stderr.ToString());
        }
        catch (NeedsStdinException)
        {
            return HookToolReply.NeedsStdin;
        }
        catch (ToolException ex)
        {
            return HookToolReply.Result(ex.ExitCode, string.Empty, $"{call.Stderr}ERROR {ex.Message}\n");
        }
    }

    // relation-model-get joined jujuc's command set in Juju 3.6 (§3.3); older agents answer it as unknown.
    private bool Registered(string tool) =>
        tool != "relation-model-get" || !Version.TryParse(_options.JujuVersion.Split('-')[0], out var version) || version >= new Version(3, 6);

    private static string Help(string tool, ToolDef def, FlagDef[] flags)
    {
        var builder = new StringBuilder();
        var options = flags.Length > 0 ? " [options]" : string.Empty;
        var arguments = def.Arguments.Length > 0 ? " " + def.Arguments : string.Empty;
        builder.Append("Usage: ").Append(tool).Append(options).Append(arguments).Append("\n\n");
        builder.Append("Summary:\n").Append(def.Summary).Append('\n');
        if (flags.Length > 0)
        {
            builder.Append("\nOptions:\n").Append(ToolArguments.FlagHelp(flags));
        }

        return builder.ToString();
    }

    /// <summary>The <c>--format</c> and <c>-o/--output</c> options of a tool with output (§3.1).</summary>
    private static FlagDef[] OutputFlags(string defaultFormat = "smart", params string[] formats)
    {
        if (formats.Length == 0)
        {
            formats = ["json", "smart", "yaml"];
        }

        return
        [
            new FlagDef(["format"], false, $"Specify output format ({string.Join('|', formats)})", defaultFormat, QuoteDefault: false)
            {
                Validate = v => formats.Contains(v, StringComparer.Ordinal) ? null : $"unknown format {ToolArguments.Quote(v)}",
            },
            FlagDef.String("Specify an output file", "o", "output"),
        ];
    }

    /// <summary>The deprecated, output-less <c>--format</c> of relation-set, juju-log, open-port and close-port (§3.1).</summary>
    private static FlagDef DeprecatedFormatFlag() => new(["format"], false, "deprecated format flag");

    private static void WarnDeprecatedFormat(ToolArguments args, Invocation call)
    {
        if (args.Has("format"))
        {
            call.Stderr.Append("--format flag deprecated for command \"").Append(call.Tool).Append('"');
        }
    }

    /// <summary>Formats <paramref name="value"/> per <c>--format</c> and writes it to stdout or the <c>--output</c> file.</summary>
    private static void Write(ToolArguments args, Invocation call, object? value, string defaultFormat = "smart")
    {
        var text = (args.Value("format") ?? defaultFormat) switch
        {
            "json" => GoJson.Line(value),
            "yaml" => GoValues.IsNull(value) ? string.Empty : GoYaml.Marshal(value),
            _ => Smart(value),
        };
        if (args.Value("output") is { } output)
        {
            File.WriteAllText(call.AbsPath(output), text);
            return;
        }

        call.Stdout.Append(text);
    }

    // juju/cmd's smart format: strings raw, string lists one per line, booleans True/False,
    // nothing at all for nil, "" and an empty list, YAML for anything else (§3.1).
    private static string Smart(object? value) => value switch
    {
        // A JSON value stands for the Go value it decodes to (config and action values).
        JsonElement { ValueKind: JsonValueKind.String } e => Smart(e.GetString()),
        JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False } e => Smart(e.GetBoolean()),
        null => string.Empty,
        string s => s.Length == 0 ? string.Empty : s + "\n",
        bool b => b ? "True\n" : "False\n",
        IReadOnlyList<string> list => list.Count == 0 ? string.Empty : string.Join('\n', list) + "\n",
        _ when GoValues.IsNull(value) => string.Empty,
        _ => GoYaml.Marshal(value),
    };

    /// <summary>Juju's <c>keyvalues.Parse(args, allowEmptyValues: true)</c> (relation-set, state-set).</summary>
    private static Dictionary<string, string> ParseKeyValues(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw ToolException.Usage($"expected \"key=value\", got {ToolArguments.Quote(arg)}");
            }

            var key = arg[..eq].Trim();
            var value = arg[(eq + 1)..].Trim();
            if (key.Length == 0)
            {
                throw ToolException.Usage($"expected \"key=value\", got \"{key}={value}\"");
            }

            if (!result.TryAdd(key, value))
            {
                throw ToolException.Usage($"key {ToolArguments.Quote(key)} specified more than once");
            }
        }

        return result;
    }

    private static JsonElement ToJsonElement(object? value)
    {
        using var document = JsonDocument.Parse(GoJson.Marshal(value));
        return document.RootElement.Clone();
    }

    private bool IsRelationEvent => _event.RelationId is not null && _event.Kind is EventKind.RelationCreated or EventKind.RelationJoined
        or EventKind.RelationChanged or EventKind.RelationDeparted or EventKind.RelationBroken;

    private bool IsAction => _event.Kind == EventKind.Action;

    /// <summary>A tool: its usage line, summary, flags (built per agent: some defaults come from the event) and body.</summary>
    private sealed record ToolDef(string Arguments, string Summary, Func<UnitAgent, FlagDef[]> Flags, Action<UnitAgent, ToolArguments, Invocation> Run);

    /// <summary>Thrown where a tool reads stdin that the client has not sent yet (§3.1: stdin is sent on demand).</summary>
    private sealed class NeedsStdinException : Exception
    {
    }

    /// <summary>One call in progress: its output buffers and access to the caller's stdin and files.</summary>
    private sealed class Invocation(string tool, ReadOnlyMemory<byte>? stdin, string cwd)
    {
        public string Tool { get; } = tool;

        public StringBuilder Stdout { get; } = new();

        public StringBuilder Stderr { get; } = new();

        /// <summary>The caller's <c>ctx.AbsPath</c>: relative paths resolve against its working directory.</summary>
        public string AbsPath(string path) => Path.GetFullPath(Path.Combine(cwd, path));

        /// <summary>Reads a <c>--file</c> argument: <c>-</c> is stdin, anything else a file relative to the caller.</summary>
        public string ReadInput(string path)
        {
            if (path == "-")
            {
                if (stdin is not { } bytes)
                {
                    throw new NeedsStdinException();
                }

                return Encoding.UTF8.GetString(bytes.Span);
            }

            var full = AbsPath(path);
            try
            {
                return File.ReadAllText(full);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ToolException(GoOpenError(full, ex));
            }
        }
    }

    /// <summary>Go's <c>*PathError</c> text for a failed open.</summary>
    private static string GoOpenError(string path, Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"open {path}: no such file or directory",
        UnauthorizedAccessException => $"open {path}: permission denied",
        _ => $"open {path}: {ex.Message}",
    };
}
