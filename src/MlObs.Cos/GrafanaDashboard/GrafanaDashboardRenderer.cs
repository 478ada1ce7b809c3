// GrafanaDashboardRenderer: what grafana-k8s makes of a `dashboards` databag value (cos-wire §6.2),
// for demos and tests: decoding, the alternative uid, datasource/dropdown conversion, topology
// injection into panel expressions, de-duplication by uid and the provisioning file name. Where the
// Python consumer would fail its hook, the result says so instead of throwing.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlObs.Cos.Compression;

namespace MlObs.Cos.GrafanaDashboard;

/// <summary>Options of <see cref="GrafanaDashboardRenderer"/>.</summary>
public sealed record GrafanaRenderOptions
{
    /// <summary>
    /// Inject the Juju topology matchers (<c>juju_model=~"$juju_model"</c>, …, for the keys of the
    /// template's <c>juju_topology</c>) into the expressions of Prometheus and Loki panels, as
    /// grafana-k8s does with cos-tool. Default true; without an injector for the query language the
    /// expression is left as it is (as grafana-k8s without cos-tool).
    /// </summary>
    public bool InjectTopology { get; init; } = true;

    /// <summary>Injects label matchers <c>(name, op, value)</c> into a PromQL expression (e.g. <c>MlObs.Cos.Rules.PromQl.InjectLabelMatchers</c>); an exception leaves the expression unchanged.</summary>
    public Func<string, IReadOnlyList<(string Name, string Op, string Value)>, string>? PromQlInjector { get; init; }

    /// <summary>Injects label matchers into a LogQL expression (e.g. <c>MlObs.Cos.Rules.LogQl.InjectLabelMatchers</c>); an exception leaves the expression unchanged.</summary>
    public Func<string, IReadOnlyList<(string Name, string Op, string Value)>, string>? LogQlInjector { get; init; }

    /// <summary>The bound of each decompressed dashboard; a larger one is skipped with a warning.</summary>
    public long MaxDecompressedBytes { get; init; } = LzmaBase64.DefaultMaxDecompressedBytes;
}

/// <summary>One dashboard as <c>GrafanaDashboardConsumer.dashboards</c> lists it.</summary>
/// <param name="Id">The template key, e.g. <c>file:overview</c>.</param>
/// <param name="RelationId">The relation id, as a string (as grafana-k8s keys its peer data).</param>
/// <param name="Charm">The providing charm's name.</param>
/// <param name="Content">The rendered dashboard JSON, as grafana-k8s writes it to disk.</param>
/// <param name="Uid">The dashboard's uid.</param>
/// <param name="Version">The dashboard's integer version (0 when missing or not an integer).</param>
/// <param name="Title">The dashboard's title.</param>
public sealed record RenderedDashboard(string Id, string RelationId, string Charm, string Content, string Uid, long Version, string Title)
{
    /// <summary>The file grafana-k8s provisions: <c>juju_&lt;charm&gt;_&lt;first 7 of sha256(content)&gt;.json</c>.</summary>
    public string FileName => $"juju_{Charm}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Content)))[..7]}.json";
}

/// <summary>What grafana-k8s does with one relation's <c>dashboards</c> value.</summary>
public sealed record GrafanaRenderResult
{
    /// <summary>The dashboards it stores for the relation (before de-duplication across relations).</summary>
    public IReadOnlyList<RenderedDashboard> Dashboards { get; init; } = [];

    /// <summary>The <c>event</c> value Grafana writes back (LZMA errors: every dashboard of the relation is dropped), or null.</summary>
    public string? Event { get; init; }

    /// <summary>Why the grafana-k8s hook would fail on this value (uncaught exception in the Python library), or null.</summary>
    public string? HookError { get; init; }

    /// <summary>Templates skipped with a warning (invalid JSON; over the size bound).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The Grafana side of <c>grafana_dashboard</c>, as grafana-k8s derives its dashboards.</summary>
public static partial class GrafanaDashboardRenderer
{
    private const string PrometheusDs = "${prometheusds}";
    private const string LokiDs = "${lokids}";

    private static readonly string[] TopologyKeys = ["juju_model", "juju_model_uuid", "juju_application", "juju_unit"];

