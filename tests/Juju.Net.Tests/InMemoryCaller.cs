// InMemoryCaller: an IRpcCaller that carries each call to an IFakeApi as JSON text, through the
// generated JujuJsonContext both ways, so a params or result shape the fake does not expect fails.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Juju.Net.Testing;

namespace Juju.Net.Tests;

internal sealed class InMemoryCaller(IFakeApi api) : IRpcCaller
{
    public async Task<TResult> CallAsync<TParams, TResult>(RpcRequest request, TParams? parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
        where TParams : class
        where TResult : class
    {
        var json = parameters is null ? null : JsonNode.Parse(JsonSerializer.Serialize(parameters, paramsType));
        var reply = await api.HandleAsync(request.Facade, request.Version, request.Method, request.Id, json, cancellationToken);
        return reply switch
        {
            FakeReply.Ok ok => JsonSerializer.Deserialize((ok.Response ?? new JsonObject()).ToJsonString(), resultType)!,
            FakeReply.Error error => throw new FakeRpcException($"{request.Facade}.{request.Method}: {error.Message}", error.Code ?? ""),
            _ => throw new InvalidOperationException("unknown reply"),
        };
    }
}

/// <summary>What the in-memory caller throws for an error reply (the connection throws its own typed exception).</summary>
internal sealed class FakeRpcException(string message, string code) : Exception(message)
{
    public string Code { get; } = code;
}
