using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;

namespace MlObs.DriftMonitor.Tests.Metrics;

/// <summary>
/// A small reference (numerical x and y, categorical color) fitted by the real engine, and windows evaluated against it.
/// </summary>
internal static class MetricsData
{
    public const string Model = "fraud";

    public static readonly TableSchema Schema = new(
    [
        new ColumnSpec("x", ColumnKind.Numerical),
        new ColumnSpec("y", ColumnKind.Numerical),
        new ColumnSpec("color", ColumnKind.Categorical),
    ]);

    public static readonly string[] Features = ["x", "y", "color"];

    /// <summary>The reference: 300 rows, x and y standard normal, color red/green/blue.</summary>
    public static ReferenceProfile Reference { get; } = ReferenceProfiles.Fit(Schema, Batch(
        new NumericValues("x", Normal(300, 0, 1, 1)),
        new NumericValues("y", Normal(300, 0, 1, 2)),
        new CategoryValues("color", Colors(300, "red", "green", "blue"))));

    /// <summary>
    /// A 100-row window: x shifted by 2σ (drifts), y from the reference distribution with 10 missing values, color with a
    /// quarter of unseen "purple".
    /// </summary>
    public static RowBatch ShiftedWindow()
    {
        double[] y = Normal(100, 0, 1, 4);
        for (int i = 0; i < 10; i++)
            y[i * 10] = double.NaN;
        return Batch(
            new NumericValues("x", Normal(100, 2, 1, 3)),
            new NumericValues("y", y),
            new CategoryValues("color", Colors(100, "red", "green", "blue", "purple")));
    }

    public static DriftReport Evaluate(ReferenceProfile profile, DriftOptions? options, params RowBatch[] batches)
    {
        var window = new WindowState(profile);
        foreach (RowBatch batch in batches)
            window.Add(batch);
        return DriftEvaluator.Evaluate(window, options);
    }

    public static DriftReport Evaluate(params RowBatch[] batches) => Evaluate(Reference, null, batches);

    public static DriftOptions Method(string column, string method) => new()
    {
        Overrides = new Dictionary<string, ColumnOverride> { [column] = new(method) },
    };

    public static RowBatch Batch(params ColumnValues[] columns) => new(columns[0].Length, columns);

    public static string?[] Colors(int n, params string[] labels) => [.. Enumerable.Range(0, n).Select(i => labels[i % labels.Length])];

    public static double[] Normal(int n, double mean, double sd, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return values;
    }

    /// <summary>A column verdict built by hand, for values the engine does not produce on small data.</summary>
    public static ColumnDrift Column(string name, string status, string? method = null, double? statistic = null, double? p = null,
        double? threshold = null, bool drift = false) =>
        new(name, ColumnKind.Numerical, method, statistic, p, threshold, drift, 100, 100, 0, 0.05, status);

    public static DriftReport HandBuilt(params ColumnDrift[] columns)
    {
        int ok = columns.Count(c => c.Status == ColumnStatus.Ok);
        int drifted = columns.Count(c => c.Status == ColumnStatus.Ok && c.Drift);
        double share = ok == 0 ? 0 : (double)drifted / ok;
        return new DriftReport("mlobs", "exact", 300, 100,
            new DatasetDrift(ok, drifted, share, 0.5, ok > 0 && share >= 0.5, [], [], columns.Length - ok, "none"), columns);
    }
}
