using MlObs.DriftMonitor.Storage;

namespace MlObs.DriftMonitor.Tests.Storage;

public sealed class AtomicFileTests
{
    [Fact]
    public void Write_ReplacesExistingFile_AndLeavesNoTemporaryFile()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("state.json");
        File.WriteAllText(target, "old");

        AtomicFile.Write(target, stream => stream.Write("new content"u8));

        Assert.Equal("new content", File.ReadAllText(target));
        Assert.Equal(["state.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_WriterThrows_TargetUntouchedAndTemporaryFileDeleted()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("state.json");
        File.WriteAllText(target, "old");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write("half written"u8);
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal("writer failed", error.Message);
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal(["state.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_TargetMissing_CreatesIt()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("new.bin");

        AtomicFile.Write(target, stream => stream.Write([1, 2, 3]));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
    }

    [Fact]
    public async Task WriteAsync_ReplacesExistingFile()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("state.json");
        File.WriteAllText(target, "old");

        await AtomicFile.WriteAsync(target, (stream, ct) => stream.WriteAsync("async content"u8.ToArray(), ct).AsTask(), CancellationToken.None);

        Assert.Equal("async content", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task WriteAsync_WriterThrows_TargetUntouchedAndTemporaryFileDeleted()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("state.json");
        File.WriteAllText(target, "old");

        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(target, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[100_000], ct);
            throw new IOException("disk full");
        }, CancellationToken.None));

        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_TargetUntouchedAndTemporaryFileDeleted()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("state.json");
        File.WriteAllText(target, "old");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(target, async (stream, ct) =>
        {
            await stream.WriteAsync("partial"u8.ToArray(), ct);
            await cancellation.CancelAsync();
        }, cancellation.Token));

        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Write_ConcurrentReader_AlwaysSeesOneWholeVersion()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("snapshot.bin");
        byte[] first = Enumerable.Repeat((byte)'a', 256 * 1024).ToArray();
        byte[] second = Enumerable.Repeat((byte)'b', 256 * 1024).ToArray();
        File.WriteAllBytes(target, first);
        using var stop = new CancellationTokenSource();
        var seen = new List<string>();

        Task reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                byte[] content = File.ReadAllBytes(target);
                bool whole = content.Length == first.Length && (content.AsSpan().SequenceEqual(first) || content.AsSpan().SequenceEqual(second));
                if (!whole)
                {
                    seen.Add($"a torn read of {content.Length} bytes");
                }
            }
        });
        for (int i = 0; i < 200; i++)
        {
            byte[] version = i % 2 == 0 ? second : first;
            AtomicFile.Write(target, stream => stream.Write(version));
        }
        await stop.CancelAsync();
        await reader;

        Assert.Empty(seen);
    }

    [Fact]
    public void CleanTemporaryFiles_RemovesLeftoversOnly()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.Combine(".state.json.0123abcd.tmp"), "leftover");
        File.WriteAllText(dir.Combine(".profile.json.ffff.tmp"), "leftover");
        File.WriteAllText(dir.Combine("state.json"), "kept");
        File.WriteAllText(dir.Combine("notes.tmp"), "kept: no leading dot");
        File.WriteAllText(dir.Combine(".hidden"), "kept: not .tmp");

        AtomicFile.CleanTemporaryFiles(dir.Path);

        Assert.Equal([".hidden", "notes.tmp", "state.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CleanTemporaryFiles_MissingDirectory_DoesNothing()
    {
        using var dir = new TemporaryDirectory();

        AtomicFile.CleanTemporaryFiles(dir.Combine("absent"));

        Assert.False(Directory.Exists(dir.Combine("absent")));
    }

    [Fact]
    public void Delete_RemovesFile_MissingFileIsNoError()
    {
        using var dir = new TemporaryDirectory();
        string target = dir.Combine("old.json");
        File.WriteAllText(target, "x");

        AtomicFile.Delete(target);
        AtomicFile.Delete(target);

        Assert.False(File.Exists(target));
    }

    [SkippableFact]
    public void FsyncDirectory_ExistingDirectorySucceeds_MissingDirectoryThrowsIOException()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Directories are flushed on Linux only.");
        using var dir = new TemporaryDirectory();

        AtomicFile.FsyncDirectory(dir.Path);
        var error = Assert.Throws<IOException>(() => AtomicFile.FsyncDirectory(dir.Combine("absent")));

        Assert.Contains("absent", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void FsyncDirectory_RegularFile_ThrowsIOException()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Directories are flushed on Linux only.");
        using var dir = new TemporaryDirectory();
        string file = dir.Combine("plain.txt");
        File.WriteAllText(file, "x");

        // O_DIRECTORY makes open fail with ENOTDIR: proof that the flag value is right for this architecture.
        Assert.Throws<IOException>(() => AtomicFile.FsyncDirectory(file));
    }
}
