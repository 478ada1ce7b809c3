// GrafanaDashboardProvider: the charm side of grafana_dashboard (cos-wire §6.1). The leader publishes
// the charm's dashboards in its application databag under `dashboards`; Grafana reports rendering
// problems back under `event`, which become a BlockedStatus through collect-status.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MlObs.Cos.Compression;
using MlObs.Ops;

namespace MlObs.Cos.GrafanaDashboard;

/// <summary>
/// Provides Grafana dashboards over a <c>grafana_dashboard</c> relation, as the Python
/// <c>GrafanaDashboardProvider</c> (LIBPATCH 50) does. Construct it in the charm's constructor; it
/// observes what it needs:
/// <code>_dashboards = new GrafanaDashboardProvider(this);</code>
/// Dashboards come from the charm's dashboards directory (see <see cref="GrafanaDashboardOptions.DashboardsPath"/>)
/// and from <see cref="AddDashboard"/>. They are published on relation-created and -joined,
/// leader-elected, upgrade-charm and config-changed; the databag's <c>uuid</c> changes only when the
/// templates do, so an unchanged charm causes no relation-changed on the Grafana side.
/// </summary>
/// <remarks>
/// Use the datasource variables Grafana adds: <c>${prometheusds}</c> for Prometheus panels and
/// <c>${lokids}</c> for Loki panels (a string <c>datasource</c>, or <c>{"type": "prometheus", "uid": "${prometheusds}"}</c>).
/// Grafana also adds the <c>$juju_model</c>, <c>$juju_model_uuid</c>, <c>$juju_application</c> and
/// <c>$juju_unit</c> dropdowns (unless <see cref="GrafanaDashboardOptions.InjectDropdowns"/> is false) and
/// filters the expressions of such panels by them. Give each dashboard an integer <c>version</c>: Grafana keeps
/// the highest version of dashboards that share a uid.
/// </remarks>
public sealed class GrafanaDashboardProvider
{
    private const string DashboardsKey = "dashboards";
    private const string EventKey = "event";

    private readonly CharmBase _charm;
    private readonly GrafanaDashboardOptions _options;
    private readonly ILogger _logger;
    private readonly StoredState<GrafanaDashboardState> _state;
    private readonly PublishedDigests _published;
    private readonly List<(string Key, JsonObject Template)> _programmatic = [];
    private DashboardScan? _scan;
    private string? _filesDigest;
    private string? _filesDigestDirectory;
    private string? _publishProblem;

    /// <summary>Creates the provider and observes the events that publish dashboards and read Grafana's feedback.</summary>
    /// <param name="charm">The charm (<c>this</c> in its constructor).</param>
    /// <param name="options">Endpoint, dashboards directory, dropdowns; null for the defaults.</param>
    /// <exception cref="ArgumentException">The endpoint is not declared in the charm's metadata.</exception>
    public GrafanaDashboardProvider(CharmBase charm, GrafanaDashboardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(charm);
        _charm = charm;
        _options = options ?? new GrafanaDashboardOptions();
        _logger = charm.Framework.LoggerFactory.CreateLogger("MlObs.Cos.GrafanaDashboardProvider");
        _state = charm.Framework.GetStoredState(
            "mlobs-cos-grafana-dashboard-" + _options.Endpoint, StateJson.ReadDashboardState, StateJson.WriteDashboardState, () => new GrafanaDashboardState());
        _published = new PublishedDigests(charm, "grafana-dashboard-" + _options.Endpoint);

        var relation = charm.On.Relation(_options.Endpoint);
        relation.Created.Observe(PublishAsync, "GrafanaDashboardProvider.Publish");
        relation.Joined.Observe(PublishAsync, "GrafanaDashboardProvider.Publish");
        relation.Changed.Observe(OnRelationChangedAsync, "GrafanaDashboardProvider.ReadGrafanaEvent");
        relation.Broken.Observe(OnRelationBroken, "GrafanaDashboardProvider.Forget");
        charm.On.LeaderElected.Observe(PublishAsync, "GrafanaDashboardProvider.Publish");
        charm.On.UpgradeCharm.Observe(PublishAsync, "GrafanaDashboardProvider.Publish");
        charm.On.ConfigChanged.Observe(PublishAsync, "GrafanaDashboardProvider.Publish");
        charm.On.CollectUnitStatus.Observe(OnCollectUnitStatus, "GrafanaDashboardProvider.Status");
    }

    /// <summary>The endpoint this provider serves.</summary>
    public string Endpoint => _options.Endpoint;

