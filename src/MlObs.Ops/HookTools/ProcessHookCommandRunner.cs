// The production IHookCommandRunner: runs each hook tool as a child process.
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace MlObs.Ops.HookTools;

/// <summary>
/// Runs hook tools as child processes. The tool is looked up by its bare name on the PATH given
/// here (the hook's PATH, which includes the Juju tools directory); its standard output and
/// standard error are captured in full.
/// </summary>
public sealed class ProcessHookCommandRunner : IHookCommandRunner
{
    private static readonly UTF8Encoding _utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string? _path;
    private readonly string? _workingDirectory;

    /// <summary>Creates a runner.</summary>
    /// <param name="path">
    /// The PATH to resolve tools on and to hand to them; <see langword="null"/> uses this process's PATH.
    /// </param>
    /// <param name="workingDirectory">The tools' working directory (relative <c>--file</c> paths resolve against it); <see langword="null"/> keeps this process's.</param>
    public ProcessHookCommandRunner(string? path = null, string? workingDirectory = null)
    {
        _path = path;
        _workingDirectory = workingDirectory;
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

        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = _utf8NoBom,
            StandardOutputEncoding = _utf8NoBom,
            StandardErrorEncoding = _utf8NoBom,
        };
        foreach (var argument in request.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (_workingDirectory is not null)
        {
            startInfo.WorkingDirectory = _workingDirectory;
        }

        if (_path is not null)
        {
            startInfo.Environment["PATH"] = _path;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw ModelException.NotStarted(request.Tool, $"hook tool '{request.Tool}' could not be started: {ex.Message}", ex);
        }

        try
        {
            // Both pipes are drained concurrently with the stdin write, so a tool that prints a lot
            // before (or instead of) reading its input cannot deadlock us.
            var stdoutTask = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderrTask = process.StandardError.ReadToEndAsync(cancellationToken);
            await WriteStdinAsync(process, request.Stdin, cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var stdout = await stdoutTask.ConfigureAwait(false);
            var stderr = await stderrTask.ConfigureAwait(false);
            return new HookCommandResult(process.ExitCode, stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private static async Task WriteStdinAsync(Process process, string? stdin, CancellationToken cancellationToken)
    {
        // Stdin is always redirected: a tool that reads it gets our text or an immediate end of
        // file, never the charm process's own stdin.
        var writer = process.StandardInput;
        try
        {
            if (stdin is not null)
            {
                await writer.WriteAsync(stdin.AsMemory(), cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The tool exited without reading all of its input; its exit code and stderr tell why.
        }
        finally
        {
            try
            {
                writer.Close();
            }
            catch (IOException)
            {
                // Closing a pipe the tool already closed; nothing more to deliver.
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Could not be killed (already gone); nothing more to do.
        }
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
        return (File.GetUnixFileMode(candidate) & AnyExecute) != 0;
    }
}
