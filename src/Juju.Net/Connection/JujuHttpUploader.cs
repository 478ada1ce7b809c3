// JujuHttpUploader: the controller's HTTP side channels for what a bundle has on the client's disk
// (juju-api.md §1.1): a local charm is POSTed as a zip to /model/<uuid>/charms, a local resource is
// registered with Resources.AddPendingResources (origin "upload") and its content PUT to
// /model/<uuid>/applications/<app>/resources/<name>?pendingid=<id>. Same TLS pinning as the websocket,
// HTTP Basic with the user's tag and password.
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Juju.Net;

/// <summary>Uploads local charms and resources to a model over the controller's HTTPS endpoints.</summary>
public sealed class JujuHttpUploader : ILocalCharmUploader, IDisposable
{
    private readonly JujuConnectionOptions _options;
    private readonly IRpcCaller _model;
    private readonly JujuFacadeVersions _versions;
    private readonly ControllerCertificateValidator _validator;
    private readonly HttpClient _http;

    /// <summary>Creates an uploader for the model of <paramref name="options"/>.</summary>
    /// <param name="options">The model connection's options: addresses, CA, user, password and model UUID.</param>
    /// <param name="model">The model connection, for <c>Charms.CharmInfo</c> and <c>Resources.AddPendingResources</c>.</param>
    /// <param name="versions">The facade versions to send; <see langword="null"/> takes the defaults.</param>
    /// <exception cref="ArgumentException">The options name no model or no address.</exception>
    public JujuHttpUploader(JujuConnectionOptions options, IRpcCaller model, JujuFacadeVersions? versions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrEmpty(options.ModelUuid) || options.Addresses.Count == 0)
        {
            throw new ArgumentException("Uploads go to a model: the options need a ModelUuid and an address.", nameof(options));
        }

