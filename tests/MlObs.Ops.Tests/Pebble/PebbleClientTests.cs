// PebbleClientTests: system info, connectivity, health, plan and layers, and how the client maps
// Pebble's envelopes and errors.
using System.Net;
using System.Text;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleClientTests
{
    internal static PebbleClient Client(ScriptedPebbleHandler handler, TimeSpan? timeout = null) =>
        new("/charm/containers/workload/pebble.socket", handler, timeout);

    [Fact]
    public async Task GetSystemInfoAsync_SyncEnvelope_ParsesResultFromGet()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/system-info", Envelopes.Sync("""{"boot-id":"b1","version":"v1.19.0","http-address":":38813"}"""));
        using var client = Client(handler);

        var info = await client.GetSystemInfoAsync();

        Assert.Equal(new SystemInfo("b1", "v1.19.0", ":38813", null), info);
        var request = handler.Single("GET", "/v1/system-info");
        Assert.Equal("application/json", Assert.Single(request.Headers.Accept).MediaType);
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task CanConnectAsync_SystemInfoAnswers_IsTrue()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/system-info", Envelopes.Sync("""{"boot-id":"b","version":"v"}"""));
        using var client = Client(handler);

        Assert.True(await client.CanConnectAsync());
    }

    [Fact]
    public async Task CanConnectAsync_TransportFailure_IsFalse()
    {
        var handler = new ScriptedPebbleHandler().On("GET", "/v1/system-info", _ => throw new HttpRequestException("connection reset"));
        using var client = Client(handler);

        Assert.False(await client.CanConnectAsync());
    }

    [Fact]
    public async Task CanConnectAsync_ApiError_Propagates()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/system-info", Envelopes.Error(401, "Unauthorized", "access denied", "login-required"), HttpStatusCode.Unauthorized);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.CanConnectAsync());

        Assert.Equal("login-required", ex.Kind);
    }

    [Fact]
    public async Task GetHealthAsync_Healthy_SendsLevelAndNames()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/health", Envelopes.Sync("""{"healthy":true}"""));
        using var client = Client(handler);

        Assert.True(await client.GetHealthAsync(CheckLevel.Ready, ["up", "db"]));

        var query = handler.Single("GET", "/v1/health").QueryParams;
        Assert.Equal("ready", query["level"]);
        Assert.Equal("up,db", query["names"]);
    }

    [Fact]
    public async Task GetHealthAsync_Status502WithSyncEnvelope_IsFalse()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/health", Envelopes.Sync("""{"healthy":false}""", 502, "Bad Gateway"), HttpStatusCode.BadGateway);
        using var client = Client(handler);

        Assert.False(await client.GetHealthAsync());
        Assert.Equal(string.Empty, handler.Single("GET", "/v1/health").Query);
    }

    [Fact]
    public async Task GetPlanAsync_YamlResult_ParsesPlan()
    {
        const string yaml = "services:\n    app:\n        override: replace\n        command: /bin/app\n";
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/plan", Envelopes.Sync(System.Text.Json.JsonSerializer.Serialize(yaml, ScratchJson.Default.String)));
        using var client = Client(handler);

        var plan = await client.GetPlanAsync();

        Assert.Equal("/bin/app", plan.Services["app"].Command);
        Assert.Equal("yaml", handler.Single("GET", "/v1/plan").QueryParams["format"]);
    }

    [Fact]
    public async Task GetPlanAsync_EmptyPlan_IsEmpty()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/plan", Envelopes.Sync("\"{}\\n\""));
        using var client = Client(handler);

        Assert.Equal(Plan.Empty, await client.GetPlanAsync());
    }

    [Fact]
    public async Task AddLayerAsync_Layer_PostsYamlWithLabelAndCombine()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/layers", Envelopes.Sync("true"));
        using var client = Client(handler);
        var layer = LayerFixtures.LogForwardingLayer();

        await client.AddLayerAsync("workload-log-forwarding", layer, combine: true);

        var request = handler.Single("POST", "/v1/layers");
        Assert.Equal("application/json", request.ContentType?.MediaType);
        var body = request.Json;
        Assert.Equal("add", body.GetProperty("action").GetString());
        Assert.True(body.GetProperty("combine").GetBoolean());
        Assert.Equal("workload-log-forwarding", body.GetProperty("label").GetString());
        Assert.Equal("yaml", body.GetProperty("format").GetString());
        Assert.False(body.TryGetProperty("inner", out _));
        Assert.Equal(layer, Layer.FromYaml(body.GetProperty("layer").GetString()!));
    }

    [Fact]
    public async Task AddLayerAsync_LayerWithoutOverride_ThrowsBeforeSending()
    {
        var handler = new ScriptedPebbleHandler();
        using var client = Client(handler);
        var layer = new Layer { Services = new Dictionary<string, Service> { ["app"] = new() { Override = default, Command = "x" } } };

        await Assert.ThrowsAsync<PebbleLayerException>(() => client.AddLayerAsync("charm", layer));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task AddLayerAsync_LabelExists_ThrowsApiExceptionWithoutKind()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("POST", "/v1/layers", Envelopes.Error(400, "Bad Request", "layer \"charm\" already exists"), HttpStatusCode.BadRequest);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.AddLayerAsync("charm", new Layer()));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("Bad Request", ex.Status);
        Assert.Equal("layer \"charm\" already exists", ex.Message);
        Assert.Null(ex.Kind);
        Assert.Null(ex.Value);
    }

    [Fact]
    public async Task Request_ErrorEnvelopeWithKindAndValue_MapsEveryField()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/system-info", Envelopes.Error(500, "Internal Server Error", "daemon restarting", "daemon-restart", """{"after":"5s"}"""), HttpStatusCode.InternalServerError);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.GetSystemInfoAsync());

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal("Internal Server Error", ex.Status);
        Assert.Equal("daemon-restart", ex.Kind);
        Assert.Equal("daemon restarting", ex.Message);
        Assert.Equal("5s", ex.Value!.Value.GetProperty("after").GetString());
    }

    [Fact]
    public async Task Request_SuccessWithNonJsonContentType_ThrowsProtocolException()
    {
        var handler = new ScriptedPebbleHandler()
            .On("GET", "/v1/system-info", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("hello", Encoding.UTF8, "text/plain") });
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleProtocolException>(() => client.GetSystemInfoAsync());

        Assert.Equal("expected Content-Type 'application/json', got 'text/plain'", ex.Message);
    }

    [Fact]
    public async Task Request_ErrorStatusWithNonJsonBody_ThrowsApiException()
    {
        var handler = new ScriptedPebbleHandler()
            .On("GET", "/v1/system-info", _ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("upstream gone", Encoding.UTF8, "text/plain") });
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.GetSystemInfoAsync());

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("upstream gone", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_MalformedJson_ThrowsProtocolException()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/system-info", "{\"type\":\"sync\",");
        using var client = Client(handler);

        await Assert.ThrowsAsync<PebbleProtocolException>(() => client.GetSystemInfoAsync());
    }

    [Fact]
    public async Task Request_MissingResultField_ThrowsProtocolExceptionNamingIt()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/system-info", Envelopes.Sync("""{"version":"v"}"""));
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleProtocolException>(() => client.GetSystemInfoAsync());

        Assert.Contains("\"boot-id\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ServerNeverAnswers_ThrowsConnectionExceptionAfterTimeout()
    {
        var handler = new ScriptedPebbleHandler().On("GET", "/v1/system-info", async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        using var client = Client(handler, TimeSpan.FromMilliseconds(100));

        var ex = await Assert.ThrowsAsync<PebbleConnectionException>(() => client.GetSystemInfoAsync());

        Assert.StartsWith("timed out after 100ms waiting for Pebble", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_CallerCancels_ThrowsOperationCanceled()
    {
        var handler = new ScriptedPebbleHandler().On("GET", "/v1/system-info", async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        using var client = Client(handler);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetSystemInfoAsync(cancel.Token));
    }

    [Fact]
    public void SocketPathFor_Container_IsTheCharmContainerMount() =>
        Assert.Equal("/charm/containers/workload/pebble.socket", PebbleClient.SocketPathFor("workload"));

    [Fact]
    public void Constructor_Defaults_AreOpsTimeout()
    {
        using var client = PebbleClient.ForContainer("workload");

        Assert.Equal(TimeSpan.FromSeconds(5), client.Timeout);
        Assert.Equal("/charm/containers/workload/pebble.socket", client.SocketPath);
    }
}
