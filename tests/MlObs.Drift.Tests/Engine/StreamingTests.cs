using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;
using static MlObs.Drift.Tests.Engine.EngineData;

namespace MlObs.Drift.Tests.Engine;

/// <summary>Streaming mode: the grid, its error bounds against the exact statistics, bounded memory and mergeable windows.</summary>
public sealed class StreamingTests
{
    private static readonly ProfileOptions Streaming = new() { Mode = ProfileMode.Streaming };

    [Theory]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(2, 0.3, 1.0)]
    [InlineData(3, 0.0, 1.6)]
    [InlineData(4, -2.0, 0.5)]
    public void GridStatistics_StayWithinTheirStatedBoundsOfTheExactValues(int seed, double shift, double scale)
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        double[] reference = Normal(40_000, 0, 1, seed);
        double[] current = [.. Normal(15_000, 0, 1, seed + 100).Select(v => shift + scale * v)];
        foreach (string method in new[] { "ks", "wasserstein" })
        {
            DriftOptions options = With(DriftPreset.Mlobs, "x", method);
            ColumnDrift exact = Compare(schema, Batch(Num("x", reference)), Batch(Num("x", current)), options).Columns.Single();
            ColumnDrift grid = Compare(schema, Batch(Num("x", reference)), Batch(Num("x", current)), options, Streaming).Columns.Single();
            Assert.Null(exact.ErrorBound);
            double bound = grid.ErrorBound!.Value;
            Assert.True(bound < (method == "ks" ? 0.01 : 0.002), $"{method} bound {bound}");
            Assert.True(Math.Abs(exact.Statistic!.Value - grid.Statistic!.Value) <= bound + 1e-12 * exact.Statistic!.Value,
                $"{method}: exact {exact.Statistic} grid {grid.Statistic} bound {bound}");
            if (method == "ks")
                Assert.True(grid.Statistic <= exact.Statistic + 1e-12, "the grid KS is a lower bound");
        }
    }

    [Fact]
    public void WassersteinTails_OutsideTheReferenceRange_AreExact()
    {
        // Every window value lies above the reference maximum: only the exact tail term contributes.
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        double[] reference = [.. Enumerable.Range(0, 1000).Select(i => i / 1000.0)];
        double[] current = [.. Enumerable.Range(0, 200).Select(i => 5.0 + i / 100.0)];
        DriftOptions options = With(DriftPreset.Mlobs, "x", "wasserstein");
        ColumnDrift exact = Compare(schema, Batch(Num("x", reference)), Batch(Num("x", current)), options).Columns.Single();
        ColumnDrift grid = Compare(schema, Batch(Num("x", reference)), Batch(Num("x", current)), options, Streaming).Columns.Single();
        Assert.Equal(0, grid.ErrorBound);
        Tolerance.AssertClose(exact.Statistic!.Value, grid.Statistic!.Value, 1e-12, "tail-only Wasserstein");
    }

    [Fact]
    public void BinnedMethods_AreTheSameInBothModes()
    {
        // The coarse bins are reference quantiles in both modes; streaming places them from a sample, so use a reference that
        // fits in the sample to make the edges identical.
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        double[] reference = Normal(5000, 0, 1, 11);
        double[] current = Normal(3000, 0.2, 1, 12);
        foreach (string method in new[] { "psi", "jensenshannon", "hellinger", "kl_div" })
        {
            DriftOptions options = With(DriftPreset.Mlobs, "x", method);
            ColumnDrift exact = Compare(schema, Batch(Num("x", reference)), Batch(Num("x", current)), options).Columns.Single();
            ColumnDrift grid = Compare(schema, Batch(Num("x", reference)), Batch(Num("x", current)), options, Streaming).Columns.Single();
            Assert.Equal(exact.Statistic!.Value, grid.Statistic!.Value, 12);
            Assert.Null(grid.ErrorBound);
        }
    }

    [Fact]
    public void StreamingWindowMemory_IsBoundedAndIndependentOfRows()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        ReferenceProfile profile = Fit(schema, Batch(Num("x", Normal(100_000, 0, 1, 3))), Streaming);
        var window = new WindowState(profile);
        window.Add(Batch(Num("x", Normal(10_000, 0, 1, 4))));
        long small = window.EstimatedBytes();
        for (int i = 0; i < 20; i++)
            window.Add(Batch(Num("x", Normal(50_000, 0, 1, 10 + i))));
        Assert.Equal(small, window.EstimatedBytes());
        Assert.True(small <= 64 * 1024, $"{small} bytes");
        Assert.Equal(1_010_000, window.Rows);
    }

    [Theory]
    [InlineData(ProfileMode.Exact)]
    [InlineData(ProfileMode.Streaming)]
    public void MergingTwoWindows_EqualsOneWindowOfBoth(ProfileMode mode)
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical), ("c", ColumnKind.Categorical), ("d", ColumnKind.Numerical));
        RowBatch Make(int n, int seed, double shift) => Batch(
            Num("x", [.. Normal(n, shift, 1, seed)]),
            Cat("c", [.. Enumerable.Range(0, n).Select(i => i % 11 == 0 ? "new" + (i % 3) : "k" + ((i + seed) % 4))]),
            Num("d", [.. Enumerable.Range(0, n).Select(i => (double)((i * seed) % 6))]));
        ReferenceProfile profile = Fit(schema, Make(3000, 1, 0), new ProfileOptions { Mode = mode });
        RowBatch a = Make(700, 2, 0.1), b = Make(900, 3, 0.4);
        WindowState whole = Window(profile, a, b);
        WindowState left = Window(profile, a), right = Window(profile, b);
        left.Merge(right);
        foreach (DriftOptions options in new[]
        {
            new DriftOptions(), new DriftOptions { Preset = DriftPreset.Evidently }, With(DriftPreset.Mlobs, "x", "ks"),
        })
        {
            string expected = DriftReportText(DriftEvaluator.Evaluate(whole, options));
            Assert.Equal(expected, DriftReportText(DriftEvaluator.Evaluate(left, options)));
        }
        Assert.Throws<ArgumentException>(() => left.Merge(Window(Fit(schema, Make(100, 5, 0)), a)));
    }

    [Theory]
    [InlineData(ProfileMode.Exact)]
    [InlineData(ProfileMode.Streaming)]
    public void ProfileJson_RoundTrips_AndGivesTheSameReport(ProfileMode mode)
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical), ("c", ColumnKind.Categorical), ("empty", ColumnKind.Numerical),
            ("t", ColumnKind.Datetime), ("b", ColumnKind.Boolean));
        RowBatch Make(int n, int seed) => Batch(
            Num("x", Normal(n, 0, 1, seed)),
            Cat("c", [.. Enumerable.Range(0, n).Select(i => i % 5 == 0 ? null : "k" + (i % 3))]),
            Num("empty", [.. Enumerable.Repeat(double.NaN, n)]),
            Num("t", [.. Enumerable.Range(0, n).Select(i => 1.7e9 + i * 60.0)]),
            Cat("b", [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? "true" : "false")]));
        ReferenceProfile profile = Fit(schema, Make(2000, 1), new ProfileOptions { Mode = mode });
        using var stream = new MemoryStream();
        ReferenceProfileJson.Write(profile, stream);
        stream.Position = 0;
        ReferenceProfile loaded = ReferenceProfileJson.Read(stream);
        RowBatch current = Make(800, 2);
        Assert.Equal(
            DriftReportText(DriftEvaluator.Evaluate(Window(profile, current))),
            DriftReportText(DriftEvaluator.Evaluate(Window(loaded, current))));
        using var again = new MemoryStream();
        ReferenceProfileJson.Write(loaded, again);
        Assert.Equal(stream.ToArray(), again.ToArray());
    }

    [Fact]
    public void Profiles_AreDeterministic()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical), ("c", ColumnKind.Categorical));
        RowBatch data = Batch(Num("x", Normal(30_000, 0, 1, 9)), Cat("c", [.. Enumerable.Range(0, 30_000).Select(i => "k" + (i % 7))]));
        byte[] Bytes() => Serialize(Fit(schema, data, Streaming));
        Assert.Equal(Bytes(), Bytes());
    }

    [Fact]
    public void ProfileJson_RefusesOtherVersionsAndGarbage()
    {
        Assert.Contains("format version 99", Assert.Throws<InvalidDataException>(() => ReferenceProfileJson.Read(
            new MemoryStream("""{"format":"mlobs-drift-profile","format_version":99}"""u8.ToArray()))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ReferenceProfileJson.Read(new MemoryStream("[1,2]"u8.ToArray())));
        Assert.Throws<InvalidDataException>(() => ReferenceProfileJson.Read(new MemoryStream("{"u8.ToArray())));
    }

    [Fact]
    public void FineBin_AgreesWithABinarySearch_OnAwkwardGrids()
    {
        var random = new Random(5);
        foreach (double[] sample in new[]
        {
            Normal(20_000, 0, 1, 1),
            [.. Normal(20_000, 0, 1, 2).Select(Math.Exp).Select(v => v * v * v)],   // heavy right tail
            [.. Enumerable.Range(0, 20_000).Select(i => i < 19_990 ? 0.0 : i)],     // a spike and a few outliers
        })
        {
            double[] sorted = [.. sample.Order()];
            NumericGrid grid = NumericGrid.FromSortedSample(sorted, sorted[0], sorted[^1], 10, 2048);
            for (int i = 0; i < 50_000; i++)
            {
                double x = i % 2 == 0 ? sample[random.Next(sample.Length)] : sorted[0] + (sorted[^1] - sorted[0]) * (random.NextDouble() * 1.2 - 0.1);
                int expected = grid.Edges.Count(e => e <= x);
                Assert.Equal(expected, grid.FineBin(x));
            }
            foreach (double e in grid.Edges)
            {
                Assert.Equal(grid.Edges.Count(v => v <= e), grid.FineBin(e));
                Assert.Equal(grid.Edges.Count(v => v <= Math.BitDecrement(e)), grid.FineBin(Math.BitDecrement(e)));
            }
        }
    }

    [Theory]
    [InlineData(ProfileMode.Exact)]
    [InlineData(ProfileMode.Streaming)]
    public void WindowJson_RoundTrips_AndGivesTheSameReport(ProfileMode mode)
    {
        ReferenceProfile profile = Fit(MixedSchema, Mixed(2000, 1, 0), new ProfileOptions { Mode = mode });
        WindowState window = Window(profile, Mixed(900, 3, 0.3), Batch(Num("x", [1.0, 2.0]), Num("extra", [1.0, 2.0])));
        using var stream = new MemoryStream();
        WindowStateJson.Write(window, stream);
        stream.Position = 0;
        WindowState loaded = WindowStateJson.Read(stream, profile);
        foreach (DriftOptions options in new[] { new DriftOptions(), new DriftOptions { Preset = DriftPreset.Evidently } })
            Assert.Equal(DriftReportText(DriftEvaluator.Evaluate(window, options)), DriftReportText(DriftEvaluator.Evaluate(loaded, options)));
        Assert.Equal(["extra"], loaded.NewColumns);
        Assert.Equal(window.Rows, loaded.Rows);
        // A loaded window keeps ingesting and merging like the original.
        window.Add(Mixed(100, 9, 1));
        loaded.Add(Mixed(100, 9, 1));
        Assert.Equal(DriftReportText(DriftEvaluator.Evaluate(window)), DriftReportText(DriftEvaluator.Evaluate(loaded)));
    }

    [Theory]
    [InlineData(ProfileMode.Exact)]
    [InlineData(ProfileMode.Streaming)]
    public void CoarseCounts_AfterAddMergeAndJson_AreTheSumsOfTheFineCounts(ProfileMode mode)
    {
        // The binned methods read the coarse counts the window keeps; they must always be the sums of its fine counts, whether
        // they follow each value (short batches) or are added up after a batch of more than four values per fine bin.
        ReferenceProfile profile = Fit(MixedSchema, Mixed(3000, 1, 0), new ProfileOptions { Mode = mode });
        WindowState added = Window(profile, Mixed(800, 2, 0.5), Mixed(9000, 3, -4), Mixed(300, 5, 1));
        Assert.InRange(((NumericWindow)added.Columns[0]).FineCounts.Length * 4, 801, 9000);
        WindowState merged = Window(profile, Mixed(500, 4, 0.2));
        merged.Merge(added);
        using var stream = new MemoryStream();
        WindowStateJson.Write(merged, stream);
        stream.Position = 0;
        WindowState loaded = WindowStateJson.Read(stream, profile);
        foreach (WindowState window in new[] { added, merged, loaded })
        {
            foreach (NumericWindow column in window.Columns.OfType<NumericWindow>())
            {
                double[] sums = column.Profile.Grid is { } grid ? grid.ToCoarse(column.FineCounts) : [];
                Assert.Equal(sums, column.CoarseCounts.Select(n => (double)n));
            }
        }
        Assert.Equal(800 + 9000 + 300 + 500, merged.Columns[0].Count);
        Assert.Equal(DriftReportText(DriftEvaluator.Evaluate(merged, With(DriftPreset.Mlobs, "x", "psi"))),
            DriftReportText(DriftEvaluator.Evaluate(loaded, With(DriftPreset.Mlobs, "x", "psi"))));
    }

    [Fact]
    public void WindowJson_RefusesAnotherProfile_AndFingerprintsAreStable()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        ReferenceProfile a = Fit(schema, Batch(Num("x", Normal(500, 0, 1, 1))));
        ReferenceProfile sameAsA = Fit(schema, Batch(Num("x", Normal(500, 0, 1, 1))));
        ReferenceProfile b = Fit(schema, Batch(Num("x", Normal(500, 0, 1, 2))));
        Assert.Equal(a.Fingerprint, sameAsA.Fingerprint);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Matches("^[0-9a-f]{32}$", a.Fingerprint);
        using var stream = new MemoryStream();
        WindowStateJson.Write(Window(a, Batch(Num("x", [1.0]))), stream);
        stream.Position = 0;
        Assert.Contains("another reference profile", Assert.Throws<InvalidDataException>(() => WindowStateJson.Read(stream, b)).Message,
            StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => WindowStateJson.Read(new MemoryStream("{}"u8.ToArray()), a));
    }

    private static byte[] Serialize(ReferenceProfile profile)
    {
        using var stream = new MemoryStream();
        ReferenceProfileJson.Write(profile, stream);
        return stream.ToArray();
    }

    internal static string DriftReportText(DriftReport report) =>
        string.Join("\n", report.Columns.Select(c => c with { Histogram = null }).Select(c => c.ToString()))
        + "\n" + report.Dataset with { MissingColumns = [], NewColumns = [] }
        + string.Join(",", report.Dataset.MissingColumns) + "|" + string.Join(",", report.Dataset.NewColumns)
        + string.Join("\n", report.Columns.Select(c => c.Histogram is null ? "" :
            string.Join(",", c.Histogram.Labels) + string.Join(",", c.Histogram.Reference) + string.Join(",", c.Histogram.Current)));

    private static readonly TableSchema MixedSchema = Schema(
        ("x", ColumnKind.Numerical), ("c", ColumnKind.Categorical), ("d", ColumnKind.Numerical), ("empty", ColumnKind.Numerical));

    /// <summary>A normal column, a categorical one with missing and new labels, a discrete one and an all-missing one.</summary>
    private static RowBatch Mixed(int n, int seed, double shift) => Batch(
        Num("x", [.. Normal(n, shift, 1, seed)]),
        Cat("c", [.. Enumerable.Range(0, n).Select(i => i % 13 == 0 ? "new" + (i % 4) : i % 17 == 0 ? null : "k" + ((i + seed) % 4))]),
        Num("d", [.. Enumerable.Range(0, n).Select(i => (double)((i * seed) % 7))]),
        Num("empty", [.. Enumerable.Repeat(double.NaN, n)]));
}
