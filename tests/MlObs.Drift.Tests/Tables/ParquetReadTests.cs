using MlObs.Drift.Data;
using MlObs.Drift.Tables;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace MlObs.Drift.Tests.Tables;

/// <summary>Parquet files written here with Parquet.Net, then inferred and read.</summary>
public sealed class ParquetReadTests : IDisposable
{
    private static readonly DateTime T0 = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly DataField<double?> Score = new("score");
    private static readonly DataField<int> Grade = new("grade");
    private static readonly DataField<long?> Count = new("count");
    private static readonly DataField<bool?> Member = new("member");
    private static readonly DataField<string> City = new("city");
    private static readonly DataField<string> Day = new("day");
    private static readonly DateTimeDataField Seen = new("seen", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    private static readonly DataField<float?> Ratio = new("ratio");
    private static readonly DecimalDataField Price = new("price", 10, 2, isNullable: true);

    /// <summary>Two row groups of 3 and 2 rows.</summary>
    private async Task<string> WriteSampleAsync(string name = "sample.parquet")
    {
        string path = _files.PathOf(name);
        var schema = new ParquetSchema(Score, Grade, Count, Member, City, Day, Seen, Ratio, Price);
        await using (FileStream file = File.Create(path))
        {
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, file);
            using (ParquetRowGroupWriter group = writer.CreateRowGroup())
            {
                await group.WriteAsync<double>(Score, new double?[] { 1.5, null, double.NaN });
                await group.WriteAsync<int>(Grade, new[] { 1, 2, 3 });
                await group.WriteAsync<long>(Count, new long?[] { 10, null, 12 });
                await group.WriteAsync<bool>(Member, new bool?[] { true, null, false });
                await group.WriteAsync(City, new[] { "Paris", null, " Lyon " });
                await group.WriteAsync(Day, new[] { "2024-01-01", "2024-01-02T00:00:00Z", null });
                await group.WriteAsync<DateTime>(Seen, new DateTime?[] { T0, null, DateTime.UnixEpoch.AddTicks(15) });
                await group.WriteAsync<float>(Ratio, new float?[] { 0.5f, 1, null });
                await group.WriteAsync<decimal>(Price, new decimal?[] { 1.25m, 2, null });
            }
            using (ParquetRowGroupWriter group = writer.CreateRowGroup())
            {
                await group.WriteAsync<double>(Score, new double?[] { 4, 5.25 });
                await group.WriteAsync<int>(Grade, new[] { 3, 1 });
                await group.WriteAsync<long>(Count, new long?[] { 13, 14 });
                await group.WriteAsync<bool>(Member, new bool?[] { true, true });
                await group.WriteAsync(City, new[] { "Paris", "NA" });
                await group.WriteAsync(Day, new[] { "2024-01-03", "2024-01-04" });
                await group.WriteAsync<DateTime>(Seen, new DateTime?[] { T0.AddSeconds(1.5), T0 });
                await group.WriteAsync<float>(Ratio, new float?[] { 2, 3 });
                await group.WriteAsync<decimal>(Price, new decimal?[] { 3, 4 });
            }
        }
        return path;
    }

    [Fact]
    public async Task Infer_UsesThePhysicalAndLogicalTypes()
    {
        string path = await WriteSampleAsync();
        Assert.Equal(TableFormat.Parquet, TableFile.DetectFormat(path));
        Assert.Equal(["score", "grade", "count", "member", "city", "day", "seen", "ratio", "price"], TableFile.ReadHeader(path));
        TableSchema schema = TableFile.InferSchema(path);
        Assert.Equal(
            [
                new ColumnSpec("score", ColumnKind.Numerical),
                new ColumnSpec("grade", ColumnKind.Categorical),   // integers, 3 distinct
                new ColumnSpec("count", ColumnKind.Categorical),   // integers, 4 distinct
                new ColumnSpec("member", ColumnKind.Boolean),
                new ColumnSpec("city", ColumnKind.Categorical),
                new ColumnSpec("day", ColumnKind.Datetime),        // strings follow the text rules
                new ColumnSpec("seen", ColumnKind.Datetime),
                new ColumnSpec("ratio", ColumnKind.Numerical),
                new ColumnSpec("price", ColumnKind.Numerical),     // decimals are always numerical
            ],
            schema.Columns);
    }

