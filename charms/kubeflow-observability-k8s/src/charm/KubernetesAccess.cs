// Whether the application may read what the exporter watches. Juju gives the pod's service account cluster-wide rights only
// when the application is trusted (`juju deploy --trust`, `juju trust`); the charm and the workload share that account. The
// charm asks the API server with SelfSubjectAccessReviews (which any account may create), one per verb and resource, so the
// status can say exactly what is missing instead of the exporter failing its lists with 403 Forbidden.
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeflowObservabilityCharm;

/// <summary>One permission the exporter needs: a verb on a resource, cluster-wide.</summary>
/// <param name="Verb">list, watch or get.</param>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Resource">The plural resource, e.g. <c>pods</c> or <c>pods/log</c>.</param>
internal sealed record Permission(string Verb, string Group, string Resource)
{
    /// <summary>As kubectl writes it: <c>list inferenceservices.serving.kserve.io</c>, <c>get pods/log</c>.</summary>
    public override string ToString() => Group.Length == 0 ? $"{Verb} {Resource}" : $"{Verb} {Resource}.{Group}";
}

/// <summary>What the API server said about the permissions: those denied, or why it could not be asked.</summary>
/// <param name="Denied">The permissions not allowed.</param>
/// <param name="Problem">Why the API server could not be asked; null when it answered.</param>
internal sealed record AccessReport(IReadOnlyList<Permission> Denied, string? Problem = null)
{
    public bool Granted => Problem is null && Denied.Count == 0;
}

/// <summary>Asks the Kubernetes API server what this pod's service account may do.</summary>
internal interface IKubernetesAccess
{
    Task<AccessReport> CheckAsync(IReadOnlyList<Permission> needed, CancellationToken ct);
}

/// <summary><see cref="IKubernetesAccess"/> through <c>SelfSubjectAccessReview</c>s.</summary>
internal sealed class SelfSubjectAccessReviews : IKubernetesAccess, IDisposable
{
    /// <summary>Where Kubernetes mounts the pod's service account.</summary>
    public const string ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    private const string ReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    private const int Concurrency = 8;

    private readonly HttpClient? _http;
    private readonly string? _notInCluster;

    /// <summary>A client of the API server at <paramref name="server"/> that sends <paramref name="token"/>.</summary>
    public SelfSubjectAccessReviews(Uri server, string token, HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private SelfSubjectAccessReviews(string notInCluster) => _notInCluster = notInCluster;

    /// <summary>
    /// The in-cluster client, as client-go builds it: <c>KUBERNETES_SERVICE_HOST</c> and <c>_PORT</c>, the mounted token,
    /// and TLS that trusts only the mounted cluster CA. Outside a pod, every check reports why.
    /// </summary>
    public static SelfSubjectAccessReviews InCluster()
    {
        string? host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        string? port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        string tokenFile = Path.Combine(ServiceAccountDir, "token"), caFile = Path.Combine(ServiceAccountDir, "ca.crt");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
            return new("the charm is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)");
        if (!File.Exists(tokenFile) || !File.Exists(caFile))
            return new($"the pod has no service account token in {ServiceAccountDir}");
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                        return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        string address = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new(new Uri($"https://{address}:{port}"), File.ReadAllText(tokenFile).Trim(), handler);
    }

    /// <inheritdoc />
    public async Task<AccessReport> CheckAsync(IReadOnlyList<Permission> needed, CancellationToken ct)
    {
        if (_http is null)
            return new AccessReport([], _notInCluster);
        var denied = new bool[needed.Count];
        try
        {
            await Parallel.ForAsync(0, needed.Count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
                async (i, token) => denied[i] = !await AllowedAsync(needed[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or KubernetesAnswerException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new AccessReport([], $"the Kubernetes API did not answer an access review: {e.Message}");
        }
        return new AccessReport([.. needed.Where((_, i) => denied[i])]);
    }

    private async Task<bool> AllowedAsync(Permission permission, CancellationToken ct)
    {
        string[] parts = permission.Resource.Split('/', 2);
        var review = new AccessReview
        {
            Spec = new AccessReviewSpec
            {
                ResourceAttributes = new ResourceAttributes
                {
                    Verb = permission.Verb,
                    Group = permission.Group,
                    Resource = parts[0],
                    Subresource = parts.Length > 1 ? parts[1] : null,
                },
            },
        };
        using var content = new StringContent(JsonSerializer.Serialize(review, CharmJsonContext.Default.AccessReview), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http!.PostAsync(ReviewPath, content, ct).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new KubernetesAnswerException($"POST {ReviewPath} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        try
        {
            return JsonSerializer.Deserialize(body, CharmJsonContext.Default.AccessReview)?.Status?.Allowed ?? false;
        }
        catch (JsonException e)
        {
            throw new KubernetesAnswerException($"POST {ReviewPath} answered something that is not a SelfSubjectAccessReview: {e.Message}");
        }
    }

    public void Dispose() => _http?.Dispose();

    private sealed class KubernetesAnswerException(string message) : Exception(message);
}

/// <summary>A <c>SelfSubjectAccessReview</c> (authorization.k8s.io/v1), the fields the charm uses.</summary>
internal sealed record AccessReview
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; init; } = "authorization.k8s.io/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "SelfSubjectAccessReview";

    [JsonPropertyName("spec")]
    public AccessReviewSpec? Spec { get; init; }

    [JsonPropertyName("status")]
    public AccessReviewStatus? Status { get; init; }
}

internal sealed record AccessReviewSpec
{
    [JsonPropertyName("resourceAttributes")]
    public ResourceAttributes? ResourceAttributes { get; init; }
}

internal sealed record ResourceAttributes
{
    [JsonPropertyName("verb")]
    public string Verb { get; init; } = "";

    [JsonPropertyName("group")]
    public string Group { get; init; } = "";

    [JsonPropertyName("resource")]
    public string Resource { get; init; } = "";

    [JsonPropertyName("subresource")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subresource { get; init; }
}

internal sealed record AccessReviewStatus
{
    [JsonPropertyName("allowed")]
    public bool Allowed { get; init; }

    [JsonPropertyName("denied")]
    public bool Denied { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}
