using System.Globalization;
using System.Text;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class JsonRowsTests
{
    private static RowBatch Rows(string body, FeatureSchema? schema = null) => InferencePayloads.DecodeRows(Utf8(body), schema ?? Iris);

    [Fact]
    public void ArrayOfObjects_GivesOneRowEach_InReferenceColumnOrder()
    {
        RowBatch batch = Rows("""[{"petal_width": 0.2, "sepal_length": 5.1}, {"sepal_length": 4.9}, {}]""");
        Assert.Equal(3, batch.RowCount);
        Assert.Equal(["sepal_length", "petal_width"], Names(batch));
        Assert.Equal([5.1, 4.9, double.NaN], Numbers(batch, "sepal_length"));
        Assert.Equal([0.2, double.NaN, double.NaN], Numbers(batch, "petal_width"));
    }

    [Fact]
    public void OneObject_IsOneRow_AndAByteOrderMarkIsSkipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Utf8("""  {"sepal_length": 5.1, "prediction": "setosa"}  """ + "\n")];
        RowBatch batch = InferencePayloads.DecodeRows(body, Iris);
        Assert.Equal(1, batch.RowCount);
        Assert.Equal(["setosa"], Labels(batch, "prediction"));
    }

    [Fact]
    public void JsonLines_SkipBlankLinesAndCarriageReturns()
    {
        RowBatch batch = Rows("{\"sepal_length\": 1}\r\n\r\n   \n{\"sepal_length\": 2}\n{\"sepal_length\": 3}");
        Assert.Equal([1.0, 2.0, 3.0], Numbers(batch, "sepal_length"));
    }

    [Fact]
    public void JsonLines_ErrorsNameTheLineNumber_CountingBlankLines()
    {
        const string Good = "{\"sepal_length\": 1}";
        Refused(RejectionReasons.Malformed, () => Rows($"{Good}\n\n{Good}\n{{\"sepal_length\": 2,}}\n{Good}"), "Line 4 is not valid JSON");
        Refused(RejectionReasons.WrongType, () => Rows($"{Good}\n\n{{\"sepal_length\": \"x\"}}"),
            "Feature 'sepal_length' is numerical but line 3 has \"x\".");
        Refused(RejectionReasons.Malformed, () => Rows($"{Good}\n[1, 2]"), "Line 2 is an array");
        Refused(RejectionReasons.Malformed, () => Rows($"{Good}\n{Good} {Good}"), "Line 2 has more than one JSON value");
    }

    [Fact]
    public void ArrayRows_ErrorsNameTheRowIndex()
    {
        Refused(RejectionReasons.Malformed, () => Rows("""[{"sepal_length": 1}, {}, 3]"""), "Row 2 is a number");
        Refused(RejectionReasons.WrongType, () => Rows("""[{"sepal_length": 1}, {"sepal_width": "wide"}]"""),
            "Feature 'sepal_width' is numerical but row 1 has \"wide\".");
        Refused(RejectionReasons.Malformed, () => Rows("""[{"sepal_length": 1}, {"sepal_length": 2, "sepal_length": 3}]"""),
            "Feature 'sepal_length' is given twice in row 1.");
        Refused(RejectionReasons.Malformed, () => Rows("""[{"sepal_length": 1}"""), "not valid JSON");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    [InlineData("42")]
    [InlineData("\"rows\"")]
    public void BodiesThatAreNotRows_AreMalformed(string body) =>
        Refused(RejectionReasons.Malformed, () => Rows(body), "JSON array of objects");

    [Fact]
    public void EscapedNames_MatchTheirFeatures() =>
        Assert.Equal([5.0], Numbers(Rows("""[{"sepal\u005flength": 5}]"""), "sepal_length"));

    /// <summary>
    /// Many rows with features in shifting orders, some missing, some new: every value lands in its row and column (the
    /// guess of a feature from its position in the previous row must never misplace one).
    /// </summary>
    [Fact]
    public void ManyRows_InShiftingOrders_EveryValueLandsInItsCell()
    {
        string[] names = ["sepal_length", "sepal_width", "petal_length", "petal_width", "prediction", "extra"];
        var random = new Random(20240611);
        const int RowCount = 5_000;
        var expected = new Dictionary<string, string?[]>();
        foreach (string name in names)
            expected[name] = new string?[RowCount];
        var body = new StringBuilder("[");
        for (int r = 0; r < RowCount; r++)
        {
            body.Append(r == 0 ? "{" : ",{");
            string[] order = r % 7 == 0 ? [.. names.OrderBy(_ => random.Next())] : names;
            bool first = true;
            foreach (string name in order)
            {
                if (random.Next(10) == 0)
                    continue;
                string value = name is "prediction" or "extra"
                    ? "c" + random.Next(5).ToString(CultureInfo.InvariantCulture)
                    : (random.Next(1000) / 10.0).ToString("R", CultureInfo.InvariantCulture);
                expected[name][r] = value;
                body.Append(first ? "" : ",").Append('"').Append(name).Append("\":");
                body.Append(name is "prediction" or "extra" ? $"\"{value}\"" : value);
                first = false;
            }
            body.Append('}');
        }
        RowBatch batch = Rows(body.Append(']').ToString());
        Assert.Equal(RowCount, batch.RowCount);
        Assert.Equal(names, Names(batch));
        foreach (string name in names)
        {
            List<string?> actual = name is "prediction" or "extra"
                ? Labels(batch, name)
                : [.. Numbers(batch, name).Select(v => double.IsNaN(v) ? null : v.ToString("R", CultureInfo.InvariantCulture))];
            Assert.Equal(expected[name], actual);
        }
    }
}
