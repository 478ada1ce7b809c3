// TestRepo: the repository the tests run in (bundles/, charms/, the CKF fixture), the catalog loaded
// once, and a runner that checks YAML written into a temporary folder.
using MlObs.Bundles.Catalog;

namespace MlObs.Bundles.Tests;

internal static class TestRepo
{
    private static readonly Lazy<EndpointCatalog> LazyCatalog = new(() => EndpointCatalog.LoadAsync(CatalogDirectory).GetAwaiter().GetResult());

    public static string Root { get; } = FindRoot();

    public static string CatalogDirectory => Path.Combine(Root, "bundles", "catalog");

    public static string CharmsDirectory => Path.Combine(Root, "charms");

    /// <summary>The CKF 1.11 bundle modelled from ckf-cos.md §1.2/§1.3, the base of overlays/kubeflow.yaml.</summary>
    public static string CkfBundle => Path.Combine(Root, "tests", "MlObs.Bundles.Tests", "Fixtures", "ckf-1.11-bundle.yaml");

    /// <summary>The shared endpoint catalog beside the repository (CI always provides ../shared).</summary>
    public static string SharedCatalog => Path.GetFullPath(Path.Combine(Root, "..", "shared", "catalog", "charm-endpoints.json"));

    public static EndpointCatalog Catalog => LazyCatalog.Value;

    public static string Bundles(string relative) => Path.Combine(Root, "bundles", relative);

    public static Task<BundleCheckResult> CheckAsync(string bundle, params string[] overlays) =>
        BundleChecker.CheckAsync(new BundleCheckOptions { BundlePath = bundle, OverlayPaths = overlays, Catalog = Catalog, CharmsDirectory = CharmsDirectory });

    private static string FindRoot()
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

/// <summary>YAML files in a temporary folder, checked with the repository's catalog and charms; removed afterwards.</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch() => Directory = System.IO.Directory.CreateTempSubdirectory("mlobs-bundles-").FullName;

    public string Directory { get; }

    public string Write(string name, string yaml)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Writes bundle.yaml (and overlays overlay1.yaml, ...) and checks them.</summary>
    public Task<BundleCheckResult> CheckAsync(string bundle, params string[] overlays)
    {
        var bundlePath = Write("bundle.yaml", bundle);
        var overlayPaths = overlays.Select((o, i) => Write($"overlay{i + 1}.yaml", o)).ToArray();
        return TestRepo.CheckAsync(bundlePath, overlayPaths);
    }

    /// <summary>Writes and checks the bundle (and overlays) in a folder of their own, removed afterwards.</summary>
    public static async Task<BundleCheckResult> RunAsync(string bundle, params string[] overlays)
    {
        using var scratch = new Scratch();
        return await scratch.CheckAsync(bundle, overlays);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

internal static class ResultExtensions
{
    public static string[] ErrorCodes(this BundleCheckResult result) =>
        result.Problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.Code).Distinct().Order(StringComparer.Ordinal).ToArray();

    public static string[] WarningCodes(this BundleCheckResult result) =>
        result.Problems.Where(p => p.Severity == ProblemSeverity.Warning).Select(p => p.Code).Distinct().Order(StringComparer.Ordinal).ToArray();

    public static BundleProblem Single(this BundleCheckResult result, string code) =>
        Assert.Single(result.Problems, p => p.Code == code);

    public static string Describe(this BundleCheckResult result) => BundleReport.ToText(result);
}

/// <summary>The small bundle the check and merge tests vary: the drift monitor and the collector, no relation yet.</summary>
internal static class TestBundles
{
    public const string TwoApplications = """
        bundle: kubernetes
        applications:
          otelcol: {charm: opentelemetry-collector-k8s, channel: 2/stable, scale: 1, trust: true}
          drift: {charm: drift-monitor-k8s, scale: 1}

        """;
}