    /// <summary>
    /// <c>_render_dashboards_and_signal_changed</c> for one relation: decodes every template, sets the
    /// alternative uid, converts datasources and dropdowns, injects the topology into expressions.
    /// Never throws on malformed data.
    /// </summary>
    /// <param name="dashboardsValue">The provider's <c>dashboards</c> app value.</param>
    /// <param name="relationId">The relation id.</param>
    /// <param name="options">Injection and bounds; null for the defaults.</param>
    /// <returns>The dashboards, or the event Grafana writes, or the hook error.</returns>
    public static GrafanaRenderResult Render(string? dashboardsValue, int relationId, GrafanaRenderOptions? options = null)
    {
        options ??= new GrafanaRenderOptions();
        if (string.IsNullOrEmpty(dashboardsValue))
        {
            return new GrafanaRenderResult { Warnings = ["no dashboard data in the relation"] };
        }

        try
        {
            return RenderCore(dashboardsValue, relationId.ToString(CultureInfo.InvariantCulture), options);
        }
        catch (HookFailure ex)
        {
            return new GrafanaRenderResult { HookError = ex.Message };
        }
    }

    /// <summary>
    /// <c>GrafanaDashboardConsumer.dashboards</c>: dashboards with an empty uid dropped; of those that
    /// share a uid, the highest <c>version</c> kept (ties: higher relation id as text, then content).
    /// </summary>
    /// <param name="dashboards">The dashboards of every relation, in relation order.</param>
    /// <returns>One dashboard per uid, in first-seen order.</returns>
    public static IReadOnlyList<RenderedDashboard> Deduplicate(IEnumerable<RenderedDashboard> dashboards)
    {
        ArgumentNullException.ThrowIfNull(dashboards);
        var byUid = new Dictionary<string, RenderedDashboard>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var dashboard in dashboards)
        {
            if (string.IsNullOrWhiteSpace(dashboard.Uid))
            {
                continue;
            }

            if (!byUid.TryGetValue(dashboard.Uid, out var kept))
            {
                byUid[dashboard.Uid] = dashboard;
                order.Add(dashboard.Uid);
            }
            else if (Compare(dashboard, kept) > 0)
            {
                byUid[dashboard.Uid] = dashboard;
            }
        }

        return [.. order.Select(uid => byUid[uid])];
    }

    private static int Compare(RenderedDashboard a, RenderedDashboard b)
    {
        var c = a.Version.CompareTo(b.Version);
        c = c != 0 ? c : string.CompareOrdinal(a.RelationId, b.RelationId);
        return c != 0 ? c : string.CompareOrdinal(a.Content, b.Content);
    }

    private static GrafanaRenderResult RenderCore(string raw, string relationId, GrafanaRenderOptions options)
    {
        var data = Parse(raw, "the dashboards value") as JsonObject ?? throw new HookFailure("AttributeError: the dashboards value is not a JSON object");
        if (!data.TryGetPropertyValue("templates", out var templatesNode))
        {
            throw new HookFailure("KeyError: 'templates' (the dashboards value has no templates)");
        }

        var templates = templatesNode as JsonObject ?? throw new HookFailure("AttributeError: templates is not a JSON object");
        var rendered = new List<RenderedDashboard>();
        var errors = new List<(string Id, string Error)>();
        var warnings = new List<string>();
        foreach (var (id, node) in templates)
        {
            var template = node as JsonObject ?? throw new HookFailure($"AttributeError: template {id} is not a JSON object");
            var topology = template["juju_topology"];
            if (!template.TryGetPropertyValue("content", out var contentNode))
            {
                throw new HookFailure($"KeyError: 'content' (template {id})");
            }

            if (contentNode is not JsonValue cv || !cv.TryGetValue<string>(out var compressed))
            {
                throw new HookFailure($"AttributeError: the content of {id} is not a string");
            }

            string text;
            try
            {
                text = LzmaBase64.Decompress(compressed, options.MaxDecompressedBytes);
            }
            catch (FormatException ex)
            {
                throw new HookFailure($"{id}: {ex.Message}");
            }
            catch (LzmaException ex) when (ex.LimitExceeded)
            {
                warnings.Add($"{id}: {ex.Message}");
                continue;
            }
            catch (LzmaException ex)
            {
                errors.Add((id, ex.Message));
                continue;
            }

            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(text);
                parsed = parsed is null ? null : JsonNode.Parse(parsed.ToJsonString());
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                warnings.Add($"Invalid JSON in Grafana dashboard '{id}': {ex.Message}");
                continue;
            }

            var dashboard = parsed as JsonObject ?? throw new HookFailure($"AttributeError: dashboard {id} is not a JSON object");
            if (!Truthy(dashboard["uid"]) && template.TryGetPropertyValue("dashboard_alt_uid", out var alt))
            {
                dashboard["uid"] = alt?.DeepClone();
            }

            var injectDropdowns = !template.TryGetPropertyValue("inject_dropdowns", out var inject) || Truthy(inject);
            ConvertDashboardFields(dashboard, injectDropdowns);
            if (Truthy(topology))
            {
                var keys = (topology as JsonObject ?? throw new HookFailure($"AttributeError: juju_topology of {id} is not a JSON object")).Select(p => "juju_" + p.Key).ToList();
                if (options.InjectTopology)
                {
                    InjectLabels(dashboard, keys, options);
                }
            }

            var content = PyJson.Dumps(dashboard);
            rendered.Add(new RenderedDashboard(
                id, relationId, CharmOf(template, id), content, Text(dashboard["uid"]), VersionOf(dashboard["version"]), Text(dashboard["title"])));
        }

