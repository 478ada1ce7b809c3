using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;
using static MlObs.Drift.Tests.Engine.EngineData;

namespace MlObs.Drift.Tests.Engine;

/// <summary>
/// The user complaints of the spec's §7 that apply to an engine: a bad column never fails the run, never yields NaN or an
/// infinite statistic, and is reported with its own status.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly double[] Ref = Normal(2000, 0, 1, 7);
    private static readonly double[] Cur = Normal(500, 0, 1, 8);

    [Fact]
    public void EmptyAndAllMissingColumns_AreInsufficientData_AndTheOtherColumnsAreStillJudged()
    {
        // §7.6: Evidently raises "An empty column … was provided" for the whole report.
        TableSchema schema = Schema(("ok", ColumnKind.Numerical), ("nan_cur", ColumnKind.Numerical), ("nan_ref", ColumnKind.Numerical),
            ("cat_cur", ColumnKind.Categorical));
        DriftReport report = Compare(schema,
            Batch(Num("ok", Ref), Num("nan_cur", Ref), Num("nan_ref", [.. Ref.Select(_ => double.NaN)]),
                Cat("cat_cur", [.. Ref.Select(_ => "a")])),
            Batch(Num("ok", Cur), Num("nan_cur", [.. Cur.Select(_ => double.NaN)]), Num("nan_ref", Cur),
                Cat("cat_cur", [.. Cur.Select(_ => (string?)null)])));
        Assert.Equal(ColumnStatus.Ok, report.Columns[0].Status);
        Assert.All(report.Columns.Skip(1), c =>
        {
            Assert.Equal(ColumnStatus.InsufficientData, c.Status);
            Assert.False(c.Drift);
            Assert.Null(c.Statistic);
            Assert.NotNull(c.Message);
        });
        Assert.Equal(1.0, report.Columns[1].MissingCurrent);
        Assert.Equal(1.0, report.Columns[2].MissingReference);
        Assert.Equal(1, report.Dataset.Columns);
        Assert.Equal(3, report.Dataset.SkippedColumns);
    }

    [Fact]
    public void InfinitiesCountAsMissing()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        double[] cur = [.. Cur];
        cur[0] = double.PositiveInfinity;
        cur[1] = double.NegativeInfinity;
        cur[2] = double.NaN;
        ColumnDrift c = Compare(schema, Batch(Num("x", Ref)), Batch(Num("x", cur))).Columns.Single();
        Assert.Equal(Cur.Length - 3, c.NCurrent);
        Assert.Equal(3.0 / Cur.Length, c.MissingCurrent, 12);
    }

    [Fact]
    public void SchemaChanges_AreReportedAtDatasetLevel()
    {
        // §1.5: a column missing from current raises "Cannot find column" in Evidently.
        TableSchema schema = Schema(("a", ColumnKind.Numerical), ("gone", ColumnKind.Numerical));
        DriftReport report = Compare(schema, Batch(Num("a", Ref), Num("gone", Ref)), Batch(Num("a", Cur), Num("extra", Cur)));
        Assert.Equal(["gone"], report.Dataset.MissingColumns);
        Assert.Equal(["extra"], report.Dataset.NewColumns);
        Assert.Equal(ColumnStatus.MissingInCurrent, report.Columns[1].Status);
        Assert.Equal(ColumnStatus.Ok, report.Columns[0].Status);
    }

    [Fact]
    public void UnreadableValues_AreATypeMismatch_NotACrash()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        var current = new NumericValues("x", Cur.Select(_ => double.NaN).ToArray(), invalidCount: Cur.Length);
        ColumnDrift c = Compare(schema, Batch(Num("x", Ref)), Batch(current)).Columns.Single();
        Assert.Equal(ColumnStatus.TypeMismatch, c.Status);
        Assert.Equal(Cur.Length, c.InvalidCurrent);
    }

    [Theory]
    [InlineData(DriftPreset.Mlobs, null)]
    [InlineData(DriftPreset.Evidently, null)]
    [InlineData(DriftPreset.Mlobs, "chisquare")]
    [InlineData(DriftPreset.Mlobs, "psi")]
    [InlineData(DriftPreset.Mlobs, "kl_div")]
    [InlineData(DriftPreset.Mlobs, "hellinger")]
    [InlineData(DriftPreset.Mlobs, "z")]
    public void UnseenCategories_AreASignal_NeverAnInfiniteStatistic(DriftPreset preset, string? method)
    {
        // §7.4: alibi crashed on a category absent from the reference; Evidently's chi² gives inf / p = 0; whylogs inf.
        TableSchema schema = Schema(("c", ColumnKind.Categorical));
        string?[] reference = Repeat(("red", 300), ("blue", 200));
        string?[] current = Repeat(("red", 100), ("blue", 60), ("green", 30), ("violet", 10));
        DriftOptions options = method is null ? new DriftOptions { Preset = preset } : With(preset, "c", method);
        ColumnDrift c = Compare(schema, Batch(Cat("c", reference)), Batch(Cat("c", current)), options).Columns.Single();
        Assert.Equal(ColumnStatus.Ok, c.Status);
        Assert.True(double.IsFinite(c.Statistic!.Value), $"{c.Method}: {c.Statistic}");
        Assert.NotNull(c.Unseen);
        Assert.Equal(0.2, c.Unseen!.Share, 12);
        Assert.Equal(2, c.Unseen.Distinct);
        Assert.Equal(["green", "violet"], c.Unseen.Top.Select(t => t.Value));
        Assert.Contains("(unseen", string.Join(",", c.Histogram!.Labels) + "(unseen", StringComparison.Ordinal);
    }

    [Fact]
    public void EvidentlyChiSquare_WithUnseenCategory_FallsBackToContingency_AndSaysSo()
    {
        TableSchema schema = Schema(("c", ColumnKind.Categorical));
        ColumnDrift c = Compare(schema, Batch(Cat("c", Repeat(("a", 50), ("b", 50), ("c", 50)))),
            Batch(Cat("c", Repeat(("a", 50), ("b", 45), ("c", 50), ("d", 5)))), new DriftOptions { Preset = DriftPreset.Evidently })
            .Columns.Single();
        Assert.Equal("chisquare", c.Method);
        Assert.Contains("contingency", c.Message, StringComparison.Ordinal);
        Assert.InRange(c.PValue!.Value, 0, 1);
        Assert.True(c.PValue > 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ks")]
    [InlineData("chisquare")]
    [InlineData("z")]
    [InlineData("psi")]
    [InlineData("t_test")]
    public void ConstantColumns_NeverGiveNaN(string? method)
    {
        // §7.5: chi²/g-test return NaN for a one-value column and NaN poisons the dataset share.
        TableSchema schema = Schema(("k", ColumnKind.Numerical), ("s", ColumnKind.Categorical));
        double[] constant = [.. Enumerable.Repeat(3.0, 200)];
        DriftOptions options = new()
        {
            Preset = DriftPreset.Evidently,
            Overrides = method is null ? new Dictionary<string, ColumnOverride>() : new() { ["k"] = new(method) },
        };
        DriftReport report = Compare(schema, Batch(Num("k", constant), Cat("s", [.. constant.Select(_ => "x")])),
            Batch(Num("k", constant[..50]), Cat("s", [.. constant[..50].Select(_ => "x")])), options);
        foreach (ColumnDrift c in report.Columns)
        {
            Assert.True(c.Status is ColumnStatus.Ok or ColumnStatus.Error, c.Status);
            if (c.Status == ColumnStatus.Ok)
            {
                Assert.False(double.IsNaN(c.Statistic!.Value), $"{c.Column} {c.Method}");
                Assert.False(c.PValue is { } p && double.IsNaN(p), $"{c.Column} {c.Method}");
                Assert.False(c.Drift, $"{c.Column} {c.Method}");
            }
            Assert.True(c.ConstantReference);
            Assert.True(c.ConstantCurrent);
        }
        Assert.False(double.IsNaN(report.Dataset.DriftShare));
    }

    [Fact]
    public void AFailingMethod_IsThatColumnsError_AndTheRunContinues()
    {
        // Cramér–von Mises needs two values per sample: a one-row window makes it fail for that column.
        TableSchema schema = Schema(("k", ColumnKind.Numerical), ("x", ColumnKind.Numerical));
        DriftReport report = Compare(schema, Batch(Num("k", Ref[..100]), Num("x", Ref[..100])),
            Batch(Num("k", [0.5, double.NaN]), Num("x", Cur[..2])),
            With(DriftPreset.Mlobs, "k", "cramer_von_mises"));
        Assert.Equal(ColumnStatus.Error, report.Columns[0].Status);
        Assert.False(string.IsNullOrEmpty(report.Columns[0].Message));
        Assert.Equal(ColumnStatus.Ok, report.Columns[1].Status);
        Assert.Equal(1, report.Dataset.Columns);
    }

    [Fact]
    public void DatetimeColumns_AreComparedAsEpochSeconds()
    {
        // §7.12: Evidently raises "Cannot calculate drift metric for column … with type Datetime".
        TableSchema schema = Schema(("t", ColumnKind.Datetime));
        double start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        double[] january = [.. Enumerable.Range(0, 744).Select(h => start + h * 3600.0)];
        double[] february = [.. january.Select(t => t + 31 * 86400.0)];
        DriftReport same = Compare(schema, Batch(Num("t", january)), Batch(Num("t", january)));
        DriftReport later = Compare(schema, Batch(Num("t", january)), Batch(Num("t", february)));
        Assert.Equal(ColumnKind.Datetime, later.Columns[0].Kind);
        Assert.False(same.Columns[0].Drift);
        Assert.True(later.Columns[0].Drift);
        Assert.Equal("wasserstein", later.Columns[0].Method);
    }

    [Fact]
    public void BooleanColumns_AreCategoriesFalseAndTrue()
    {
        TableSchema schema = Schema(("b", ColumnKind.Boolean));
        ColumnDrift c = Compare(schema, Batch(Cat("b", Repeat(("false", 900), ("true", 100)))),
            Batch(Cat("b", Repeat(("false", 500), ("true", 500))))).Columns.Single();
        Assert.Equal(ColumnKind.Boolean, c.Kind);
        Assert.True(c.Drift);
    }

    [Fact]
    public void UsageErrors_AreArgumentExceptionsNamingTheColumnOrMethod()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical), ("c", ColumnKind.Categorical));
        WindowState window = Window(Fit(schema, Batch(Num("x", Ref[..10]), Cat("c", Repeat(("a", 10))))),
            Batch(Num("x", Cur[..10]), Cat("c", Repeat(("a", 10)))));
        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() =>
            DriftEvaluator.Evaluate(window, With(DriftPreset.Mlobs, "nope", "ks"))).Message, StringComparison.Ordinal);
        Assert.Contains("'bogus'", Assert.Throws<ArgumentException>(() =>
            DriftEvaluator.Evaluate(window, With(DriftPreset.Mlobs, "x", "bogus"))).Message, StringComparison.Ordinal);
        Assert.Contains("categorical", Assert.Throws<ArgumentException>(() =>
            DriftEvaluator.Evaluate(window, With(DriftPreset.Mlobs, "c", "ks"))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DriftEvaluator.Evaluate(window, With(DriftPreset.Mlobs, "x", "ks", double.NaN)));
    }

    [Fact]
    public void MethodsNeedingValues_InStreamingMode_AreAColumnErrorWithAdvice()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        ColumnDrift c = Compare(schema, Batch(Num("x", Ref)), Batch(Num("x", Cur)), With(DriftPreset.Mlobs, "x", "anderson"),
            new ProfileOptions { Mode = ProfileMode.Streaming }).Columns.Single();
        Assert.Equal(ColumnStatus.Error, c.Status);
        Assert.Contains("exact", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyWindow_IsInsufficientData_AndNoDatasetDrift()
    {
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        DriftReport report = DriftEvaluator.Evaluate(new WindowState(Fit(schema, Batch(Num("x", Ref)))));
        Assert.Equal(ColumnStatus.InsufficientData, report.Columns[0].Status);
        Assert.False(report.Dataset.Drift);
        Assert.Equal(0, report.Dataset.DriftShare);
    }

    [Fact]
    public void Bins_AreFixedByTheReference_AndAnOutlierGoesToTheOverflowBin()
    {
        // §1.3/§7.7: Evidently's Sturges bins over reference ∪ current move with every window; one outlier stretches them all.
        TableSchema schema = Schema(("x", ColumnKind.Numerical));
        ReferenceProfile profile = Fit(schema, Batch(Num("x", Ref)));
        double[] withOutlier = [.. Cur];
        withOutlier[0] = 1e9;
        ColumnDrift plain = DriftEvaluator.Evaluate(Window(profile, Batch(Num("x", Cur))), With(DriftPreset.Mlobs, "x", "psi")).Columns[0];
        ColumnDrift outlier = DriftEvaluator.Evaluate(Window(profile, Batch(Num("x", withOutlier))), With(DriftPreset.Mlobs, "x", "psi")).Columns[0];
        Assert.Equal(plain.Histogram!.Edges, outlier.Histogram!.Edges);
        Assert.Equal(12, plain.Histogram.Labels.Count);
        Assert.Equal(plain.Histogram.Current[^1] + 1.0 / Cur.Length, outlier.Histogram.Current[^1], 12);
        Assert.Equal(0, outlier.Histogram.Reference[^1]);
        Assert.InRange(Math.Abs(outlier.Statistic!.Value - plain.Statistic!.Value), 0, 0.02);
        Assert.False(outlier.Drift);
    }

    [Theory]
    [InlineData(PValueCorrection.Bonferroni)]
    [InlineData(PValueCorrection.BenjaminiHochberg)]
    public void Correction_AdjustsThePValuesOfTestedColumns_AndTheVerdicts(PValueCorrection correction)
    {
        // §7.9: Evidently declined to add any correction.
        TableSchema schema = Schema(("a", ColumnKind.Numerical), ("b", ColumnKind.Numerical), ("c", ColumnKind.Numerical));
        RowBatch reference = Batch(Num("a", Ref[..300]), Num("b", Ref[300..600]), Num("c", Ref[600..900]));
        RowBatch current = Batch(Num("a", [.. Cur[..200].Select(v => v + 0.25)]), Num("b", Cur[200..400]), Num("c", Cur[..200]));
        var tests = new Dictionary<string, ColumnOverride> { ["a"] = new("ks"), ["b"] = new("ks"), ["c"] = new("wasserstein") };
        DriftReport raw = Compare(schema, reference, current, new DriftOptions { Overrides = tests });
        DriftReport adjusted = Compare(schema, reference, current, new DriftOptions { Overrides = tests, Correction = correction });
        double pa = raw.Columns[0].PValue!.Value, pb = raw.Columns[1].PValue!.Value;
        Assert.Equal(pa, adjusted.Columns[0].PValueRaw);
        // Two tested columns (c is a distance): Bonferroni doubles; BH gives the smaller p ×2 and the larger p itself.
        double expectedA = correction == PValueCorrection.Bonferroni ? Math.Min(1, 2 * pa)
            : pa <= pb ? Math.Min(2 * pa, pb) : pa;
        Assert.Equal(expectedA, adjusted.Columns[0].PValue!.Value, 12);
        Assert.True(adjusted.Columns[0].PValue >= pa);
        Assert.Null(adjusted.Columns[2].PValueRaw);
        Assert.Equal(raw.Columns[2].Statistic, adjusted.Columns[2].Statistic);
        Assert.Equal(correction == PValueCorrection.Bonferroni ? "bonferroni" : "benjamini-hochberg", adjusted.Dataset.Correction);
        Assert.Equal(adjusted.Columns[0].PValue <= 0.05, adjusted.Columns[0].Drift);
    }
}
