using MlObs.Drift.Data;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Windows;

/// <summary>
/// Window state of a categorical or boolean column: counts of the reference categories and of the categories the reference
/// never saw (bounded by the profile's category limit; more are pooled).
/// </summary>
public sealed class CategoricalWindow : ColumnWindow
{
    /// <summary>Most distinct unseen categories counted one by one; more are pooled in <see cref="UnseenOverflow"/>.</summary>
    public const int UnseenTrackLimit = 1000;

    private readonly Dictionary<string, long> _unseen = new(StringComparer.Ordinal);

    internal CategoricalWindow(CategoricalColumnProfile profile) : base(profile.Name)
    {
        Profile = profile;
        KnownCounts = new long[profile.Categories.Length];
    }

    /// <summary>The reference column.</summary>
    public CategoricalColumnProfile Profile { get; }

    /// <summary>Counts of the reference categories, in the profile's order.</summary>
    public long[] KnownCounts { get; }

    /// <summary>Counts of categories absent from the reference's list (at most <see cref="UnseenTrackLimit"/> of them).</summary>
    public IReadOnlyDictionary<string, long> Unseen => _unseen;

    /// <summary>Values of unseen categories beyond the limit.</summary>
    public long UnseenOverflow { get; internal set; }

    /// <summary>All values of categories absent from the reference's list.</summary>
    public long UnseenTotal => UnseenOverflow + _unseen.Values.Sum();

    /// <inheritdoc />
    public override void Add(ColumnValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is not CategoryValues labels)
            throw new ArgumentException($"Column '{Name}' is {Profile.Kind.Name()}: expected labels, got numbers.", nameof(values));
        Rows += labels.Length;
        Invalid += labels.InvalidCount;
        string? last = null;
        int lastIndex = -1;
        foreach (string? label in labels.Values.Span)
        {
            if (label is null)
                continue;
            Count++;
            // Runs of the same label are common (interned strings): skip the lookup for them.
            int i = ReferenceEquals(label, last) ? lastIndex : Profile.IndexOf(label);
            last = label;
            lastIndex = i;
            if (i >= 0)
                KnownCounts[i]++;
            else
                AddUnseen(label, 1);
        }
    }

    private void AddUnseen(string label, long n)
    {
        if (_unseen.TryGetValue(label, out long c))
            _unseen[label] = c + n;
        else if (_unseen.Count < UnseenTrackLimit)
            _unseen[label] = n;
        else
            UnseenOverflow += n;
    }

    internal void RestoreUnseen(string label, long n) => _unseen[label] = n;

    internal override void Merge(ColumnWindow other)
    {
        var o = (CategoricalWindow)other;
        Rows += o.Rows;
        Count += o.Count;
        Invalid += o.Invalid;
        for (int i = 0; i < KnownCounts.Length; i++)
            KnownCounts[i] += o.KnownCounts[i];
        foreach ((string label, long n) in o._unseen)
            AddUnseen(label, n);
        UnseenOverflow += o.UnseenOverflow;
    }

    internal override long EstimatedBytes() => 64 + KnownCounts.LongLength * sizeof(long) + _unseen.Count * 48L;
}
