// The production IHookCommandRunner: runs each hook tool as a child process.
namespace MlObs.Ops.HookTools;

/// <summary>
/// Runs hook tools as child processes. The tool is looked up by its bare name on the PATH given
/// here (the hook's PATH, which includes the Juju tools directory); its standard output and
/// standard error are captured in full.
/// </summary>
/// <remarks>
/// On Linux (x64 and arm64) the tool is started with <c>posix_spawn</c> and driven by one
/// <c>poll</c> loop on the calling thread, so the returned task has usually completed by the time
/// it is returned. Elsewhere <see cref="System.Diagnostics.Process"/> runs it.
/// </remarks>
public sealed class ProcessHookCommandRunner : IHookCommandRunner
{
    private readonly string? _path;
    private readonly string? _workingDirectory;
    private readonly bool _useProcessClass;

    /// <summary>Creates a runner.</summary>
    /// <param name="path">
    /// The PATH to resolve tools on and to hand to them; <see langword="null"/> uses this process's PATH.
    /// </param>
    /// <param name="workingDirectory">The tools' working directory (relative <c>--file</c> paths resolve against it); <see langword="null"/> keeps this process's.</param>
    public ProcessHookCommandRunner(string? path = null, string? workingDirectory = null)
        : this(path, workingDirectory, useProcessClass: false)
    {
    }

    /// <summary>Creates a runner; tests set <paramref name="useProcessClass"/> to exercise the portable path on Linux.</summary>
    internal ProcessHookCommandRunner(string? path, string? workingDirectory, bool useProcessClass)
    {
        _path = path;
        _workingDirectory = workingDirectory;
        _useProcessClass = useProcessClass;
    }

    /// <inheritdoc/>
    public async Task<HookCommandResult> RunAsync(HookCommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Tool);
        ArgumentNullException.ThrowIfNull(request.Arguments);
        cancellationToken.ThrowIfCancellationRequested();

        var executable = Resolve(request.Tool)
            ?? throw ModelException.NotStarted(
                request.Tool,
                $"hook tool '{request.Tool}' was not found on PATH (is this running inside a Juju hook?)",
                null);

        if (!_useProcessClass && PosixSpawnHookRunner.IsSupported)
        {
            // Synchronous on purpose: a hook tool call is a blocking wait for a short-lived child,
            // and doing it on this thread is what saves Process's threads and context switches.
            var result = PosixSpawnHookRunner.Run(
                request.Tool, executable, request.Arguments, request.Stdin, _path, _workingDirectory, cancellationToken);
            if (result is not null)
            {
                return result;
            }
        }

        return await ProcessClassHookRunner.RunAsync(
            request.Tool, executable, request.Arguments, request.Stdin, _path, _workingDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds <paramref name="tool"/> on the PATH, as a shell would; null when absent.</summary>
    private string? Resolve(string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal) || tool.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"hook tool name '{tool}' must be a bare name, not a path", nameof(tool));
        }

        var path = _path ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }

            if (OperatingSystem.IsWindows() && IsExecutableFile(candidate + ".exe"))
            {
                return Path.GetFullPath(candidate + ".exe");
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string candidate)
    {
        if (!File.Exists(candidate))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            return (File.GetUnixFileMode(candidate) & AnyExecute) != 0;
        }
        catch (IOException)
        {
            // A dangling symlink (File.Exists sees the link, not its target): not a usable tool.
            return false;
        }
    }
}
