// Upstream-shaped Kubeflow objects (Objects/*.json, copied beside the assembly) and the API paths they live under, with
// helpers that rename them or point a pod at a fake metrics port.
using System.Text.Json.Nodes;

namespace MlObs.KubeflowExporter.Testing;

/// <summary>Loads the sample objects and builds variants.</summary>
public static class KubeflowObjects
{
    /// <summary>The user namespace of the samples (a Kubeflow profile).</summary>
    public const string UserNamespace = "kubeflow-user-example-com";

    /// <summary>API paths of the resources the exporter lists.</summary>
    public static class Paths
    {
        public const string InferenceServices = "/apis/serving.kserve.io/v1beta1/inferenceservices";
        public const string SeldonDeployments = "/apis/machinelearning.seldon.io/v1/seldondeployments";
        public const string Notebooks = "/apis/kubeflow.org/v1/notebooks";
        public const string Workflows = "/apis/argoproj.io/v1alpha1/workflows";
        public const string Experiments = "/apis/kubeflow.org/v1beta1/experiments";
        public const string Trials = "/apis/kubeflow.org/v1beta1/trials";
        public const string PyTorchJobs = "/apis/kubeflow.org/v1/pytorchjobs";
        public const string TfJobs = "/apis/kubeflow.org/v1/tfjobs";
        public const string MpiJobs = "/apis/kubeflow.org/v1/mpijobs";
        public const string XgboostJobs = "/apis/kubeflow.org/v1/xgboostjobs";
        public const string PaddleJobs = "/apis/kubeflow.org/v1/paddlejobs";
        public const string JaxJobs = "/apis/kubeflow.org/v1/jaxjobs";
        public const string Pods = "/api/v1/pods";
        public const string Namespaces = "/api/v1/namespaces";

        /// <summary>Every path above (the fake serves an empty list for each once <see cref="RegisterAll"/> ran).</summary>
        public static IReadOnlyList<string> All { get; } =
            [InferenceServices, SeldonDeployments, Notebooks, Workflows, Experiments, Trials, PyTorchJobs, TfJobs, MpiJobs, XgboostJobs, PaddleJobs, JaxJobs, Pods, Namespaces];
    }

    /// <summary>The folder of the sample files.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Objects");

    /// <summary>A sample object, parsed afresh.</summary>
    public static JsonObject Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)))!.AsObject();

    /// <summary>The text of a sample file.</summary>
    public static string Text(string file) => File.ReadAllText(Path.Combine(Folder, file));

    /// <summary>A sample renamed and moved to another namespace.</summary>
    public static JsonObject Named(string file, string name, string ns = UserNamespace)
    {
        JsonObject obj = Load(file);
        obj["metadata"]!["name"] = name;
        if (obj["metadata"]!["namespace"] is not null)
            obj["metadata"]!["namespace"] = ns;
        return obj;
    }

    /// <summary>Makes every resource path known to <paramref name="api"/> (an empty list each), as on a full CKF cluster.</summary>
    public static void RegisterAll(FakeKubeApiServer api, IEnumerable<string>? except = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var skip = new HashSet<string>(except ?? [], StringComparer.Ordinal);
        foreach (string path in Paths.All.Where(p => !skip.Contains(p)))
            api.Register(path);
    }

    /// <summary>The KServe predictor pod of <paramref name="inferenceService"/>, scraped at 127.0.0.1:<paramref name="port"/>.</summary>
    public static JsonObject KServePod(string inferenceService, string pod, int port, string ns = UserNamespace)
    {
        JsonObject obj = Named("pod-kserve-predictor.json", pod, ns);
        obj["metadata"]!["labels"]!["serving.kserve.io/inferenceservice"] = inferenceService;
        obj["metadata"]!["annotations"]!["prometheus.io/port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        obj["status"]!["podIP"] = "127.0.0.1";
        return obj;
    }

    /// <summary>The Seldon executor pod of <paramref name="deployment"/>, its executor's "metrics" port set to <paramref name="port"/>.</summary>
    public static JsonObject SeldonPod(string deployment, string pod, int port, string ns = UserNamespace)
    {
        JsonObject obj = Named("pod-seldon-executor.json", pod, ns);
        obj["metadata"]!["labels"]!["seldon-deployment-id"] = deployment;
        foreach (JsonNode? container in obj["spec"]!["containers"]!.AsArray())
        {
            if (container!["name"]!.GetValue<string>() != "seldon-container-engine")
                continue;
            foreach (JsonNode? p in container["ports"]!.AsArray())
            {
                if (p!["name"]!.GetValue<string>() == "metrics")
                    p["containerPort"] = port;
            }
        }
        obj["status"]!["podIP"] = "127.0.0.1";
        return obj;
    }
}
