using System.Collections.Concurrent;
using System.Text;
using MlObs.DriftMonitor.Storage;

namespace MlObs.DriftMonitor.Tests.Storage;

public sealed class RecordLogTests
{
    private const int HeaderBytes = 20;

    private static readonly RecordLogOptions Fast = new() { FlushToDisk = false };

    private static byte[] Payload(int sequence, int length = 40)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(sequence * 31 + i * 7);
        }
        return bytes;
    }

    private static string SegmentPath(string directory, long first) => Path.Combine(directory, $"{first:D20}.wal");

    private static string[] SegmentNames(string directory) =>
        [.. Directory.GetFiles(directory, "*.wal").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static async Task AppendAll(RecordLog log, int count, int length = 40)
    {
        for (int i = 1; i <= count; i++)
        {
            Assert.Equal(log.LastSequence + 1, await log.AppendAsync(Payload((int)log.LastSequence + 1, length)));
        }
    }

    [Fact]
    public async Task AppendReopenReplay_RoundTripsEveryPayload_WithFlushToDisk()
    {
        using var dir = new TemporaryDirectory();
        byte[][] payloads = [[], "a"u8.ToArray(), Payload(3, 5000), Encoding.UTF8.GetBytes("записи ✓"), Payload(5, 1)];
        await using (RecordLog log = RecordLog.Open(dir.Path))
        {
            Assert.Equal(RecoveryOutcome.Clean, log.Recovery.Outcome);
            Assert.Equal(0, log.LastSequence);
            for (int i = 0; i < payloads.Length; i++)
            {
                Assert.Equal(i + 1, await log.AppendAsync(payloads[i]));
            }
            Assert.Equal(payloads.Length, log.LastSequence);
        }

        await using RecordLog reopened = RecordLog.Open(dir.Path);

        Assert.Equal(new RecoveryReport(RecoveryOutcome.Clean, 5, 5, 0, null, null, []), reopened.Recovery with { SetAside = [] });
        LogEntry[] replayed = [.. reopened.ReadAfter(0)];
        Assert.Equal([1L, 2, 3, 4, 5], replayed.Select(e => e.Sequence));
        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], replayed[i].Payload.ToArray());
        }
        Assert.Equal([4L, 5], reopened.ReadAfter(3).Select(e => e.Sequence));
        Assert.Empty(reopened.ReadAfter(5));
    }

    [Fact]
    public async Task Reopen_SequenceContinuesAfterLastEntry()
    {
        using var dir = new TemporaryDirectory();
        await using (RecordLog log = RecordLog.Open(dir.Path, Fast))
        {
            await AppendAll(log, 3);
        }
        await using (RecordLog log = RecordLog.Open(dir.Path, Fast))
        {
            Assert.Equal(3, log.LastSequence);
            Assert.Equal(4, await log.AppendAsync(Payload(4)));
            Assert.Equal(5, await log.AppendAsync(Payload(5)));
        }

        await using RecordLog last = RecordLog.Open(dir.Path, Fast);

        Assert.Equal([1L, 2, 3, 4, 5], last.ReadAfter(0).Select(e => e.Sequence));
        Assert.Equal(Payload(4), last.ReadAfter(3).First().Payload.ToArray());
    }

    [Fact]
    public async Task Open_TornLastEntry_TruncatedAtEveryByteOffset()
    {
        using var source = new TemporaryDirectory();
        const int lastPayload = 33;
        await using (RecordLog log = RecordLog.Open(source.Path, Fast))
        {
            await AppendAll(log, 2);
            await log.AppendAsync(Payload(3, lastPayload));
        }
        byte[] whole = File.ReadAllBytes(SegmentPath(source.Path, 1));
        int lastEntryBytes = HeaderBytes + lastPayload;
        int lastEntryStart = whole.Length - lastEntryBytes;

        for (int kept = 0; kept < lastEntryBytes; kept++)
        {
            using var dir = new TemporaryDirectory();
            File.WriteAllBytes(SegmentPath(dir.Path, 1), whole.AsSpan(0, lastEntryStart + kept).ToArray());

            await using (RecordLog log = RecordLog.Open(dir.Path, Fast))
            {
                Assert.Equal(kept == 0 ? RecoveryOutcome.Clean : RecoveryOutcome.TornTail, log.Recovery.Outcome);
                Assert.Equal(2, log.Recovery.EntriesFound);
                Assert.Equal(kept, log.Recovery.BytesTruncated);
                Assert.Equal(2, log.LastSequence);
                Assert.Equal(lastEntryStart, new FileInfo(SegmentPath(dir.Path, 1)).Length);
                Assert.Equal(3, await log.AppendAsync(Payload(30, lastPayload)));
            }
            await using RecordLog again = RecordLog.Open(dir.Path, Fast);
            Assert.Equal(RecoveryOutcome.Clean, again.Recovery.Outcome);
            Assert.Equal(Payload(30, lastPayload), again.ReadAfter(2).Single().Payload.ToArray());
        }
    }

    [Fact]
    public async Task Open_FlippedByteInLastEntry_DetectedAtEveryOffset()
    {
        using var source = new TemporaryDirectory();
        await using (RecordLog log = RecordLog.Open(source.Path, Fast))
        {
            await AppendAll(log, 3, length: 24);
        }
        byte[] whole = File.ReadAllBytes(SegmentPath(source.Path, 1));
        int lastEntryBytes = HeaderBytes + 24;
        int lastEntryStart = whole.Length - lastEntryBytes;

        for (int offset = lastEntryStart; offset < whole.Length; offset++)
        {
            using var dir = new TemporaryDirectory();
            byte[] damaged = (byte[])whole.Clone();
            damaged[offset] ^= 0x10;
            File.WriteAllBytes(SegmentPath(dir.Path, 1), damaged);

            await using RecordLog log = RecordLog.Open(dir.Path, Fast);

            Assert.True(log.Recovery.Outcome is RecoveryOutcome.CorruptTail or RecoveryOutcome.TornTail, $"byte {offset}: {log.Recovery}");
            Assert.Equal(2, log.Recovery.EntriesFound);
            Assert.Equal(lastEntryBytes, log.Recovery.BytesTruncated);
            Assert.Equal("00000000000000000001.wal", log.Recovery.Segment);
            Assert.Contains($"byte {lastEntryStart}", log.Recovery.Reason, StringComparison.Ordinal);
            Assert.Equal([1L, 2], log.ReadAfter(0).Select(e => e.Sequence));
        }
    }

    [Fact]
    public async Task Open_FlippedPayloadByte_ReportsChecksumMismatch()
    {
        using var dir = new TemporaryDirectory();
        await using (RecordLog log = RecordLog.Open(dir.Path, Fast))
        {
            await AppendAll(log, 2);
        }
        byte[] bytes = File.ReadAllBytes(SegmentPath(dir.Path, 1));
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(SegmentPath(dir.Path, 1), bytes);

        await using RecordLog reopened = RecordLog.Open(dir.Path, Fast);

        Assert.Equal(RecoveryOutcome.CorruptTail, reopened.Recovery.Outcome);
        Assert.Contains("checksum mismatch", reopened.Recovery.Reason, StringComparison.Ordinal);
        Assert.Contains("CorruptTail", reopened.Recovery.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ZeroFilledTail_TreatedAsTorn()
    {
        using var dir = new TemporaryDirectory();
        await using (RecordLog log = RecordLog.Open(dir.Path, Fast))
        {
            await AppendAll(log, 2);
        }
        using (var stream = new FileStream(SegmentPath(dir.Path, 1), FileMode.Append))
        {
            stream.Write(new byte[4096]);
        }

        await using RecordLog reopened = RecordLog.Open(dir.Path, Fast);

        Assert.Equal(RecoveryOutcome.TornTail, reopened.Recovery.Outcome);
        Assert.Equal(4096, reopened.Recovery.BytesTruncated);
        Assert.Equal(2, reopened.LastSequence);
    }

    [Fact]
    public async Task Open_CorruptEntryInOlderSegment_StopsReplayThereAndSetsTheRestAside()
    {
        using var dir = new TemporaryDirectory();
        var options = new RecordLogOptions { FlushToDisk = false, SegmentBytes = 3 * (HeaderBytes + 40) };
        await using (RecordLog log = RecordLog.Open(dir.Path, options))
        {
            await AppendAll(log, 9);
        }
        Assert.Equal(["00000000000000000001.wal", "00000000000000000004.wal", "00000000000000000007.wal"], SegmentNames(dir.Path));
        string middle = SegmentPath(dir.Path, 4);
        byte[] bytes = File.ReadAllBytes(middle);
        bytes[HeaderBytes + 40 + HeaderBytes + 5] ^= 0xFF; // the payload of sequence 5
        File.WriteAllBytes(middle, bytes);

        await using (RecordLog log = RecordLog.Open(dir.Path, options))
        {
            RecoveryReport report = log.Recovery;
            Assert.Equal(RecoveryOutcome.CorruptOlderSegment, report.Outcome);
            Assert.Equal(4, report.EntriesFound);
            Assert.Equal(4, log.LastSequence);
            Assert.Equal("00000000000000000004.wal", report.Segment);
            Assert.Equal(2 * (HeaderBytes + 40) + 3 * (HeaderBytes + 40), report.BytesTruncated);
            Assert.Equal([middle + ".corrupt", SegmentPath(dir.Path, 7) + ".corrupt"], report.SetAside);
            Assert.All(report.SetAside, path => Assert.True(File.Exists(path)));
            Assert.Equal(2 * (HeaderBytes + 40), new FileInfo(middle + ".corrupt").Length);
            Assert.Equal([1L, 2, 3, 4], log.ReadAfter(0).Select(e => e.Sequence));
            Assert.Equal(5, await log.AppendAsync(Payload(50)));
        }
        await using RecordLog again = RecordLog.Open(dir.Path, options);
        Assert.Equal(RecoveryOutcome.Clean, again.Recovery.Outcome);
        Assert.Equal(Payload(50), again.ReadAfter(4).Single().Payload.ToArray());
    }

    [Fact]
    public async Task Open_GapBetweenSegments_ReportedAsOlderSegmentCorruption()
    {
        using var dir = new TemporaryDirectory();
        var options = new RecordLogOptions { FlushToDisk = false, SegmentBytes = 2 * (HeaderBytes + 40) };
        await using (RecordLog log = RecordLog.Open(dir.Path, options))
        {
            await AppendAll(log, 6);
        }
        File.Delete(SegmentPath(dir.Path, 3));

        await using RecordLog reopened = RecordLog.Open(dir.Path, options);

        Assert.Equal(RecoveryOutcome.CorruptOlderSegment, reopened.Recovery.Outcome);
        Assert.Equal(2, reopened.LastSequence);
        Assert.Equal("00000000000000000005.wal", reopened.Recovery.Segment);
        Assert.Equal([1L, 2], reopened.ReadAfter(0).Select(e => e.Sequence));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWriters_GetUniqueIncreasingSequencesAndAllReplay()
    {
        using var dir = new TemporaryDirectory();
        const int writers = 16;
        const int perWriter = 200;
        var written = new ConcurrentDictionary<long, byte[]>();
        await using (RecordLog log = RecordLog.Open(dir.Path, new RecordLogOptions { FlushToDisk = false, SegmentBytes = 64 * 1024 }))
        {
            Task[] tasks = [.. Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                long previous = 0;
                for (int i = 0; i < perWriter; i++)
                {
                    byte[] payload = Encoding.UTF8.GetBytes($"writer {w} entry {i}");
                    long sequence = await log.AppendAsync(payload);
                    Assert.True(sequence > previous, $"writer {w}: {sequence} after {previous}");
                    Assert.True(written.TryAdd(sequence, payload), $"sequence {sequence} given twice");
                    previous = sequence;
                }
            }))];
            await Task.WhenAll(tasks);
            Assert.Equal(writers * perWriter, log.LastSequence);
        }

        await using RecordLog reopened = RecordLog.Open(dir.Path, Fast);

        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(i => (long)i), written.Keys.Order());
        int replayed = 0;
        foreach (LogEntry entry in reopened.ReadAfter(0))
        {
            Assert.Equal(written[entry.Sequence], entry.Payload.ToArray());
            replayed++;
        }
        Assert.Equal(writers * perWriter, replayed);
        Assert.True(SegmentNames(dir.Path).Length > 1);
    }

    [Fact]
    public async Task Checkpoint_DeletesCoveredSegments_ReplayReturnsOnlyLaterEntries()
    {
        using var dir = new TemporaryDirectory();
        var options = new RecordLogOptions { FlushToDisk = false, SegmentBytes = 4 * (HeaderBytes + 40) };
        await using (RecordLog log = RecordLog.Open(dir.Path, options))
        {
            await AppendAll(log, 20);
            Assert.Equal(5, SegmentNames(dir.Path).Length);

            log.Checkpoint(10);

            // Segments 1–4 and 5–8 hold only covered entries; 9–12 still holds 11 and 12.
            Assert.Equal(["00000000000000000009.wal", "00000000000000000013.wal", "00000000000000000017.wal"], SegmentNames(dir.Path));
            Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), log.ReadAfter(10).Select(e => e.Sequence));
        }
        await using (RecordLog log = RecordLog.Open(dir.Path, options))
        {
            Assert.Equal(RecoveryOutcome.Clean, log.Recovery.Outcome);
            Assert.Equal(20, log.LastSequence);
            Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), log.ReadAfter(10).Select(e => e.Sequence));
            Assert.Equal(Payload(15), log.ReadAfter(14).First().Payload.ToArray());

            log.Checkpoint(20);

            Assert.Equal(["00000000000000000021.wal"], SegmentNames(dir.Path));
            Assert.Empty(log.ReadAfter(20));
        }
        await using RecordLog emptied = RecordLog.Open(dir.Path, options);
        Assert.Equal(20, emptied.LastSequence);
        Assert.Equal(21, await emptied.AppendAsync(Payload(21)));
        Assert.Equal([21L], emptied.ReadAfter(0).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Checkpoint_BeyondLastSequence_Throws()
    {
        using var dir = new TemporaryDirectory();
        await using RecordLog log = RecordLog.Open(dir.Path, Fast);
        await AppendAll(log, 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => log.Checkpoint(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Checkpoint(-1));
        log.Checkpoint(0);
        Assert.Equal([1L, 2], log.ReadAfter(0).Select(e => e.Sequence));
    }

    [Fact]
    public async Task AppendAsync_SegmentFull_RollsToSegmentNamedByItsFirstSequence()
    {
        using var dir = new TemporaryDirectory();
        var options = new RecordLogOptions { FlushToDisk = false, SegmentBytes = 256 };
        await using (RecordLog log = RecordLog.Open(dir.Path, options))
        {
            await AppendAll(log, 7, length: 100); // 120-byte entries: two fit in 256 bytes
            Assert.Equal(8, await log.AppendAsync(Payload(8, 1000))); // larger than a segment: a segment of its own
            Assert.Equal(9, await log.AppendAsync(Payload(9, 100)));
        }

        Assert.Equal(
            ["00000000000000000001.wal", "00000000000000000003.wal", "00000000000000000005.wal", "00000000000000000007.wal",
             "00000000000000000008.wal", "00000000000000000009.wal"],
            SegmentNames(dir.Path));
        Assert.Equal(HeaderBytes + 1000, new FileInfo(SegmentPath(dir.Path, 8)).Length);
        await using RecordLog reopened = RecordLog.Open(dir.Path, options);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), reopened.ReadAfter(0).Select(e => e.Sequence));
        Assert.Equal(Payload(8, 1000), reopened.ReadAfter(7).First().Payload.ToArray());
    }

    [Fact]
    public async Task DisposeAsync_WithPendingAppends_CompletesEveryOneAndLaterAppendsThrow()
    {
        using var dir = new TemporaryDirectory();
        RecordLog log = RecordLog.Open(dir.Path, Fast);
        var pending = new List<Task<long>>();
        for (int i = 0; i < 2000; i++)
        {
            pending.Add(log.AppendAsync(Payload(i)).AsTask());
        }

        await log.DisposeAsync();

        Assert.All(pending, task => Assert.True(task.IsCompletedSuccessfully, task.Status.ToString()));
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), pending.Select(t => t.Result));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.AppendAsync(Payload(0)).AsTask());
        Assert.Throws<ObjectDisposedException>(() => log.ReadAfter(0));
        await log.DisposeAsync();
        log.Dispose();
        await using RecordLog reopened = RecordLog.Open(dir.Path, Fast);
        Assert.Equal(2000, reopened.LastSequence);
    }

    [Fact]
    public async Task Dispose_WithPendingAppends_CompletesEveryOne()
    {
        using var dir = new TemporaryDirectory();
        RecordLog log = RecordLog.Open(dir.Path, Fast);
        Task<long>[] pending = [.. Enumerable.Range(0, 500).Select(i => log.AppendAsync(Payload(i)).AsTask())];

        log.Dispose();

        Assert.All(pending, task => Assert.True(task.IsCompletedSuccessfully, task.Status.ToString()));
        Assert.Equal(500, (await Task.WhenAll(pending)).Max());
    }

    [Fact]
    public async Task AppendAsync_PayloadTooLarge_ThrowsArgumentException_AndLogStaysUsable()
    {
        using var dir = new TemporaryDirectory();
        await using RecordLog log = RecordLog.Open(dir.Path, new RecordLogOptions { FlushToDisk = false, MaxPayloadBytes = 1000 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync(new byte[1001]).AsTask());

        Assert.Contains("1001", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await log.AppendAsync(new byte[1000]));
    }

    [Fact]
    public async Task AppendAsync_CancelledToken_IsCancelledAndTakesNoSequence()
    {
        using var dir = new TemporaryDirectory();
        await using RecordLog log = RecordLog.Open(dir.Path, Fast);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.AppendAsync(Payload(1), new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(1, await log.AppendAsync(Payload(1)));
    }

    [Fact]
    public void Open_SameDirectoryTwice_ThrowsIOException()
    {
        using var dir = new TemporaryDirectory();
        using RecordLog log = RecordLog.Open(dir.Path, Fast);

        var error = Assert.Throws<IOException>(() => RecordLog.Open(dir.Path, Fast));

        Assert.Contains("already open", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_InvalidOptions_ThrowsArgumentException()
    {
        using var dir = new TemporaryDirectory();

        Assert.Throws<ArgumentException>(() => RecordLog.Open(dir.Path, new RecordLogOptions { SegmentBytes = 10 }));
        Assert.Throws<ArgumentException>(() => RecordLog.Open(dir.Path, new RecordLogOptions { MaxPayloadBytes = -1 }));
    }

    [Fact]
    public async Task AppendAsync_WriteFails_FailsThatAppendAndTheLogStaysFailed()
    {
        using var dir = new TemporaryDirectory();
        string logDirectory = dir.Combine("model-a");
        var options = new RecordLogOptions { FlushToDisk = false, SegmentBytes = 2 * (HeaderBytes + 40) };
        await using RecordLog log = RecordLog.Open(logDirectory, options);
        await AppendAll(log, 2);
        Directory.Delete(logDirectory, recursive: true); // the next append must start a segment, and cannot

        await Assert.ThrowsAnyAsync<IOException>(() => log.AppendAsync(Payload(3)).AsTask());

        Assert.True(log.IsFailed);
        Assert.Equal(2, log.LastSequence);
        var later = await Assert.ThrowsAsync<IOException>(() => log.AppendAsync(Payload(4)).AsTask());
        Assert.IsAssignableFrom<IOException>(later.InnerException);
        Assert.Throws<IOException>(() => log.Checkpoint(1));
    }
}
