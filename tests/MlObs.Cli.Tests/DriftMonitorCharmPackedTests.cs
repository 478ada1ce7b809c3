// The packed drift-monitor-k8s charm (a Native AOT publish, once for the class) run through `mlobs charm run` as Juju's unit
// agent would run it: config-changed with the three COS relations, whose data must be what the COS consumers accept, then
// the status and the set-reference action against a real drift monitor (`mlobs drift serve`) on the charm's port.
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;

namespace MlObs.Cli.Tests;

/// <summary>The test classes that share one pack of charms/drift-monitor-k8s (and so run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class SharedDriftMonitorPack : ICollectionFixture<PackedDriftMonitorCharm>
{
    public const string Name = "packed drift-monitor-k8s";
}

/// <summary>Packs charms/drift-monitor-k8s once and unzips it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackedDriftMonitorCharm() : PackedCharm("drift-monitor-k8s");

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(SharedDriftMonitorPack.Name)]
public sealed class DriftMonitorCharmPackedTests(PackedDriftMonitorCharm packed) : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string State(int port) => _temp.Write("in.json", """
        {
          "leader": true,
          "config": {"port": PORT},
          "containers": [{"name": "drift-monitor", "can_connect": true,
                          "mounts": {"config": {"location": "/etc/drift-monitor", "source": "SOURCE"}}}],
          "relations": [
            {"id": 1, "endpoint": "metrics-endpoint", "remote_app_name": "opentelemetry-collector-k8s", "remote_units_data": {"0": {}}},
            {"id": 2, "endpoint": "grafana-dashboard", "remote_app_name": "opentelemetry-collector-k8s"},
            {"id": 3, "endpoint": "logging", "remote_app_name": "opentelemetry-collector-k8s",
             "remote_units_data": {"0": {"endpoint": "{\"url\": \"http://otelcol-0.otelcol-endpoints.kubeflow.svc.cluster.local:3500/loki/api/v1/push\"}"}}}
          ]
        }
        """.Replace("PORT", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("SOURCE", _temp.Path, StringComparison.Ordinal));

    [Fact]
    public async Task ConfigChanged_WithTheCosRelations_PublishesWhatCosConsumes()
    {
        Assert.True(packed.Pack.ExitCode == 0, packed.Pack.Describe());
        int port = MlObs.Cli.Demo.ServerProcess.FreeLoopbackPort();
        // The unit address goes out on relation-joined (and pebble-ready, relation-changed, update-status), as in Python's
        // library; config-changed republishes the application data, whose scrape job depends on the port.
        var joined = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(10), "charm", "run", packed.CharmDir, "--event", "metrics-endpoint-relation-joined",
            "--relation-id", "1", "--remote-unit", "opentelemetry-collector-k8s/0", "--state", State(port), "--out", _temp.File("joined.json"));
        Assert.True(joined.ExitCode == 0, joined.Describe());
        var run = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(10), "charm", "run", packed.CharmDir, "--event", "config-changed", "--state", _temp.File("joined.json"), "--out", _temp.File("out.json"));
        Assert.True(run.ExitCode == 0, run.Describe());
        using var output = JsonDocument.Parse(File.ReadAllText(_temp.File("out.json")));
        JsonElement root = output.RootElement;
        Assert.Equal(0, root.GetProperty("exit_code").GetInt32());
        Assert.Equal("waiting", root.GetProperty("unit_status").GetProperty("name").GetString());
        Assert.Equal($"workload not reachable on port {port} yet", root.GetProperty("unit_status").GetProperty("message").GetString());

        JsonElement metrics = root.GetProperty("relations").EnumerateArray().Single(r => r.GetProperty("endpoint").GetString() == "metrics-endpoint");
        var appData = metrics.GetProperty("local_app_data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var unitData = metrics.GetProperty("local_unit_data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        // What prometheus-k8s would derive from this relation (the consumer side of the golden tests): one job on the port,
        // the charm's rule groups with topology, and no problem.
        var derived = ScrapeConfigBuilder.Derive(new ScrapeRelationData("metrics-endpoint", 1, appData, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["drift-monitor-k8s/0"] = unitData }));
        Assert.Empty(derived.Problems);
        JsonObject job = Assert.Single(derived.Jobs);
        Assert.NotNull(derived.RuleFile);
        Assert.StartsWith("juju_test-model_", job["job_name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("_prometheus_scrape_drift-monitor-0", job["job_name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($":{port}", job.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("DatasetDriftDetected", appData["alert_rules"], StringComparison.Ordinal);

        JsonElement dashboards = root.GetProperty("relations").EnumerateArray().Single(r => r.GetProperty("endpoint").GetString() == "grafana-dashboard");
        Assert.Contains("\"file:drift-overview\"", dashboards.GetProperty("local_app_data").GetProperty("dashboards").GetString(), StringComparison.Ordinal);
        string config = File.ReadAllText(_temp.File("config.yaml"));
        Assert.Contains("window: {kind: sliding, records: 10000, panes: 10}", config, StringComparison.Ordinal);

        // Settled, config-changed again (the dispatch benchmark's hook): the reads the charm asks ahead are each taken once,
        // none is asked twice and none is asked for nothing.
        var settled = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(10), "charm", "run", packed.CharmDir, "--event", "config-changed", "--state", _temp.File("out.json"), "--out", _temp.File("settled.json"));
        Assert.True(settled.ExitCode == 0, settled.Describe());
        using var settledOutput = JsonDocument.Parse(File.ReadAllText(_temp.File("settled.json")));
        var calls = settledOutput.RootElement.GetProperty("hook_tool_calls").EnumerateArray()
            .Select(c => c.GetProperty("tool").GetString() + " " + string.Join(' ', c.GetProperty("args").EnumerateArray().Select(a => a.GetString())))
            .ToList();
        Assert.Equal(calls.Count, calls.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            ["config-get --format=json", "is-leader --format=json", "opened-ports --format=json", "relation-ids grafana-dashboard --format=json",
             "relation-ids ingress --format=json", "relation-ids metrics-endpoint --format=json", "state-get --format=json"],
            calls.Where(c => !c.StartsWith("status-set ", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Status_AndSetReference_TalkToARealDriftMonitor()
    {
        Assert.True(packed.Pack.ExitCode == 0, packed.Pack.Describe());
        int port = MlObs.Cli.Demo.ServerProcess.FreeLoopbackPort();
        string reference = _temp.Write("train.csv", "x,colour\n" + string.Concat(Enumerable.Range(0, 200).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{i * 0.5},{(i % 2 == 0 ? "red" : "blue")}\n"))));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "mlobs.dll"), "drift", "serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", _temp.File("data"), "--log-level", "warning" })
            start.ArgumentList.Add(a);
        using Process service = Process.Start(start)!;
        try
        {
            string line;
            while ((line = (await service.StandardError.ReadLineAsync())!) is not null && !line.StartsWith("listening on ", StringComparison.Ordinal))
            {
            }
            _ = service.StandardOutput.ReadToEndAsync();
            string state = State(port);
            var blocked = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(5), "charm", "run", packed.CharmDir, "--event", "update-status", "--state", state, "--out", _temp.File("s1.json"));
            Assert.Contains("unit blocked: no reference loaded: run 'juju run drift-monitor-k8s/0 set-reference model=<name> source=<url or path>'", blocked.Stderr, StringComparison.Ordinal);

            var action = await CharmPackTests.RunAsync(TimeSpan.FromMinutes(5), "charm", "run", packed.CharmDir, "--action", "set-reference",
                "--params", $$"""{"model": "iris", "source": "{{reference}}"}""", "--state", _temp.File("s1.json"), "--out", _temp.File("s2.json"));
            Assert.True(action.ExitCode == 0, action.Describe());
            using var results = JsonDocument.Parse(File.ReadAllText(_temp.File("s2.json")));
            JsonElement r = results.RootElement.GetProperty("action_results");
            Assert.Equal("200", r.GetProperty("rows").GetString());
            Assert.Equal("x,colour", r.GetProperty("features").GetString());
            Assert.Equal("active", results.RootElement.GetProperty("unit_status").GetProperty("name").GetString());
            Assert.Equal("monitoring 1 model", results.RootElement.GetProperty("unit_status").GetProperty("message").GetString());
        }
        finally
        {
            service.Kill();
            await service.WaitForExitAsync();
        }
    }
}
