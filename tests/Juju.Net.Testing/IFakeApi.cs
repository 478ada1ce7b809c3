// IFakeApi: the seam between the fake controller (websocket, TLS, login, schema validation) and
// what answers the calls behind it (a fake model, or a script of canned replies in a test).
using System.Text.Json.Nodes;

namespace Juju.Net.Testing;

/// <summary>Answers one facade call that the fake controller has accepted (logged in, schema-valid).</summary>
public interface IFakeApi
{
    /// <summary>Answers <paramref name="facade"/>.<paramref name="method"/> at <paramref name="version"/>.</summary>
    /// <param name="facade">The envelope's <c>type</c>, e.g. <c>Application</c>.</param>
    /// <param name="version">The envelope's <c>version</c>.</param>
    /// <param name="method">The envelope's <c>request</c>, e.g. <c>Deploy</c>.</param>
    /// <param name="id">The envelope's <c>id</c> (watchers), or <see langword="null"/>.</param>
    /// <param name="parameters">The envelope's <c>params</c>, or <see langword="null"/> when absent.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes.</param>
    /// <returns>The reply to put in the envelope.</returns>
    ValueTask<FakeReply> HandleAsync(string facade, int version, string method, string? id, JsonNode? parameters, CancellationToken cancellationToken);
}

/// <summary>What the fake controller sends back for one call.</summary>
public abstract record FakeReply
{
    private FakeReply()
    {
    }

    /// <summary>A successful reply: <c>{"request-id": n, "response": Response}</c>.</summary>
    /// <param name="Response">The <c>response</c> object; <see langword="null"/> sends <c>{}</c>.</param>
    public sealed record Ok(JsonNode? Response) : FakeReply;

    /// <summary>An error reply: <c>{"request-id": n, "error": Message, "error-code": Code, "error-info": Info}</c>.</summary>
    /// <param name="Message">The <c>error</c> text.</param>
    /// <param name="Code">The <c>error-code</c>, or <see langword="null"/> to omit it.</param>
    /// <param name="Info">The <c>error-info</c> object, or <see langword="null"/> to omit it.</param>
    public sealed record Error(string Message, string? Code = null, JsonObject? Info = null) : FakeReply;
}
