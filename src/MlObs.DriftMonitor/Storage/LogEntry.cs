namespace MlObs.DriftMonitor.Storage;

/// <summary>One entry of a <see cref="RecordLog"/>, as replayed by <see cref="RecordLog.ReadAfter"/>.</summary>
/// <param name="Sequence">The entry's sequence number: 1 for the first entry of a log, one more for each entry after it.</param>
/// <param name="Payload">The bytes that were appended (a fresh array per entry, which the caller may keep).</param>
public readonly record struct LogEntry(long Sequence, ReadOnlyMemory<byte> Payload);
