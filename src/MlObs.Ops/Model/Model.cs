// Model: the Juju model as seen from this unit, built lazily on the hook tools.
using MlObs.Ops.HookTools;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Pebble;

namespace MlObs.Ops;

/// <summary>
/// The Juju model as this unit sees it during one dispatch: this unit and application, config,
/// relations, secrets, network, storage and resources. Everything is read through the hook tools
/// on first use and cached for the rest of the dispatch.
/// </summary>
public sealed class Model
{
    private readonly Dictionary<string, Unit> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Application> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Relation> _relations = [];
    private readonly Dictionary<string, IReadOnlyList<RelationRef>> _relationIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Func<string, string> _pebbleSocketPath;
    private readonly StateStore? _store;
    private CharmConfig? _config;
    private bool? _leader;
    private DateTimeOffset _leaderCheckedAt;

    internal Model(
        JujuContext context, CharmMeta meta, HookCommands commands, TimeProvider time, Func<string, string>? pebbleSocketPath = null, StateStore? store = null)
    {
        _store = store;
        Context = context;
        Meta = meta;
        Commands = commands;
        _time = time;
        _pebbleSocketPath = pebbleSocketPath ?? PebbleClient.SocketPathFor;
        App = GetApp(context.AppName);
        Unit = GetUnit(context.UnitName);
    }

    /// <summary>How long a "you are the leader" answer holds: Juju's leadership lease guarantee.</summary>
    public static readonly TimeSpan LeaseRenewalPeriod = TimeSpan.FromSeconds(30);

    /// <summary>The model name.</summary>
    public string Name => Context.ModelName;

    /// <summary>The model UUID.</summary>
    public string Uuid => Context.ModelUuid;

    /// <summary>This unit.</summary>
    public Unit Unit { get; }

    /// <summary>This unit's application.</summary>
    public Application App { get; }

    /// <summary>The charm's metadata.</summary>
    public CharmMeta Meta { get; }

    /// <summary>The dispatch context.</summary>
    public JujuContext Context { get; }

    /// <summary>The hook tools, for what the model does not wrap.</summary>
    public HookCommands Commands { get; }

    /// <summary>The relation broken in this dispatch, which <see cref="GetRelationsAsync"/> no longer lists.</summary>
    internal int? BrokenRelationId { get; set; }

    /// <summary>A unit by name (this unit, a peer, or a remote unit).</summary>
    /// <param name="name">The unit name, <c>app/N</c>.</param>
    /// <returns>The unit.</returns>
    public Unit GetUnit(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_units.TryGetValue(name, out var unit))
        {
            var appName = name.Split('/')[0];
            unit = new Unit(this, name, GetApp(appName), isLocal: name == Context.UnitName);
            _units[name] = unit;
        }

