// overlays/kubeflow.yaml relates exactly the CKF applications whose charm (per the catalog) provides
// metrics-endpoint or grafana-dashboard or requires logging, and nothing else but Knative's two
// otel-collector relations: the list is derived here again from the fixture and the catalog.
using MlObs.Ops.Metadata;
using YamlDotNet.RepresentationModel;

namespace MlObs.Bundles.Tests;

public sealed class KubeflowOverlayTests
{
    private static readonly (string Endpoint, RelationRole Role, string Collector)[] Wiring =
    [
        ("metrics-endpoint", RelationRole.Provides, "metrics-endpoint"),
        ("grafana-dashboard", RelationRole.Provides, "grafana-dashboards-consumer"),
        ("logging", RelationRole.Requires, "receive-loki-logs"),
    ];

    [Fact]
    public void KubeflowOverlay_Relations_AreDerivedFromTheCatalog()
    {
        var expected = new HashSet<string>(StringComparer.Ordinal)
        {
            "knative-eventing:otel-collector knative-operator:otel-collector",
            "knative-serving:otel-collector knative-operator:otel-collector",
        };
        foreach (var (application, charm) in CkfApplications())
        {
            var endpoints = TestRepo.Catalog.Charms[charm].Endpoints;
            foreach (var (endpoint, role, collector) in Wiring)
            {
                if (endpoints.TryGetValue(endpoint, out var found) && found.Role == role)
                {
                    expected.Add($"{application}:{endpoint} otelcol:{collector}");
                }
            }
        }

        var actual = Relations(Load(TestRepo.Bundles("overlays/kubeflow.yaml"))).ToList();

        Assert.Equal(actual.Count, actual.Distinct().Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("metrics-endpoint", 19)]
    [InlineData("grafana-dashboard", 14)]
    [InlineData("logging", 29)]
    public void KubeflowOverlay_PerEndpoint_MatchesTheCountsOfCkfsGuide(string endpoint, int count)
    {
        // ckf-cos.md §3.2: the guide integrates 19 applications for metrics, 14 for dashboards, 29 for logs.
        var actual = Relations(Load(TestRepo.Bundles("overlays/kubeflow.yaml"))).Count(r => r.Split(' ')[0].EndsWith(":" + endpoint, StringComparison.Ordinal));

        Assert.Equal(count, actual);
    }

    private static IEnumerable<(string Application, string Charm)> CkfApplications()
    {
        var applications = (YamlMappingNode)Load(TestRepo.CkfBundle)["applications"];
        foreach (var (name, spec) in applications.Children)
        {
            yield return (((YamlScalarNode)name).Value!, ((YamlScalarNode)((YamlMappingNode)spec)["charm"]).Value!);
        }
    }

    private static IEnumerable<string> Relations(YamlMappingNode root) =>
        ((YamlSequenceNode)root["relations"]).Children.Cast<YamlSequenceNode>()
            .Select(pair => $"{((YamlScalarNode)pair.Children[0]).Value} {((YamlScalarNode)pair.Children[1]).Value}");

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
