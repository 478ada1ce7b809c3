// ExporterExpositionTests: the charm's alert rules evaluated by promtool on series taken from the Kubeflow exporter's real
// /metrics: the exporter runs against the fake Kubernetes API with the upstream-shaped objects and fake KServe and Seldon
// pods (MlObs.KubeflowExporter.Testing), its exposition becomes promtool input series, and the alerts must be exactly
// those the objects' failures call for. A rule whose names or labels the exporter does not emit cannot fire here.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CharmRules.Testing;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Http;
using MlObs.KubeflowExporter.Kube;
using MlObs.KubeflowExporter.Testing;
using Serilog;
using static MlObs.KubeflowExporter.Testing.KubeflowObjects;

namespace KubeflowObservabilityRules.Tests;

public sealed partial class ExporterExpositionTests
{
    private const string Ns = UserNamespace;
    private const string BrokenPod = "torch-mnist-predictor-00001-deployment-5b6c7d8e9-q1w2e";

    // What the objects call for at 30 minutes: torch-mnist is not ready and its pod answers 503, jupyter-scipy
    // crash-loops, pytorch-dist-mnist failed. Everything else is healthy (Seldon's 1 error in 22 requests is under 5 %).
    private static readonly (string Alert, string Labels)[] Expected =
    [
        ("KubeflowInferenceServiceNotReady", $"namespace: {Ns}, inference_service: torch-mnist, kind: InferenceService"),
        ("KubeflowInferenceScrapeFailing", $"namespace: {Ns}, inference_service: torch-mnist, pod: {BrokenPod}"),
        ("KubeflowNotebookCrashLooping", $"namespace: {Ns}, notebook: jupyter-scipy"),
        ("KubeflowTrainingJobFailed", $"namespace: {Ns}, kind: PyTorchJob, job: pytorch-dist-mnist, status: Failed"),
    ];

    // The measures of the error-rate and latency objectives (their expressions without the threshold) on the same series,
    // so that their names and labels are proven on the re-exposed series although the fixtures are healthy. Seldon: 1 of
    // 22 requests answered 500; its p99 lies in the +Inf bucket, so the highest finite bound (0.01 s). KServe: the
    // queue-proxy's p99 is 5 + (0.99 * 61 - 40) / 21 * 45 ms; the predict-step measure is not used next to it.
    private static readonly (string Alert, string Labels, double Value)[] Measures =
    [
        ("KubeflowInferenceErrorRateHigh", $"{{namespace=\"{Ns}\",inference_service=\"income-classifier\",kind=\"SeldonDeployment\"}}", 1.0 / 22),
        ("KubeflowInferenceLatencyHigh", $"{{namespace=\"{Ns}\",inference_service=\"income-classifier\",measured_by=\"seldon-executor\"}}", 0.01),
        ("KubeflowInferenceLatencyHigh", $"{{namespace=\"{Ns}\",inference_service=\"sklearn-iris\",measured_by=\"queue-proxy\"}}", (5 + ((0.99 * 61) - 40) / 21 * 45) / 1000),
    ];

