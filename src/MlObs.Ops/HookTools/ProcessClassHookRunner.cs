// The portable way to run a hook tool: System.Diagnostics.Process. Used where posix_spawn is not.
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace MlObs.Ops.HookTools;

/// <summary>
/// Runs one resolved hook tool with <see cref="Process"/>. ProcessHookCommandRunner uses it on
/// operating systems and architectures where <see cref="PosixSpawnHookRunner"/> does not apply,
/// and when the C library lacks a function that runner needs.
/// </summary>
internal static class ProcessClassHookRunner
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs <paramref name="executable"/> to completion and captures what it printed.</summary>
    /// <param name="tool">The bare tool name, for error messages.</param>
    /// <param name="executable">The tool's full path, already resolved on PATH.</param>
    /// <param name="arguments">argv after the tool, verbatim.</param>
    /// <param name="stdin">Text for standard input; null for an immediate end of file.</param>
    /// <param name="path">The PATH handed to the tool; null keeps this process's.</param>
    /// <param name="workingDirectory">The tool's working directory; null keeps this process's.</param>
    /// <param name="cancellationToken">Kills the tool (and its children) when cancelled.</param>
    public static async Task<HookCommandResult> RunAsync(
        string tool,
        string executable,
        IReadOnlyList<string> arguments,
        string? stdin,
        string? path,
        string? workingDirectory,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8NoBom,
            StandardOutputEncoding = Utf8NoBom,
            StandardErrorEncoding = Utf8NoBom,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (path is not null)
        {
            startInfo.Environment["PATH"] = path;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw ModelException.NotStarted(tool, $"hook tool '{tool}' could not be started: {ex.Message}", ex);
        }

        try
        {
            // Both pipes are drained concurrently with the stdin write, so a tool that prints a lot
            // before (or instead of) reading its input cannot deadlock us.
            var stdoutTask = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderrTask = process.StandardError.ReadToEndAsync(cancellationToken);
            await WriteStdinAsync(process, stdin, cancellationToken).ConfigureAwait(false);
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
}
