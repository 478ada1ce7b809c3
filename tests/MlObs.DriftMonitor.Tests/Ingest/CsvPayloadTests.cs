using System.Text;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class CsvPayloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlobs-ingest-csv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string text)
    {
        string path = Path.Combine(_directory, $"upload-{Guid.NewGuid():N}.csv");
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void ReferenceColumns_AreTypedAndInReferenceOrder_OtherColumnsAreText()
    {
        RowBatch batch = InferencePayloads.DecodeCsv(File("petal_width,zone,sepal_length,prediction\n0.2,eu,5.1,1\n0.3,,4.9,2.0\n"), Iris);
        Assert.Equal(2, batch.RowCount);
        Assert.Equal(["sepal_length", "petal_width", "prediction", "zone"], Names(batch));
        Assert.Equal([5.1, 4.9], Numbers(batch, "sepal_length"));
        Assert.Equal(["eu", null], Labels(batch, "zone"));
        Assert.IsType<CategoryValues>(batch.Columns[2]);
    }

    [Fact]
    public void UnparsableValues_AreMissingAndCountedAsInvalid_AsInEveryTableFile()
    {
        RowBatch batch = InferencePayloads.DecodeCsv(File("sepal_length\n5.1\nabc\n"), Iris);
        Assert.Equal([5.1, double.NaN], Numbers(batch, "sepal_length"));
        Assert.Equal(1, batch.Columns[0].InvalidCount);
    }

    [Fact]
    public void RaggedLine_IsMalformed_NamingTheLine() =>
        Refused(RejectionReasons.Malformed,
            () => InferencePayloads.DecodeCsv(File("sepal_length,sepal_width\n1,2\n3\n5,6\n"), Iris),
            "CSV line 3", "1 fields but the header has 2");

    [Fact]
    public void EmptyFile_AndRepeatedHeader_AreMalformed()
    {
        Refused(RejectionReasons.Malformed, () => InferencePayloads.DecodeCsv(File(""), Iris), "empty");
        Refused(RejectionReasons.Malformed, () => InferencePayloads.DecodeCsv(File("a,b,a\n1,2,3\n"), Iris),
            "CSV line 1, column 'a'", "twice");
    }

    [Fact]
    public void LargeFiles_ComeBackAsOneBatch_AcrossReaderBatches()
    {
        var text = new StringBuilder("sepal_length,zone\n");
        for (int i = 0; i < 70_000; i++)
            text.Append(i).Append(",z").Append(i % 3).Append('\n');
        RowBatch batch = InferencePayloads.DecodeCsv(File(text.ToString()), Iris);
        Assert.Equal(70_000, batch.RowCount);
        double[] values = Numbers(batch, "sepal_length");
        Assert.Equal(69_999, values[^1]);
        Assert.Equal(65_536, values[65_536]);
        Assert.Equal("z0", Labels(batch, "zone")[69_999]);
    }

    [Fact]
    public void NewColumns_AreCappedAtOneThousand()
    {
        string header = "sepal_length," + string.Join(",", Enumerable.Range(0, 1_010).Select(i => $"c{i}"));
        string row = "1," + string.Join(",", Enumerable.Range(0, 1_010).Select(i => "v"));
        RowBatch batch = InferencePayloads.DecodeCsv(File(header + "\n" + row + "\n"), Iris);
        Assert.Equal(1_001, batch.Columns.Count);
        Assert.Equal("c999", batch.Columns[^1].Name);
    }
}
