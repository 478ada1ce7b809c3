using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class KServeV1PayloadTests
{
    private static RowBatch Request(string json, FeatureSchema? schema = null) => InferencePayloads.DecodeRequest(Utf8(json), schema ?? Iris);

    private static RowBatch Response(string json, FeatureSchema? schema = null) => InferencePayloads.DecodeResponse(Utf8(json), schema ?? Iris);

    [Fact]
    public void SampleRequest_GivesThePositionalInputs()
    {
        RowBatch batch = Request(KServeV1Request);
        Assert.Equal(2, batch.RowCount);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], Names(batch));
        Assert.Equal([6.8, 6.0], Numbers(batch, "sepal_length"));
        Assert.Equal([1.4, 1.6], Numbers(batch, "petal_width"));
    }

    [Fact]
    public void SampleResponse_GivesThePredictionAsItsExactJsonText()
    {
        RowBatch batch = Response(KServeV1Response);
        Assert.Equal(["prediction"], Names(batch));
        Assert.Equal(["1", "1"], Labels(batch, "prediction"));
    }

    [Fact]
    public void InputsMember_WithRows_IsReadLikeInstances() =>
        Assert.Equal([6.8, 6.0], Numbers(Request("""{"inputs": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}"""), "sepal_length"));

    [Fact]
    public void ObjectInstances_AreNamed_MissingFeaturesAreMissing_UnknownOnesAreNewColumnsAtTheEnd()
    {
        RowBatch batch = Request("""
            {"instances": [{"petal_width": 0.2, "zone": "eu", "sepal_length": 5.1},
                           {"sepal_length": 4.9, "petal_width": 0.3}]}
            """);
        Assert.Equal(["sepal_length", "petal_width", "zone"], Names(batch));
        Assert.Equal([5.1, 4.9], Numbers(batch, "sepal_length"));
        Assert.Equal(["eu", null], Labels(batch, "zone"));
    }

    [Fact]
    public void ScalarInstances_OfASingleInputModel_AreOneValuePerRow() =>
        Assert.Equal([1.5, 2.5, double.NaN], Numbers(Request("""{"instances": [1.5, "2.5", null]}""", SingleInput), "x"));

    [Fact]
    public void ScalarInstances_OfAModelWithSeveralInputs_AreRefused() =>
        Refused(RejectionReasons.WrongShape, () => Request("""{"instances": [1.5]}"""),
            "Instance 0 is a single value", "4 inputs (sepal_length, sepal_width, petal_length, petal_width)");

    [Fact]
    public void ArrayInstance_WithTheWrongCount_IsRefusedNamingTheInstance()
    {
        Refused(RejectionReasons.WrongShape, () => Request("""{"instances": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]]}"""),
            "Expected 4 values per instance (sepal_length, sepal_width, petal_length, petal_width), got 3 in instance 2.");
        Refused(RejectionReasons.WrongShape, () => Request("""{"instances": [[1, 2, 3, 4, 5]]}"""), "got 5 in instance 0");
    }

    [Fact]
    public void WrongValueType_IsRefusedNamingFeatureInstanceAndValue()
    {
        Refused(RejectionReasons.WrongType, () => Request("""{"instances": [[1, 2, 3, 4], [1, "abc", 3, 4]]}"""),
            "Feature 'sepal_width' is numerical but instance 1 has \"abc\".");
        Refused(RejectionReasons.WrongType, () => Request("""{"instances": [{"petal_length": [1, 2]}]}"""),
            "Feature 'petal_length' is numerical but instance 0 has [1, 2].");
    }

    [Fact]
    public void ArrayPredictions_ArePositionalOutputs()
    {
        RowBatch batch = Response("""{"predictions": [[0.1, 0.9], [0.8, 0.2]]}""", SingleInput);
        Assert.Equal(["proba", "prediction_1"], Names(batch));
        Assert.Equal([0.1, 0.8], Numbers(batch, "proba"));
        Assert.Equal(["0.9", "0.2"], Labels(batch, "prediction_1"));
    }

    [Fact]
    public void ObjectPredictions_AreNamed() =>
        Assert.Equal([0.7], Numbers(Response("""{"predictions": [{"proba": 0.7}]}""", SingleInput), "proba"));

    [Fact]
    public void Predictions_OfDifferentLengths_AreRefused() =>
        Refused(RejectionReasons.WrongShape, () => Response("""{"predictions": [[1, 2], [1, 2, 3]]}"""),
            "Prediction 1 has 3 values but the predictions before it have 2.");

    [Fact]
    public void NonArrayMembers_AndUnknownBodies_AreMalformed()
    {
        Refused(RejectionReasons.Malformed, () => Request("""{"instances": {"a": 1}}"""), "'instances' must be an array");
        Refused(RejectionReasons.Malformed, () => Response("""{"predictions": 3}"""), "'predictions' must be an array");
        Refused(RejectionReasons.Malformed, () => Request("""{"rows": [], "id": "x"}"""), "expected instances", "found members rows, id");
        Refused(RejectionReasons.Malformed, () => Response("""{"instances": []}"""), "expected predictions", "found members instances");
        Refused(RejectionReasons.Malformed, () => Request("[[1, 2, 3, 4]]"), "an array, expected a JSON object");
        Refused(RejectionReasons.Malformed, () => Request("""{"instances": [[1, 2,"""), "not valid JSON");
        Refused(RejectionReasons.Malformed, () => Request("""{"instances": []} x"""), "not valid JSON");
        Refused(RejectionReasons.Malformed, () => Request(""), "empty");
    }

    [Fact]
    public void EmptyInstances_GiveAnEmptyBatch() => Assert.Equal(0, Request("""{"instances": []}""").RowCount);
}
