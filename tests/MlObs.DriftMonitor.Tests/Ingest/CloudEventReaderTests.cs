using System.Text;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

public sealed class CloudEventReaderTests
{
    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    /// <summary>The KServe logger request of ckf-cos.md §6.1 (binary mode, header names as KServe's agent writes them).</summary>
    private static List<KeyValuePair<string, string>> KServeHeaders() =>
    [
        H("Content-Type", "application/json"),
        H("Ce-Specversion", "1.0"),
        H("Ce-Type", "org.kubeflow.serving.inference.request"),
        H("Ce-Source", "http://localhost:9081/"),
        H("Ce-Id", "0009174a-24a8-4603-b098-09c8799950e9"),
        H("Ce-Time", "2021-04-10T00:23:26.0789529Z"),
        H("Ce-Inferenceservicename", "sklearn-iris"),
        H("Ce-Namespace", "default"),
        H("Ce-Component", "predictor"),
        H("Ce-Endpoint", "default"),
        H("Ce-Metadata", "{}"),
    ];

    /// <summary>The Seldon request captured by an echo server in ckf-cos.md §6.2 (lower-case headers).</summary>
    private static List<KeyValuePair<string, string>> SeldonHeaders() =>
    [
        H("ce-endpoint", "logging"),
        H("ce-id", "e276a0c3-a522-4499-b509-5e98e06e96fe"),
        H("ce-inferenceservicename", "model-logs"),
        H("ce-modelid", "classifier"),
        H("ce-namespace", "seldon"),
        H("ce-requestid", "33fb419e-8d6b-44e0-a084-8bd4bd4dbf7b"),
        H("ce-source", "http://:8000/"),
        H("ce-specversion", "1.0"),
        H("ce-time", "2020-11-06T09:35:09.171644169Z"),
        H("ce-type", "io.seldon.serving.inference.request"),
        H("content-type", "application/json"),
        H("traceparent", "00-9c7cc210d352f7b68be6422c1b4b78f4-b49edd5ad25552ae-00"),
    ];

    [Fact]
    public void Binary_KServeSample_GivesTheAttributesExtensionsAndBody()
    {
        byte[] body = Utf8(KServeV1Request);
        CloudEventEnvelope e = Assert.Single(CloudEventReader.Read(KServeHeaders(), "application/json", body));
        Assert.Equal("1.0", e.SpecVersion);
        Assert.Equal("0009174a-24a8-4603-b098-09c8799950e9", e.Id);
        Assert.Equal("org.kubeflow.serving.inference.request", e.Type);
        Assert.Equal("http://localhost:9081/", e.Source);
        Assert.Equal(new DateTimeOffset(2021, 4, 10, 0, 23, 26, TimeSpan.Zero).AddTicks(789529), e.Time);
        Assert.Equal("application/json", e.DataContentType);
        Assert.Null(e.Subject);
        Assert.Equal("sklearn-iris", e.InferenceServiceName);
        Assert.Equal("default", e.Namespace);
        Assert.Equal("predictor", e.Component);
        Assert.Equal("default", e.Endpoint);
        Assert.Equal("{}", e.Extensions["metadata"]);
        Assert.Equal(5, e.Extensions.Count);
        Assert.Equal(InferenceProducer.KServe, e.Producer);
        Assert.Equal(RecordHalf.Request, e.Half);
        Assert.Equal(e.Id, e.JoinKey);
        Assert.True(e.Data.Span.SequenceEqual(body));
        RowBatch batch = InferencePayloads.DecodeRequest(e.Data.Span, Iris);
        Assert.Equal([6.8, 6.0], Numbers(batch, "sepal_length"));
    }

