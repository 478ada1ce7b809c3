// Relation and RelationDataBag: relation membership and the databags, with Juju's access rules checked before any write.
using MlObs.Ops.HookTools;

namespace MlObs.Ops;

/// <summary>A relation between this application and another (or its peers), with its databags.</summary>
public sealed class Relation
{
    private readonly Model _model;
    private readonly Dictionary<string, RelationDataBag> _bags = new(StringComparer.Ordinal);
    private IReadOnlyList<Unit>? _units;

    internal Relation(Model model, string endpoint, int id, string? remoteApp, bool active)
    {
        _model = model;
        Name = endpoint;
        Id = id;
        KnownRemoteApp = remoteApp;
        Active = active;
        IsPeer = model.Meta.Peers.ContainsKey(endpoint);
    }

    /// <summary>The endpoint name on this side.</summary>
    public string Name { get; }

    /// <summary>The relation id.</summary>
    public int Id { get; }

    /// <summary>False in this relation's <c>-relation-broken</c> hook.</summary>
    public bool Active { get; }

    /// <summary>Whether this is a peer relation.</summary>
    public bool IsPeer { get; }

    /// <summary>The reference the hook tools take, <c>endpoint:id</c>.</summary>
    public RelationRef Ref => new(Name, Id);

    /// <summary>This unit's databag (readable by the remote side).</summary>
    public RelationDataBag LocalUnitData => Bag(_model.Unit.Name, isApp: false, isLocal: true);

    /// <summary>This application's databag (written by the leader only).</summary>
    public RelationDataBag LocalAppData => Bag(_model.App.Name, isApp: true, isLocal: true);

    internal string? KnownRemoteApp { get; set; }

    /// <summary>The remote application (for peers, this application), or null when Juju cannot say.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The application.</returns>
    public async Task<Application?> GetAppAsync(CancellationToken cancellationToken = default)
    {
        if (IsPeer)
        {
            return _model.App;
        }

        KnownRemoteApp ??= await _model.Commands.RelationRemoteAppAsync(Ref, cancellationToken).ConfigureAwait(false);
        return KnownRemoteApp is null ? null : _model.GetApp(KnownRemoteApp);
    }

    /// <summary>The remote units (for peers, the other units). A departing unit is still listed in its departed hook.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The units, sorted by name.</returns>
    public async Task<IReadOnlyList<Unit>> GetUnitsAsync(CancellationToken cancellationToken = default)
    {
        if (_units is null)
        {
            var names = await _model.Commands.RelationListAsync(Ref, cancellationToken).ConfigureAwait(false);
            var list = names.Select(_model.GetUnit).ToList();
            // As ops: in departed/broken hooks the remote unit of the hook is still one of the members.
            if (_model.Context.RelationId == Id && _model.Context.RemoteUnit is { Length: > 0 } remote
                && list.TrueForAll(u => u.Name != remote))
            {
                list.Add(_model.GetUnit(remote));
            }

            _units = list;
        }

        return _units;
    }

    /// <summary>The databag of a remote unit of this relation.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>Its databag.</returns>
    public RelationDataBag Data(Unit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return Bag(unit.Name, isApp: false, isLocal: unit.IsLocal);
    }

    /// <summary>The databag of an application of this relation.</summary>
    /// <param name="app">The application.</param>
    /// <returns>Its databag.</returns>
    public RelationDataBag Data(Application app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Bag(app.Name, isApp: true, isLocal: app.IsLocal);
    }

    /// <summary>The remote application's databag, or null when the remote application is unknown.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The databag.</returns>
    public async Task<RelationDataBag?> GetRemoteAppDataAsync(CancellationToken cancellationToken = default)
    {
        var app = await GetAppAsync(cancellationToken).ConfigureAwait(false);
        return app is null ? null : Data(app);
    }

    /// <summary>The UUID of the remote application's model (Juju 3.6.2+).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model UUID.</returns>
    public Task<string> GetRemoteModelUuidAsync(CancellationToken cancellationToken = default) =>
        _model.Commands.RelationModelGetAsync(Ref, cancellationToken);

    /// <summary>The relation as <c>endpoint:id</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Ref.ToString();

    internal Model Model => _model;

