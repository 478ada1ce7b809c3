// What the exporter keeps of each watched object: a small immutable record per kind, projected from the object's JSON when
// it arrives, so the caches hold a few fields rather than whole objects (5,000 objects stay a few megabytes).
using System.Text.Json;
using MlObs.KubeflowExporter.Kube;

namespace MlObs.KubeflowExporter.Objects;

/// <summary>The namespace and name every cached state has.</summary>
internal interface IObjectState
{
    /// <summary>The namespace.</summary>
    string Namespace { get; }

    /// <summary>The name.</summary>
    string Name { get; }
}

/// <summary>A KServe InferenceService: its conditions.</summary>
internal sealed record InferenceServiceState(string Namespace, string Name, IReadOnlyList<Condition> Conditions) : IObjectState
{
    /// <summary>Whether the <c>Ready</c> condition is True.</summary>
    public bool Ready => Conditions.Any(c => c.Type == "Ready" && c.Status == "True");

    /// <summary>Projects an InferenceService object.</summary>
    public static InferenceServiceState From(JsonElement o) => new(ObjectJson.Namespace(o), ObjectJson.Name(o), ObjectJson.Conditions(o));
}

/// <summary>A Seldon Core v1 SeldonDeployment: <c>status.state</c> (Creating, Available, Failed).</summary>
internal sealed record SeldonDeploymentState(string Namespace, string Name, string? State) : IObjectState
{
    /// <summary>Whether the state is Available.</summary>
    public bool Ready => State == "Available";

    /// <summary>Projects a SeldonDeployment object.</summary>
    public static SeldonDeploymentState From(JsonElement o) => new(ObjectJson.Namespace(o), ObjectJson.Name(o), ObjectJson.Str(o, "status", "state"));
}

/// <summary>A Kubeflow Notebook: ready replicas and the waiting reason of its container (<c>status.containerState</c>).</summary>
internal sealed record NotebookState(string Namespace, string Name, long ReadyReplicas, string? WaitingReason) : IObjectState
{
    /// <summary>Projects a Notebook object.</summary>
    public static NotebookState From(JsonElement o) => new(ObjectJson.Namespace(o), ObjectJson.Name(o),
        ObjectJson.Number(o, "status", "readyReplicas") ?? 0, ObjectJson.Str(o, "status", "containerState", "waiting", "reason"));
}

/// <summary>An Argo Workflow (a pipeline run): phase and times.</summary>
internal sealed record WorkflowState(string Namespace, string Name, string Phase, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt) : IObjectState
{
    /// <summary>The phases a run can be in (Argo's <c>WorkflowPhase</c>); an empty phase (not yet picked up) reads Pending.</summary>
    public static IReadOnlyList<string> Phases { get; } = ["Pending", "Running", "Succeeded", "Failed", "Error"];

    /// <summary>Whether the run is over (Succeeded, Failed or Error).</summary>
    public bool Finished => Phase is "Succeeded" or "Failed" or "Error";

    /// <summary>Projects a Workflow object.</summary>
    public static WorkflowState From(JsonElement o)
    {
        string? phase = ObjectJson.Str(o, "status", "phase");
        return new(ObjectJson.Namespace(o), ObjectJson.Name(o), phase is { Length: > 0 } p && Phases.Contains(p) ? p : "Pending",
            ObjectJson.Time(o, "status", "startedAt"), ObjectJson.Time(o, "status", "finishedAt"));
    }
}

/// <summary>A Katib Experiment: its status (last True condition) and trial counts.</summary>
internal sealed record ExperimentState(string Namespace, string Name, string? Status, IReadOnlyDictionary<string, long> Trials) : IObjectState
{
    /// <summary>The statuses of an experiment (Katib's condition types).</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["Created", "Running", "Restarting", "Succeeded", "Failed"];

    /// <summary>The <c>state</c> label of <c>kubeflow_experiment_trials</c> and the status field each comes from.</summary>
    public static IReadOnlyList<(string State, string Field)> TrialFields { get; } =
    [
        ("running", "trialsRunning"), ("pending", "trialsPending"), ("succeeded", "trialsSucceeded"), ("failed", "trialsFailed"),
        ("killed", "trialsKilled"), ("early_stopped", "trialsEarlyStopped"), ("metrics_unavailable", "trialMetricsUnavailable"),
    ];

    /// <summary>Projects an Experiment object.</summary>
    public static ExperimentState From(JsonElement o)
    {
        var trials = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string state, string field) in TrialFields)
            trials[state] = ObjectJson.Number(o, "status", field) ?? 0;
        string? status = ObjectJson.LastTrueCondition(ObjectJson.Conditions(o));
        return new(ObjectJson.Namespace(o), ObjectJson.Name(o), status is not null && Statuses.Contains(status) ? status : null, trials);
    }
}

