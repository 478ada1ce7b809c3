// ControllerCertificateValidator: TLS as Juju's Go client does it (api/apiclient.go NewTLSConfig): the
// chain must end at the controller's own CA (ca-cert of controllers.yaml), never at a system root, and
// the leaf must name "juju-apiserver" (the dialled address is not in the certificate). The reason of a
// rejection is kept, so the connection can say which check failed.
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Juju.Net;

internal sealed class ControllerCertificateValidator
{
    /// <summary>The name every Juju controller certificate carries (controller/config.go DefaultDNSNames).</summary>
    public const string DefaultServerName = "juju-apiserver";

    private readonly X509Certificate2 _ca;
    private readonly string _serverName;

    public ControllerCertificateValidator(X509Certificate2 ca, string serverName)
    {
        _ca = ca;
        _serverName = serverName;
    }

    /// <summary>Why the last certificate was rejected, or null when it was accepted (or none was seen).</summary>
    public string? Rejection { get; private set; }

    /// <summary>Reads the controller's CA from PEM, saying what is wrong with it.</summary>
    public static X509Certificate2 LoadCa(string pem, string source)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            throw new JujuConnectionException($"{source}: the controller's CA certificate is empty; it is the ca-cert of the controller in controllers.yaml.");
        }

        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new JujuConnectionException($"{source}: the controller's CA certificate is not a PEM certificate: {e.Message}", e);
        }
    }

    /// <summary>The RemoteCertificateValidationCallback: accepts only a chain to the pinned CA whose leaf names the server name.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        // The policy errors are those of the system trust store and the dialled host name; both are replaced
        // by the checks below, as in the Go client (RootCAs = the CA, ServerName = juju-apiserver).
        if (certificate is null)
        {
            Rejection = "the controller presented no certificate";
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        if (!chain.Build(leaf))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            Rejection = $"the controller's certificate ({leaf.Subject}, issued by {leaf.Issuer}) is not signed by the pinned CA ({_ca.Subject}, the ca-cert of controllers.yaml){(status.Length > 0 ? ": " + status : "")}";
            return false;
        }

        if (!leaf.MatchesHostname(_serverName, allowWildcards: false, allowCommonName: false))
        {
            Rejection = $"the controller's certificate ({leaf.Subject}) is signed by the pinned CA but does not name \"{_serverName}\" in its subject alternative names";
            return false;
        }

        Rejection = null;
        return true;
    }
}