    [SkippableFact]
    public async Task Rules_OnTheExportersRealMetrics_RaiseWhatTheObjectsCallFor()
    {
        Skip.IfNot(Promtool.Installed, Promtool.Missing);
        var (exposition, scrapedAt) = await ScrapeExporterAsync();
        Assert.Contains("seldon_api_executor_server_requests_seconds_bucket{namespace=", exposition, StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("kf-exposition-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "rules.json"), RulesWithoutAnnotations().ToJsonString());
            File.WriteAllText(Path.Combine(dir, "exposition.test.yaml"), PromtoolTest(exposition, scrapedAt));

            var (exitCode, output) = Promtool.Run(dir, "test", "rules", "exposition.test.yaml");

            Assert.True(exitCode == 0, $"promtool test rules on the exporter's metrics failed ({exitCode}):\n{output}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void InputSeries_KeepGaugesAndGrowCounters_AndMoveUnixTimesToTheTestsClock()
    {
        const string Text = """
            # TYPE g gauge
            g{a="x"} 3
            # TYPE c counter
            c_total{a="y"} 5
            # TYPE h histogram
            h_bucket{le="+Inf"} 2
            h_count 2
            # TYPE kubeflow_pipeline_run_completion_time_seconds gauge
            kubeflow_pipeline_run_completion_time_seconds{workflow="w"} 1795816000
            """;

        var series = InputSeries(Text, scrapedAt: 1795816600);

        Assert.Equal(
            [
                ("g{a=\"x\"}", "3x40"), ("c_total{a=\"y\"}", "0+5x40"), ("h_bucket{le=\"+Inf\"}", "0+2x40"), ("h_count", "0+2x40"),
                ("kubeflow_pipeline_run_completion_time_seconds{workflow=\"w\"}", "-600x40"),
            ],
            series);
    }

    // Starts the fake API with the sample objects and three inference pods (KServe, Seldon, and a KServe pod answering
    // 503), runs the exporter until it has scraped them, and returns its /metrics and the Unix time it was read.
    private static async Task<(string Text, double ScrapedAt)> ScrapeExporterAsync()
    {
        await using FakeMetricsPods pods = await FakeMetricsPods.StartAsync(
        [
            new FakePodBehaviour { Path = "/metrics", Body = Text("kserve-aggregated-metrics.txt") },
            new FakePodBehaviour { Path = "/prometheus", Body = Text("seldon-executor-metrics.txt") },
            new FakePodBehaviour { Status = 503 },
        ]);
        await using FakeKubeApiServer api = await FakeKubeApiServer.StartAsync();
        RegisterAll(api);
        api.Apply(Paths.Namespaces, Load("namespace-profile.json"));
        foreach (var (path, file) in new[]
        {
            (Paths.InferenceServices, "inferenceservice-ready.json"), (Paths.InferenceServices, "inferenceservice-failed.json"),
            (Paths.SeldonDeployments, "seldondeployment-available.json"), (Paths.Notebooks, "notebook-crashloop.json"),
            (Paths.Notebooks, "notebook-ready.json"), (Paths.Pods, "pod-notebook.json"), (Paths.Workflows, "workflow-running.json"),
            (Paths.Workflows, "workflow-succeeded.json"), (Paths.Experiments, "experiment-running.json"), (Paths.Trials, "trial-succeeded.json"),
            (Paths.PyTorchJobs, "pytorchjob-failed.json"),
        })
        {
            api.Apply(path, Load(file));
        }

        api.Apply(Paths.Pods, KServePod("sklearn-iris", "sklearn-iris-predictor-00001-deployment-7d9c8b6f5-x2k4q", pods.Ports[0]));
        api.Apply(Paths.Pods, SeldonPod("income-classifier", "income-classifier-default-0-classifier-6f8d9c7b5-4hj2m", pods.Ports[1]));
        api.Apply(Paths.Pods, KServePod("torch-mnist", BrokenPod, pods.Ports[2]));

        using var kube = new KubeApi(new KubeConnection { Server = api.Address }.Resolve());
        var config = new ExporterConfig
        {
            Inference = new InferenceScrapeSettings { Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromMilliseconds(150) },
        };
        var silent = new LoggerConfiguration().CreateLogger();
        await using var exporter = await KubeflowExporterServer.StartAsync(new ExporterServerOptions { Port = 0, BindAddress = "127.0.0.1", Config = config, Api = kube, Logger = silent });
        await exporter.Synced.WaitAsync(TimeSpan.FromSeconds(20));

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var text = await http.GetStringAsync(new Uri(exporter.Address, "/metrics"));
            // Every pod scraped: the Seldon series are there and the broken pod has failed at least once.
            if (text.Contains("seldon_api_executor_server_requests_seconds_count{", StringComparison.Ordinal)
                && text.Contains($"kubeflow_inference_scrape_up{{namespace=\"{Ns}\",inference_service=\"torch-mnist\",pod=\"{BrokenPod}\"}} 0", StringComparison.Ordinal))
            {
                return (text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
            }

            Assert.True(DateTime.UtcNow < deadline, $"the exporter did not scrape every pod within 15 s:\n{text}");
            await Task.Delay(100);
        }
    }

    // Gauges keep their value; counters, histograms and summaries grow by their value every minute (a rate to evaluate);
    // Unix times (…_time_seconds, …_timestamp_seconds) move so that the scrape is the test's time 0.
    private static List<(string Series, string Values)> InputSeries(string exposition, double scrapedAt)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var series = new List<(string, string)>();
        foreach (var line in exposition.Split('\n'))
        {
            var type = TypeLine().Match(line);
            if (type.Success)
            {
                types[type.Groups["name"].Value] = type.Groups["type"].Value;
                continue;
            }

            var sample = SampleLine().Match(line);
            if (!sample.Success || sample.Groups["value"].Value is "NaN")
            {
                continue;
            }

            var name = sample.Groups["name"].Value;
            var family = types.ContainsKey(name) ? name : FamilySuffix().Replace(name, string.Empty);
            var value = double.Parse(sample.Groups["value"].Value.Replace("+Inf", "Inf", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            var kind = types.GetValueOrDefault(family, "untyped");
            if (kind == "gauge" && UnixTime().IsMatch(name))
            {
                value -= scrapedAt;
            }

            var text = value.ToString("R", CultureInfo.InvariantCulture);
            series.Add((sample.Groups["series"].Value, kind is "counter" or "histogram" or "summary" ? $"0+{text}x40" : $"{text}x40"));
        }

        return series;
    }

    private static string PromtoolTest(string exposition, double scrapedAt)
    {
        var yaml = new StringBuilder("rule_files:\n  - rules.json\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
        foreach (var (series, values) in InputSeries(exposition, scrapedAt))
        {
            yaml.Append("      - series: '").Append(series.Replace("'", "''", StringComparison.Ordinal)).Append("'\n        values: '").Append(values).Append("'\n");
        }

        yaml.Append("    alert_rule_test:\n");
        foreach (var alert in KfCharm.PrometheusAlerts)
        {
            yaml.Append("      - eval_time: 30m\n        alertname: ").Append(alert).Append('\n');
            var expected = Expected.Where(e => e.Alert == alert).ToList();
            if (expected.Count == 0)
            {
                yaml.Append("        exp_alerts: []\n");
                continue;
            }

            yaml.Append("        exp_alerts:\n");
            foreach (var (_, labels) in expected)
            {
                var severity = Severity(alert);
                yaml.Append("          - exp_labels: {severity: ").Append(severity).Append(", ").Append(labels).Append("}\n");
            }
        }

        yaml.Append("    promql_expr_test:\n");
        foreach (var alert in Measures.Select(m => m.Alert).Distinct())
        {
            var expr = Threshold().Replace(Yaml.Scalar(Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles).Single(a => a.Alert == alert).Rule, "expr")!, string.Empty);
            // promtool compares values exactly: both sides rounded to 1e-6 as PromQL's round() does.
            yaml.Append("      - eval_time: 30m\n        expr: 'round(").Append(expr.Replace("'", "''", StringComparison.Ordinal).ReplaceLineEndings(" ")).Append(", 0.000001)'\n        exp_samples:\n");
            foreach (var (_, labels, value) in Measures.Where(m => m.Alert == alert))
            {
                var rounded = Math.Floor((value * (1.0 / 0.000001)) + 0.5) / (1.0 / 0.000001);
                yaml.Append("          - labels: '").Append(labels).Append("'\n            value: ").Append(rounded.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return yaml.ToString();
    }

    // The rule files as one rule group file, without annotations: the expectations above are labels only.
    private static JsonObject RulesWithoutAnnotations()
    {
        var rules = new JsonArray();
        foreach (var (_, alert, rule) in Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles))
        {
            rules.Add(new JsonObject
            {
                ["alert"] = alert,
                ["expr"] = Yaml.Scalar(rule, "expr"),
                ["for"] = Yaml.Scalar(rule, "for"),
                ["labels"] = new JsonObject { ["severity"] = Severity(alert) },
            });
        }

        return new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "kubeflow-observability", ["rules"] = rules }) };
    }

    private static string Severity(string alert) =>
        Yaml.Scalar(Yaml.Mapping(Yaml.Alerts(KfCharm.Files.PrometheusRuleFiles).Single(a => a.Alert == alert).Rule, "labels")!, "severity")!;

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<series>(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})?) (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("_(bucket|sum|count|total)$")]
    private static partial Regex FamilySuffix();

    [GeneratedRegex(@"\s*>\s*[0-9.]+\s*$")]
    private static partial Regex Threshold();

    [GeneratedRegex("_(time|timestamp)_seconds$")]
    private static partial Regex UnixTime();
}
