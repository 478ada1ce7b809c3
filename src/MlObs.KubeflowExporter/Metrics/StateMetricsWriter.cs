// The kube-state-metrics-style families, written at scrape time from the object caches of the selected namespaces. One-hot
// status families carry one series per known status (value 1 for the current one, 0 for the others), so alert rules can
// match `== 1` and a status change never leaves a stale series. Label values come from object names and from fixed lists.
using System.Text;
using MlObs.KubeflowExporter.Objects;

namespace MlObs.KubeflowExporter.Metrics;

/// <summary>Writes the object-state metrics of <see cref="ExporterState"/> (see <c>Metrics/README.md</c>).</summary>
internal static class StateMetricsWriter
{
    /// <summary>Condition types of an InferenceService that get series (KServe 0.15's conditions; others are ignored).</summary>
    public static IReadOnlyList<string> InferenceConditions { get; } =
    [
        "Ready", "PredictorReady", "TransformerReady", "ExplainerReady", "IngressReady", "LatestDeploymentReady",
        "PredictorConfigurationReady", "PredictorRouteReady", "RoutesReady", "Stopped",
    ];

    /// <summary>States of a SeldonDeployment (<c>status.state</c>).</summary>
    public static IReadOnlyList<string> SeldonStates { get; } = ["Creating", "Available", "Failed"];

