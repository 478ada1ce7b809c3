// ChildProcess: runs a program (a charm's dispatch, a hook tool, a nested dotnet) with a chosen
// environment, optional stdin and a timeout, and returns its exit code and output.
using System.Diagnostics;
using System.Text;

namespace MlObs.Ops.Testing;

/// <summary>What a finished child process left behind.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>
    /// How long the process ran: from just before it was started to the moment it was reaped (the exit the
    /// runtime's child watcher saw), without the time this process took to hand the exit on to its awaiter.
    /// </summary>
    public TimeSpan Ran { get; init; }

    /// <summary>Exit code and output, for assertion messages.</summary>
    public string Describe() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs child processes with an exact environment.</summary>
public static class ChildProcess
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // Variables that `dotnet test` hands to the test host for its own MSBuild; a nested `dotnet`
    // command must find its SDK afresh instead.
    private static readonly string[] BuildHostVariables =
    [
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH", "VSTEST_HOST_DEBUG",
    ];

    /// <summary>The <c>dotnet</c> muxer running this process (tests, <c>dotnet run</c>), else <c>dotnet</c> from PATH.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>This process's environment less what would confuse a nested <c>dotnet</c> command.</summary>
    public static Dictionary<string, string> EnvironmentForDotnet()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!BuildHostVariables.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                environment[name] = (string?)entry.Value ?? "";
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with exactly <paramref name="environment"/> (nothing is
    /// inherited), feeding it <paramref name="stdin"/> (or an empty stdin) and killing it with its
    /// children after <paramref name="timeout"/> (two minutes by default).
    /// </summary>
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">Its arguments, passed verbatim.</param>
    /// <param name="environment">Its whole environment.</param>
    /// <param name="workingDirectory">Its working directory.</param>
    /// <param name="stdin">What to write to its standard input, or null for none.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="cancellationToken">Cancels the run (and kills the program).</param>
    /// <returns>Its exit code and output.</returns>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/>.</exception>
    public static Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string? stdin = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(fileName, arguments, environment, workingDirectory, stdin, timeout, start: null, cancellationToken);

    /// <summary>
    /// As the public overload, with <paramref name="start"/> starting the process instead of
    /// <see cref="Process.Start(ProcessStartInfo)"/> (the emulator starts a charm from a thread in its
    /// own mount namespace).
    /// </summary>
    internal static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string? stdin,
        TimeSpan? timeout,
        Func<ProcessStartInfo, Process?>? start,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        var started = DateTime.UtcNow;
        using var process = (start ?? Process.Start)(startInfo)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
            try
            {
                if (stdin is not null)
                {
                    await process.StandardInput.WriteAsync(stdin.AsMemory(), timeoutSource.Token);
                }
            }
            catch (IOException)
            {
                // The program exited without reading all of its stdin; its exit code tells the rest.
            }
            finally
            {
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(timeoutSource.Token);
            return new ProcessResult(process.ExitCode, await stdout, await stderr) { Ran = process.ExitTime.ToUniversalTime() - started };
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time");
        }
    }
}
