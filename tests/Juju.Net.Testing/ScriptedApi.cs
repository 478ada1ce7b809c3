// ScriptedApi: an IFakeApi of canned replies per facade.method (fixed, or computed by a handler that may
// wait), recording every call, for tests of the transport.
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Juju.Net.Testing;

/// <summary>One call the fake controller passed to a <see cref="ScriptedApi"/>.</summary>
/// <param name="Facade">The facade.</param>
/// <param name="Version">The facade version.</param>
/// <param name="Method">The method.</param>
/// <param name="Id">The watcher id, or <see langword="null"/>.</param>
/// <param name="Params">The params, or <see langword="null"/>.</param>
public sealed record FakeCall(string Facade, int Version, string Method, string? Id, JsonNode? Params);

/// <summary>Answers calls from a script: a reply or a handler per <c>Facade.Method</c>; an unscripted call gets <c>not implemented</c>.</summary>
public sealed class ScriptedApi : IFakeApi
{
    private readonly ConcurrentDictionary<string, Func<FakeCall, CancellationToken, ValueTask<FakeReply>>> _script = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeCall> _calls = new();

    /// <summary>Every call received, in arrival order.</summary>
    public IReadOnlyList<FakeCall> Calls => [.. _calls];

    /// <summary>Answers every <paramref name="facade"/>.<paramref name="method"/> call with <paramref name="response"/>.</summary>
    /// <param name="facade">The facade.</param>
    /// <param name="method">The method.</param>
    /// <param name="response">The <c>response</c> object (copied for each reply); <see langword="null"/> sends <c>{}</c>.</param>
    /// <returns>This script, to chain.</returns>
    public ScriptedApi On(string facade, string method, JsonNode? response) =>
        On(facade, method, (_, _) => ValueTask.FromResult<FakeReply>(new FakeReply.Ok(response?.DeepClone())));

    /// <summary>Answers every <paramref name="facade"/>.<paramref name="method"/> call with what <paramref name="handler"/> returns.</summary>
    /// <param name="facade">The facade.</param>
    /// <param name="method">The method.</param>
    /// <param name="handler">Computes the reply; its token is cancelled when the connection closes (a reply that never comes waits on it).</param>
    /// <returns>This script, to chain.</returns>
    public ScriptedApi On(string facade, string method, Func<FakeCall, CancellationToken, ValueTask<FakeReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _script[$"{facade}.{method}"] = handler;
        return this;
    }

    /// <inheritdoc/>
    public ValueTask<FakeReply> HandleAsync(string facade, int version, string method, string? id, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var call = new FakeCall(facade, version, method, id, parameters);
        _calls.Enqueue(call);
        return _script.TryGetValue($"{facade}.{method}", out var handler)
            ? handler(call, cancellationToken)
            : ValueTask.FromResult<FakeReply>(new FakeReply.Error($"no such request - method {facade}({version}).{method} is not implemented (not scripted)", "not implemented"));
    }
}
