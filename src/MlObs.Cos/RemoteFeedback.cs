// RemoteFeedback: what the other side of a relation said that collect-status reports (the `event`
// Prometheus or Loki writes about our rules, the Loki units without a usable endpoint). It is read on
// the relation events that can change it and kept in stored state, so that collect-status, which runs
// in every hook, reports it without a relation-list and a relation-get per relation.
using System.Globalization;
using MlObs.Ops;

namespace MlObs.Cos;

/// <summary>One relation's feedback as last read.</summary>
/// <param name="EventOwner">The remote application whose databag holds <see cref="Event"/>.</param>
/// <param name="Event">The raw <c>event</c> value; null when there is none.</param>
/// <param name="Missing">Remote units without an endpoint yet (Loki only).</param>
/// <param name="Invalid">Remote units whose endpoint is unusable (Loki only).</param>
internal sealed record RemoteFeedback(string? EventOwner, string? Event, List<string> Missing, List<string> Invalid);

/// <summary>The feedback of each relation of one endpoint, in stored state.</summary>
internal sealed class RemoteFeedbackStore
{
    private readonly RelationKeyedState<RemoteFeedback> _state;

    public RemoteFeedbackStore(CharmBase charm, string name)
    {
        _state = new RelationKeyedState<RemoteFeedback>(
            charm.Framework.GetStoredState(
                "mlobs-cos-feedback-" + name, StateJson.ReadFeedback, StateJson.WriteFeedback, () => new Dictionary<string, RemoteFeedback>(StringComparer.Ordinal)),
            Same);
    }

    /// <summary>
    /// Every relation with feedback, by id in ascending order. A relation is added on its first event and removed on
    /// relation-broken, so these are the live relations this unit has heard from, known without a relation-ids call.
    /// </summary>
    public IEnumerable<(int RelationId, RemoteFeedback Feedback)> All => _state.All;

    /// <summary>What was last read on <paramref name="relation"/>; null when nothing was.</summary>
    public RemoteFeedback? Get(Relation relation) => _state.Get(relation.Id);

    /// <summary>Keeps <paramref name="feedback"/> for <paramref name="relation"/> (stored state is written only when it changed).</summary>
    public void Set(Relation relation, RemoteFeedback feedback) => _state.Set(relation.Id, feedback);

    /// <summary>Forgets a relation that is gone.</summary>
    public void Forget(Relation relation) => _state.Forget(relation.Id);

    /// <summary>Reads the remote application's <c>event</c> value.</summary>
    public static async Task<(string? Owner, string? Event)> ReadEventAsync(Relation relation, CancellationToken cancellationToken)
    {
        var remote = await relation.GetRemoteAppDataAsync(cancellationToken).ConfigureAwait(false);
        var text = remote is null ? null : await remote.GetAsync("event", cancellationToken).ConfigureAwait(false);
        return (remote?.Owner, string.IsNullOrEmpty(text) ? null : text);
    }

    private static bool Same(RemoteFeedback a, RemoteFeedback b) =>
        a.EventOwner == b.EventOwner && a.Event == b.Event && a.Missing.SequenceEqual(b.Missing, StringComparer.Ordinal) && a.Invalid.SequenceEqual(b.Invalid, StringComparer.Ordinal);
}

/// <summary>A stored-state map from relation id to a value; assignments that change nothing leave stored state untouched.</summary>
/// <typeparam name="T">The value.</typeparam>
internal sealed class RelationKeyedState<T>(StoredState<Dictionary<string, T>> state, Func<T, T, bool> same)
    where T : class
{
    public IEnumerable<(int RelationId, T Value)> All =>
        state.Value.Select(kv => (int.Parse(kv.Key, CultureInfo.InvariantCulture), kv.Value)).OrderBy(r => r.Item1);

    public T? Get(int relationId) => state.Value.GetValueOrDefault(Key(relationId));

    public void Set(int relationId, T value)
    {
        var key = Key(relationId);
        if (state.Value.TryGetValue(key, out var known) && same(known, value))
        {
            return;
        }

        state.Value = new Dictionary<string, T>(state.Value, StringComparer.Ordinal) { [key] = value };
    }

    public void Forget(int relationId)
    {
        var key = Key(relationId);
        if (state.Value.ContainsKey(key))
        {
            var rest = new Dictionary<string, T>(state.Value, StringComparer.Ordinal);
            rest.Remove(key);
            state.Value = rest;
        }
    }

    public void Clear()
    {
        if (state.Value.Count > 0)
        {
            state.Value = new Dictionary<string, T>(StringComparer.Ordinal);
        }
    }

    private static string Key(int relationId) => relationId.ToString(CultureInfo.InvariantCulture);
}
