using MlObs.Drift.Methods;
using MlObs.Drift.Profiles;

namespace MlObs.Drift.Evaluation;

/// <summary>
/// Calibrates the distances of a column on the reference itself: draws two independent samples of the same size from the
/// reference distribution, measures each distance between them, and keeps the mean and σ of the score divided by its sampling
/// scale. At evaluation time the threshold is max(fixed threshold, (mean + k·σ) · scale(n_window, n_reference)).
/// </summary>
internal static class Calibrator
{
    /// <summary>Smallest reference for which calibration runs; smaller ones keep the fixed thresholds.</summary>
    public const int MinimumReference = 50;

    /// <summary>Size of each half of a split (or less when the reference is small).</summary>
    public const int HalfSize = 1000;

    public static IReadOnlyDictionary<string, Calibration> Calibrate(NumericColumnProfile profile, double[] sortedSample, ProfileOptions options)
    {
        var result = new Dictionary<string, Calibration>(StringComparer.Ordinal);
        if (options.CalibrationSplits < 2 || profile.Count < MinimumReference || profile.Grid is null || sortedSample.Length == 0)
            return result;
        int half = (int)Math.Min(HalfSize, profile.Count / 2);
        var random = new Random(Seeds.Stable(options.Seed, profile.Name, 17));
        NumericGrid grid = profile.Grid;
        double std = Math.Max(profile.Std, Distances.MinimumReferenceStd);
        var scores = new Dictionary<DriftMethod, List<double>>();
        foreach (DriftMethod m in Scores.Calibrated)
            scores[m] = new List<double>(options.CalibrationSplits);
        var a = new double[half];
        var b = new double[half];
        var ca = new double[grid.CoarseBinCount];
        var cb = new double[grid.CoarseBinCount];
        for (int split = 0; split < options.CalibrationSplits; split++)
        {
            Draw(sortedSample, a, random);
            Draw(sortedSample, b, random);
            Array.Sort(a);
            Array.Sort(b);
            Array.Clear(ca);
            Array.Clear(cb);
            foreach (double x in a)
                ca[grid.CoarseBinOfFine(grid.FineBin(x))]++;
            foreach (double x in b)
                cb[grid.CoarseBinOfFine(grid.FineBin(x))]++;
            scores[DriftMethods.Wasserstein].Add(Distances.WassersteinSorted(a, b) / std);
            foreach (DriftMethod m in Scores.Calibrated)
            {
                if (Scores.IsBinned(m))
                    scores[m].Add(Scores.Binned(m, ca, cb, 2));
            }
        }
        foreach ((DriftMethod m, List<double> values) in scores)
            result[m.Id] = Summarise(m, values, half, options.CalibrationSplits);
        return result;
    }

    public static IReadOnlyDictionary<string, Calibration> Calibrate(CategoricalColumnProfile profile, ProfileOptions options)
    {
        var result = new Dictionary<string, Calibration>(StringComparer.Ordinal);
        if (options.CalibrationSplits < 2 || profile.Count < MinimumReference)
            return result;
        int half = (int)Math.Min(HalfSize, profile.Count / 2);
        var random = new Random(Seeds.Stable(options.Seed, profile.Name, 29));
        int bins = profile.Categories.Length + 1;
        var cumulative = new double[bins];
        double total = 0;
        for (int i = 0; i < bins; i++)
        {
            total += i < profile.Counts.Length ? profile.Counts[i] : profile.OtherCount;
            cumulative[i] = total;
        }
        var scores = new Dictionary<DriftMethod, List<double>>();
        var ca = new double[bins];
        var cb = new double[bins];
        for (int split = 0; split < options.CalibrationSplits; split++)
        {
            Array.Clear(ca);
            Array.Clear(cb);
            for (int i = 0; i < half; i++)
            {
                ca[Pick(cumulative, total, random)]++;
                cb[Pick(cumulative, total, random)]++;
            }
            foreach (DriftMethod m in Scores.Calibrated)
            {
                if (!Scores.IsBinned(m))
                    continue;
                if (!scores.TryGetValue(m, out List<double>? list))
                    scores[m] = list = [];
                list.Add(Scores.Binned(m, ca, cb, 2));
            }
        }
        foreach ((DriftMethod m, List<double> values) in scores)
            result[m.Id] = Summarise(m, values, half, options.CalibrationSplits);
        return result;
    }

    /// <summary>The calibrated threshold for a window of <paramref name="n"/> values against a reference of <paramref name="reference"/>.</summary>
    public static double Threshold(DriftMethod method, Calibration calibration, double sigma, long n, long reference) =>
        (calibration.Mean + sigma * calibration.Std) * Scores.SamplingScale(method, n, reference);

    private static Calibration Summarise(DriftMethod method, List<double> values, int half, int splits)
    {
        double scale = Scores.SamplingScale(method, half, half);
        double mean = 0;
        foreach (double v in values)
            mean += v / scale;
        mean /= values.Count;
        double var = 0;
        foreach (double v in values)
            var += (v / scale - mean) * (v / scale - mean);
        return new Calibration(mean, Math.Sqrt(var / values.Count), splits, half);
    }

    private static void Draw(double[] sortedSample, double[] into, Random random)
    {
        for (int i = 0; i < into.Length; i++)
            into[i] = sortedSample[random.Next(sortedSample.Length)];
    }

    private static int Pick(double[] cumulative, double total, Random random)
    {
        double u = random.NextDouble() * total;
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }
}
