// FakeControllerOptions and the records the fake controller keeps of what it was sent.
using System.Text.Json.Nodes;

namespace Juju.Net.Testing;

/// <summary>How a <see cref="FakeController"/> behaves: its schema, the API behind it, the login it accepts, its TLS.</summary>
public sealed record FakeControllerOptions
{
    /// <summary>Juju's schema: every request is validated against it, and it gives the facades the login result lists.</summary>
    public required JujuApiSchema Schema { get; init; }

    /// <summary>What answers the calls that are not Admin or Pinger.</summary>
    public required IFakeApi Api { get; init; }

    /// <summary>The user that may log in (without the <c>user-</c> prefix); default <c>admin</c>.</summary>
    public string User { get; init; } = "admin";

    /// <summary>Its password; default <c>secret</c>.</summary>
    public string Password { get; init; } = "secret";

    /// <summary>The model UUIDs that exist (a login to another model fails with <c>not found</c>); <see langword="null"/> accepts any.</summary>
    public IReadOnlyCollection<string>? Models { get; init; }

    /// <summary>The controller UUID (in <c>controller-tag</c>).</summary>
    public string ControllerUuid { get; init; } = "deadbeef-1bad-500d-9000-4b1d0d06f00d";

    /// <summary>The <c>server-version</c> of the login result; default 3.6.27.</summary>
    public string ServerVersion { get; init; } = "3.6.27";

    /// <summary>Facade name → the versions to advertise instead of the schema's one version (e.g. Application 15–19 for an older controller).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? FacadeVersions { get; init; }

    /// <summary>The CA that signs the server certificate; <see langword="null"/> makes one for this controller (disposed with it).</summary>
    public TestCertificateAuthority? Authority { get; init; }

    /// <summary>The DNS names of the server certificate; default a Juju controller's (<see cref="TestCertificateAuthority.JujuServerNames"/>).</summary>
    public IReadOnlyList<string> ServerNames { get; init; } = TestCertificateAuthority.JujuServerNames;

    /// <summary>When set, model logins are refused with <c>redirection required</c> (a migrated model).</summary>
    public FakeRedirect? Redirect { get; init; }
}

/// <summary>Where a migrated model went, as the redirecting controller tells it.</summary>
/// <param name="Addresses">The target controller's addresses, <c>host:port</c>.</param>
/// <param name="CaCert">The target controller's CA in PEM.</param>
/// <param name="WithErrorInfo">Whether the login error carries the target in <c>error-info</c> (a Juju controller) or not (JAAS style: the client asks <c>Admin.RedirectInfo</c>).</param>
public sealed record FakeRedirect(IReadOnlyList<string> Addresses, string CaCert, bool WithErrorInfo = true);

/// <summary>One request frame the fake controller received.</summary>
/// <param name="Path">The websocket path: <c>/api</c> or <c>/model/&lt;uuid&gt;/api</c>.</param>
/// <param name="RequestId">The envelope's <c>request-id</c>.</param>
/// <param name="Facade">The envelope's <c>type</c>.</param>
/// <param name="Version">The envelope's <c>version</c>.</param>
/// <param name="Method">The envelope's <c>request</c>.</param>
/// <param name="Id">The envelope's <c>id</c>, or <see langword="null"/>.</param>
/// <param name="Params">The envelope's <c>params</c>, or <see langword="null"/>.</param>
public sealed record FakeRequest(string Path, ulong RequestId, string Facade, int Version, string Method, string? Id, JsonNode? Params);

/// <summary>A frame (request or reply) that did not match Juju's schema or envelope, and why.</summary>
/// <param name="Frame">The frame as JSON text.</param>
/// <param name="Problems">What is wrong, each with its JSON path.</param>
public sealed record FakeSchemaViolation(string Frame, IReadOnlyList<string> Problems)
{
    /// <inheritdoc/>
    public override string ToString() => $"{string.Join("; ", Problems)} in {Frame}";
}