    [Fact]
    public void Binary_SeldonSample_JoinsOnRequestId_AndTakesContentTypeFromTheHeaders()
    {
        CloudEventEnvelope e = Assert.Single(CloudEventReader.Read(SeldonHeaders(), null, Utf8(SeldonRequest)));
        Assert.Equal(InferenceProducer.Seldon, e.Producer);
        Assert.Equal(RecordHalf.Request, e.Half);
        Assert.Equal("classifier", e.ModelId);
        Assert.Equal("33fb419e-8d6b-44e0-a084-8bd4bd4dbf7b", e.RequestId);
        Assert.Equal("33fb419e-8d6b-44e0-a084-8bd4bd4dbf7b", e.JoinKey);
        Assert.Equal("model-logs", e.InferenceServiceName);
        Assert.Equal("logging", e.Endpoint);
        Assert.Equal("application/json", e.DataContentType);
        // Nine fraction digits, rounded to the 100 ns of a DateTimeOffset.
        Assert.Equal(new DateTimeOffset(2020, 11, 6, 9, 35, 9, TimeSpan.Zero).AddTicks(1_716_442), e.Time);
        Assert.False(e.Extensions.ContainsKey("traceparent"));
        Assert.False(e.Extensions.ContainsKey("specversion"));
    }

    [Fact]
    public void Binary_SeldonWithoutRequestId_HasNoJoinKey()
    {
        List<KeyValuePair<string, string>> headers = [.. SeldonHeaders().Where(h => h.Key != "ce-requestid")];
        CloudEventEnvelope e = Assert.Single(CloudEventReader.Read(headers, "application/json", Utf8(SeldonRequest)));
        Assert.Null(e.JoinKey);
    }

    [Theory]
    [InlineData("org.kubeflow.serving.inference.response", InferenceProducer.KServe, RecordHalf.Response)]
    [InlineData("io.seldon.serving.inference.response", InferenceProducer.Seldon, RecordHalf.Response)]
    [InlineData("io.seldon.serving.feedback", InferenceProducer.Seldon, null)]
    [InlineData("org.kubeflow.serving.inference.outlier", InferenceProducer.KServe, null)]
    [InlineData("com.example.inference.request", InferenceProducer.Other, RecordHalf.Request)]
    public void Type_GivesProducerAndHalf(string type, InferenceProducer producer, RecordHalf? half)
    {
        CloudEventEnvelope e = Event(type, []);
        Assert.Equal(producer, e.Producer);
        Assert.Equal(half, e.Half);
    }

    [Fact]
    public void JoinKey_OfOtherProducers_IsTheRequestIdExtension_ElseTheId()
    {
        Assert.Equal("id-1", Event("com.example.inference.request", []).JoinKey);
        Assert.Equal("r-9", Event("com.example.inference.request", [H("ce-requestid", "r-9")]).JoinKey);
        Assert.Equal("id-1", Event("org.kubeflow.serving.inference.request", [H("ce-requestid", "r-9")]).JoinKey);
    }

    [Fact]
    public void Binary_HeaderValues_ArePercentDecodedAsUtf8()
    {
        CloudEventEnvelope e = Event("t", [H("ce-subject", "caf%C3%A9%20au%20lait%25"), H("ce-note", "100%zz+1")]);
        Assert.Equal("café au lait%", e.Subject);
        // An invalid escape is kept as it is; '+' is not a space in this binding.
        Assert.Equal("100%zz+1", e.Extensions["note"]);
    }

    [Fact]
    public void Binary_InvalidUtf8AfterPercentDecoding_IsRefusedNamingTheHeader() =>
        Refused(RejectionReasons.InvalidEvent, () => Event("t", [H("ce-Subject", "%FF%FE")]), "ce-Subject", "%FF%FE");

    [Fact]
    public void Binary_HeaderNames_AreCaseInsensitive_AndTheFirstOfDuplicatesWins()
    {
        List<KeyValuePair<string, string>> headers =
        [
            H("CE-SPECVERSION", "1.0"), H("ce-Id", "first"), H("Ce-ID", "second"), H("CE-source", "s"), H("ce-type", "t"),
            H("ce-Custom", ""), H("ce-custom", "kept"),
        ];
        CloudEventEnvelope e = Assert.Single(CloudEventReader.Read(headers, "application/json", Utf8("{}")));
        Assert.Equal("first", e.Id);
        Assert.Equal("kept", e.Extensions["custom"]);
    }

