// Golden: the golden COS data produced by the real Python libraries (../shared/golden/cos, a
// sibling of the repository root), and throw-away charm dirs for the in-process harness. Shared
// files are read (or copied into temp dirs) at test time, never committed here.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Ops;

namespace MlObs.Cos.Tests;

internal static class Golden
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"MlObs.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The golden COS dir; a missing shared dir fails the test with a clear message.</summary>
    public static string CosDir
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden", "cos"));
            Assert.True(Directory.Exists(dir), $"The golden COS data is missing: expected {dir} (the shared dir next to the repository root, which CI always provides).");
            return dir;
        }
    }

    public static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(CosDir, relative)))!.AsObject();

    public static readonly JujuTopology Topology = new("dev-model", "f2c1b2a6-1234-4abc-8def-0123456789ab", "myapp", "myapp/1", "my-charm");

    public const string CharmcraftYaml = """
        type: charm
        name: my-charm
        summary: A test charm of MlObs.Cos.
        description: Exercises the COS relation components.
        base: ubuntu@24.04
        platforms:
          amd64:
        containers:
          workload:
            resource: workload-image
        resources:
          workload-image:
            type: oci-image
            description: The workload image.
        provides:
          metrics-endpoint:
            interface: prometheus_scrape
        requires:
          logging:
            interface: loki_push_api
        """;

    /// <summary>A temp charm dir with charmcraft.yaml and the golden rule dirs copied under src/.</summary>
    public static TempCharmDir CharmDir(bool withRules = true)
    {
        var dir = Directory.CreateTempSubdirectory("mlobs-cos-charm-").FullName;
        File.WriteAllText(Path.Combine(dir, "charmcraft.yaml"), CharmcraftYaml);
        if (withRules)
        {
            CopyDir(Path.Combine(CosDir, "charm", "src"), Path.Combine(dir, "src"));
        }

        return new TempCharmDir(dir);
    }

    public static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public static IReadOnlyDictionary<string, string> Strings(JsonNode? node) =>
        node is JsonObject obj
            ? obj.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value!.ToJsonString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}

internal sealed class TempCharmDir(string path) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
