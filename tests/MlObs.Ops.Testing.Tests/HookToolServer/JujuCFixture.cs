// JujuCFixture: an xunit collection fixture that publishes mlobs-jujuc Native AOT once per run,
// links every hook tool to it, and starts a HookToolServer whose answers each test scripts.
using System.Diagnostics;

using MlObs.Ops.Testing;
using MlObs.Ops.Testing.HookTools;

namespace MlObs.Ops.Tests.HookToolServer;

/// <summary>The tests that run mlobs-jujuc share one publish and one server.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedJujuC : ICollectionFixture<JujuCFixture>
{
    public const string Name = "Published mlobs-jujuc";
}

/// <summary>What a tool process left behind, as bytes.</summary>
public sealed record ToolResult(int ExitCode, byte[] Stdout, byte[] Stderr)
{
    public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);

    public string StderrText => System.Text.Encoding.UTF8.GetString(Stderr);

    public string Describe() => $"exit code {ExitCode}\n--- stdout ---\n{StdoutText}\n--- stderr ---\n{StderrText}";
}

public sealed class JujuCFixture : IAsyncLifetime
{
    private Func<HookToolCall, CancellationToken, Task<HookToolReply>> _handler =
        (_, _) => Task.FromResult(HookToolReply.Ok());

    public string Root { get; } = Directory.CreateTempSubdirectory("mlobs-jujuc-tests-").FullName;

    public string Binary { get; private set; } = "";

    public string ToolsDir => Path.Combine(Root, "tools");

    public Testing.HookTools.HookToolServer Server { get; private set; } = null!;

    /// <summary>Replaces the server's handler for the next calls (the tests of the collection run one at a time).</summary>
    public Func<HookToolCall, CancellationToken, Task<HookToolReply>> Handler
    {
        set => Volatile.Write(ref _handler, value);
    }

    public async Task InitializeAsync()
    {
        var repoRoot = JujuCBinary.FindRepoRoot(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException($"no MlObs.sln above {AppContext.BaseDirectory}");
        Binary = await JujuCBinary.PublishAsync(repoRoot, Path.Combine(AppContext.BaseDirectory, "mlobs-jujuc-publish"));
        await HookToolInstaller.InstallAsync(ToolsDir, Binary);
        Server = Testing.HookTools.HookToolServer.Start((call, ct) => Volatile.Read(ref _handler)(call, ct));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>The exact environment of a tool run: PATH and the server's variables, nothing inherited.</summary>
    public Dictionary<string, string> Environment(string contextId = "unit-0-install-1")
    {
        var environment = new Dictionary<string, string>(Server.ClientEnvironment(contextId), StringComparer.Ordinal)
        {
            ["PATH"] = $"{ToolsDir}:/usr/bin:/bin",
        };
        return environment;
    }

    /// <summary>
    /// Runs <paramref name="program"/> with exactly <paramref name="environment"/>. With
    /// <paramref name="keepStdinOpen"/> its stdin is a pipe nobody writes to or closes: reading it
    /// would block until the timeout.
    /// </summary>
    public static async Task<ToolResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        byte[]? stdin = null,
        bool keepStdinOpen = false,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
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

        using var timeoutSource = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {program}");
        try
        {
            var stdout = ReadAllAsync(process.StandardOutput.BaseStream, timeoutSource.Token);
            var stderr = ReadAllAsync(process.StandardError.BaseStream, timeoutSource.Token);
            if (stdin is not null)
            {
                try
                {
                    await process.StandardInput.BaseStream.WriteAsync(stdin, timeoutSource.Token);
                    await process.StandardInput.BaseStream.FlushAsync(timeoutSource.Token);
                }
                catch (IOException)
                {
                    // It exited without reading its stdin.
                }
            }

            if (!keepStdinOpen)
            {
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // It exited without reading its stdin.
                }
            }

            await process.WaitForExitAsync(timeoutSource.Token);
            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time");
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