    [Theory]
    [InlineData("ce-specversion")]
    [InlineData("ce-id")]
    [InlineData("ce-source")]
    [InlineData("ce-type")]
    public void Binary_MissingRequiredAttribute_IsRefusedNamingIt(string missing)
    {
        List<KeyValuePair<string, string>> headers = [.. Required("t").Where(h => h.Key != missing)];
        Refused(RejectionReasons.InvalidEvent, () => CloudEventReader.Read(headers, "application/json", Utf8("{}")), missing);
    }

    [Fact]
    public void Binary_EmptyId_WrongSpecVersion_BadTime_AndNoCeHeaders_AreRefused()
    {
        Refused(RejectionReasons.InvalidEvent,
            () => CloudEventReader.Read([.. Required("t").Where(h => h.Key != "ce-id"), H("ce-id", " ")], null, Utf8("{}")),
            "ce-id", "empty");
        Refused(RejectionReasons.InvalidEvent,
            () => CloudEventReader.Read([.. Required("t").Where(h => h.Key != "ce-specversion"), H("ce-specversion", "0.3")], null, Utf8("{}")),
            "ce-specversion", "'0.3'");
        Refused(RejectionReasons.InvalidEvent, () => Event("t", [H("ce-time", "yesterday")]), "ce-time", "yesterday");
        Refused(RejectionReasons.InvalidEvent, () => Event("t", [H("ce-time", "4/10/2021")]), "ce-time");
        Refused(RejectionReasons.InvalidEvent,
            () => CloudEventReader.Read([H("Content-Type", "application/json")], null, Utf8("{}")), "ce-specversion", "ce-id");
    }

    [Fact]
    public void Structured_ReadsAttributesExtensionsAndTheRawJsonData()
    {
        const string Data = """{"instances": [[6.8, 2.8, 4.8, 1.4]]}""";
        string json = $$"""
            {"specversion": "1.0", "id": "a1", "source": "/agent", "type": "org.kubeflow.serving.inference.request",
             "time": "2021-04-10T00:23:26Z", "subject": "s", "dataschema": "https://example.com/schema",
             "datacontenttype": "application/json", "inferenceservicename": "sklearn-iris", "retries": 3,
             "sampled": true, "nothing": null, "data": {{Data}}}
            """;
        CloudEventEnvelope e = Assert.Single(CloudEventReader.Read([], "application/cloudevents+json; charset=utf-8", Utf8(json)));
        Assert.Equal("a1", e.Id);
        Assert.Equal("/agent", e.Source);
        Assert.Equal("s", e.Subject);
        Assert.Equal("https://example.com/schema", e.DataSchema);
        Assert.Equal(new DateTimeOffset(2021, 4, 10, 0, 23, 26, TimeSpan.Zero), e.Time);
        Assert.Equal("sklearn-iris", e.InferenceServiceName);
        Assert.Equal("3", e.Extensions["retries"]);
        Assert.Equal("true", e.Extensions["sampled"]);
        Assert.False(e.Extensions.ContainsKey("nothing"));
        Assert.False(e.Extensions.ContainsKey("data"));
        Assert.Equal(Data, Encoding.UTF8.GetString(e.Data.Span));
        Assert.Equal(1, InferencePayloads.DecodeRequest(e.Data.Span, Iris).RowCount);
    }

