using Microsoft.Win32.SafeHandles;

namespace MlObs.DriftMonitor.Storage;

/// <summary>
/// The write-ahead log of one model: opaque payloads (encoded with <see cref="RecordCodec"/>) appended in order, each
/// durable on disk before its append completes, numbered 1, 2, 3, … across restarts, replayed after a restart and dropped
/// up to a checkpoint once a snapshot covers them.
/// </summary>
/// <remarks>
/// <para>
/// <b>Files.</b> The log directory holds segment files named by the sequence number of their first entry, zero-padded to 20
/// digits (<c>00000000000000000001.wal</c>), and a <c>lock</c> file held exclusively while the log is open (a second
/// <see cref="Open"/> of the same directory, from this process or another, fails). A segment is entries back to back. An
/// entry is a 20-byte little-endian header — bytes 0–2 the magic <c>MLW</c>, byte 3 the format version (1), bytes 4–7 the
/// payload length (u32), bytes 8–15 the sequence number (u64), bytes 16–19 the CRC-32C (Castagnoli) of the payload
/// followed by header bytes 0–15 — then the payload. The checksum thus covers every byte of the entry.
/// </para>
/// <para>
/// <b>Durability.</b> Appends are queued; one writer thread takes everything queued, writes it with as few system calls
/// as possible, calls <c>fsync</c> once and then completes all of those appends (group commit). Creating or deleting a
/// segment also flushes the directory. With <see cref="RecordLogOptions.FlushToDisk"/> off, nothing is flushed.
/// </para>
/// <para>
/// <b>Recovery.</b> <see cref="Open"/> reads every segment and checks every entry: magic, version, length, sequence
/// (consecutive, starting at the number in the file name) and checksum. A torn or invalid tail of the last segment is cut
/// off; an invalid entry in an older segment stops replay there and sets the rest aside (see
/// <see cref="RecoveryOutcome"/>). <see cref="Recovery"/> says what was done.
/// </para>
/// <para>
/// <b>Failures.</b> When a write or flush fails, the appends of that group that were not yet flushed fail with the
/// exception, and the log is <b>failed</b> for good: every later append throws an <see cref="IOException"/> whose inner
/// exception is the original one, and <see cref="IsFailed"/> is true. Dispose it and open it again: recovery then cuts off
/// whatever part of the failed group reached the disk, or keeps it if it reached the disk whole (an entry whose append
/// failed may therefore still be replayed; an acknowledged one is never lost).
/// </para>
/// <para>
/// <b>Threads.</b> <see cref="AppendAsync"/>, <see cref="LastSequence"/>, <see cref="ReadAfter"/> and
/// <see cref="Checkpoint"/> may be called from any thread. Do not checkpoint while a <see cref="ReadAfter"/> enumeration
/// is running: it may find its segment deleted.
/// </para>
/// </remarks>
public sealed class RecordLog : IAsyncDisposable, IDisposable
{
    private const string LockFileName = "lock";
    private const string SetAsideExtension = ".corrupt";
    private const int StagingBytes = 256 * 1024;

    private readonly RecordLogOptions _options;
    private readonly FileStream _lockFile;

    // Segment state: the writer thread, Checkpoint, ReadAfter and disposal take this lock.
    private readonly Lock _segmentLock = new();
    private readonly List<Segment> _segments;
    private SafeFileHandle _active;
    private long _writeOffset;
    private long _nextSequence;
    private long _lastSequence;
    private readonly byte[] _staging = new byte[StagingBytes];
    private int _stagedBytes;

    // The queue of appends: callers add, the writer thread swaps the list out.
    private readonly object _queueLock = new();
    private List<PendingAppend> _queue = [];
    private List<PendingAppend> _spare = [];
    private bool _closing;
    private Exception? _failure;

    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposeStarted;
    private volatile bool _disposed;

