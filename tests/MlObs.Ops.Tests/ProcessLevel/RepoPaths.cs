// RepoPaths: finds the repository checkout that holds the test assembly.
using MlObs.Ops.Testing;

namespace MlObs.Ops.Tests.ProcessLevel;

/// <summary>Paths in the repository checkout that holds the test assembly.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The directory that contains <c>MlObs.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no MlObs.sln above {AppContext.BaseDirectory}");
    }
}
