// CharmContainersMount: makes the fake Pebble sockets appear at /charm/containers/<name>/pebble.socket,
// where ops (Python) and MlObs.Ops expect them, for the hook process only. One thread of the emulator
// leaves the process's mount namespace for a private one of its own (unshare(CLONE_FS | CLONE_NEWNS)),
// bind-mounts the run's charm root on /charm there, and starts dispatch: a child inherits the mount
// namespace of the thread that forks it. The real /charm is never mounted over, and dispatch is one
// fork and exec, as the unit agent makes it (no nsenter in between).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>A thread in a private mount namespace in which <c>/charm</c> is a directory of this run; it starts the hook's process.</summary>
internal sealed partial class CharmContainersMount : IDisposable
{
    /// <summary>Where Juju puts the charm container's shared directory (ops-contract §4.1).</summary>
    public const string CharmRoot = "/charm";

    private const int CloneFs = 0x200;
    private const int CloneNewNs = 0x20000;
    private const ulong MsBind = 0x1000;
    private const ulong MsRec = 0x4000;
    private const ulong MsPrivate = 0x40000;

    private readonly BlockingCollection<StartRequest> _requests = new();
    private readonly Thread _thread;

    private CharmContainersMount(string runCharmRoot, TaskCompletionSource<string?> ready)
    {
        _thread = new Thread(() => Serve(runCharmRoot, ready)) { IsBackground = true, Name = "mlobs charm namespace" };
        _thread.Start();
    }

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
        var whyNot = await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (whyNot is not null)
        {
            mount.Dispose();
            return (null, whyNot);
        }

        return (mount, null);
    }

    /// <summary>
    /// The <see cref="Stopwatch.GetTimestamp"/> taken on the namespace's thread just before the last
    /// <see cref="Start"/> forked: the hand-over to the thread is the emulator's, not the charm's.
    /// </summary>
    public long LastStartTimestamp { get; private set; }

    /// <summary>Starts a process inside the namespace (from the namespace's thread); it is what <see cref="Process.Start(ProcessStartInfo)"/> returns.</summary>
    /// <param name="startInfo">What to start.</param>
    /// <returns>The started process.</returns>
    public Process? Start(ProcessStartInfo startInfo)
    {
        // Process.Start is synchronous, so this hand-over is too: the caller waits for the thread.
        using var request = new StartRequest(startInfo);
        _requests.Add(request);
        request.Done.Wait();
        request.Error?.Throw();
        LastStartTimestamp = request.StartTimestamp;
        return request.Process;
    }

    /// <summary>Ends the thread, and with it the namespace once its processes have exited.</summary>
    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join();
        _requests.Dispose();
    }

    // The thread's body: its own fs attributes and mount namespace, /charm bound to the run's
    // directory, then one Process.Start per request until disposal.
    private void Serve(string runCharmRoot, TaskCompletionSource<string?> ready)
    {
        var whyNot = EnterPrivateNamespace(runCharmRoot);
        ready.SetResult(whyNot);
        if (whyNot is not null)
        {
            return;
        }

        foreach (var request in _requests.GetConsumingEnumerable())
        {
            try
            {
                request.StartTimestamp = Stopwatch.GetTimestamp();
                request.Process = Process.Start(request.StartInfo);
            }
#pragma warning disable CA1031 // The exception belongs to the caller of Start, which rethrows it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                request.Error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                request.Done.Set();
            }
        }
    }

    private static string? EnterPrivateNamespace(string runCharmRoot)
    {
        // CLONE_FS first: a thread that shares its root and working directory with the others cannot
        // change mount namespace; with it, the rest of the emulator stays where it was.
        if (Unshare(CloneFs | CloneNewNs) != 0)
        {
            return "unshare(CLONE_FS | CLONE_NEWNS) failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        // As `unshare --propagation private`: nothing mounted here reaches the host's namespace.
        if (Mount("none", "/", null, MsRec | MsPrivate, 0) != 0)
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
    private static partial int Mount(string source, string target, string? fileSystemType, ulong flags, nint data);

    private sealed class StartRequest(ProcessStartInfo startInfo) : IDisposable
    {
        public ProcessStartInfo StartInfo { get; } = startInfo;

        public ManualResetEventSlim Done { get; } = new();

        public Process? Process { get; set; }

        public long StartTimestamp { get; set; }

        public ExceptionDispatchInfo? Error { get; set; }

        public void Dispose() => Done.Dispose();
    }
}
