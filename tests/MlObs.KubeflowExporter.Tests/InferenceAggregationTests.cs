using System.Diagnostics;
using MlObs.KubeflowExporter.Testing;
using static MlObs.KubeflowExporter.Testing.KubeflowObjects;

namespace MlObs.KubeflowExporter.Tests;

/// <summary>KServe and Seldon pods on loopback scraped by the exporter and re-exposed with their identity labels.</summary>
public sealed class InferenceAggregationTests
{
    private const string Ns = UserNamespace;
    private const string KServePodName = "sklearn-iris-predictor-00001-deployment-7d9c8b6f5-x2k4q";
    private const string SeldonPodName = "income-classifier-default-0-classifier-6f8d9c7b5-4hj2m";

    private static async Task<(ExporterFixture Exporter, FakeMetricsPods Pods)> StartAsync(
        Func<Configuration.ExporterConfig, Configuration.ExporterConfig>? configure = null, params FakePodBehaviour[] extra)
    {
        FakeMetricsPods pods = await FakeMetricsPods.StartAsync(
        [
            new FakePodBehaviour { Path = "/metrics", Body = Text("kserve-aggregated-metrics.txt") },
            new FakePodBehaviour { Path = "/prometheus", Body = Text("seldon-executor-metrics.txt") },
            .. extra,
        ]);
        ExporterFixture exporter = await ExporterFixture.StartAsync(api =>
        {
            api.Apply(Paths.InferenceServices, Load("inferenceservice-ready.json"));
            api.Apply(Paths.Pods, KServePod("sklearn-iris", KServePodName, pods.Ports[0]));
            api.Apply(Paths.Pods, SeldonPod("income-classifier", SeldonPodName, pods.Ports[1]));
            for (int i = 0; i < extra.Length; i++)
                api.Apply(Paths.Pods, KServePod("extra", $"extra-{i}", pods.Ports[2 + i]));
        }, configure);
        await exporter.ScrapeCyclesAsync();
        return (exporter, pods);
    }

