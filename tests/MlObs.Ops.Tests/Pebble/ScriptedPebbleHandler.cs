// ScriptedPebbleHandler: an HttpMessageHandler that records every request the Pebble client
// sends and answers from scripted responses (envelopes, multipart bodies, websocket upgrades).
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MlObs.Ops.Tests.Pebble;

/// <summary>A request as the handler saw it.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    string Path,
    string Query,
    HttpRequestHeaders Headers,
    MediaTypeHeaderValue? ContentType,
    byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The query parameters, decoded; repeated keys joined with '|'.</summary>
    public Dictionary<string, string> QueryParams =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(kv => Uri.UnescapeDataString(kv[0]))
            .ToDictionary(g => g.Key, g => string.Join('|', g.Select(kv => Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : string.Empty))));
}

/// <summary>
/// Answers requests by "METHOD /path" from per-route queues (the last answer repeats); a request
/// without a route gets a 404 error envelope. Every request is recorded.
/// </summary>
internal sealed class ScriptedPebbleHandler : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>>> _routes = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public RecordedRequest Single(string method, string path) =>
        Assert.Single(Requests, r => r.Method.Method == method && r.Path == path);

    public ScriptedPebbleHandler On(string method, string path, Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        lock (_lock)
        {
            var key = $"{method} {path}";
            if (!_routes.TryGetValue(key, out var queue))
            {
                _routes[key] = queue = new();
            }

            queue.Enqueue(respond);
        }

        return this;
    }

    public ScriptedPebbleHandler On(string method, string path, Func<RecordedRequest, HttpResponseMessage> respond) =>
        On(method, path, (request, _) => Task.FromResult(respond(request)));

    public ScriptedPebbleHandler OnJson(string method, string path, string json, HttpStatusCode status = HttpStatusCode.OK) =>
        On(method, path, _ => Json(json, status));

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var uri = request.RequestUri!;
        var recorded = new RecordedRequest(request.Method, uri.AbsolutePath, uri.Query, request.Headers, request.Content?.Headers.ContentType, body);
        Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? respond = null;
        lock (_lock)
        {
            _requests.Add(recorded);
            if (_routes.TryGetValue($"{request.Method.Method} {uri.AbsolutePath}", out var queue) && queue.Count > 0)
            {
                respond = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
            }
        }

        if (respond is null)
        {
            return Json(Envelopes.Error(404, "Not Found", $"no route for {request.Method} {uri.AbsolutePath}"), HttpStatusCode.NotFound);
        }

        var response = await respond(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}

/// <summary>Pebble's response envelopes (§4.2).</summary>
internal static class Envelopes
{
    public static string Sync(string resultJson, int status = 200, string statusText = "OK") =>
        $$"""{"type":"sync","status-code":{{status}},"status":"{{statusText}}","result":{{resultJson}}}""";

    public static string Async(string changeId, string? resultJson = null) =>
        resultJson is null
            ? $$"""{"type":"async","status-code":202,"status":"Accepted","change":"{{changeId}}"}"""
            : $$"""{"type":"async","status-code":202,"status":"Accepted","change":"{{changeId}}","result":{{resultJson}}}""";

    public static string Error(int status, string statusText, string message, string? kind = null, string? valueJson = null)
    {
        var result = new StringBuilder($$"""{"message":{{JsonSerializer.Serialize(message, ScratchJson.Default.String)}}""");
        if (kind is not null)
        {
            result.Append($",\"kind\":\"{kind}\"");
        }

        if (valueJson is not null)
        {
            result.Append($$""","value":{{valueJson}}""");
        }

        result.Append('}');
        return $$"""{"type":"error","status-code":{{status}},"status":"{{statusText}}","result":{{result}}}""";
    }

    /// <summary>A change object; <paramref name="err"/> makes it failed, <paramref name="exitCode"/> adds exec task data.</summary>
    public static string Change(string id, string kind = "start", bool ready = true, string? err = null, int? exitCode = null, string taskLog = "")
    {
        var status = !ready ? "Doing" : err is null ? "Done" : "Error";
        var data = exitCode is null ? string.Empty : $$""","data":{"exit-code":{{exitCode}}}""";
        var log = taskLog.Length == 0 ? string.Empty : $$""","log":[{{JsonSerializer.Serialize(taskLog, ScratchJson.Default.String)}}]""";
        var errField = err is null ? string.Empty : $$""","err":{{JsonSerializer.Serialize(err, ScratchJson.Default.String)}}""";
        var readyTime = ready ? ",\"ready-time\":\"2025-01-02T03:04:06.5Z\"" : string.Empty;
        return $$"""
            {"id":"{{id}}","kind":"{{kind}}","summary":"{{kind}} something","status":"{{status}}","ready":{{(ready ? "true" : "false")}}{{errField}},
             "spawn-time":"2025-01-02T03:04:05.123456789+00:00"{{readyTime}},
             "tasks":[{"id":"t{{id}}","kind":"{{kind}}","summary":"task","status":"{{status}}"{{log}},"progress":{"label":"","done":1,"total":1},
                       "spawn-time":"2025-01-02T03:04:05Z"{{data}}}]}
            """;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ScratchJson : System.Text.Json.Serialization.JsonSerializerContext;
