// HookToolInstaller: lays out a unit's tools dir, one symlink to mlobs-jujuc per hook-tool name,
// as Juju's uniter links jujuc; and JujuCBinary, which publishes mlobs-jujuc.
using System.Globalization;

namespace MlObs.Ops.Testing.HookTools;

/// <summary>Creates the per-tool symlinks a hook's PATH starts with.</summary>
public static class HookToolInstaller
{
    /// <summary>
    /// Juju 3.6's hook tools for a sidecar charm, without the legacy ones (<c>unit-get</c>,
    /// <c>add-metric</c>, <c>k8s-*</c>, <c>pod-spec-*</c>, <c>payload-*</c>); ops-contract §3.3.
    /// </summary>
    public static IReadOnlyList<string> ToolNames { get; } =
    [
        "relation-ids", "relation-list", "relation-get", "relation-set", "relation-model-get",
        "config-get", "is-leader", "status-get", "status-set", "application-version-set", "juju-log",
        "action-get", "action-set", "action-log", "action-fail",
        "network-get", "open-port", "close-port", "opened-ports",
        "storage-list", "storage-get", "storage-add", "resource-get",
        "secret-add", "secret-get", "secret-info-get", "secret-set", "secret-grant", "secret-revoke",
        "secret-remove", "secret-ids",
        "state-get", "state-set", "state-delete", "goal-state", "credential-get",
        "leader-get", "leader-set", "juju-reboot",
    ];

    /// <summary>
    /// Creates <paramref name="toolsDir"/> if needed and, in it, one symlink per name pointing at
    /// <paramref name="jujucBinary"/>, replacing what was there under those names.
    /// </summary>
    /// <param name="toolsDir">The tools dir (put it first on the hook's PATH).</param>
    /// <param name="jujucBinary">The <c>mlobs-jujuc</c> executable; made absolute.</param>
    /// <param name="toolNames">The names, <see cref="ToolNames"/> when null.</param>
    /// <param name="cancellationToken">Stops between links.</param>
    /// <returns>A task that completes when every link exists.</returns>
    public static Task InstallAsync(
        string toolsDir,
        string jujucBinary,
        IEnumerable<string>? toolNames = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolsDir);
        ArgumentException.ThrowIfNullOrEmpty(jujucBinary);
        var target = Path.GetFullPath(jujucBinary);
        if (!File.Exists(target))
        {
            throw new FileNotFoundException($"no hook-tool client at {target}", target);
        }

        Directory.CreateDirectory(toolsDir);
        foreach (var name in toolNames ?? ToolNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
            {
                throw new ArgumentException($"not a tool name: \"{name}\"", nameof(toolNames));
            }

            var link = Path.Combine(toolsDir, name);
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
            {
                File.Delete(link);
            }

            File.CreateSymbolicLink(link, target);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Builds the <c>mlobs-jujuc</c> hook-tool client (<c>tools/MlObs.JujuC</c>).</summary>
public static class JujuCBinary
{
    /// <summary>The executable's file name.</summary>
    public const string FileName = "mlobs-jujuc";

    /// <summary>The directory at or above <paramref name="startDirectory"/> that holds <c>MlObs.sln</c>, or null.</summary>
    /// <param name="startDirectory">Where to start looking.</param>
    /// <returns>The repository root, or null.</returns>
    public static string? FindRepoRoot(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// Publishes <c>tools/MlObs.JujuC</c> Native AOT for linux-x64 into <paramref name="outputDir"/>
    /// with <c>dotnet publish</c> (no build servers left behind). The build's intermediate output
    /// goes to <see cref="ArtifactsPathFor"/>, not the project's own <c>obj/</c>, so that two
    /// publishes running at once (two test assemblies, a test and the CLI) never write the same files.
    /// </summary>
    /// <param name="repoRoot">The repository root (holds <c>MlObs.sln</c>).</param>
    /// <param name="outputDir">Where the executable goes.</param>
    /// <param name="cancellationToken">Cancels (and kills) the publish.</param>
    /// <returns>The path of the published executable.</returns>
    /// <exception cref="InvalidOperationException">The publish failed; the message holds its output.</exception>
    public static async Task<string> PublishAsync(string repoRoot, string outputDir, CancellationToken cancellationToken = default)
    {
        // Two processes publishing into one directory (two `mlobs charm run` at once) would run ILC over the same
        // files; the second waits for the first and takes what it published.
        var asked = DateTime.UtcNow;
        var binary = Path.Combine(outputDir, FileName);
        using var publishLock = await LockAsync(ArtifactsPathFor(outputDir) + ".lock", cancellationToken).ConfigureAwait(false);
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= asked)
        {
            return binary;
        }

        var project = Path.Combine(repoRoot, "tools", "MlObs.JujuC", "MlObs.JujuC.csproj");
        string[] arguments =
        [
            "publish", project, "-c", "Release", "-r", "linux-x64", "-o", outputDir,
            "--artifacts-path", ArtifactsPathFor(outputDir),
            // No MSBuild or compiler server may outlive the publish: they would hold its pipes open.
            "-nodeReuse:false", "-p:UseSharedCompilation=false",
        ];
        var result = await ChildProcess.RunAsync(
            ChildProcess.Dotnet, arguments, ChildProcess.EnvironmentForDotnet(), repoRoot,
            timeout: TimeSpan.FromMinutes(10), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || !File.Exists(binary))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"dotnet {string.Join(' ', arguments)} did not produce {binary}: {result.Describe()}"));
        }

        return binary;
    }

    // An exclusive lock on a file, across processes (.NET takes flock for FileShare.None on Unix), polled until held.
    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The private build directory of a publish into <paramref name="outputDir"/>: its sibling
    /// <c>&lt;outputDir&gt;.build</c>. Each output directory has its own, so concurrent publishes
    /// of one project into different directories cannot corrupt each other's object files.
    /// </summary>
    /// <param name="outputDir">The publish output directory.</param>
    /// <returns>The directory to pass as <c>--artifacts-path</c>.</returns>
    public static string ArtifactsPathFor(string outputDir) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDir)) + ".build";
}
