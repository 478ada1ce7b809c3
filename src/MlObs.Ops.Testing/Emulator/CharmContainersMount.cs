// CharmContainersMount: makes the fake Pebble sockets appear at /charm/containers/<name>/pebble.socket,
// where ops (Python) and MlObs.Ops expect them, for the hook process only. A private mount namespace
// is held open by a sleeping `unshare` process; the run's charm root is bind-mounted on /charm in it,
// and dispatch is started inside it through `nsenter`. The real /charm is never mounted over.
using System.Diagnostics;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>A private mount namespace in which <c>/charm</c> is a directory of this run.</summary>
internal sealed class CharmContainersMount : IAsyncDisposable
{
    /// <summary>Where Juju puts the charm container's shared directory (ops-contract §4.1).</summary>
    public const string CharmRoot = "/charm";

    private readonly Process _holder;
    private readonly string _nsenter;

    private CharmContainersMount(Process holder, string nsenter)
    {
        _holder = holder;
        _nsenter = nsenter;
        NamespacePath = $"/proc/{holder.Id}/ns/mnt";
    }

    /// <summary>The namespace file <c>nsenter --mount=</c> enters.</summary>
    public string NamespacePath { get; }

    /// <summary>
    /// Creates the namespace and bind-mounts <paramref name="runCharmRoot"/> on <c>/charm</c> in it.
    /// Needs root and util-linux's <c>unshare</c> and <c>nsenter</c>; returns null with the reason otherwise.
    /// </summary>
    /// <param name="runCharmRoot">The directory that holds <c>containers/&lt;name&gt;/pebble.socket</c>.</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
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

        var unshare = FindOnPath("unshare");
        var nsenter = FindOnPath("nsenter");
        if (unshare is null || nsenter is null)
        {
            return (null, "util-linux's unshare and nsenter are needed on PATH");
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

        var start = new ProcessStartInfo(unshare) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { "--mount", "--propagation", "private", "--", "sleep", "infinity" })
        {
            start.ArgumentList.Add(argument);
        }

        var holder = Process.Start(start);
        if (holder is null)
        {
            return (null, "could not start unshare");
        }

        var mount = new CharmContainersMount(holder, nsenter);
        try
        {
            var whyNot = await mount.BindAsync(runCharmRoot, cancellationToken).ConfigureAwait(false);
            if (whyNot is not null)
            {
                await mount.DisposeAsync().ConfigureAwait(false);
                return (null, whyNot);
            }
        }
        catch
        {
            await mount.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return (mount, null);
    }

    /// <summary>The program and arguments that run <paramref name="program"/> inside the namespace, in <paramref name="workingDirectory"/>.</summary>
    /// <param name="program">The program to run.</param>
    /// <param name="workingDirectory">Its working directory (entering a mount namespace resets it to <c>/</c>).</param>
    /// <returns><c>nsenter --mount=… --wd=… -- program</c>.</returns>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string program, string workingDirectory) =>
        (_nsenter, [$"--mount={NamespacePath}", $"--wd={workingDirectory}", "--", program]);

    /// <summary>Ends the namespace (its mount goes with it).</summary>
    /// <returns>A task that completes when the holder has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_holder.HasExited)
            {
                _holder.Kill();
                await _holder.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _holder.Dispose();
    }

    private async Task<string?> BindAsync(string runCharmRoot, CancellationToken cancellationToken)
    {
        // unshare(1) calls unshare(2) and then execs sleep; until it has, /proc/<pid>/ns/mnt is still
        // the host's namespace, and a mount there would land on the real /charm. Wait for it to differ.
        var own = ReadNamespace("/proc/self/ns/mnt");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (_holder.HasExited)
            {
                var error = (await _holder.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
                return $"unshare --mount failed: {(error.Length > 0 ? error : "exit code " + _holder.ExitCode)}";
            }

            var theirs = ReadNamespace(NamespacePath);
            if (theirs is not null && theirs != own)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                return "unshare did not enter a new mount namespace within 10 s";
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }

        var result = await ChildProcess.RunAsync(
            _nsenter,
            [$"--mount={NamespacePath}", "--", "mount", "--bind", runCharmRoot, CharmRoot],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
            "/",
            timeout: TimeSpan.FromSeconds(30),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? null : $"mount --bind {runCharmRoot} {CharmRoot} failed: {result.Stderr.Trim()}";
    }

    private static string? ReadNamespace(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRoot() =>
        File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