        if (errors.Count > 0)
        {
            var eventValue = new JsonObject
            {
                ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["dashboard_id"] = e.Id, ["error"] = e.Error })]),
            };
            return new GrafanaRenderResult { Event = PyJson.Dumps(eventValue), Warnings = warnings };
        }

        return new GrafanaRenderResult { Dashboards = rendered, Warnings = warnings };
    }

    private static string CharmOf(JsonObject template, string id) =>
        template["charm"] is JsonValue v && v.TryGetValue<string>(out var charm) ? charm : throw new HookFailure($"KeyError: 'charm' (template {id})");

    private static long VersionOf(JsonNode? node)
    {
        // Python: int(as_dict["version"]), 0 on KeyError/ValueError.
        if (node is not JsonValue value)
        {
            return 0;
        }

        if (value.TryGetValue<long>(out var integer))
        {
            return integer;
        }

        if (value.TryGetValue<double>(out var real) && double.IsFinite(real))
        {
            return (long)Math.Truncate(real);
        }

        if (value.TryGetValue<bool>(out var flag))
        {
            return flag ? 1 : 0;
        }

        return value.TryGetValue<string>(out var s) && long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static JsonNode? Parse(string raw, string what)
    {
        try
        {
            var node = JsonNode.Parse(raw);
            return node is null ? null : JsonNode.Parse(node.ToJsonString());
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new HookFailure($"JSONDecodeError: {what} is not valid JSON ({ex.Message})");
        }
    }

    /// <summary>Python truthiness of a JSON value.</summary>
    private static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False || v.GetValueKind() == JsonValueKind.Null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<double>(out var d) && d != 0,
        _ => true,
    };

    /// <summary><c>CharmedDashboard._convert_dashboard_fields</c> on a parsed dashboard, in place.</summary>
    internal static void ConvertDashboardFields(JsonObject dashboard, bool injectDropdowns)
    {
        var datasources = new Dictionary<string, string>(StringComparer.Ordinal);
        var existingTemplates = false;
        var dropdowns = injectDropdowns ? [.. TopologyDropdowns(), .. DatasourceDropdowns()] : DatasourceDropdowns();

        if (dashboard.TryGetPropertyValue("__inputs", out var inputs))
        {
            foreach (var field in inputs as JsonArray ?? [])
            {
                if (field is JsonObject f && Text(f["type"]) == "datasource")
                {
                    datasources[Text(f["name"])] = Text(f["pluginName"]).ToLowerInvariant();
                }
            }

            dashboard.Remove("__inputs");
        }

        if (!dashboard.TryGetPropertyValue("templating", out var templating))
        {
            dashboard["templating"] = new JsonObject { ["list"] = new JsonArray([.. dropdowns]) };
        }
        else
        {
            existingTemplates = true;
            var list = (templating as JsonObject)?["list"] as JsonArray ?? throw new HookFailure("KeyError: 'list' (templating has no list)");
            foreach (var item in list)
            {
                if (item is JsonObject t && Text(t["type"]) == "datasource")
                {
                    datasources[Text(t["name"])] = Text(t["query"]).ToLowerInvariant();
                }
            }

            var existingNames = list.Select(i => i is JsonObject o ? Text(o["name"]) : null).ToHashSet(StringComparer.Ordinal);
            foreach (var dropdown in dropdowns)
            {
                var name = Text(dropdown["name"]);
                if (existingNames.Add(name))
                {
                    list.Insert(0, dropdown);
                }
            }
        }

        ReplaceTemplateFields(dashboard, datasources, existingTemplates);
    }

    private static void ReplaceTemplateFields(JsonObject dashboard, Dictionary<string, string> datasources, bool existingTemplates)
    {
        var used = new List<string>();
        if (datasources.Count > 0 || !existingTemplates)
        {
            if (dashboard["panels"] is JsonArray panels)
            {
                TemplatePanels(panels, used, existingTemplates, datasources);
            }

            if (dashboard["rows"] is JsonArray rows)
            {
                foreach (var row in rows)
                {
                    if (row is JsonObject r && r["panels"] is JsonArray rowPanels)
                    {
                        TemplatePanels(rowPanels, used, existingTemplates, datasources);
                    }
                }
            }
        }

        // Drop the datasource variables that were replaced (not our own, when they share the name).
        var templateList = (dashboard["templating"] as JsonObject)?["list"] as JsonArray ?? [];
        var ours = DatasourceDropdowns();
        var deletions = templateList.OfType<JsonObject>()
            .Where(t => Text(t["name"]) is { Length: > 0 } name && used.Contains(name) && !ours.Any(d => JsonNode.DeepEquals(d, t)))
            .ToList();
        foreach (var deletion in deletions)
        {
            templateList.Remove(deletion);
        }
    }

    private static void TemplatePanels(JsonArray panels, List<string> used, bool existingTemplates, Dictionary<string, string> datasources)
    {
        foreach (var panel in panels.OfType<JsonObject>())
        {
            var datasource = panel["datasource"];
            if (!Truthy(datasource))
            {
                continue;
            }

            if (!existingTemplates)
            {
                if (datasource is JsonValue v && v.TryGetValue<string>(out var name))
                {
                    if (name.Contains("loki", StringComparison.Ordinal))
                    {
                        panel["datasource"] = LokiDs;
                    }
                    else if (!name.Contains("grafana", StringComparison.Ordinal))
                    {
                        panel["datasource"] = PrometheusDs;
                    }
                }
                else if (datasource is JsonObject ds)
                {
                    var type = Text(ds["type"]);
                    if (type == "loki")
                    {
                        ds["uid"] = LokiDs;
                    }
                    else if (type == "prometheus")
                    {
                        ds["uid"] = PrometheusDs;
                    }
                }

                continue;
            }

            if (datasource is JsonValue sv && sv.TryGetValue<string>(out var text))
            {
                if (text.ToLowerInvariant() is LokiDs or PrometheusDs)
                {
                    continue;
                }

                var variable = StripVariable(text);
                if (!datasources.TryGetValue(variable, out var kind))
                {
                    continue;
                }

                if (Replacement(kind) is { } replacement)
                {
                    used.Add(variable);
                    panel["datasource"] = replacement;
                }
            }
            else if (datasource is JsonObject ds)
            {
                var uid = Text(ds["uid"]);
                if (uid.ToLowerInvariant() is LokiDs or PrometheusDs)
                {
                    continue;
                }

                var variable = StripVariable(uid);
                if (datasources.TryGetValue(variable, out var kind) && Replacement(kind) is { } replacement)
                {
                    used.Add(variable);
                    ds["uid"] = replacement;
                }
            }
        }
    }

    private static string? Replacement(string kind) => kind switch
    {
        "loki" => LokiDs,
        "prometheus" => PrometheusDs,
        _ => null,
    };

    private static string StripVariable(string text) => text.Replace("$", string.Empty, StringComparison.Ordinal).Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal);

    /// <summary><c>CharmedDashboard._inject_labels</c>: top-level panels only, their targets' <c>expr</c>.</summary>
    private static void InjectLabels(JsonObject dashboard, List<string> topologyKeys, GrafanaRenderOptions options)
    {
        if (dashboard["panels"] is not JsonArray panels)
        {
            return;
        }

        var matchers = topologyKeys.Select(k => (Name: k, Op: "=~", Value: "$" + k)).ToList();
        foreach (var panel in panels.OfType<JsonObject>())
        {
            if (panel["targets"] is not JsonArray targets)
            {
                continue;
            }

            var datasource = panel["datasource"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonObject o => Text(o["uid"]),
                _ => null,
            };
            var injector = datasource switch
            {
                PrometheusDs => options.PromQlInjector,
                LokiDs => options.LogQlInjector,
                _ => null,
            };
            if (injector is null)
            {
                continue;
            }

            foreach (var target in targets.OfType<JsonObject>())
            {
                if (target["expr"] is JsonValue ev && ev.TryGetValue<string>(out var expr))
                {
                    target["expr"] = InjectExpression(expr, matchers, injector);
                }
            }
        }
    }

    /// <summary><c>CharmedDashboard._modify_panel</c> for one expression: ranges and offsets become <c>5y</c> for the parser, then are put back.</summary>
    internal static string InjectExpression(string expr, IReadOnlyList<(string Name, string Op, string Value)> matchers, Func<string, IReadOnlyList<(string Name, string Op, string Value)>, string> injector)
    {
        var ranges = RangeRegex().Matches(expr).Select(m => m.Groups["value"].Value).ToList();
        var work = RangeRegex().Replace(expr, "[5y]");
        var offsets = OffsetRegex().Matches(work).Select(m => m.Groups["value"].Value).ToList();
        work = OffsetRegex().Replace(work, "offset 5y");

        string replacement;
        try
        {
            replacement = JujuMatcherRegex().Replace(injector(work, matchers), "=~\"$juju");
        }
#pragma warning disable CA1031 // cos-tool failing leaves the expression unchanged, whatever the failure.
        catch (Exception)
#pragma warning restore CA1031
        {
            return expr;
        }

        if (replacement == expr)
        {
            return expr;
        }

        var i = 0;
        foreach (Match match in RangeRegex().Matches(replacement))
        {
            if (i >= ranges.Count)
            {
                break;
            }

            replacement = ReplaceFirst(replacement, $"[{match.Groups["value"].Value}]", $"[{ranges[i++]}]");
        }

        i = 0;
        foreach (Match match in OffsetRegex().Matches(replacement))
        {
            if (i >= offsets.Count)
            {
                break;
            }

            replacement = ReplaceFirst(replacement, $"offset {match.Groups["value"].Value}", $"offset {offsets[i++]}");
        }

        return replacement;
    }

    private static string ReplaceFirst(string text, string old, string value)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), value, text.AsSpan(at + old.Length));
    }

    [GeneratedRegex(@"\[(?<value>.*?)\]")]
    private static partial Regex RangeRegex();

    [GeneratedRegex(@"offset\s+(?<value>-?\s*[$\w]+)")]
    private static partial Regex OffsetRegex();

    [GeneratedRegex(@"=""\$juju")]
    private static partial Regex JujuMatcherRegex();

    /// <summary>The library's <c>TOPOLOGY_TEMPLATE_DROPDOWNS</c>: juju_model, juju_model_uuid, juju_application, juju_unit.</summary>
    internal static List<JsonObject> TopologyDropdowns()
    {
        var result = new List<JsonObject>();
        var filters = new List<string>();
        string[] labels = ["Juju model", "Juju model uuid", "Juju application", "Juju unit"];
        for (var i = 0; i < TopologyKeys.Length; i++)
        {
            var name = TopologyKeys[i];
            var definition = filters.Count == 0 ? $"label_values(up,{name})" : $"label_values(up{{{string.Join(',', filters)}}},{name})";
            result.Add(new JsonObject
            {
                ["allValue"] = ".*",
                ["datasource"] = PrometheusDs,
                ["definition"] = definition,
                ["description"] = null,
                ["error"] = null,
                ["hide"] = 0,
                ["includeAll"] = true,
                ["label"] = labels[i],
                ["multi"] = true,
                ["name"] = name,
                ["query"] = new JsonObject { ["query"] = definition, ["refId"] = "StandardVariableQuery" },
                ["refresh"] = 1,
                ["regex"] = string.Empty,
                ["skipUrlSync"] = false,
                ["sort"] = 0,
                ["tagValuesQuery"] = string.Empty,
                ["tags"] = new JsonArray(),
                ["tagsQuery"] = string.Empty,
                ["type"] = "query",
                ["useTags"] = false,
            });
            filters.Add($"{name}=~\"${name}\"");
        }

        return result;
    }

    /// <summary>The library's <c>DATASOURCE_TEMPLATE_DROPDOWNS</c>: prometheusds, lokids.</summary>
    internal static List<JsonObject> DatasourceDropdowns() =>
    [
        Datasource("Prometheus datasource", "prometheusds", "prometheus"),
        Datasource("Loki datasource", "lokids", "loki"),
    ];

    private static JsonObject Datasource(string label, string name, string query) => new()
    {
        ["description"] = null,
        ["error"] = null,
        ["hide"] = 0,
        ["includeAll"] = true,
        ["label"] = label,
        ["multi"] = true,
        ["name"] = name,
        ["options"] = new JsonArray(),
        ["query"] = query,
        ["refresh"] = 1,
        ["regex"] = string.Empty,
        ["skipUrlSync"] = false,
        ["type"] = "datasource",
    };

    /// <summary>Where the Python consumer would raise out of its hook.</summary>
    private sealed class HookFailure(string message) : Exception(message);
}
