using MlObs.Drift.Reports;

namespace MlObs.DriftMonitor.Models;

/// <summary>The last evaluation of a model.</summary>
/// <param name="Report">The report, the same object <c>mlobs drift compare</c> prints.</param>
/// <param name="EvaluatedAt">When it was computed.</param>
/// <param name="Trigger">What asked for it: "records", "interval", "window_complete", "request" or "restored".</param>
/// <param name="Duration">How long the statistics took.</param>
public sealed record ModelReport(DriftReport Report, DateTimeOffset EvaluatedAt, string Trigger, TimeSpan Duration);

/// <summary>What <c>GET /v1/models/{model}</c> and <c>GET /v1/models</c> show about a model.</summary>
/// <param name="Name">The model name.</param>
/// <param name="ReferenceLoaded">Whether a reference profile is loaded.</param>
/// <param name="ReferenceFingerprint">The profile's fingerprint, or null.</param>
/// <param name="ReferenceRows">Rows in the reference, or 0.</param>
/// <param name="Features">The reference's columns, in order.</param>
/// <param name="WindowRecords">Records in the current window.</param>
/// <param name="PendingJoins">Request or response halves waiting for their other half.</param>
/// <param name="LastEvaluation">When the last report was computed, or null.</param>
/// <param name="DatasetDrift">The last report's verdict, or null.</param>
/// <param name="ReferenceError">Why the configured reference could not be loaded, or null.</param>
public sealed record ModelStatus(
    string Name,
    bool ReferenceLoaded,
    string? ReferenceFingerprint,
    long ReferenceRows,
    IReadOnlyList<string> Features,
    long WindowRecords,
    int PendingJoins,
    DateTimeOffset? LastEvaluation,
    bool? DatasetDrift,
    string? ReferenceError);
