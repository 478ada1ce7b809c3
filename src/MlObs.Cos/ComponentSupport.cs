// ComponentSupport: what the relation components share: where the rule files are, the topology
// and the reading of JSON values other charms wrote, never trusting them.
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Ops;

namespace MlObs.Cos;

internal static class ComponentSupport
{
    /// <summary>The largest relation value we parse; bigger values are reported, not read.</summary>
    public const int MaxValueLength = 1 << 20;

    /// <summary>
    /// The rules directory: <paramref name="configured"/> (relative to the charm dir) or
    /// <c>src/&lt;name&gt;</c>, falling back to <c>&lt;name&gt;</c> at the charm root (a packed charm).
    /// </summary>
    public static string RulesDirectory(Model model, string? configured, string name)
    {
        var charmDir = model.Context.CharmDir;
        if (configured is not null)
        {
            return Path.GetFullPath(configured, charmDir);
        }

        var source = Path.Combine(charmDir, "src", name);
        var packed = Path.Combine(charmDir, name);
        return !Directory.Exists(source) && Directory.Exists(packed) ? packed : source;
    }

    /// <summary>The value as a JSON node, or an error text (never throws).</summary>
    public static JsonNode? ParseJson(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > MaxValueLength)
        {
            error = $"value of {text.Length} characters is too large";
            return null;
        }

        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            error = "invalid JSON: " + PrometheusScrape.ScrapeConfigBuilder.Shorten(e.Message, 80);
            return null;
        }
    }

    /// <summary>A string member of a JSON object, or null.</summary>
    public static string? StringOf(JsonNode? node, string key) =>
        node is JsonObject obj && PyJson.TryGetString(obj[key], out var s) ? s : null;

    /// <summary>A short, single-line rendering of a remote text for a status message.</summary>
    public static string ForStatus(string text) => PrometheusScrape.ScrapeConfigBuilder.Shorten(text, 80);
}