        return unit;
    }

    /// <summary>An application by name.</summary>
    /// <param name="name">The application name.</param>
    /// <returns>The application.</returns>
    public Application GetApp(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_apps.TryGetValue(name, out var app))
        {
            app = new Application(this, name, isLocal: name == Context.AppName);
            _apps[name] = app;
        }

        return app;
    }

    /// <summary>The unit's config, checked against the options in <c>charmcraft.yaml</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The config.</returns>
    public async Task<CharmConfig> GetConfigAsync(CancellationToken cancellationToken = default)
    {
        if (_config is null)
        {
            var values = await Commands.ConfigGetAsync(cancellationToken).ConfigureAwait(false);
            _config = CharmConfig.Create(Meta.Config, values);
        }

        return _config;
    }

    /// <summary>The relations on an endpoint (the one broken in this dispatch excluded).</summary>
    /// <param name="endpoint">The endpoint as declared.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The relations, by id.</returns>
    /// <exception cref="ArgumentException">The endpoint is not declared.</exception>
    public async Task<IReadOnlyList<Relation>> GetRelationsAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        RequireEndpoint(endpoint);
        if (!_relationIds.TryGetValue(endpoint, out var ids))
        {
            ids = await Commands.RelationIdsAsync(endpoint, cancellationToken).ConfigureAwait(false);
            _relationIds[endpoint] = ids;
        }

        // A loop, not LINQ: the Where/OrderBy/Select chain's generic virtual calls were resolved by
        // Native AOT's type loader at run time, on every hook's first call here.
        var relations = new List<Relation>(ids.Count);
        foreach (var r in ids)
        {
            if (r.Id != BrokenRelationId)
            {
                relations.Add(RelationFor(endpoint, r.Id, null, broken: false));
            }
        }

        relations.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return relations;
    }

    /// <summary>
    /// One relation on an endpoint: the one with <paramref name="relationId"/>, or the only one
    /// when no id is given.
    /// </summary>
    /// <param name="endpoint">The endpoint as declared.</param>
    /// <param name="relationId">The relation id, or null for the only relation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The relation, or null when there is none.</returns>
    /// <exception cref="TooManyRelatedAppsException">No id was given and the endpoint has several relations.</exception>
    public async Task<Relation?> GetRelationAsync(string endpoint, int? relationId = null, CancellationToken cancellationToken = default)
    {
        RequireEndpoint(endpoint);
        if (relationId is { } id)
        {
            if (_relations.TryGetValue(id, out var known))
            {
                return known;
            }

            var all = await GetRelationsAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return all.FirstOrDefault(r => r.Id == id);
        }

        var relations = await GetRelationsAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return relations.Count switch
        {
            0 => null,
            1 => relations[0],
            _ => throw new TooManyRelatedAppsException(endpoint, relations.Count),
        };
    }

    /// <summary>A secret by id or label; its content is read once to check that this unit can see it.</summary>
    /// <param name="id">The secret URI.</param>
    /// <param name="label">The label this unit gave it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="SecretNotFoundException">No such secret, or no access.</exception>
    public async Task<Secret> GetSecretAsync(string? id = null, string? label = null, CancellationToken cancellationToken = default)
    {
        if (id is null && label is null)
        {
            throw new ArgumentException("Give a secret id, a label, or both.");
        }

        var secret = SecretFor(id, label);
        await secret.GetContentAsync(refresh: false, cancellationToken).ConfigureAwait(false);
        return secret;
    }

    /// <summary>Network information for a binding (an endpoint or extra-binding).</summary>
    /// <param name="binding">The binding name.</param>
    /// <param name="relation">The relation, for a relation-specific view, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Addresses and subnets.</returns>
    public Task<NetworkInfo> GetBindingAsync(string binding, Relation? relation = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(binding);
        if (!Meta.Relations.ContainsKey(binding) && !Meta.ExtraBindings.Contains(binding) && binding != "juju-info")
        {
            throw new ArgumentException($"'{binding}' is neither an endpoint nor an extra-binding of {Meta.Name}.", nameof(binding));
        }

        return Commands.NetworkGetAsync(binding, relation?.Id, cancellationToken);
    }

    /// <summary>The attached instances of a storage.</summary>
    /// <param name="name">The storage name as declared.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each instance with its location.</returns>
    public async Task<IReadOnlyList<Storage>> GetStoragesAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireDeclared(name, Meta.Storages.Keys, "storage");
        var ids = await Commands.StorageListAsync(name, cancellationToken).ConfigureAwait(false);
        var result = new List<Storage>(ids.Count);
        foreach (var id in ids)
        {
            var details = await Commands.StorageGetAsync(id, cancellationToken).ConfigureAwait(false);
            var slash = id.LastIndexOf('/');
            var index = slash >= 0 && int.TryParse(id.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
            result.Add(new Storage(name, index, details.Location, details.Kind));
        }

        return result;
    }

    /// <summary>Asks Juju for more instances of a storage (granted after the hook succeeds).</summary>
    /// <param name="name">The storage name as declared.</param>
    /// <param name="count">How many to add.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the request.</returns>
    public Task RequestStorageAsync(string name, int count = 1, CancellationToken cancellationToken = default)
    {
        RequireDeclared(name, Meta.Storages.Keys, "storage");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Commands.StorageAddAsync(name, count, cancellationToken);
    }

    /// <summary>The local path of a resource, downloading it on first use.</summary>
    /// <param name="name">The resource name as declared.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The path.</returns>
    public Task<string> FetchResourceAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireDeclared(name, Meta.Resources.Keys, "resource");
        return Commands.ResourceGetAsync(name, cancellationToken);
    }

    /// <summary>The goal state: the units and relations Juju is working towards.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The goal state.</returns>
    public Task<GoalState> GetGoalStateAsync(CancellationToken cancellationToken = default) =>
        Commands.GoalStateAsync(cancellationToken);

    /// <summary>Closes the Pebble connections opened during the dispatch (the host calls it at the end).</summary>
    internal void CloseContainers()
    {
        foreach (var container in _containers.Values)
        {
            container.Pebble.Dispose();
        }

        _containers.Clear();
    }

    internal Container ContainerFor(string name)
    {
        RequireDeclared(name, Meta.Containers.Keys, "container");
        if (!_containers.TryGetValue(name, out var container))
        {
            container = new Container(
                name, new PebbleClient(_pebbleSocketPath(name), timeProvider: _time), _store is null ? null : new PebbleMemory(_store, name));
            _containers[name] = container;
        }

        return container;
    }

    internal async Task<bool> IsLeaderAsync(CancellationToken cancellationToken)
    {
        // Juju: once a unit learns it is not the leader, it stays "not leader" for the rest of the
        // hook. A "leader" answer is a lease guarantee for 30 s, after which we ask again.
        var now = _time.GetUtcNow();
        if (_leader is false || (_leader is true && now - _leaderCheckedAt < LeaseRenewalPeriod))
        {
            return _leader.Value;
        }

        var leader = await Commands.IsLeaderAsync(cancellationToken).ConfigureAwait(false);
        _leader = leader;
        _leaderCheckedAt = now;
        return leader;
    }

    internal Relation RelationFor(string endpoint, int id, string? remoteApp, bool broken)
    {
        if (!_relations.TryGetValue(id, out var relation))
        {
            relation = new Relation(this, endpoint, id, remoteApp, active: !broken);
            _relations[id] = relation;
        }
        else if (remoteApp is not null)
        {
            relation.KnownRemoteApp ??= remoteApp;
        }

        return relation;
    }

    internal Secret SecretFor(string? id, string? label) => new(this, id, label);

    private void RequireEndpoint(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (!Meta.Relations.ContainsKey(endpoint))
        {
            var declared = Meta.Relations.Count == 0 ? "none" : string.Join(", ", Meta.Relations.Keys.Order(StringComparer.Ordinal));
            throw new ArgumentException($"'{endpoint}' is not a relation endpoint of {Meta.Name} (declared: {declared}).", nameof(endpoint));
        }
    }

    private void RequireDeclared(string name, IEnumerable<string> declared, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!declared.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a {what} of {Meta.Name}; declare it in charmcraft.yaml.", nameof(name));
        }
    }
}

/// <summary>A storage instance.</summary>
/// <param name="Name">The storage name.</param>
/// <param name="Index">The instance number.</param>
/// <param name="Location">Where it is mounted, when known.</param>
/// <param name="Kind"><c>filesystem</c> or <c>block</c>, when known.</param>
public sealed record Storage(string Name, int Index, string? Location, string? Kind)
{
    /// <summary>The storage id, <c>name/index</c>.</summary>
    public string Id => $"{Name}/{Index}";
}

/// <summary>A relation lookup without an id found several relations on the endpoint.</summary>
public sealed class TooManyRelatedAppsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TooManyRelatedAppsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public TooManyRelatedAppsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TooManyRelatedAppsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TooManyRelatedAppsException(string endpoint, int count)
        : base($"Endpoint '{endpoint}' has {count} relations; pass a relation id or use GetRelationsAsync.")
    {
    }
}
