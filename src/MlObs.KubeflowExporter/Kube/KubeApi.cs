// IKubeApi over KubernetesClient: custom resources through the CustomObjects API as JSON, pods and namespaces through CoreV1
// (converted to the same JSON shape), errors mapped to KubeApiException and 410 Gone to ResourceExpiredException.
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace MlObs.KubeflowExporter.Kube;

/// <summary>The Kubernetes API through KubernetesClient.</summary>
public sealed class KubeApi : IKubeApi, IDisposable
{
    private readonly Kubernetes _client;

    /// <summary>Creates a client for <paramref name="configuration"/>.</summary>
    public KubeApi(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Watches are long-lived; the server ends each one after its timeoutSeconds, so no client-side request timeout.
        configuration.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        _client = new Kubernetes(configuration);
    }

    /// <inheritdoc/>
    public async Task<ResourceList> ListAsync(ResourceKind kind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kind);
        try
        {
            if (kind.IsPods)
            {
                using HttpOperationResponse<V1PodList> pods = await _client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                    labelSelector: kind.LabelSelector, cancellationToken: ct).ConfigureAwait(false);
                return new ResourceList([.. pods.Body.Items.Select(ToJson)], pods.Body.Metadata?.ResourceVersion ?? "");
            }
            if (kind.Group.Length == 0 && kind.Plural == "namespaces")
            {
                using HttpOperationResponse<V1NamespaceList> namespaces = await _client.CoreV1.ListNamespaceWithHttpMessagesAsync(
                    labelSelector: kind.LabelSelector, cancellationToken: ct).ConfigureAwait(false);
                return new ResourceList([.. namespaces.Body.Items.Select(ToJson)], namespaces.Body.Metadata?.ResourceVersion ?? "");
            }
            using HttpOperationResponse<JsonElement> list = await _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(
                kind.Group, kind.Version, kind.Plural, labelSelector: kind.LabelSelector, cancellationToken: ct).ConfigureAwait(false);
            return ObjectJson.ParseList(list.Body);
        }
        catch (HttpOperationException e)
        {
            throw Map(e, kind);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string resourceVersion, int timeoutSeconds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kind);
        IAsyncEnumerable<(WatchEventType Type, object? Object)> events;
        if (kind.IsPods)
        {
            events = Box(_client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: kind.LabelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: e => OnError(e, kind), cancellationToken: ct), ct);
        }
        else if (kind.Group.Length == 0 && kind.Plural == "namespaces")
        {
            events = Box(_client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, labelSelector: kind.LabelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: e => OnError(e, kind), cancellationToken: ct), ct);
        }
        else
        {
            events = _client.CustomObjects.WatchListClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural, allowWatchBookmarks: true,
                labelSelector: kind.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: e => OnError(e, kind), cancellationToken: ct);
        }
        IAsyncEnumerator<(WatchEventType Type, object? Object)> enumerator = events.GetAsyncEnumerator(ct);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        yield break;
                }
                catch (HttpOperationException e)
                {
                    throw Map(e, kind);
                }
                (WatchEventType type, object? obj) = enumerator.Current;
                JsonElement json = obj switch
                {
                    JsonElement element => element,
                    null => default,
                    _ => ToJson(obj),
                };
                WatchEventKind? eventKind = type switch
                {
                    WatchEventType.Added => WatchEventKind.Added,
                    WatchEventType.Modified => WatchEventKind.Modified,
                    WatchEventType.Deleted => WatchEventKind.Deleted,
                    WatchEventType.Bookmark => WatchEventKind.Bookmark,
                    _ => null,
                };
                if (eventKind is null)
                    throw ObjectJson.StatusError(json, kind);
                yield return new WatchEvent(eventKind.Value, json);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<Stream> FollowLogAsync(string ns, string pod, string container, DateTimeOffset? sinceTime, CancellationToken ct)
    {
        try
        {
            // KubernetesClient has no sinceTime parameter; sinceSeconds (rounded up) overlaps, and the streamer drops the
            // lines at or before the last timestamp it pushed.
            int? sinceSeconds = sinceTime is { } since ? Math.Max(1, (int)Math.Ceiling((DateTimeOffset.UtcNow - since).TotalSeconds) + 1) : null;
            HttpOperationResponse<Stream> response = await _client.CoreV1.ReadNamespacedPodLogWithHttpMessagesAsync(
                pod, ns, container: container, follow: true, timestamps: true, sinceSeconds: sinceSeconds, cancellationToken: ct).ConfigureAwait(false);
            return response.Body;
        }
        catch (HttpOperationException e)
        {
            throw new KubeApiException($"Log of {ns}/{pod}/{container}: {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}", (int)e.Response.StatusCode, e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private static JsonElement ToJson(object value) => JsonDocument.Parse(KubernetesJson.Serialize(value)).RootElement;

    private static async IAsyncEnumerable<(WatchEventType, object?)> Box<T>(IAsyncEnumerable<(WatchEventType, T)> source,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach ((WatchEventType type, T item) in source.WithCancellation(ct).ConfigureAwait(false))
            yield return (type, item);
    }

    // KubernetesClient reports a Status event (e.g. 410 Gone) and an unreadable line through onError, from inside its
    // enumerator; throwing here ends the watch with our exception (the enumerator passes its own catch to onError again,
    // hence the rethrow of ours).
    private static void OnError(Exception e, ResourceKind kind) => throw e switch
    {
        KubeApiException own => own,
        k8s.Autorest.HttpOperationException http => Map(http, kind),
        KubernetesException { Status.Code: 410 } gone => new ResourceExpiredException($"{kind.Name}: watch expired: {gone.Status.Message}", gone),
        KubernetesException status => new KubeApiException($"{kind.Name}: watch error: {status.Status?.Code} {status.Status?.Message}", status.Status?.Code ?? 0, status),
        _ => new KubeApiException($"{kind.Name}: unreadable watch event: {e.Message}", 0, e),
    };

    private static KubeApiException Map(HttpOperationException e, ResourceKind kind)
    {
        HttpStatusCode status = e.Response.StatusCode;
        string message = $"{kind.Name} ({kind.Path}): {(int)status} {e.Response.ReasonPhrase}";
        return status == HttpStatusCode.Gone ? new ResourceExpiredException(message, e) : new KubeApiException(message, (int)status, e);
    }
}
