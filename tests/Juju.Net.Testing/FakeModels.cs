// FakeModels: fake models shaped like the ones MlObs deploys into, and the MlObs bundle laid out with a
// stand-in for its packed charm, for tests that deploy through Juju.Net or `mlobs juju`.
using System.IO.Compression;

namespace Juju.Net.Testing;

/// <summary>Ready-made fake models and bundle copies.</summary>
public static class FakeModels
{
    /// <summary>A Kubernetes model that knows the charms of bundles/mlobs (drift-monitor-k8s, kubeflow-observability-k8s, the collector) and the COS offers of the cos-offers overlay.</summary>
    /// <param name="type"><c>caas</c> (Kubernetes, as the bundle targets) or <c>iaas</c>.</param>
    public static FakeModel MlObs(string type = "caas") => new FakeModel("mlobs", type)
        .WithCharm(new FakeCharm("opentelemetry-collector-k8s")
        {
            Resources = new Dictionary<string, string> { ["opentelemetry-collector-image"] = "oci-image" },
            Endpoints = new Dictionary<string, FakeEndpoint>
            {
                ["metrics-endpoint"] = new("requirer", "prometheus_scrape"),
                ["grafana-dashboards-consumer"] = new("requirer", "grafana_dashboard"),
                ["receive-loki-logs"] = new("provider", "loki_push_api"),
                ["send-remote-write"] = new("requirer", "prometheus_remote_write"),
                ["send-loki-logs"] = new("requirer", "loki_push_api"),
                ["grafana-dashboards-provider"] = new("provider", "grafana_dashboard"),
            },
        })
        .WithCharm(new FakeCharm("drift-monitor-k8s")
        {
            Resources = new Dictionary<string, string> { ["drift-monitor-image"] = "oci-image" },
            Options = new Dictionary<string, FakeOption> { ["window-records"] = new("int", 10000, "Records per window"), ["log-level"] = new("string", "info") },
            Actions = ["set-reference", "show-report", "reset-window", "list-models"],
            Endpoints = new Dictionary<string, FakeEndpoint>
            {
                ["metrics-endpoint"] = new("provider", "prometheus_scrape"),
                ["grafana-dashboard"] = new("provider", "grafana_dashboard"),
                ["logging"] = new("requirer", "loki_push_api"),
            },
        })
        .WithCharm(new FakeCharm("kubeflow-observability-k8s")
        {
            Resources = new Dictionary<string, string> { ["kubeflow-exporter-image"] = "oci-image" },
            Options = new Dictionary<string, FakeOption> { ["port"] = new("int", 9102, "The exporter's port"), ["log-streaming"] = new("boolean", false) },
            Endpoints = new Dictionary<string, FakeEndpoint>
            {
                ["metrics-endpoint"] = new("provider", "prometheus_scrape"),
                ["grafana-dashboard"] = new("provider", "grafana_dashboard"),
                ["logging"] = new("requirer", "loki_push_api"),
            },
        })
        .WithRemoteOffer("admin/cos.prometheus-receive-remote-write", ("receive-remote-write", "prometheus_remote_write", "provider"))
        .WithRemoteOffer("admin/cos.loki-logging", ("logging", "loki_push_api", "provider"))
        .WithRemoteOffer("admin/cos.grafana-dashboards", ("grafana-dashboard", "grafana_dashboard", "requirer"));

    /// <summary>Copies bundles/mlobs/bundle.yaml and bundles/overlays/cos-offers.yaml of <paramref name="repoRoot"/> under <paramref name="root"/>, with packed-charm stand-ins (zips with metadata.yaml) where the bundle expects drift-monitor-k8s_amd64.charm and kubeflow-observability-k8s_amd64.charm.</summary>
    /// <returns>The bundle's directory.</returns>
    public static string CopyMlObsBundle(string repoRoot, string root)
    {
        foreach (var name in new[] { "drift-monitor-k8s", "kubeflow-observability-k8s" })
        {
            var charm = Path.Combine(root, "charms", name, $"{name}_amd64.charm");
            Directory.CreateDirectory(Path.GetDirectoryName(charm)!);
            using var zip = ZipFile.Open(charm, ZipArchiveMode.Create);
            using var writer = new StreamWriter(zip.CreateEntry("metadata.yaml").Open());
            writer.Write($"name: {name}\n");
        }

        var bundleDir = Directory.CreateDirectory(Path.Combine(root, "bundles", "mlobs")).FullName;
        File.Copy(Path.Combine(repoRoot, "bundles", "mlobs", "bundle.yaml"), Path.Combine(bundleDir, "bundle.yaml"));
        Directory.CreateDirectory(Path.Combine(root, "bundles", "overlays"));
        File.Copy(Path.Combine(repoRoot, "bundles", "overlays", "cos-offers.yaml"), Path.Combine(root, "bundles", "overlays", "cos-offers.yaml"));
        return bundleDir;
    }
}
