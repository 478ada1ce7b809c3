// WideModelMetrics: the Prometheus side of one model with 1,000 features. The report is built by the real engine (a
// 1,000-column exact profile of 1,000 rows and a 500-row window, 800 numerical columns compared with Wasserstein, 100
// with KS so they carry p-values, 100 categorical columns with Jensen-Shannon and unseen shares), published once in the
// setup; the benchmarks then measure the scrape (WriteAsync: 5,262 series, 449 KB of text) and the publish itself.
using BenchmarkDotNet.Attributes;
using MlObs.Drift.Data;
using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.Drift.Reports;
using MlObs.Drift.Windows;
using MlObs.DriftMonitor.Metrics;

namespace MlObs.DriftMonitor.Benchmarks;

/// <summary>One model, 1,000 features: scrape and publish.</summary>
[MemoryDiagnoser]
[MedianColumn]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001",
    Justification = "BenchmarkDotNet owns the instance and calls [GlobalCleanup], which disposes the stream.")]
public class WideModelMetrics
{
    private const string Model = "wide-model";
    private static readonly DateTimeOffset EvaluatedAt = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private DriftMetrics _metrics = null!;
    private DriftReport _report = null!;
    private DriftReport _otherReport = null!;
    private MemoryStream _output = null!;

    /// <summary>Features of the model.</summary>
    [Params(1000)]
    public int Features { get; set; }

    /// <summary>Fits the reference, evaluates two windows, publishes the first one.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260301);
        int categorical = Features / 10, tested = Features / 10;
        var columns = Enumerable.Range(0, Features)
            .Select(i => new ColumnSpec("feature_" + i, i < categorical ? ColumnKind.Categorical : ColumnKind.Numerical))
            .ToArray();
        var schema = new TableSchema(columns);
        ReferenceProfile profile = ReferenceProfiles.Fit(schema, Batch(columns, random, 1000, 0, ["a", "b", "c", "d"]));
        var ks = new DriftOptions
        {
            Overrides = columns.Skip(categorical).Take(tested).ToDictionary(c => c.Name, _ => new ColumnOverride("ks")),
            IncludeHistograms = false,
        };
        _report = Evaluate(profile, Batch(columns, random, 500, 0.2, ["a", "b", "c", "e"]), ks);
        _otherReport = Evaluate(profile, Batch(columns, random, 500, 0.5, ["a", "b", "e", "f"]), ks);
        _metrics = new DriftMetrics(["/v1/models/{model}/records"]);
        _metrics.ReferenceLoaded(Model, profile.Fingerprint, profile.Rows, [.. columns.Select(c => c.Name)]);
        _metrics.RecordsIngested(Model, 500);
        _metrics.WindowRecords(Model, 500);
        _metrics.Published(Model, _report, EvaluatedAt, TimeSpan.FromMilliseconds(80));
        _output = new MemoryStream(1 << 20);
    }

    /// <summary>One scrape: every series written in the text format to a reused memory stream.</summary>
    /// <returns>The bytes written.</returns>
    [Benchmark(Baseline = true)]
    public async Task<long> Scrape()
    {
        _output.SetLength(0);
        await _metrics.WriteAsync(_output, CancellationToken.None);
        return _output.Length;
    }

    /// <summary>One publish of a 1,000-column report over the series of the previous one (same methods, new values).</summary>
    [Benchmark]
    public void Publish()
    {
        _metrics.Published(Model, _otherReport, EvaluatedAt, TimeSpan.FromMilliseconds(80));
        (_report, _otherReport) = (_otherReport, _report);
    }

    /// <summary>Frees the output buffer.</summary>
    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    private static DriftReport Evaluate(ReferenceProfile profile, RowBatch batch, DriftOptions options)
    {
        var window = new WindowState(profile);
        window.Add(batch);
        return DriftEvaluator.Evaluate(window, options);
    }

    private static RowBatch Batch(ColumnSpec[] columns, Random random, int rows, double shift, string[] labels) =>
        new(rows, [.. columns.Select(c => c.Kind == ColumnKind.Categorical
            ? (ColumnValues)new CategoryValues(c.Name, Enumerable.Range(0, rows).Select(_ => (string?)labels[random.Next(labels.Length)]).ToArray())
            : new NumericValues(c.Name, Enumerable.Range(0, rows).Select(_ => random.NextDouble() + shift * random.NextDouble()).ToArray()))]);
}
