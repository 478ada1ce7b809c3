// TestCertificateAuthority: a throw-away CA made at run time, and the server certificates it signs, so the
// fake controller speaks TLS the way a Juju controller does (its own CA; the leaf names juju-apiserver).
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Juju.Net.Testing;

/// <summary>A self-signed CA with its key, made for one test run.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    /// <summary>The names a Juju controller's certificate carries (controller/config.go DefaultDNSNames).</summary>
    public static readonly IReadOnlyList<string> JujuServerNames = ["localhost", "juju-apiserver", "juju-mongodb", "anything"];

    private readonly RSA _key;

    /// <summary>Creates a CA named <paramref name="name"/>, valid from a day ago for ten years.</summary>
    /// <param name="name">Its common name, e.g. <c>juju-generated CA for model "test"</c>.</param>
    public TestCertificateAuthority(string name = "juju-generated CA for model \"fake\"")
    {
        _key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=Juju", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
    }

    /// <summary>The CA certificate (with its key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate in PEM, as controllers.yaml's <c>ca-cert</c> holds it.</summary>
    public string Pem => Certificate.ExportCertificatePem();

    /// <summary>Issues a server certificate (with its key) whose subject alternative names are <paramref name="dnsNames"/> and 127.0.0.1.</summary>
    /// <param name="dnsNames">The DNS names; a Juju controller's are <see cref="JujuServerNames"/>.</param>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> dnsNames)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=*, O=Juju", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12 so that the key is not ephemeral (SslStream needs a persisted key on some platforms).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Releases the key and the certificate.</summary>
    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