    [Fact]
    public async Task Read_ConvertsEveryTypeToItsKind_AndNullsAreMissing()
    {
        string path = await WriteSampleAsync();
        TableSchema schema = TableFile.InferSchema(path);
        Dictionary<string, ColumnValues> values = Batches.ReadAll(path, schema);
        double[] score = values.Numbers("score");
        Assert.Equal(1.5, score[0]);
        Assert.True(double.IsNaN(score[1]) && double.IsNaN(score[2]));
        Assert.Equal([4, 5.25], score[3..]);
        Check.Labels(["1", "2", "3", "3", "1"], values.Labels("grade"));
        Check.Labels(["10", null, "12", "13", "14"], values.Labels("count"));
        Check.Labels(["true", null, "false", "true", "true"], values.Labels("member"));
        Check.Labels(["Paris", null, "Lyon", "Paris", null], values.Labels("city"));
        double[] day = values.Numbers("day");
        Assert.Equal(1_704_067_200, day[0]);
        Assert.Equal(1_704_153_600, day[1]);
        Assert.True(double.IsNaN(day[2]));
        double[] seen = values.Numbers("seen");
        Assert.Equal(1_704_164_645, seen[0]);
        Assert.True(double.IsNaN(seen[1]));
        Assert.Equal(0.000001, seen[2]);   // 1.5 µs stored in microseconds
        Assert.Equal(1_704_164_646.5, seen[3]);
        double[] ratio = values.Numbers("ratio");
        Assert.Equal([0.5, 1], ratio[..2]);
        Assert.True(double.IsNaN(ratio[2]));
        double[] price = values.Numbers("price");
        Assert.Equal([1.25, 2], price[..2]);
        Assert.All(values.Values, c => Assert.Equal(0, c.InvalidCount));
    }

    [Fact]
    public async Task Batches_NeverSpanRowGroups_AndRunOnAcrossThem()
    {
        string path = await WriteSampleAsync();
        var schema = new TableSchema([new ColumnSpec("score", ColumnKind.Numerical), new ColumnSpec("grade", ColumnKind.Numerical)]);
        List<RowBatch> batches = [.. TableFile.Read(path, schema, new TableReadOptions { BatchRows = 2 })];
        Assert.Equal([2, 1, 2], batches.Select(b => b.RowCount));
        Assert.Equal([1, 2, 3, 3, 1], batches.SelectMany(b => ((NumericValues)b.Columns[1]).Values.ToArray()));
    }

    [Fact]
    public async Task AReferenceSchema_FromCsv_ReadsAParquetCurrent()
    {
        string parquet = await WriteSampleAsync();
        // The reference says: grade numerical, member categorical, city boolean, seen categorical, day datetime, ratio
        // boolean; the Parquet types convert where they can and count as invalid where they cannot.
        string csv = _files.Text("ref.csv", "grade,member,city,seen,day,ratio,gone\n1.5,a,true,x,2024-01-01,true,1\n");
        TableSchema schema = TableFile.InferSchema(csv, new TableReadOptions
        {
            KindOverrides = new Dictionary<string, ColumnKind> { ["member"] = ColumnKind.Categorical, ["seen"] = ColumnKind.Categorical },
        });
        Assert.Equal([ColumnKind.Numerical, ColumnKind.Categorical, ColumnKind.Boolean, ColumnKind.Categorical, ColumnKind.Datetime, ColumnKind.Boolean, ColumnKind.Categorical], schema.Columns.Select(c => c.Kind));
        Dictionary<string, ColumnValues> values = Batches.ReadAll(parquet, schema);
        Assert.False(values.ContainsKey("gone"));
        Assert.Equal([1, 2, 3, 3, 1], values.Numbers("grade"));
        Check.Labels(["true", null, "false", "true", "true"], values.Labels("member"));
        Check.Labels([null, null, null, null, null], values.Labels("city"));
        Assert.Equal(3, values["city"].InvalidCount);   // "Paris", "Lyon", "Paris" are not booleans; "NA" is missing
        Assert.Equal("2024-01-02T03:04:05Z", values.Labels("seen")[0]);
        Assert.Equal(4, values["ratio"].InvalidCount);   // numbers are not booleans

        // Numbers are not instants either.
        var asInstants = new TableSchema([new ColumnSpec("score", ColumnKind.Datetime)]);
        Assert.Equal(3, Batches.ReadAll(parquet, asInstants)["score"].InvalidCount);
    }

    [Fact]
    public async Task ReuseBuffers_ReadsTheSameValues()
    {
        string path = await WriteSampleAsync();
        TableSchema schema = TableFile.InferSchema(path);
        var seen = new List<double>();
        var cities = new List<string?>();
        foreach (RowBatch batch in TableFile.Read(path, schema, new TableReadOptions { BatchRows = 2, ReuseBuffers = true }))
        {
            seen.AddRange(((NumericValues)batch.Columns[schema.IndexOf("seen")]).Values.ToArray());
            cities.AddRange(((CategoryValues)batch.Columns[schema.IndexOf("city")]).Values.ToArray());
        }
        Assert.Equal(Batches.ReadAll(path, schema).Numbers("seen"), seen);
        Check.Labels(["Paris", null, "Lyon", "Paris", null], [.. cities]);
    }

