using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class OpenInferencePayloadTests
{
    private static RowBatch Request(string json, FeatureSchema? schema = null) => InferencePayloads.DecodeRequest(Utf8(json), schema ?? Iris);

    private static RowBatch Response(string json, FeatureSchema? schema = null) => InferencePayloads.DecodeResponse(Utf8(json), schema ?? Iris);

    private static string Tensor(string name, string shape, string datatype, string data) =>
        $$"""{"name": "{{name}}", "shape": {{shape}}, "datatype": "{{datatype}}", "data": {{data}}}""";

    [Fact]
    public void SampleRequest_GivesThePositionalInputs()
    {
        RowBatch batch = Request(V2Request);
        Assert.Equal(2, batch.RowCount);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], Names(batch));
        Assert.Equal([2.8, 3.4], Numbers(batch, "sepal_width"));
    }

    [Fact]
    public void SampleResponse_NamesAnUnknownOutputTensorByItsPosition()
    {
        RowBatch batch = Response(V2Response);
        Assert.Equal(["prediction"], Names(batch));
        Assert.Equal(["1", "2"], Labels(batch, "prediction"));
    }

    [Fact]
    public void OutputTensor_NamedAfterAReferenceColumn_KeepsItsName()
    {
        RowBatch batch = Response($$"""{"outputs": [{{Tensor("proba", "[2, 1]", "FP64", "[[0.25], [0.75]]")}}]}""", SingleInput);
        Assert.Equal([0.25, 0.75], Numbers(batch, "proba"));
    }

    [Fact]
    public void WideOutputTensor_TakesTheOutputNamesWhenTheyFit_ElseTensorSuffixes()
    {
        var twoOutputs = new FeatureSchema(
            new TableSchema([new ColumnSpec("p0", ColumnKind.Numerical), new ColumnSpec("p1", ColumnKind.Numerical)]),
            inputNames: [], outputNames: ["p0", "p1"]);
        string json = $$"""{"outputs": [{{Tensor("probs", "[1, 2]", "FP32", "[0.3, 0.7]")}}]}""";
        Assert.Equal(["p0", "p1"], Names(Response(json, twoOutputs)));
        Assert.Equal(["probs_0", "probs_1"], Names(Response(json, Iris)));
    }

    [Fact]
    public void FlatData_AndStringShapes_AreRowMajor()
    {
        RowBatch batch = Request($$"""{"inputs": [{{Tensor("input-0", "[\"2\", \"4\"]", "FP32", "[6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]")}}]}""");
        Assert.Equal([6.8, 6.0], Numbers(batch, "sepal_length"));
        Assert.Equal([1.4, 1.6], Numbers(batch, "petal_width"));
    }

    [Fact]
    public void SeveralTensors_AreColumnsNamedAfterThem_OrSuffixed()
    {
        RowBatch batch = Request($$"""
            {"inputs": [{{Tensor("features", "[2, 4]", "FP32", "[[1, 2, 3, 4], [5, 6, 7, 8]]")}},
                        {{Tensor("zone", "[2]", "BYTES", "[\"eu\", \"us\"]")}},
                        {{Tensor("pair", "[2, 2]", "INT64", "[[1, 2], [3, 4]]")}}],
             "parameters": {"content_type": "np"} }
            """);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width", "zone", "pair_0", "pair_1"], Names(batch));
        Assert.Equal(["eu", "us"], Labels(batch, "zone"));
        Assert.Equal(["2", "4"], Labels(batch, "pair_1"));
    }

    [Fact]
    public void BoolAndBytesTensors_AreTypedByTheirColumns()
    {
        RowBatch batch = Request($$"""
            {"inputs": [{{Tensor("member", "[3]", "BOOL", "[true, false, null]")}}, {{Tensor("city", "[3, 1]", "BYTES", "[[\"a\"], [\"b\"], [\"c\"]]")}}]}
            """, Mixed);
        Assert.Equal(["city", "member"], Names(batch));
        Assert.Equal(["true", "false", null], Labels(batch, "member"));
        Assert.Equal(["a", "b", "c"], Labels(batch, "city"));
    }

    [Fact]
    public void LoneTensor_OfAnotherWidth_IsRefusedNamingTheInputs() =>
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[1, 3]", "FP32", "[1, 2, 3]")}}]}"""),
            "Tensor 'input-0' has 3 columns (shape [1, 3]) but the model has 4 inputs (sepal_length, sepal_width, petal_length, petal_width).");

    [Fact]
    public void DataThatDoesNotMatchTheShape_IsRefused()
    {
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[2, 4]", "FP32", "[1, 2, 3, 4, 5, 6, 7]")}}]}"""),
            "The data of tensor 'input-0' has 7 values but its shape [2, 4] holds 8.");
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[2, 4]", "FP32", "[1, 2, 3, 4, 5, 6, 7, 8, 9]")}}]}"""),
            "has 9 values but its shape [2, 4] holds 8");
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[2, 4]", "FP32", "[[1, 2, 3, 4], [5, 6, 7]]")}}]}"""),
            "Row 1 of the data of tensor 'input-0' has 3 values but its shape [2, 4] has 4 per row.");
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[3, 4]", "FP32", "[[1, 2, 3, 4], [5, 6, 7, 8]]")}}]}"""),
            "has 2 rows but its shape [3, 4] has 3");
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[2, 4]", "FP32", "[[1, 2, 3, 4], 5, 6, 7, 8]")}}]}"""),
            "not nested as its shape [2, 4]");
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("x", "[2]", "FP32", "[[1], [2]]")}}]}""", SingleInput),
            "not nested as its shape [2]");
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("input-0", "[1, 1000000000]", "FP32", "[1]")}}]}"""),
            "cannot hold the 1000000000 values");
    }

    [Fact]
    public void ShapesOfMoreThanTwoDimensions_AreNotTabular() =>
        Refused(RejectionReasons.WrongShape, () => Request($$"""{"inputs": [{{Tensor("image", "[1, 2, 2]", "UINT8", "[[[1, 2], [3, 4]]]")}}]}"""),
            "Tensor 'image' has shape [1, 2, 2]", "one or two dimensions");

    [Fact]
    public void TensorsWithDifferentRowCounts_AreRefusedNamingBoth() =>
        Refused(RejectionReasons.WrongShape,
            () => Request($$"""{"inputs": [{{Tensor("a", "[2]", "FP32", "[1, 2]")}}, {{Tensor("b", "[3]", "FP32", "[1, 2, 3]")}}]}"""),
            "Tensor 'b' has 3 rows (shape [3]) but tensor 'a' has 2 (shape [2])");

    [Fact]
    public void TwoTensorsGivingOneColumn_AreRefused() =>
        Refused(RejectionReasons.Malformed,
            () => Request($$"""{"inputs": [{{Tensor("a", "[1]", "FP32", "[1]")}}, {{Tensor("a", "[1]", "FP32", "[2]")}}]}"""),
            "Column 'a' comes from both tensor 'a' and tensor 'a'");

    [Fact]
    public void WrongValueInATensor_NamesTheRowAndTheTensor() =>
        Refused(RejectionReasons.WrongType, () => Request($$"""{"inputs": [{{Tensor("input-0", "[2, 4]", "FP32", "[[1, 2, 3, 4], [5, \"six\", 7, 8]]")}}]}"""),
            "Feature 'sepal_width' is numerical but row 1 of tensor 'input-0' has \"six\".");

    [Fact]
    public void IncompleteTensors_AreRefusedNamingTheMissingMember()
    {
        Refused(RejectionReasons.Malformed, () => Request("""{"inputs": [{"name": "a", "shape": [1], "datatype": "FP32"}]}"""),
            "Tensor 'a' has no 'data'");
        Refused(RejectionReasons.Malformed, () => Request("""{"inputs": [{"name": "a", "datatype": "FP32", "data": [1]}]}"""),
            "Tensor 'a' has no 'shape'");
        Refused(RejectionReasons.Malformed, () => Request("""{"inputs": [{"name": "a", "shape": [1], "data": [1]}]}"""),
            "Tensor 'a' has no 'datatype'");
        Refused(RejectionReasons.Malformed, () => Request("""{"inputs": [{"shape": [1], "datatype": "FP32", "data": [1]}]}"""),
            "Tensor 0 of 'inputs' has no 'name'");
        Refused(RejectionReasons.Malformed, () => Request("""{"inputs": [{"name": "a", "shape": [1], "datatype": "COMPLEX64", "data": [1]}]}"""),
            "Tensor 'a' has datatype \"COMPLEX64\"");
        Refused(RejectionReasons.Malformed, () => Request("""{"inputs": [{"name": "a", "shape": [-1], "datatype": "FP32", "data": [1]}]}"""),
            "The shape of tensor 'a' must be an array of non-negative integers");
        Refused(RejectionReasons.Malformed, () => Response("""{"outputs": [{"name": "a", "shape": [1], "datatype": "FP32", "data": 1}]}"""),
            "The data of tensor 'a' must be an array");
        Refused(RejectionReasons.Malformed, () => Response("""{"outputs": [3]}"""), "Tensor 0 of 'outputs' is a number");
    }
}
