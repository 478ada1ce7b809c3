// IRpcCaller: the seam between the generated facade clients and the websocket connection that
// carries their calls. The generated clients call it; the connection (and test doubles) implement it.
using System.Text.Json.Serialization.Metadata;

namespace Juju.Net;

/// <summary>Sends one Juju RPC request and returns its response, as the API server's envelope carries them.</summary>
/// <remarks>
/// The JSON type information of the params and the result travels with each call, so an implementation
/// serialises with the source-generated <see cref="JujuJsonContext"/> and never with reflection (Native AOT).
/// </remarks>
public interface IRpcCaller
{
    /// <summary>Calls <paramref name="request"/> and returns its deserialised <c>response</c>.</summary>
    /// <typeparam name="TParams">The method's params type (<see cref="RpcEmpty"/> for methods without params).</typeparam>
    /// <typeparam name="TResult">The method's result type (<see cref="RpcEmpty"/> for methods without a result).</typeparam>
    /// <param name="request">Facade, version, method and (for watchers) the object id of the envelope.</param>
    /// <param name="parameters">The <c>params</c> object; <see langword="null"/> sends none.</param>
    /// <param name="paramsType">Source-generated type information of <typeparamref name="TParams"/>.</param>
    /// <param name="resultType">Source-generated type information of <typeparamref name="TResult"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the response.</param>
    /// <returns>The <c>response</c> object of the reply.</returns>
    Task<TResult> CallAsync<TParams, TResult>(
        RpcRequest request,
        TParams? parameters,
        JsonTypeInfo<TParams> paramsType,
        JsonTypeInfo<TResult> resultType,
        CancellationToken cancellationToken)
        where TParams : class
        where TResult : class;
}

/// <summary>The routing part of a Juju RPC envelope: <c>type</c>, <c>version</c>, <c>request</c> and <c>id</c>.</summary>
/// <param name="Facade">The facade name, sent as <c>type</c> (e.g. <c>Application</c>).</param>
/// <param name="Version">The facade version, sent as <c>version</c>.</param>
/// <param name="Method">The method name, sent as <c>request</c> (e.g. <c>Deploy</c>).</param>
/// <param name="Id">The object id, sent as <c>id</c>: only watchers have one (the <c>AllWatcher</c> id); <see langword="null"/> omits it.</param>
public readonly record struct RpcRequest(string Facade, int Version, string Method, string? Id = null);

/// <summary>The empty params or result of a method that has none in the schema (the server answers <c>{}</c>).</summary>
public sealed record RpcEmpty
{
    /// <summary>The one instance callers need.</summary>
    public static RpcEmpty Instance { get; } = new();
}
