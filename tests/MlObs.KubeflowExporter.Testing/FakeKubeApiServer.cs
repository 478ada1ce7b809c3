// A fake Kubernetes API server on 127.0.0.1 for the exporter's tests and benchmark: cluster-wide list and watch of any
// resource path (custom resources, pods, namespaces) with resource versions, label selectors, bookmarks, server-side watch
// timeouts, 410 Gone for versions older than the compaction point (as an HTTP status or as an ERROR event, as the real
// server does), dropped watch connections, and followed pod logs.
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlObs.KubeflowExporter.Testing;

/// <summary>How a watch from a too-old resource version is refused.</summary>
public enum ExpiredMode
{
    /// <summary>200 with one ERROR event carrying a Status with code 410, then the end of the stream (what kube-apiserver does).</summary>
    ErrorEvent,

    /// <summary>An HTTP 410 answer with a Status body.</summary>
    HttpStatus,
}

/// <summary>The fake API server.</summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private WebApplication? _app;
    private readonly object _lock = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _store = new(StringComparer.Ordinal);
    private readonly List<StoredEvent> _history = [];
    private readonly List<Watch> _watches = [];
    private readonly ConcurrentDictionary<string, int> _lists = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _watchCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Channel<string>> _logs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failNext = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _denied = new(StringComparer.Ordinal);
    private long _resourceVersion = 1000;
    private long _compactedBefore;
    private int _accessReviews;

    private FakeKubeApiServer()
    {
    }

    /// <summary>The server's base URL.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>How too-old watches are refused.</summary>
    public ExpiredMode ExpiredMode { get; set; } = ExpiredMode.ErrorEvent;

    /// <summary>The current resource version.</summary>
    public long ResourceVersion => Interlocked.Read(ref _resourceVersion);

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeKubeApiServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new FakeKubeApiServer { _app = app };
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>
    /// Whether the client's service account may do nothing but create access reviews, as a pod of an application Juju did
    /// not trust: every list and watch answers 403 Forbidden, every access review is not allowed.
    /// </summary>
    public bool DenyAll { get; set; }

    /// <summary>Whether every watch is answered with headers and then closed at once, as a misbehaving proxy might.</summary>
    public bool EndWatchesAtOnce { get; set; }

    /// <summary>SelfSubjectAccessReviews answered so far.</summary>
    public int AccessReviews => Volatile.Read(ref _accessReviews);

    /// <summary>Refuses one verb on one resource (group empty for the core group; a subresource as <c>pods/log</c>).</summary>
    public void Deny(string verb, string group, string resource) => _denied[$"{verb} {group} {resource}"] = true;

    private bool Allowed(string verb, string group, string resource) => !DenyAll && !_denied.ContainsKey($"{verb} {group} {resource}");

    /// <summary>Lists served for a path so far.</summary>
    public int ListCount(string path) => _lists.GetValueOrDefault(path);

    /// <summary>Watches opened for a path so far.</summary>
    public int WatchCount(string path) => _watchCounts.GetValueOrDefault(path);

    /// <summary>Makes a resource path known (an empty list), as an installed CRD; unknown paths answer 404.</summary>
    public void Register(string path)
    {
        lock (_lock)
            _ = Objects(path);
    }

    /// <summary>Adds or replaces an object under a resource path; returns its new resource version.</summary>
    public long Apply(string path, JsonObject obj) => ApplyCore(path, obj);

    /// <summary>Deletes an object; returns the resource version of the deletion.</summary>
    public long Delete(string path, string ns, string name) => DeleteCore(path, ns, name);

    /// <summary>Sends a BOOKMARK event at the current resource version to every open watch that asked for bookmarks.</summary>
    public void SendBookmark() => BookmarkCore();

    /// <summary>Forgets history before the current version: watches from older versions get 410 Gone.</summary>
    public void Compact() => Interlocked.Exchange(ref _compactedBefore, ResourceVersion + 1);

    /// <summary>Aborts every open watch connection (as an API server restart or a proxy would).</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (Watch w in _watches)
                w.Context.Abort();
            _watches.Clear();
        }
    }

    /// <summary>Open watches now.</summary>
    public int OpenWatches
    {
        get
        {
            lock (_lock)
                return _watches.Count;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> requests for <paramref name="path"/> fail with 500.</summary>
    public void FailNext(string path, int count) => _failNext[path] = count;

    /// <summary>Appends a line to the followed log of a container (the server adds the timestamp prefix).</summary>
    public void AppendLog(string ns, string pod, string container, string line, DateTimeOffset at) =>
        LogChannel(ns, pod, container).Writer.TryWrite(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture) + " " + line);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        DropWatches();
        foreach (Channel<string> log in _logs.Values)
            log.Writer.TryComplete();
        await _app!.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private Channel<string> LogChannel(string ns, string pod, string container) =>
        _logs.GetOrAdd($"{ns}/{pod}/{container}", _ => Channel.CreateUnbounded<string>());

    private long ApplyCore(string path, JsonObject obj)
    {
        lock (_lock)
        {
            long rv = Interlocked.Increment(ref _resourceVersion);
            JsonObject metadata = obj["metadata"] as JsonObject ?? throw new ArgumentException("object without metadata", nameof(obj));
            metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            string key = Key(obj);
            SortedDictionary<string, JsonObject> objects = Objects(path);
            string type = objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
            objects[key] = obj;
            Publish(new StoredEvent(rv, path, type, obj.ToJsonString()));
            return rv;
        }
    }

    private long DeleteCore(string path, string ns, string name)
    {
        lock (_lock)
        {
            SortedDictionary<string, JsonObject> objects = Objects(path);
            if (!objects.Remove(ns + "/" + name, out JsonObject? obj))
                throw new KeyNotFoundException($"{path} {ns}/{name}");
            long rv = Interlocked.Increment(ref _resourceVersion);
            obj["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            Publish(new StoredEvent(rv, path, "DELETED", obj.ToJsonString()));
            return rv;
        }
    }

    private void BookmarkCore()
    {
        lock (_lock)
        {
            string rv = ResourceVersion.ToString(CultureInfo.InvariantCulture);
            foreach (Watch w in _watches.Where(w => w.Bookmarks))
                w.Events.Writer.TryWrite("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Bookmark\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"}}}");
        }
    }

    private void Publish(StoredEvent e)
    {
        _history.Add(e);
        foreach (Watch w in _watches.Where(w => w.Path == e.Path))
        {
            if (Matches(JsonNode.Parse(e.Json)!.AsObject(), w.Selector))
                w.Events.Writer.TryWrite(EventLine(e));
        }
    }

    private static string EventLine(StoredEvent e) => "{\"type\":\"" + e.Type + "\",\"object\":" + e.Json + "}";

    private SortedDictionary<string, JsonObject> Objects(string path)
    {
        if (!_store.TryGetValue(path, out SortedDictionary<string, JsonObject>? objects))
            _store[path] = objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return objects;
    }

    private static string Key(JsonObject obj) => $"{obj["metadata"]?["namespace"]?.GetValue<string>() ?? ""}/{obj["metadata"]?["name"]?.GetValue<string>()}";

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        IQueryCollection q = context.Request.Query;
        if (_failNext.TryGetValue(path, out int fails) && fails > 0)
        {
            _failNext[path] = fails - 1;
            await StatusAsync(context, 500, "InternalError", "injected failure").ConfigureAwait(false);
            return;
        }
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"] && context.Request.Method == "POST")
        {
            await AccessReviewAsync(context).ConfigureAwait(false);
            return;
        }
        bool watching = q["watch"] is { Count: > 0 } w && w.ToString() is "1" or "true";
        if (ResourceOf(parts) is var (group, resource) && !Allowed(resource.EndsWith("/log", StringComparison.Ordinal) ? "get" : watching ? "watch" : "list", group, resource))
        {
            await StatusAsync(context, 403, "Forbidden", $"{resource} is forbidden: the service account cannot access it at the cluster scope").ConfigureAwait(false);
            return;
        }
        if (parts is ["api", "v1", "namespaces", var ns, "pods", var pod, "log"])
        {
            await FollowLogAsync(context, ns, pod, q["container"].ToString()).ConfigureAwait(false);
            return;
        }
        bool known;
        lock (_lock)
            known = _store.ContainsKey(path);
        if (!known)
        {
            await StatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({path})").ConfigureAwait(false);
            return;
        }
        var selector = Selector.Parse(q["labelSelector"].ToString());
        if (watching)
            await WatchAsync(context, path, selector, q).ConfigureAwait(false);
        else
            await ListAsync(context, path, selector).ConfigureAwait(false);
    }

    /// <summary>The API group and resource a request path names (<c>pods/log</c> for a log), or null.</summary>
    private static (string Group, string Resource)? ResourceOf(string[] parts) => parts switch
    {
        ["api", "v1", "namespaces", _, "pods", _, "log"] => ("", "pods/log"),
        ["api", "v1", "namespaces", _, var resource] => ("", resource),
        ["api", "v1", var resource] => ("", resource),
        ["apis", var group, _, "namespaces", _, var resource] => (group, resource),
        ["apis", var group, _, var resource] => (group, resource),
        _ => null,
    };

    // authorization.k8s.io/v1 SelfSubjectAccessReview: spec.resourceAttributes (verb and resource required) in, the same
    // object with status.allowed out; any account may create one.
    private async Task AccessReviewAsync(HttpContext context)
    {
        JsonObject? review;
        try
        {
            review = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await StatusAsync(context, 400, "BadRequest", e.Message).ConfigureAwait(false);
            return;
        }
        if (review?["apiVersion"]?.GetValue<string>() != "authorization.k8s.io/v1" || review["kind"]?.GetValue<string>() != "SelfSubjectAccessReview"
            || review["spec"]?["resourceAttributes"] is not JsonObject attributes
            || attributes["verb"]?.GetValue<string>() is not { Length: > 0 } verb || attributes["resource"]?.GetValue<string>() is not { Length: > 0 } resource)
        {
            await StatusAsync(context, 400, "BadRequest", "expected a SelfSubjectAccessReview with spec.resourceAttributes.verb and .resource").ConfigureAwait(false);
            return;
        }
        Interlocked.Increment(ref _accessReviews);
        string group = attributes["group"]?.GetValue<string>() ?? "";
        if (attributes["subresource"]?.GetValue<string>() is { Length: > 0 } subresource)
            resource += "/" + subresource;
        review["status"] = new JsonObject { ["allowed"] = Allowed(verb, group, resource) };
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(review.ToJsonString()).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext context, string path, Selector selector)
    {
        _lists.AddOrUpdate(path, 1, (_, n) => n + 1);
        string body;
        lock (_lock)
        {
            var items = new JsonArray();
            foreach (JsonObject obj in Objects(path).Values.Where(o => Matches(o, selector)))
                items.Add(obj.DeepClone());
            var list = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = ResourceVersion.ToString(CultureInfo.InvariantCulture) },
                ["items"] = items,
            };
            body = list.ToJsonString();
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext context, string path, Selector selector, IQueryCollection q)
    {
        _watchCounts.AddOrUpdate(path, 1, (_, n) => n + 1);
        long from = long.TryParse(q["resourceVersion"], out long v) ? v : ResourceVersion;
        int timeout = int.TryParse(q["timeoutSeconds"], out int t) ? t : 1800;
        var w = new Watch(path, selector, q["allowWatchBookmarks"].ToString() is "true" or "1", context, Channel.CreateUnbounded<string>());
        bool expired = from < Interlocked.Read(ref _compactedBefore) - 1;
        if (expired && ExpiredMode == ExpiredMode.HttpStatus)
        {
            await StatusAsync(context, 410, "Expired", $"too old resource version: {from}").ConfigureAwait(false);
            return;
        }
        lock (_lock)
        {
            if (!expired)
            {
                foreach (StoredEvent e in _history.Where(e => e.Path == path && e.ResourceVersion > from))
                {
                    if (Matches(JsonNode.Parse(e.Json)!.AsObject(), selector))
                        w.Events.Writer.TryWrite(EventLine(e));
                }
                _watches.Add(w);
            }
        }
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync().ConfigureAwait(false);
        if (EndWatchesAtOnce)
        {
            lock (_lock)
                _watches.Remove(w);
            await context.Response.CompleteAsync().ConfigureAwait(false);
            return;
        }
        if (expired)
        {
            string status = $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: {{from}}","reason":"Expired","code":410}""";
            await context.Response.WriteAsync("{\"type\":\"ERROR\",\"object\":" + status + "}\n").ConfigureAwait(false);
            return;
        }
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        end.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            await foreach (string line in w.Events.Reader.ReadAllAsync(end.Token).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line + "\n", end.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(end.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_lock)
                _watches.Remove(w);
        }
    }

    private async Task FollowLogAsync(HttpContext context, string ns, string pod, string container)
    {
        Channel<string> log = LogChannel(ns, pod, container);
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync().ConfigureAwait(false);
        try
        {
            await foreach (string line in log.Reader.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task StatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        })).ConfigureAwait(false);
    }

    private static bool Matches(JsonObject obj, Selector selector) =>
        selector.Matches(obj["metadata"]?["labels"] as JsonObject);

    private sealed record StoredEvent(long ResourceVersion, string Path, string Type, string Json);

    private sealed record Watch(string Path, Selector Selector, bool Bookmarks, HttpContext Context, Channel<string> Events);

    /// <summary>Equality (<c>k=v</c>), existence (<c>k</c>) and absence (<c>!k</c>) requirements, comma-separated.</summary>
    private sealed record Selector(IReadOnlyList<(string Key, string? Value, bool Absent)> Requirements)
    {
        public static Selector Parse(string text) => new([.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r =>
            r.StartsWith('!') ? (r[1..], (string?)null, true)
            : r.Contains('=', StringComparison.Ordinal) ? (r[..r.IndexOf('=', StringComparison.Ordinal)], r[(r.IndexOf('=', StringComparison.Ordinal) + 1)..].TrimStart('='), false)
            : (r, null, false))]);

        public bool Matches(JsonObject? labels) => Requirements.All(r =>
        {
            string? actual = labels?[r.Key]?.GetValue<string>();
            return r.Absent ? actual is null : r.Value is null ? actual is not null : actual == r.Value;
        });
    }
}
