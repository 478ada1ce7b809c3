// Hand-made drift reports for the renderer tests: every status, nulls, non-finite numbers, unseen categories, histograms,
// unicode and hostile names. (The engine that produces real ones lives elsewhere.)
using System.Globalization;
using MlObs.Drift.Data;
using MlObs.Drift.Reports;

namespace MlObs.Drift.Tests.Reports;

internal static class SampleReports
{
    public const string ScriptName = "<script>alert(1)</script>";
    public const string HostileCategory = "\"&'<>";

    /// <summary>Eight columns: three drifted, one not, four without a verdict; a missing and a new column.</summary>
    public static DriftReport Mixed()
    {
        ColumnDrift[] columns =
        [
            new("age", ColumnKind.Numerical, "ks", 0.21337, 1.2e-45, 0.05, true, 10_000, 1_985, 0, 0.0075, ColumnStatus.Ok)
            {
                DriftRule = "p_value <= threshold",
                ThresholdSource = "fixed",
                PValueRaw = 3.0e-46,
                Histogram = NumericHistogram([0.02, 0.08, 0.15, 0.25, 0.25, 0.15, 0.07, 0.03], [0.0, 0.01, 0.03, 0.08, 0.17, 0.26, 0.27, 0.18]),
            },
            new("income", ColumnKind.Numerical, "wasserstein", 0.018312, null, 0.1, false, 9_800, 1_990, 0.02, 0.005, ColumnStatus.Ok)
            {
                DriftRule = "statistic >= threshold",
                ThresholdSource = "calibrated",
                ErrorBound = 0.0012,
                Histogram = NumericHistogram([0.1, 0.2, 0.3, 0.2, 0.1, 0.1], [0.11, 0.19, 0.29, 0.21, 0.1, 0.1]),
            },
            new("city", ColumnKind.Categorical, "psi", double.PositiveInfinity, null, 0.1, true, 10_000, 2_000, 0, 0, ColumnStatus.Ok)
            {
                Message = "the window has categories the reference never saw; PSI without zero fill is infinite",
                DriftRule = "statistic >= threshold",
                ThresholdSource = "override",
                Unseen = new UnseenCategories(0.125, 3, [new("Zürich", 180), new("東京", 60), new(HostileCategory, 10)]),
                Histogram = new HistogramPair(
                    ["Berlin", "Paris", "Rome", "Madrid", "(unseen)"],
                    null,
                    [0.4, 0.3, 0.2, 0.1, 0],
                    [0.3, 0.25, 0.2, 0.125, 0.125]),
            },
            new("température_°C", ColumnKind.Numerical, "ks", 0.0123, 0.6123456789, 0.05, false, 10_000, 2_000, 0, 0, ColumnStatus.Ok)
            {
                DriftRule = "p_value <= threshold",
                ThresholdSource = "fixed",
                ConstantCurrent = true,
            },
            new("is_member", ColumnKind.Boolean, null, null, null, null, false, 0, 2_000, 1, 0, ColumnStatus.InsufficientData)
            {
                Message = "the reference has no value",
            },
            new("zip", ColumnKind.Categorical, null, null, null, null, false, 10_000, 0, 0, 1, ColumnStatus.MissingInCurrent)
            {
                Message = "not in the current data",
            },
            new("signup", ColumnKind.Datetime, null, null, null, null, false, 10_000, 0, 0, 1, ColumnStatus.TypeMismatch)
            {
                Message = "no value of the window reads as a date",
                InvalidCurrent = 2_000,
            },
            new("score", ColumnKind.Numerical, "anderson", double.NaN, null, 0.05, false, 10_000, 2_000, 0, 0, ColumnStatus.Error)
            {
                Message = "fewer than two distinct values",
                ConstantReference = true,
                ConstantCurrent = true,
            },
        ];
        var dataset = new DatasetDrift(4, 2, 0.5, 0.5, true, ["zip"], ["new_feature"], 4, "bonferroni");
        return new DriftReport("mlobs", "exact", 10_000, 2_000, dataset, columns);
    }

    /// <summary>One drifted column whose name, categories and message are markup.</summary>
    public static DriftReport Hostile()
    {
        ColumnDrift[] columns =
        [
            new(ScriptName, ColumnKind.Categorical, "chisquare", 512.5, 1e-100, 0.05, true, 100, 100, 0, 0, ColumnStatus.Ok)
            {
                Message = "<b>bold</b> & \"quoted\" 'single'",
                DriftRule = "p_value <= threshold",
                Unseen = new UnseenCategories(0.5, 1, [new(HostileCategory, 50)]),
                Histogram = new HistogramPair([HostileCategory, "<img src=x onerror=alert(2)>", "(unseen)"], null, [0.5, 0.5, 0], [0.25, 0.25, 0.5]),
            },
        ];
        var dataset = new DatasetDrift(1, 1, 1, 0.5, true, ["</style><script>alert(3)</script>"], ["' onmouseover='alert(4)"], 0, "none");
        return new DriftReport("evidently", "streaming", 100, 100, dataset, columns);
    }

