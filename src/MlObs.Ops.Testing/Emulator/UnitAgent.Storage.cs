// UnitAgent storage and model tools: storage-list, storage-get, storage-add, resource-get,
// goal-state and credential-get (spec §3.2).
using System.Globalization;
using System.Text.RegularExpressions;
using MlObs.Ops.Hosting;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

public sealed partial class UnitAgent
{
    private static void AddStorageTools(Dictionary<string, ToolDef> tools)
    {
        tools["storage-list"] = new("[<storage-name>]", "list storage attached to the unit", _ => OutputFlags(), (a, args, call) => a.StorageList(args, call));
        tools["storage-get"] = new("[<key>]", "print information for storage instance with specified id", a => [a.StorageFlag(), .. OutputFlags()], (a, args, call) => a.StorageGet(args, call));
        tools["storage-add"] = new("<charm storage name>[=count] ...", "add storage instances", _ => [], (a, args, call) => a.StorageAdd(args));
        tools["resource-get"] = new("<resource name>", "get the path to the locally cached resource file", _ => [], (a, args, call) => a.ResourceGet(args, call));
        tools["goal-state"] = new(string.Empty, "print the status of the charm's peers and related units", _ => OutputFlags("yaml", "json", "yaml"), (a, args, call) => a.GoalState(args, call));
        tools["credential-get"] = new(string.Empty, "access cloud credentials", _ => OutputFlags(), (_, args, _) => CredentialGet(args));
    }

    private string? CurrentStorageId =>
        _event.Kind is EventKind.StorageAttached or EventKind.StorageDetaching && _event.StorageName is { } name
            ? $"{name}/{(_event.StorageIndex ?? 0).ToString(CultureInfo.InvariantCulture)}"
            : null;

    /// <summary>
    /// The <c>-s</c> option. In a storage hook it defaults to the hook's storage, which <c>--help</c>
    /// shows as <c>-s  (= data/0)</c> — the line ops 2.20 parses to learn the storage id (§1.4).
    /// </summary>
    private FlagDef StorageFlag() =>
        new(["s"], false, "specify a storage instance by id", CurrentStorageId ?? string.Empty, QuoteDefault: false)
        {
            Validate = v => FindStorage(v, out _),
        };

    private string? FindStorage(string id, out StorageState? storage)
    {
        storage = null;
        if (!StorageNames.Id().IsMatch(id))
        {
            return $"invalid storage ID {ToolArguments.Quote(id)}";
        }

        var slash = id.IndexOf('/', StringComparison.Ordinal);
        storage = int.TryParse(id[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? _state.GetStorage(id[..slash], index)
            : null;
        return storage is null ? $"storage {ToolArguments.Quote(id)} not found" : null;
    }

    private void StorageList(ToolArguments args, Invocation call)
    {
        var name = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        args.CheckMaxPositionals(1);

        // [] rather than null when nothing matches (§3.2 storage-list).
        List<string> ids =
        [
            .. _state.Storages
                .Where(s => name is null || s.Name == name)
                .OrderBy(s => s.Name, StringComparer.Ordinal)
                .ThenBy(s => s.Index)
                .Select(s => $"{s.Name}/{s.Index.ToString(CultureInfo.InvariantCulture)}"),
        ];
        Write(args, call, ids);
    }

    private void StorageGet(ToolArguments args, Invocation call)
    {
        var id = args.Value("s") ?? CurrentStorageId ?? throw ToolException.Usage("no storage instance specified");
        var key = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        args.CheckMaxPositionals(1);
        if (FindStorage(id, out var storage) is { } error)
        {
            // Only reachable for the hook's own storage when the state lacks it.
            throw new ToolException(error);
        }

        var kind = _meta.Storages.TryGetValue(storage!.Name, out var meta) ? meta.Type : "filesystem";
        var location = HookEnvironment.StorageLocation(storage);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal) { ["kind"] = kind, ["location"] = location };
        if (key is null)
        {
            Write(args, call, values);
            return;
        }

        if (!values.TryGetValue(key, out var value))
        {
            throw new ToolException($"invalid storage attribute {ToolArguments.Quote(key)}");
        }

        Write(args, call, value);
    }

    private void StorageAdd(ToolArguments args)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("storage add requires a storage directive");
        }

        var requests = new List<(string Name, int Count)>();
        foreach (var directive in args.Positionals)
        {
            var eq = directive.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? directive : directive[..eq];
            var count = 1;
            if (eq >= 0 && !int.TryParse(directive[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out count))
            {
                // A pool or a size is a storage directive too, but a unit may only ask for a count.
                throw ToolException.Usage($"only count can be specified for {ToolArguments.Quote(name)}");
            }

            requests.Add((name, count));
        }

        foreach (var (name, count) in requests)
        {
            _requestedStorages[name] = _requestedStorages.GetValueOrDefault(name) + count;
        }
    }

    private void ResourceGet(ToolArguments args, Invocation call)
    {
        if (args.Positionals.Count == 0)
        {
            throw ToolException.Usage("missing required resource name");
        }

        var name = args.Positionals[0];
        args.CheckMaxPositionals(1);
        if (!_state.Resources.TryGetValue(name, out var path))
        {
            throw new ToolException($"could not download resource: resource {ToolArguments.Quote(name)} not found");
        }

        // The path alone, without a trailing newline (§3.2 resource-get).
        call.Stdout.Append(path);
    }

    private void GoalState(ToolArguments args, Invocation call)
    {
        args.CheckMaxPositionals(0);
        var since = _options.TimeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Dictionary<string, object?> Status(string status) => new(StringComparer.Ordinal) { ["status"] = status, ["since"] = since };

        // The planned units: this one and enough others, lowest numbers first.
        var units = new Dictionary<string, object?>(StringComparer.Ordinal) { [UnitName] = Status("active") };
        for (var n = 0; units.Count < _state.PlannedUnits; n++)
        {
            units.TryAdd($"{AppName}/{n.ToString(CultureInfo.InvariantCulture)}", Status("active"));
        }

        // Relations to other applications, by endpoint: the application joined, its units active.
        var relations = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var relation in _state.Relations.Where(r => r.Kind != RelationKind.Peer))
        {
            if (relations.GetValueOrDefault(relation.Endpoint) is not Dictionary<string, object?> endpoint)
            {
                endpoint = new Dictionary<string, object?>(StringComparer.Ordinal);
                relations[relation.Endpoint] = endpoint;
            }

            endpoint[relation.RemoteAppName] = Status("joined");
            foreach (var unit in relation.RemoteUnitNames(AppName))
            {
                endpoint[unit] = Status("active");
            }
        }

        Write(args, call, new Dictionary<string, object?> { ["units"] = units, ["relations"] = relations }, "yaml");
    }

    private static void CredentialGet(ToolArguments args)
    {
        args.CheckMaxPositionals(0);

        // UnitState has no cloud spec, so this is always the trust-less answer (§3.2 credential-get).
        throw new ToolException("cannot access cloud credentials: the emulated unit state has no cloud specification (the application is not trusted)");
    }

    /// <summary>Juju's storage id rule (<c>names.IsValidStorage</c>).</summary>
    private static partial class StorageNames
    {
        [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*/(0|[1-9][0-9]*)\z", RegexOptions.CultureInvariant)]
        public static partial Regex Id();
    }
}
