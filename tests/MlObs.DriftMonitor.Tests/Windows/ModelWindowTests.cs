using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Drift.Data;
using MlObs.Drift.Windows;
using MlObs.DriftMonitor.Windows;
using static MlObs.DriftMonitor.Tests.Windows.WindowTestData;

namespace MlObs.DriftMonitor.Tests.Windows;

public sealed class ModelWindowTests
{
    private static readonly WindowSettings SlidingRecords = new(WindowKind.Sliding, Records: 100, Panes: 4);
    private static readonly WindowSettings SlidingMinute = new(WindowKind.Sliding, Records: null, Duration: TimeSpan.FromSeconds(60), Panes: 6);
    private static readonly WindowSettings TumblingTen = new(WindowKind.Tumbling, Records: 10);
    private static readonly WindowSettings TumblingMinute = new(WindowKind.Tumbling, Records: null, Duration: TimeSpan.FromSeconds(60));

    [Fact]
    public void Constructor_InvalidSettings_ThrowsArgumentException()
    {
        var settings = new WindowSettings(WindowKind.Sliding, Records: 100, Duration: TimeSpan.FromMinutes(1));
        Assert.Throws<ArgumentException>(() => new ModelWindow(Profile, settings, keepValues: true));
    }

    [Fact]
    public void SlidingByRecords_KeepsLatestRecordsAndDropsOldestPane()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        for (int b = 0; b < 13; b++)
            Assert.Empty(window.Add(Rows(b * 10, b * 10 + 10), T0.AddSeconds(b)));

