using MlObs.Drift.Data;
using MlObs.Drift.Profiles;
using MlObs.Drift.Windows;

namespace MlObs.DriftMonitor.Tests.Windows;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A small reference and numbered rows: row i has x = i (every 7th missing and invalid) and c = a/b/c.</summary>
internal static class WindowTestData
{
    /// <summary>Midnight, 1 January 2024, UTC: a multiple of every pane length the tests use.</summary>
    public static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Labels = ["a", "b", "c", "d"];

    public static TableSchema Schema { get; } =
        new([new ColumnSpec("x", ColumnKind.Numerical), new ColumnSpec("c", ColumnKind.Categorical)]);

    public static ReferenceProfile Profile { get; } = Fit(seed: 0);

    /// <summary>A profile of other data: its fingerprint differs from <see cref="Profile"/>'s.</summary>
    public static ReferenceProfile OtherProfile { get; } = Fit(seed: 1);

    private static ReferenceProfile Fit(int seed)
    {
        const int n = 400;
        var random = new Random(seed);
        double[] x = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() * 300)];
        string?[] c = [.. Enumerable.Range(0, n).Select(i => Labels[i % 3])];
        return ReferenceProfiles.Fit(Schema, new RowBatch(n, [new NumericValues("x", x), new CategoryValues("c", c)]));
    }

    /// <summary>Rows <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public static RowBatch Rows(int from, int to)
    {
        int n = to - from;
        var x = new double[n];
        var c = new string?[n];
        int invalid = 0;
        for (int k = 0; k < n; k++)
        {
            int i = from + k;
            bool missing = i % 7 == 3;
            x[k] = missing ? double.NaN : i;
            invalid += missing ? 1 : 0;
            c[k] = i % 11 == 5 ? null : Labels[i % 4];
        }
        return new RowBatch(n, [new NumericValues("x", x, invalid), new CategoryValues("c", c)]);
    }

    /// <summary>A fresh window of rows <paramref name="from"/> to <paramref name="to"/> added in one batch.</summary>
    public static WindowState Expected(int from, int to, bool keepValues = true)
    {
        var state = new WindowState(Profile, keepValues);
        if (to > from)
            state.Add(Rows(from, to));
        return state;
    }

    /// <summary>Asserts that two windows have the same counters (rows, counts, invalid, bins, categories, values).</summary>
    public static void AssertSameCounts(WindowState expected, WindowState actual)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.NewColumns, actual.NewColumns);
        var ex = (NumericWindow)expected.Find("x")!;
        var ax = (NumericWindow)actual.Find("x")!;
        Assert.Equal(ex.Rows, ax.Rows);
        Assert.Equal(ex.Count, ax.Count);
        Assert.Equal(ex.Invalid, ax.Invalid);
        Assert.Equal(ex.FineCounts, ax.FineCounts);
        Assert.Equal(ex.Min, ax.Min);
        Assert.Equal(ex.Max, ax.Max);
        Assert.Equal(ex.Values?.Order(), ax.Values?.Order());
        var ec = (CategoricalWindow)expected.Find("c")!;
        var ac = (CategoricalWindow)actual.Find("c")!;
        Assert.Equal(ec.Rows, ac.Rows);
        Assert.Equal(ec.Count, ac.Count);
        Assert.Equal(ec.KnownCounts, ac.KnownCounts);
        Assert.Equal(ec.Unseen.OrderBy(kv => kv.Key, StringComparer.Ordinal), ac.Unseen.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }
}
