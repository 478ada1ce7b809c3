using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class SeldonPayloadTests
{
    /// <summary>A model of three numerical inputs a, b, c and a numerical output "proba" (no configured output names).</summary>
    private static readonly FeatureSchema Abc = new(new TableSchema(
    [
        new ColumnSpec("a", ColumnKind.Numerical),
        new ColumnSpec("b", ColumnKind.Numerical),
        new ColumnSpec("c", ColumnKind.Numerical),
        new ColumnSpec("proba", ColumnKind.Numerical),
    ]), inputNames: ["a", "b", "c"]);

    private static RowBatch Request(string json, FeatureSchema schema) => InferencePayloads.DecodeRequest(Utf8(json), schema);

    private static RowBatch Response(string json, FeatureSchema schema) => InferencePayloads.DecodeResponse(Utf8(json), schema);

    [Fact]
    public void SampleRequest_TakesTheConfiguredInputNamesWhenTheyFit()
    {
        RowBatch batch = Request(SeldonRequest, Abc);
        Assert.Equal(["a", "b", "c"], Names(batch));
        Assert.Equal([5.0], Numbers(batch, "c"));
    }

    [Fact]
    public void SampleRequest_WithoutFittingNames_GetsPositionalDefaults() =>
        Assert.Equal(["input_0", "input_1", "input_2"], Names(Request(SeldonRequest, Iris)));

    [Fact]
    public void SampleResponse_UsesDataNames_WhenNoOutputNamesAreConfigured()
    {
        RowBatch batch = Response(SeldonResponse, Abc);
        Assert.Equal(["proba"], Names(batch));
        Assert.Equal([0.43782349911420193], Numbers(batch, "proba"));
    }

    [Fact]
    public void SampleResponse_ConfiguredOutputNamesComeFirst() =>
        Assert.Equal(["0.43782349911420193"], Labels(Response(SeldonResponse, Iris), "prediction"));

    [Fact]
    public void DataNames_NameRequestColumns_WhenTheInputNamesDoNotFit()
    {
        RowBatch batch = Request("""{"data": {"names": ["sepal_length", "petal_width"], "ndarray": [[5.1, 0.2], [4.9, 0.3]]}}""", Iris);
        Assert.Equal(["sepal_length", "petal_width"], Names(batch));
        Assert.Equal([0.2, 0.3], Numbers(batch, "petal_width"));
    }

    [Fact]
    public void Tensor_IsRowMajor()
    {
        RowBatch batch = Request("""{"data": {"tensor": {"shape": [2, 3], "values": [1, 2, 3, 4, 5, 6]}}}""", Abc);
        Assert.Equal([1.0, 4.0], Numbers(batch, "a"));
        Assert.Equal([3.0, 6.0], Numbers(batch, "c"));
    }

    [Fact]
    public void JsonData_ObjectsAreNamedRows()
    {
        Assert.Equal([1.0, 3.0], Numbers(Request("""{"jsonData": [{"a": 1, "b": 2}, {"a": 3}]}""", Abc), "a"));
        Assert.Equal([7.0], Numbers(Request("""{"jsonData": {"b": 7}, "meta": {}}""", Abc), "b"));
        Refused(RejectionReasons.WrongType, () => Request("""{"jsonData": [{"a": 1}, {"a": "x"}]}""", Abc),
            "Feature 'a' is numerical but row 1 of jsonData has \"x\".");
    }

    [Theory]
    [InlineData("""{"strData": "hello"}""", "strData")]
    [InlineData("""{"binData": "aGVsbG8="}""", "binData")]
    [InlineData("""{"data": {"tftensor": {"dtype": "DT_FLOAT"}}}""", "data.tftensor")]
    [InlineData("""{"jsonData": "text"}""", "jsonData is a string")]
    public void NonTabularForms_AreRefusedSayingOnlyTabularPayloadsAreMonitored(string json, string form) =>
        Refused(RejectionReasons.Malformed, () => Request(json, Abc), form, "only tabular payloads");

    [Fact]
    public void ShapeErrors_AreRefusedNamingTheRowOrTheNames()
    {
        Refused(RejectionReasons.WrongShape, () => Request("""{"data": {"ndarray": [[1, 2, 3], [1, 2]]}}""", Abc),
            "Row 1 of data.ndarray has 2 values but the rows before it have 3.");
        Refused(RejectionReasons.WrongShape, () => Request("""{"data": {"names": ["x"], "ndarray": [[1, 2]]}}""", Abc),
            "data.names has 1 names (x) but each row has 2 values.");
        Refused(RejectionReasons.WrongShape, () => Request("""{"data": {"tensor": {"shape": [2, 3], "values": [1, 2, 3, 4, 5]}}}""", Abc),
            "The data of data.tensor has 5 values but its shape [2, 3] holds 6.");
        Refused(RejectionReasons.WrongType, () => Request("""{"data": {"ndarray": [[1, 2, "c"]]}}""", Abc),
            "Feature 'c' is numerical but row 0 of data.ndarray has \"c\".");
        Refused(RejectionReasons.Malformed, () => Request("""{"data": {"names": ["a"]}}""", Abc), "neither ndarray nor tensor");
        Refused(RejectionReasons.Malformed, () => Request("""{"data": {"names": [1], "ndarray": [[1]]}}""", Abc), "name 0 is a number");
    }
}