    /// <summary>Waiting reasons of a notebook container that get their own label value; others read <c>other</c>.</summary>
    public static IReadOnlyList<string> WaitingReasons { get; } =
        ["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "ContainerCreating", "CreateContainerConfigError", "CreateContainerError", "PodInitializing"];

    private static readonly string[] ConditionStatuses = ["true", "false", "unknown"];

    /// <summary>Appends every state family to <paramref name="text"/>.</summary>
    public static void Write(ExporterState state, StringBuilder text)
    {
        var w = new ExpositionWriter(text);
        Func<string, bool> selected = state.IsSelected;
        WriteInference(state, w, selected);
        WriteNotebooks(state, w, selected);
        WriteWorkflows(state, w, selected);
        WriteKatib(state, w, selected);
        WriteTraining(state, w, selected);
        if (state.SelectedNamespaceCount() is { } selectedCount)
        {
            w.Family("kubeflow_exporter_namespaces_selected", "gauge", "Namespaces whose objects the exporter reports (profile namespaces and the configured ones).");
            w.Sample("kubeflow_exporter_namespaces_selected", selectedCount);
        }
    }

    private static IEnumerable<T> Sorted<T>(IEnumerable<T> items, Func<string, bool> selected) where T : IObjectState =>
        items.Where(i => selected(i.Namespace)).OrderBy(i => i.Namespace, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal);

    private static void WriteInference(ExporterState state, ExpositionWriter w, Func<string, bool> selected)
    {
        InferenceServiceState[] isvcs = [.. Sorted(state.InferenceServices.Values, selected)];
        SeldonDeploymentState[] sdeps = [.. Sorted(state.SeldonDeployments.Values, selected)];
        w.Family("kubeflow_inference_service_ready", "gauge",
            "1 when the inference service is ready (KServe: condition Ready is True; Seldon: state Available), else 0.");
        foreach (InferenceServiceState s in isvcs)
            w.Sample("kubeflow_inference_service_ready", s.Ready ? 1 : 0, "namespace", s.Namespace, "inference_service", s.Name, "kind", "InferenceService");
        foreach (SeldonDeploymentState s in sdeps)
            w.Sample("kubeflow_inference_service_ready", s.Ready ? 1 : 0, "namespace", s.Namespace, "inference_service", s.Name, "kind", "SeldonDeployment");

        w.Family("kubeflow_inferenceservice_condition", "gauge",
            "1 for the status (true, false, unknown) of each condition of a KServe InferenceService, 0 for the other two.");
        foreach (InferenceServiceState s in isvcs)
        {
            foreach (Kube.Condition c in s.Conditions)
            {
                if (!InferenceConditions.Contains(c.Type))
                    continue;
                string status = c.Status.ToLowerInvariant();
                foreach (string candidate in ConditionStatuses)
                {
                    w.Sample("kubeflow_inferenceservice_condition", candidate == status ? 1 : 0,
                        "namespace", s.Namespace, "inference_service", s.Name, "condition", c.Type, "status", candidate);
                }
            }
        }

        w.Family("kubeflow_seldondeployment_state", "gauge", "1 for the state (Creating, Available, Failed) of a SeldonDeployment, 0 for the others.");
        foreach (SeldonDeploymentState s in sdeps)
            OneHot(w, "kubeflow_seldondeployment_state", "state", SeldonStates, s.State, "namespace", s.Namespace, "inference_service", s.Name);
    }

    private static void WriteNotebooks(ExporterState state, ExpositionWriter w, Func<string, bool> selected)
    {
        NotebookState[] notebooks = [.. Sorted(state.Notebooks.Values, selected)];
        ILookup<(string, string), PodState> pods = state.NotebookPods.Values.ToLookup(p => (p.Namespace, p.Owner));
        w.Family("kubeflow_notebook_ready", "gauge", "1 when the notebook has a ready replica (status.readyReplicas > 0), else 0.");
        foreach (NotebookState n in notebooks)
            w.Sample("kubeflow_notebook_ready", n.ReadyReplicas > 0 ? 1 : 0, "namespace", n.Namespace, "notebook", n.Name);

        w.Family("kubeflow_notebook_container_waiting", "gauge",
            "1 while the notebook's container waits, by reason (status.containerState.waiting.reason; unlisted reasons read other).");
        foreach (NotebookState n in notebooks)
        {
            if (n.WaitingReason is { } reason)
                w.Sample("kubeflow_notebook_container_waiting", 1, "namespace", n.Namespace, "notebook", n.Name, "reason", WaitingReasons.Contains(reason) ? reason : "other");
        }

        w.Family("kubeflow_notebook_crash_looping", "gauge", "1 when a container of the notebook's pod, or the notebook's status, is in CrashLoopBackOff, else 0.");
        foreach (NotebookState n in notebooks)
        {
            bool looping = n.WaitingReason == "CrashLoopBackOff" || pods[(n.Namespace, n.Name)].Any(p => p.Containers.Any(c => c.WaitingReason == "CrashLoopBackOff"));
            w.Sample("kubeflow_notebook_crash_looping", looping ? 1 : 0, "namespace", n.Namespace, "notebook", n.Name);
        }

        w.Family("kubeflow_notebook_container_restarts_total", "counter",
            "Restarts of each container of the notebook's pods (sum of restartCount over the notebook's pods that exist now).");
        foreach (NotebookState n in notebooks)
        {
            foreach (IGrouping<string, ContainerState> c in pods[(n.Namespace, n.Name)].SelectMany(p => p.Containers).GroupBy(c => c.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
                w.Sample("kubeflow_notebook_container_restarts_total", c.Sum(x => x.Restarts), "namespace", n.Namespace, "notebook", n.Name, "container", c.Key);
        }
    }

    private static void WriteWorkflows(ExporterState state, ExpositionWriter w, Func<string, bool> selected)
    {
        WorkflowState[] runs = [.. Sorted(state.Workflows.Values, selected)];
        w.Family("kubeflow_pipeline_runs", "gauge", "Pipeline runs (Argo Workflows) that exist in the namespace, by phase.");
        foreach (IGrouping<string, WorkflowState> ns in runs.GroupBy(r => r.Namespace))
        {
            foreach (string phase in WorkflowState.Phases)
                w.Sample("kubeflow_pipeline_runs", ns.Count(r => r.Phase == phase), "namespace", ns.Key, "phase", phase);
        }
        w.Family("kubeflow_pipeline_run_phase", "gauge", "1 for the phase of each pipeline run (Argo Workflow), 0 for the other phases.");
        foreach (WorkflowState r in runs)
            OneHot(w, "kubeflow_pipeline_run_phase", "phase", WorkflowState.Phases, r.Phase, "namespace", r.Namespace, "workflow", r.Name);
        w.Family("kubeflow_pipeline_run_start_time_seconds", "gauge", "Unix time a pipeline run started (status.startedAt).");
        foreach (WorkflowState r in runs)
        {
            if (r.StartedAt is { } t)
                w.Sample("kubeflow_pipeline_run_start_time_seconds", t.ToUnixTimeSeconds(), "namespace", r.Namespace, "workflow", r.Name);
        }
        w.Family("kubeflow_pipeline_run_completion_time_seconds", "gauge", "Unix time a pipeline run finished (status.finishedAt).");
        foreach (WorkflowState r in runs)
        {
            if (r.FinishedAt is { } t && r.Finished)
                w.Sample("kubeflow_pipeline_run_completion_time_seconds", t.ToUnixTimeSeconds(), "namespace", r.Namespace, "workflow", r.Name);
        }
    }

    private static void WriteKatib(ExporterState state, ExpositionWriter w, Func<string, bool> selected)
    {
        ExperimentState[] experiments = [.. Sorted(state.Experiments.Values, selected)];
        w.Family("kubeflow_experiment_status", "gauge", "1 for the status of a Katib experiment (its last True condition), 0 for the other statuses.");
        foreach (ExperimentState e in experiments)
            OneHot(w, "kubeflow_experiment_status", "status", ExperimentState.Statuses, e.Status, "namespace", e.Namespace, "experiment", e.Name);
        w.Family("kubeflow_experiment_trials", "gauge", "Trials of a Katib experiment by state, from the experiment's status counts.");
        foreach (ExperimentState e in experiments)
        {
            foreach ((string trialState, _) in ExperimentState.TrialFields)
                w.Sample("kubeflow_experiment_trials", e.Trials[trialState], "namespace", e.Namespace, "experiment", e.Name, "state", trialState);
        }
        TrialState[] trials = [.. Sorted(state.Trials.Values, selected)];
        w.Family("kubeflow_trial_status", "gauge", "1 for the status of a Katib trial (its last True condition), 0 for the other statuses.");
        foreach (TrialState t in trials)
            OneHot(w, "kubeflow_trial_status", "status", TrialState.Statuses, t.Status, "namespace", t.Namespace, "experiment", t.Experiment, "trial", t.Name);
    }

    private static void WriteTraining(ExporterState state, ExpositionWriter w, Func<string, bool> selected)
    {
        TrainingJobState[] jobs = [.. Sorted(state.TrainingJobs.SelectMany(c => c.Values), selected)];
        w.Family("kubeflow_training_job_status", "gauge", "1 for the status of a training job (its last True condition), 0 for the other statuses.");
        foreach (TrainingJobState j in jobs)
            OneHot(w, "kubeflow_training_job_status", "status", TrainingJobState.Statuses, j.Status, "namespace", j.Namespace, "kind", j.Kind, "job", j.Name);
        w.Family("kubeflow_training_job_replicas", "gauge", "Pods of a training job by replica type and state (active, succeeded, failed), from status.replicaStatuses.");
        foreach (TrainingJobState j in jobs)
        {
            foreach (ReplicaCounts r in j.Replicas.OrderBy(r => r.Type, StringComparer.Ordinal))
            {
                foreach ((string replicaState, long count) in (ReadOnlySpan<(string, long)>)[("active", r.Active), ("succeeded", r.Succeeded), ("failed", r.Failed)])
                    w.Sample("kubeflow_training_job_replicas", count, "namespace", j.Namespace, "kind", j.Kind, "job", j.Name, "replica_type", r.Type, "state", replicaState);
            }
        }
    }

    // One series per known value of `label`, 1 for `current` and 0 for the others; `labels` are the object's name, value pairs.
    private static void OneHot(ExpositionWriter w, string metric, string label, IReadOnlyList<string> known, string? current, params string[] labels)
    {
        foreach (string candidate in known)
            w.Sample(metric, candidate == current ? 1 : 0, [.. labels, label, candidate]);
    }
}