    [Fact]
    public async Task KindOverrides_ReadIntegersAsNumbers_AndStringsAsCategories()
    {
        string path = await WriteSampleAsync();
        TableSchema schema = TableFile.InferSchema(path, new TableReadOptions
        {
            Columns = new HashSet<string> { "grade", "day" },
            KindOverrides = new Dictionary<string, ColumnKind> { ["grade"] = ColumnKind.Numerical, ["day"] = ColumnKind.Categorical },
        });
        Assert.Equal([new ColumnSpec("grade", ColumnKind.Numerical), new ColumnSpec("day", ColumnKind.Categorical)], schema.Columns);
        Dictionary<string, ColumnValues> values = Batches.ReadAll(path, schema);
        Assert.Equal([1, 2, 3, 3, 1], values.Numbers("grade"));
        Check.Labels(["2024-01-01", "2024-01-02T00:00:00Z", null, "2024-01-03", "2024-01-04"], values.Labels("day"));
    }

    [Fact]
    public async Task ElevenDistinctIntegers_AreNumerical_AndIntegralFloatsFollowTheIntegerRule()
    {
        string path = _files.PathOf("ints.parquet");
        var ints = new DataField<int>("ints");
        var floats = new DataField<double>("floats");
        await using (FileStream file = File.Create(path))
        {
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(ints, floats), file);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync<int>(ints, Enumerable.Range(0, 11).ToArray());
            await group.WriteAsync<double>(floats, Enumerable.Range(0, 11).Select(i => i % 3 + 1.0).ToArray());
        }
        TableSchema schema = TableFile.InferSchema(path);
        Assert.Equal([ColumnKind.Numerical, ColumnKind.Categorical], schema.Columns.Select(c => c.Kind));
        Check.Labels(["1", "2", "3"], Batches.ReadAll(path, schema).Labels("floats")[..3]);
    }

    [Fact]
    public async Task NestedColumns_AreSkipped_WithANote_OrAnErrorWhenNamed()
    {
        string path = _files.PathOf("nested.parquet");
        await using (FileStream file = File.Create(path))
        {
            await ParquetSerializer.SerializeAsync(
                new[] { new Nested { Id = 1.5, Tags = [1, 2] }, new Nested { Id = 2.5, Tags = [] } }, file);
        }
        Assert.Equal(["Id", "Tags"], TableFile.ReadHeader(path));
        var skipped = new List<(string, string)>();
        TableSchema schema = TableFile.InferSchema(path, new TableReadOptions { ColumnSkipped = (c, why) => skipped.Add((c, why)) });
        Assert.Equal([new ColumnSpec("Id", ColumnKind.Numerical)], schema.Columns);
        (string column, string reason) = Assert.Single(skipped);
        Assert.Equal("Tags", column);
        Assert.Contains("nested (list)", reason, StringComparison.Ordinal);
        Assert.Equal([1.5, 2.5], Batches.ReadAll(path, schema).Numbers("Id"));

        var e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path, new TableReadOptions { Columns = new HashSet<string> { "Tags" } }));
        Assert.Equal("Tags", e.Column);
        e = Assert.Throws<TableReadException>(() => TableFile.Read(path, new TableSchema([new ColumnSpec("Tags", ColumnKind.Categorical)])).ToList());
        Assert.Equal("Tags", e.Column);
    }

    [Fact]
    public async Task Progress_EndsWithTheWholeFile()
    {
        string path = await WriteSampleAsync();
        var reports = new List<TableProgress>();
        var progress = new SyncProgress(reports.Add);
        TableSchema schema = TableFile.InferSchema(path, new TableReadOptions { Progress = progress });
        Assert.Equal(new TableProgress(path, new FileInfo(path).Length, new FileInfo(path).Length, 5), reports[^1]);
        reports.Clear();
        _ = TableFile.Read(path, schema, new TableReadOptions { Progress = progress }).ToList();
        Assert.Equal(5, reports[^1].Rows);
    }

    [Fact]
    public void ACorruptParquetFile_IsATableReadException()
    {
        string path = _files.Bytes("bad.parquet", "PAR1 this is not parquet PAR1"u8.ToArray());
        var e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("Parquet", e.Message, StringComparison.Ordinal);
    }

    public sealed class Nested
    {
        public double Id { get; set; }

        public List<int> Tags { get; set; } = [];
    }

    private sealed class SyncProgress(Action<TableProgress> report) : IProgress<TableProgress>
    {
        public void Report(TableProgress value) => report(value);
    }
}