    private RecordLog(string directory, RecordLogOptions options, FileStream lockFile, List<Segment> segments,
        SafeFileHandle active, long lastSequence, RecoveryReport recovery)
    {
        Directory = directory;
        _options = options;
        _lockFile = lockFile;
        _segments = segments;
        _active = active;
        _writeOffset = RandomAccess.GetLength(active);
        _lastSequence = lastSequence;
        _nextSequence = lastSequence + 1;
        Recovery = recovery;
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "RecordLog writer" };
        _writer.Start();
    }

    /// <summary>The full path of the log directory.</summary>
    public string Directory { get; }

    /// <summary>What <see cref="Open"/> found and repaired.</summary>
    public RecoveryReport Recovery { get; }

    /// <summary>The sequence number of the last durable entry; 0 when the log has never held one.</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>True once a write or flush failed; every later append then throws (see the remarks on failures).</summary>
    public bool IsFailed
    {
        get
        {
            lock (_queueLock)
            {
                return _failure is not null;
            }
        }
    }

    /// <summary>
    /// Opens the log in <paramref name="directory"/> (created when missing), recovering it: every entry is checked, a torn
    /// or corrupt tail is cut off and numbering continues after the last valid entry (<see cref="Recovery"/>).
    /// </summary>
    /// <param name="directory">The log's own directory (nothing else should live in it).</param>
    /// <param name="options">Segment size, payload limit and flushing; null for the defaults.</param>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="IOException">The log is already open, or a segment cannot be read, repaired or created.</exception>
    public static RecordLog Open(string directory, RecordLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new RecordLogOptions();
        options.Validate();
        string fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!System.IO.Directory.Exists(fullPath))
        {
            System.IO.Directory.CreateDirectory(fullPath);
            if (options.FlushToDisk && Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(fullPath)) is { } parent)
            {
                AtomicFile.FsyncDirectory(parent);
            }
        }
        FileStream lockFile = AcquireLock(fullPath);
        SafeFileHandle? active = null;
        try
        {
            (List<Segment> segments, long lastSequence, RecoveryReport report) = Recover(fullPath, options);
            if (segments.Count == 0)
            {
                string path = Path.Combine(fullPath, LogSegment.FileName(lastSequence + 1));
                active = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
                if (options.FlushToDisk)
                {
                    AtomicFile.FsyncDirectory(fullPath);
                }
                segments.Add(new Segment(lastSequence + 1, path));
            }
            else
            {
                active = File.OpenHandle(segments[^1].Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            }
            return new RecordLog(fullPath, options, lockFile, segments, active, lastSequence, report);
        }
        catch
        {
            active?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends one entry and completes with its sequence number once the entry is on disk (flushed when
    /// <see cref="RecordLogOptions.FlushToDisk"/>). Concurrent appends are written together and get increasing numbers in
    /// the order they were queued.
    /// </summary>
    /// <param name="payload">The bytes to store; they must not change until the returned task completes.</param>
    /// <param name="ct">Cancels the append while it is still queued; once its group is being written it completes normally.</param>
    /// <returns>The entry's sequence number.</returns>
    /// <exception cref="ArgumentException">The payload is longer than <see cref="RecordLogOptions.MaxPayloadBytes"/>.</exception>
    /// <exception cref="ObjectDisposedException">The log is disposed or being disposed.</exception>
    /// <exception cref="IOException">
    /// The log failed earlier (thrown at once), or the write or flush of this entry failed (from the returned task).
    /// </exception>
    public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The payload has {payload.Length} bytes; the record log accepts at most {_options.MaxPayloadBytes}.",
                nameof(payload));
        }
        if (ct.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<long>(ct);
        }
        var pending = new PendingAppend(payload, Crc32C.Compute(payload.Span), ct);
        lock (_queueLock)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (_failure is not null)
            {
                throw FailedLogException(_failure);
            }
            _queue.Add(pending);
            if (_queue.Count == 1)
            {
                Monitor.Pulse(_queueLock);
            }
        }
        return new ValueTask<long>(pending.Task);
    }

    /// <summary>
    /// The entries with a sequence number above <paramref name="sequence"/>, in order, up to <see cref="LastSequence"/> as
    /// it is when this method is called: the replay after a restart (pass the sequence number a snapshot covers, or 0 for
    /// everything the log holds). The segments are read lazily, each payload into a fresh array.
    /// </summary>
    /// <param name="sequence">Entries up to and including this number are skipped without being read.</param>
    /// <exception cref="ObjectDisposedException">The log is disposed.</exception>
    /// <exception cref="InvalidDataException">
    /// (While enumerating) a segment changed on disk since it was checked: an entry is invalid or missing.
    /// </exception>
    public IEnumerable<LogEntry> ReadAfter(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        Segment[] segments;
        long last;
        lock (_segmentLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            segments = [.. _segments];
            last = _lastSequence;
        }
        return sequence >= last ? [] : ReadSegments(segments, sequence, last, _options.MaxPayloadBytes);
    }

    /// <summary>
    /// Declares every entry up to and including <paramref name="sequence"/> no longer needed (a durable snapshot covers
    /// them) and deletes the segment files that hold only such entries. When <paramref name="sequence"/> is the last entry,
    /// the active segment is closed first and a new, empty one started, so that every segment can go; the empty segment's
    /// name keeps the numbering across a restart.
    /// </summary>
    /// <param name="sequence">The last entry no longer needed; from 0 to <see cref="LastSequence"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is negative or above <see cref="LastSequence"/>.</exception>
    /// <exception cref="ObjectDisposedException">The log is disposed.</exception>
    /// <exception cref="IOException">The log failed, or a segment could not be created or deleted.</exception>
    public void Checkpoint(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        lock (_segmentLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            lock (_queueLock)
            {
                if (_failure is not null)
                {
                    throw FailedLogException(_failure);
                }
            }
            ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, _lastSequence);
            if (sequence == _lastSequence && _writeOffset > 0)
            {
                RollSegment();
            }
            int removable = 0;
            while (removable + 1 < _segments.Count && _segments[removable + 1].FirstSequence <= sequence + 1)
            {
                removable++;
            }
            for (int i = 0; i < removable; i++)
            {
                File.Delete(_segments[0].Path);
                _segments.RemoveAt(0);
            }
            if (removable > 0 && _options.FlushToDisk)
            {
                AtomicFile.FsyncDirectory(Directory);
            }
        }
    }

    /// <summary>
    /// Stops the log: appends already queued are written and completed (or failed, when the log has failed), later ones
    /// throw <see cref="ObjectDisposedException"/>, and the files are closed. Blocks until the writer has finished.
    /// </summary>
    public void Dispose()
    {
        if (!BeginClose())
        {
            return;
        }
        _writer.Join();
        CloseFiles();
    }

    /// <summary>The asynchronous form of <see cref="Dispose"/>: waits for the writer without blocking a thread.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginClose())
        {
            return;
        }
        await _writerStopped.Task.ConfigureAwait(false);
        CloseFiles();
    }

    private bool BeginClose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return false;
        }
        lock (_queueLock)
        {
            _closing = true;
            Monitor.Pulse(_queueLock);
        }
        return true;
    }

    private void CloseFiles()
    {
        lock (_segmentLock)
        {
            _disposed = true;
            _active.Dispose();
        }
        _lockFile.Dispose();
    }

    private IOException FailedLogException(Exception failure) => new(
        $"The record log in '{Directory}' failed ({failure.Message}) and accepts no more appends; dispose it and open it again.",
        failure);

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                List<PendingAppend> group;
                lock (_queueLock)
                {
                    while (_queue.Count == 0 && !_closing)
                    {
                        Monitor.Wait(_queueLock);
                    }
                    if (_queue.Count == 0)
                    {
                        return;
                    }
                    group = _queue;
                    _queue = _spare;
                    _spare = group;
                    if (_failure is { } earlier)
                    {
                        FailAll(group, FailedLogException(earlier));
                        continue;
                    }
                }
                WriteGroup(group);
                group.Clear();
            }
        }
        finally
        {
            _writerStopped.TrySetResult();
        }
    }

    private static void FailAll(List<PendingAppend> group, Exception failure)
    {
        foreach (PendingAppend pending in group)
        {
            pending.TrySetException(failure);
        }
        group.Clear();
    }

    private void WriteGroup(List<PendingAppend> group)
    {
        int durable = 0;
        try
        {
            lock (_segmentLock)
            {
                for (int i = 0; i < group.Count; i++)
                {
                    PendingAppend pending = group[i];
                    if (pending.Token.IsCancellationRequested)
                    {
                        continue;
                    }
                    long entryBytes = LogSegment.HeaderBytes + (long)pending.Payload.Length;
                    if (_writeOffset + _stagedBytes > 0 && _writeOffset + _stagedBytes + entryBytes > _options.SegmentBytes)
                    {
                        FlushStaging();
                        SyncActive();
                        durable = i;
                        RollSegment();
                    }
                    pending.Sequence = _nextSequence++;
                    Stage(pending);
                }
                FlushStaging();
                SyncActive();
                durable = group.Count;
            }
        }
        catch (Exception failure)
        {
            lock (_queueLock)
            {
                _failure = failure;
            }
            Complete(group, durable);
            for (int i = durable; i < group.Count; i++)
            {
                group[i].TrySetException(failure);
            }
            return;
        }
        Complete(group, durable);
    }

    private static void Complete(List<PendingAppend> group, int count)
    {
        for (int i = 0; i < count; i++)
        {
            PendingAppend pending = group[i];
            if (pending.Sequence == 0)
            {
                pending.TrySetCanceled(pending.Token);
            }
            else
            {
                pending.TrySetResult(pending.Sequence);
            }
        }
    }

    private void Stage(PendingAppend pending)
    {
        int payloadLength = pending.Payload.Length;
        int entryBytes = LogSegment.HeaderBytes + payloadLength;
        if (_stagedBytes + entryBytes > _staging.Length)
        {
            FlushStaging();
        }
        if (entryBytes <= _staging.Length)
        {
            Span<byte> target = _staging.AsSpan(_stagedBytes, entryBytes);
            LogSegment.WriteHeader(target, payloadLength, pending.Sequence, pending.PayloadCrc);
            pending.Payload.Span.CopyTo(target[LogSegment.HeaderBytes..]);
            _stagedBytes += entryBytes;
            return;
        }
        var header = new byte[LogSegment.HeaderBytes];
        LogSegment.WriteHeader(header, payloadLength, pending.Sequence, pending.PayloadCrc);
        RandomAccess.Write(_active, [header, pending.Payload], _writeOffset);
        _writeOffset += entryBytes;
    }

    private void FlushStaging()
    {
        if (_stagedBytes == 0)
        {
            return;
        }
        RandomAccess.Write(_active, _staging.AsSpan(0, _stagedBytes), _writeOffset);
        _writeOffset += _stagedBytes;
        _stagedBytes = 0;
    }

    /// <summary>Flushes the active segment and publishes the entries written so far as durable.</summary>
    private void SyncActive()
    {
        if (_options.FlushToDisk)
        {
            RandomAccess.FlushToDisk(_active);
        }
        Volatile.Write(ref _lastSequence, _nextSequence - 1);
    }

    /// <summary>Starts a new, empty segment named after the next sequence number (the caller has synced the old one).</summary>
    private void RollSegment()
    {
        string path = Path.Combine(Directory, LogSegment.FileName(_nextSequence));
        SafeFileHandle next = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (_options.FlushToDisk)
            {
                AtomicFile.FsyncDirectory(Directory);
            }
        }
        catch
        {
            next.Dispose();
            throw;
        }
        _active.Dispose();
        _active = next;
        _writeOffset = 0;
        _segments.Add(new Segment(_nextSequence, path));
    }

    private static IEnumerable<LogEntry> ReadSegments(Segment[] segments, long after, long last, int maxPayloadBytes)
    {
        long expected = 0;
        for (int s = 0; s < segments.Length && expected <= last; s++)
        {
            if (s + 1 < segments.Length && segments[s + 1].FirstSequence <= after + 1)
            {
                continue;
            }
            Segment segment = segments[s];
            if (expected != 0 && segment.FirstSequence != expected)
            {
                throw new InvalidDataException(
                    $"Record log segment '{segment.Path}' starts at sequence {segment.FirstSequence}; {expected} was expected.");
            }
            expected = segment.FirstSequence;
            using var reader = new LogSegment.Reader(segment.Path, maxPayloadBytes);
            while (expected <= last)
            {
                bool wanted = expected > after;
                LogSegment.ReadStatus status = reader.Next(
                    expected, skipPayload: !wanted, copyPayload: true, out ReadOnlyMemory<byte> payload, out string problem);
                if (status == LogSegment.ReadStatus.End)
                {
                    break;
                }
                if (status != LogSegment.ReadStatus.Entry)
                {
                    throw new InvalidDataException($"Record log segment '{segment.Path}' changed since it was opened: {problem}.");
                }
                if (wanted)
                {
                    yield return new LogEntry(expected, payload);
                }
                expected++;
            }
        }
        if (expected <= last && last > after)
        {
            throw new InvalidDataException(
                $"The record log ends before sequence {Math.Max(expected, after + 1)}, but it held entries up to {last}.");
        }
    }

    private static FileStream AcquireLock(string directory)
    {
        string path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not (DirectoryNotFoundException or PathTooLongException))
        {
            // The lock is an exclusive flock (Unix) or share mode (Windows): failing to get it means another holder.
            throw new IOException(
                $"The record log in '{directory}' is already open (in this process or another): {e.Message}", e);
        }
    }

    private static (List<Segment> Segments, long LastSequence, RecoveryReport Report) Recover(
        string directory, RecordLogOptions options)
    {
        var segments = new List<Segment>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*" + LogSegment.Extension))
        {
            if (LogSegment.TryParseFileName(Path.GetFileName(path), out long first))
            {
                segments.Add(new Segment(first, path));
            }
        }
        segments.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));

        long expected = segments.Count > 0 ? segments[0].FirstSequence : 1;
        long entries = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            Segment segment = segments[s];
            string name = Path.GetFileName(segment.Path);
            if (segment.FirstSequence != expected)
            {
                string reason = $"segment {name} starts at sequence {segment.FirstSequence}, but the log before it ends at {expected - 1}";
                return SetAsideFrom(segments, s, tailBytes: 0, directory, options, entries, expected - 1, name, reason);
            }
            LogSegment.ReadStatus status;
            long cut;
            long length;
            string problem;
            using (var reader = new LogSegment.Reader(segment.Path, options.MaxPayloadBytes))
            {
                while ((status = reader.Next(expected, skipPayload: false, copyPayload: false, out _, out problem))
                    == LogSegment.ReadStatus.Entry)
                {
                    expected++;
                    entries++;
                }
                cut = reader.Offset;
                length = reader.Length;
            }
            if (status == LogSegment.ReadStatus.End)
            {
                continue;
            }
            if (s < segments.Count - 1)
            {
                string tail = SaveTail(segment.Path, cut, options);
                string reason = $"{problem} in an older segment";
                RecoveryReport partial = SetAsideFrom(segments, s + 1, length - cut, directory, options, entries,
                    expected - 1, name, reason).Report;
                Truncate(segment.Path, cut, options);
                IReadOnlyList<string> setAside = [tail, .. partial.SetAside];
                return (segments, expected - 1, partial with { SetAside = setAside });
            }
            Truncate(segment.Path, cut, options);
            RecoveryOutcome outcome = status == LogSegment.ReadStatus.Torn ? RecoveryOutcome.TornTail : RecoveryOutcome.CorruptTail;
            return (segments, expected - 1, new RecoveryReport(outcome, entries, expected - 1, length - cut, name, problem, []));
        }
        return (segments, expected - 1, new RecoveryReport(RecoveryOutcome.Clean, entries, expected - 1, 0, null, null, []));
    }

    /// <summary>Moves segments from index <paramref name="from"/> on aside and reports an older-segment corruption.</summary>
    private static (List<Segment> Segments, long LastSequence, RecoveryReport Report) SetAsideFrom(
        List<Segment> segments, int from, long tailBytes, string directory, RecordLogOptions options, long entries,
        long lastSequence, string segmentName, string reason)
    {
        var setAside = new List<string>();
        long bytes = tailBytes;
        for (int i = from; i < segments.Count; i++)
        {
            string target = FreeSetAsidePath(segments[i].Path);
            bytes += new FileInfo(segments[i].Path).Length;
            File.Move(segments[i].Path, target);
            setAside.Add(target);
        }
        segments.RemoveRange(from, segments.Count - from);
        if (options.FlushToDisk && setAside.Count > 0)
        {
            AtomicFile.FsyncDirectory(directory);
        }
        var report = new RecoveryReport(
            RecoveryOutcome.CorruptOlderSegment, entries, lastSequence, bytes, segmentName, reason, setAside);
        return (segments, lastSequence, report);
    }

    /// <summary>Copies the bytes of a segment from <paramref name="offset"/> on to a <c>.corrupt</c> file beside it.</summary>
    private static string SaveTail(string path, long offset, RecordLogOptions options)
    {
        string target = FreeSetAsidePath(path);
        using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        source.Seek(offset, SeekOrigin.Begin);
        using var copy = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        source.CopyTo(copy);
        copy.Flush(flushToDisk: options.FlushToDisk);
        return target;
    }

    private static string FreeSetAsidePath(string segmentPath)
    {
        string candidate = segmentPath + SetAsideExtension;
        for (int n = 1; File.Exists(candidate); n++)
        {
            candidate = $"{segmentPath}.{n}{SetAsideExtension}";
        }
        return candidate;
    }

    private static void Truncate(string path, long length, RecordLogOptions options)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.SetLength(length);
        stream.Flush(flushToDisk: options.FlushToDisk);
    }

    private sealed record Segment(long FirstSequence, string Path);

    private sealed class PendingAppend(ReadOnlyMemory<byte> payload, uint payloadCrc, CancellationToken token)
        : TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public ReadOnlyMemory<byte> Payload { get; } = payload;

        public uint PayloadCrc { get; } = payloadCrc;

        public CancellationToken Token { get; } = token;

        /// <summary>The sequence number given by the writer; 0 when the append was cancelled before it was written.</summary>
        public long Sequence { get; set; }
    }
}
