using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;

namespace MlObs.Drift.Tests.Engine;

/// <summary>Builds in-memory columns, profiles and windows for the engine tests.</summary>
internal static class EngineData
{
    public static readonly double[] X =
    [
        0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31,
        1.05, -0.52, -0.73, -0.44, -0.46, 0.46, 0.96, 1.27, 0.62, 0.13,
    ];

    public static readonly double[] Y =
    [
        1.92, 0.29, 1.55, 2.68, 0.66, 1.23, 1.18, 0.47, 1.31, 2.05, 2.62, 0.61, -0.09, 1.76, 0.89, 1.51, 1.57, 0.56, 2.07, 1.18,
        1.87, 0.82, 0.30, 1.68, 2.20,
    ];

    public static NumericValues Num(string name, params double[] values) => new(name, values);

    public static CategoryValues Cat(string name, params string?[] values) => new(name, values);

    public static string?[] Repeat(params (string? Label, int Count)[] runs) =>
        [.. runs.SelectMany(r => Enumerable.Repeat(r.Label, r.Count))];

    public static RowBatch Batch(params ColumnValues[] columns) => new(columns.Length == 0 ? 0 : columns[0].Length, columns);

    public static TableSchema Schema(params (string Name, ColumnKind Kind)[] columns) =>
        new([.. columns.Select(c => new ColumnSpec(c.Name, c.Kind))]);

    public static ReferenceProfile Fit(TableSchema schema, RowBatch reference, ProfileOptions? options = null) =>
        ReferenceProfiles.Fit(schema, reference, options);

    public static WindowState Window(ReferenceProfile profile, params RowBatch[] batches)
    {
        var window = new WindowState(profile);
        foreach (RowBatch b in batches)
            window.Add(b);
        return window;
    }

    public static DriftReport Compare(
        TableSchema schema, RowBatch reference, RowBatch current, DriftOptions? options = null, ProfileOptions? profileOptions = null) =>
        DriftEvaluator.Evaluate(Window(Fit(schema, reference, profileOptions), current), options);

    public static DriftOptions With(DriftPreset preset, string column, string method, double? threshold = null) => new()
    {
        Preset = preset,
        Overrides = new Dictionary<string, ColumnOverride> { [column] = new(method, threshold) },
    };

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
}
