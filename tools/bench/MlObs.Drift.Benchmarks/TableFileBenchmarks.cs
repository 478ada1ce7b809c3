// TableFileBenchmarks: reading data files with MlObs.Drift.Tables. A CSV of Columns × Rows (8 in 10 columns real numbers
// with 4 decimals, 1 small integers, 1 colour names, as the wide-table case of issue 6) and the same table as Parquet
// (two row groups) are written to the temp folder once; each benchmark is one full pass.
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using MlObs.Drift.Data;
using MlObs.Drift.Tables;
using Parquet;
using Parquet.Schema;

namespace MlObs.Drift.Benchmarks;

/// <summary>Inference and reading passes over a wide CSV and Parquet file.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class TableFileBenchmarks
{
    private string _folder = "";
    private string _csv = "";
    private string _parquet = "";
    private TableSchema _schema = new([]);

    /// <summary>Columns of the table.</summary>
    [Params(1000)]
    public int Columns { get; set; }

    /// <summary>Rows of the table.</summary>
    [Params(20_000)]
    public int Rows { get; set; }

    /// <summary>Writes both files.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mlobs-table-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _csv = Path.Combine(_folder, "wide.csv");
        _parquet = Path.Combine(_folder, "wide.parquet");
        string[] colours = ["red", "green", "blue", "yellow", "cyan", "magenta", "black"];
        var random = new Random(20261127);
        var cells = new string[Rows, Columns];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                cells[r, c] = (c % 10) switch
                {
                    < 8 => (random.NextDouble() * 1000 - 500).ToString("F4", CultureInfo.InvariantCulture),
                    8 => random.Next(5).ToString(CultureInfo.InvariantCulture),
                    _ => colours[random.Next(colours.Length)],
                };
            }
        }
        using (var writer = new StreamWriter(_csv, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(string.Join(',', Enumerable.Range(0, Columns).Select(c => $"c{c}")));
            writer.Write('\n');
            for (int r = 0; r < Rows; r++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    if (c > 0)
                        writer.Write(',');
                    writer.Write(cells[r, c]);
                }
                writer.Write('\n');
            }
        }
        WriteParquet(cells).GetAwaiter().GetResult();
        _schema = TableFile.InferSchema(_csv);
    }

    /// <summary>Deletes the files.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>The inference pass over the CSV.</summary>
    /// <returns>The schema.</returns>
    [Benchmark]
    public TableSchema InferCsv() => TableFile.InferSchema(_csv);

    /// <summary>Reading the CSV, each batch with arrays of its own.</summary>
    /// <returns>The rows read.</returns>
    [Benchmark(Baseline = true)]
    public long ReadCsv() => Drain(_csv, reuse: false);

    /// <summary>Reading the CSV into reused buffers.</summary>
    /// <returns>The rows read.</returns>
    [Benchmark]
    public long ReadCsvReusingBuffers() => Drain(_csv, reuse: true);

    /// <summary>The inference pass over the Parquet file.</summary>
    /// <returns>The schema.</returns>
    [Benchmark]
    public TableSchema InferParquet() => TableFile.InferSchema(_parquet);

    /// <summary>Reading the Parquet file.</summary>
    /// <returns>The rows read.</returns>
    [Benchmark]
    public long ReadParquet() => Drain(_parquet, reuse: false);

    private long Drain(string path, bool reuse)
    {
        long rows = 0;
        foreach (RowBatch batch in TableFile.Read(path, _schema, new TableReadOptions { ReuseBuffers = reuse }))
            rows += batch.RowCount;
        return rows;
    }

    private async Task WriteParquet(string[,] cells)
    {
        var fields = new DataField[Columns];
        for (int c = 0; c < Columns; c++)
        {
            fields[c] = (c % 10) switch
            {
                < 8 => new DataField<double>($"c{c}"),
                8 => new DataField<int>($"c{c}"),
                _ => new DataField<string>($"c{c}"),
            };
        }
        await using FileStream file = File.Create(_parquet);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file);
        int half = Rows / 2;
        foreach ((int start, int count) in new[] { (0, half), (half, Rows - half) })
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            for (int c = 0; c < Columns; c++)
            {
                string[] column = [.. Enumerable.Range(start, count).Select(r => cells[r, c])];
                switch (fields[c])
                {
                    case DataField<double> d:
                        await group.WriteAsync<double>(d, column.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
                        break;
                    case DataField<int> i:
                        await group.WriteAsync<int>(i, column.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray());
                        break;
                    default:
                        await group.WriteAsync(fields[c], column);
                        break;
                }
            }
        }
    }
}