        // Capacity 25: panes 0-24, 25-49, 50-74, 75-99, 100-124, 125-129; the two oldest were dropped.
        Assert.Equal(4, window.Panes.Count);
        Assert.Equal([25L, 25, 25, 5], window.Panes.Select(p => p.Records));
        Assert.Equal(80, window.Records);
        AssertSameCounts(Expected(50, 130), window.Snapshot(T0));
        Assert.Equal(T0.AddSeconds(5), window.OldestRecordTime);
    }

    [Fact]
    public void SlidingByRecords_BatchLargerThanPane_IsSplitByRows()
    {
        var window = new ModelWindow(Profile, new WindowSettings(WindowKind.Sliding, Records: 10, Panes: 2), keepValues: true);

        window.Add(Rows(0, 13), T0);

        // Panes of 5: 0-4 (dropped), 5-9, 10-12.
        Assert.Equal([5L, 3], window.Panes.Select(p => p.Records));
        Assert.Equal(8, window.Records);
        WindowState snapshot = window.Snapshot(T0);
        AssertSameCounts(Expected(5, 13), snapshot);
        Assert.Equal(Enumerable.Range(5, 8).Count(i => i % 7 == 3), snapshot.Find("x")!.Invalid);
    }

    [Fact]
    public void SlidingByRecords_EmptyWindow_HasNoRecordsAndNoOldestTime()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: false);
        Assert.Empty(window.Add(Rows(0, 0), T0));
        Assert.Equal(0, window.Records);
        Assert.Null(window.OldestRecordTime);
        Assert.Equal(0, window.Snapshot(T0).Rows);
    }

    [Fact]
    public void SlidingByTime_ExpiresPanesOlderThanDuration()
    {
        var clock = new ManualClock(T0);
        var window = new ModelWindow(Profile, SlidingMinute, keepValues: true, clock);

        clock.Now = T0.AddSeconds(1);
        window.Add(Rows(0, 10), clock.Now);
        clock.Now = T0.AddSeconds(35);
        window.Add(Rows(10, 20), clock.Now);
        clock.Now = T0.AddSeconds(65);
        window.Add(Rows(20, 30), clock.Now);

        // At 65 s the first pane [0 s, 10 s) still ends after now − 60 s.
        Assert.Equal(30, window.Records);
        Assert.Equal(T0.AddSeconds(1), window.OldestRecordTime);

        Assert.Empty(window.Advance(T0.AddSeconds(70)));
        Assert.Equal(20, window.Records);
        Assert.Equal(T0.AddSeconds(35), window.OldestRecordTime);
        AssertSameCounts(Expected(10, 30), window.Snapshot(T0.AddSeconds(70)));

        // Snapshot expires too: at 100 s the pane [30 s, 40 s) is gone.
        AssertSameCounts(Expected(20, 30), window.Snapshot(T0.AddSeconds(100)));
        Assert.Equal(10, window.Records);
    }

    [Fact]
    public void SlidingByTime_RecordOlderThanWindow_IsCountedLateAndNotAdded()
    {
        var clock = new ManualClock(T0.AddSeconds(200));
        var window = new ModelWindow(Profile, SlidingMinute, keepValues: true, clock);

        window.Add(Rows(0, 4), T0.AddSeconds(139));  // pane [130 s, 140 s) ends at now − 60 s: already expired
        window.Add(Rows(4, 10), T0.AddSeconds(141)); // pane [140 s, 150 s): still in the window

        Assert.Equal(4, window.LateRecords);
        Assert.Equal(6, window.Records);
        AssertSameCounts(Expected(4, 10), window.Snapshot(clock.Now));
    }

    [Fact]
    public void SlidingByTime_FutureReceiveTime_IsTakenAsNow()
    {
        var clock = new ManualClock(T0.AddSeconds(5));
        var window = new ModelWindow(Profile, SlidingMinute, keepValues: true, clock);

        window.Add(Rows(0, 3), T0.AddDays(365));

        Assert.Equal(T0.AddSeconds(5), window.OldestRecordTime);
        Assert.Empty(window.Advance(T0.AddSeconds(71)));
        Assert.Equal(0, window.Records);
    }

    [Fact]
    public void TumblingByRecords_CompletesAtExactlyN()
    {
        var window = new ModelWindow(Profile, TumblingTen, keepValues: true);

        Assert.Empty(window.Add(Rows(0, 9), T0));
        CompletedWindow first = Assert.Single(window.Add(Rows(9, 12), T0.AddSeconds(1)));
        Assert.Equal(10, first.Records);
        Assert.Equal(T0, first.Start);
        Assert.Equal(T0.AddSeconds(1), first.End);
        AssertSameCounts(Expected(0, 10), first.State);
        Assert.Equal(2, window.Records);

        // A batch of 25 completes two more windows (10-19, 20-29) and leaves 30-36.
        IReadOnlyList<CompletedWindow> more = window.Add(Rows(12, 37), T0.AddSeconds(2));
        Assert.Equal(2, more.Count);
        AssertSameCounts(Expected(10, 20), more[0].State);
        AssertSameCounts(Expected(20, 30), more[1].State);
        Assert.Equal(T0.AddSeconds(1), more[0].Start);
        Assert.Equal(T0.AddSeconds(2), more[1].Start);
        Assert.Equal(7, window.Records);
        AssertSameCounts(Expected(30, 37), window.Snapshot(T0));

        // Nothing moves with time.
        Assert.Empty(window.Advance(T0.AddDays(1)));
        Assert.Equal(7, window.Records);
    }

    [Fact]
    public void TumblingByTime_RecordPastEnd_CompletesWindow()
    {
        var clock = new ManualClock(T0.AddSeconds(5));
        var window = new ModelWindow(Profile, TumblingMinute, keepValues: true, clock);

        Assert.Empty(window.Add(Rows(0, 5), clock.Now));
        clock.Now = T0.AddSeconds(59);
        Assert.Empty(window.Add(Rows(5, 8), clock.Now));
        clock.Now = T0.AddSeconds(60);
        CompletedWindow done = Assert.Single(window.Add(Rows(8, 12), clock.Now));

        Assert.Equal(T0, done.Start);
        Assert.Equal(T0.AddSeconds(60), done.End);
        Assert.Equal(8, done.Records);
        AssertSameCounts(Expected(0, 8), done.State);
        Assert.Equal(4, window.Records);
        AssertSameCounts(Expected(8, 12), window.Snapshot(clock.Now));
    }

    [Fact]
    public void TumblingByTime_Advance_CompletesDueWindowOnce()
    {
        var clock = new ManualClock(T0.AddSeconds(70));
        var window = new ModelWindow(Profile, TumblingMinute, keepValues: true, clock);
        window.Add(Rows(0, 6), clock.Now);

        Assert.Empty(window.Advance(T0.AddSeconds(119)));
        CompletedWindow done = Assert.Single(window.Advance(T0.AddSeconds(120)));
        Assert.Equal(T0.AddSeconds(60), done.Start);
        Assert.Equal(T0.AddSeconds(120), done.End);
        AssertSameCounts(Expected(0, 6), done.State);
        Assert.Equal(0, window.Records);

        // An empty window is never returned as completed.
        Assert.Empty(window.Advance(T0.AddSeconds(500)));
    }

    [Fact]
    public void TumblingByTime_LateRecord_JoinsCurrentWindow()
    {
        var clock = new ManualClock(T0.AddSeconds(130));
        var window = new ModelWindow(Profile, TumblingMinute, keepValues: true, clock);
        window.Add(Rows(0, 2), clock.Now);
        Assert.Empty(window.Add(Rows(2, 5), T0.AddSeconds(10)));

        Assert.Equal(5, window.Records);
        Assert.Equal(T0.AddSeconds(10), window.OldestRecordTime);
        CompletedWindow done = Assert.Single(window.Advance(T0.AddSeconds(180)));
        Assert.Equal(T0.AddSeconds(120), done.Start);
        AssertSameCounts(Expected(0, 5), done.State);
    }

    [Fact]
    public void Snapshot_IsIndependentOfLaterAdds()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        window.Add(Rows(0, 30), T0);

        WindowState snapshot = window.Snapshot(T0);
        window.Add(Rows(30, 60), T0);
        snapshot.Add(Rows(100, 150));

        Assert.Equal(80, snapshot.Rows);
        Assert.Equal(60, window.Records);
        AssertSameCounts(Expected(0, 60), window.Snapshot(T0));
    }

    [Fact]
    public void Reset_EmptiesTheWindow()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: false);
        window.Add(Rows(0, 60), T0);
        Assert.True(window.EstimatedBytes > 0);

        window.Reset();

        Assert.Equal(0, window.Records);
        Assert.Null(window.OldestRecordTime);
        Assert.Equal(0, window.EstimatedBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveLoad_SlidingByRecords_RoundTripsCountsAndPanes(bool keepValues)
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues);
        for (int b = 0; b < 7; b++)
            window.Add(Rows(b * 17, b * 17 + 17), T0.AddSeconds(b));

        ModelWindow loaded = RoundTrip(window, SlidingRecords, keepValues);

        Assert.Equal(window.Panes.Select(p => (p.Start, p.Records, p.Oldest, p.Newest)), loaded.Panes.Select(p => (p.Start, p.Records, p.Oldest, p.Newest)));
        Assert.Equal(window.OldestRecordTime, loaded.OldestRecordTime);
        AssertSameCounts(window.Snapshot(T0), loaded.Snapshot(T0));

        // Both go on identically.
        window.Add(Rows(200, 240), T0.AddSeconds(9));
        loaded.Add(Rows(200, 240), T0.AddSeconds(9));
        AssertSameCounts(window.Snapshot(T0), loaded.Snapshot(T0));
        Assert.Equal(window.Records, loaded.Records);
    }

    [Fact]
    public void SaveLoad_SlidingByTime_RoundTripsPanesAndLateRecords()
    {
        var clock = new ManualClock(T0.AddSeconds(100));
        var window = new ModelWindow(Profile, SlidingMinute, keepValues: true, clock);
        window.Add(Rows(0, 5), T0.AddSeconds(10));  // late
        window.Add(Rows(5, 15), T0.AddSeconds(55));
        window.Add(Rows(15, 20), T0.AddSeconds(99));

        ModelWindow loaded = RoundTrip(window, SlidingMinute, keepValues: true, clock);

        Assert.Equal(5, loaded.LateRecords);
        Assert.Equal(window.Panes.Select(p => (p.Start, p.End, p.Records)), loaded.Panes.Select(p => (p.Start, p.End, p.Records)));
        AssertSameCounts(Expected(5, 20), loaded.Snapshot(clock.Now));
        Assert.Empty(loaded.Advance(T0.AddSeconds(120)));
        AssertSameCounts(Expected(15, 20), loaded.Snapshot(T0.AddSeconds(120)));
    }

    [Fact]
    public void Load_FewerPanes_MergesOldestPanesAndKeepsEveryRecord()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        window.Add(Rows(0, 90), T0);
        var fewer = new WindowSettings(WindowKind.Sliding, Records: 100, Panes: 2);

        ModelWindow loaded = RoundTrip(window, fewer, keepValues: true);

        Assert.Equal([75L, 15], loaded.Panes.Select(p => p.Records));
        AssertSameCounts(Expected(0, 90), loaded.Snapshot(T0));

        // The next full pane (capacity 50) pushes the merged one out as a whole.
        loaded.Add(Rows(90, 126), T0);
        Assert.Equal([50L, 1], loaded.Panes.Select(p => p.Records));
        AssertSameCounts(Expected(75, 126), loaded.Snapshot(T0));
    }

    [Fact]
    public void Load_SlidingByRecordsAsTumblingByTime_MergesIntoWindowOfNewestRecord()
    {
        var clock = new ManualClock(T0.AddSeconds(90));
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        window.Add(Rows(0, 40), T0.AddSeconds(20));
        window.Add(Rows(40, 70), T0.AddSeconds(75));

        ModelWindow loaded = RoundTrip(window, TumblingMinute, keepValues: true, clock);

        Assert.Equal(70, loaded.Records);
        Assert.Equal(T0.AddSeconds(20), loaded.OldestRecordTime);
        CompletedWindow done = Assert.Single(loaded.Advance(T0.AddSeconds(120)));
        Assert.Equal(T0.AddSeconds(60), done.Start);
        AssertSameCounts(Expected(0, 70), done.State);
    }

    [Fact]
    public void Load_SlidingByTimeAsSlidingByRecords_MergesIntoOnePane()
    {
        var clock = new ManualClock(T0.AddSeconds(50));
        var window = new ModelWindow(Profile, SlidingMinute, keepValues: true, clock);
        window.Add(Rows(0, 10), T0.AddSeconds(5));
        window.Add(Rows(10, 30), T0.AddSeconds(45));
        var tenPanes = new WindowSettings(WindowKind.Sliding, Records: 50, Panes: 5);

        ModelWindow loaded = RoundTrip(window, tenPanes, keepValues: true, clock);

        WindowPane pane = Assert.Single(loaded.Panes);
        Assert.Equal(30, pane.Records);
        Assert.Null(pane.End);
        AssertSameCounts(Expected(0, 30), loaded.Snapshot(clock.Now));
    }

    [Fact]
    public void Load_AnotherProfile_ThrowsInvalidDataExceptionNamingTheProfile()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        window.Add(Rows(0, 30), T0);
        byte[] saved = Save(window);

        var e = Assert.Throws<InvalidDataException>(
            () => ModelWindow.Load(new MemoryStream(saved), OtherProfile, SlidingRecords, keepValues: true));
        Assert.Contains("another reference profile", e.Message, StringComparison.Ordinal);
        Assert.Contains(OtherProfile.Fingerprint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PaneStateOfAnotherProfile_ThrowsInvalidDataExceptionNamingThePane()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        window.Add(Rows(0, 10), T0);
        JsonNode document = JsonNode.Parse(Save(window))!;
        // Keep this profile's top-level fingerprint but embed a pane state written against the other profile.
        var state = new WindowState(OtherProfile, keepValues: true);
        state.Add(Rows(0, 10));
        using var stateJson = new MemoryStream();
        WindowStateJson.Write(state, stateJson);
        document["panes"]![0]!["state"] = JsonNode.Parse(stateJson.ToArray());
        byte[] tampered = Encoding.UTF8.GetBytes(document.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(
            () => ModelWindow.Load(new MemoryStream(tampered), Profile, SlidingRecords, keepValues: true));
        Assert.Contains("Pane 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("another reference profile", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"format\":\"mlobs-drift-window\",\"version\":1}")]
    [InlineData("{\"format\":\"mlobs-drift-model-window\",\"version\":2}")]
    [InlineData("{\"format\":\"mlobs-drift-model-window\",\"version\":1}")]
    public void Load_NotAModelWindow_ThrowsInvalidDataException(string text)
    {
        Assert.Throws<InvalidDataException>(
            () => ModelWindow.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)), Profile, SlidingRecords, keepValues: true));
    }

    [Fact]
    public void Load_DifferentKeepValues_ThrowsInvalidDataException()
    {
        var window = new ModelWindow(Profile, SlidingRecords, keepValues: true);
        window.Add(Rows(0, 10), T0);

        var e = Assert.Throws<InvalidDataException>(
            () => ModelWindow.Load(new MemoryStream(Save(window)), Profile, SlidingRecords, keepValues: false));
        Assert.Contains("values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_WritesVersionedDocumentWithSettings()
    {
        var window = new ModelWindow(Profile, SlidingMinute, keepValues: false, new ManualClock(T0));
        using var doc = JsonDocument.Parse(Save(window));
        JsonElement root = doc.RootElement;

        Assert.Equal("mlobs-drift-model-window", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("sliding", root.GetProperty("settings").GetProperty("kind").GetString());
        Assert.Equal("00:01:00", root.GetProperty("settings").GetProperty("duration").GetString());
        Assert.Equal(6, root.GetProperty("settings").GetProperty("panes").GetInt32());
    }

    private static byte[] Save(ModelWindow window)
    {
        using var stream = new MemoryStream();
        window.Save(stream);
        return stream.ToArray();
    }

    private static ModelWindow RoundTrip(ModelWindow window, WindowSettings settings, bool keepValues, TimeProvider? time = null) =>
        ModelWindow.Load(new MemoryStream(Save(window)), Profile, settings, keepValues, time);
}
