using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Windows;

/// <summary>Limits of a <see cref="RequestResponseJoiner"/>.</summary>
public sealed record JoinerOptions
{
    /// <summary>The default time a half waits for its other half: 30 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the options.</summary>
    /// <param name="timeout">How long a half waits for its other half; null for <see cref="DefaultTimeout"/>. Must be positive.</param>
    /// <param name="maxPending">How many halves may wait at once (at least 1); beyond it the oldest is released alone.</param>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive or <paramref name="maxPending"/> is below 1.</exception>
    public JoinerOptions(TimeSpan? timeout = null, int maxPending = 10_000)
    {
        TimeSpan t = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        Timeout = t;
        MaxPending = maxPending;
    }

    /// <summary>How long a half waits for its other half before <see cref="RequestResponseJoiner.Expire(DateTimeOffset)"/> releases it alone.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many halves may wait at once; when more are held, the oldest is released alone.</summary>
    public int MaxPending { get; }
}

/// <summary>How a <see cref="JoinedBatch"/> came about.</summary>
public enum JoinOutcome
{
    /// <summary>Whole records, or a half without a join key: passed through unchanged.</summary>
    Whole,

    /// <summary>A request and its response: the request's columns, then the response's.</summary>
    Joined,

    /// <summary>A request released without its response (timeout, duplicate, eviction or misaligned rows): inputs only.</summary>
    RequestOnly,

    /// <summary>A response released without its request (timeout, duplicate, eviction or misaligned rows): outputs only.</summary>
    ResponseOnly,
}

/// <summary>Records ready for the model's window.</summary>
/// <param name="Rows">The records.</param>
/// <param name="Outcome">Whether they are whole, joined, or one half alone.</param>
/// <param name="ReceivedAt">
/// When they were received: the request's receive time for joined records (the time of the inference), otherwise the
/// half's own.
/// </param>
public sealed record JoinedBatch(RowBatch Rows, JoinOutcome Outcome, DateTimeOffset ReceivedAt);

/// <summary>A half waiting for its other half, as <see cref="RequestResponseJoiner.PendingHalves"/> lists it.</summary>
/// <param name="JoinKey">The key shared by the request and its response (ordinal comparison).</param>
/// <param name="Half"><see cref="RecordHalf.Request"/> or <see cref="RecordHalf.Response"/>.</param>
/// <param name="Rows">The half's records.</param>
/// <param name="ReceivedAt">When the half was received; its timeout runs from this time.</param>
public sealed record PendingHalf(string JoinKey, RecordHalf Half, RowBatch Rows, DateTimeOffset ReceivedAt);

/// <summary>The counters of a <see cref="RequestResponseJoiner"/> since it was created.</summary>
/// <param name="Joined">Requests joined with their response.</param>
/// <param name="Duplicates">Halves released alone because another half of the same kind arrived with the same key.</param>
/// <param name="Misaligned">Pairs released as two halves because their row counts differed.</param>
/// <param name="NameCollisions">Response columns dropped because the request had a column of the same name.</param>
/// <param name="Evicted">Halves released alone because more than <see cref="JoinerOptions.MaxPending"/> were held.</param>
/// <param name="ExpiredRequests">Requests released alone after waiting longer than the timeout.</param>
/// <param name="ExpiredResponses">Responses released alone after waiting longer than the timeout.</param>
/// <param name="Pending">Halves waiting now.</param>
public sealed record JoinerStats(
    long Joined, long Duplicates, long Misaligned, long NameCollisions, long Evicted, long ExpiredRequests, long ExpiredResponses,
    int Pending);
