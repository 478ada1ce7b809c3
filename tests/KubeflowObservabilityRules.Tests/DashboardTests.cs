// DashboardTests: the three dashboards (pipelines, serving, notebooks and experiments) use only COS's datasource variables,
// every PromQL and LogQL target and variable query parses with MlObs.Cos's parsers (Grafana variables included), they show
// what operators need, and they render through GrafanaDashboardRenderer as grafana-k8s would, with the Juju topology in
// every target.
using System.Text.Json.Nodes;
using CharmRules.Testing;

namespace KubeflowObservabilityRules.Tests;

public sealed class DashboardTests
{
    private static readonly string[] Files = ["kubeflow-pipelines.json", "kubeflow-serving.json", "kubeflow-notebooks-experiments.json"];

    public static TheoryData<string> Dashboards => new(Files);

    private static JsonObject Load(string file) => DashboardChecks.Load(KfCharm.Files.Dashboard(file));

    [Fact]
    public void DashboardsDir_HoldsTheThreeDashboards()
    {
        Assert.Equal(Files.Order(StringComparer.Ordinal), KfCharm.Files.DashboardFiles.Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_HasATitleAnIntegerVersionAndNoFixedUid(string file) => DashboardChecks.AssertTitleVersionAndNoFixedUid(Load(file));

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryPanel_UsesThePrometheusOrLokiDatasourceVariable(string file) => DashboardChecks.AssertDatasourcesAreTheCosVariables(Load(file));

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryTarget_ParsesInItsQueryLanguage(string file)
    {
        var count = DashboardChecks.AssertEveryTargetParses(Load(file));

        Assert.True(count >= 12, $"{file}: only {count} targets");
    }

    [Theory]
    [InlineData("kubeflow-pipelines.json", new[] { "namespace" })]
    [InlineData("kubeflow-serving.json", new[] { "namespace", "inference_service" })]
    [InlineData("kubeflow-notebooks-experiments.json", new[] { "namespace", "kind" })]
    public void TemplateVariables_AreLabelValuesQueries_UsedByThePanels(string file, string[] variables)
    {
        var dashboard = Load(file);

        DashboardChecks.AssertLabelValuesVariables(dashboard, variables);
        var exprs = DashboardChecks.Expressions(dashboard);
        Assert.All(variables, v => Assert.True(exprs.Exists(e => e.Contains($"=~\"${v}\"", StringComparison.Ordinal) || e.Contains($"(${v})", StringComparison.Ordinal)), $"{file}: no panel filters by ${v}"));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_RendersAsGrafanaK8sWould_WithTheTopologyInEveryTarget(string file)
    {
        var dashboard = Load(file);
        var variables = dashboard["templating"]!["list"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToArray();

        DashboardChecks.AssertRendersWithTheTopology(dashboard, KfCharm.Name, $"file:{Path.GetFileNameWithoutExtension(file)}", KfCharm.Topology, variables);
    }

    [Fact]
    public void Pipelines_ShowsPhasesFailureRatioDurationsAndFailedRuns()
    {
        var dashboard = Load("kubeflow-pipelines.json");

        DashboardChecks.AssertQueriesShow(
            dashboard,
            ("sum by (namespace, phase) (kubeflow_pipeline_runs{", "runs by phase per namespace"),
            ("rate(kubeflow_pipeline_run_duration_seconds_count{namespace=~\"$namespace\", phase=~\"Failed|Error\"}[1h]))", "the failure ratio over time"),
            ("histogram_quantile(0.9, sum by (namespace, le) (rate(kubeflow_pipeline_run_duration_seconds_bucket{", "duration quantiles"),
            ("(kubeflow_pipeline_run_phase{namespace=~\"$namespace\", phase=~\"Failed|Error\"} == 1)", "failed runs"));
        var failed = Assert.Single(DashboardChecks.Panels(dashboard), p => p["title"]!.GetValue<string>() == "Failed runs");
        Assert.Equal("table", failed["type"]!.GetValue<string>());
    }

    [Fact]
    public void Serving_ShowsReadinessTrafficErrorsLatencyScrapesAndLogs()
    {
        var dashboard = Load("kubeflow-serving.json");

        DashboardChecks.AssertQueriesShow(
            dashboard,
            ("kubeflow_inference_service_ready{", "readiness"),
            ("== 0) or vector(0)", "services not ready"),
            ("rate(revision_app_request_latencies_count{", "KServe's request rate"),
            ("rate(seldon_api_executor_server_requests_seconds_count{", "Seldon's request rate"),
            ("response_code_class=\"5xx\"", "KServe's error ratio"),
            ("code=~\"5..\"", "Seldon's error ratio"),
            ("histogram_quantile(0.5, sum by (namespace, inference_service, le) (rate(revision_app_request_latencies_bucket", "p50"),
            ("histogram_quantile(0.9, sum by (namespace, inference_service, le) (rate(revision_app_request_latencies_bucket", "p90"),
            ("histogram_quantile(0.99, sum by (namespace, inference_service, le) (rate(revision_app_request_latencies_bucket", "p99"),
            ("kubeflow_inference_scrape_up{", "scrape health"),
            ("kubeflow_inference_scrape_failures_total", "scrape failures"),
            ("kubeflow_exporter_resource_missing == 1", "resources not installed (not an alert)"));
        Assert.Contains(DashboardChecks.Panels(dashboard), p => p["type"]!.GetValue<string>() == "logs" && DashboardChecks.DatasourceUid(p["datasource"]) == DashboardChecks.LokiDs);
    }

    [Fact]
    public void NotebooksExperiments_ShowsNotebooksExperimentsTrialsAndTrainingJobs()
    {
        DashboardChecks.AssertQueriesShow(
            Load("kubeflow-notebooks-experiments.json"),
            ("kubeflow_notebook_ready{", "notebook readiness"),
            ("kubeflow_notebook_crash_looping{", "crash-looping"),
            ("increase(kubeflow_notebook_container_restarts_total{", "restarts"),
            ("kubeflow_notebook_container_waiting{", "waiting reasons"),
            ("count by (status) (kubeflow_experiment_status{", "experiments by status"),
            ("sum by (state) (kubeflow_experiment_trials{", "trial counts"),
            ("count by (kind, status) (kubeflow_training_job_status{", "training jobs by status"),
            ("kubeflow_training_job_replicas{", "replica states"));
    }
}