/// <summary>A Katib Trial: its experiment (label <c>katib.kubeflow.org/experiment</c>) and status.</summary>
internal sealed record TrialState(string Namespace, string Name, string Experiment, string? Status) : IObjectState
{
    /// <summary>The statuses of a trial (Katib's condition types).</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["Created", "Running", "Succeeded", "Killed", "Failed", "MetricsUnavailable", "EarlyStopped"];

    /// <summary>Projects a Trial object.</summary>
    public static TrialState From(JsonElement o)
    {
        string? status = ObjectJson.LastTrueCondition(ObjectJson.Conditions(o));
        return new(ObjectJson.Namespace(o), ObjectJson.Name(o), ObjectJson.Label(o, "katib.kubeflow.org/experiment") ?? "",
            status is not null && Statuses.Contains(status) ? status : null);
    }
}

/// <summary>A training-operator job (PyTorchJob, TFJob, …): status and replica counts by replica type.</summary>
internal sealed record TrainingJobState(string Namespace, string Name, string Kind, string? Status, IReadOnlyList<ReplicaCounts> Replicas) : IObjectState
{
    /// <summary>The statuses of a job (the training operator's JobConditionType).</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["Created", "Running", "Restarting", "Succeeded", "Failed", "Suspended"];

    /// <summary>Projects a job object of kind <paramref name="kind"/>.</summary>
    public static TrainingJobState From(JsonElement o, string kind)
    {
        var replicas = new List<ReplicaCounts>();
        if (ObjectJson.Get(o, "status", "replicaStatuses") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (JsonProperty p in map.EnumerateObject())
            {
                // Replica types are the CRD's enum (Master, Worker, PS, Chief, Evaluator, Launcher), not user text.
                if (p.Name.Length <= 32 && p.Name.All(char.IsAsciiLetter))
                    replicas.Add(new ReplicaCounts(p.Name, ObjectJson.Number(p.Value, "active") ?? 0, ObjectJson.Number(p.Value, "succeeded") ?? 0, ObjectJson.Number(p.Value, "failed") ?? 0));
            }
        }
        string? status = ObjectJson.LastTrueCondition(ObjectJson.Conditions(o));
        return new(ObjectJson.Namespace(o), ObjectJson.Name(o), kind, status is not null && Statuses.Contains(status) ? status : null, replicas);
    }
}

/// <summary>Pods of one replica type of a training job by state.</summary>
internal sealed record ReplicaCounts(string Type, long Active, long Succeeded, long Failed);

/// <summary>A pod of an inference service or a notebook: owner, address, ports, scrape annotations and containers.</summary>
internal sealed record PodState(
    string Namespace,
    string Name,
    string Owner,
    string? Component,
    string Phase,
    bool Ready,
    string? PodIp,
    IReadOnlyDictionary<string, string> PrometheusAnnotations,
    IReadOnlyList<ContainerState> Containers,
    IReadOnlyList<(string Container, string Name, int Port)> Ports) : IObjectState
{
    /// <summary>Projects a pod; <paramref name="ownerLabel"/> is the label naming its inference service or notebook.</summary>
    public static PodState From(JsonElement o, string ownerLabel)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string key in new[] { "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path" })
        {
            if (ObjectJson.Annotation(o, key) is { } v)
                annotations[key] = v;
        }
        var containers = new List<ContainerState>();
        if (ObjectJson.Get(o, "status", "containerStatuses") is { ValueKind: JsonValueKind.Array } statuses)
        {
            foreach (JsonElement c in statuses.EnumerateArray())
            {
                containers.Add(new ContainerState(ObjectJson.Str(c, "name") ?? "", ObjectJson.Number(c, "restartCount") ?? 0,
                    ObjectJson.Str(c, "state", "waiting", "reason"), ObjectJson.Get(c, "state", "running") is not null));
            }
        }
        var ports = new List<(string, string, int)>();
        if (ObjectJson.Get(o, "spec", "containers") is { ValueKind: JsonValueKind.Array } specs)
        {
            foreach (JsonElement c in specs.EnumerateArray())
            {
                if (ObjectJson.Get(c, "ports") is not { ValueKind: JsonValueKind.Array } cp)
                    continue;
                string container = ObjectJson.Str(c, "name") ?? "";
                foreach (JsonElement p in cp.EnumerateArray())
                {
                    if (ObjectJson.Number(p, "containerPort") is { } port and > 0 and < 65536)
                        ports.Add((container, ObjectJson.Str(p, "name") ?? "", (int)port));
                }
            }
        }
        IReadOnlyList<Condition> conditions = ObjectJson.Conditions(o);
        return new PodState(ObjectJson.Namespace(o), ObjectJson.Name(o), ObjectJson.Label(o, ownerLabel) ?? "", ObjectJson.Label(o, "component"),
            ObjectJson.Str(o, "status", "phase") ?? "Unknown", conditions.Any(c => c.Type == "Ready" && c.Status == "True"),
            ObjectJson.Str(o, "status", "podIP"), annotations, containers, ports);
    }
}

/// <summary>A container of a pod: restarts and why it waits.</summary>
internal sealed record ContainerState(string Name, long Restarts, string? WaitingReason, bool Running);