    [Fact]
    public async Task Scrape_KServeAndSeldonPods_ReexposesTheirSeriesWithIdentityLabels()
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync();
        await using (f)
        await using (pods)
        {
            Scrape m = await f.MetricsAsync();

            Assert.Equal(61, m.Value("request_predict_seconds_count", ("namespace", Ns), ("inference_service", "sklearn-iris"), ("pod", KServePodName), ("model_name", "sklearn-iris")));
            Assert.Equal(61, m.Value("request_predict_seconds_bucket", ("inference_service", "sklearn-iris"), ("le", "+Inf")));
            Assert.Equal(1, m.Value("seldon_api_executor_server_requests_seconds_count", ("inference_service", "income-classifier"), ("pod", SeldonPodName), ("code", "500")));
            // The queue-proxy's own namespace label is kept as exported_namespace, ours wins.
            Assert.Equal(0, m.Value("revision_queue_depth", ("namespace", Ns), ("exported_namespace", Ns), ("inference_service", "sklearn-iris")));
            Assert.Equal("histogram", m.Families.Single(x => x.Name == "request_predict_seconds").Type);
            Assert.Equal(1, m.Value("kubeflow_inference_scrape_up", ("pod", KServePodName)));
            Assert.Equal(1, m.Value("kubeflow_inference_scrape_up", ("pod", SeldonPodName)));
            Assert.Equal(19, m.Value("kubeflow_inference_scrape_series", ("pod", KServePodName)));
            Assert.Equal(2, m.Value("kubeflow_inference_scrape_targets"));
            Assert.True(m.Value("kubeflow_inference_scrape_duration_seconds", ("pod", SeldonPodName)) > 0);
            Assert.True(pods.Scrapes(0) >= 2);
        }
    }

    [Fact]
    public async Task Scrape_SlowPod_TimesOutAndIsReportedDown()
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync(extra: new FakePodBehaviour { Body = "x 1\n", Delay = TimeSpan.FromSeconds(5) });
        await using (f)
        await using (pods)
        {
            Scrape m = await f.MetricsAsync();

            Assert.Equal(0, m.Value("kubeflow_inference_scrape_up", ("pod", "extra-0")));
            Assert.True(m.Value("kubeflow_inference_scrape_failures_total", ("pod", "extra-0"), ("reason", "timeout")) >= 1);
            Assert.Equal(0, m.Value("kubeflow_inference_scrape_failures_total", ("pod", "extra-0"), ("reason", "parse")));
            Assert.Empty(m.Find("x", ("pod", "extra-0")));
            Assert.Equal(1, m.Value("kubeflow_inference_scrape_up", ("pod", KServePodName)));
        }
    }

    [Theory]
    [InlineData(500, "", "http_status")]
    [InlineData(200, "metric{unterminated=\"x 1\n", "parse")]
    public async Task Scrape_BrokenPod_CountsTheFailureReason(int status, string body, string reason)
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync(extra: new FakePodBehaviour { Body = body, Status = status });
        await using (f)
        await using (pods)
        {
            Scrape m = await f.MetricsAsync();

            Assert.Equal(0, m.Value("kubeflow_inference_scrape_up", ("pod", "extra-0")));
            Assert.True(m.Value("kubeflow_inference_scrape_failures_total", ("pod", "extra-0"), ("reason", reason)) >= 2);
        }
    }

    [Fact]
    public async Task Scrape_OverThePerTargetLimit_DropsWholeFamiliesAndCountsThem()
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync(c => c with { Inference = c.Inference with { MaxSeriesPerTarget = 10 } });
        await using (f)
        await using (pods)
        {
            Scrape m = await f.MetricsAsync();

            // KServe: request_predict_seconds (8 series) fits, request_preprocess_seconds (4) would make 12: dropped; the
            // 1-series gauge and counter after it still fit.
            Assert.Equal(10, m.Value("kubeflow_inference_scrape_series", ("pod", KServePodName)));
            Assert.NotEmpty(m.Find("request_predict_seconds_count", ("pod", KServePodName)));
            Assert.Empty(m.Find("request_preprocess_seconds_count", ("pod", KServePodName)));
            Assert.True(m.Value("kubeflow_inference_scrape_series_dropped_total", ("pod", KServePodName), ("reason", "target_limit")) >= 4 + 5);
        }
    }

    [Fact]
    public async Task Scrape_OverTheTotalLimit_KeepsTheFirstTargetsSeries()
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync(c => c with { Inference = c.Inference with { MaxSeriesTotal = 30 } });
        await using (f)
        await using (pods)
        {
            Scrape m = await f.MetricsAsync();

            // Targets merge in namespace, inference service, pod order: income-classifier (Seldon, 14 series) first.
            Assert.Equal(14, m.Value("kubeflow_inference_scrape_series", ("pod", SeldonPodName)));
            Assert.True(m.Value("kubeflow_inference_scrape_series", ("pod", KServePodName)) <= 16);
            Assert.True(m.Value("kubeflow_inference_scrape_series_dropped_total", ("pod", KServePodName), ("reason", "total_limit")) > 0);
            Assert.True(m.Samples("request_predict_seconds_bucket").Count() + m.Samples("seldon_api_executor_server_requests_seconds_bucket").Count() <= 30);
        }
    }

    [Fact]
    public async Task Scrape_TypeConflictBetweenPods_DropsTheLaterFamily()
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync(extra: new FakePodBehaviour { Body = "# TYPE process_cpu_seconds_total gauge\nprocess_cpu_seconds_total 3\n" });
        await using (f)
        await using (pods)
        {
            Scrape m = await f.MetricsAsync();

            // Targets merge in order (inference service "extra" before "sklearn-iris"): the first type stands.
            Assert.Equal("gauge", m.Families.Single(x => x.Name == "process_cpu_seconds_total").Type);
            Assert.Equal(3, m.Value("process_cpu_seconds_total", ("pod", "extra-0")));
            Assert.Empty(m.Find("process_cpu_seconds_total", ("pod", KServePodName)));
            Assert.True(m.Value("kubeflow_inference_scrape_series_dropped_total", ("pod", KServePodName), ("reason", "type_conflict")) >= 1);
        }
    }

    [Fact]
    public async Task PodDeleted_ItsSeriesAndTargetMetricsGo()
    {
        (ExporterFixture f, FakeMetricsPods pods) = await StartAsync();
        await using (f)
        await using (pods)
        {
            f.Api.Delete(Paths.Pods, Ns, SeldonPodName);
            await WatchTests.WaitAsync(() => f.Exporter.State.SeldonPods.Count == 0, "the pod gone from the cache");
            await f.ScrapeCyclesAsync();

            Scrape m = await f.MetricsAsync();
            Assert.Empty(m.Find("seldon_api_executor_server_requests_seconds_count"));
            Assert.Empty(m.Find("kubeflow_inference_scrape_up", ("pod", SeldonPodName)));
            Assert.Empty(m.Find("kubeflow_inference_scrape_failures_total", ("pod", SeldonPodName)));
            Assert.Equal(1, m.Value("kubeflow_inference_scrape_targets"));
        }
    }

    [SkippableFact]
    public async Task Metrics_WithEveryFamilyPopulated_PassesPromtoolCheckMetrics()
    {
        const string promtool = "/usr/bin/promtool";
        Skip.IfNot(File.Exists(promtool), $"{promtool} is not installed (Debian package prometheus, or CI's install step).");
        FakeMetricsPods pods = await FakeMetricsPods.StartAsync(
        [
            new FakePodBehaviour { Path = "/metrics", Body = Text("kserve-aggregated-metrics.txt") },
            new FakePodBehaviour { Path = "/prometheus", Body = Text("seldon-executor-metrics.txt") },
            new FakePodBehaviour { Status = 503 },
        ]);
        await using (pods)
        {
            ExporterFixture f = await ExporterFixture.StartAsync(api =>
            {
                WatchTests.ArrangeAll(api);
                api.Apply(Paths.Pods, KServePod("sklearn-iris", KServePodName, pods.Ports[0]));
                api.Apply(Paths.Pods, SeldonPod("income-classifier", SeldonPodName, pods.Ports[1]));
                api.Apply(Paths.Pods, KServePod("broken", "broken-pod", pods.Ports[2]));
            });
            await using (f)
            {
                System.Text.Json.Nodes.JsonObject run = Load("workflow-running.json");
                f.Api.Apply(Paths.Workflows, run);
                run["status"]!["phase"] = "Succeeded";
                run["status"]!["finishedAt"] = "2026-11-27T21:54:01Z";
                f.Api.Apply(Paths.Workflows, run);
                await f.ScrapeCyclesAsync();
                await f.MetricsWhenAsync(s => s.Find("kubeflow_pipeline_run_duration_seconds_count").Count == 1, "a finished run");
                string text = await f.MetricsTextAsync();

                var start = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                using Process process = Process.Start(start)!;
                Task<string> stdout = process.StandardOutput.ReadToEndAsync();
                Task<string> stderr = process.StandardError.ReadToEndAsync();
                await process.StandardInput.WriteAsync(text);
                process.StandardInput.Close();
                await process.WaitForExitAsync();
                string output = await stdout + await stderr;

                Assert.Contains("kubeflow_inference_scrape_failures_total", text, StringComparison.Ordinal);
                Assert.Contains("kubeflow_training_job_replicas", text, StringComparison.Ordinal);
                Assert.True(process.ExitCode == 0, $"promtool check metrics exited {process.ExitCode}: {output}");
                Assert.Equal("", output.Trim());
            }
        }
    }
}
