using MlObs.Drift.Data;
using MlObs.Drift.Profiles;
using MlObs.Drift.Windows;

namespace MlObs.DriftMonitor.Windows;

/// <summary>
/// The window of recent records of one model, kept against its <see cref="ReferenceProfile"/> as a list of panes (each a
/// <see cref="WindowState"/> with its start time and record count) so that a sliding window can forget its oldest part.
/// </summary>
/// <remarks>
/// <para>How the window moves (<see cref="WindowSettings"/>):</para>
/// <list type="bullet">
/// <item><description>
/// <b>Sliding by records</b>: a pane holds <c>ceil(Records / Panes)</c> records (its capacity); when the newest pane is
/// full the next record starts a new one, and when that makes more than <c>Panes</c> panes the oldest is dropped. A batch
/// larger than the room left in a pane is split by rows. Once it has filled, the window therefore holds between
/// <c>(Panes − 1) · capacity + 1</c> and <c>Panes · capacity</c> records: between <c>Records − capacity + 1</c> and
/// <c>Records</c> when <c>Panes</c> divides <c>Records</c>, and up to <c>Panes − 1</c> records more than <c>Records</c>
/// otherwise.
/// </description></item>
/// <item><description>
/// <b>Sliding by duration</b>: a pane covers <c>Duration / Panes</c> (at least one tick), aligned to multiples of that
/// length since the Unix epoch; a record goes to the pane of its receive time; a pane expires when its end is at or before
/// <c>now − Duration</c>. A record whose pane has already expired is not added and is counted in <see cref="LateRecords"/>.
/// </description></item>
/// <item><description>
/// <b>Tumbling by records</b>: one window; when it reaches <c>Records</c> it is complete and <see cref="Add"/> returns it
/// (a big batch may complete several) and goes on with a fresh window holding the rest of the batch.
/// </description></item>
/// <item><description>
/// <b>Tumbling by duration</b>: windows <c>[k·Duration, (k+1)·Duration)</c> aligned to the Unix epoch; a record received at
/// or after the current window's end completes it (an empty window is never returned) and starts the window of its own
/// time; <see cref="Advance"/> completes a window whose end has passed. A record received before the current window's start
/// (a late record) is added to the current window: a completed window is never reopened.
/// </description></item>
/// </list>
/// <para>
/// Windows sized by time read the clock (<see cref="TimeProvider"/>) when records are added: a receive time later than the
/// clock's now is taken as now, so a skewed timestamp cannot create a pane that would not expire for a long time.
/// Empty batches (no rows) are ignored.
/// </para>
/// <para>
/// Memory: each pane is a full <see cref="WindowState"/>, so a window of <c>Panes</c> panes holds up to <c>Panes</c> times
/// the counters of one state (about 33 KiB per numeric column per pane in streaming mode; see <see cref="EstimatedBytes"/>).
/// </para>
/// <para>Not thread-safe: the caller serialises every call (for example under one lock per model).</para>
/// </remarks>
public sealed class ModelWindow
{
    private readonly List<WindowPane> _panes = [];

    /// <summary>Records per pane (windows sized by records): <c>ceil(Records / Panes)</c> sliding, <c>Records</c> tumbling.</summary>
    private readonly long _paneRecords;

    /// <summary>Ticks per pane (windows sized by time): <c>Duration / Panes</c> sliding, <c>Duration</c> tumbling.</summary>
    private readonly long _paneTicks;

    private readonly TimeProvider _time;

    /// <summary>Creates an empty window.</summary>
    /// <param name="profile">The model's reference profile; every pane is kept against it.</param>
    /// <param name="settings">How the window is sized and moves.</param>
    /// <param name="keepValues">Whether the panes keep their values (exact statistics); see <see cref="WindowState"/>.</param>
    /// <param name="time">The clock (defaults to <see cref="TimeProvider.System"/>).</param>
    /// <exception cref="ArgumentException">The settings are invalid (<see cref="WindowSettings.Validate"/>).</exception>
    public ModelWindow(ReferenceProfile profile, WindowSettings settings, bool keepValues, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Profile = profile;
        Settings = settings;
        KeepsValues = keepValues;
        _time = time ?? TimeProvider.System;
        if (settings.Records is long records)
        {
            _paneRecords = settings.Kind == WindowKind.Sliding ? (records + settings.Panes - 1) / settings.Panes : records;
        }
        else
        {
            long ticks = settings.Duration!.Value.Ticks;
            _paneTicks = settings.Kind == WindowKind.Sliding ? Math.Max(1, ticks / settings.Panes) : ticks;
        }
    }

    /// <summary>The reference profile the window is kept against.</summary>
    public ReferenceProfile Profile { get; }

    /// <summary>The settings the window follows.</summary>
    public WindowSettings Settings { get; }

