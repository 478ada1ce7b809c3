// ClientTests: the generated facade clients hand IRpcCaller the facade, version, method, watcher
// id and params that Juju expects (juju-api.md §1.3, §3.2), and return the deserialised response.
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Juju.Net.Tests;

public sealed class ClientTests
{
    [Fact]
    public async Task AddRelationAsync_SendsApplicationV22AddRelationWithEndpoints()
    {
        var caller = new RecordingCaller("""{"endpoints":{"mysql":{"name":"db","role":"provider","interface":"mysql","optional":false,"limit":0,"scope":"global"}}}""");
        var client = new ApplicationClient(caller);

        var result = await client.AddRelationAsync(new AddRelation { Endpoints = ["wordpress:db", "mysql"] });

        var call = Assert.Single(caller.Calls);
        Assert.Equal(new RpcRequest("Application", 22, "AddRelation"), call.Request);
        Assert.Equal("""{"endpoints":["wordpress:db","mysql"]}""", call.Params);
        Assert.Equal("provider", result.Endpoints!["mysql"].Role);
    }

    [Fact]
    public async Task FullStatusAsync_NegotiatedVersion_SendsThatVersion()
    {
        var caller = new RecordingCaller("{}");
        var client = new ClientClient(caller, version: 7);

        await client.FullStatusAsync(new StatusParams { Patterns = [] });

        var call = Assert.Single(caller.Calls);
        Assert.Equal(new RpcRequest("Client", 7, "FullStatus"), call.Request);
        Assert.Equal("""{"patterns":[]}""", call.Params);
    }

    [Fact]
    public async Task LoginAsync_PasswordLogin_SendsRequiredKeysWithZeroValues()
    {
        var caller = new RecordingCaller("""{"model-tag":"model-1","server-version":"3.6.27","servers":[[{"port":17070,"scope":"local-cloud","type":"ipv4","value":"10.0.0.5"}]]}""");
        var client = new AdminClient(caller);

        var result = await client.LoginAsync(new LoginRequest { AuthTag = "user-admin", Credentials = "secret", Macaroons = [], ClientVersion = "3.6.27" });

        var call = Assert.Single(caller.Calls);
        Assert.Equal(new RpcRequest("Admin", 3, "Login"), call.Request);
        Assert.Equal("""{"auth-tag":"user-admin","client-version":"3.6.27","credentials":"secret","macaroons":[],"nonce":"","user-data":""}""", call.Params);
        Assert.Equal(17070, result.Servers![0][0].Port);
    }

    [Fact]
    public async Task PingAsync_NoParams_SendsNullParams()
    {
        var caller = new RecordingCaller("{}");

        await new PingerClient(caller).PingAsync();

        var call = Assert.Single(caller.Calls);
        Assert.Equal(new RpcRequest("Pinger", 1, "Ping"), call.Request);
        Assert.Null(call.Params);
    }

    [Fact]
    public async Task NextAsync_WatcherId_GoesInTheEnvelope()
    {
        var caller = new RecordingCaller("""{"deltas":[["unit","change",{"name":"pg/0"}]]}""");

        var next = await new AllWatcherClient(caller).NextAsync("7");

        var call = Assert.Single(caller.Calls);
        Assert.Equal(new RpcRequest("AllWatcher", 3, "Next", "7"), call.Request);
        Assert.Null(call.Params);
        Assert.Equal("unit", Assert.Single(next.Deltas!).Kind);
    }

    [Fact]
    public async Task OfferAsync_CapitalisedOffersKey_SentVerbatimAndPerItemErrorsReturned()
    {
        var caller = new RecordingCaller("""{"results":[{"error":{"code":"already exists","message":"offer \"db\" already exists"}}]}""");
        var offer = new AddApplicationOffer { ApplicationName = "pg", ModelTag = "model-1", OfferName = "db", Endpoints = new Dictionary<string, string> { ["db"] = "db" } };

        var result = await new ApplicationOffersClient(caller).OfferAsync(new AddApplicationOffers { Offers = [offer] });

        var call = Assert.Single(caller.Calls);
        Assert.Equal(new RpcRequest("ApplicationOffers", 5, "Offer"), call.Request);
        Assert.Equal("""{"Offers":[{"application-description":"","application-name":"pg","endpoints":{"db":"db"},"model-tag":"model-1","offer-name":"db"}]}""", call.Params);
        Assert.Equal("already exists", result.Results![0].Error!.Code);
    }

    [Fact]
    public void Constructor_VersionZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BundleClient(new RecordingCaller("{}"), version: 0));

    /// <summary>An IRpcCaller that records each call's envelope and params JSON and answers with one canned response.</summary>
    private sealed class RecordingCaller(string response) : IRpcCaller
    {
        public List<(RpcRequest Request, string? Params)> Calls { get; } = [];

        public Task<TResult> CallAsync<TParams, TResult>(RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
            where TParams : class
            where TResult : class
        {
            cancellationToken.ThrowIfCancellationRequested();
            Calls.Add((request, parameters is null ? null : JsonSerializer.Serialize(parameters, paramsType)));
            return Task.FromResult(JsonSerializer.Deserialize(response, resultType)!);
        }
    }
}
