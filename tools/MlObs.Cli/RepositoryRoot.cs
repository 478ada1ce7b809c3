// RepositoryRoot: the MlObs checkout mlobs runs from (the commands that build or pack from source need it).
namespace MlObs.Cli;

/// <summary>Finds the repository checkout from the working directory or from where mlobs runs.</summary>
internal static class RepositoryRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
