namespace MlObs.DriftMonitor.Storage;

/// <summary>What <see cref="RecordLog.Open"/> found in the segment files and what it repaired.</summary>
public enum RecoveryOutcome
{
    /// <summary>Every segment ended on a whole, valid entry: nothing was changed.</summary>
    Clean,

    /// <summary>
    /// The last segment ended in an incomplete entry (a write cut short by a crash, or a zero-filled tail); the partial
    /// entry was cut off. Expected after <c>kill -9</c> or a power loss during an append, and harmless: such an entry had
    /// not been acknowledged.
    /// </summary>
    TornTail,

    /// <summary>
    /// The last segment ended in a complete but invalid entry (checksum mismatch, bad magic bytes, wrong sequence or
    /// impossible length); it and everything after it were cut off. Can follow a crash on file systems that do not order
    /// writes; worth a warning.
    /// </summary>
    CorruptTail,

    /// <summary>
    /// An entry in a segment other than the last was invalid, or the segment files did not continue one another. Replay
    /// stops there: the bytes from the invalid entry on and every later segment were moved aside to <c>*.corrupt</c>
    /// files (listed in <see cref="RecoveryReport.SetAside"/>) and the log continues after the last valid entry.
    /// Acknowledged entries may be lost: worth an error.
    /// </summary>
    CorruptOlderSegment,
}

/// <summary>What <see cref="RecordLog.Open"/> did to make the log consistent, for the service to log.</summary>
/// <param name="Outcome">Clean, or which kind of repair was made.</param>
/// <param name="EntriesFound">The valid entries kept (replayable with <see cref="RecordLog.ReadAfter"/>).</param>
/// <param name="LastSequence">The sequence number of the last valid entry (0 when the log has never held one).</param>
/// <param name="BytesTruncated">The bytes removed from the segments (cut off or moved aside); 0 when clean.</param>
/// <param name="Segment">The file name of the segment where the invalid data began; null when clean.</param>
/// <param name="Reason">What was wrong, with the byte offset in <paramref name="Segment"/>; null when clean.</param>
/// <param name="SetAside">Full paths of the <c>*.corrupt</c> files written for <see cref="RecoveryOutcome.CorruptOlderSegment"/>.</param>
public sealed record RecoveryReport(
    RecoveryOutcome Outcome,
    long EntriesFound,
    long LastSequence,
    long BytesTruncated,
    string? Segment,
    string? Reason,
    IReadOnlyList<string> SetAside)
{
    /// <summary>One line for a log: the outcome, the entries kept and, when something was repaired, where and why.</summary>
    public override string ToString() => Outcome == RecoveryOutcome.Clean
        ? $"record log clean: {EntriesFound} entries, last sequence {LastSequence}"
        : $"record log repaired ({Outcome}): {EntriesFound} entries kept, last sequence {LastSequence}, " +
          $"{BytesTruncated} bytes removed from {Segment}: {Reason}" +
          (SetAside.Count > 0 ? $"; set aside: {string.Join(", ", SetAside)}" : "");
}
