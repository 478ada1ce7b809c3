// FakeModel: a stateful in-memory Juju model behind IFakeApi. It answers the workflow's calls in
// the shapes of juju-workflow-shapes.md (params read and results written with the generated
// records, params strictly: an unknown key is an error), computes bundle changes like the
// controller, moves units from allocating through maintenance to active/idle over status polls,
// runs actions over polls, and fails what a test asks it to. Deterministic: no clock, no randomness.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Juju.Net.Testing;

/// <summary>An in-memory Juju model that answers facade calls; also the uploader of local charms and resources.</summary>
public sealed class FakeModel : IFakeApi, ILocalCharmUploader, IFakeUploads
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JujuJsonContext Strict = new(new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow });

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeCharm> _catalog = new(StringComparer.Ordinal);
    private readonly HashSet<string> _addedCharms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, App> _apps = new(StringComparer.Ordinal);
    private readonly List<Relation> _relations = [];
    private readonly Dictionary<string, ApplicationOfferStatus> _offers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApplicationOfferDetailsV5> _remoteOffers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RemoteApplicationStatus> _remoteApps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _annotations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeAction> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<FakeActionCall, FakeActionResult>> _actionHandlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Message, string Code)> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Workload, string Message)> _unitFates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknownCharms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingResources = new(StringComparer.Ordinal);
    private readonly List<string> _machines = [];
    private readonly List<string> _calls = [];
    private int _sequence;

    /// <summary>Creates an empty model.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="type"><c>caas</c> (Kubernetes: deploy creates the units) or <c>iaas</c> (machines: addUnit does).</param>
    public FakeModel(string name = "mlobs", string type = "caas")
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    public string Type { get; }

    /// <summary>The model tag that offers must name.</summary>
    public string ModelTag => $"model-{ModelUuid}";

    /// <summary>The model's UUID (derived from its name).</summary>
    public string ModelUuid => $"{Name}-0000-4000-8000-000000000000";

    /// <summary>How many status polls a new unit takes to settle (allocating, then maintenance, then active/idle).</summary>
    public int SettlePolls { get; init; } = 3;

    /// <summary>How many <c>Action.Actions</c> polls an action runs before it ends.</summary>
    public int ActionPolls { get; init; } = 2;

    /// <summary>Every call made, as <c>Facade.Method</c>, in order.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Teaches the model a charm's options, actions, resources and endpoints.</summary>
    public FakeModel WithCharm(FakeCharm charm)
    {
        lock (_gate)
        {
            _catalog[charm.Name] = charm;
        }

        return this;
    }

    /// <summary>An offer in another model that this model can consume.</summary>
    public FakeModel WithRemoteOffer(string url, params (string Name, string Interface, string Role)[] endpoints)
    {
        lock (_gate)
        {
            var name = url[(url.LastIndexOf('.') + 1)..];
            _remoteOffers[url] = new ApplicationOfferDetailsV5
            {
                OfferUrl = url,
                OfferName = name,
                OfferUuid = $"offer-{_remoteOffers.Count:D4}",
                SourceModelTag = "model-cos-0000-4000-8000-000000000000",
                Endpoints = [.. endpoints.Select(e => new RemoteEndpoint { Name = e.Name, Interface = e.Interface, Role = e.Role })],
                Users = [],
            };
        }

        return this;
    }

    /// <summary>Makes Charmhub not know a charm: ResolveCharms answers "not found" for it.</summary>
    public FakeModel WithUnknownCharm(string name)
    {
        lock (_gate)
        {
            _unknownCharms.Add(name);
        }

        return this;
    }

    /// <summary>The units of an application end in <c>error</c> (a failed hook) or <c>blocked</c> instead of active.</summary>
    public FakeModel WithUnitsEndingIn(string application, string workload, string message)
    {
        lock (_gate)
        {
            _unitFates[application] = (workload, message);
        }

        return this;
    }

    /// <summary>The next call of <paramref name="facade"/>.<paramref name="method"/> fails with this message (per item for bulk results).</summary>
    public FakeModel FailNext(string facade, string method, string message, string code = "")
    {
        lock (_gate)
        {
            _failures[$"{facade}.{method}"] = (message, code);
        }

        return this;
    }

    /// <summary>How an action ends; without a handler it completes with no output.</summary>
    public FakeModel OnAction(string action, Func<FakeActionCall, FakeActionResult> handler)
    {
        lock (_gate)
        {
            _actionHandlers[action] = handler;
        }

        return this;
    }

    /// <inheritdoc />
    public ValueTask<FakeReply> HandleAsync(string facade, int version, string method, string? id, JsonNode? parameters, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add($"{facade}.{method}");
            var key = $"{facade}.{method}";
            if (_failures.Remove(key, out var failure) && !BulkErrorMethods.Contains(key))
            {
                return ValueTask.FromResult<FakeReply>(new FakeReply.Error(failure.Message, failure.Code.Length > 0 ? failure.Code : null));
            }

            _pendingFailure = BulkErrorMethods.Contains(key) ? failure : default;
            try
            {
                return ValueTask.FromResult(Dispatch(key, version, parameters));
            }
            catch (FakeError e)
            {
                return ValueTask.FromResult<FakeReply>(new FakeReply.Error(e.Message, e.Code));
            }
            catch (JsonException e)
            {
                return ValueTask.FromResult<FakeReply>(new FakeReply.Error($"{key}: bad params: {e.Message}", "bad request"));
            }
        }
    }

    /// <inheritdoc />
    public Task<string> UploadCharmAsync(string path, CancellationToken cancellationToken)
    {
        var file = Path.GetFileName(path.TrimEnd('/'));
        var name = Path.GetFileNameWithoutExtension(file);
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        return Task.FromResult(AddLocalCharm(underscore > 0 ? name[..underscore] : name));
    }

    /// <summary>A charm archive uploaded over HTTP: its name is the <c>name</c> of its metadata.yaml (or charmcraft.yaml).</summary>
    /// <exception cref="FakeUploadException">It is not a zip, or names no charm.</exception>
    public string AcceptCharm(byte[] archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        string? name = null;
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(archive), System.IO.Compression.ZipArchiveMode.Read);
            var metadata = zip.GetEntry("metadata.yaml") ?? zip.GetEntry("charmcraft.yaml")
                ?? throw new FakeUploadException("the charm archive has neither metadata.yaml nor charmcraft.yaml");
            using var reader = new StreamReader(metadata.Open());
            var yaml = new YamlDotNet.RepresentationModel.YamlStream();
            yaml.Load(reader);
            if (yaml.Documents is [{ RootNode: YamlDotNet.RepresentationModel.YamlMappingNode root }]
                && root.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("name"), out var value)
                && value is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { Length: > 0 } text })
            {
                name = text;
            }
        }
        catch (InvalidDataException e)
        {
            throw new FakeUploadException($"the upload is not a zip archive: {e.Message}");
        }

        return AddLocalCharm(name ?? throw new FakeUploadException("the charm's metadata has no name"));
    }

    /// <summary>A resource uploaded over HTTP for a pending id that <c>Resources.AddPendingResources</c> gave out.</summary>
    /// <exception cref="FakeUploadException">The pending id is unknown, or the body is empty.</exception>
    public void AcceptResource(string application, string resource, string pendingId, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        lock (_gate)
        {
            if (!_pendingResources.Contains(pendingId))
            {
                throw new FakeUploadException($"pending resource \"{pendingId}\" of {application}/{resource} not found");
            }

            if (body.Length == 0)
            {
                throw new FakeUploadException($"resource {resource} of {application}: empty upload");
            }

            _calls.Add($"http.PutResource {application}/{resource}");
        }
    }

    private string AddLocalCharm(string name)
    {
        lock (_gate)
        {
            _calls.Add("http.UploadCharm");
            var url = $"local:{name}-{_addedCharms.Count(c => c.StartsWith($"local:{name}-", StringComparison.Ordinal))}";
            _addedCharms.Add(url);
            return url;
        }
    }

    /// <inheritdoc />
    public Task<string> UploadResourceAsync(string application, string charmUrl, string resource, string value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add("http.UploadResource");
            var pendingId = $"pending-{++_sequence}";
            _pendingResources.Add(pendingId);
            return Task.FromResult(pendingId);
        }
    }

    private static readonly HashSet<string> BulkErrorMethods =
        ["Application.Deploy", "Application.SetConfigs", "Application.Consume", "ApplicationOffers.Offer", "Annotations.Set", "Charms.ResolveCharms", "Action.EnqueueOperation"];

    private (string Message, string Code) _pendingFailure;

    private FakeReply Dispatch(string key, int version, JsonNode? p) => key switch
    {
        "Bundle.GetChangesMapArgs" => GetChangesMapArgs(Read(p, Strict.BundleChangesParams)),
        "Charms.ResolveCharms" => Ok(ResolveCharms(Read(p, Strict.ResolveCharmsWithChannel)), Strict.ResolveCharmWithChannelResults),
        "Charms.AddCharm" => Ok(AddCharm(Read(p, Strict.AddCharmWithOrigin)), Strict.CharmOriginResult),
        "Charms.CharmInfo" => Ok(CharmInfo(Read(p, Strict.CharmURL)), Strict.Charm),
        "Resources.AddPendingResources" => Ok(AddPendingResources(Read(p, Strict.AddPendingResourcesArgsV2)), Strict.AddPendingResourcesResult),
        "Application.Deploy" => Ok(Deploy(Read(p, Strict.ApplicationsDeploy)), Strict.ErrorResults),
        "Application.AddUnits" => Ok(AddUnits(Read(p, Strict.AddApplicationUnits)), Strict.AddApplicationUnitsResults),
        "Application.ScaleApplications" => Ok(Scale(Read(p, Strict.ScaleApplicationsParamsV2)), Strict.ScaleApplicationResults),
        "Application.AddRelation" => Ok(AddRelation(Read(p, Strict.AddRelation)), Strict.AddRelationResults),
        "Application.Expose" => Empty(Expose(Read(p, Strict.ApplicationExpose))),
        "Application.Get" => Ok(Get(Read(p, Strict.ApplicationGet)), Strict.ApplicationGetResults),
        "Application.SetConfigs" => Ok(SetConfigs(Read(p, Strict.ConfigSetArgs)), Strict.ErrorResults),
        "Application.Consume" => Ok(Consume(Read(p, Strict.ConsumeApplicationArgsV5)), Strict.ErrorResults),
        "MachineManager.AddMachines" => Ok(AddMachines(Read(p, Strict.AddMachines)), Strict.AddMachinesResults),
        "Annotations.Set" => Ok(SetAnnotations(Read(p, Strict.AnnotationsSet)), Strict.ErrorResults),
        "Annotations.Get" => Ok(GetAnnotations(Read(p, Strict.Entities)), Strict.AnnotationsGetResults),
        "ApplicationOffers.Offer" => Ok(Offer(Read(p, Strict.AddApplicationOffers)), Strict.ErrorResults),
        "ApplicationOffers.GetConsumeDetails" => Ok(GetConsumeDetails(Read(p, Strict.ConsumeOfferDetailsArg)), Strict.ConsumeOfferDetailsResults),
        "Client.FullStatus" => Ok(FullStatus(Read(p, Strict.StatusParams)), Strict.FullStatus),
        "Action.EnqueueOperation" => Ok(Enqueue(Read(p, Strict.Actions)), Strict.EnqueuedActions),
        "Action.Actions" => Ok(ActionResults(Read(p, Strict.Entities)), Strict.ActionResults),
        "Action.Operations" => Ok(Operations(Read(p, Strict.Entities)), Strict.OperationResults),
        "ModelConfig.ModelGet" => Ok(new ModelConfigResults
        {
            Config = new Dictionary<string, ConfigValue>
            {
                ["name"] = new() { Source = "model", Value = Element(JsonValue.Create(Name)) },
                ["type"] = new() { Source = "model", Value = Element(JsonValue.Create(Type == "caas" ? "kubernetes" : "lxd")) },
            },
        }, Strict.ModelConfigResults),
        _ => new FakeReply.Error($"no such request - method {key.Replace(".", $"({version}).", StringComparison.Ordinal)} is not implemented", "not implemented"),
    };

    private static T Read<T>(JsonNode? node, JsonTypeInfo<T> type) =>
        (node ?? new JsonObject()).Deserialize(type) ?? throw new FakeError("params are null", "bad request");

    private static FakeReply.Ok Ok<T>(T value, JsonTypeInfo<T> type) => new(JsonSerializer.SerializeToNode(value, type));

    private static FakeReply.Ok Empty(bool _) => new(new JsonObject());

    private ErrorResult ItemResult(Func<Error?> work)
    {
        if (_pendingFailure is { Message: { } injected, Code: var code })
        {
            _pendingFailure = default;
            return new ErrorResult { Error = new Error { Message = injected, Code = code ?? "" } };
        }

        return new ErrorResult { Error = work() };
    }

    private static FakeReply.Ok GetChangesMapArgs(BundleChangesParams p)
    {
        var (changes, errors) = FakeBundleChanges.Compute(p.Yaml);
        var response = new JsonObject();
        if (errors.Count > 0)
        {
            response["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)e!)]);
        }
        else
        {
            // As the controller does: one empty error string per change.
            response["changes"] = changes;
            response["errors"] = new JsonArray([.. changes.Select(_ => (JsonNode)"")]);
        }

        return new FakeReply.Ok(response);
    }

    private ResolveCharmWithChannelResults ResolveCharms(ResolveCharmsWithChannel p) => new()
    {
        Results = [.. (p.Resolve ?? []).Select(r =>
        {
            var name = r.Reference.StartsWith("ch:", StringComparison.Ordinal) ? r.Reference[3..] : r.Reference;
            if (_pendingFailure.Message is { } injected)
            {
                _pendingFailure = default;
                return new ResolveCharmWithChannelResult { Error = new Error { Message = injected } };
            }

            if (_unknownCharms.Contains(name))
            {
                return new ResolveCharmWithChannelResult { Error = new Error { Message = $"resolving with preferred channel: charm or bundle not found for channel \"{r.CharmOrigin?.Risk}\"", Code = "not found" } };
            }

            var revision = r.CharmOrigin?.Revision ?? _catalog.GetValueOrDefault(name)?.Revision ?? 1;
            return new ResolveCharmWithChannelResult
            {
                Url = $"ch:amd64/{name}-{revision}",
                CharmOrigin = (r.CharmOrigin ?? new CharmOrigin()) with { Id = $"id-{name}", Hash = $"hash-{name}-{revision}", Revision = revision, Base = new Base { Name = "ubuntu", Channel = "22.04" } },
                SupportedBases = [new Base { Name = "ubuntu", Channel = "22.04" }],
            };
        })],
    };

    private CharmOriginResult AddCharm(AddCharmWithOrigin p)
    {
        if (!p.Url.StartsWith("ch:", StringComparison.Ordinal) || p.CharmOrigin is not { Source: "charm-hub", Id.Length: > 0 })
        {
            return new CharmOriginResult { Error = new Error { Message = $"charm {p.Url} was not resolved (origin {p.CharmOrigin?.Source})", Code = "not valid" } };
        }

        _addedCharms.Add(p.Url);
        return new CharmOriginResult { CharmOrigin = p.CharmOrigin };
    }

    private Charm CharmInfo(CharmURL p)
    {
        if (!_addedCharms.Contains(p.Url))
        {
            throw new FakeError($"charm \"{p.Url}\" not found", "not found");
        }

        var known = _catalog.GetValueOrDefault(CharmName(p.Url));
        return new Charm
        {
            Url = p.Url,
            Revision = known?.Revision ?? 0,
            Config = known?.Options.ToDictionary(o => o.Key, o => new CharmOption { Type = o.Value.Type, Description = o.Value.Description }),
            Meta = new CharmMeta
            {
                Name = CharmName(p.Url),
                Resources = known?.Resources.ToDictionary(r => r.Key, r => new CharmResourceMeta { Name = r.Key, Type = r.Value }),
            },
        };
    }

    private AddPendingResourcesResult AddPendingResources(AddPendingResourcesArgsV2 p)
    {
        if (!_addedCharms.Contains(p.Url))
        {
            return new AddPendingResourcesResult { Error = new Error { Message = $"charm \"{p.Url}\" not found", Code = "not found" } };
        }

        var ids = new List<string>();
        foreach (var resource in p.Resources ?? [])
        {
            var pendingId = $"pending-{++_sequence}";
            _pendingResources.Add(pendingId);
            ids.Add(pendingId);
        }

        return new AddPendingResourcesResult { PendingIds = ids };
    }

    private ErrorResults Deploy(ApplicationsDeploy p) => new()
    {
        Results = [.. (p.Applications ?? []).Select(a => ItemResult(() =>
        {
            if (_apps.ContainsKey(a.Application) || _remoteApps.ContainsKey(a.Application))
            {
                return new Error { Message = $"cannot add application \"{a.Application}\": application already exists", Code = "already exists" };
            }

            if (!_addedCharms.Contains(a.CharmUrl))
            {
                return new Error { Message = $"charm \"{a.CharmUrl}\" not found", Code = "not found" };
            }

            var missing = (_catalog.GetValueOrDefault(CharmName(a.CharmUrl))?.Resources.Keys ?? []).Where(r => a.Resources?.ContainsKey(r) != true).ToList();
            if (missing.Count > 0 || a.Resources?.Values.Any(id => !_pendingResources.Contains(id)) == true)
            {
                return new Error { Message = $"deploying {a.Application}: pending resources missing or unknown: {string.Join(", ", missing)}", Code = "not valid" };
            }

            var app = new App(a.Application, a.CharmUrl, a.Channel);
            foreach (var (k, v) in a.Config ?? new Dictionary<string, string>())
            {
                if (k == "trust")
                {
                    app.Trust = v == "true";
                }
                else if (ConvertOption(app, k, v) is { } error)
                {
                    return error;
                }
            }

            _apps[a.Application] = app;
            for (var i = 0; i < a.NumUnits; i++)
            {
                AddUnit(app, null);
            }

            return null;
        }))],
    };

    private Error? ConvertOption(App app, string key, string value)
    {
        var known = _catalog.GetValueOrDefault(CharmName(app.Charm));
        if (known is null)
        {
            app.Config[key] = value;
            return null;
        }

        if (!known.Options.TryGetValue(key, out var option))
        {
            return new Error { Message = $"unknown option \"{key}\"", Code = "not valid" };
        }

        JsonNode? converted = option.Type switch
        {
            "int" => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
            "float" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            "boolean" => value is "true" or "false" ? value == "true" : null,
            _ => value,
        };
        if (converted is null)
        {
            return new Error { Message = $"option \"{key}\" expected {option.Type}, got \"{value}\"", Code = "not valid" };
        }

        app.Config[key] = converted;
        return null;
    }

    private string AddUnit(App app, string? machine)
    {
        var name = $"{app.Name}/{app.NextUnit++}";
        if (Type == "iaas" && machine is null)
        {
            machine = NewMachine();
        }

        app.Units.Add(new Unit(name, machine ?? ""));
        return name;
    }

    private string NewMachine()
    {
        var id = _machines.Count(m => !m.Contains('/', StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture);
        _machines.Add(id);
        return id;
    }

    private AddApplicationUnitsResults AddUnits(AddApplicationUnits p)
    {
        var app = AppOrThrow(p.Application);
        var machine = p.Placement is [{ Scope: "#" } place] ? place.Directive : null;
        if (machine is not null && !_machines.Contains(machine))
        {
            throw new FakeError($"machine {machine} not found", "not found");
        }

        return new AddApplicationUnitsResults { Units = [.. Enumerable.Range(0, (int)p.NumUnits).Select(_ => AddUnit(app, machine))] };
    }

    private ScaleApplicationResults Scale(ScaleApplicationsParamsV2 p) => new()
    {
        Results = [.. (p.Applications ?? []).Select(s =>
        {
            var name = s.ApplicationTag.StartsWith("application-", StringComparison.Ordinal) ? s.ApplicationTag["application-".Length..] : s.ApplicationTag;
            if (!_apps.TryGetValue(name, out var app))
            {
                return new ScaleApplicationResult { Error = new Error { Message = $"application \"{name}\" not found", Code = "not found" } };
            }

            while (app.Units.Count < s.Scale)
            {
                AddUnit(app, null);
            }

            app.Units.RemoveRange((int)s.Scale, app.Units.Count - (int)s.Scale);
            return new ScaleApplicationResult { Info = new ScaleApplicationInfo { NumUnits = s.Scale } };
        })],
    };

    private AddRelationResults AddRelation(AddRelation p)
    {
        if (p.Endpoints is not [var first, var second])
        {
            throw new FakeError($"a relation needs 2 endpoints, got {p.Endpoints?.Count ?? 0}", "bad request");
        }

        var a = ResolveEndpoint(first, second);
        var b = ResolveEndpoint(second, first);
        if ((a.Role, b.Role) is ("provider", "provider") or ("requirer", "requirer"))
        {
            throw new FakeError($"no relations found between {first} and {second}: both are {a.Role}s", "not found");
        }

        var (requirer, provider) = a.Role == "requirer" || b.Role == "provider" ? (a, b) : (b, a);
        requirer = requirer with { Role = "requirer" };
        provider = provider with { Role = "provider" };
        var key = $"{requirer.App}:{requirer.Name} {provider.App}:{provider.Name}";
        if (_relations.Any(r => r.Key == key))
        {
            throw new FakeError($"relation {key} already exists", "already exists");
        }

        _relations.Add(new Relation(_relations.Count, key, requirer.Interface, requirer, provider));
        return new AddRelationResults
        {
            Endpoints = new Dictionary<string, CharmRelation>
            {
                [requirer.App] = new() { Name = requirer.Name, Role = "requirer", Interface = requirer.Interface, Scope = "global" },
                [provider.App] = new() { Name = provider.Name, Role = "provider", Interface = provider.Interface, Scope = "global" },
            },
        };
    }

    /// <summary>An endpoint's application, name, role and interface, from the charm catalog or the consumed offer when known.</summary>
    private Endpoint ResolveEndpoint(string endpoint, string other)
    {
        var colon = endpoint.IndexOf(':', StringComparison.Ordinal);
        var (app, name) = colon < 0 ? (endpoint, null) : (endpoint[..colon], endpoint[(colon + 1)..]);
        IReadOnlyDictionary<string, FakeEndpoint>? known = null;
        if (_apps.TryGetValue(app, out var local))
        {
            known = _catalog.GetValueOrDefault(CharmName(local.Charm))?.Endpoints;
        }
        else if (_remoteApps.TryGetValue(app, out var remote))
        {
            known = remote.Endpoints?.ToDictionary(e => e.Name, e => new FakeEndpoint(e.Role, e.Interface));
        }
        else
        {
            throw new FakeError($"application \"{app}\" not found", "not found");
        }

        if (name is null)
        {
            var candidates = known?.Keys.ToList() ?? [];
            name = candidates is [var only] ? only : throw new FakeError($"cannot infer the endpoint of {app} to relate with {other}: name it (app:endpoint)", "not valid");
        }

        if (known is not null && !known.ContainsKey(name))
        {
            throw new FakeError($"application \"{app}\" has no \"{name}\" relation", "not found");
        }

        var ep = known?.GetValueOrDefault(name);
        return new Endpoint(app, name, ep?.Role ?? "", ep?.Interface ?? name);
    }

    private bool Expose(ApplicationExpose p)
    {
        AppOrThrow(p.Application).Exposed = true;
        return true;
    }

    private ApplicationGetResults Get(ApplicationGet p)
    {
        var app = AppOrThrow(p.Application);
        var known = _catalog.GetValueOrDefault(CharmName(app.Charm));
        var config = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, option) in known?.Options ?? new Dictionary<string, FakeOption>())
        {
            var set = app.Config.TryGetValue(name, out var value);
            var entry = new JsonObject { ["description"] = option.Description, ["source"] = set ? "user" : "default", ["type"] = option.Type };
            if (option.Default is not null)
            {
                entry["default"] = option.Default.DeepClone();
            }

            if ((set ? value : option.Default) is { } current)
            {
                entry["value"] = current.DeepClone();
            }

            config[name] = Element(entry);
        }

        foreach (var (name, value) in app.Config.Where(c => known is null))
        {
            config[name] = Element(new JsonObject { ["description"] = "", ["source"] = "user", ["type"] = "string", ["value"] = value?.DeepClone() });
        }

        return new ApplicationGetResults
        {
            Application = app.Name,
            Charm = CharmName(app.Charm),
            Channel = app.Channel,
            Config = config,
            ApplicationConfig = new Dictionary<string, JsonElement>
            {
                ["trust"] = Element(
                    new JsonObject { ["default"] = false, ["description"] = "Does this application have access to trusted credentials", ["source"] = app.Trust ? "user" : "default", ["type"] = "bool", ["value"] = app.Trust }),
            },
            Constraints = new Value(),
            Base = new Base { Name = "ubuntu", Channel = "22.04" },
        };
    }

    private ErrorResults SetConfigs(ConfigSetArgs p) => new()
    {
        Results = [.. (p.Args ?? []).Select(set => ItemResult(() =>
        {
            if (!_apps.TryGetValue(set.Application, out var app))
            {
                return new Error { Message = $"application \"{set.Application}\" not found", Code = "not found" };
            }

            foreach (var (k, v) in set.Config ?? new Dictionary<string, string>())
            {
                if (ConvertOption(app, k, v) is { } error)
                {
                    return error;
                }
            }

            return null;
        }))],
    };

    private ErrorResults Consume(ConsumeApplicationArgsV5 p) => new()
    {
        Results = [.. (p.Args ?? []).Select(c => ItemResult(() =>
        {
            var name = c.ApplicationAlias ?? c.OfferName;
            if (_remoteApps.ContainsKey(name) || _apps.ContainsKey(name))
            {
                return new Error { Message = $"saas application \"{name}\" already exists", Code = "already exists" };
            }

            if (c.OfferUuid.Length == 0 || c.SourceModelTag.Length == 0)
            {
                return new Error { Message = $"consume {c.OfferUrl}: offer uuid and source model are required", Code = "not valid" };
            }

            _remoteApps[name] = new RemoteApplicationStatus
            {
                Endpoints = c.Endpoints,
                OfferName = c.OfferName,
                OfferUrl = c.OfferUrl,
                Relations = new Dictionary<string, IReadOnlyList<string>>(),
                Status = Status("active", ""),
            };
            return null;
        }))],
    };

    private AddMachinesResults AddMachines(AddMachines p) => new()
    {
        Machines = [.. (p.Params ?? []).Select(m =>
        {
            if (m.Jobs is not ["JobHostUnits"])
            {
                return new AddMachinesResult { Error = new Error { Message = "machines need the job JobHostUnits", Code = "not valid" } };
            }

            if (m.ContainerType.Length == 0)
            {
                return new AddMachinesResult { Machine = NewMachine() };
            }

            if (!_machines.Contains(m.ParentId))
            {
                return new AddMachinesResult { Error = new Error { Message = $"machine {m.ParentId} not found", Code = "not found" } };
            }

            var id = $"{m.ParentId}/{m.ContainerType}/{_machines.Count(x => x.StartsWith($"{m.ParentId}/{m.ContainerType}/", StringComparison.Ordinal))}";
            _machines.Add(id);
            return new AddMachinesResult { Machine = id };
        })],
    };

    private ErrorResults SetAnnotations(AnnotationsSet p) => new()
    {
        Results = [.. (p.Annotations ?? []).Select(a => ItemResult(() =>
        {
            var merged = new Dictionary<string, string>(_annotations.GetValueOrDefault(a.Entity) ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (k, v) in a.Annotations ?? new Dictionary<string, string>())
            {
                merged[k] = v;
            }

            _annotations[a.Entity] = merged;
            return null;
        }))],
    };

    private AnnotationsGetResults GetAnnotations(Entities p) => new()
    {
        Results = [.. (p.EntitiesValue ?? []).Select(e => new AnnotationsGetResult { Entity = e.Tag, Annotations = _annotations.GetValueOrDefault(e.Tag) ?? new Dictionary<string, string>() })],
    };

    private ErrorResults Offer(AddApplicationOffers p) => new()
    {
        Results = [.. (p.Offers ?? []).Select(o => ItemResult(() =>
        {
            if (o.ModelTag != ModelTag)
            {
                return new Error { Message = $"model \"{o.ModelTag}\" not found", Code = "not found" };
            }

            if (!_apps.TryGetValue(o.ApplicationName, out var app))
            {
                return new Error { Message = $"getting offered application {o.ApplicationName}: application \"{o.ApplicationName}\" not found", Code = "not found" };
            }

            if (_offers.ContainsKey(o.OfferName))
            {
                return new Error { Message = $"offer \"{o.OfferName}\" already exists", Code = "already exists" };
            }

            var known = _catalog.GetValueOrDefault(CharmName(app.Charm))?.Endpoints;
            _offers[o.OfferName] = new ApplicationOfferStatus
            {
                ApplicationName = o.ApplicationName,
                OfferName = o.OfferName,
                Charm = app.Charm,
                Endpoints = (o.Endpoints ?? new Dictionary<string, string>()).ToDictionary(
                    e => e.Key,
                    e => new RemoteEndpoint { Name = e.Value, Interface = known?.GetValueOrDefault(e.Value)?.Interface ?? e.Value, Role = known?.GetValueOrDefault(e.Value)?.Role ?? "provider" }),
            };
            return null;
        }))],
    };

    private ConsumeOfferDetailsResults GetConsumeDetails(ConsumeOfferDetailsArg p) => new()
    {
        Results = [.. (p.OfferUrls?.OfferUrls ?? []).Select(url => _remoteOffers.TryGetValue(url, out var offer)
            ? new ConsumeOfferDetailsResult { Offer = offer, Macaroon = Element(new JsonObject { ["id"] = "fake" }) }
            : new ConsumeOfferDetailsResult { Error = new Error { Message = $"application offer \"{url}\" not found", Code = "not found" } })],
    };

    private FullStatus FullStatus(StatusParams p)
    {
        var applications = new Dictionary<string, ApplicationStatus>(StringComparer.Ordinal);
        foreach (var app in _apps.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var units = new Dictionary<string, UnitStatus>(StringComparer.Ordinal);
            foreach (var unit in app.Units)
            {
                var (workload, message, agent) = StageOf(app, unit);
                units[unit.Name] = new UnitStatus
                {
                    Address = "10.1.0." + (units.Count + 10).ToString(CultureInfo.InvariantCulture),
                    AgentStatus = Status(agent, "") with { Version = "3.6.27" },
                    WorkloadStatus = Status(workload, message),
                    Leader = unit == app.Units[0] ? true : null,
                    Machine = unit.Machine,
                    OpenedPorts = [],
                    ProviderId = Type == "caas" ? unit.Name.Replace('/', '-') : null,
                };
                unit.Polls++;
            }

            var relations = _relations
                .SelectMany(r => new[] { (Self: r.Requirer, Other: r.Provider), (Self: r.Provider, Other: r.Requirer) })
                .Where(x => x.Self.App == app.Name)
                .GroupBy(x => x.Self.Name)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(x => x.Other.App).Distinct()]);
            var settled = units.Count > 0 && units.Values.All(u => u.WorkloadStatus!.Status == "active");
            applications[app.Name] = new ApplicationStatus
            {
                Base = new Base { Name = "ubuntu", Channel = "22.04/stable" },
                Charm = app.Charm,
                CharmChannel = app.Channel.Length > 0 ? app.Channel : null,
                EndpointBindings = new Dictionary<string, string> { [""] = "alpha" },
                Exposed = app.Exposed,
                Int = Type == "caas" ? app.Units.Count : null,
                Relations = relations,
                Status = settled ? Status("active", "") : Status("waiting", "installing agent"),
                SubordinateTo = [],
                Units = units,
            };
        }

        return new FullStatus
        {
            Applications = applications,
            Branches = new Dictionary<string, BranchStatus>(),
            ControllerTimestamp = Epoch.AddSeconds(++_sequence),
            Machines = _machines.Where(m => !m.Contains('/', StringComparison.Ordinal)).ToDictionary(
                m => m,
                m => new MachineStatus
                {
                    Id = m,
                    AgentStatus = Status("started", ""),
                    InstanceStatus = Status("running", ""),
                    ModificationStatus = Status("idle", ""),
                    Base = new Base { Name = "ubuntu", Channel = "22.04" },
                    Jobs = ["JobHostUnits"],
                    Containers = new Dictionary<string, MachineStatus>(),
                }),
            Model = new ModelStatusInfo
            {
                Name = Name,
                Type = Type,
                CloudTag = Type == "caas" ? "cloud-microk8s" : "cloud-localhost",
                Version = "3.6.27",
                Sla = "unsupported",
                MeterStatus = new MeterStatus(),
                ModelStatus = Status("available", ""),
            },
            Offers = new Dictionary<string, ApplicationOfferStatus>(_offers),
            Relations = [.. _relations.Select(r => new RelationStatus
            {
                Id = r.Id,
                Key = r.Key,
                Interface = r.Interface,
                Scope = "global",
                Endpoints =
                [
                    new EndpointStatus { Application = r.Provider.App, Name = r.Provider.Name, Role = "provider" },
                    new EndpointStatus { Application = r.Requirer.App, Name = r.Requirer.Name, Role = "requirer" },
                ],
                Status = Status("joined", ""),
            })],
            RemoteApplications = new Dictionary<string, RemoteApplicationStatus>(_remoteApps),
        };
    }

    /// <summary>A unit's statuses at its current poll: allocating/waiting, then executing/maintenance, then settled (active/idle, or the fate a test gave it).</summary>
    private (string Workload, string Message, string Agent) StageOf(App app, Unit unit)
    {
        if (unit.Polls == 0 && SettlePolls > 0)
        {
            return ("waiting", "installing agent", "allocating");
        }

        if (unit.Polls < SettlePolls)
        {
            return ("maintenance", "installing charm software", "executing");
        }

        return _unitFates.TryGetValue(app.Name, out var fate)
            ? (fate.Workload, fate.Message, fate.Workload == "error" ? "error" : "idle")
            : ("active", "", "idle");
    }

    private EnqueuedActions Enqueue(Actions p)
    {
        var operation = (++_sequence).ToString(CultureInfo.InvariantCulture);
        var results = new List<ActionResult>();
        foreach (var a in p.ActionsValue ?? [])
        {
            if (_pendingFailure.Message is { } injected)
            {
                _pendingFailure = default;
                results.Add(new ActionResult { Error = new Error { Message = injected } });
                continue;
            }

            var unitName = UnitName(a.Receiver);
            var app = _apps.Values.FirstOrDefault(x => x.Units.Any(u => u.Name == unitName));
            if (app is null)
            {
                results.Add(new ActionResult { Error = new Error { Message = $"unit \"{unitName}\" not found", Code = "not found" } });
                continue;
            }

            if (_catalog.GetValueOrDefault(CharmName(app.Charm)) is { } charm && !charm.Actions.Contains(a.Name))
            {
                results.Add(new ActionResult { Error = new Error { Message = $"action \"{a.Name}\" not defined on unit \"{unitName}\"", Code = "not found" } });
                continue;
            }

            var id = (++_sequence).ToString(CultureInfo.InvariantCulture);
            var action = a with { Tag = "action-" + id };
            _actions[id] = new FakeAction(action, unitName, operation);
            results.Add(new ActionResult { Action = action, Status = "pending", Enqueued = Epoch.AddSeconds(_sequence) });
        }

        return new EnqueuedActions { Operation = operation, Actions = results };
    }

    private ActionResults ActionResults(Entities p) => new()
    {
        Results = [.. (p.EntitiesValue ?? []).Select(e =>
        {
            var id = e.Tag.StartsWith("action-", StringComparison.Ordinal) ? e.Tag["action-".Length..] : e.Tag;
            return _actions.TryGetValue(id, out var action)
                ? Advance(action)
                : new ActionResult { Error = new Error { Message = $"action \"{id}\" not found", Code = "not found" } };
        })],
    };

    private ActionResult Advance(FakeAction action)
    {
        action.Polls++;
        if (action.Polls < ActionPolls)
        {
            return new ActionResult { Action = action.Action, Status = "running", Enqueued = Epoch };
        }

        if (action.Result is null)
        {
            var parameters = new JsonObject((action.Action.Parameters ?? new Dictionary<string, JsonElement>()).Select(kv => KeyValuePair.Create(kv.Key, JsonNode.Parse(kv.Value.GetRawText()))));
            action.Result = _actionHandlers.TryGetValue(action.Action.Name, out var handler)
                ? handler(new FakeActionCall(action.Unit, action.Action.Name, parameters))
                : new FakeActionResult("completed");
        }

        var output = action.Result.Output ?? [];
        return new ActionResult
        {
            Action = action.Action,
            Status = action.Result.Status,
            Message = action.Result.Message.Length > 0 ? action.Result.Message : null,
            Output = output.ToDictionary(o => o.Key, o => Element(o.Value)),
            Log = [new ActionMessage { Message = $"running {action.Action.Name}", Timestamp = Epoch }],
            Enqueued = Epoch,
            Completed = Epoch.AddSeconds(action.Polls),
        };
    }

    private OperationResults Operations(Entities p) => new()
    {
        Results = [.. (p.EntitiesValue ?? []).Select(e =>
        {
            var id = e.Tag.StartsWith("operation-", StringComparison.Ordinal) ? e.Tag["operation-".Length..] : e.Tag;
            var actions = _actions.Values.Where(a => a.Operation == id).ToList();
            var states = actions.Select(a => a.Result?.Status ?? (a.Polls == 0 ? "pending" : "running")).ToList();
            return new OperationResult
            {
                Operation = "operation-" + id,
                Summary = string.Join(", ", actions.Select(a => $"{a.Action.Name} on {a.Unit}")),
                Status = states.All(s => s == "completed") ? "completed" : states.Contains("failed") ? "failed" : states.FirstOrDefault() ?? "pending",
                Actions = [.. actions.Select(a => new ActionResult { Action = a.Action, Status = a.Result?.Status ?? "running" })],
            };
        })],
    };

    private App AppOrThrow(string name) =>
        _apps.TryGetValue(name, out var app) ? app : throw new FakeError($"application \"{name}\" not found", "not found");

    private static JsonElement Element(JsonNode? node)
    {
        using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    private static DetailedStatus Status(string status, string info) =>
        new() { Status = status, Info = info, Data = new Dictionary<string, JsonElement>(), Since = Epoch };

    /// <summary>The charm name of a URL: <c>ch:amd64/opentelemetry-collector-k8s-37</c> → <c>opentelemetry-collector-k8s</c>.</summary>
    private static string CharmName(string url)
    {
        var name = url[(url.LastIndexOfAny([':', '/']) + 1)..];
        var dash = name.LastIndexOf('-');
        return dash > 0 && int.TryParse(name.AsSpan(dash + 1), out _) ? name[..dash] : name;
    }

    private static string UnitName(string tag)
    {
        var name = tag.StartsWith("unit-", StringComparison.Ordinal) ? tag["unit-".Length..] : tag;
        var dash = name.LastIndexOf('-');
        return dash < 0 ? name : $"{name[..dash]}/{name[(dash + 1)..]}";
    }

    private sealed class App(string name, string charm, string channel)
    {
        public string Name { get; } = name;

        public string Charm { get; } = charm;

        public string Channel { get; } = channel;

        public Dictionary<string, JsonNode?> Config { get; } = new(StringComparer.Ordinal);

        public List<Unit> Units { get; } = [];

        public bool Trust { get; set; }

        public bool Exposed { get; set; }

        public int NextUnit { get; set; }
    }

    private sealed class Unit(string name, string machine)
    {
        public string Name { get; } = name;

        public string Machine { get; } = machine;

        public int Polls { get; set; }
    }

    private sealed record Endpoint(string App, string Name, string Role, string Interface);

    private sealed record Relation(long Id, string Key, string Interface, Endpoint Requirer, Endpoint Provider);

    private sealed class FakeAction(Action action, string unit, string operation)
    {
        public Action Action { get; } = action;

        public string Unit { get; } = unit;

        public string Operation { get; } = operation;

        public int Polls { get; set; }

        public FakeActionResult? Result { get; set; }
    }

    private sealed class FakeError(string message, string code) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
