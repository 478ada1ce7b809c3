// DashboardTemplates: the provider side of grafana_dashboard as the Python library computes it
// (cos-wire §6.1): template keys, Path40 uids, the charm tag, the alternative uid and the template
// object that goes into the `dashboards` databag value.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.Compression;

namespace MlObs.Cos.GrafanaDashboard;

/// <summary>One dashboard file read and rewritten (uid, tag), ready to compress.</summary>
/// <param name="Key">The template key, <c>file:&lt;stem&gt;</c>.</param>
/// <param name="Path">The file.</param>
/// <param name="Dashboard">The dashboard with the Path40 uid and the charm tag.</param>
internal sealed record DashboardFile(string Key, string Path, JsonObject Dashboard);

/// <summary>A dashboard file that was skipped, and why.</summary>
/// <param name="Path">The file, relative to the charm dir where possible.</param>
/// <param name="Reason">What is wrong.</param>
internal sealed record DashboardFileProblem(string Path, string Reason);

/// <summary>The result of reading a dashboards directory.</summary>
/// <param name="Files">The valid dashboards, by path order.</param>
/// <param name="Problems">The skipped files.</param>
internal sealed record DashboardScan(IReadOnlyList<DashboardFile> Files, IReadOnlyList<DashboardFileProblem> Problems);

/// <summary>The Python library's provider-side computations.</summary>
internal static class DashboardTemplates
{
    private static readonly string[] Suffixes = [".json", ".json.tmpl", ".tmpl"];

    /// <summary>cosl's <c>DashboardPath40UID.is_valid</c>: a string of 40 hex digits (either case).</summary>
    public static bool IsPath40Uid(JsonNode? uid) =>
        uid is JsonValue value && value.TryGetValue<string>(out var text) && text.Length == 40 && text.All(char.IsAsciiHexDigit);

    /// <summary><c>shake_256(f"{charm}-{path}").hexdigest(20)</c>.</summary>
    public static string Path40Uid(string charmName, string relativePath) => Shake(charmName + "-" + relativePath, 20);

    /// <summary><c>shake_256(f"{charm}-{key}").hexdigest(8)</c>: the uid Grafana uses when the dashboard has none.</summary>
    public static string AltUid(string charmName, string key) => Shake(charmName + "-" + key, 8);

    /// <summary>The key of a programmatic dashboard: <c>"prog:" + encoded[-24:-16]</c>.</summary>
    public static string ProgrammaticKey(string encoded) => "prog:" + encoded[^24..^16];

    /// <summary>Python's <c>PurePath(name).stem</c>: <c>foo.json.tmpl</c> → <c>foo.json</c>, <c>.tmpl</c> → <c>.tmpl</c>.</summary>
    public static string PyStem(string fileName)
    {
        var i = fileName.LastIndexOf('.');
        return i > 0 && i < fileName.Length - 1 ? fileName[..i] : fileName;
    }

    /// <summary>The template object: <c>charm</c>, <c>content</c>, <c>juju_topology</c> (<c>{}</c> without dropdowns), <c>inject_dropdowns</c>, <c>dashboard_alt_uid</c>.</summary>
    public static JsonObject Template(string charmName, string content, JsonObject topology, bool injectDropdowns, string altUid) => new()
    {
        ["charm"] = charmName,
        ["content"] = content,
        ["juju_topology"] = injectDropdowns ? topology.DeepClone() : new JsonObject(),
        ["inject_dropdowns"] = injectDropdowns,
        ["dashboard_alt_uid"] = altUid,
    };

    /// <summary>The provider's <c>_juju_topology</c>: model, model_uuid, application, unit.</summary>
    public static JsonObject Topology(string model, string modelUuid, string application, string unit) => new()
    {
        ["model"] = model,
        ["model_uuid"] = modelUuid,
        ["application"] = application,
        ["unit"] = unit,
    };

    /// <summary>The template of a file dashboard, compressed.</summary>
    public static JsonObject FileTemplate(DashboardFile file, string charmName, JsonObject topology, bool injectDropdowns) =>
        Template(charmName, LzmaBase64.Compress(PyJson.Dumps(file.Dashboard)), topology, injectDropdowns, AltUid(charmName, file.Key));

    /// <summary>
    /// <c>load_dashboards_from_dir</c>: every file under <paramref name="directory"/> ending <c>.json</c>,
    /// <c>.json.tmpl</c> or <c>.tmpl</c>, recursively, in path order, with the uid made Path40 (unless it
    /// already is) and the <c>charm: &lt;name&gt;</c> tag added (unless a <c>charm: </c> tag exists).
    /// Files that are not a JSON object are skipped and reported.
    /// </summary>
    public static DashboardScan Scan(string directory, string charmDir, string charmName)
    {
        var files = new List<DashboardFile>();
        var problems = new List<DashboardFileProblem>();
        if (!Directory.Exists(directory))
        {
            return new DashboardScan(files, problems);
        }

        var paths = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(p => Suffixes.Any(s => Path.GetFileName(p).EndsWith(s, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var relative = RelativeToCharm(path, charmDir);
            JsonObject dashboard;
            try
            {
                var node = JsonNode.Parse(File.ReadAllText(path));
                if (node is not JsonObject obj)
                {
                    problems.Add(new DashboardFileProblem(relative, "not a JSON object"));
                    continue;
                }

                // Materialise the whole tree now: duplicate keys and the like fail here, not later.
                dashboard = JsonNode.Parse(obj.ToJsonString())!.AsObject();
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or DecoderFallbackException)
            {
                problems.Add(new DashboardFileProblem(relative, "invalid JSON: " + ex.Message));
                continue;
            }

            if (dashboard["tags"] is not (null or JsonArray))
            {
                problems.Add(new DashboardFileProblem(relative, "\"tags\" is not a list"));
                continue;
            }

            if (!IsPath40Uid(dashboard["uid"]))
            {
                dashboard["uid"] = Path40Uid(charmName, relative);
            }

            var tags = dashboard["tags"] as JsonArray ?? [];
            if (!tags.Any(t => t is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith("charm: ", StringComparison.Ordinal)))
            {
                tags.Add((JsonNode)JsonValue.Create("charm: " + charmName));
            }

            dashboard["tags"] = tags;
            files.Add(new DashboardFile("file:" + PyStem(Path.GetFileName(path)), path, dashboard));
        }

        return new DashboardScan(files, problems);
    }

    /// <summary>The path relative to the charm dir with <c>/</c> separators, or the full path when outside it (as Python's <c>relative_to</c> fallback).</summary>
    public static string RelativeToCharm(string path, string charmDir)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Path.GetFullPath(charmDir), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static string Shake(string text, int bytes) => Convert.ToHexStringLower(Shake256.HashData(Encoding.UTF8.GetBytes(text), bytes));
}
