// PebbleApi: the fake server's single request delegate: Pebble's route table (404 "invalid API
// endpoint requested", 405 "method ... not allowed"), request recording, JSON body decoding with
// Go-like errors, and the handlers for system-info, health, plan, layers, services, changes,
// checks, signals, notices and logs. Files and exec live in PebbleApi.Files.cs and PebbleApi.Exec.cs.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>A request the fake server received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/v1/services</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
public sealed record RecordedRequest(string Method, string Path, string Query)
{
    /// <summary>The request line as a log shows it, e.g. <c>GET /v1/plan?format=yaml</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Method} {Path}{Query}";
}

/// <summary>A request body Go's JSON decoder would refuse.</summary>
internal sealed class BodyException : Exception
{
    public BodyException(string message)
        : base(message)
    {
    }

    public BodyException()
    {
    }

    public BodyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal sealed partial class PebbleApi
{
    /// <summary>The longest a <c>GET /v1/notices</c> long poll waits, whatever the client asks.</summary>
    private static readonly TimeSpan MaxNoticeWait = TimeSpan.FromSeconds(30);

    private static readonly Regex CustomKey = new(
        "^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)+(/[a-z0-9]+(-[a-z0-9]+)*)+$", RegexOptions.CultureInvariant);

    private const string DataError = "cannot decode data from request body";

    private readonly PebbleState _state;
    private readonly string _version;
    private readonly Func<string> _bootId;
    private readonly List<RecordedRequest> _requests;
    private readonly CancellationToken _stopping;

    public PebbleApi(PebbleState state, string version, Func<string> bootId, List<RecordedRequest> requests, CancellationToken stopping)
    {
        _state = state;
        _version = version;
        _bootId = bootId;
        _requests = requests;
        _stopping = stopping;
    }

    private delegate Task<PebbleResponse?> Handler(HttpContext context, string[] segments);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        lock (_requests)
        {
            _requests.Add(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? ""));
        }

        PebbleResponse? response;
        try
        {
            response = await RouteAsync(context);
        }
        catch (BodyException ex)
        {
            response = PebbleResponse.BadRequest(ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            context.Abort();
            return;
        }
#pragma warning disable CA1031 // Any other failure is a 500 envelope, as Pebble's SyncResponse turns an error into one.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            response = PebbleResponse.ServerError($"internal error: {ex.Message}");
        }

