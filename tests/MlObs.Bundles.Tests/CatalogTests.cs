// The endpoint catalog (bundles/catalog) agrees with the shared catalog it was imported from, names a
// source for every charm, and its reader and writer reject and round-trip what they should.
using System.Text.RegularExpressions;
using MlObs.Bundles.Catalog;
using MlObs.Ops.Metadata;

namespace MlObs.Bundles.Tests;

public sealed partial class CatalogTests
{
    private static string SharedMissing => $"The shared catalog is missing: expected {TestRepo.SharedCatalog} (the shared dir beside the repository root, which CI provides).";

    [SkippableFact]
    public void Catalog_ImportedCharms_AgreeWithTheSharedCatalog()
    {
        Skip.IfNot(File.Exists(TestRepo.SharedCatalog), SharedMissing);
        var shared = EndpointCatalog.FromSharedJson(File.ReadAllText(TestRepo.SharedCatalog), TestRepo.SharedCatalog);

        foreach (var expected in shared)
        {
            Assert.True(TestRepo.Catalog.Charms.TryGetValue(expected.Name, out var actual), $"{expected.Name} is in the shared catalog but not in bundles/catalog; run mlobs bundle import-catalog");
            Assert.Equal(CatalogOrigin.Shared, actual.Origin);
            Assert.Equal(expected.Source, actual.Source);
            Assert.Equal(
                expected.Endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal),
                actual.Endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal));
        }

        var sharedNames = shared.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(TestRepo.Catalog.Charms.Values, charm =>
            Assert.True(charm.Origin == CatalogOrigin.Shared ? sharedNames.Contains(charm.Name) : !sharedNames.Contains(charm.Name),
                $"{charm.Name}: from: {charm.Origin} but the shared catalog {(sharedNames.Contains(charm.Name) ? "lists" : "does not list")} it"));
    }

    [Fact]
    public void Catalog_EveryCharm_NamesRepositoryCommitAndFile()
    {
        Assert.All(TestRepo.Catalog.Charms.Values, charm => Assert.Matches(SourcePattern(), charm.Source));
        Assert.All(TestRepo.Catalog.Offers.Values, offer => Assert.Matches(SourcePattern(), offer.Source));
    }

    [Fact]
    public void Catalog_CosOffers_ExposeTheEndpointsTheOffersOverlayNames()
    {
        var offers = TestRepo.Catalog.Offers;

        Assert.Equal(["receive-remote-write"], offers["prometheus-receive-remote-write"].Endpoints);
        Assert.Equal(["logging"], offers["loki-logging"].Endpoints);
        Assert.Equal(["grafana-dashboard"], offers["grafana-dashboards"].Endpoints);
        Assert.Equal("prometheus-k8s", offers["prometheus-receive-remote-write"].Charm);
    }

    [Fact]
    public void ToYaml_Charm_ParsesBackToTheSameEndpoints()
    {
        var charm = TestRepo.Catalog.Charms["opentelemetry-collector-k8s"];

        var back = EndpointCatalog.ParseCharm(EndpointCatalog.ToYaml(charm), "x.yaml");

        Assert.Equal(charm.Source, back.Source);
        Assert.Equal(charm.Endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal), back.Endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("charm: a\nsource: s\nfrom: shared\nendpoints:\n  x: {role: provides, interface: i, colour: red}\n", 5, "unknown key 'colour'")]
    [InlineData("charm: a\nsource: s\nfrom: shared\nendpoints:\n  x: {role: provider, interface: i}\n", 5, "role 'provider'")]
    [InlineData("charm: a\nsource: s\nfrom: elsewhere\n", 3, "from: 'elsewhere'")]
    [InlineData("charm: a\nfrom: shared\n", 1, "'source' must be a non-empty string")]
    [InlineData("charm: a\nsource: s\nfrom: shared\nendpoints:\n  x: {role: requires, interface: i, limit: 0}\n", 5, "limit must be a positive integer")]
    public void ParseCharm_Malformed_ThrowsNamingFileAndLine(string yaml, int line, string message)
    {
        var error = Assert.Throws<CatalogException>(() => EndpointCatalog.ParseCharm(yaml, "cat.yaml"));

        Assert.StartsWith($"cat.yaml:{line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ImportSharedJson_IntoAFolder_WritesEveryCharmKeepsHandWrittenAndDropsStaleImports()
    {
        Skip.IfNot(File.Exists(TestRepo.SharedCatalog), SharedMissing);
        using var scratch = new Scratch();
        var charms = Path.Combine(scratch.Directory, EndpointCatalog.CharmsFolder);
        Directory.CreateDirectory(charms);
        var handWritten = new CatalogCharm("hand-made", "me/repo@abc123:metadata.yaml", CatalogOrigin.Upstream, new Dictionary<string, CatalogEndpoint> { ["db"] = new("db", RelationRole.Requires, "mysql_client") });
        File.WriteAllText(Path.Combine(charms, "hand-made.yaml"), EndpointCatalog.ToYaml(handWritten));
        File.WriteAllText(Path.Combine(charms, "gone.yaml"), EndpointCatalog.ToYaml(handWritten with { Name = "gone", Origin = CatalogOrigin.Shared }));

        var written = await EndpointCatalog.ImportSharedJsonAsync(TestRepo.SharedCatalog, scratch.Directory);
        var loaded = await EndpointCatalog.LoadAsync(scratch.Directory);

        Assert.Equal(written.Count + 1, loaded.Charms.Count);
        Assert.Equal(CatalogOrigin.Upstream, loaded.Charms["hand-made"].Origin);
        Assert.False(loaded.Charms.ContainsKey("gone"));
    }

    [Fact]
    public async Task Load_FileNamedForAnotherCharm_Throws()
    {
        using var scratch = new Scratch();
        Directory.CreateDirectory(Path.Combine(scratch.Directory, "charms"));
        scratch.Write("charms/b.yaml", "charm: a\nsource: s\nfrom: upstream\n");

        var error = await Assert.ThrowsAsync<CatalogException>(() => EndpointCatalog.LoadAsync(scratch.Directory));

        Assert.Contains("declares charm 'a', but the file is named for 'b'", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[\w.-]+/[\w.-]+@[0-9a-z.-]+:[\w./-]+$")]
    private static partial Regex SourcePattern();
}
