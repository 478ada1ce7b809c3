using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using static MlObs.Drift.Tests.Engine.EngineData;

namespace MlObs.Drift.Tests.Engine;

/// <summary>
/// The "mlobs" preset's calibrated thresholds: large samples do not alarm on negligible shifts (§7.1), small windows do not
/// alarm on noise (§7.15), and real shifts are still caught. All data is seeded, so the counts are deterministic.
/// </summary>
public sealed class CalibrationTests
{
    private static readonly TableSchema Schema1 = Schema(("x", ColumnKind.Numerical));

    [Fact]
    public void LargeSamples_NegligibleShift_KsFires_ButTheMlobsPresetDoesNot()
    {
        // §7.1 / §8: 1e5 vs 1e5 with a 0.01σ shift gives KS p ≈ 0.006 in scipy.
        double[] reference = Normal(100_000, 0, 1, 21);
        double[] current = [.. Normal(100_000, 0, 1, 22).Select(v => v + 0.02)];
        ReferenceProfile profile = Fit(Schema1, Batch(Num("x", reference)));
        var window = Window(profile, Batch(Num("x", current)));
        ColumnDrift ks = DriftEvaluator.Evaluate(window, With(DriftPreset.Mlobs, "x", "ks")).Columns[0];
        ColumnDrift mlobs = DriftEvaluator.Evaluate(window).Columns[0];
        Assert.True(ks.Drift, $"KS p = {ks.PValue}");
        Assert.False(mlobs.Drift, $"W = {mlobs.Statistic}, threshold {mlobs.Threshold}");
        Assert.Equal("wasserstein", mlobs.Method);
        Assert.Equal(0.1, mlobs.Threshold);
        Assert.Equal("fixed", mlobs.ThresholdSource);
    }

    [Fact]
    public void SmallWindows_OfTheReferenceDistribution_RarelyAlarm_UnlikeAFixedThreshold()
    {
        // §7.15: Evidently flagged drift on 8 current rows of Iris. Windows of 30 rows from the reference distribution:
        double[] reference = Normal(20_000, 5, 2, 31);
        ReferenceProfile profile = Fit(Schema1, Batch(Num("x", reference)));
        int calibratedAlarms = 0, fixedAlarms = 0;
        for (int i = 0; i < 100; i++)
        {
            var window = Window(profile, Batch(Num("x", Normal(30, 5, 2, 1000 + i))));
            ColumnDrift calibrated = DriftEvaluator.Evaluate(window).Columns[0];
            ColumnDrift fixedThreshold = DriftEvaluator.Evaluate(window, With(DriftPreset.Mlobs, "x", "wasserstein", 0.1)).Columns[0];
            Assert.Equal("calibrated", calibrated.ThresholdSource);
            calibratedAlarms += calibrated.Drift ? 1 : 0;
            fixedAlarms += fixedThreshold.Drift ? 1 : 0;
        }
        Assert.True(calibratedAlarms <= 3, $"{calibratedAlarms} false alarms in 100 windows with the calibrated threshold");
        Assert.True(fixedAlarms >= 50, $"{fixedAlarms} false alarms in 100 windows with a fixed 0.1");
    }

    [Fact]
    public void SmallWindows_StillCatchARealShift()
    {
        double[] reference = Normal(20_000, 5, 2, 31);
        ReferenceProfile profile = Fit(Schema1, Batch(Num("x", reference)));
        int caught = 0;
        for (int i = 0; i < 20; i++)
        {
            var window = Window(profile, Batch(Num("x", Normal(30, 5 + 2 * 1.0, 2, 2000 + i))));
            caught += DriftEvaluator.Evaluate(window).Columns[0].Drift ? 1 : 0;
        }
        Assert.True(caught >= 19, $"a 1σ shift was caught in {caught} of 20 windows of 30 rows");
    }

    [Fact]
    public void CalibratedThreshold_ShrinksWithTheWindow_DownToTheFixedOne()
    {
        double[] reference = Normal(50_000, 0, 1, 41);
        ReferenceProfile profile = Fit(Schema1, Batch(Num("x", reference)));
        double last = double.PositiveInfinity;
        foreach (int n in new[] { 20, 50, 100, 20_000 })
        {
            ColumnDrift c = DriftEvaluator.Evaluate(Window(profile, Batch(Num("x", Normal(n, 0, 1, n))))).Columns[0];
            Assert.True(c.Threshold < last || c.Threshold == 0.1, $"n = {n}: {c.Threshold} should be below {last}");
            Assert.True(c.Threshold >= 0.1);
            last = c.Threshold!.Value;
        }
        Assert.Equal(0.1, last);
    }

    [Fact]
    public void Categorical_CalibratedJensenShannon_QuietOnNoise_LoudOnShift()
    {
        TableSchema schema = Schema(("c", ColumnKind.Categorical));
        string?[] Draw(int n, double[] p, int seed)
        {
            var random = new Random(seed);
            return [.. Enumerable.Range(0, n).Select(_ =>
            {
                double u = random.NextDouble();
                int k = 0;
                while (k < p.Length - 1 && u > p[k])
                {
                    u -= p[k];
                    k++;
                }
                return (string?)("k" + k);
            })];
        }
        double[] p = [0.5, 0.3, 0.15, 0.05];
        ReferenceProfile profile = Fit(schema, Batch(Cat("c", Draw(10_000, p, 1))));
        int noise = 0, shift = 0;
        for (int i = 0; i < 40; i++)
        {
            noise += DriftEvaluator.Evaluate(Window(profile, Batch(Cat("c", Draw(50, p, 100 + i))))).Columns[0].Drift ? 1 : 0;
            shift += DriftEvaluator.Evaluate(Window(profile, Batch(Cat("c", Draw(50, [0.2, 0.2, 0.3, 0.3], 200 + i))))).Columns[0].Drift ? 1 : 0;
        }
        Assert.True(noise <= 2, $"{noise} of 40 noise windows alarmed");
        Assert.True(shift >= 36, $"{shift} of 40 shifted windows alarmed");
    }

    [Fact]
    public void TinyReference_KeepsTheFixedThreshold()
    {
        ColumnDrift c = Compare(Schema1, Batch(Num("x", X)), Batch(Num("x", Y))).Columns[0];
        Assert.Equal("fixed", c.ThresholdSource);
        Assert.Equal(0.1, c.Threshold);
    }
}
