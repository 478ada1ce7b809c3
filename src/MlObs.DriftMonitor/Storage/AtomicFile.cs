using System.Runtime.InteropServices;

namespace MlObs.DriftMonitor.Storage;

/// <summary>
/// Whole-file replacement that survives a crash or a power loss: the new content is written to a temporary file in the
/// target's directory (<c>.&lt;name&gt;.&lt;random&gt;.tmp</c>), flushed to the disk, renamed over the target (an atomic
/// replace on POSIX file systems) and the directory is flushed so that the rename itself is durable. A reader sees the old
/// file or the new one, never a mix; after a crash at most a temporary file is left behind
/// (<see cref="CleanTemporaryFiles"/> removes it).
/// </summary>
/// <remarks>
/// Directory flushes use <c>open(O_RDONLY|O_DIRECTORY)</c>, <c>fsync</c> and <c>close</c> from libc and happen on Linux
/// only; on other systems <see cref="FsyncDirectory"/> does nothing, so the rename is atomic but its durability is up to
/// the file system.
/// </remarks>
public static partial class AtomicFile
{
    private const string TemporarySuffix = ".tmp";

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes, atomically and durably.</summary>
    /// <param name="path">The target file; its directory must exist. The file itself may or may not exist.</param>
    /// <param name="write">Writes the whole new content to the stream it is given (do not dispose the stream).</param>
    /// <exception cref="IOException">The temporary file could not be written, flushed or renamed.</exception>
    /// <remarks>
    /// When <paramref name="write"/> throws, or writing, flushing or renaming fails, the temporary file is deleted, the
    /// target is left as it was and the exception propagates.
    /// </remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string temporary = TemporaryPathFor(target);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
        FsyncDirectory(Path.GetDirectoryName(target)!);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes, atomically and durably (the asynchronous
    /// form of <see cref="Write"/>; the flush to disk and the directory flush are synchronous system calls).
    /// </summary>
    /// <param name="path">The target file; its directory must exist.</param>
    /// <param name="write">Writes the whole new content to the stream it is given (do not dispose the stream).</param>
    /// <param name="ct">Cancels the write; the target is then left as it was.</param>
    /// <exception cref="IOException">The temporary file could not be written, flushed or renamed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before the rename.</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string temporary = TemporaryPathFor(target);
        try
        {
            var stream = new FileStream(
                temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await write(stream, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            ct.ThrowIfCancellationRequested();
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
        FsyncDirectory(Path.GetDirectoryName(target)!);
    }

    /// <summary>Deletes a file, if it exists, and flushes its directory so that the deletion survives a power loss.</summary>
    /// <param name="path">The file to delete; a missing file is not an error, a missing directory is.</param>
    /// <exception cref="IOException">The file could not be deleted or the directory could not be flushed.</exception>
    public static void Delete(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        File.Delete(target);
        FsyncDirectory(Path.GetDirectoryName(target)!);
    }

    /// <summary>
    /// Flushes a directory to the disk, making the creations, renames and deletions of its entries durable. Does nothing on
    /// systems other than Linux, and on file systems that do not support flushing a directory (EINVAL, ENOTSUP).
    /// </summary>
    /// <param name="directory">The directory to flush.</param>
    /// <exception cref="IOException">The directory could not be opened or flushed (the message carries the errno text).</exception>
    public static void FsyncDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int descriptor = LibC.Open(directory, LibC.ReadOnly | LibC.DirectoryFlag);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(error)}.");
        }
        try
        {
            if (LibC.Fsync(descriptor) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (error is not (LibC.InvalidArgument or LibC.NotSupported))
                {
                    throw new IOException($"Cannot flush directory '{directory}': {Marshal.GetPInvokeErrorMessage(error)}.");
                }
            }
        }
        finally
        {
            _ = LibC.Close(descriptor);
        }
    }

    /// <summary>
    /// Removes the temporary files (<c>.*.tmp</c>) that a crash during <see cref="Write"/> or <see cref="WriteAsync"/> left in
    /// <paramref name="directory"/>. Call it at start-up, before any write into the directory begins. A missing directory
    /// is not an error.
    /// </summary>
    /// <param name="directory">The directory to clean (not its subdirectories).</param>
    /// <exception cref="IOException">A leftover file could not be deleted.</exception>
    public static void CleanTemporaryFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            return;
        }
        bool removed = false;
        foreach (string file in Directory.EnumerateFiles(directory, "." + "*" + TemporarySuffix))
        {
            File.Delete(file);
            removed = true;
        }
        if (removed)
        {
            FsyncDirectory(directory);
        }
    }

    private static string TemporaryPathFor(string target)
    {
        string directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{target}' names a root, not a file.", nameof(target));
        string name = Path.GetFileName(target);
        if (name.Length == 0)
        {
            throw new ArgumentException($"'{target}' names a directory, not a file.", nameof(target));
        }
        return Path.Combine(directory, $".{name}.{Guid.NewGuid():N}{TemporarySuffix}");
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure is the one worth reporting; a leftover is removed by CleanTemporaryFiles.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static partial class LibC
    {
        public const int ReadOnly = 0;
        public const int InvalidArgument = 22;
        public const int NotSupported = 95;

        // O_DIRECTORY is 0200000 (octal) in the generic Linux ABI and 040000 on ARM and PowerPC.
        public static readonly int DirectoryFlag = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le => 0x4000,
            _ => 0x10000,
        };

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(int descriptor);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int descriptor);
    }
}
