using System.Text;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Tests.Ingest;

/// <summary>Schemas, payloads of ckf-cos.md §6 and accessors shared by the ingest tests.</summary>
internal static class IngestSamples
{
    /// <summary>The iris model: four numerical inputs and a categorical prediction.</summary>
    public static FeatureSchema Iris { get; } = new(new TableSchema(
    [
        new ColumnSpec("sepal_length", ColumnKind.Numerical),
        new ColumnSpec("sepal_width", ColumnKind.Numerical),
        new ColumnSpec("petal_length", ColumnKind.Numerical),
        new ColumnSpec("petal_width", ColumnKind.Numerical),
        new ColumnSpec("prediction", ColumnKind.Categorical),
    ]));

    /// <summary>One column of each kind, for the typing rules.</summary>
    public static FeatureSchema Mixed { get; } = new(new TableSchema(
    [
        new ColumnSpec("age", ColumnKind.Numerical),
        new ColumnSpec("seen", ColumnKind.Datetime),
        new ColumnSpec("city", ColumnKind.Categorical),
        new ColumnSpec("member", ColumnKind.Boolean),
    ]));

    /// <summary>A model of one numerical input "x" and a numerical output "proba".</summary>
    public static FeatureSchema SingleInput { get; } = new(
        new TableSchema([new ColumnSpec("x", ColumnKind.Numerical), new ColumnSpec("proba", ColumnKind.Numerical)]),
        inputNames: ["x"],
        outputNames: ["proba"]);

    // ckf-cos.md §6.1, KServe sklearn-iris (V1 protocol).
    public const string KServeV1Request = """{"instances": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}""";
    public const string KServeV1Response = """{"predictions": [1, 1]}""";

    // ckf-cos.md §6.1, V2 / Open Inference Protocol (docs/samples/v1beta1/sklearn/v2/iris-input.json).
    public const string V2Request = """
        {"inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP32",
                     "data": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}
        """;
    public const string V2Response = """
        {"id": "823248cc-d770-4a51-9606-16803395569c", "model_name": "iris-classifier",
         "model_version": "v1.0.0",
         "outputs": [{"name": "predict", "shape": [2], "datatype": "FP32", "parameters": null, "data": [1, 2]}]}
        """;

    // ckf-cos.md §6.2, Seldon Core v1 payload logging.
    public const string SeldonRequest = """{"data": {"ndarray":[[1.0, 2.0, 5.0]]}}""";
    public const string SeldonResponse = """{"data":{"names":["proba"],"ndarray":[[0.43782349911420193]]},"meta":{}}""";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string[] Names(RowBatch batch) => [.. batch.Columns.Select(c => c.Name)];

    public static double[] Numbers(RowBatch batch, string name) =>
        ((NumericValues)batch.Columns.Single(c => c.Name == name)).Values.ToArray();

    public static List<string?> Labels(RowBatch batch, string name) =>
        [.. ((CategoryValues)batch.Columns.Single(c => c.Name == name)).Values.ToArray()];

    /// <summary>Asserts a refusal: its reason, and that its message contains every fragment.</summary>
    public static PayloadException Refused(string reason, Action decode, params string[] fragments)
    {
        PayloadException e = Assert.Throws<PayloadException>(decode);
        Assert.True(reason == e.Reason, $"reason {e.Reason}, expected {reason}: {e.Message}");
        foreach (string fragment in fragments)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' not in: {e.Message}");
        return e;
    }
}
