// HookToolClient: finds mlobs-jujuc, the Native AOT client every hook tool of an emulated unit runs as.
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.HookTools;

namespace MlObs.Cli;

/// <summary>Where the hook-tool client is, publishing it from the checkout once when it is nowhere else.</summary>
internal static class HookToolClient
{
    /// <summary>mlobs-jujuc next to mlobs, on PATH, or published once into the checkout's artifacts/jujuc.</summary>
    /// <param name="progress">Told when a publish starts (it takes about a minute).</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>The binary's path.</returns>
    /// <exception cref="CharmRunException">It is nowhere and mlobs does not run from a checkout.</exception>
    public static async Task<string> FindAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, JujuCBinary.FileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, JujuCBinary.FileName))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return onPath;
        }

        var repo = RepositoryRoot.Find()
            ?? throw new CharmRunException($"no {JujuCBinary.FileName} next to mlobs or on PATH; pass --hook-tool-client or run from a checkout of the MlObs repository");
        var publishDir = Path.Combine(repo, "artifacts", "jujuc");
        var published = Path.Combine(publishDir, JujuCBinary.FileName);
        if (File.Exists(published))
        {
            return published;
        }

        await progress.WriteLineAsync($"Publishing the hook-tool client (tools/MlObs.JujuC → {publishDir}) once; this takes about a minute ...").ConfigureAwait(false);
        return await JujuCBinary.PublishAsync(repo, publishDir, cancellationToken).ConfigureAwait(false);
    }
}
