// GoldenFiles: the shared golden data of the COS libraries (../shared/golden/cos next to the checkout).
using System.Text.Json.Nodes;

namespace MlObs.Cos.Tests.GrafanaDashboard;

/// <summary>Reads <c>shared/golden/cos</c>, the sibling of the directory holding <c>MlObs.sln</c>. Never copied into the repository.</summary>
internal static class GoldenFiles
{
    private static readonly Lazy<string> LazyDir = new(Find);

    /// <summary>The <c>golden/cos</c> directory.</summary>
    public static string CosDir => LazyDir.Value;

    /// <summary>A file under <c>golden/cos</c> as JSON.</summary>
    public static JsonObject Json(string relativePath) => JsonNode.Parse(File.ReadAllText(Path.Combine(CosDir, relativePath)))!.AsObject();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
            {
                var cos = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared", "golden", "cos");
                return Directory.Exists(cos)
                    ? cos
                    : throw new InvalidOperationException(
                        $"The golden data of the COS libraries is missing: expected {cos} (the 'shared' directory next to the checkout at {dir.FullName}). CI always provides it; locally, check out 'shared' beside the repository.");
            }
        }

        throw new InvalidOperationException($"no MlObs.sln above {AppContext.BaseDirectory}, so the shared golden data cannot be found");
    }
}
