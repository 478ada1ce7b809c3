// Ingest: the ingest anchor of issue 6 (≥ 30,000,000 values/s per core into window state: fine-bin counters, moments and the
// out-of-range distances), and the memory of one streaming numerical column (goal ≤ 64 KiB, independent of rows).
using BenchmarkDotNet.Attributes;
using MlObs.Drift.Data;
using MlObs.Drift.Profiles;
using MlObs.Drift.Windows;

namespace MlObs.Drift.Benchmarks;

/// <summary>Ingest of 10,000,000 values into one streaming column; values/s = 10⁷ / the mean time.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class Ingest
{
    private ReferenceProfile _profile = null!;
    private RowBatch _batch = null!;

    /// <summary>Values ingested per operation.</summary>
    [Params(10_000_000)]
    public int Values { get; set; }

    /// <summary>Fits a 1,000,000-row streaming reference and prepares a shifted window.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var schema = new TableSchema([new ColumnSpec("x", ColumnKind.Numerical)]);
        _profile = ReferenceProfiles.Fit(schema, new RowBatch(1_000_000, [new NumericValues("x", Data.Normal(random, 1_000_000, 0, 1))]),
            new ProfileOptions { Mode = ProfileMode.Streaming });
        _batch = new RowBatch(Values, [new NumericValues("x", Data.Normal(random, Values, 0.3, 1.4))]);
    }

    /// <summary>Ingests the window into a fresh state.</summary>
    /// <returns>The count, so nothing is optimised away.</returns>
    [Benchmark]
    public long IngestIntoStreamingState()
    {
        var window = new WindowState(_profile);
        window.Add(_batch);
        return window.Columns[0].Count;
    }

    /// <summary>Creates the state of one streaming column: the allocation BenchmarkDotNet reports is its memory.</summary>
    /// <returns>The state's own estimate of its size.</returns>
    [Benchmark]
    public long StreamingColumnMemory() => new WindowState(_profile).EstimatedBytes();
}

/// <summary>Benchmark data.</summary>
internal static class Data
{
    public static double[] Normal(Random random, int n, double mean, double sd)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Box–Muller: enough for benchmark data.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
        return values;
    }
}
