// The seam between the exporter and the Kubernetes API: list, watch and follow logs, on JSON objects. KubeApi implements it
// with KubernetesClient; tests run it against a fake API server on 127.0.0.1.
using System.Text.Json;

namespace MlObs.KubeflowExporter.Kube;

/// <summary>The Kubernetes API calls the exporter makes.</summary>
public interface IKubeApi
{
    /// <summary>Lists every object of a resource (all namespaces), with the list's resource version.</summary>
    /// <exception cref="KubeApiException">The API answered with an error status.</exception>
    Task<ResourceList> ListAsync(ResourceKind kind, CancellationToken ct);

    /// <summary>
    /// Watches a resource from <paramref name="resourceVersion"/> with bookmarks, until the server ends the watch (its
    /// <paramref name="timeoutSeconds"/>), the connection drops or <paramref name="ct"/> is cancelled.
    /// </summary>
    /// <exception cref="ResourceExpiredException">The resource version is too old (410 Gone, as a status or an event).</exception>
    /// <exception cref="KubeApiException">The API answered with another error.</exception>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string resourceVersion, int timeoutSeconds, CancellationToken ct);

    /// <summary>
    /// Follows the log of one container (<c>follow=true&amp;timestamps=true</c>), from <paramref name="sinceTime"/> when
    /// given; each line starts with its RFC 3339 timestamp.
    /// </summary>
    Task<Stream> FollowLogAsync(string ns, string pod, string container, DateTimeOffset? sinceTime, CancellationToken ct);
}

/// <summary>A list answer: the items and the resource version to watch from.</summary>
public sealed record ResourceList(IReadOnlyList<JsonElement> Items, string ResourceVersion);

/// <summary>The type of a watch event.</summary>
public enum WatchEventKind
{
    /// <summary>An object was added.</summary>
    Added,

    /// <summary>An object changed.</summary>
    Modified,

    /// <summary>An object was deleted.</summary>
    Deleted,

    /// <summary>A bookmark: no object change, a newer resource version to resume from.</summary>
    Bookmark,
}

/// <summary>One watch event: its type and the object (for a bookmark, an object carrying only its resource version).</summary>
public sealed record WatchEvent(WatchEventKind Kind, JsonElement Item);

/// <summary>An error status from the Kubernetes API.</summary>
public class KubeApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubeApiException(string message, int statusCode, Exception? inner = null) : base(message, inner) => StatusCode = statusCode;

    /// <summary>Creates the exception.</summary>
    public KubeApiException() : this("Kubernetes API error", 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KubeApiException(string message) : this(message, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KubeApiException(string message, Exception inner) : this(message, 0, inner)
    {
    }

    /// <summary>The HTTP status (or the status object's code); 0 when unknown.</summary>
    public int StatusCode { get; }
}

/// <summary>410 Gone: the resource version asked for is older than the server keeps; the client must list again.</summary>
public sealed class ResourceExpiredException : KubeApiException
{
    /// <summary>Creates the exception.</summary>
    public ResourceExpiredException(string message, Exception? inner = null) : base(message, 410, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ResourceExpiredException() : this("410 Gone")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ResourceExpiredException(string message) : this(message, null)
    {
    }
}
