// UnitAgent relation tools: relation-ids, relation-list, relation-get, relation-set and
// relation-model-get (spec §3.2), with Juju's databag permissions and the -r/--relation option
// (§3.1: `N` or `endpoint:N`, endpoint not checked).
using System.Globalization;
using System.Text.RegularExpressions;
using MlObs.Ops.Hosting;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

public sealed partial class UnitAgent
{
    // Buffered relation-set writes per relation id; an empty value deletes the key at commit.
    private readonly Dictionary<int, Dictionary<string, string>> _unitWrites = [];
    private readonly Dictionary<int, Dictionary<string, string>> _appWrites = [];

    private static void AddRelationTools(Dictionary<string, ToolDef> tools)
    {
        tools["relation-ids"] = new("<name>", "list all relation ids with the given relation name", _ => OutputFlags(), (a, args, call) => a.RelationIds(args, call));
        tools["relation-list"] = new(string.Empty, "list relation units", a => [a.RelationFlag(), FlagDef.Bool("List remote application instead of participating units", "app"), .. OutputFlags()], (a, args, call) => a.RelationList(args, call));
        tools["relation-get"] = new("<key> <unit id>", "get relation settings", a => [a.RelationFlag(), FlagDef.Bool("Get the relation data for the overall application, not just a unit", "app"), .. OutputFlags()], (a, args, call) => a.RelationGet(args, call));
        tools["relation-set"] = new("key=value [key=value ...]", "set relation settings", a => [a.RelationFlag(), FlagDef.Bool("pick whether you are setting \"application\" settings or \"unit\" settings", "app"), FlagDef.String("file containing key-value pairs", "file"), DeprecatedFormatFlag()], (a, args, call) => a.RelationSet(args, call));
        tools["relation-model-get"] = new(string.Empty, "get details about the model hosing a related application", a => [a.RelationFlag(), .. OutputFlags()], (a, args, call) => a.RelationModelGet(args, call));
    }

    /// <summary>The <c>-r/--relation</c> option; its default, shown by <c>--help</c>, is the hook's relation.</summary>
    private FlagDef RelationFlag() =>
        new(["r", "relation"], false, "Specify a relation by id", CurrentRelation is { } r ? FakeId(r) : string.Empty, QuoteDefault: false)
        {
            Validate = v => FindRelation(v, out _),
        };

    private RelationState? CurrentRelation => IsRelationEvent ? _state.GetRelation(_event.RelationId!.Value) : null;

