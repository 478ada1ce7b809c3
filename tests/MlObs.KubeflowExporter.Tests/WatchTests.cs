using System.Text.Json.Nodes;
using MlObs.KubeflowExporter.Kube;
using MlObs.KubeflowExporter.Testing;
using static MlObs.KubeflowExporter.Testing.KubeflowObjects;

namespace MlObs.KubeflowExporter.Tests;

/// <summary>The exporter against the fake API server: lists, watch events, bookmarks, 410 Gone, dropped connections, errors.</summary>
public sealed class WatchTests
{
    private const string Ns = UserNamespace;

    /// <summary>One object of each sample (all in the profile namespace).</summary>
    internal static void ArrangeAll(FakeKubeApiServer api)
    {
        api.Apply(Paths.InferenceServices, Load("inferenceservice-ready.json"));
        api.Apply(Paths.InferenceServices, Load("inferenceservice-failed.json"));
        api.Apply(Paths.SeldonDeployments, Load("seldondeployment-available.json"));
        api.Apply(Paths.Notebooks, Load("notebook-crashloop.json"));
        api.Apply(Paths.Notebooks, Load("notebook-ready.json"));
        api.Apply(Paths.Pods, Load("pod-notebook.json"));
        api.Apply(Paths.Workflows, Load("workflow-running.json"));
        api.Apply(Paths.Workflows, Load("workflow-succeeded.json"));
        api.Apply(Paths.Experiments, Load("experiment-running.json"));
        api.Apply(Paths.Trials, Load("trial-succeeded.json"));
        api.Apply(Paths.PyTorchJobs, Load("pytorchjob-failed.json"));
    }

    [Fact]
    public async Task Start_WithUpstreamObjects_ExposesTheirStates()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(ArrangeAll);

        Scrape m = await f.MetricsAsync();

