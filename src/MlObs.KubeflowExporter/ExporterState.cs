// The exporter's view of the cluster: one cache per watched resource, the watchers that keep them current, and the namespace
// selection. The /metrics writer, the inference scraper and the log streamer read it; only the watchers write.
using System.Text.Json;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Kube;
using MlObs.KubeflowExporter.Metrics;
using MlObs.KubeflowExporter.Objects;
using Serilog;

namespace MlObs.KubeflowExporter;

/// <summary>Caches and watchers of every resource the configuration turns on.</summary>
internal sealed class ExporterState
{
    private readonly ExporterConfig _config;
    private readonly HashSet<string> _include;
    private readonly List<ResourceWatcher> _watchers = [];

    public ExporterState(IKubeApi api, ExporterConfig config, ExporterMetrics metrics, ILogger log, TimeProvider time)
    {
        _config = config;
        _include = new HashSet<string>(config.Namespaces.Include, StringComparer.Ordinal);
        bool On(ResourceKind k) => config.Resources.Contains(k.Name);
        void Watch(ResourceKind kind, IObjectSink sink) => _watchers.Add(new ResourceWatcher(api, kind, sink, metrics, log, time, config.Watch));

        if (!config.Namespaces.All && config.Namespaces.Selector.Length > 0)
            Watch(ResourceKinds.Namespaces with { LabelSelector = config.Namespaces.Selector }, Namespaces);
        if (On(ResourceKinds.InferenceServices))
            Watch(ResourceKinds.InferenceServices, InferenceServices);
        if (On(ResourceKinds.SeldonDeployments))
            Watch(ResourceKinds.SeldonDeployments, SeldonDeployments);
        if (On(ResourceKinds.Notebooks))
        {
            Watch(ResourceKinds.Notebooks, Notebooks);
            Watch(ResourceKinds.NotebookPods, NotebookPods);
        }
        if (On(ResourceKinds.Workflows))
            Watch(ResourceKinds.Workflows, Workflows);
        if (On(ResourceKinds.Experiments))
            Watch(ResourceKinds.Experiments, Experiments);
        if (On(ResourceKinds.Trials))
            Watch(ResourceKinds.Trials, Trials);
        foreach (ResourceKind job in ResourceKinds.TrainingJobs.Where(On))
        {
            var cache = new ObjectCache<TrainingJobState>(o => TrainingJobState.From(o, job.Kind));
            TrainingJobs.Add(cache);
            Watch(job, cache);
        }
        if (config.Inference.Enabled || config.Logs.Enabled)
        {
            Watch(ResourceKinds.KServePods, KServePods);
            Watch(ResourceKinds.SeldonPods, SeldonPods);
        }
        Workflows.Changed += (previous, run) =>
        {
            // A run that finishes while watched is observed once; runs already finished at a (re)list are not.
            if (run.Finished && previous is not { Finished: true } && run.StartedAt is { } start && run.FinishedAt is { } end && IsSelected(run.Namespace))
                metrics.RunFinished(run.Namespace, run.Phase, end - start);
        };
    }

    public ObjectCache<NamespaceState> Namespaces { get; } = new(o => new NamespaceState(ObjectJson.Name(o)));

    public ObjectCache<InferenceServiceState> InferenceServices { get; } = new(InferenceServiceState.From);

    public ObjectCache<SeldonDeploymentState> SeldonDeployments { get; } = new(SeldonDeploymentState.From);

    public ObjectCache<NotebookState> Notebooks { get; } = new(NotebookState.From);

    public ObjectCache<PodState> NotebookPods { get; } = new(o => PodState.From(o, ResourceKinds.NotebookLabel));

    public ObjectCache<WorkflowState> Workflows { get; } = new(WorkflowState.From);

    public ObjectCache<ExperimentState> Experiments { get; } = new(ExperimentState.From);

    public ObjectCache<TrialState> Trials { get; } = new(TrialState.From);

    public List<ObjectCache<TrainingJobState>> TrainingJobs { get; } = [];

    public ObjectCache<PodState> KServePods { get; } = new(o => PodState.From(o, ResourceKinds.KServeLabel));

    public ObjectCache<PodState> SeldonPods { get; } = new(o => PodState.From(o, ResourceKinds.SeldonLabel));

    public IReadOnlyList<ResourceWatcher> Watchers => _watchers;

    /// <summary>The length of the last state text written for /metrics: the next one's starting capacity.</summary>
    public int LastStateLength { get; set; }

    /// <summary>Whether objects of namespace <paramref name="ns"/> are reported.</summary>
    public bool IsSelected(string ns) =>
        _config.Namespaces.All || _include.Contains(ns) || (_config.Namespaces.Selector.Length > 0 && Namespaces.Contains(ns));

    /// <summary>How many namespaces are selected; null when every namespace is.</summary>
    public int? SelectedNamespaceCount() => _config.Namespaces.All
        ? null
        : _include.Union(Namespaces.Values.Select(n => n.Name), StringComparer.Ordinal).Count();

    /// <summary>Completes when every watcher has listed once.</summary>
    public Task Synced => Task.WhenAll(_watchers.Select(w => w.Synced));

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(_watchers.Select(w => Task.Run(() => w.RunAsync(ct), ct)));
}

/// <summary>A selected namespace.</summary>
internal sealed record NamespaceState(string Name) : IObjectState
{
    public string Namespace => "";
}