    [Fact]
    public void Structured_DataBase64_IsDecoded_AndATextStringIsItsContent()
    {
        string b64 = Convert.ToBase64String(Utf8(KServeV1Response));
        CloudEventEnvelope binary = Assert.Single(CloudEventReader.Read([], "application/cloudevents+json",
            Utf8($$"""{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"{{b64}}"}""")));
        Assert.Equal(KServeV1Response, Encoding.UTF8.GetString(binary.Data.Span));
        CloudEventEnvelope text = Assert.Single(CloudEventReader.Read([], "application/cloudevents+json",
            Utf8("""{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","data":"a\"b\u00e9"}""")));
        Assert.Equal("a\"bé", Encoding.UTF8.GetString(text.Data.Span));
        CloudEventEnvelope none = Assert.Single(CloudEventReader.Read([], "application/cloudevents+json",
            Utf8("""{"specversion":"1.0","id":"1","source":"s","type":"t"}""")));
        Assert.True(none.Data.IsEmpty);
    }

    [Fact]
    public void Structured_Refusals_NameTheAttribute()
    {
        static void Read(string json) => CloudEventReader.Read([], "application/cloudevents+json", Utf8(json));
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"1.0","source":"s","type":"t"}"""), "'id'", "missing");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"1.0","id":"","source":"s","type":"t"}"""), "'id'", "empty");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"id":"1","source":"s","type":"t"}"""), "'specversion'");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"0.3","id":"1","source":"s","type":"t"}"""), "'0.3'");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"1.0","id":7,"source":"s","type":"t"}"""), "'id'", "string");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"1.0","id":"1","source":"s","type":"t","ext":{"a":1}}"""), "'ext'");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"1.0","id":"1","source":"s","type":"t","data":1,"data_base64":"AA=="}"""), "data_base64");
        Refused(RejectionReasons.InvalidEvent, () => Read("""{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"@@"}"""), "data_base64", "base64");
        Refused(RejectionReasons.Malformed, () => Read("""{"specversion":"1.0", """), "not valid JSON");
        Refused(RejectionReasons.Malformed, () => Read("""[1]"""), "JSON object");
    }

    [Fact]
    public void Batch_ReadsEveryEvent_AndNamesTheFaultyOne()
    {
        const string Batch = """
            [{"specversion":"1.0","id":"1","source":"s","type":"org.kubeflow.serving.inference.request","data":{"instances":[[1,2,3,4]]}},
             {"specversion":"1.0","id":"1","source":"s","type":"org.kubeflow.serving.inference.response","data":{"predictions":[2]}}]
            """;
        IReadOnlyList<CloudEventEnvelope> events = CloudEventReader.Read([], "application/cloudevents-batch+json", Utf8(Batch));
        Assert.Equal(2, events.Count);
        Assert.Equal([RecordHalf.Request, RecordHalf.Response], events.Select(e => e.Half!.Value));
        Assert.Equal("""{"predictions":[2]}""", Encoding.UTF8.GetString(events[1].Data.Span));
        Assert.Equal(["2"], Labels(InferencePayloads.DecodeResponse(events[1].Data.Span, Iris), "prediction"));
        Assert.Empty(CloudEventReader.Read([], "application/cloudevents-batch+json", Utf8(" [ ] ")));
        Refused(RejectionReasons.InvalidEvent,
            () => CloudEventReader.Read([], "application/cloudevents-batch+json",
                Utf8("""[{"specversion":"1.0","id":"1","source":"s","type":"t"},{"specversion":"1.0","id":"2","source":"s"}]""")),
            "event 1 of the batch", "'type'");
        Refused(RejectionReasons.Malformed,
            () => CloudEventReader.Read([], "application/cloudevents-batch+json", Utf8("""[{"specversion":"1.0","id":"1","source":"s","type":"t"}, 3]""")), "Event 1", "a number");
        Refused(RejectionReasons.Malformed,
            () => CloudEventReader.Read([], "application/cloudevents-batch+json", Utf8("""{"specversion":"1.0"}""")), "JSON array");
    }

    private static List<KeyValuePair<string, string>> Required(string type) =>
        [H("ce-specversion", "1.0"), H("ce-id", "id-1"), H("ce-source", "src"), H("ce-type", type)];

    private static CloudEventEnvelope Event(string type, List<KeyValuePair<string, string>> more) =>
        Assert.Single(CloudEventReader.Read([.. Required(type), .. more], "application/json", Utf8("{}")));
}