        Assert.Equal(1, m.Value("kubeflow_inference_service_ready", ("namespace", Ns), ("inference_service", "sklearn-iris"), ("kind", "InferenceService")));
        Assert.Equal(0, m.Value("kubeflow_inference_service_ready", ("inference_service", "torch-mnist")));
        Assert.Equal(1, m.Value("kubeflow_inference_service_ready", ("inference_service", "income-classifier"), ("kind", "SeldonDeployment")));
        Assert.Equal(1, m.Value("kubeflow_inferenceservice_condition", ("inference_service", "torch-mnist"), ("condition", "PredictorReady"), ("status", "false")));
        Assert.Equal(0, m.Value("kubeflow_inferenceservice_condition", ("inference_service", "torch-mnist"), ("condition", "PredictorReady"), ("status", "true")));
        Assert.Equal(1, m.Value("kubeflow_inferenceservice_condition", ("inference_service", "torch-mnist"), ("condition", "IngressReady"), ("status", "unknown")));
        Assert.Equal(1, m.Value("kubeflow_seldondeployment_state", ("inference_service", "income-classifier"), ("state", "Available")));
        Assert.Equal(0, m.Value("kubeflow_notebook_ready", ("notebook", "jupyter-scipy")));
        Assert.Equal(1, m.Value("kubeflow_notebook_ready", ("notebook", "codeserver")));
        Assert.Equal(1, m.Value("kubeflow_notebook_crash_looping", ("notebook", "jupyter-scipy")));
        Assert.Equal(1, m.Value("kubeflow_notebook_container_waiting", ("notebook", "jupyter-scipy"), ("reason", "CrashLoopBackOff")));
        Assert.Equal(7, m.Value("kubeflow_notebook_container_restarts_total", ("notebook", "jupyter-scipy"), ("container", "jupyter-scipy")));
        Assert.Equal(1, m.Value("kubeflow_pipeline_runs", ("namespace", Ns), ("phase", "Running")));
        Assert.Equal(1, m.Value("kubeflow_pipeline_runs", ("namespace", Ns), ("phase", "Succeeded")));
        Assert.Equal(0, m.Value("kubeflow_pipeline_runs", ("namespace", Ns), ("phase", "Failed")));
        Assert.Equal(1, m.Value("kubeflow_pipeline_run_phase", ("workflow", "tutorial-data-passing-8xk2p"), ("phase", "Running")));
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T20:07:31Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(),
            m.Value("kubeflow_pipeline_run_completion_time_seconds", ("workflow", "iris-training-pipeline-4q9zt")));
        Assert.Null(m.Value("kubeflow_pipeline_run_completion_time_seconds", ("workflow", "tutorial-data-passing-8xk2p")));
        Assert.Equal(1, m.Value("kubeflow_experiment_status", ("experiment", "random-search"), ("status", "Running")));
        Assert.Equal(0, m.Value("kubeflow_experiment_status", ("experiment", "random-search"), ("status", "Created")));
        Assert.Equal(5, m.Value("kubeflow_experiment_trials", ("experiment", "random-search"), ("state", "succeeded")));
        Assert.Equal(1, m.Value("kubeflow_trial_status", ("experiment", "random-search"), ("trial", "random-search-2xq7b9"), ("status", "Succeeded")));
        Assert.Equal(1, m.Value("kubeflow_training_job_status", ("kind", "PyTorchJob"), ("job", "pytorch-dist-mnist"), ("status", "Failed")));
        Assert.Equal(1, m.Value("kubeflow_training_job_replicas", ("job", "pytorch-dist-mnist"), ("replica_type", "Master"), ("state", "failed")));
        Assert.Equal(1, m.Value("kubeflow_exporter_namespaces_selected"));
        Assert.Equal(2, m.Value("kubeflow_exporter_objects", ("resource", "inferenceservices")));
        Assert.Equal(0, m.Value("kubeflow_exporter_resource_missing", ("resource", "seldondeployments")));
    }

    [Fact]
    public async Task Watch_ObjectModifiedAndDeleted_UpdatesAndRemovesItsSeries()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(api => api.Apply(Paths.InferenceServices, Load("inferenceservice-failed.json")));
        JsonObject fixedIsvc = Load("inferenceservice-ready.json");
        fixedIsvc["metadata"]!["name"] = "torch-mnist";

        f.Api.Apply(Paths.InferenceServices, fixedIsvc);
        await f.MetricsWhenAsync(m => m.Value("kubeflow_inference_service_ready", ("inference_service", "torch-mnist")) == 1, "torch-mnist ready");
        f.Api.Delete(Paths.InferenceServices, Ns, "torch-mnist");
        Scrape after = await f.MetricsWhenAsync(m => m.Find("kubeflow_inference_service_ready").Count == 0, "torch-mnist gone");

        Assert.Empty(after.Find("kubeflow_inferenceservice_condition", ("inference_service", "torch-mnist")));
        Assert.Equal(1, f.Api.ListCount(Paths.InferenceServices));
    }

    [Fact]
    public async Task Bookmark_ThenDroppedWatch_ResumesFromTheBookmarkWithoutRelisting()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync();
        ResourceWatcher watcher = f.Exporter.State.Watchers.Single(w => w.Kind.Name == "workflows");
        await WaitAsync(() => f.Api.OpenWatches >= f.Exporter.State.Watchers.Count, "every watch open");
        // Changes elsewhere move the server's version past the workflow watch's last version; a bookmark tells it so.
        f.Api.Apply(Paths.Experiments, Load("experiment-running.json"));
        long bookmark = f.Api.ResourceVersion;

        f.Api.SendBookmark();
        await WaitAsync(() => watcher.ResourceVersion == bookmark.ToString(System.Globalization.CultureInfo.InvariantCulture), "bookmark applied");
        f.Api.DropWatches();
        f.Api.Apply(Paths.Workflows, Load("workflow-running.json"));

        await f.MetricsWhenAsync(m => m.Value("kubeflow_pipeline_runs", ("phase", "Running")) == 1, "the run after the drop");
        Assert.Equal(1, f.Api.ListCount(Paths.Workflows));
        Assert.True(f.Api.WatchCount(Paths.Workflows) >= 2);
        Scrape m = await f.MetricsAsync();
        Assert.True(m.Value("kubeflow_exporter_watch_events_total", ("resource", "workflows"), ("type", "bookmark")) >= 1);
        Assert.True(m.Value("kubeflow_exporter_watch_restarts_total", ("resource", "workflows")) >= 1);
    }

    [Fact]
    public async Task Watch_EndedAtOnceWithoutEvents_BacksOffInsteadOfReconnectingInALoop()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync();
        await WaitAsync(() => f.Api.OpenWatches >= f.Exporter.State.Watchers.Count, "every watch open");
        int before = f.Api.WatchCount(Paths.Workflows);
        f.Api.EndWatchesAtOnce = true;
        f.Api.DropWatches();
        await Task.Delay(TimeSpan.FromSeconds(2));

        // KubernetesClient reads a watch's first line before it hands the watch over, so a watch that ends without a line fails
        // (EndOfStreamException) and the watcher backs off: with the fixture's back-off (50 ms doubling to 300 ms) two seconds
        // hold a handful of attempts; reconnecting at once would make hundreds.
        int attempts = f.Api.WatchCount(Paths.Workflows) - before;
        Assert.InRange(attempts, 2, 15);
        Scrape m = await f.MetricsAsync();
        Assert.True(m.Value("kubeflow_exporter_watch_errors_total", ("resource", "workflows"), ("operation", "watch")) >= 2);
        Assert.Equal(1, f.Api.ListCount(Paths.Workflows));

        // Once watches last again, events flow without a relist.
        f.Api.EndWatchesAtOnce = false;
        f.Api.Apply(Paths.Workflows, Load("workflow-running.json"));
        await f.MetricsWhenAsync(s => s.Value("kubeflow_pipeline_runs", ("phase", "Running")) == 1, "the run after watches recover");
        Assert.Equal(1, f.Api.ListCount(Paths.Workflows));
    }

    [Theory]
    [InlineData(ExpiredMode.ErrorEvent)]
    [InlineData(ExpiredMode.HttpStatus)]
    public async Task Watch_ResourceVersionExpired_RelistsAndCatchesUp(ExpiredMode mode)
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(api => api.Apply(Paths.Notebooks, Load("notebook-ready.json")));
        f.Api.ExpiredMode = mode;
        await WaitAsync(() => f.Api.OpenWatches >= f.Exporter.State.Watchers.Count, "every watch open");

        // While the connection is down, the notebook is deleted and the history compacted: only a relist can tell.
        f.Api.DropWatches();
        f.Api.Delete(Paths.Notebooks, Ns, "codeserver");
        f.Api.Apply(Paths.Notebooks, Load("notebook-crashloop.json"));
        f.Api.Compact();
        f.Api.DropWatches();

        Scrape m = await f.MetricsWhenAsync(s => s.Value("kubeflow_exporter_relists_total", ("resource", "notebooks"), ("reason", "expired")) >= 1
            && s.Find("kubeflow_notebook_ready", ("notebook", "codeserver")).Count == 0, "relisted notebooks");
        Assert.Equal(0, m.Value("kubeflow_notebook_ready", ("notebook", "jupyter-scipy")));
        Assert.True(f.Api.ListCount(Paths.Notebooks) >= 2);
    }

    [Fact]
    public async Task List_ServerErrors_BacksOffAndRecovers()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(api =>
        {
            api.Apply(Paths.Trials, Load("trial-succeeded.json"));
            api.FailNext(Paths.Trials, 3);
        });

        Scrape m = await f.MetricsAsync();

        Assert.Equal(1, m.Value("kubeflow_trial_status", ("trial", "random-search-2xq7b9"), ("status", "Succeeded")));
        Assert.Equal(3, m.Value("kubeflow_exporter_watch_errors_total", ("resource", "trials"), ("operation", "list")));
        Assert.Equal(3, m.Value("kubeflow_exporter_relists_total", ("resource", "trials"), ("reason", "error")));
        Assert.True(m.Value("kubeflow_exporter_last_list_success_timestamp_seconds", ("resource", "trials")) > 1.7e9);
    }

    [Fact]
    public async Task Start_CrdNotInstalled_IsReadyAndReportsTheResourceMissing()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(missingPaths: [Paths.SeldonDeployments]);
        using var http = new HttpClient();

        using HttpResponseMessage ready = await http.GetAsync(new Uri(f.Exporter.Address, "/readyz"));
        Scrape m = await f.MetricsAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(1, m.Value("kubeflow_exporter_resource_missing", ("resource", "seldondeployments")));
        Assert.Equal(0, m.Value("kubeflow_exporter_resource_missing", ("resource", "notebooks")));
    }

    [Fact]
    public async Task Namespaces_NotAProfileAndNotIncluded_AreNotReported()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(api =>
        {
            api.Apply(Paths.Notebooks, Named("notebook-ready.json", "admin-notebook", "kubeflow"));
            api.Apply(Paths.Notebooks, Named("notebook-ready.json", "team-notebook", "team-b"));
            api.Apply(Paths.Notebooks, Load("notebook-ready.json"));
        }, c => c with { Namespaces = c.Namespaces with { Include = ["team-b"] } });

        Scrape m = await f.MetricsAsync();

        Assert.Equal(["codeserver", "team-notebook"], m.Find("kubeflow_notebook_ready").Select(s => s.Labels.Single(l => l.Key == "notebook").Value).Order());
        Assert.Equal(2, m.Value("kubeflow_exporter_namespaces_selected"));
    }

    [Fact]
    public async Task Namespaces_LabelledAsProfileLater_AreReportedOnceLabelled()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(api => api.Apply(Paths.Notebooks, Named("notebook-ready.json", "nb", "kubeflow-user-new")));
        Assert.Empty((await f.MetricsAsync()).Find("kubeflow_notebook_ready"));

        JsonObject ns = Load("namespace-profile.json");
        ns["metadata"]!["name"] = "kubeflow-user-new";
        f.Api.Apply(Paths.Namespaces, ns);

        await f.MetricsWhenAsync(m => m.Value("kubeflow_notebook_ready", ("namespace", "kubeflow-user-new"), ("notebook", "nb")) == 1, "the new profile's notebook");
    }

    [Fact]
    public async Task Workflow_FinishingWhileWatched_IsObservedOnceInTheDurationHistogram()
    {
        await using ExporterFixture f = await ExporterFixture.StartAsync(api => api.Apply(Paths.Workflows, Load("workflow-succeeded.json")));
        JsonObject run = Load("workflow-running.json");
        f.Api.Apply(Paths.Workflows, run);
        run["status"]!["phase"] = "Failed";
        run["status"]!["finishedAt"] = "2026-11-27T21:53:21Z";

        f.Api.Apply(Paths.Workflows, run.DeepClone().AsObject());
        f.Api.Apply(Paths.Workflows, run.DeepClone().AsObject()); // a later update of a finished run is not a second finish

        Scrape m = await f.MetricsWhenAsync(s => s.Value("kubeflow_pipeline_runs", ("phase", "Failed")) == 1, "the failed run");
        Assert.Equal(1, m.Value("kubeflow_pipeline_run_duration_seconds_count", ("namespace", Ns), ("phase", "Failed")));
        Assert.Equal(200, m.Value("kubeflow_pipeline_run_duration_seconds_sum", ("namespace", Ns), ("phase", "Failed")));
        Assert.Equal(1, m.Value("kubeflow_pipeline_run_duration_seconds_bucket", ("phase", "Failed"), ("le", "300")));
        Assert.Null(m.Value("kubeflow_pipeline_run_duration_seconds_count", ("phase", "Succeeded")));
    }

    internal static async Task WaitAsync(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
