// The end-to-end test of issue 9, on loopback: the packed drift-monitor-k8s charm runs through the hook-tool emulator
// with metrics-endpoint and logging relations; the workload starts from its Pebble plan; Prometheus' scrape job and rule
// file come from the charm's relation data through MlObs.Cos' consumer code; real Prometheus and Alertmanager run them.
// Traffic like the reference raises no drift alert; drifted traffic raises DatasetDriftDetected and the feature alert of
// the most shifted feature in Alertmanager, with the Juju topology in their labels. It fails (never skips) when
// Prometheus or Alertmanager is missing: .ci/run installs them.
using System.Globalization;
using MlObs.Cli.Demo;
using Xunit.Abstractions;

namespace MlObs.Cli.Tests.EndToEnd;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(SharedDriftMonitorPack.Name)]
public sealed class DriftAlertEndToEndTests(PackedDriftMonitorCharm packed, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] DriftAlerts = ["DatasetDriftDetected", "FeatureDriftDetected", "PredictionDriftDetected"];
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DriftedTraffic_FiresDatasetAndFeatureAlertsInAlertmanager_WithTheJujuTopology()
    {
        Assert.True(packed.Pack.ExitCode == 0, packed.Pack.Describe());
        AlertingBinaries? binaries = AlertingBinaries.Find();
        Assert.True(binaries is not null, $"Prometheus and Alertmanager must be installed for the end-to-end test: {AlertingBinaries.InstallCommand}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        CancellationToken ct = timeout.Token;
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var options = new DemoOptions { RepositoryRoot = PackedDriftMonitorCharm.RepositoryRoot, WorkDirectory = _temp.Path, Pack = false };
        DriftAlertDemo demo = new(options, output);
        try
        {
            demo.UseUnpackedCharm(packed.CharmDir);
            await demo.DeployCharmAsync(await HookToolClient.FindAsync(output, ct), ct);
            await demo.StartWorkloadAsync(ct);
            await demo.LoadReferenceAsync(ct);
            await demo.StartAlertingAsync(binaries!, ct);
            LocalAlerting alerting = demo.Alerting!;

            // Phase 1: traffic like the reference. Evaluations happen (Prometheus holds a drift share below the
            // threshold), and no drift alert is ever pending or firing, nor received.
            var early = new List<ObservedAlert>();
            await demo.ReplayAsync(demo.Dataset.Healthy(options.Seed), options.HealthyPhase, async (_, c) =>
            {
                early.AddRange((await alerting.PrometheusAlertsAsync(c)).Where(a => DriftAlerts.Contains(a.Name)));
                early.AddRange((await alerting.AlertmanagerAlertsAsync(c)).Where(a => DriftAlerts.Contains(a.Name)));
                return false;
            }, ct);
            Assert.True(early.Count == 0, "drift alerts during healthy traffic: " + string.Join("; ", early.Select(a => $"{a.Name} {a.State} {a.Label("feature")}")));
            var share = await alerting.QueryAsync($"mlobs_dataset_drift_share{{model=\"{options.Model}\"}}", ct);
            Assert.True(share.Count == 1 && share[0].Value < 0.5, $"the healthy phase was evaluated with a low drift share: {string.Join(", ", share.Select(s => s.Value))}");

            // Phase 2: only malignant cases. Both alerts must reach Alertmanager within the bound.
            IReadOnlyList<ObservedAlert> received = [];
            var (stopped, records) = await demo.ReplayAsync(demo.Dataset.Drifted(options.Seed), TimeSpan.FromMinutes(3), async (_, c) =>
            {
                received = await alerting.AlertmanagerAlertsAsync(c);
                return received.Any(a => a.Name == "DatasetDriftDetected") && received.Any(a => a is { Name: "FeatureDriftDetected" } && a.Label("feature") == "worst_concave_points");
            }, ct);
            Assert.True(stopped, $"no DatasetDriftDetected and FeatureDriftDetected(worst_concave_points) in Alertmanager after {records} drifted cases; it holds: "
                + string.Join("; ", received.Select(a => $"{a.Name} {a.Label("feature")}")));

            ObservedAlert dataset = received.First(a => a.Name == "DatasetDriftDetected");
            Assert.Equal("active", dataset.State);
            Assert.Equal("critical", dataset.Label("severity"));
            Assert.Equal(options.Model, dataset.Label("model"));
            foreach (ObservedAlert alert in new[] { dataset, received.First(a => a.Name == "FeatureDriftDetected" && a.Label("feature") == "worst_concave_points") })
            {
                Assert.Equal(DriftAlertDemo.JujuModel, alert.Label("juju_model"));
                Assert.Equal(DriftAlertDemo.JujuModelUuid, alert.Label("juju_model_uuid"));
                Assert.Equal("drift-monitor-k8s", alert.Label("juju_application"));
                Assert.Equal("drift-monitor-k8s", alert.Label("juju_charm"));
                Assert.Equal("drift-monitor-k8s/0", alert.Label("juju_unit"));
            }

            Assert.Contains("of its features drifted", dataset.Annotations["summary"], StringComparison.Ordinal);
            string report = await File.ReadAllTextAsync(await demo.WriteReportAsync(ct), ct);
            Assert.Contains("worst_concave_points", report, StringComparison.Ordinal);
        }
        finally
        {
            await demo.DisposeAsync();
            log.WriteLine(output.ToString());
        }
    }
}
