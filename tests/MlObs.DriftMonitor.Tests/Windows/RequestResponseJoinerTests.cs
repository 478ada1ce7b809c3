using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Windows;
using static MlObs.DriftMonitor.Tests.Windows.WindowTestData;

namespace MlObs.DriftMonitor.Tests.Windows;

public sealed class RequestResponseJoinerTests
{
    private static RowBatch Inputs(int rows, params string[] names) =>
        new(rows, [.. names.Select(n => (ColumnValues)new NumericValues(n, new double[rows]))]);

    private static RowBatch Outputs(int rows, params string[] names) =>
        new(rows, [.. names.Select(n => (ColumnValues)new CategoryValues(n, new string?[rows]))]);

    [Fact]
    public void Offer_RequestThenResponse_JoinsColumnsWithoutCopying()
    {
        var joiner = new RequestResponseJoiner();
        RowBatch request = Inputs(3, "x", "y");
        RowBatch response = Outputs(3, "prediction");

        Assert.Empty(joiner.Offer(RecordHalf.Request, "k1", request, T0));
        Assert.Equal(1, joiner.Pending);
        JoinedBatch joined = Assert.Single(joiner.Offer(RecordHalf.Response, "k1", response, T0.AddSeconds(2)));

        Assert.Equal(JoinOutcome.Joined, joined.Outcome);
        Assert.Equal(T0, joined.ReceivedAt);
        Assert.Equal(3, joined.Rows.RowCount);
        Assert.Equal(["x", "y", "prediction"], joined.Rows.Columns.Select(c => c.Name));
        Assert.Same(request.Columns[0], joined.Rows.Columns[0]);
        Assert.Same(response.Columns[0], joined.Rows.Columns[2]);
        Assert.Equal(0, joiner.Pending);
        Assert.Equal(new JoinerStats(1, 0, 0, 0, 0, 0, 0, 0), joiner.Stats);
    }

    [Fact]
    public void Offer_ResponseBeforeRequest_PutsRequestColumnsFirst()
    {
        var joiner = new RequestResponseJoiner();

        Assert.Empty(joiner.Offer(RecordHalf.Response, "k", Outputs(2, "prediction"), T0));
        JoinedBatch joined = Assert.Single(joiner.Offer(RecordHalf.Request, "k", Inputs(2, "x"), T0.AddSeconds(1)));

        Assert.Equal(JoinOutcome.Joined, joined.Outcome);
        Assert.Equal(["x", "prediction"], joined.Rows.Columns.Select(c => c.Name));
        Assert.Equal(T0.AddSeconds(1), joined.ReceivedAt);
    }

    [Fact]
    public void Expire_ReleasesHalvesHeldLongerThanTimeout()
    {
        var joiner = new RequestResponseJoiner(new JoinerOptions(TimeSpan.FromSeconds(30)));
        RowBatch request = Inputs(1, "x");
        RowBatch response = Outputs(1, "prediction");
        joiner.Offer(RecordHalf.Request, "a", request, T0);
        joiner.Offer(RecordHalf.Response, "b", response, T0.AddSeconds(10));

        Assert.Empty(joiner.Expire(T0.AddSeconds(30)));
        JoinedBatch alone = Assert.Single(joiner.Expire(T0.AddSeconds(30.001)));
        Assert.Equal(JoinOutcome.RequestOnly, alone.Outcome);
        Assert.Same(request, alone.Rows);
        Assert.Equal(T0, alone.ReceivedAt);

        JoinedBatch late = Assert.Single(joiner.Expire(T0.AddSeconds(41)));
        Assert.Equal(JoinOutcome.ResponseOnly, late.Outcome);
        Assert.Same(response, late.Rows);
        Assert.Equal(new JoinerStats(0, 0, 0, 0, 0, 1, 1, 0), joiner.Stats);

        // The key is free again: a late response for "a" is held, not joined.
        Assert.Empty(joiner.Offer(RecordHalf.Response, "a", response, T0.AddSeconds(42)));
    }

    [Fact]
    public void Expire_WithoutArgument_ReadsTheClock()
    {
        var clock = new ManualClock(T0);
        var joiner = new RequestResponseJoiner(new JoinerOptions(TimeSpan.FromSeconds(5)), clock);
        joiner.Offer(RecordHalf.Request, "a", Inputs(1, "x"), T0);

        clock.Now = T0.AddSeconds(5);
        Assert.Empty(joiner.Expire());
        clock.Now = T0.AddSeconds(6);
        Assert.Single(joiner.Expire());
    }

    [Fact]
    public void Offer_DuplicateHalf_ReleasesHeldOneAndHoldsNewOne()
    {
        var joiner = new RequestResponseJoiner();
        RowBatch first = Inputs(1, "x");
        RowBatch second = Inputs(1, "x");
        joiner.Offer(RecordHalf.Request, "k", first, T0);

        JoinedBatch released = Assert.Single(joiner.Offer(RecordHalf.Request, "k", second, T0.AddSeconds(1)));
        Assert.Equal(JoinOutcome.RequestOnly, released.Outcome);
        Assert.Same(first, released.Rows);
        Assert.Equal(1, joiner.Pending);

        JoinedBatch joined = Assert.Single(joiner.Offer(RecordHalf.Response, "k", Outputs(1, "prediction"), T0.AddSeconds(2)));
        Assert.Same(second.Columns[0], joined.Rows.Columns[0]);
        Assert.Equal(T0.AddSeconds(1), joined.ReceivedAt);
        Assert.Equal(1, joiner.Stats.Duplicates);
        Assert.Equal(1, joiner.Stats.Joined);
    }

