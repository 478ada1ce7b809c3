using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class PayloadFormatsTests
{
    [Theory]
    [InlineData(null, PayloadFormat.Json)]
    [InlineData("", PayloadFormat.Json)]
    [InlineData("   ", PayloadFormat.Json)]
    [InlineData("application/json", PayloadFormat.Json)]
    [InlineData("Application/JSON; charset=utf-8", PayloadFormat.Json)]
    [InlineData("application/problem+json", PayloadFormat.Json)]
    [InlineData("application/vnd.kserve.v2+json", PayloadFormat.Json)]
    [InlineData("application/x-ndjson", PayloadFormat.JsonLines)]
    [InlineData("application/jsonl", PayloadFormat.JsonLines)]
    [InlineData("application/json-lines", PayloadFormat.JsonLines)]
    [InlineData("application/x-jsonlines; charset=utf-8", PayloadFormat.JsonLines)]
    [InlineData("text/csv", PayloadFormat.Csv)]
    [InlineData("text/csv; header=present", PayloadFormat.Csv)]
    [InlineData("application/csv", PayloadFormat.Csv)]
    [InlineData("application/vnd.apache.parquet", PayloadFormat.Parquet)]
    [InlineData("application/x-parquet", PayloadFormat.Parquet)]
    [InlineData("application/cloudevents+json", PayloadFormat.CloudEventStructured)]
    [InlineData("application/cloudevents+json; charset=UTF-8", PayloadFormat.CloudEventStructured)]
    [InlineData("application/cloudevents-batch+json", PayloadFormat.CloudEventBatch)]
    [InlineData("text/plain", PayloadFormat.Unsupported)]
    [InlineData("application/xml", PayloadFormat.Unsupported)]
    [InlineData("application/octet-stream", PayloadFormat.Unsupported)]
    [InlineData("multipart/form-data; boundary=x", PayloadFormat.Unsupported)]
    [InlineData("+json", PayloadFormat.Unsupported)]
    [InlineData("application/+json", PayloadFormat.Unsupported)]
    [InlineData("json", PayloadFormat.Unsupported)]
    public void Classify_MapsTheMediaType_IgnoringCaseAndParameters(string? contentType, PayloadFormat expected) =>
        Assert.Equal(expected, PayloadFormats.Classify(contentType));
}
