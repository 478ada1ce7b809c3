namespace MlObs.DriftMonitor.Ingest;

/// <summary>Which part of an inference a batch of records carries.</summary>
public enum RecordHalf
{
    /// <summary>Whole records (plain JSON rows, CSV): inputs and, when present, predictions together.</summary>
    Whole,

    /// <summary>The inputs of an inference request (a CloudEvent of type <c>…inference.request</c>).</summary>
    Request,

    /// <summary>The predictions of an inference response (a CloudEvent of type <c>…inference.response</c>).</summary>
    Response,
}
