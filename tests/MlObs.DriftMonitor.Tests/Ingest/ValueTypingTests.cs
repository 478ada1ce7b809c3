using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

/// <summary>The typing rule, through <see cref="InferencePayloads.DecodeRows"/> on a schema with one column of each kind.</summary>
public sealed class ValueTypingTests
{
    private const double Epoch = 1_700_000_000; // 2023-11-14T22:13:20Z

    private static RowBatch Rows(string json) => InferencePayloads.DecodeRows(Utf8(json), Mixed);

    private static double[] Ages(params string[] values) =>
        Numbers(Rows("[" + string.Join(",", values.Select(v => $$"""{"age": {{v}}}""")) + "]"), "age");

    private static double[] Seen(params string[] values) =>
        Numbers(Rows("[" + string.Join(",", values.Select(v => $$"""{"seen": {{v}}}""")) + "]"), "seen");

    private static List<string?> Cities(params string[] values) =>
        Labels(Rows("[" + string.Join(",", values.Select(v => $$"""{"city": {{v}}}""")) + "]"), "city");

    private static List<string?> Members(params string[] values) =>
        Labels(Rows("[" + string.Join(",", values.Select(v => $$"""{"member": {{v}}}""")) + "]"), "member");

    [Fact]
    public void Numerical_AcceptsNumbersNumericStringsBooleansAndNull() =>
        Assert.Equal([42, -3.5, 1000, 2.5, 1, 0, double.NaN, double.PositiveInfinity],
            Ages("42", "-3.5e0", "1e3", "\" 2.5\"", "true", "false", "null", "1e400"));

    [Theory]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData("[1]", "[1]")]
    [InlineData("{\"v\": 1}", "{\"v\": 1}")]
    public void Numerical_RefusesOtherValues(string value, string shown) =>
        Refused(RejectionReasons.WrongType, () => Ages("1", "2", "3", value), $"Feature 'age' is numerical but row 3 has {shown}.");

    [Fact]
    public void Datetime_AcceptsEpochSecondsAndIsoStrings_AssumingUtc() =>
        Assert.Equal([Epoch, Epoch, Epoch, Epoch, Epoch + 0.25, 1_699_920_000, double.NaN],
            Seen("1700000000", "\"2023-11-14T22:13:20Z\"", "\"2023-11-14T22:13:20\"", "\"2023-11-14T23:13:20+01:00\"",
                "\"2023-11-14T22:13:20.25Z\"", "\"2023-11-14\"", "null"));

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"11/14/2023\"")]
    [InlineData("\"2023-13-01\"")]
    [InlineData("true")]
    [InlineData("[1700000000]")]
    public void Datetime_RefusesOtherValues(string value) =>
        Refused(RejectionReasons.WrongType, () => Seen(value), "Feature 'seen' is datetime but row 0 has");

    [Fact]
    public void Categorical_KeepsStrings_NumbersAsTheirExactText_BooleansAsWords() =>
        Assert.Equal(["Paris", "café", "1", "2.50", "1e3", "-0", "true", "false", null],
            Cities("\"Paris\"", "\"caf\\u00e9\"", "1", "2.50", "1e3", "-0", "true", "false", "null"));

    [Fact]
    public void Categorical_RefusesArraysAndObjects()
    {
        Refused(RejectionReasons.WrongType, () => Cities("[\"a\"]"), "Feature 'city' is categorical but row 0 has [\"a\"].");
        Refused(RejectionReasons.WrongType, () => Cities("\"a\"", "{}"), "Feature 'city' is categorical but row 1 has {}.");
    }

    [Fact]
    public void Boolean_AcceptsBooleansTheirWordsInAnyCaseAndZeroOrOne() =>
        Assert.Equal(["true", "false", "true", "false", "true", "false", "true", null],
            Members("true", "false", "\"TRUE\"", "\"False\"", "1", "0", "1.0", "null"));

    [Theory]
    [InlineData("2")]
    [InlineData("\"yes\"")]
    [InlineData("\"1\"")]
    [InlineData("[]")]
    public void Boolean_RefusesOtherValues(string value) =>
        Refused(RejectionReasons.WrongType, () => Members(value), "Feature 'member' is boolean but row 0 has");

    [Fact]
    public void NewColumns_KeepTheTextOfAnyValue_AfterTheReferenceColumns()
    {
        RowBatch batch = Rows("""
            [{"zz": 1.50, "city": "a", "extra": [1, {"b": 2}], "age": 3},
             {"extra": "t", "zz": true},
             {"extra": null, "zz": {"k": "v"}}]
            """);
        Assert.Equal(["age", "city", "zz", "extra"], Names(batch));
        Assert.Equal(["1.50", "true", """{"k": "v"}"""], Labels(batch, "zz"));
        Assert.Equal(["""[1, {"b": 2}]""", "t", null], Labels(batch, "extra"));
        Assert.All(batch.Columns, c => Assert.Equal(3, c.Length));
        Assert.All(batch.Columns, c => Assert.Equal(0, c.InvalidCount));
    }

    [Fact]
    public void NewColumns_AreCappedAtOneThousandNames_PerBatch()
    {
        string first = "{\"age\": 1, " + string.Join(", ", Enumerable.Range(0, 1_003).Select(i => $"\"n{i}\": {i}")) + "}";
        string second = "{\"age\": 2, \"later\": \"x\", \"n5\": 55}";
        RowBatch batch = Rows($"[{first}, {second}]");
        Assert.Equal(InferencePayloads.MaxNewColumns, batch.Columns.Count - 1);
        Assert.Equal(1_000, InferencePayloads.MaxNewColumns);
        Assert.Equal("age", batch.Columns[0].Name);
        Assert.Equal("n999", batch.Columns[^1].Name);
        Assert.DoesNotContain(batch.Columns, c => c.Name is "n1000" or "later");
        Assert.Equal(["5", "55"], Labels(batch, "n5"));
        Assert.Equal([1.0, 2.0], Numbers(batch, "age"));
    }

    [Fact]
    public void NewColumnsBeyondTheCap_InTensors_AreDropped()
    {
        string data = "[" + string.Join(", ", Enumerable.Range(0, 1_500)) + "]";
        RowBatch batch = InferencePayloads.DecodeRequest(Utf8($$"""
            {"inputs": [{"name": "wide", "shape": [1, 1500], "datatype": "INT32", "data": {{data}}},
                        {"name": "age", "shape": [1], "datatype": "INT32", "data": [7]}]}
            """), Mixed);
        Assert.Equal(1_001, batch.Columns.Count);
        Assert.Equal([7.0], Numbers(batch, "age"));
        Assert.Equal(["999"], Labels(batch, "wide_999"));
    }
}