    private RelationDataBag Bag(string owner, bool isApp, bool isLocal)
    {
        var key = (isApp ? "app:" : "unit:") + owner;
        if (!_bags.TryGetValue(key, out var bag))
        {
            bag = new RelationDataBag(this, owner, isApp, isLocal);
            _bags[key] = bag;
        }

        return bag;
    }
}

/// <summary>
/// One databag of a relation: string keys to string values. Reads are cached for the dispatch;
/// writes go to Juju at once (and are committed when the hook succeeds). An empty value deletes
/// a key. Only local databags can be written, and the application databag only by the leader.
/// </summary>
public sealed class RelationDataBag
{
    private readonly Relation _relation;
    private Dictionary<string, string>? _data;

    internal RelationDataBag(Relation relation, string owner, bool isApp, bool isLocal)
    {
        _relation = relation;
        Owner = owner;
        IsApp = isApp;
        IsLocal = isLocal;
    }

    /// <summary>The unit or application that owns the databag.</summary>
    public string Owner { get; }

    /// <summary>Whether this is an application databag.</summary>
    public bool IsApp { get; }

    /// <summary>Whether the databag belongs to this unit or its application.</summary>
    public bool IsLocal { get; }

    /// <summary>All keys and values.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The data.</returns>
    /// <exception cref="RelationDataAccessException">A non-leader reads its own application databag of a non-peer relation.</exception>
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_data is null)
        {
            if (IsApp && IsLocal && !_relation.IsPeer && !await _relation.Model.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new RelationDataAccessException($"{_relation.Model.Unit.Name} is not leader and cannot read its own application databag of {_relation}.");
            }

            var data = await _relation.Model.Commands.RelationGetAsync(_relation.Ref, Owner, IsApp, cancellationToken).ConfigureAwait(false);
            _data = new Dictionary<string, string>(data, StringComparer.Ordinal);
        }

        return _data;
    }

    /// <summary>One value, or null when the key is absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value.</returns>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var data = await GetAsync(cancellationToken).ConfigureAwait(false);
        return data.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>Sets several keys at once in one <c>relation-set</c>; an empty value deletes the key. Writes that change nothing are skipped.</summary>
    /// <param name="changes">Keys to new values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    /// <exception cref="RelationDataAccessException">The databag is remote, or it is the application databag and this unit is not the leader.</exception>
    /// <exception cref="ArgumentException">A key is empty.</exception>
    public async Task UpdateAsync(IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var (key, value) in changes)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("Relation data keys cannot be empty.", nameof(changes));
            }

            if (value is null)
            {
                throw new ArgumentException($"Relation data value of '{key}' is null; use an empty string to delete a key.", nameof(changes));
            }
        }

        if (!IsLocal)
        {
            throw new RelationDataAccessException($"Cannot write the databag of {Owner} in {_relation}: only this unit's and its application's databags are writable.");
        }

        if (IsApp && !await _relation.Model.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new RelationDataAccessException($"{_relation.Model.Unit.Name} is not leader and cannot write the application databag of {_relation}.");
        }

        // Skip keys that already hold the value (only when we know the current content).
        var effective = _data is null
            ? changes.ToDictionary(StringComparer.Ordinal)
            : changes.Where(c => c.Value.Length == 0 ? _data.ContainsKey(c.Key) : !(_data.TryGetValue(c.Key, out var old) && old == c.Value))
                .ToDictionary(StringComparer.Ordinal);
        if (effective.Count == 0)
        {
            return;
        }

        await _relation.Model.Commands.RelationSetAsync(_relation.Ref, effective, IsApp, cancellationToken).ConfigureAwait(false);
        if (_data is not null)
        {
            foreach (var (key, value) in effective)
            {
                if (value.Length == 0)
                {
                    _data.Remove(key);
                }
                else
                {
                    _data[key] = value;
                }
            }
        }
    }

    /// <summary>Sets one key; an empty value deletes it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    public Task SetAsync(string key, string value, CancellationToken cancellationToken = default) =>
        UpdateAsync(new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value }, cancellationToken);

    /// <summary>Deletes one key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the change.</returns>
    public Task RemoveAsync(string key, CancellationToken cancellationToken = default) => SetAsync(key, string.Empty, cancellationToken);
}

/// <summary>A read or write of a relation databag that Juju would refuse (ops' RelationDataAccessError).</summary>
public sealed class RelationDataAccessException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RelationDataAccessException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused.</param>
    public RelationDataAccessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public RelationDataAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
