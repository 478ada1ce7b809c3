namespace MlObs.DriftMonitor.Storage;

/// <summary>Settings of a <see cref="RecordLog"/>.</summary>
public sealed class RecordLogOptions
{
    /// <summary>The default segment size: 64 MiB.</summary>
    public const long DefaultSegmentBytes = 64L * 1024 * 1024;

    /// <summary>The default payload limit: 64 MiB.</summary>
    public const int DefaultMaxPayloadBytes = 64 * 1024 * 1024;

    /// <summary>
    /// The size in bytes (headers included) past which the log starts a new segment file. An entry never spans two
    /// segments: a segment that already holds entries is closed when the next entry would take it past this size, and an
    /// entry larger than this size gets a segment of its own. At least 64.
    /// </summary>
    public long SegmentBytes { get; init; } = DefaultSegmentBytes;

    /// <summary>
    /// The largest payload in bytes an append accepts and recovery believes; a larger one is refused with an
    /// <see cref="ArgumentException"/>. From 0 to 2,147,483,000.
    /// </summary>
    public int MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    /// <summary>
    /// Whether appends wait for <c>fsync</c> of the segment (and of the directory when a segment is created or deleted).
    /// True in production: an acknowledged entry then survives a power loss. False only for tests, where it survives a
    /// process crash but not a power loss.
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    internal const int LargestMaxPayloadBytes = 2_147_483_000;

    internal void Validate()
    {
        if (SegmentBytes < 64)
        {
            throw new ArgumentException($"RecordLogOptions.SegmentBytes must be at least 64 (got {SegmentBytes}).");
        }
        if (MaxPayloadBytes is < 0 or > LargestMaxPayloadBytes)
        {
            throw new ArgumentException(
                $"RecordLogOptions.MaxPayloadBytes must be from 0 to {LargestMaxPayloadBytes} (got {MaxPayloadBytes}).");
        }
    }
}
