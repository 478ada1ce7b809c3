using System.Globalization;
using System.Text;
using MlObs.Drift.Data;
using MlObs.Drift.Tables;

namespace MlObs.Drift.Tests.Tables;

/// <summary>Reading CSV files: schemas from another file, quoting, encodings, delimiters, errors, batches, progress.</summary>
public sealed class CsvReadTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Current_ReadWithTheReferenceSchema_DropsExtraColumns_OmitsMissingOnes_CountsInvalidValues()
    {
        string reference = _files.Text("ref.csv", "age,city,member,joined,color\n30,Paris,true,2024-01-01,red\n40.5,Lyon,false,2024-01-02,blue\n50,Nice,true,2024-01-03,red\n");
        TableSchema schema = TableFile.InferSchema(reference);
        Assert.Equal(
            [ColumnKind.Numerical, ColumnKind.Categorical, ColumnKind.Boolean, ColumnKind.Datetime, ColumnKind.Categorical],
            schema.Columns.Select(c => c.Kind));

        string current = _files.Text("cur.csv", "joined,extra,age,member,city\n2024-02-01,1,31,yes,Paris\nyesterday,2,abc,false,\n,3,NA,TRUE,Lyon\n");
        Assert.Equal(["joined", "extra", "age", "member", "city"], TableFile.ReadHeader(current));
        RowBatch batch = Assert.Single(TableFile.Read(current, schema));
        Assert.Equal(3, batch.RowCount);
        // Schema order, without 'color' (absent) and 'extra' (not in the schema).
        Assert.Equal(["age", "city", "member", "joined"], batch.Columns.Select(c => c.Name));

        var age = (NumericValues)batch.Columns[0];
        Assert.Equal(31, age.Values.Span[0]);
        Assert.True(double.IsNaN(age.Values.Span[1]));
        Assert.True(double.IsNaN(age.Values.Span[2]));
        Assert.Equal(1, age.InvalidCount);

        var city = (CategoryValues)batch.Columns[1];
        Check.Labels(["Paris", null, "Lyon"], city.Values.ToArray());
        Assert.Equal(0, city.InvalidCount);

        var member = (CategoryValues)batch.Columns[2];
        Check.Labels([null, "false", "true"], member.Values.ToArray());
        Assert.Equal(1, member.InvalidCount);

        var joined = (NumericValues)batch.Columns[3];
        Assert.Equal(1_706_745_600, joined.Values.Span[0]);
        Assert.True(double.IsNaN(joined.Values.Span[1]));
        Assert.True(double.IsNaN(joined.Values.Span[2]));
        Assert.Equal(1, joined.InvalidCount);
    }

    [Fact]
    public void Quoting_FollowsRfc4180()
    {
        string path = _files.Text("q.csv", "name,note,n\n\"Smith, J\",\"said \"\"hi\"\"\",1\n\"multi\nline\",\"\",2\nplain,\" padded \",3\n");
        TableSchema schema = TableFile.InferSchema(path);
        Dictionary<string, ColumnValues> values = Batches.ReadAll(path, schema);
        Check.Labels(["Smith, J", "multi\nline", "plain"], values.Labels("name"));
        Check.Labels(["said \"hi\"", null, "padded"], values.Labels("note"));
        Assert.Equal(3, values.Labels("n").Length);
    }

    [Fact]
    public void AByteOrderMark_IsNotPartOfTheFirstName()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a;b\n1,5;x\n")];
        string path = _files.Bytes("bom.csv", bytes);
        Assert.Equal(["a", "b"], TableFile.ReadHeader(path));
        TableSchema schema = TableFile.InferSchema(path);
        Assert.Equal("a", schema.Columns[0].Name);
        Check.Labels(["1,5"], Batches.ReadAll(path, schema).Labels("a"));
    }

    [Fact]
    public void Utf16WithAByteOrderMark_IsTranscoded()
    {
        string path = _files.Bytes("utf16.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("a;b\n1.5;é\n")]);
        Assert.Equal(["a", "b"], TableFile.ReadHeader(path));
        TableSchema schema = TableFile.InferSchema(path);
        Dictionary<string, ColumnValues> values = Batches.ReadAll(path, schema);
        Assert.Equal([1.5], values.Numbers("a"));
        Check.Labels(["é"], values.Labels("b"));
    }

    [Fact]
    public void CrLfLineEnds_AreRead_AndEmptyLinesSkipped()
    {
        string path = _files.Text("crlf.csv", "a,b\r\n1.5,x\r\n\r\n2.5,y\r\n");
        TableSchema schema = TableFile.InferSchema(path);
        Dictionary<string, ColumnValues> values = Batches.ReadAll(path, schema);
        Assert.Equal([1.5, 2.5], values.Numbers("a"));
        Check.Labels(["x", "y"], values.Labels("b"));
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void TheDelimiter_IsSniffedFromTheHeader(string delimiter)
    {
        string text = string.Join(delimiter, "a", "b", "c") + "\n" + string.Join(delimiter, "1.5", "\"x,y\"", "2") + "\n";
        string path = _files.Text("d.txt", text);
        Assert.Equal(["a", "b", "c"], TableFile.ReadHeader(path));
        TableSchema schema = TableFile.InferSchema(path);
        Check.Labels(["x,y"], Batches.ReadAll(path, schema).Labels("b"));
    }

    [Fact]
    public void Sniffing_IgnoresDelimitersInsideQuotedNames_AndTheOptionWins()
    {
        string path = _files.Text("s.csv", "\"a;b;c\",d\n1,2\n");
        Assert.Equal(["a;b;c", "d"], TableFile.ReadHeader(path));
        Assert.Equal(["a;b;c,d"], TableFile.ReadHeader(path, new TableReadOptions { Delimiter = ';' }));
    }

    [Fact]
    public void ARowWithTooManyFields_IsAnError_NamingFileAndLine()
    {
        string path = _files.Text("bad.csv", "a,b\n1,2\n\"x\ny\",3\n4,5,6\n");
        TableSchema schema = new([new ColumnSpec("a", ColumnKind.Categorical)]);
        var e = Assert.Throws<TableReadException>(() => TableFile.Read(path, schema).ToList());
        Assert.Equal(path, e.Path);
        Assert.Equal(5, e.Line);
        Assert.StartsWith(path + ", line 5: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 fields", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path));
        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void ARowWithTooFewFields_IsAnError()
    {
        string path = _files.Text("short.csv", "a,b\n1,2\n3\n");
        var e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path));
        Assert.Equal(3, e.Line);
        Assert.Contains("1 fields but the header has 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFile_IsAnError_NamingTheFile()
    {
        foreach (string content in new[] { "", "\n\n", "\uFEFF" })
        {
            string path = _files.Text("empty.csv", content);
            var e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path));
            Assert.Equal(path, e.Path);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("empty", e.Message, StringComparison.Ordinal);
            Assert.Throws<TableReadException>(() => TableFile.ReadHeader(path));
        }
    }

    [Fact]
    public void AHeaderWithoutRows_GivesNumericalColumnsAndNoBatch()
    {
        string path = _files.Text("h.csv", "a,b\n");
        TableSchema schema = TableFile.InferSchema(path);
        Assert.All(schema.Columns, c => Assert.Equal(ColumnKind.Numerical, c.Kind));
        Assert.Empty(TableFile.Read(path, schema));
    }

    [Fact]
    public void DuplicateOrEmptyColumnNames_AreErrors()
    {
        string duplicate = _files.Text("dup.csv", "a,b,a\n1,2,3\n");
        var e = Assert.Throws<TableReadException>(() => TableFile.ReadHeader(duplicate));
        Assert.Equal("a", e.Column);
        Assert.Equal(1, e.Line);
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);

        string unnamed = _files.Text("unnamed.csv", ",a\n0,1\n");
        e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(unnamed));
        Assert.Contains("column 1 of the header has no name", e.Message, StringComparison.Ordinal);
        Assert.Contains(unnamed, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_HoldBatchRowsRows_AndTheValuesRunOnAcrossThem()
    {
        var text = new StringBuilder("i,label\n");
        for (int i = 0; i < 10; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i * 1.5},L{i % 3}\n");
        string path = _files.Text("b.csv", text.ToString());
        TableSchema schema = TableFile.InferSchema(path);
        List<RowBatch> batches = [.. TableFile.Read(path, schema, new TableReadOptions { BatchRows = 3 })];
        Assert.Equal([3, 3, 3, 1], batches.Select(b => b.RowCount));
        double[] all = [.. batches.SelectMany(b => ((NumericValues)b.Columns[0]).Values.ToArray())];
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 1.5), all);
        string?[] labels = [.. batches.SelectMany(b => ((CategoryValues)b.Columns[1]).Values.ToArray())];
        Check.Labels([.. Enumerable.Range(0, 10).Select(i => $"L{i % 3}")], labels);
    }

    [Fact]
    public void BatchCells_ShortensTheBatchesOfAWideTable()
    {
        string path = _files.Text("w.csv", "a,b\n1,x\n2,y\n3,z\n4,w\n5,v\n");
        var schema = new TableSchema([new ColumnSpec("a", ColumnKind.Numerical), new ColumnSpec("b", ColumnKind.Categorical)]);
        List<RowBatch> batches = [.. TableFile.Read(path, schema, new TableReadOptions { BatchCells = 4 })];
        Assert.Equal([2, 2, 1], batches.Select(b => b.RowCount));
        batches = [.. TableFile.Read(path, schema, new TableReadOptions { BatchCells = 4, Columns = new HashSet<string> { "a" } })];
        Assert.Equal([4, 1], batches.Select(b => b.RowCount));
        Assert.All(batches, b => Assert.Equal("a", Assert.Single(b.Columns).Name));
    }

    [Fact]
    public void ReuseBuffers_FillsTheSameBuffers_BatchAfterBatch()
    {
        string path = _files.Text("r.csv", "a\n1.5\n2.5\n3.5\n4.5\n5.5\n");
        var schema = new TableSchema([new ColumnSpec("a", ColumnKind.Numerical)]);
        var seen = new List<double>();
        var memories = new List<ReadOnlyMemory<double>>();
        foreach (RowBatch batch in TableFile.Read(path, schema, new TableReadOptions { BatchRows = 2, ReuseBuffers = true }))
        {
            var values = ((NumericValues)batch.Columns[0]).Values;
            seen.AddRange(values.ToArray());
            memories.Add(values);
        }
        Assert.Equal([1.5, 2.5, 3.5, 4.5, 5.5], seen);
        // The first batch's memory now holds the last values written into it.
        Assert.Equal(5.5, memories[0].Span[0]);
    }

    [Fact]
    public void Progress_IsReported_AndEndsWithTheWholeFile()
    {
        string path = _files.Text("p.csv", "a\n1\n2\n3\n");
        var reports = new List<TableProgress>();
        var progress = new SyncProgress(reports.Add);
        TableSchema schema = TableFile.InferSchema(path, new TableReadOptions { Progress = progress });
        TableProgress last = Assert.Single(reports);
        Assert.Equal(new TableProgress(path, new FileInfo(path).Length, new FileInfo(path).Length, 3), last);
        reports.Clear();
        _ = TableFile.Read(path, schema, new TableReadOptions { Progress = progress }).ToList();
        Assert.Equal(3, reports[^1].Rows);
        Assert.Equal(reports[^1].TotalBytes, reports[^1].BytesRead);
    }

    [Fact]
    public void GzippedCsv_IsRead()
    {
        string path = _files.Gzip("g.csv.gz", "a,b\n1.5,x\n2.5,y\n");
        Assert.Equal(TableFormat.Csv, TableFile.DetectFormat(path));
        TableSchema schema = TableFile.InferSchema(path);
        Dictionary<string, ColumnValues> values = Batches.ReadAll(path, schema);
        Assert.Equal([1.5, 2.5], values.Numbers("a"));
    }

    [Fact]
    public void Cancellation_StopsThePass()
    {
        var text = new StringBuilder("a\n");
        for (int i = 0; i < 5000; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i}\n");
        string path = _files.Text("c.csv", text.ToString());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TableFile.InferSchema(path, null, cts.Token));
        var schema = new TableSchema([new ColumnSpec("a", ColumnKind.Numerical)]);
        Assert.ThrowsAny<OperationCanceledException>(() => TableFile.Read(path, schema, null, cts.Token).ToList());
    }

    [Fact]
    public void InvalidOptions_AreRejected()
    {
        string path = _files.Text("o.csv", "a\n1\n");
        Assert.Throws<ArgumentOutOfRangeException>(() => TableFile.InferSchema(path, new TableReadOptions { BatchRows = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TableFile.Read(path, new TableSchema([]), new TableReadOptions { BatchCells = -1 }));
        Assert.Throws<ArgumentNullException>(() => TableFile.Read(path, null!));
    }

    [Theory]
    [InlineData("data.csv", TableFormat.Csv)]
    [InlineData("data.TSV", TableFormat.Csv)]
    [InlineData("data.txt", TableFormat.Csv)]
    [InlineData("data.csv.gz", TableFormat.Csv)]
    [InlineData("data.parquet", TableFormat.Parquet)]
    [InlineData("data.PQ", TableFormat.Parquet)]
    public void DetectFormat_GoesByTheExtension(string name, TableFormat format) =>
        Assert.Equal(format, TableFile.DetectFormat(Path.Combine(_files.Folder, name)));

    [Fact]
    public void DetectFormat_WithoutAKnownExtension_LooksForTheParquetMagic()
    {
        Assert.Equal(TableFormat.Parquet, TableFile.DetectFormat(_files.Bytes("x.bin", "PAR1...."u8.ToArray())));
        Assert.Equal(TableFormat.Csv, TableFile.DetectFormat(_files.Text("y.dat", "a,b\n")));
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (Progress&lt;T&gt; posts).</summary>
    private sealed class SyncProgress(Action<TableProgress> report) : IProgress<TableProgress>
    {
        public void Report(TableProgress value) => report(value);
    }
}
