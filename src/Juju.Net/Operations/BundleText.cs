// BundleText: what the client must do to bundle YAML before the controller sees it (juju-api.md §3.1):
// upload local charms and put their URLs in place of the paths (the controller cannot read the
// client's disk), and note which applications ask for trust (not part of the bundle changes).
// Overlays are not merged here: Bundle.GetChangesMapArgs merges the documents of a multi-document
// YAML itself (StreamBundleDataSource + ReadAndMergeBundleData), as juju deploy --overlay does.
using YamlDotNet.RepresentationModel;

namespace Juju.Net;

internal sealed record PreparedBundle(string Yaml, IReadOnlyDictionary<string, bool> Trust, string BaseDirectory);

internal static class BundleText
{
    /// <summary>Joins bundle and overlays into one multi-document YAML with local charm paths replaced by uploaded charm URLs.</summary>
    public static async Task<PreparedBundle> PrepareAsync(
        string yaml,
        IReadOnlyList<string> overlays,
        string? baseDirectory,
        ILocalCharmUploader? uploader,
        CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        var trust = new Dictionary<string, bool>(StringComparer.Ordinal);
        var uploaded = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = new List<string>();
        var sources = overlays.Select((text, i) => (Text: text, Name: $"overlay {i + 1}")).Prepend((Text: yaml, Name: "bundle"));
        foreach (var (text, name) in sources)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new JujuOperationException($"{name}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
            }

            var changed = false;
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root || !TryGet(root, "applications", out var appsNode) || appsNode is not YamlMappingNode apps)
                {
                    continue;
                }

                foreach (var (key, value) in apps.Children)
                {
                    var app = ((YamlScalarNode)key).Value ?? "";
                    if (value is not YamlMappingNode spec)
                    {
                        // An overlay's empty entry removes the application.
                        trust.Remove(app);
                        continue;
                    }

                    if (TryGet(spec, "trust", out var t) && t is YamlScalarNode { Value: { } flag })
                    {
                        trust[app] = flag is "true" or "True" or "yes";
                    }

                    if (TryGet(spec, "charm", out var c) && c is YamlScalarNode { Value: { } charm } scalar && IsLocalPath(charm))
                    {
                        var path = Path.GetFullPath(Path.Combine(directory, charm));
                        if (!uploaded.TryGetValue(path, out var url))
                        {
                            if (uploader is null)
                            {
                                throw new JujuOperationException(
                                    $"{name}: application {app} uses the local charm {charm}; local charms are uploaded by the connection (JujuOperationsOptions.Uploader), which is not set");
                            }

                            if (!File.Exists(path) && !Directory.Exists(path))
                            {
                                throw new JujuOperationException($"{name}: application {app}: the local charm {path} does not exist (pack it first, e.g. mlobs charm pack)");
                            }

                            url = await uploader.UploadCharmAsync(path, cancellationToken).ConfigureAwait(false);
                            uploaded[path] = url;
                        }

                        scalar.Value = url;
                        changed = true;
                    }
                }
            }

            parts.Add(changed ? Write(stream) : text);
        }

        return new PreparedBundle(string.Join("\n---\n", parts.Select(p => p.TrimEnd('\n'))) + "\n", trust, directory);
    }

    /// <summary>Juju's test for a local charm: a path (<c>./x</c>, <c>../x</c>, <c>/x</c>), not a Charmhub name or a <c>local:</c>/<c>ch:</c> URL.</summary>
    public static bool IsLocalPath(string charm) =>
        charm.StartsWith('.') || charm.StartsWith('/') || charm.StartsWith('~') || Path.IsPathRooted(charm);

    private static bool TryGet(YamlMappingNode node, string key, out YamlNode value)
    {
        foreach (var (k, v) in node.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key)
            {
                value = v;
                return true;
            }
        }

        value = null!;
        return false;
    }

    private static string Write(YamlStream stream)
    {
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // YamlStream.Save ends every document with "..."; the controller's multi-document reader wants "---" between them only.
        return string.Join('\n', text.Split('\n').Where(l => l.TrimEnd() != "...")).Trim('\n');
    }
}
