// IFakeUploads: what answers the controller's HTTP side channels (local charm and resource uploads) behind
// the fake controller, which has already checked the Basic credentials and the body's SHA-384.
namespace Juju.Net.Testing;

/// <summary>Accepts uploads that reached the fake controller's HTTP endpoints.</summary>
public interface IFakeUploads
{
    /// <summary>A charm archive POSTed to <c>/model/&lt;uuid&gt;/charms</c>.</summary>
    /// <param name="archive">The zip.</param>
    /// <returns>The charm URL assigned, e.g. <c>local:drift-monitor-k8s-0</c>.</returns>
    /// <exception cref="FakeUploadException">The archive is refused (answered as HTTP 400 with the message).</exception>
    string AcceptCharm(byte[] archive);

    /// <summary>A resource PUT to <c>/model/&lt;uuid&gt;/applications/&lt;app&gt;/resources/&lt;name&gt;?pendingid=ID</c>.</summary>
    /// <exception cref="FakeUploadException">The upload is refused (answered as HTTP 400 with the message).</exception>
    void AcceptResource(string application, string resource, string pendingId, byte[] body);
}

/// <summary>An upload the fake refuses; the controller answers HTTP 400 with Juju's error body.</summary>
public sealed class FakeUploadException(string message) : Exception(message);
