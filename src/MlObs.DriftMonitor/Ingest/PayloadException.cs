namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// Input the service refuses: the HTTP layer answers it with an RFC 7807 problem (<see cref="Status"/>, <see cref="Title"/>,
/// the message as detail) and counts the records in <c>mlobs_records_rejected_total{reason}</c>.
/// </summary>
public sealed class PayloadException : Exception
{
    /// <summary>Creates a refusal.</summary>
    /// <param name="reason">One of <see cref="RejectionReasons"/>: the metric label.</param>
    /// <param name="message">What is wrong, naming the field, feature, row or header.</param>
    /// <param name="status">The HTTP status, 4xx.</param>
    public PayloadException(string reason, string message, int status = 400)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Reason = reason;
        Status = status;
    }

    /// <summary>The rejection reason (a bounded set, see <see cref="RejectionReasons"/>).</summary>
    public string Reason { get; }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>A short title for the problem body.</summary>
    public string Title => RejectionReasons.Title(Reason);
}

/// <summary>The values of the <c>reason</c> label of <c>mlobs_records_rejected_total</c>; the set is closed.</summary>
public static class RejectionReasons
{
    /// <summary>The body is not valid JSON, CSV or Parquet, or not the expected structure.</summary>
    public const string Malformed = "malformed";

    /// <summary>A tensor's shape does not match its data or the configured features.</summary>
    public const string WrongShape = "wrong_shape";

    /// <summary>A value cannot be read as its feature's kind (e.g. text in a numerical feature).</summary>
    public const string WrongType = "wrong_type";

    /// <summary>The body is larger than the configured limit.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The content type is not one the endpoint reads.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>The model is not known to the service (no reference and no configuration).</summary>
    public const string UnknownModel = "unknown_model";

    /// <summary>A CloudEvent lacks a required attribute or has an unknown type.</summary>
    public const string InvalidEvent = "invalid_event";

    /// <summary>The model is known but has no reference yet, so its records cannot be compared with anything (409).</summary>
    public const string NoReference = "no_reference";

    /// <summary>The caller sends faster than the configured rate limit.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Every reason, for documentation and for initialising the counter's series.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Malformed, WrongShape, WrongType, TooLarge, UnsupportedMediaType, UnknownModel, NoReference, InvalidEvent, RateLimited];

    /// <summary>The problem title of a reason.</summary>
    public static string Title(string reason) => reason switch
    {
        Malformed => "Malformed payload",
        WrongShape => "Wrong tensor shape",
        WrongType => "Value of the wrong type",
        TooLarge => "Payload too large",
        UnsupportedMediaType => "Unsupported content type",
        UnknownModel => "Unknown model",
        NoReference => "No reference loaded",
        InvalidEvent => "Invalid CloudEvent",
        RateLimited => "Too many requests",
        _ => "Bad request",
    };
}
