using MlObs.KubeflowExporter.Configuration;

namespace MlObs.KubeflowExporter.Tests;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Parse_EveryKey_ReadsThem()
    {
        const string yaml = """
            namespaces: {selector: "team=ml", include: [kubeflow, team-b]}
            resources: [inferenceservices, workflows]
            watch: {timeout_seconds: 120, max_backoff_seconds: 30}
            inference: {enabled: true, scrape_interval_seconds: 15, scrape_timeout_seconds: 5, concurrency: 8,
                        max_series_per_target: 500, max_series_total: 50000, max_body_bytes: 1048576, ready_only: true}
            logs:
              enabled: true
              loki_url: http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push
              containers: [kserve-container]
              batch_max_lines: 200
              batch_wait_seconds: 0.5
              buffer_max_lines: 5000
              max_attempts: 3
              labels: {juju_model: kubeflow, juju_application: kubeflow-observability}
            """;

        ExporterConfig c = ExporterConfigLoader.Parse(yaml, "exporter.yaml");

        Assert.Equal("team=ml", c.Namespaces.Selector);
        Assert.Equal(["kubeflow", "team-b"], c.Namespaces.Include);
        Assert.Equal(["inferenceservices", "workflows"], c.Resources);
        Assert.Equal(TimeSpan.FromSeconds(30), c.Watch.MaxBackoff);
        Assert.Equal(120, c.Watch.WatchTimeoutSeconds);
        Assert.Equal(TimeSpan.FromSeconds(15), c.Inference.Interval);
        Assert.Equal(8, c.Inference.Concurrency);
        Assert.True(c.Inference.ReadyOnly);
        Assert.True(c.Logs.Enabled);
        Assert.Equal(3100, c.Logs.LokiUrl!.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(500), c.Logs.BatchWait);
        Assert.Equal("kubeflow", c.Logs.Labels["juju_model"]);
    }

    [Fact]
    public void Parse_Empty_GivesTheDefaults()
    {
        ExporterConfig c = ExporterConfigLoader.Parse("");

        Assert.Equal("app.kubernetes.io/part-of=kubeflow-profile", c.Namespaces.Selector);
        Assert.Equal(12, c.Resources.Count);
        Assert.False(c.Logs.Enabled);
    }

    [Theory]
    [InlineData("namespace: {}\n", "exporter.yaml, line 1: namespace: unknown key")]
    [InlineData("inference:\n  concurrency: 0\n", "exporter.yaml, line 2: inference.concurrency: 0 is out of range (1 to 256)")]
    [InlineData("inference:\n  scrape_interval_seconds: 5\n  scrape_timeout_seconds: 10\n", "exporter.yaml, line 3: inference.scrape_timeout_seconds: must not exceed")]
    [InlineData("resources: [notebooks, cronjobs]\n", "exporter.yaml, line 1: resources: 'cronjobs' is not a resource")]
    [InlineData("namespaces:\n  include: [Team_B]\n", "exporter.yaml, line 2: namespaces.include: 'Team_B' is not a namespace name")]
    [InlineData("logs:\n  enabled: true\n", "exporter.yaml, line 2: logs.enabled: log streaming needs logs.loki_url")]
    [InlineData("logs:\n  loki_url: loki:3100\n", "exporter.yaml, line 2: logs.loki_url: 'loki:3100' is not an http(s) URL")]
    [InlineData("logs:\n  labels: {\"bad-name\": x}\n", "exporter.yaml, line 2: logs.labels: 'bad-name' is not a label name")]
    [InlineData("watch: [1]\n", "exporter.yaml, line 1: watch: expected a mapping")]
    [InlineData("inference: {enabled: yes}\n", "exporter.yaml, line 1: inference.enabled: expected true or false")]
    public void Parse_BadInput_NamesFileLineAndKey(string yaml, string message)
    {
        ConfigException e = Assert.Throws<ConfigException>(() => ExporterConfigLoader.Parse(yaml, "exporter.yaml"));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
