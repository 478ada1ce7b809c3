// CharmContainersMount: makes the fake Pebble sockets appear at /charm/containers/<name>/pebble.socket,
// where ops (Python) and MlObs.Ops expect them, for the hook process only. A thread of the emulator
// leaves the process's mount namespace for a private one of its own (unshare(CLONE_FS | CLONE_NEWNS)),
// bind-mounts the run's charm root on /charm there, and starts dispatch: a child inherits the mount
// namespace of the thread that forks it. The real /charm is never mounted over, and dispatch is one
// fork and exec, as the unit agent makes it (no nsenter in between).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>A thread in a private mount namespace in which <c>/charm</c> is a directory of this run; it starts the hook's processes.</summary>
internal sealed partial class CharmContainersMount : IDisposable
{
    /// <summary>Where Juju puts the charm container's shared directory (ops-contract §4.1).</summary>
    public const string CharmRoot = "/charm";

    private const int CloneFs = 0x200;
    private const int CloneNewNs = 0x20000;
    private const ulong MsBind = 0x1000;
    private const ulong MsRec = 0x4000;
    private const ulong MsPrivate = 0x40000;

    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;
    private bool _disposed;

    private CharmContainersMount(string runCharmRoot, TaskCompletionSource<string?> ready)
    {
        _thread = new Thread(() => Serve(runCharmRoot, ready)) { IsBackground = true, Name = "mlobs charm namespace" };
        _thread.Start();
    }

    /// <summary>The Linux thread id of the namespace's thread (<c>/proc/self/task/&lt;id&gt;</c>), for checks that it is gone.</summary>
    public int ThreadId { get; private set; }

    /// <summary>
    /// Makes the namespace and bind-mounts <paramref name="runCharmRoot"/> on <c>/charm</c> in it.
    /// Needs Linux and root (CAP_SYS_ADMIN); returns null with the reason otherwise.
    /// </summary>
    /// <param name="runCharmRoot">The directory that holds <c>containers/&lt;name&gt;/pebble.socket</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the namespace.</param>
    /// <returns>The mount, or null and why it could not be made.</returns>
    public static async Task<(CharmContainersMount? Mount, string? WhyNot)> TryCreateAsync(string runCharmRoot, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "a private mount namespace needs Linux");
        }

        if (!IsRoot())
        {
            return (null, "a private mount namespace needs root (run the emulator as root)");
        }

        // The bind mount needs a mount point. An empty /charm is created when there is none; nothing
        // is ever mounted on it outside the private namespace.
        if (!Directory.Exists(CharmRoot))
        {
            try
            {
                Directory.CreateDirectory(CharmRoot);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"cannot create the mount point {CharmRoot}: {e.Message}");
            }
        }

        var ready = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var mount = new CharmContainersMount(runCharmRoot, ready);
        try
        {
            var whyNot = await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (whyNot is not null)
            {
                mount.Dispose();
                return (null, whyNot);
            }
        }
        catch
        {
            mount.Dispose();
            throw;
        }

        return (mount, null);
    }

    /// <summary>
    /// Starts a process inside the namespace: <see cref="Process.Start(ProcessStartInfo)"/> called on
    /// the namespace's thread, so the fork inherits its mount namespace. The caller waits for the fork.
    /// </summary>
    /// <param name="startInfo">What to start.</param>
    /// <returns>The started process.</returns>
    public Process? Start(ProcessStartInfo startInfo)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Process? process = null;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        _work.Add(() =>
        {
            try
            {
                process = Process.Start(startInfo);
            }
#pragma warning disable CA1031 // The exception belongs to the caller of Start, which rethrows it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        error?.Throw();
        return process;
    }

    /// <summary>Ends the thread; the namespace, and the bind mount in it, go with the last process in it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }

    // The thread's body: its own fs attributes and mount namespace, /charm bound to the run's
    // directory, then the work items (process starts) until disposal; then the thread exits.
    private void Serve(string runCharmRoot, TaskCompletionSource<string?> ready)
    {
        ThreadId = GetThreadId();
        var whyNot = EnterPrivateNamespace(runCharmRoot);
        ready.SetResult(whyNot);
        if (whyNot is not null)
        {
            return;
        }

        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    private static string? EnterPrivateNamespace(string runCharmRoot)
    {
        // CLONE_FS with it: a thread that shares its root and working directory with the others
        // cannot change mount namespace; with it, the rest of the emulator stays where it was.
        if (Unshare(CloneFs | CloneNewNs) != 0)
        {
            return "unshare(CLONE_FS | CLONE_NEWNS) failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        // As `unshare --propagation private`: nothing mounted here reaches the host's namespace.
        if (Mount(null, "/", null, MsRec | MsPrivate, 0) != 0)
        {
            return "making / private in the new mount namespace failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        if (Mount(runCharmRoot, CharmRoot, null, MsBind, 0) != 0)
        {
            return $"mount --bind {runCharmRoot} {CharmRoot} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
        }

        return null;
    }

    private static bool IsRoot() =>
        File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0");

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, nint data);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