    /// <summary>Whether the panes keep their values (exact statistics).</summary>
    public bool KeepsValues { get; }

    /// <summary>Records (rows) currently in the window, over all live panes.</summary>
    public long Records
    {
        get
        {
            long total = 0;
            foreach (WindowPane pane in _panes)
                total += pane.Records;
            return total;
        }
    }

    /// <summary>The receive time of the oldest record in the window, or null when the window is empty.</summary>
    public DateTimeOffset? OldestRecordTime
    {
        get
        {
            DateTimeOffset? oldest = null;
            foreach (WindowPane pane in _panes)
            {
                if (pane.Records > 0 && (oldest is null || pane.Oldest < oldest))
                    oldest = pane.Oldest;
            }
            return oldest;
        }
    }

    /// <summary>Approximate memory held by the panes' states, in bytes (excludes the profile).</summary>
    public long EstimatedBytes
    {
        get
        {
            long total = 0;
            foreach (WindowPane pane in _panes)
                total += pane.State.EstimatedBytes();
            return total;
        }
    }

    /// <summary>
    /// Records not added because their time was already outside a sliding window sized by time (their pane had expired);
    /// cumulative since the window was created or loaded (<see cref="Reset"/> does not clear it).
    /// </summary>
    public long LateRecords { get; private set; }

    /// <summary>The live panes, oldest first (for persistence and tests).</summary>
    internal IReadOnlyList<WindowPane> Panes => _panes;

    private bool SizedByRecords => Settings.Records is not null;