        _options = options;
        _model = model;
        _versions = versions ?? JujuFacadeVersions.Default;
        _validator = new ControllerCertificateValidator(ControllerCertificateValidator.LoadCa(options.CaCert, "ca-cert"), options.ServerName);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            SslOptions = { RemoteCertificateValidationCallback = _validator.Validate },
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"user-{options.User}:{options.Password}")));
    }

    /// <inheritdoc />
    public async Task<string> UploadCharmAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] archive;
        if (Directory.Exists(path))
        {
            archive = ZipDirectory(path);
        }
        else if (File.Exists(path))
        {
            archive = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new JujuOperationException($"the local charm {path} does not exist; pack it first (mlobs charm pack CHARM_DIR)");
        }

        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var reply = await SendAsync(HttpMethod.Post, $"/model/{_options.ModelUuid}/charms?series=", content, $"upload of {path}", cancellationToken).ConfigureAwait(false);
        return reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("charm-url", out var url) && url.ValueKind == JsonValueKind.String && url.GetString() is { Length: > 0 } charmUrl
            ? charmUrl
            : throw new JujuOperationException($"upload of {path}: the controller's reply has no charm-url: {Shorten(reply.ValueKind == JsonValueKind.Undefined ? string.Empty : reply.GetRawText())}");
    }

    /// <inheritdoc />
    public async Task<string> UploadResourceAsync(string application, string charmUrl, string resource, string value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(application);
        ArgumentException.ThrowIfNullOrEmpty(charmUrl);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(value);
        var info = await new CharmsClient(_model, _versions.Charms).CharmInfoAsync(new CharmURL { Url = charmUrl }, cancellationToken).ConfigureAwait(false);
        if (info.Meta?.Resources is not { } declared || !declared.TryGetValue(resource, out var meta))
        {
            throw new JujuOperationException($"resource {resource} of {application}: the charm {charmUrl} declares no such resource ({string.Join(", ", info.Meta?.Resources?.Keys ?? [])})");
        }

        byte[] body = meta.Type switch
        {
            // A file holding the image's registry details (JSON or YAML, as juju deploy --resource takes), or an image reference.
            "oci-image" when File.Exists(value) => await File.ReadAllBytesAsync(value, cancellationToken).ConfigureAwait(false),
            "oci-image" => JsonSerializer.SerializeToUtf8Bytes(new DockerImageDetails { ImageName = value }, UploaderJsonContext.Default.DockerImageDetails),
            "file" when File.Exists(value) => await File.ReadAllBytesAsync(value, cancellationToken).ConfigureAwait(false),
            "file" => throw new JujuOperationException($"resource {resource} of {application}: the file {value} does not exist"),
            _ => throw new JujuOperationException($"resource {resource} of {application}: type {meta.Type} cannot be uploaded (file and oci-image can)"),
        };

        var pending = await new ResourcesClient(_model, _versions.Resources).AddPendingResourcesAsync(
            new AddPendingResourcesArgsV2
            {
                Tag = "application-" + application,
                Url = charmUrl,
                CharmOrigin = new CharmOrigin { Source = "local", Type = "charm" },
                Resources = [new CharmResource { Name = resource, Type = meta.Type, Path = meta.Path, Description = meta.Description, Origin = "upload", Revision = 0, Fingerprint = [], Size = 0 }],
            },
            cancellationToken).ConfigureAwait(false);
        if (pending.Error is { } error)
        {
            throw new JujuOperationException($"resource {resource} of {application}: {error.Message}", error.Code);
        }

        var id = pending.PendingIds is [var only] ? only : throw new JujuOperationException($"resource {resource} of {application}: the controller returned {pending.PendingIds?.Count ?? 0} pending ids for one resource");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { FileName = $"\"{resource}\"" };
        content.Headers.Add("Content-Sha384", Convert.ToHexStringLower(SHA384.HashData(body)));
        await SendAsync(HttpMethod.Put, $"/model/{_options.ModelUuid}/applications/{Uri.EscapeDataString(application)}/resources/{Uri.EscapeDataString(resource)}?pendingid={Uri.EscapeDataString(id)}", content, $"upload of resource {resource} of {application}", cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>Sends to each address in turn until one answers; an answer from the controller is final.</summary>
    private async Task<JsonElement> SendAsync(HttpMethod method, string pathAndQuery, HttpContent content, string what, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var address in _options.Addresses)
        {
            using var request = new HttpRequestMessage(method, new Uri($"https://{address}{pathAndQuery}")) { Content = content };
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                failures.Add(_validator.Rejection is { } rejected ? $"{address}: {rejected}" : $"{address}: {e.Message}");
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                JsonElement reply;
                try
                {
                    reply = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException)
                {
                    throw new JujuOperationException($"{what}: HTTP {(int)response.StatusCode} with a reply that is not JSON: {Shorten(text)}");
                }

                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return reply;
                }

                var isObject = reply.ValueKind == JsonValueKind.Object;
                var message = isObject && reply.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString()! : Shorten(text);
                var code = isObject && reply.TryGetProperty("error-code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                throw new JujuOperationException($"{what}: the controller answered HTTP {(int)response.StatusCode}: {message}", code);
            }
        }

        throw new JujuConnectionException($"{what}: no controller address could be reached: {string.Join("; ", failures)}");
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>A charm directory as the zip Juju expects: its files at the root, Unix modes kept.</summary>
    private static byte[] ZipDirectory(string directory)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var entry = zip.CreateEntryFromFile(file, Path.GetRelativePath(directory, file).Replace('\\', '/'));
                if (!OperatingSystem.IsWindows())
                {
                    entry.ExternalAttributes = (int)File.GetUnixFileMode(file) << 16;
                }
            }
        }

        return buffer.ToArray();
    }
}

/// <summary>The body of an oci-image resource upload: the image reference and registry credentials (Juju's resources.DockerImageDetails).</summary>
internal sealed record DockerImageDetails
{
    [JsonPropertyName("ImageName")]
    public string ImageName { get; init; } = "";

    [JsonPropertyName("Username")]
    public string Username { get; init; } = "";

    [JsonPropertyName("Password")]
    public string Password { get; init; } = "";
}

/// <summary>Source-generated JSON for the upload bodies (Native AOT).</summary>
[JsonSerializable(typeof(DockerImageDetails))]
internal sealed partial class UploaderJsonContext : JsonSerializerContext;