    /// <summary>Histograms of awkward shapes: 12 numeric bins, 40 long category labels, one bin, an empty window.</summary>
    public static DriftReport Shapes()
    {
        double[] twelve = [0.01, 0.03, 0.06, 0.1, 0.14, 0.16, 0.16, 0.14, 0.1, 0.06, 0.03, 0.01];
        string[] categories = Enumerable.Range(0, 40).Select(i => $"product_category_{i:D2}_with_a_long_name").ToArray();
        double[] flat = Enumerable.Repeat(1.0 / 40, 40).ToArray();
        double[] skewed = Enumerable.Range(0, 40).Select(i => (40.0 - i) / 820).ToArray();
        ColumnDrift[] columns =
        [
            new("twelve_bins", ColumnKind.Numerical, "psi", 0.0312, null, 0.1, false, 50_000, 5_000, 0, 0, ColumnStatus.Ok)
            {
                Histogram = NumericHistogram(twelve, twelve.Reverse().Select((v, i) => i % 2 == 0 ? v * 0.9 : v * 1.1).ToArray()),
            },
            new("forty_categories", ColumnKind.Categorical, "jensenshannon", 0.2301, null, 0.1, true, 50_000, 5_000, 0, 0, ColumnStatus.Ok)
            {
                Histogram = new HistogramPair(categories, null, flat, skewed),
            },
            new("one_bin", ColumnKind.Boolean, "z", 0, 1, 0.05, false, 50_000, 5_000, 0, 0, ColumnStatus.Ok)
            {
                Histogram = new HistogramPair(["true"], null, [1.0], [1.0]),
            },
            new("empty_window", ColumnKind.Numerical, null, null, null, null, false, 50_000, 0, 0, 1, ColumnStatus.InsufficientData)
            {
                Message = "the window has no value",
                Histogram = NumericHistogram([0.25, 0.25, 0.25, 0.25], [0, 0, 0, 0]),
            },
        ];
        var dataset = new DatasetDrift(3, 1, 1.0 / 3, 0.5, false, [], [], 1, "none");
        return new DriftReport("mlobs", "streaming", 50_000, 5_000, dataset, columns);
    }

    /// <summary>No column at all.</summary>
    public static DriftReport Empty() =>
        new("mlobs", "exact", 0, 0, new DatasetDrift(0, 0, 0, 0.5, false, [], [], 0, "none"), []);

    /// <summary><paramref name="count"/> numerical columns with <paramref name="bins"/>-bin histograms; every third drifts.</summary>
    public static DriftReport Wide(int count, int bins)
    {
        var columns = new ColumnDrift[count];
        var random = new Random(42);
        for (int i = 0; i < count; i++)
        {
            double[] reference = Normalise(Enumerable.Range(0, bins).Select(b => Math.Exp(-Math.Pow(b - (bins / 2.0), 2) / 8) + 0.01).ToArray());
            double shift = i % 3 == 0 ? 1.5 : 0.1;
            double[] current = Normalise(Enumerable.Range(0, bins)
                .Select(b => Math.Exp(-Math.Pow(b - (bins / 2.0) - shift, 2) / 8) + 0.01 + (random.NextDouble() * 0.01)).ToArray());
            columns[i] = new ColumnDrift(
                $"feature_{i:D4}", ColumnKind.Numerical, "ks", 0.01 + random.NextDouble() * 0.2, random.NextDouble() * (i % 3 == 0 ? 1e-6 : 1),
                0.05, i % 3 == 0, 100_000, 10_000, random.NextDouble() * 0.01, random.NextDouble() * 0.01, ColumnStatus.Ok)
            {
                DriftRule = "p_value <= threshold",
                ThresholdSource = "fixed",
                Histogram = NumericHistogram(reference, current),
            };
        }
        int drifted = columns.Count(c => c.Drift);
        var dataset = new DatasetDrift(count, drifted, (double)drifted / count, 0.5, false, [], [], 0, "benjamini-hochberg");
        return new DriftReport("mlobs", "streaming", 100_000, 10_000, dataset, columns);
    }

    /// <summary>Bins "&lt; e₀", "[e₀, e₁)", …, "≥ eₙ" over edges 0, 1.5, 3, … with the given shares.</summary>
    public static HistogramPair NumericHistogram(double[] reference, double[] current)
    {
        int n = reference.Length;
        double[] edges = Enumerable.Range(0, n - 1).Select(i => i * 1.5).ToArray();
        string[] labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i == 0 ? string.Create(CultureInfo.InvariantCulture, $"< {edges[0]}")
                : i == n - 1 ? string.Create(CultureInfo.InvariantCulture, $"≥ {edges[n - 2]}")
                : string.Create(CultureInfo.InvariantCulture, $"[{edges[i - 1]}, {edges[i]})");
        }
        return new HistogramPair(labels, edges, reference, current);
    }

    private static double[] Normalise(double[] values)
    {
        double sum = values.Sum();
        return values.Select(v => v / sum).ToArray();
    }
}
