// ConnectionTests: JujuConnection against the FakeController on loopback: login and a recorded FullStatus,
// concurrency and out-of-order replies, cancellation, timeouts, error replies, a socket closed mid-call,
// pings, TLS pinning, version negotiation, and that every request matched Juju's schema.
using System.Text.Json;
using System.Text.Json.Nodes;
using Juju.Net.Testing;

namespace Juju.Net.Tests;

public sealed class ConnectionTests
{
    private static readonly StatusParams AllStatus = new() { Patterns = [] };

    [SkippableFact]
    public async Task ConnectAsync_RecordedFullStatus_LogsInAndParsesStatus()
    {
        var recorded = JsonNode.Parse(File.ReadAllText(Shared.Fixture("fullstatus.json")))!["response"];
        var api = new ScriptedApi().On("Client", "FullStatus", recorded);
        await using var controller = await FakeControllerHarness.StartAsync(api);

        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));
        var status = await new ClientClient(connection, connection.Version(ClientClient.FacadeName)).FullStatusAsync(AllStatus);

        Assert.Equal(["grafana-agent-k8s", "hexanator", "mysql-test-app"], status.Applications!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("model-" + FakeControllerHarness.ModelUuid, connection.Login.ModelTag);
        Assert.Equal(new Uri($"wss://{controller.Address}/model/{FakeControllerHarness.ModelUuid}/api"), connection.Endpoint);
        var login = Assert.Single(controller.Requests, r => r.Method == "Login");
        Assert.Equal("""{"auth-tag":"user-admin","bakery-version":3,"client-version":"3.6.27","credentials":"secret","macaroons":[],"nonce":"","user-data":""}""", login.Params!.ToJsonString());
        Assert.Equal(new FakeCall("Client", 8, "FullStatus", null, null), Assert.Single(api.Calls) with { Params = null });
        Assert.Empty(controller.InvalidRequests);
        Assert.Empty(controller.InvalidReplies);
    }

    [SkippableFact]
    public async Task CallAsync_ConcurrentCalls_RepliesOutOfOrderReachTheirCallers()
    {
        var gates = new Dictionary<string, TaskCompletionSource>(StringComparer.Ordinal) { ["first"] = new(), ["second"] = new() };
        var api = new ScriptedApi().On("Application", "Get", async (call, ct) =>
        {
            var name = (string)call.Params!["application"]!;
            await gates[name].Task.WaitAsync(ct);
            return new FakeReply.Ok(new JsonObject { ["application"] = name, ["charm"] = name + "-charm", ["config"] = new JsonObject(), ["constraints"] = new JsonObject(), ["base"] = new JsonObject { ["name"] = "ubuntu", ["channel"] = "22.04" }, ["channel"] = "stable" });
        });
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));
        var application = new ApplicationClient(connection, connection.Version(ApplicationClient.FacadeName));

        var first = application.GetAsync(new ApplicationGet { Application = "first" });
        var second = application.GetAsync(new ApplicationGet { Application = "second" });
        await WaitUntilAsync(() => api.Calls.Count == 2);
        gates["second"].SetResult();
        var secondResult = await second;
        Assert.False(first.IsCompleted);
        gates["first"].SetResult();
        var firstResult = await first;

        Assert.Equal(("first-charm", "second-charm"), (firstResult.Charm, secondResult.Charm));
        var ids = controller.Requests.Where(r => r.Method == "Get").Select(r => r.RequestId).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Empty(controller.InvalidRequests);
    }

    [SkippableFact]
    public async Task CallAsync_Cancelled_ThrowsAndConnectionStaysUsable()
    {
        var api = new ScriptedApi()
            .On("Client", "FullStatus", NeverReplyAsync)
            .On("ModelConfig", "ModelGet", JsonNode.Parse("""{"config":{"name":{"value":"test","source":"model"}}}"""));
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));
        using var cancel = new CancellationTokenSource();

        var status = new ClientClient(connection).FullStatusAsync(AllStatus, cancel.Token);
        await WaitUntilAsync(() => api.Calls.Count == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => status);
        var config = await new ModelConfigClient(connection).ModelGetAsync();
        Assert.Equal("model", config.Config!["name"].Source);
    }

    [SkippableFact]
    public async Task CallAsync_ReplyNeverComes_TimesOutNamingTheCall()
    {
        var api = new ScriptedApi().On("Client", "FullStatus", NeverReplyAsync);
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var client = new ClientClient(connection.WithTimeout(TimeSpan.FromMilliseconds(300)));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.FullStatusAsync(AllStatus));

        Assert.Contains("Client.FullStatus (v8) got no reply", e.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:00.3", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CallAsync_ErrorReply_ThrowsJujuApiExceptionWithCodeMessageAndInfo()
    {
        var api = new ScriptedApi().On("Application", "AddRelation", (_, _) => ValueTask.FromResult<FakeReply>(
            new FakeReply.Error("relation \"wordpress:db mysql:db\" already exists", JujuErrorCodes.AlreadyExists, new JsonObject { ["relation"] = "wordpress:db mysql:db" })));
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var e = await Assert.ThrowsAsync<JujuApiException>(() => new ApplicationClient(connection).AddRelationAsync(new AddRelation { Endpoints = ["wordpress:db", "mysql"] }));

        Assert.Equal(JujuErrorCodes.AlreadyExists, e.Code);
        Assert.True(e.Is(JujuErrorCodes.AlreadyExists));
        Assert.Equal("relation \"wordpress:db mysql:db\" already exists", e.ServerMessage);
        Assert.Equal("Application.AddRelation (v22)", e.Call);
        Assert.Equal("wordpress:db mysql:db", e.Info!.Value.GetProperty("relation").GetString());
        Assert.Equal("Application.AddRelation (v22) failed: relation \"wordpress:db mysql:db\" already exists (already exists)", e.Message);
    }

    [SkippableFact]
    public async Task CallAsync_SocketClosedMidCall_FailsThePendingCall()
    {
        var api = new ScriptedApi().On("Client", "FullStatus", NeverReplyAsync);
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var status = new ClientClient(connection).FullStatusAsync(AllStatus);
        await WaitUntilAsync(() => api.Calls.Count == 1);
        controller.AbortConnections();

        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => status).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("Client.FullStatus (v8) got no reply: The connection to wss://", e.Message, StringComparison.Ordinal);
        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<JujuConnectionException>(() => new ClientClient(connection).FullStatusAsync(AllStatus));
    }

    [SkippableFact]
    public async Task CallAsync_ControllerClosesCleanly_FailsThePendingCallAndAnswersTheClose()
    {
        var api = new ScriptedApi().On("Client", "FullStatus", NeverReplyAsync);
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var status = new ClientClient(connection).FullStatusAsync(AllStatus);
        await WaitUntilAsync(() => api.Calls.Count == 1);
        await controller.CloseConnectionsAsync();

        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => status).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("closed the connection (EndpointUnavailable controller shutting down)", e.Message, StringComparison.Ordinal);
        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => controller.ClosedHandshakes == 1);
    }

    [SkippableFact]
    public async Task CloseAsync_PendingCall_FailsSayingTheClientClosed()
    {
        var api = new ScriptedApi().On("Client", "FullStatus", NeverReplyAsync);
        await using var controller = await FakeControllerHarness.StartAsync(api);
        var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var status = new ClientClient(connection).FullStatusAsync(AllStatus);
        await WaitUntilAsync(() => api.Calls.Count == 1);
        await connection.DisposeAsync();

        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => status);
        Assert.Contains("was closed by this client", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConnectAsync_ShortPingInterval_PingsTheController()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi());

        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller) with { PingInterval = TimeSpan.FromMilliseconds(50) });
        await WaitUntilAsync(() => controller.PingCount >= 3);

        Assert.All(controller.Requests.Where(r => r.Facade == "Pinger"), r => Assert.Equal(("Ping", 1, null), (r.Method, r.Version, r.Params)));
        Assert.False(connection.Completion.IsCompleted);
        Assert.Empty(controller.InvalidRequests);
    }

    [SkippableFact]
    public async Task ConnectAsync_PingUnanswered_EndsTheConnection()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi(), o => o with { FacadeVersions = new Dictionary<string, IReadOnlyList<int>> { ["Pinger"] = [2] } });

        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller) with { PingInterval = TimeSpan.FromMilliseconds(50) });
        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => new ClientClient(connection).FullStatusAsync(AllStatus));
        Assert.Contains("did not answer Pinger.Ping", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConnectAsync_WrongCa_FailsSayingTheCertificateIsNotFromThePinnedCa()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi());
        using var other = new TestCertificateAuthority("another controller's CA");

        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller) with { CaCert = other.Pem }));

        Assert.Contains("TLS refused", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not signed by the pinned CA (CN=another controller's CA", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, controller.LoginCount);
    }

    [SkippableFact]
    public async Task ConnectAsync_CertificateWithoutJujuApiserver_FailsSayingTheName()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi(), o => o with { ServerNames = ["localhost", "controller.example"] });

        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller)));

        Assert.Contains("is signed by the pinned CA but does not name \"juju-apiserver\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, controller.LoginCount);
    }

    [SkippableFact]
    public async Task ConnectAsync_WrongPassword_ThrowsUnauthorizedNamingTheUser()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi());

        var e = await Assert.ThrowsAsync<JujuApiException>(() => JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller) with { Password = "wrong" }));

        Assert.Equal(JujuErrorCodes.Unauthorized, e.Code);
        Assert.StartsWith("Admin.Login (v3) as user-admin at wss://", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("failed: invalid entity name or password (unauthorized access)", e.Message, StringComparison.Ordinal);
        Assert.Empty(controller.InvalidRequests);
    }

    [SkippableFact]
    public async Task ConnectAsync_UnknownModel_ThrowsNotFound()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi());

        var e = await Assert.ThrowsAsync<JujuApiException>(() => JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller, "11111111-2222-3333-4444-555555555555")));

        Assert.Equal(JujuErrorCodes.NotFound, e.Code);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConnectAsync_MigratedModel_FollowsTheRedirectWithTheNewCa(bool withErrorInfo)
    {
        var api = new ScriptedApi().On("ModelConfig", "ModelGet", JsonNode.Parse("""{"config":{}}"""));
        await using var target = await FakeControllerHarness.StartAsync(api);
        await using var source = await FakeControllerHarness.StartAsync(new ScriptedApi(), o => o with { Redirect = new FakeRedirect([target.Address], target.CaCert, withErrorInfo) });

        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(source));
        await new ModelConfigClient(connection).ModelGetAsync();

        Assert.Equal(target.Port, connection.Endpoint.Port);
        Assert.Equal(1, target.LoginCount);
        Assert.Single(api.Calls);
        Assert.Equal(withErrorInfo ? ["Login"] : ["Login", "RedirectInfo"], source.Requests.Select(r => r.Method));
        Assert.Empty(source.InvalidRequests);
        Assert.Empty(target.InvalidRequests);
    }

    [SkippableFact]
    public async Task ConnectAsync_RedirectLoop_StopsAfterMaxRedirects()
    {
        using var authority = new TestCertificateAuthority();
        await using var looping = await FakeControllerHarness.StartAsync(new ScriptedApi(), o => o with { Authority = authority, Redirect = new FakeRedirect(["127.0.0.1:1"], authority.Pem) });
        await using var redirecting = await FakeControllerHarness.StartAsync(new ScriptedApi(), o => o with { Authority = authority, Redirect = new FakeRedirect([looping.Address], authority.Pem) });
        await using var loop = await FakeControllerHarness.StartAsync(new ScriptedApi(), o => o with { Authority = authority, Redirect = new FakeRedirect([redirecting.Address], authority.Pem) });

        // loop → redirecting → looping (→ an unreachable address): two redirects followed, the third refused.
        var e = await Assert.ThrowsAsync<JujuConnectionException>(() => JujuConnection.ConnectAsync(FakeControllerHarness.Options(loop) with { MaxRedirects = 2 }));

        Assert.Contains("redirected the login more than 2 times (MaxRedirects)", e.Message, StringComparison.Ordinal);
        Assert.Equal((1, 1, 1), (loop.ConnectionCount, redirecting.ConnectionCount, looping.ConnectionCount));
    }

    [SkippableFact]
    public async Task Version_OlderController_NegotiatesTheHighestCommonVersion()
    {
        var api = new ScriptedApi().On("Client", "FullStatus", JsonNode.Parse("{}"));
        await using var controller = await FakeControllerHarness.StartAsync(api, o => o with
        {
            FacadeVersions = new Dictionary<string, IReadOnlyList<int>> { ["Application"] = [15, 16, 17, 18, 19, 20, 21], ["Client"] = [6, 7], ["Charms"] = [5, 6] },
        });
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        await new ClientClient(connection, connection.Version(ClientClient.FacadeName)).FullStatusAsync(AllStatus);

        Assert.Equal((21, 7), (connection.Version(ApplicationClient.FacadeName), connection.Version(ClientClient.FacadeName)));
        Assert.Equal(7, Assert.Single(api.Calls).Version);
        var e = Assert.Throws<NotSupportedException>(() => connection.Version(CharmsClient.FacadeName));
        Assert.Contains("offers Charms versions 5, 6; Juju.Net speaks 7", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Version_ControllerConnection_HasNoModelFacades()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi());
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller, modelUuid: null));

        var e = Assert.Throws<NotSupportedException>(() => connection.Version(ApplicationClient.FacadeName));

        Assert.Equal(new Uri($"wss://{controller.Address}/api"), connection.Endpoint);
        Assert.Equal(ModelManagerClient.SchemaVersion, connection.Version(ModelManagerClient.FacadeName));
        Assert.Contains("offers no facade Application on this controller connection", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CallAsync_ParamsNotMatchingTheSchema_AreRefusedAndRecorded()
    {
        var api = new ScriptedApi();
        await using var controller = await FakeControllerHarness.StartAsync(api);
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var e = await Assert.ThrowsAsync<JujuApiException>(() => connection.CallAsync(
            new RpcRequest("Application", 22, "AddRelation"), new Entity { Tag = "application-mysql" }, JujuJsonContext.Default.Entity, JujuJsonContext.Default.AddRelationResults, CancellationToken.None));

        Assert.Equal(JujuErrorCodes.BadRequest, e.Code);
        var violation = Assert.Single(controller.InvalidRequests);
        Assert.Equal(["$: the required key \"endpoints\" is missing", "$: unknown key \"tag\" (definition AddRelation)"], violation.Problems);
        Assert.Empty(api.Calls);
    }

    [SkippableFact]
    public async Task CallAsync_UnknownMethod_GetsNotImplementedAsJujuSendsIt()
    {
        await using var controller = await FakeControllerHarness.StartAsync(new ScriptedApi());
        await using var connection = await JujuConnection.ConnectAsync(FakeControllerHarness.Options(controller));

        var e = await Assert.ThrowsAsync<JujuApiException>(() => connection.CallAsync(
            new RpcRequest("Application", 22, "Teleport"), RpcEmpty.Instance, JujuJsonContext.Default.RpcEmpty, JujuJsonContext.Default.RpcEmpty, CancellationToken.None));

        Assert.Equal(JujuErrorCodes.NotImplemented, e.Code);
        Assert.Equal("no such request - method Application(22).Teleport is not implemented", e.ServerMessage);
    }

    /// <summary>A reply that never comes: waits until the connection closes.</summary>
    private static async ValueTask<FakeReply> NeverReplyAsync(FakeCall call, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return new FakeReply.Ok(null);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 10 s");
            await Task.Delay(10);
        }
    }
}
