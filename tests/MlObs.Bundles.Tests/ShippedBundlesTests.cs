// The bundles and overlays shipped in bundles/ pass `mlobs bundle check` in every combination they
// are deployed in (bundles/README.md), and every YAML file there is covered by one of them.
namespace MlObs.Bundles.Tests;

public sealed class ShippedBundlesTests
{
    private const string Suite = "mlobs/bundle.yaml";
    private const string CosOffers = "overlays/cos-offers.yaml";
    private const string Kubeflow = "overlays/kubeflow.yaml";

    // The ways bundles/README.md deploys them; a null bundle is the CKF 1.11 fixture.
    public static TheoryData<string?, string[]> Deployments => new()
    {
        { Suite, [] },
        { Suite, [CosOffers] },
        { null, [Kubeflow] },
        { null, [Kubeflow, CosOffers] },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task Check_ShippedDeployment_HasNoErrors(string? bundle, string[] overlays)
    {
        var result = await TestRepo.CheckAsync(bundle is null ? TestRepo.CkfBundle : TestRepo.Bundles(bundle), overlays.Select(TestRepo.Bundles).ToArray());

        Assert.True(result.Succeeded, result.Describe());
    }

    [Fact]
    public void BundlesFolder_EveryBundleAndOverlay_IsInADeployment()
    {
        var covered = Deployments.SelectMany(row => new[] { (string?)row[0] }.Concat((string[])row[1])).OfType<string>()
            .Select(p => Path.GetFullPath(TestRepo.Bundles(p))).ToHashSet();
        var shipped = Directory.EnumerateFiles(Path.Combine(TestRepo.Root, "bundles"), "*.yaml", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(TestRepo.CatalogDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(Path.GetFullPath)
            .ToList();

        Assert.NotEmpty(shipped);
        Assert.All(shipped, file => Assert.True(covered.Contains(file), $"{file} is not checked by any deployment of {nameof(Deployments)}"));
    }

    [Fact]
    public async Task Check_SuiteBundle_WarnsOnlyWhenACharmIsNotPacked()
    {
        var unpacked = new[] { "drift-monitor-k8s", "kubeflow-observability-k8s" }
            .Count(name => !File.Exists(Path.Combine(TestRepo.CharmsDirectory, name, $"{name}_amd64.charm")));

        var result = await TestRepo.CheckAsync(TestRepo.Bundles(Suite), TestRepo.Bundles(CosOffers));

        Assert.Equal(unpacked, result.Problems.Count(p => p.Code == "not-packed"));
        Assert.Equal(unpacked == 0 ? [] : ["not-packed"], result.WarningCodes());
        // drift-monitor, kubeflow-observability and the collector; each charm's three COS relations, the collector's three to COS.
        Assert.Equal((3, 3, 9), (result.Applications, result.Saas, result.Relations));
    }

    [Fact]
    public async Task Check_CkfWithBothOverlays_MergesEveryApplicationAndRelation()
    {
        var result = await TestRepo.CheckAsync(TestRepo.CkfBundle, TestRepo.Bundles(Kubeflow), TestRepo.Bundles(CosOffers));

        // 37 CKF applications and the collector; 35 CKF relations, 19 + 14 + 29 to the collector, 2 Knative, 3 to COS.
        Assert.Equal((38, 3, 102), (result.Applications, result.Saas, result.Relations));
    }
}
