namespace MlObs.DriftMonitor.Ingest;

/// <summary>The serving system that produced an inference CloudEvent, as told by the event type's prefix.</summary>
public enum InferenceProducer
{
    /// <summary>A KServe payload logger: types starting with <c>org.kubeflow.serving.</c>.</summary>
    KServe,

    /// <summary>A Seldon Core v1 request logger: types starting with <c>io.seldon.serving.</c>.</summary>
    Seldon,

    /// <summary>Any other producer.</summary>
    Other,
}

/// <summary>
/// One CloudEvent 1.0 as received over HTTP (binary, structured or batch mode): its context attributes and its data bytes.
/// </summary>
/// <param name="SpecVersion">The <c>specversion</c> attribute; always "1.0" (other versions are refused).</param>
/// <param name="Id">The <c>id</c> attribute: unique per producer (KServe reuses it for the request and its response).</param>
/// <param name="Type">The <c>type</c> attribute, e.g. <c>org.kubeflow.serving.inference.request</c>.</param>
/// <param name="Source">The <c>source</c> attribute (a URI reference, kept as text).</param>
/// <param name="Time">The <c>time</c> attribute, or null when absent.</param>
/// <param name="Subject">The <c>subject</c> attribute, or null when absent.</param>
/// <param name="DataContentType">
/// The media type of <paramref name="Data"/>: the <c>Content-Type</c> header in binary mode, the <c>datacontenttype</c>
/// attribute in structured mode; null when absent (JSON is then implied).
/// </param>
/// <param name="Extensions">
/// Every other attribute, by lower-case name without the <c>ce-</c> prefix (e.g. <c>inferenceservicename</c>,
/// <c>requestid</c>), with its value as text.
/// </param>
/// <param name="Data">
/// The event data: the HTTP body in binary mode; the raw UTF-8 JSON text of <c>data</c>, the bytes of <c>data_base64</c>, or
/// the UTF-8 bytes of a <c>data</c> string of a non-JSON content type in structured mode; empty when the event has none.
/// </param>
public sealed record CloudEventEnvelope(
    string SpecVersion,
    string Id,
    string Type,
    string Source,
    DateTimeOffset? Time,
    string? Subject,
    string? DataContentType,
    IReadOnlyDictionary<string, string> Extensions,
    ReadOnlyMemory<byte> Data)
{
    private const string KServePrefix = "org.kubeflow.serving.";
    private const string SeldonPrefix = "io.seldon.serving.";
    private const string RequestSuffix = ".inference.request";
    private const string ResponseSuffix = ".inference.response";

    /// <summary>The <c>dataschema</c> attribute, or null when absent.</summary>
    public string? DataSchema { get; init; }

    /// <summary>The <c>inferenceservicename</c> extension: the InferenceService (KServe) or SeldonDeployment name.</summary>
    public string? InferenceServiceName => Extension("inferenceservicename");

    /// <summary>The <c>modelid</c> extension: the Seldon graph node that logged the payload.</summary>
    public string? ModelId => Extension("modelid");

    /// <summary>The <c>requestid</c> extension: the Seldon request id shared by a request and its response.</summary>
    public string? RequestId => Extension("requestid");

    /// <summary>The <c>namespace</c> extension: the Kubernetes namespace of the model.</summary>
    public string? Namespace => Extension("namespace");

    /// <summary>The <c>endpoint</c> extension: "default" or "canary" (KServe), the predictor name (Seldon).</summary>
    public string? Endpoint => Extension("endpoint");

    /// <summary>The <c>component</c> extension: predictor, transformer or explainer (KServe).</summary>
    public string? Component => Extension("component");

    /// <summary>The producer, from the prefix of <see cref="Type"/>.</summary>
    public InferenceProducer Producer =>
        Type.StartsWith(KServePrefix, StringComparison.Ordinal) ? InferenceProducer.KServe
        : Type.StartsWith(SeldonPrefix, StringComparison.Ordinal) ? InferenceProducer.Seldon
        : InferenceProducer.Other;

    /// <summary>
    /// Which half of an inference the event carries, from the suffix of <see cref="Type"/> (<c>.inference.request</c> or
    /// <c>.inference.response</c>); null for any other type: the event is not an inference payload.
    /// </summary>
    public RecordHalf? Half =>
        Type.EndsWith(RequestSuffix, StringComparison.Ordinal) ? RecordHalf.Request
        : Type.EndsWith(ResponseSuffix, StringComparison.Ordinal) ? RecordHalf.Response
        : null;

    /// <summary>
    /// The key that pairs a request with its response: <see cref="Id"/> for KServe (the same on both events),
    /// <see cref="RequestId"/> for Seldon (null when the event has none: it cannot be paired), and for other producers the
    /// <c>requestid</c> extension when present, else <see cref="Id"/>.
    /// </summary>
    public string? JoinKey => Producer switch
    {
        InferenceProducer.KServe => Id,
        InferenceProducer.Seldon => RequestId,
        _ => RequestId ?? Id,
    };

    private string? Extension(string name) => Extensions.TryGetValue(name, out string? value) ? value : null;
}
