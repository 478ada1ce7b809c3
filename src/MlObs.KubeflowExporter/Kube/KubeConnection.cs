// How the exporter reaches the Kubernetes API: an explicit server URL (tests, kubectl proxy), the pod's service account
// when it runs in a cluster, or a kubeconfig file otherwise.
using k8s;

namespace MlObs.KubeflowExporter.Kube;

/// <summary>Where the Kubernetes API is and how to authenticate; <see cref="Resolve"/> turns it into a client configuration.</summary>
public sealed record KubeConnection
{
    /// <summary>An explicit API server URL (e.g. <c>http://127.0.0.1:8001</c> from <c>kubectl proxy</c>); wins over the rest.</summary>
    public Uri? Server { get; init; }

    /// <summary>A bearer token file sent with <see cref="Server"/>, or null for none.</summary>
    public string? TokenFile { get; init; }

    /// <summary>A kubeconfig file; null for <c>$KUBECONFIG</c> or <c>~/.kube/config</c> when not in a cluster.</summary>
    public string? KubeConfig { get; init; }

    /// <summary>The kubeconfig context; null for its current context.</summary>
    public string? Context { get; init; }

    /// <summary>
    /// The client configuration: <see cref="Server"/> when set; the in-cluster service account when the process runs in a
    /// pod (<c>KUBERNETES_SERVICE_HOST</c> and the mounted token); the kubeconfig otherwise.
    /// </summary>
    /// <exception cref="InvalidOperationException">The kubeconfig or token cannot be read (the message names the file).</exception>
    public KubernetesClientConfiguration Resolve()
    {
        try
        {
            if (Server is not null)
            {
                return new KubernetesClientConfiguration
                {
                    Host = Server.ToString().TrimEnd('/'),
                    AccessToken = TokenFile is null ? null : File.ReadAllText(TokenFile).Trim(),
                };
            }
            if (KubeConfig is null && KubernetesClientConfiguration.IsInCluster())
                return KubernetesClientConfiguration.InClusterConfig();
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeConfig, Context);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or k8s.Exceptions.KubeConfigException)
        {
            string what = Server is not null ? $"token file {TokenFile}" : KubeConfig is not null ? $"kubeconfig {KubeConfig}" : "kubeconfig (KUBECONFIG or ~/.kube/config)";
            throw new InvalidOperationException($"Cannot use the {what}: {e.Message}", e);
        }
    }
}