    private static string FakeId(RelationState relation) => $"{relation.Endpoint}:{relation.Id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Juju's <c>relationIdValue.Set</c>: only the part after the last <c>:</c> counts.</summary>
    private string? FindRelation(string text, out RelationState? relation)
    {
        relation = null;
        var colon = text.LastIndexOf(':');
        var idText = colon < 0 ? text : text[(colon + 1)..];
        if (!int.TryParse(idText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            return "invalid relation id";
        }

        relation = _state.GetRelation(id);
        return relation is null ? "relation not found" : null;
    }

    /// <summary>The relation of <c>-r</c>, or the hook's relation; <c>no relation id specified</c> (exit 2) without either.</summary>
    private RelationState RequireRelation(ToolArguments args)
    {
        if (args.Value("relation") is { } text)
        {
            FindRelation(text, out var relation);
            return relation!;
        }

        return CurrentRelation ?? throw ToolException.Usage("no relation id specified");
    }

    private void RelationIds(ToolArguments args, Invocation call)
    {
        string endpoint;
        if (args.Positionals.Count > 0)
        {
            endpoint = args.Positionals[0];
        }
        else
        {
            endpoint = CurrentRelation?.Endpoint ?? throw ToolException.Usage("no endpoint name specified");
        }

        args.CheckMaxPositionals(1);

        // sort.Strings: "db:10" sorts before "db:9" (§3.2).
        List<string> ids = [.. _state.Relations.Where(r => r.Endpoint == endpoint).Select(FakeId).Order(StringComparer.Ordinal)];
        Write(args, call, ids);
    }

    private void RelationList(ToolArguments args, Invocation call)
    {
        var relation = RequireRelation(args);
        args.CheckMaxPositionals(0);
        if (args.Bool("app"))
        {
            Write(args, call, RemoteApp(relation));
            return;
        }

        // The departing unit has already left the member list in -relation-departed (§3.2).
        var departing = _event.Kind == EventKind.RelationDeparted && _event.RelationId == relation.Id ? _event.DepartingUnit : null;
        List<string> units = [.. relation.RemoteUnitNames(AppName).Where(u => u != departing).Order(StringComparer.Ordinal)];
        Write(args, call, units);
    }

    private string RemoteApp(RelationState relation) => relation.Kind == RelationKind.Peer ? AppName : relation.RemoteAppName;

    private void RelationGet(ToolArguments args, Invocation call)
    {
        var relation = RequireRelation(args);
        var positionals = args.Positionals;
        var key = positionals.Count > 0 && positionals[0] != "-" ? positionals[0] : string.Empty;
        var app = args.Bool("app");
        string? name = positionals.Count > 1 ? positionals[1] : null;
        if (name is null && _event.RemoteUnit is { Length: > 0 } remoteUnit && IsRelationEvent)
        {
            name = remoteUnit;
        }

        if (name is null && CurrentRelation is { } current)
        {
            name = RemoteApp(current);
            app = true;
        }

        if (name is null)
        {
            throw ToolException.Usage("no unit or application specified");
        }

        name = ResolveUnitOrApp(name, app);
        args.CheckMaxPositionals(2);

        var bag = ReadDatabag(relation, name, app);
        if (key.Length == 0)
        {
            Write(args, call, bag);
            return;
        }

        Write(args, call, bag.GetValueOrDefault(key));
    }

    /// <summary>Juju's <c>determineUnitOrAppName</c>: with <c>--app</c> a unit name becomes its application.</summary>
    private static string ResolveUnitOrApp(string name, bool app)
    {
        if (app)
        {
            if (Names.ValidApplication().IsMatch(name))
            {
                return name;
            }

            if (Names.ValidUnit().IsMatch(name))
            {
                return name[..name.IndexOf('/', StringComparison.Ordinal)];
            }

            throw ToolException.Usage($"invalid unit or application name {ToolArguments.Quote(name)}");
        }

        if (Names.ValidUnit().IsMatch(name))
        {
            return name;
        }

        if (Names.ValidApplication().IsMatch(name))
        {
            throw ToolException.Usage($"expected unit name, got application name {ToolArguments.Quote(name)}");
        }

        throw ToolException.Usage($"invalid unit name {ToolArguments.Quote(name)}");
    }

    private Dictionary<string, string> ReadDatabag(RelationState relation, string name, bool app)
    {
        if (!app && name == UnitName)
        {
            return Overlay(relation.LocalUnitData, _unitWrites.GetValueOrDefault(relation.Id));
        }

        if (app && name == AppName)
        {
            // Outside a peer relation only the leader may read its own application databag: Juju
            // sends the read to the controller, which answers ErrPerm (§3.2 relation-get).
            if (relation.Kind != RelationKind.Peer && !_state.Leader)
            {
                throw new ToolException("permission denied");
            }

            return Overlay(relation.LocalAppData, _appWrites.GetValueOrDefault(relation.Id));
        }

        if (app)
        {
            if (relation.Kind != RelationKind.Peer && name == relation.RemoteAppName)
            {
                return new Dictionary<string, string>(relation.RemoteAppData, StringComparer.Ordinal);
            }

            throw new ToolException("permission denied");
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var unitApp = name[..slash];
        var number = int.Parse(name[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        var units = relation.Kind == RelationKind.Peer
            ? (unitApp == AppName ? relation.PeersData : null)
            : (unitApp == relation.RemoteAppName ? relation.RemoteUnitsData : null);
        if (units is not null && units.TryGetValue(number, out var data))
        {
            return new Dictionary<string, string>(data, StringComparer.Ordinal);
        }

        throw new ToolException($"cannot read settings for unit {ToolArguments.Quote(name)} in relation {ToolArguments.Quote(FakeId(relation))}: settings not found");
    }

    private static Dictionary<string, string> Overlay(IReadOnlyDictionary<string, string> data, Dictionary<string, string>? writes)
    {
        var result = new Dictionary<string, string>(data, StringComparer.Ordinal);
        foreach (var (key, value) in writes ?? [])
        {
            if (value.Length == 0)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = value;
            }
        }

        return result;
    }

    private void RelationSet(ToolArguments args, Invocation call)
    {
        var relation = RequireRelation(args);
        var overrides = ParseKeyValues(args.Positionals);
        WarnDeprecatedFormat(args, call);

        // Juju reads the whole file (stdin for "-") as YAML into map[string]string; JSON is YAML.
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Value("file") is { } file)
        {
            try
            {
                settings = GoYaml.ReadStringMap(call.ReadInput(file));
            }
            catch (FormatException ex)
            {
                throw new ToolException(ex.Message);
            }
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var app = args.Bool("app");
        if (app && !_state.Leader)
        {
            throw new ToolException("cannot write relation settings");
        }

        var writes = app ? _appWrites : _unitWrites;
        if (!writes.TryGetValue(relation.Id, out var pending))
        {
            pending = new Dictionary<string, string>(StringComparer.Ordinal);
            writes[relation.Id] = pending;
        }

        foreach (var (key, value) in settings)
        {
            pending[key] = value;
        }
    }

    private void RelationModelGet(ToolArguments args, Invocation call)
    {
        var relation = RequireRelation(args);
        args.CheckMaxPositionals(0);

        // A same-model relation reports the local model's uuid (§3.2).
        Write(args, call, new Dictionary<string, object?> { ["uuid"] = relation.RemoteModelUuid ?? _state.Model.Uuid });
    }

    private RelationState CommittedRelation(RelationState relation) => relation with
    {
        LocalUnitData = _unitWrites.TryGetValue(relation.Id, out var unit) ? Overlay(relation.LocalUnitData, unit) : relation.LocalUnitData,
        LocalAppData = _appWrites.TryGetValue(relation.Id, out var app) ? Overlay(relation.LocalAppData, app) : relation.LocalAppData,
    };

    /// <summary>Juju's name rules (<c>juju/names</c>).</summary>
    private static partial class Names
    {
        [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*\z", RegexOptions.CultureInvariant)]
        public static partial Regex ValidApplication();

        [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*/(0|[1-9][0-9]*)\z", RegexOptions.CultureInvariant)]
        public static partial Regex ValidUnit();
    }
}
