namespace MlObs.DriftMonitor.Windows;

/// <summary>How a window moves.</summary>
public enum WindowKind
{
    /// <summary>The window is emptied after each evaluation.</summary>
    Tumbling,

    /// <summary>The window keeps the most recent records (or seconds), split into panes that expire one at a time.</summary>
    Sliding,
}

/// <summary>
/// The window of one model: its size as a count of records or a duration (exactly one of the two), how it moves, and the
/// number of panes a sliding window is split into (its granularity: the oldest pane expires as a whole).
/// </summary>
/// <param name="Kind">Tumbling or sliding.</param>
/// <param name="Records">The size in records, or null when the window is sized by time.</param>
/// <param name="Duration">The size in time, or null when the window is sized by records.</param>
/// <param name="Panes">Sub-windows of a sliding window (ignored for tumbling windows).</param>
public sealed record WindowSettings(WindowKind Kind = WindowKind.Sliding, long? Records = 10_000, TimeSpan? Duration = null, int Panes = 10)
{
    /// <summary>The default: a sliding window over the last 10,000 records in 10 panes.</summary>
    public static WindowSettings Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is wrong.</summary>
    public void Validate()
    {
        if ((Records is null) == (Duration is null))
        {
            throw new ArgumentException("A window is sized by records or by duration: set exactly one of the two.");
        }
        if (Records is <= 0)
        {
            throw new ArgumentException($"The window size must be at least one record (got {Records}).");
        }
        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The window duration must be positive (got {d}).");
        }
        if (Panes is < 1 or > 1000)
        {
            throw new ArgumentException($"A window has 1 to 1000 panes (got {Panes}).");
        }
        if (Records is { } r && Kind == WindowKind.Sliding && r < Panes)
        {
            throw new ArgumentException($"A sliding window of {r} records cannot have {Panes} panes.");
        }
    }
}
