using MlObs.Drift.Data;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Windows;

/// <summary>
/// The state of a window of current data, kept against one <see cref="ReferenceProfile"/>: per column, counters on the
/// reference bins, moments, missing and invalid counts, unseen categories, and (in exact mode) the values themselves. Two
/// states of the same profile merge by adding them (<see cref="Merge"/>), so windows can be built in parallel or from
/// sub-windows.
/// </summary>
public sealed class WindowState
{
    private readonly ColumnWindow[] _columns;
    private readonly HashSet<string> _newColumns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Starts an empty window.</summary>
    /// <param name="profile">The reference the window is compared with.</param>
    /// <param name="keepValues">Keep the window's values for exact statistics; defaults to true in exact mode, false in streaming mode.</param>
    public WindowState(ReferenceProfile profile, bool? keepValues = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        KeepsValues = keepValues ?? profile.Mode == ProfileMode.Exact;
        _columns = new ColumnWindow[profile.Columns.Count];
        for (int i = 0; i < _columns.Length; i++)
        {
            _columns[i] = profile.Columns[i] switch
            {
                NumericColumnProfile n => new NumericWindow(n, KeepsValues),
                CategoricalColumnProfile c => new CategoricalWindow(c),
                _ => throw new InvalidOperationException("Unknown column profile."),
            };
            _index[_columns[i].Name] = i;
        }
    }

    /// <summary>The reference this window is kept against.</summary>
    public ReferenceProfile Profile { get; }

    /// <summary>Whether the window keeps its values (exact statistics).</summary>
    public bool KeepsValues { get; }

    /// <summary>Rows added.</summary>
    public long Rows { get; internal set; }

    /// <summary>Columns seen in the window that the reference does not have (schema change), in ordinal order.</summary>
    public IReadOnlyList<string> NewColumns => [.. _newColumns.Order(StringComparer.Ordinal)];

    /// <summary>The per-column state, in the profile's column order.</summary>
    public IReadOnlyList<ColumnWindow> Columns => _columns;

    /// <summary>The state of one column, or null if the reference has no such column.</summary>
    public ColumnWindow? Find(string name) => _index.TryGetValue(name, out int i) ? _columns[i] : null;

    /// <summary>
    /// Adds a batch: each column's values go to the column of the same name; a reference column absent from the batch is not
    /// counted for these rows (so a column missing from the whole window is reported as a schema change).
    /// </summary>
    public void Add(RowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Rows += batch.RowCount;
        foreach (ColumnValues values in batch.Columns)
        {
            int i = IndexOf(values.Name);
            if (i < 0)
            {
                _newColumns.Add(values.Name);
                continue;
            }
            _columns[i].Add(values);
        }
    }

    /// <summary>
    /// Declares the columns the window's source has (for example a file's header) when batches carry only the reference's
    /// columns: names the reference lacks are reported as new columns.
    /// </summary>
    public void DeclareColumns(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string name in names)
        {
            if (IndexOf(name) < 0)
                _newColumns.Add(name);
        }
    }

    internal void RestoreNewColumns(IEnumerable<string> names) => _newColumns.UnionWith(names);

    /// <summary>Adds another window of the same profile into this one.</summary>
    public void Merge(WindowState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Profile, Profile))
            throw new ArgumentException("Only windows of the same reference profile can be merged.", nameof(other));
        if (other.KeepsValues != KeepsValues)
            throw new ArgumentException("Cannot merge a window that keeps values with one that does not.", nameof(other));
        Rows += other.Rows;
        _newColumns.UnionWith(other._newColumns);
        for (int i = 0; i < _columns.Length; i++)
            _columns[i].Merge(other._columns[i]);
    }

    /// <summary>Approximate memory held by the state, in bytes (arrays and values; excludes the profile).</summary>
    public long EstimatedBytes()
    {
        long total = 0;
        foreach (ColumnWindow column in _columns)
            total += column.EstimatedBytes();
        return total;
    }

    private int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;
}

/// <summary>The window state of one column.</summary>
public abstract class ColumnWindow
{
    private protected ColumnWindow(string name) => Name = name;

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>Rows in which the column was present.</summary>
    public long Rows { get; internal set; }

    /// <summary>Non-missing values.</summary>
    public long Count { get; internal set; }

    /// <summary>Values present but unreadable as the column's kind (also counted as missing).</summary>
    public long Invalid { get; internal set; }

    /// <summary>Missing values.</summary>
    public long Missing => Rows - Count;

    /// <summary>Adds values of this column.</summary>
    public abstract void Add(ColumnValues values);

    internal abstract void Merge(ColumnWindow other);

    internal abstract long EstimatedBytes();
}