    [Fact]
    public void Offer_MoreThanMaxPending_EvictsOldest()
    {
        var joiner = new RequestResponseJoiner(new JoinerOptions(maxPending: 2));
        RowBatch oldest = Inputs(1, "x");
        joiner.Offer(RecordHalf.Request, "a", oldest, T0);
        joiner.Offer(RecordHalf.Response, "b", Outputs(1, "p"), T0);

        JoinedBatch evicted = Assert.Single(joiner.Offer(RecordHalf.Request, "c", Inputs(1, "x"), T0));

        Assert.Equal(JoinOutcome.RequestOnly, evicted.Outcome);
        Assert.Same(oldest, evicted.Rows);
        Assert.Equal(2, joiner.Pending);
        Assert.Equal(1, joiner.Stats.Evicted);
        Assert.Equal(["b", "c"], joiner.PendingHalves().Select(h => h.JoinKey));
    }

    [Fact]
    public void Offer_DifferentRowCounts_ReleasesBothHalvesAlone()
    {
        var joiner = new RequestResponseJoiner();
        RowBatch request = Inputs(3, "x");
        RowBatch response = Outputs(2, "prediction");
        joiner.Offer(RecordHalf.Request, "k", request, T0);

        IReadOnlyList<JoinedBatch> released = joiner.Offer(RecordHalf.Response, "k", response, T0.AddSeconds(1));

        Assert.Equal([JoinOutcome.RequestOnly, JoinOutcome.ResponseOnly], released.Select(b => b.Outcome));
        Assert.Same(request, released[0].Rows);
        Assert.Same(response, released[1].Rows);
        Assert.Equal(new JoinerStats(0, 0, 1, 0, 0, 0, 0, 0), joiner.Stats);
    }

    [Fact]
    public void Offer_ResponseColumnNamedLikeRequestColumn_KeepsRequestColumn()
    {
        var joiner = new RequestResponseJoiner();
        RowBatch request = Inputs(2, "x", "id");
        RowBatch response = Outputs(2, "id", "prediction");
        joiner.Offer(RecordHalf.Request, "k", request, T0);

        JoinedBatch joined = Assert.Single(joiner.Offer(RecordHalf.Response, "k", response, T0));

        Assert.Equal(["x", "id", "prediction"], joined.Rows.Columns.Select(c => c.Name));
        Assert.Same(request.Columns[1], joined.Rows.Columns[1]);
        Assert.Equal(1, joiner.Stats.NameCollisions);
    }

    [Theory]
    [InlineData(RecordHalf.Whole, "k")]
    [InlineData(RecordHalf.Whole, null)]
    [InlineData(RecordHalf.Request, null)]
    [InlineData(RecordHalf.Response, null)]
    public void Offer_WholeOrNoKey_PassesThroughUnchanged(RecordHalf half, string? key)
    {
        var joiner = new RequestResponseJoiner();
        RowBatch rows = Inputs(4, "x");

        JoinedBatch batch = Assert.Single(joiner.Offer(half, key, rows, T0));

        Assert.Equal(JoinOutcome.Whole, batch.Outcome);
        Assert.Same(rows, batch.Rows);
        Assert.Equal(T0, batch.ReceivedAt);
        Assert.Equal(0, joiner.Pending);
    }

    [Fact]
    public void PendingHalves_Restore_RoundTripsHeldHalvesInOrder()
    {
        var joiner = new RequestResponseJoiner(new JoinerOptions(TimeSpan.FromSeconds(30)));
        joiner.Offer(RecordHalf.Request, "a", Inputs(1, "x"), T0);
        joiner.Offer(RecordHalf.Response, "b", Outputs(2, "prediction"), T0.AddSeconds(5));
        joiner.Offer(RecordHalf.Request, "c", Inputs(3, "x"), T0.AddSeconds(10));
        IReadOnlyList<PendingHalf> snapshot = joiner.PendingHalves();

        var restored = new RequestResponseJoiner(new JoinerOptions(TimeSpan.FromSeconds(30)));
        restored.Restore(snapshot);

        Assert.Equal(snapshot, restored.PendingHalves());
        Assert.Equal(3, restored.Pending);
        JoinedBatch joined = Assert.Single(restored.Offer(RecordHalf.Request, "b", Inputs(2, "x"), T0.AddSeconds(11)));
        Assert.Equal(JoinOutcome.Joined, joined.Outcome);
        JoinedBatch expired = Assert.Single(restored.Expire(T0.AddSeconds(31)));
        Assert.Equal(1, expired.Rows.RowCount);
        Assert.Equal(["c"], restored.PendingHalves().Select(h => h.JoinKey));
    }

    [Fact]
    public void Restore_IntoBusyJoinerOrWithRepeatedKey_Throws()
    {
        var busy = new RequestResponseJoiner();
        busy.Offer(RecordHalf.Request, "a", Inputs(1, "x"), T0);
        Assert.Throws<InvalidOperationException>(
            () => busy.Restore([new PendingHalf("b", RecordHalf.Request, Inputs(1, "x"), T0)]));

        var empty = new RequestResponseJoiner();
        Assert.Throws<ArgumentException>(() => empty.Restore(
        [
            new PendingHalf("a", RecordHalf.Request, Inputs(1, "x"), T0),
            new PendingHalf("a", RecordHalf.Response, Outputs(1, "p"), T0),
        ]));
        Assert.Throws<ArgumentException>(
            () => empty.Restore([new PendingHalf("a", RecordHalf.Whole, Inputs(1, "x"), T0)]));
        Assert.Equal(0, empty.Pending);
    }

    [Fact]
    public void JoinerOptions_RejectsNonPositiveTimeoutAndCapacity()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), new JoinerOptions().Timeout);
        Assert.Equal(10_000, new JoinerOptions().MaxPending);
        Assert.Throws<ArgumentOutOfRangeException>(() => new JoinerOptions(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JoinerOptions(maxPending: 0));
    }
}