    /// <summary>
    /// The dashboards directory in use: <see cref="GrafanaDashboardOptions.DashboardsPath"/>, or the first of
    /// <c>&lt;charm dir&gt;/src/grafana_dashboards</c> and <c>&lt;charm dir&gt;/grafana_dashboards</c> that exists.
    /// </summary>
    public string DashboardsDirectory
    {
        get
        {
            var charmDir = _charm.Model.Context.CharmDir;
            if (_options.DashboardsPath is { } configured)
            {
                return Path.GetFullPath(Path.Combine(charmDir, configured));
            }

            var source = Path.Combine(charmDir, "src", "grafana_dashboards");
            var packed = Path.Combine(charmDir, "grafana_dashboards");
            return Directory.Exists(source) || !Directory.Exists(packed) ? source : packed;
        }
    }

    /// <summary>
    /// Adds a dashboard built in code (the Python <c>add_dashboard</c>): its key is <c>prog:</c> and
    /// eight characters of its encoding, its uid and tags are left as they are. Call it in the charm's
    /// constructor (every dispatch), so that every publication includes it.
    /// </summary>
    /// <param name="dashboard">The dashboard JSON.</param>
    /// <param name="injectDropdowns">Whether Grafana adds the topology dropdowns; null for the option's value.</param>
    /// <returns>The template key, <c>prog:XXXXXXXX</c>.</returns>
    /// <exception cref="LzmaUnavailableException">liblzma.so.5 cannot be loaded.</exception>
    public string AddDashboard(JsonObject dashboard, bool? injectDropdowns = null)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var encoded = LzmaBase64.Compress(PyJson.Dumps(dashboard));
        var key = DashboardTemplates.ProgrammaticKey(encoded);
        var inject = injectDropdowns ?? _options.InjectDropdowns;
        var template = DashboardTemplates.Template(_charm.Meta.Name, encoded, Topology(), inject, DashboardTemplates.AltUid(_charm.Meta.Name, key));
        _programmatic.RemoveAll(p => p.Key == key);
        _programmatic.Add((key, template));
        return key;
    }

    /// <summary>
    /// Publishes the dashboards on every relation of the endpoint now (leader only; other units do
    /// nothing). Each databag is read once and written only when the templates changed. A databag this
    /// unit published from the same dashboards, topology and options while it stayed leader is neither
    /// read nor re-rendered (except on leader-elected, upgrade-charm and relation-created/-joined).
    /// </summary>
    /// <param name="cancellationToken">Cancels the hook-tool calls.</param>
    /// <returns>A task that completes when the databags are written.</returns>
    public async Task PublishAsync(CancellationToken cancellationToken = default)
    {
        if (!await _charm.Model.Unit.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            _published.Clear();
            return;
        }

        var all = await _charm.Model.GetRelationsAsync(_options.Endpoint, cancellationToken).ConfigureAwait(false);
        if (all.Count == 0)
        {
            return;
        }

        var digest = InputsDigest();
        var relations = all.Where(r => !_published.IsCurrent(r, digest)).ToList();
        if (relations.Count == 0)
        {
            return;
        }

        JsonObject templates;
        try
        {
            templates = BuildTemplates();
        }
        catch (LzmaUnavailableException ex)
        {
            // Writing nothing is safe; writing something Grafana cannot decode is not.
            _publishProblem = "cannot compress dashboards: " + ex.Message;
            GrafanaDashboardLog.PublishFailed(_logger, _options.Endpoint, _publishProblem);
            return;
        }

        foreach (var relation in relations)
        {
            var bag = relation.LocalAppData;
            var current = await bag.GetAsync(DashboardsKey, cancellationToken).ConfigureAwait(false);
            _published.Record(relation, digest);
            if (SameTemplates(current, templates))
            {
                continue;
            }

            var value = new JsonObject
            {
                ["templates"] = templates.DeepClone(),
                ["uuid"] = Guid.NewGuid().ToString("D"),
            };
            await bag.UpdateAsync(new Dictionary<string, string>(StringComparer.Ordinal) { [DashboardsKey] = PyJson.Dumps(value) }, cancellationToken).ConfigureAwait(false);
            GrafanaDashboardLog.Published(_logger, _options.Endpoint, relation.Id, templates.Count);

            // New templates: what Grafana said about the old ones no longer holds.
            ForgetErrors(relation.Id, keepSeenEvent: true);
        }
    }

    /// <summary>The <c>templates</c> object this unit would publish: file dashboards, then programmatic ones.</summary>
    /// <returns>A new object keyed by template key.</returns>
    /// <exception cref="LzmaUnavailableException">liblzma.so.5 cannot be loaded.</exception>
    public JsonObject BuildTemplates()
    {
        var templates = new JsonObject();
        var topology = Topology();
        foreach (var file in Scan().Files)
        {
            if (templates.ContainsKey(file.Key))
            {
                GrafanaDashboardLog.DuplicateKey(_logger, _options.Endpoint, file.Path, file.Key);
            }

            templates[file.Key] = DashboardTemplates.FileTemplate(file, _charm.Meta.Name, topology, _options.InjectDropdowns);
        }

        foreach (var (key, template) in _programmatic)
        {
            templates[key] = template.DeepClone();
        }

        return templates;
    }

    // Everything BuildTemplates reads: the dashboard files, the topology, the options and the programmatic dashboards.
    private string InputsDigest()
    {
        // The topology's four strings, not Topology().ToJsonString(): building JSON nodes from strings
        // starts System.Text.Json's converters (reflection metadata) in a hook that publishes nothing.
        // The directory relative to the charm's: the dashboards' uids are made from the files' paths from there.
        var model = _charm.Model;
        var directory = DashboardsDirectory;
        var digest = new InputDigest().Add("grafana-dashboard/3").Add(_charm.Meta.Name)
            .Add(model.Name).Add(model.Uuid).Add(model.App.Name).Add(model.Unit.Name)
            .Add(_options.InjectDropdowns ? "dropdowns" : "no dropdowns")
            .Add(Path.GetRelativePath(_charm.Model.Context.CharmDir, directory)).Add(FilesDigest(directory));
        foreach (var (key, template) in _programmatic)
        {
            digest.Add(key).Add(template.ToJsonString());
        }

        return digest.Hex();
    }

    private static bool SameTemplates(string? current, JsonObject templates)
    {
        if (string.IsNullOrEmpty(current))
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(current) is JsonObject existing && JsonNode.DeepEquals(existing["templates"], templates);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    // The dashboard files' digest, read once per provider (a charm instance serves one dispatch), as Scan() reads
    // the files once: publication and collect-status both need it, and each read hashes every file again.
    private string FilesDigest(string directory)
    {
        if (_filesDigest is null || _filesDigestDirectory != directory)
        {
            _filesDigest = InputDigest.OfPath(directory, recursive: true);
            _filesDigestDirectory = directory;
        }

        return _filesDigest;
    }

    private JsonObject Topology()
    {
        var model = _charm.Model;
        return DashboardTemplates.Topology(model.Name, model.Uuid, model.App.Name, model.Unit.Name);
    }

    private DashboardScan Scan()
    {
        if (_scan is null)
        {
            _scan = DashboardTemplates.Scan(DashboardsDirectory, _charm.Model.Context.CharmDir, _charm.Meta.Name);
            foreach (var problem in _scan.Problems)
            {
                GrafanaDashboardLog.FileSkipped(_logger, _options.Endpoint, problem.Path, problem.Reason);
            }
        }

        return _scan;
    }

    // The dashboard files' problems for collect-status, which runs in every hook: parsed again (JSON,
    // SHAKE-256 uids) only when the files differ from those the stored problems came from.
    private List<string> ScanProblems()
    {
        if (_scan is null)
        {
            var directory = DashboardsDirectory;
            var digest = new InputDigest().Add(directory).Add(FilesDigest(directory)).Hex();
            if (_state.Value.ScanDigest == digest)
            {
                return _state.Value.ScanProblems;
            }

            _state.Value = _state.Value with { ScanDigest = digest, ScanProblems = [.. Scan().Problems.Select(Describe)] };
        }

        return [.. Scan().Problems.Select(Describe)];

        static string Describe(DashboardFileProblem p) => $"invalid dashboard {p.Path}: {p.Reason}";
    }

    private Task PublishAsync(HookEvent e, CancellationToken cancellationToken) => PublishAsync(cancellationToken);

    private async Task OnRelationChangedAsync(RelationEvent e, CancellationToken cancellationToken)
    {
        var bag = await e.Relation.GetRemoteAppDataAsync(cancellationToken).ConfigureAwait(false);
        if (bag is null)
        {
            return;
        }

        var raw = await bag.GetAsync(EventKey, cancellationToken).ConfigureAwait(false) ?? string.Empty;
        var id = e.Relation.Id.ToString(CultureInfo.InvariantCulture);
        var seen = _state.Value.Relations.TryGetValue(id, out var known) ? known : null;
        if (seen is not null && seen.SeenEvent == raw)
        {
            return; // Grafana never clears `event`: an old value says nothing about the current templates.
        }

        var errors = ParseEvent(raw, out var problem);
        if (problem is not null)
        {
            GrafanaDashboardLog.BadEvent(_logger, e.Relation.ToString(), problem);
            errors = [new GrafanaDashboardError(string.Empty, problem)];
        }

        foreach (var error in errors)
        {
            GrafanaDashboardLog.Rejected(_logger, e.Relation.ToString(), error.DashboardId, error.Error);
        }

        var relations = new Dictionary<string, RelationFeedback>(_state.Value.Relations, StringComparer.Ordinal) { [id] = new RelationFeedback(raw, [.. errors]) };
        _state.Value = _state.Value with { Relations = relations };
    }

    private void OnRelationBroken(RelationEvent e)
    {
        _published.Forget(e.Relation);
        ForgetErrors(e.Relation.Id, keepSeenEvent: false);
    }

    private void ForgetErrors(int relationId, bool keepSeenEvent)
    {
        var id = relationId.ToString(CultureInfo.InvariantCulture);
        if (!_state.Value.Relations.TryGetValue(id, out var known) || (known.Errors.Count == 0 && keepSeenEvent))
        {
            return;
        }

        var relations = new Dictionary<string, RelationFeedback>(_state.Value.Relations, StringComparer.Ordinal);
        if (keepSeenEvent)
        {
            relations[id] = known with { Errors = [] };
        }
        else
        {
            relations.Remove(id);
        }

        _state.Value = _state.Value with { Relations = relations };
    }

    private void OnCollectUnitStatus(CollectStatusEvent e)
    {
        var problems = new List<string>();
        if (_publishProblem is not null)
        {
            problems.Add(_publishProblem);
        }

        problems.AddRange(ScanProblems());
        foreach (var (_, feedback) in _state.Value.Relations.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            problems.AddRange(feedback.Errors.Select(err => err.DashboardId.Length == 0 ? err.Error : $"Grafana rejected {err.DashboardId}: {err.Error}"));
        }

        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? $" (+{problems.Count - 1} more, see juju debug-log)" : string.Empty;
            e.AddStatus(new BlockedStatus($"{_options.Endpoint}: {Shorten(problems[0])}{more}"));
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..197] + "...";

    /// <summary>The Python provider's reading of <c>event</c>: <c>{"valid": bool, "errors": [{"dashboard_id", "error"}]}</c>.</summary>
    internal static IReadOnlyList<GrafanaDashboardError> ParseEvent(string raw, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return [];
        }

        if (raw.Length > 1024 * 1024)
        {
            problem = "the event value is larger than 1 MiB";
            return [];
        }

        try
        {
            if (JsonNode.Parse(raw) is not JsonObject data)
            {
                problem = "the event value is not a JSON object";
                return [];
            }

            var valid = data["valid"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b;
            var list = new List<GrafanaDashboardError>();
            if (data["errors"] is JsonArray errors)
            {
                foreach (var item in errors)
                {
                    list.Add(item is JsonObject o
                        ? new GrafanaDashboardError(Text(o["dashboard_id"]), Text(o["error"]))
                        : new GrafanaDashboardError(string.Empty, Text(item)));
                }
            }
            else if (data["errors"] is JsonValue single && Text(single) is { Length: > 0 } message)
            {
                list.Add(new GrafanaDashboardError(string.Empty, message));
            }

            if (!valid && list.Count == 0)
            {
                list.Add(new GrafanaDashboardError(string.Empty, "Grafana reports the dashboards as invalid"));
            }

            return list;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            problem = "the event value is not valid JSON: " + ex.Message;
            return [];
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}

/// <summary>A dashboard Grafana could not render, from its <c>event</c> data.</summary>
/// <param name="DashboardId">The template key, e.g. <c>file:overview</c>; empty when the problem is not about one dashboard.</param>
/// <param name="Error">Grafana's message.</param>
public sealed record GrafanaDashboardError(string DashboardId, string Error);

/// <summary>What the provider remembers between dispatches: Grafana's last <c>event</c> per relation id, and the problems of the dashboard files.</summary>
internal sealed record GrafanaDashboardState
{
    public Dictionary<string, RelationFeedback> Relations { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The digest of the dashboards directory that <see cref="ScanProblems"/> were found in; null before the first scan.</summary>
    public string? ScanDigest { get; init; }

    /// <summary>The status lines of the files that were skipped.</summary>
    public List<string> ScanProblems { get; init; } = [];
}

/// <summary>The last <c>event</c> value seen on a relation and the errors still standing.</summary>
/// <param name="SeenEvent">The raw value.</param>
/// <param name="Errors">The errors; cleared when new templates are published.</param>
internal sealed record RelationFeedback(string SeenEvent, List<GrafanaDashboardError> Errors);
