// The Kubernetes resources the exporter lists and watches: the Kubeflow custom resources by group, version and plural, and
// the pods of inference services and notebooks (core group, with a label selector).
namespace MlObs.KubeflowExporter.Kube;

/// <summary>
/// One list+watch: a resource (group, version, plural) and an optional label selector. <see cref="Name"/> is the value of
/// the <c>resource</c> label of the exporter's own metrics and the key of <see cref="ResourceKinds.Objects"/>.
/// </summary>
/// <param name="Name">A short stable name, e.g. <c>inferenceservices</c> or <c>kserve_pods</c>.</param>
/// <param name="Kind">The Kubernetes kind, e.g. <c>InferenceService</c>.</param>
/// <param name="Group">The API group; empty for the core group (pods, namespaces).</param>
/// <param name="Version">The API version, e.g. <c>v1beta1</c>.</param>
/// <param name="Plural">The plural resource name in the URL, e.g. <c>inferenceservices</c>.</param>
/// <param name="LabelSelector">A label selector sent with list and watch, or null.</param>
public sealed record ResourceKind(string Name, string Kind, string Group, string Version, string Plural, string? LabelSelector = null)
{
    /// <summary>The API path of the resource across all namespaces, e.g. <c>/apis/kubeflow.org/v1/notebooks</c>.</summary>
    public string Path => Group.Length == 0 ? $"/api/{Version}/{Plural}" : $"/apis/{Group}/{Version}/{Plural}";

    /// <summary>True for a pod watch (core group, <c>pods</c>).</summary>
    public bool IsPods => Group.Length == 0 && Plural == "pods";
}

/// <summary>The resources the exporter knows, with the facts they come from (upstream CRDs and controllers).</summary>
public static class ResourceKinds
{
    /// <summary>KServe InferenceService (serving.kserve.io/v1beta1).</summary>
    public static ResourceKind InferenceServices { get; } = new("inferenceservices", "InferenceService", "serving.kserve.io", "v1beta1", "inferenceservices");

    /// <summary>Seldon Core v1 SeldonDeployment (machinelearning.seldon.io/v1).</summary>
    public static ResourceKind SeldonDeployments { get; } = new("seldondeployments", "SeldonDeployment", "machinelearning.seldon.io", "v1", "seldondeployments");

    /// <summary>Kubeflow Notebook (kubeflow.org/v1).</summary>
    public static ResourceKind Notebooks { get; } = new("notebooks", "Notebook", "kubeflow.org", "v1", "notebooks");

    /// <summary>Argo Workflow (argoproj.io/v1alpha1): the pipeline runs of Kubeflow Pipelines.</summary>
    public static ResourceKind Workflows { get; } = new("workflows", "Workflow", "argoproj.io", "v1alpha1", "workflows");

    /// <summary>Katib Experiment (kubeflow.org/v1beta1).</summary>
    public static ResourceKind Experiments { get; } = new("experiments", "Experiment", "kubeflow.org", "v1beta1", "experiments");

    /// <summary>Katib Trial (kubeflow.org/v1beta1).</summary>
    public static ResourceKind Trials { get; } = new("trials", "Trial", "kubeflow.org", "v1beta1", "trials");

    /// <summary>
    /// The training jobs of the Kubeflow training operator v1 (kubeflow.org/v1): PyTorchJob, TFJob, MPIJob, XGBoostJob,
    /// PaddleJob and JAXJob. Their status blocks share one shape (conditions, replicaStatuses).
    /// </summary>
    public static IReadOnlyList<ResourceKind> TrainingJobs { get; } =
    [
        new("pytorchjobs", "PyTorchJob", "kubeflow.org", "v1", "pytorchjobs"),
        new("tfjobs", "TFJob", "kubeflow.org", "v1", "tfjobs"),
        new("mpijobs", "MPIJob", "kubeflow.org", "v1", "mpijobs"),
        new("xgboostjobs", "XGBoostJob", "kubeflow.org", "v1", "xgboostjobs"),
        new("paddlejobs", "PaddleJob", "kubeflow.org", "v1", "paddlejobs"),
        new("jaxjobs", "JAXJob", "kubeflow.org", "v1", "jaxjobs"),
    ];

    /// <summary>
    /// KServe predictor (and transformer/explainer) pods: KServe labels every pod of an InferenceService with
    /// <c>serving.kserve.io/inferenceservice=&lt;name&gt;</c> and <c>component</c>.
    /// </summary>
    public static ResourceKind KServePods { get; } = new("kserve_pods", "Pod", "", "v1", "pods", KServeLabel);

    /// <summary>Seldon Core v1 pods: labelled <c>seldon-deployment-id=&lt;SeldonDeployment name&gt;</c>.</summary>
    public static ResourceKind SeldonPods { get; } = new("seldon_pods", "Pod", "", "v1", "pods", SeldonLabel);

    /// <summary>Notebook pods (the notebook's StatefulSet): labelled <c>notebook-name=&lt;Notebook name&gt;</c>.</summary>
    public static ResourceKind NotebookPods { get; } = new("notebook_pods", "Pod", "", "v1", "pods", NotebookLabel);

    /// <summary>Namespaces (for the selection by label, by default Kubeflow profile namespaces).</summary>
    public static ResourceKind Namespaces { get; } = new("namespaces", "Namespace", "", "v1", "namespaces");

    /// <summary>The pod label naming the InferenceService.</summary>
    public const string KServeLabel = "serving.kserve.io/inferenceservice";

    /// <summary>The pod label naming the SeldonDeployment.</summary>
    public const string SeldonLabel = "seldon-deployment-id";

    /// <summary>The pod label naming the Notebook.</summary>
    public const string NotebookLabel = "notebook-name";

    /// <summary>
    /// The namespace label Kubeflow's profile controller puts on every profile namespace
    /// (<c>app.kubernetes.io/part-of=kubeflow-profile</c>): the default namespace selection.
    /// </summary>
    public const string ProfileNamespaceSelector = "app.kubernetes.io/part-of=kubeflow-profile";

    /// <summary>Every object kind the configuration can turn on or off, by <see cref="ResourceKind.Name"/>.</summary>
    public static IReadOnlyList<ResourceKind> Objects { get; } =
        [InferenceServices, SeldonDeployments, Notebooks, Workflows, Experiments, Trials, .. TrainingJobs];
}