        if (response is not null && !context.Response.HasStarted)
        {
            await response.WriteAsync(context);
        }
    }

    private Task<PebbleResponse?> RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var segments = path.Length > 1 ? path[1..].Split('/') : [];
        if (segments.Length < 2 || segments[0] != "v1" || segments.Any(s => s.Length == 0))
        {
            return Done(PebbleResponse.NotFound("invalid API endpoint requested"));
        }

        var (get, post) = segments[1..] switch
        {
            ["system-info"] => (Sync(SystemInfo), null),
            ["health"] => (Sync(Health), null),
            ["changes"] => (Sync(GetChanges), null),
            ["changes", _] => (Sync(GetChange), Post(PostChange, DataError)),
            ["changes", _, "wait"] => (WaitChangeAsync, null),
            ["services"] => (Sync(GetServices), Post(PostServices, DataError)),
            ["services", _] => (Sync(NotImplemented), Sync(NotImplemented)),
            ["plan"] => (Sync(GetPlan), null),
            ["layers"] => (null, Post(PostLayers)),
            ["files"] => (GetFilesAsync, PostFilesAsync),
            ["logs"] => (GetLogsAsync, null),
            ["exec"] => (null, Post(PostExec)),
            ["tasks", _, "websocket", _] => (TaskWebsocketAsync, null),
            ["signals"] => (null, Post(PostSignals)),
            ["checks"] => (Sync(GetChecks), Post(PostChecks, DataError)),
            ["checks", "refresh"] => (null, Post(PostChecksRefresh, DataError)),
            ["notices"] => (GetNoticesAsync, Post(PostNotices)),
            ["notices", _] => (Sync(GetNotice), null),
            _ => ((Handler?)null, (Handler?)null),
        };
        if (get is null && post is null)
        {
            return Done(PebbleResponse.NotFound("invalid API endpoint requested"));
        }

        var handler = context.Request.Method switch
        {
            "GET" => get,
            "POST" => post,
            _ => null,
        };
        return handler is null
            ? Done(PebbleResponse.Error(StatusCodes.Status405MethodNotAllowed, $"method {PebbleJson.Quote(context.Request.Method)} not allowed"))
            : handler(context, segments);
    }

    private static Task<PebbleResponse?> Done(PebbleResponse response) => Task.FromResult<PebbleResponse?>(response);

    private Handler Sync(Func<HttpContext, string[], PebbleResponse> handler) => (context, segments) =>
    {
        lock (_state.Gate)
        {
            return Done(handler(context, segments));
        }
    };

    /// <summary>A POST handler with its JSON body decoded first; <paramref name="decodeError"/> prefixes Go's decode error.</summary>
    private Handler Post(Func<JsonObject, string[], PebbleResponse> handler, string decodeError = "cannot decode request body") => async (context, segments) =>
    {
        JsonObject body;
        try
        {
            body = await ReadJsonAsync(context);
        }
        catch (BodyException ex)
        {
            return PebbleResponse.BadRequest($"{decodeError}: {ex.Message}");
        }

        try
        {
            lock (_state.Gate)
            {
                return handler(body, segments);
            }
        }
        catch (BodyException ex)
        {
            return PebbleResponse.BadRequest($"{decodeError}: {ex.Message}");
        }
    };

    private Handler Post(Func<HttpContext, JsonObject, string[], PebbleResponse> handler) => async (context, segments) =>
    {
        JsonObject body;
        try
        {
            body = await ReadJsonAsync(context);
        }
        catch (BodyException ex)
        {
            return PebbleResponse.BadRequest($"cannot decode request body: {ex.Message}");
        }

        try
        {
            lock (_state.Gate)
            {
                return handler(context, body, segments);
            }
        }
        catch (BodyException ex)
        {
            return PebbleResponse.BadRequest($"cannot decode request body: {ex.Message}");
        }
    };

    // JSON bodies, as Go's json.Decoder reads them into structs

    internal static async Task<JsonObject> ReadJsonAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        return ParseObject(text);
    }

    internal static JsonObject ParseObject(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new BodyException("EOF");
        }

        JsonNode? node;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false });
            node = JsonNode.Parse(document.RootElement.GetRawText());
        }
        catch (JsonException ex)
        {
            throw new BodyException($"invalid character in JSON: {ex.Message}", ex);
        }

        return node switch
        {
            null => [],
            JsonObject obj => obj,
            _ => throw new BodyException($"json: cannot unmarshal {Kind(node)} into Go value of type struct"),
        };
    }

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };

    private static BodyException Mismatch(JsonNode? node, string field, string type) =>
        new($"json: cannot unmarshal {Kind(node)} into Go struct field .{field} of type {type}");

    internal static string Str(JsonObject body, string field)
    {
        var node = body[field];
        return node switch
        {
            null => "",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => throw Mismatch(node, field, "string"),
        };
    }

    internal static bool Bool(JsonObject body, string field)
    {
        var node = body[field];
        return node switch
        {
            null => false,
            JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
            _ => throw Mismatch(node, field, "bool"),
        };
    }

    internal static int? Int(JsonObject body, string field)
    {
        var node = body[field];
        return node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) => number,
            _ => throw Mismatch(node, field, "int"),
        };
    }

    internal static List<string> Strings(JsonObject body, string field)
    {
        var node = body[field];
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw Mismatch(node, field, "[]string");
        }

        return [.. array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw Mismatch(item, field, "string"))];
    }

    internal static Dictionary<string, string> StringMap(JsonObject body, string field)
    {
        var node = body[field];
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject obj)
        {
            throw Mismatch(node, field, "map[string]string");
        }

        return obj.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw Mismatch(p.Value, field, "string"));
    }

    internal static List<JsonObject> Objects(JsonObject body, string field)
    {
        var node = body[field];
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw Mismatch(node, field, "[]struct");
        }

        return [.. array.Select(item => item as JsonObject ?? throw Mismatch(item, field, "struct"))];
    }

    /// <summary><c>strutil.MultiCommaSeparatedList</c>: every value split on commas, trimmed, empties dropped.</summary>
    private static List<string> CommaList(HttpContext context, string name) =>
        [.. context.Request.Query[name]
            .SelectMany(v => (v ?? "").Split(','))
            .Select(v => v.Trim())
            .Where(v => v.Length > 0)];

    private static string Query(HttpContext context, string name) => context.Request.Query[name].FirstOrDefault() ?? "";

    // System

    private PebbleResponse SystemInfo(HttpContext context, string[] segments) =>
        PebbleResponse.Sync(new JsonObject { ["boot-id"] = _bootId(), ["version"] = _version });

    private PebbleResponse Health(HttpContext context, string[] segments)
    {
        var level = Query(context, "level");
        if (level is not ("" or "alive" or "ready"))
        {
            return PebbleResponse.BadRequest("level must be \"alive\" or \"ready\"");
        }

        var healthy = _state.Healthy(level.Length == 0 ? null : level, CommaList(context, "names"));
        return PebbleResponse.Sync(new JsonObject { ["healthy"] = healthy }, healthy ? StatusCodes.Status200OK : StatusCodes.Status502BadGateway);
    }

    private static PebbleResponse NotImplemented(HttpContext context, string[] segments) => PebbleResponse.BadRequest("not implemented");

    // Plan and layers

    private PebbleResponse GetPlan(HttpContext context, string[] segments)
    {
        var format = Query(context, "format");
        return format != "yaml"
            ? PebbleResponse.BadRequest($"invalid format {PebbleJson.Quote(format)}")
            : PebbleResponse.Sync(_state.Plan.ToYaml());
    }

    private PebbleResponse PostLayers(JsonObject body, string[] segments)
    {
        var action = Str(body, "action");
        var label = Str(body, "label");
        var format = Str(body, "format");
        var combine = Bool(body, "combine");
        var yaml = Str(body, "layer");
        _ = Bool(body, "inner");
        if (action != "add")
        {
            return PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}");
        }

        if (label.Length == 0)
        {
            return PebbleResponse.BadRequest("label must be set");
        }

        if (format != "yaml")
        {
            return PebbleResponse.BadRequest($"invalid format {PebbleJson.Quote(format)}");
        }

        Layer layer;
        try
        {
            layer = Layer.FromYaml(yaml);
        }
        catch (PebbleLayerException ex)
        {
            return PebbleResponse.BadRequest($"cannot parse layer YAML: {ex.Message}");
        }

        if (label.StartsWith("pebble-", StringComparison.Ordinal))
        {
            return PebbleResponse.BadRequest("cannot parse layer YAML: cannot use reserved label prefix \"pebble-\"");
        }

        var error = _state.AddLayer(label, layer, combine);
        return error is null ? PebbleResponse.Sync(true) : PebbleResponse.BadRequest(error);
    }

    // Services

    private PebbleResponse GetServices(HttpContext context, string[] segments) =>
        PebbleResponse.Sync(_state.ServiceInfos(CommaList(context, "names")));

    private PebbleResponse PostServices(JsonObject body, string[] segments)
    {
        var action = Str(body, "action");
        var services = Strings(body, "services");
        switch (action)
        {
            case "replan":
                if (services.Count != 0)
                {
                    return PebbleResponse.BadRequest($"{action} accepts no service names");
                }

                break;
            case "autostart":
                if (services.Count != 0)
                {
                    return PebbleResponse.BadRequest($"{action} accepts no service names");
                }

                services = [.. _state.DefaultServiceNames(out var orderError)];
                if (orderError is not null)
                {
                    return PebbleResponse.ServerError(orderError);
                }

                if (services.Count == 0)
                {
                    return PebbleResponse.Error(StatusCodes.Status400BadRequest, "no default services", "no-default-services");
                }

                break;
            default:
                if (services.Count == 0)
                {
                    return PebbleResponse.BadRequest($"must specify services for {action} action");
                }

                break;
        }

        if (action is not ("start" or "stop" or "restart" or "replan" or "autostart"))
        {
            return PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}");
        }

        var change = _state.ServiceChange(action, services, out var error);
        if (change is null)
        {
            return PebbleResponse.BadRequest(error!);
        }

        if (action == "replan")
        {
            _state.ReplanChecks();
        }

        return PebbleResponse.Async(change.Id);
    }

    private PebbleResponse PostSignals(JsonObject body, string[] segments)
    {
        var signal = Str(body, "signal");
        var services = Strings(body, "services");
        if (services.Count == 0)
        {
            return PebbleResponse.BadRequest("must specify one or more services");
        }

        var error = _state.Signal(services, signal);
        return error is null ? PebbleResponse.Sync(true) : PebbleResponse.ServerError(error);
    }

    // Changes

    private PebbleResponse GetChanges(HttpContext context, string[] segments)
    {
        var select = Query(context, "select");
        Func<PebbleChange, bool> filter = (select.Length == 0 ? "in-progress" : select) switch
        {
            "all" => _ => true,
            "in-progress" => c => !c.Status.IsReady(),
            "ready" => c => c.Status.IsReady(),
            _ => null!,
        };
        if (filter is null)
        {
            return PebbleResponse.BadRequest("select should be one of: all,in-progress,ready");
        }

        var wanted = Query(context, "for");
        var result = new JsonArray();
        foreach (var change in _state.Changes.All.Where(filter))
        {
            if (wanted.Length == 0 || change.ServiceNames.Contains(wanted))
            {
                result.Add(change.ToJson());
            }
        }

        return PebbleResponse.Sync(result);
    }

    private PebbleResponse GetChange(HttpContext context, string[] segments)
    {
        var change = _state.Changes.Find(segments[2]);
        return change is null
            ? PebbleResponse.NotFound($"cannot find change with id {PebbleJson.Quote(segments[2])}")
            : PebbleResponse.Sync(change.ToJson());
    }

    private async Task<PebbleResponse?> WaitChangeAsync(HttpContext context, string[] segments)
    {
        var id = segments[2];
        PebbleChange? change;
        lock (_state.Gate)
        {
            change = _state.Changes.Find(id);
        }

        if (change is null)
        {
            return PebbleResponse.NotFound($"cannot find change with id {PebbleJson.Quote(id)}");
        }

        var error = PebbleState.ParseDuration(Query(context, "timeout"), out var timeout);
        if (error is not null)
        {
            return PebbleResponse.BadRequest($"invalid timeout: {error}");
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        var waiting = change.Ready.WaitAsync(wait.Token);
        if (timeout > TimeSpan.Zero)
        {
            var timer = Task.Delay(timeout, _state.Time, wait.Token);
            if (await Task.WhenAny(waiting, timer) != waiting)
            {
                await timer;
                return PebbleResponse.Error(StatusCodes.Status504GatewayTimeout, $"timed out waiting for change after {GoDuration.Format(timeout)}");
            }
        }

        await waiting;
        lock (_state.Gate)
        {
            return PebbleResponse.Sync(change.ToJson());
        }
    }

    private PebbleResponse PostChange(JsonObject body, string[] segments)
    {
        var id = segments[2];
        var change = _state.Changes.Find(id);
        if (change is null)
        {
            return PebbleResponse.NotFound($"cannot find change with id {PebbleJson.Quote(id)}");
        }

        var action = Str(body, "action");
        if (action != "abort")
        {
            return PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}");
        }

        if (change.Status.IsReady())
        {
            return PebbleResponse.BadRequest($"cannot abort change {id} with nothing pending");
        }

        _state.Changes.Abort(change);
        return PebbleResponse.Sync(change.ToJson());
    }

    // Checks

    private PebbleResponse GetChecks(HttpContext context, string[] segments)
    {
        var level = Query(context, "level");
        if (level is not ("" or "alive" or "ready"))
        {
            return PebbleResponse.BadRequest("level must be \"alive\" or \"ready\"");
        }

        var names = CommaList(context, "names");
        var result = new JsonArray();
        foreach (var check in _state.Checks)
        {
            if ((level.Length == 0 || check.Level == level) && (names.Count == 0 || names.Contains(check.Name)))
            {
                result.Add(check.ToJson());
            }
        }

        return PebbleResponse.Sync(result);
    }

    private PebbleResponse PostChecks(JsonObject body, string[] segments)
    {
        var action = Str(body, "action");
        var checks = Strings(body, "checks");
        if (checks.Count == 0)
        {
            return PebbleResponse.BadRequest($"must specify checks for {action} action");
        }

        if (action is not ("start" or "stop"))
        {
            return PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}");
        }

        var changed = _state.StartOrStopChecks(action, checks, out var error);
        return changed is null
            ? PebbleResponse.BadRequest(error!)
            : PebbleResponse.Sync(new JsonObject { ["changed"] = PebbleJson.Strings(changed) });
    }

    private PebbleResponse PostChecksRefresh(JsonObject body, string[] segments)
    {
        var name = Str(body, "name");
        if (name.Length == 0)
        {
            return PebbleResponse.BadRequest("must specify check name");
        }

        var check = _state.Checks.FirstOrDefault(c => c.Name == name);
        if (check is null || !_state.Plan.Checks.ContainsKey(name))
        {
            return PebbleResponse.NotFound($"cannot find check with name {PebbleJson.Quote(name)}");
        }

        var result = new JsonObject { ["info"] = check.ToJson() };
        if (check.Status == "down" && check.LastError is { } error)
        {
            result["error"] = error;
        }

        return PebbleResponse.Sync(result);
    }

    // Notices

    private async Task<PebbleResponse?> GetNoticesAsync(HttpContext context, string[] segments)
    {
        uint? userId = _state.UserId;
        var query = context.Request.Query;
        if (query["user-id"].Count > 0)
        {
            var ids = CommaList(context, "user-id");
            if (ids.Count != 1)
            {
                return PebbleResponse.BadRequest("invalid \"user-id\" filter: must only include one \"user-id\"");
            }

            if (!long.TryParse(ids[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
            {
                return PebbleResponse.BadRequest($"invalid \"user-id\" filter: strconv.ParseInt: parsing {PebbleJson.Quote(ids[0])}: invalid syntax");
            }

            if (id is < 0 or > uint.MaxValue)
            {
                return PebbleResponse.BadRequest($"invalid \"user-id\" filter: user ID is not a valid uint32: {id}");
            }

            userId = (uint)id;
        }

        if (query["users"].Count > 0)
        {
            if (query["user-id"].Count > 0)
            {
                return PebbleResponse.BadRequest("cannot use both \"users\" and \"user-id\" parameters");
            }

            if (Query(context, "users") != "all")
            {
                return PebbleResponse.BadRequest("invalid \"users\" filter: must be \"all\"");
            }

            userId = null;
        }

        var requestedTypes = CommaList(context, "types");
        var types = requestedTypes.Where(NoticeStore.IsValidType).Distinct().ToList();
        if (requestedTypes.Count > 0 && types.Count == 0)
        {
            return PebbleResponse.Sync(new JsonArray());
        }

        var keys = CommaList(context, "keys");
        DateTimeOffset? after = null;
        var afterText = Query(context, "after");
        if (afterText.Length > 0)
        {
            if (!DateTimeOffset.TryParse(afterText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) || !afterText.Contains('T', StringComparison.Ordinal))
            {
                return PebbleResponse.BadRequest($"invalid \"after\" timestamp: parsing time {PebbleJson.Quote(afterText)} as \"2006-01-02T15:04:05Z07:00\": cannot parse");
            }

            after = parsed;
        }

        var error = PebbleState.ParseDuration(Query(context, "timeout"), out var timeout);
        if (error is not null)
        {
            return PebbleResponse.BadRequest($"invalid timeout: {error}");
        }

        if (timeout > MaxNoticeWait)
        {
            timeout = MaxNoticeWait;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        var deadline = Task.Delay(timeout, _state.Time, wait.Token);
        while (true)
        {
            // A poll cut by the client or by the server stopping is aborted, never answered with [].
            wait.Token.ThrowIfCancellationRequested();
            Task occurred;
            lock (_state.Gate)
            {
                var notices = _state.Notices.Filter(userId, types, keys, after);
                if (notices.Count > 0 || timeout <= TimeSpan.Zero || deadline.IsCompletedSuccessfully)
                {
                    return PebbleResponse.Sync(new JsonArray([.. notices.Select(n => (JsonNode?)NoticeStore.ToJson(n))]));
                }

                occurred = _state.Notices.Occurred;
            }

            await Task.WhenAny(occurred, deadline);
        }
    }

    private PebbleResponse GetNotice(HttpContext context, string[] segments)
    {
        var notice = _state.Notices.Find(segments[2]);
        return notice is null
            ? PebbleResponse.NotFound($"cannot find notice with ID {PebbleJson.Quote(segments[2])}")
            : PebbleResponse.Sync(NoticeStore.ToJson(notice));
    }

    private PebbleResponse PostNotices(JsonObject body, string[] segments)
    {
        var action = Str(body, "action");
        var type = Str(body, "type");
        var key = Str(body, "key");
        var repeatAfterText = Str(body, "repeat-after");
        if (action != "add")
        {
            return PebbleResponse.BadRequest($"invalid action {PebbleJson.Quote(action)}");
        }

        if (type != NoticeStore.Custom)
        {
            return PebbleResponse.BadRequest($"invalid type {PebbleJson.Quote(type)} (can only add \"custom\" notices)");
        }

        if (!CustomKey.IsMatch(key))
        {
            return PebbleResponse.BadRequest($"invalid key {PebbleJson.Quote(key)} (must be in \"example.com/path\" format)");
        }

        if (Encoding.UTF8.GetByteCount(key) > 256)
        {
            return PebbleResponse.BadRequest("key must be 256 bytes or less");
        }

        var error = PebbleState.ParseDuration(repeatAfterText, out var repeatAfter);
        if (error is not null)
        {
            return PebbleResponse.BadRequest($"invalid repeat-after: {error}");
        }

        var dataNode = body["data"];
        if (dataNode is not null && Encoding.UTF8.GetByteCount(dataNode.ToJsonString()) > 4 * 1024)
        {
            return PebbleResponse.BadRequest("total size of data must be 4096 bytes or less");
        }

        Dictionary<string, string> data;
        try
        {
            data = StringMap(body, "data");
        }
        catch (BodyException ex)
        {
            return PebbleResponse.BadRequest($"cannot decode notice data: {ex.Message}");
        }

        var notice = _state.Notices.Add(_state.UserId, NoticeStore.Custom, key, data, repeatAfter);
        return PebbleResponse.Sync(new JsonObject { ["id"] = notice.Id });
    }

    // Logs

    private async Task<PebbleResponse?> GetLogsAsync(HttpContext context, string[] segments)
    {
        var follow = Query(context, "follow");
        if (follow is not ("" or "true" or "false"))
        {
            return PebbleResponse.BadRequest("follow parameter must be \"true\" or \"false\"");
        }

        var count = 30;
        var nText = Query(context, "n");
        if (nText.Length > 0)
        {
            if (!int.TryParse(nText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count) || count < -1)
            {
                return PebbleResponse.BadRequest("n must be -1, 0, or a positive integer");
            }
        }
        else if (follow == "true")
        {
            count = 0;
        }

        var services = CommaList(context, "services");
        List<ServiceLogLine> lines;
        lock (_state.Gate)
        {
            lines = [.. _state.Logs
                .Where(l => services.Count == 0 || services.Contains(l.Service))
                .OrderBy(l => l.Time)
                .ThenBy(l => l.Service, StringComparer.Ordinal)];
        }

        if (count >= 0)
        {
            lines = lines.TakeLast(count).ToList();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson";
        var output = new StringBuilder();
        foreach (var line in lines)
        {
            var json = new JsonObject { ["time"] = PebbleJson.Time(line.Time), ["service"] = line.Service, ["message"] = line.Message };
            output.Append(Encoding.UTF8.GetString(PebbleJson.Serialize(json))).Append('\n');
        }

        await context.Response.WriteAsync(output.ToString(), context.RequestAborted);
        return null;
    }
}
