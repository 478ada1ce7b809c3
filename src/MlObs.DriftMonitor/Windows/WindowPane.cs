using MlObs.Drift.Data;
using MlObs.Drift.Profiles;
using MlObs.Drift.Windows;

namespace MlObs.DriftMonitor.Windows;

/// <summary>
/// One sub-window of a <see cref="ModelWindow"/>: its state and bookkeeping. A time pane covers [<see cref="Start"/>,
/// <see cref="End"/>); a record pane has no end and starts at its first record.
/// </summary>
internal sealed class WindowPane
{
    public WindowPane(WindowState state, DateTimeOffset start, DateTimeOffset? end)
    {
        State = state;
        Start = start;
        End = end;
    }

    public WindowState State { get; }

    /// <summary>The start of the pane's time range (time panes), or the time of its first record (record panes).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The exclusive end of the pane's time range; null for record panes.</summary>
    public DateTimeOffset? End { get; }

    /// <summary>Records added (the rows of its state).</summary>
    public long Records => State.Rows;

    /// <summary>The earliest receive time of its records (meaningful when <see cref="Records"/> &gt; 0).</summary>
    public DateTimeOffset Oldest { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>The latest receive time of its records (meaningful when <see cref="Records"/> &gt; 0).</summary>
    public DateTimeOffset Newest { get; private set; } = DateTimeOffset.MinValue;

    public static WindowPane Empty(ReferenceProfile profile, bool keepValues, DateTimeOffset start, DateTimeOffset? end) =>
        new(new WindowState(profile, keepValues), start, end);

    public void Add(RowBatch rows, DateTimeOffset receivedAt)
    {
        State.Add(rows);
        Note(receivedAt, receivedAt);
    }

    /// <summary>Sets the bookkeeping of a pane read from a saved window.</summary>
    public void Restore(DateTimeOffset oldest, DateTimeOffset newest)
    {
        if (Records > 0)
            Note(oldest, newest);
    }

    /// <summary>A new pane holding the sum of <paramref name="panes"/>, with the given range.</summary>
    public static WindowPane Merge(
        IReadOnlyCollection<WindowPane> panes, ReferenceProfile profile, bool keepValues, DateTimeOffset start, DateTimeOffset? end)
    {
        WindowPane merged = Empty(profile, keepValues, start, end);
        foreach (WindowPane pane in panes)
        {
            merged.State.Merge(pane.State);
            if (pane.Records > 0)
                merged.Note(pane.Oldest, pane.Newest);
        }
        return merged;
    }

    private void Note(DateTimeOffset oldest, DateTimeOffset newest)
    {
        if (oldest < Oldest)
            Oldest = oldest;
        if (newest > Newest)
            Newest = newest;
    }
}