    /// <summary>Adds a batch of records received at <paramref name="receivedAt"/>.</summary>
    /// <param name="batch">The records; its columns are matched to the profile's by name.</param>
    /// <param name="receivedAt">When the records were received (windows sized by time place them by this time).</param>
    /// <returns>
    /// The tumbling windows this batch completed, oldest first (several when a batch spans more than one window); always
    /// empty for sliding windows.
    /// </returns>
    public IReadOnlyList<CompletedWindow> Add(RowBatch batch, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.RowCount == 0)
            return [];
        return (Settings.Kind, SizedByRecords) switch
        {
            (WindowKind.Sliding, true) => AddSlidingByRecords(batch, receivedAt),
            (WindowKind.Sliding, false) => AddSlidingByTime(batch, receivedAt),
            (WindowKind.Tumbling, true) => AddTumblingByRecords(batch, receivedAt),
            _ => AddTumblingByTime(batch, receivedAt),
        };
    }

    /// <summary>
    /// Moves the window to <paramref name="now"/> without adding records: a sliding window sized by time drops its expired
    /// panes; a tumbling window sized by time whose end is at or before <paramref name="now"/> is completed and returned
    /// (or, when empty, discarded). Windows sized by records do not move with time.
    /// </summary>
    /// <returns>The completed window, if any; otherwise an empty list.</returns>
    public IReadOnlyList<CompletedWindow> Advance(DateTimeOffset now)
    {
        if (SizedByRecords)
            return [];
        if (Settings.Kind == WindowKind.Sliding)
        {
            ExpirePanes(now);
            return [];
        }
        if (_panes.Count == 0 || now < _panes[0].End)
            return [];
        WindowPane due = _panes[0];
        _panes.Clear();
        return due.Records > 0 ? [CompleteTimed(due)] : [];
    }

    /// <summary>
    /// A new <see cref="WindowState"/> holding the merge of the live panes, for evaluation. A sliding window sized by time
    /// first drops the panes expired at <paramref name="now"/>; a tumbling window is returned as it is, even when due. The
    /// state is a copy: later additions to this window do not change it, and changing it does not change the window.
    /// </summary>
    public WindowState Snapshot(DateTimeOffset now)
    {
        if (!SizedByRecords && Settings.Kind == WindowKind.Sliding)
            ExpirePanes(now);
        var snapshot = new WindowState(Profile, KeepsValues);
        foreach (WindowPane pane in _panes)
            snapshot.Merge(pane.State);
        return snapshot;
    }

    /// <summary>
    /// Empties the window (every pane), for example after a tumbling window was evaluated on a timer or on the
    /// <c>reset-window</c> command.
    /// </summary>
    public void Reset() => _panes.Clear();

    /// <summary>
    /// Writes the window as JSON (<c>"format": "mlobs-drift-model-window"</c>, <c>"version": 1</c>): the profile's
    /// fingerprint, the settings, and each pane's range, record count and state (the <see cref="WindowStateJson"/> document,
    /// embedded as a nested JSON object). The stream is left open.
    /// </summary>
    public void Save(Stream stream) => ModelWindowJson.Write(this, stream);

    /// <summary>
    /// Reads a window written by <see cref="Save"/> against the same profile. When <paramref name="settings"/> differ from
    /// the saved ones (the operator changed the configuration), the panes are re-bucketed conservatively, losing no record:
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><description>
    /// Same kind and same unit (records or time): the panes are kept as they were saved, with their own time ranges. A
    /// sliding window sized by records with more panes than the new <c>Panes</c> merges its oldest panes into one (dropped
    /// as a whole when the window next moves on); a pane larger than the new capacity counts as full. A tumbling window sized
    /// by records that already holds the new <c>Records</c> or more completes at the next <see cref="Add"/>; one sized by
    /// time keeps its saved range and completes at its saved end.
    /// </description></item>
    /// <item><description>
    /// Otherwise (the kind or the unit changed) every pane is merged into one: for a window sized by records it starts at
    /// its oldest record; for a sliding window sized by time it spans the new panes from its oldest to its newest record (so
    /// it expires with its newest record); for a tumbling window sized by time it is the window of its newest record.
    /// </description></item>
    /// </list>
    /// <para>A sliding window sized by time then drops the panes expired at the clock's now.</para>
    /// </remarks>
    /// <param name="stream">The document.</param>
    /// <param name="profile">The model's reference profile (must be the one the window was saved with).</param>
    /// <param name="settings">The current window settings.</param>
    /// <param name="keepValues">Whether the panes keep values; must match the saved window.</param>
    /// <param name="time">The clock (defaults to <see cref="TimeProvider.System"/>).</param>
    /// <exception cref="InvalidDataException">
    /// Not a model window, another version, another reference profile, a different <paramref name="keepValues"/>, or
    /// inconsistent data; the message says which.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="settings"/> are invalid.</exception>
    public static ModelWindow Load(
        Stream stream, ReferenceProfile profile, WindowSettings settings, bool keepValues, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var window = new ModelWindow(profile, settings, keepValues, time);
        ModelWindowJson.Read(stream, window);
        return window;
    }

    /// <summary>Installs panes read from a saved window (oldest first), re-bucketing them for the current settings.</summary>
    internal void Restore(WindowSettings saved, List<WindowPane> panes, long lateRecords)
    {
        LateRecords = lateRecords;
        panes.RemoveAll(p => p.Records == 0);
        if (panes.Count == 0)
            return;
        panes.Sort((a, b) => a.Start.CompareTo(b.Start));
        bool sameShape = saved.Kind == Settings.Kind && (saved.Records is null) == (Settings.Records is null);
        if (sameShape)
        {
            if (SizedByRecords && Settings.Kind == WindowKind.Sliding && panes.Count > Settings.Panes)
            {
                int excess = panes.Count - Settings.Panes + 1;
                WindowPane oldest = WindowPane.Merge(panes.GetRange(0, excess), Profile, KeepsValues, panes[0].Start, null);
                panes.RemoveRange(0, excess);
                panes.Insert(0, oldest);
            }
            else if (Settings.Kind == WindowKind.Tumbling && panes.Count > 1)
            {
                WindowPane whole = WindowPane.Merge(panes, Profile, KeepsValues, panes[0].Start, panes[^1].End);
                panes.Clear();
                panes.Add(whole);
            }
            _panes.AddRange(panes);
        }
        else
        {
            DateTimeOffset oldest = panes.Min(p => p.Oldest), newest = panes.Max(p => p.Newest);
            (DateTimeOffset start, DateTimeOffset? end) = (Settings.Kind, SizedByRecords) switch
            {
                (_, true) => (oldest, (DateTimeOffset?)null),
                (WindowKind.Sliding, false) => (AlignDown(oldest, _paneTicks), Shift(AlignDown(newest, _paneTicks), _paneTicks)),
                _ => (AlignDown(newest, _paneTicks), Shift(AlignDown(newest, _paneTicks), _paneTicks)),
            };
            _panes.Add(WindowPane.Merge(panes, Profile, KeepsValues, start, end));
        }
        if (!SizedByRecords && Settings.Kind == WindowKind.Sliding)
            ExpirePanes(_time.GetUtcNow());
    }

    private List<CompletedWindow> AddSlidingByRecords(RowBatch batch, DateTimeOffset receivedAt)
    {
        var rows = new RowBatchSplitter(batch);
        while (rows.Remaining > 0)
        {
            WindowPane? pane = _panes.Count > 0 ? _panes[^1] : null;
            if (pane is null || pane.Records >= _paneRecords)
            {
                pane = NewPane(receivedAt, null);
                _panes.Add(pane);
                if (_panes.Count > Settings.Panes)
                    _panes.RemoveAt(0);
            }
            int take = (int)Math.Min(rows.Remaining, _paneRecords - pane.Records);
            pane.Add(rows.Take(take), receivedAt);
        }
        return [];
    }

    private List<CompletedWindow> AddSlidingByTime(RowBatch batch, DateTimeOffset receivedAt)
    {
        DateTimeOffset now = _time.GetUtcNow();
        ExpirePanes(now);
        DateTimeOffset at = receivedAt > now ? now : receivedAt;
        WindowPane? pane = FindPane(at);
        if (pane is null)
        {
            DateTimeOffset start = AlignDown(at, _paneTicks);
            DateTimeOffset end = Shift(start, _paneTicks);
            if (end <= ExpiryCutoff(now))
            {
                LateRecords += batch.RowCount;
                return [];
            }
            pane = NewPane(start, end);
            int index = _panes.Count;
            while (index > 0 && _panes[index - 1].Start > start)
                index--;
            _panes.Insert(index, pane);
        }
        pane.Add(batch, at);
        return [];
    }

    private List<CompletedWindow> AddTumblingByRecords(RowBatch batch, DateTimeOffset receivedAt)
    {
        var completed = new List<CompletedWindow>();
        WindowPane? pane = _panes.Count > 0 ? _panes[0] : null;
        if (pane is not null && pane.Records >= _paneRecords)
        {
            completed.Add(new CompletedWindow(pane.State, pane.Oldest, pane.Newest, pane.Records));
            _panes.Clear();
            pane = null;
        }
        var rows = new RowBatchSplitter(batch);
        while (rows.Remaining > 0)
        {
            if (pane is null)
            {
                pane = NewPane(receivedAt, null);
                _panes.Add(pane);
            }
            int take = (int)Math.Min(rows.Remaining, _paneRecords - pane.Records);
            pane.Add(rows.Take(take), receivedAt);
            if (pane.Records >= _paneRecords)
            {
                completed.Add(new CompletedWindow(pane.State, pane.Oldest, pane.Newest, pane.Records));
                _panes.Clear();
                pane = null;
            }
        }
        return completed;
    }

    private List<CompletedWindow> AddTumblingByTime(RowBatch batch, DateTimeOffset receivedAt)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset at = receivedAt > now ? now : receivedAt;
        var completed = new List<CompletedWindow>(1);
        WindowPane? pane = _panes.Count > 0 ? _panes[0] : null;
        if (pane is not null && at >= pane.End)
        {
            if (pane.Records > 0)
                completed.Add(CompleteTimed(pane));
            _panes.Clear();
            pane = null;
        }
        if (pane is null)
        {
            DateTimeOffset start = AlignDown(at, _paneTicks);
            pane = NewPane(start, Shift(start, _paneTicks));
            _panes.Add(pane);
        }
        pane.Add(batch, at);
        return completed;
    }

    private WindowPane NewPane(DateTimeOffset start, DateTimeOffset? end) => WindowPane.Empty(Profile, KeepsValues, start, end);

    private static CompletedWindow CompleteTimed(WindowPane pane) =>
        new(pane.State, pane.Start, pane.End ?? pane.Newest, pane.Records);

    /// <summary>The pane whose time range holds <paramref name="at"/>, searching from the newest.</summary>
    private WindowPane? FindPane(DateTimeOffset at)
    {
        for (int i = _panes.Count - 1; i >= 0; i--)
        {
            WindowPane pane = _panes[i];
            if (pane.Start <= at && at < pane.End)
                return pane;
        }
        return null;
    }

    private void ExpirePanes(DateTimeOffset now)
    {
        DateTimeOffset cutoff = ExpiryCutoff(now);
        _panes.RemoveAll(p => p.End is { } end && end <= cutoff);
    }

    private DateTimeOffset ExpiryCutoff(DateTimeOffset now) => Shift(now, -Settings.Duration!.Value.Ticks);

    /// <summary>The largest multiple of <paramref name="ticks"/> since the Unix epoch that is not after <paramref name="at"/>.</summary>
    internal static DateTimeOffset AlignDown(DateTimeOffset at, long ticks)
    {
        long sinceEpoch = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long quotient = sinceEpoch / ticks;
        if (sinceEpoch % ticks < 0)
            quotient--;
        long aligned = DateTimeOffset.UnixEpoch.UtcTicks + quotient * ticks;
        return new DateTimeOffset(Math.Max(aligned, DateTimeOffset.MinValue.UtcTicks), TimeSpan.Zero);
    }

    /// <summary><paramref name="at"/> moved by <paramref name="ticks"/>, clamped to the range of <see cref="DateTimeOffset"/>.</summary>
    private static DateTimeOffset Shift(DateTimeOffset at, long ticks)
    {
        long utc = at.UtcTicks;
        long max = DateTimeOffset.MaxValue.UtcTicks, min = DateTimeOffset.MinValue.UtcTicks;
        long moved = ticks >= 0
            ? (utc > max - ticks ? max : utc + ticks)
            : (utc < min - ticks ? min : utc + ticks);
        return new DateTimeOffset(moved, TimeSpan.Zero);
    }
}
