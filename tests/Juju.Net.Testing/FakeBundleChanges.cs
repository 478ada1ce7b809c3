// FakeBundleChanges: Bundle.GetChangesMapArgs as the controller computes it against an empty
// model (juju-api.md §3.1; core/bundle/changes): documents merged in order (an overlay's empty
// application removes it), then applications in name order (addCharm once per charm and channel,
// deploy, expose, setAnnotations), machines, saas (consumeOffer), offers (createOffer,
// grantOfferAccess), relations, and units of machine models (addUnit). Ids are method-n with n the
// position of the change; args carry $id placeholders of the changes they require.
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Juju.Net.Testing;

internal static class FakeBundleChanges
{
    private static readonly HashSet<string> TopLevelKeys = ["bundle", "description", "series", "default-base", "applications", "machines", "relations", "saas", "name", "type", "tags"];

    /// <summary>The changes, or the verification errors (then no changes); a YAML that cannot be read throws <see cref="FormatException"/>.</summary>
    public static (JsonArray Changes, List<string> Errors) Compute(string yaml)
    {
        var merged = Merge(yaml);
        var errors = Verify(merged);
        if (errors.Count > 0)
        {
            return ([], errors);
        }

        var changes = new List<(string Id, string Method, JsonObject Args, List<string> Requires)>();
        string Add(string method, JsonObject args, params string[] requires)
        {
            var id = $"{method}-{changes.Count}";
            changes.Add((id, method, args, [.. requires]));
            return id;
        }

        var kubernetes = Scalar(merged, "bundle") == "kubernetes";
        var defaultBase = Scalar(merged, "default-base");
        var apps = Map(merged, "applications");
        var charms = new Dictionary<string, string>(StringComparer.Ordinal);
        var deployed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, spec) in Sorted(apps))
        {
            var charm = Scalar(spec, "charm")!;
            var channel = Scalar(spec, "channel");
            var revision = Scalar(spec, "revision");
            var appBase = Scalar(spec, "base") ?? defaultBase;
            var key = $"{charm}|{channel ?? "stable"}|{revision}|{appBase}";
            if (!charms.TryGetValue(key, out var charmChange))
            {
                var args = new JsonObject { ["charm"] = charm };
                Put(args, "revision", revision is null ? null : JsonValue.Create(long.Parse(revision, CultureInfo.InvariantCulture)));
                Put(args, "base", appBase);
                Put(args, "channel", channel);
                charms[key] = charmChange = Add("addCharm", args);
            }

            var deploy = new JsonObject { ["charm"] = "$" + charmChange, ["application"] = name };
            Put(deploy, "base", appBase);
            var units = Scalar(spec, "scale") ?? Scalar(spec, "num_units");
            if (kubernetes && units is not null && units != "0")
            {
                deploy["num-units"] = long.Parse(units, CultureInfo.InvariantCulture);
            }

            Put(deploy, "options", ToJson(Node(spec, "options")));
            Put(deploy, "constraints", Scalar(spec, "constraints"));
            Put(deploy, "storage", ToJson(Node(spec, "storage")));
            Put(deploy, "devices", ToJson(Node(spec, "devices")));
            Put(deploy, "endpoint-bindings", ToJson(Node(spec, "bindings")));
            var resources = new JsonObject();
            var local = new JsonObject();
            foreach (var (resource, value) in Sorted(Map(spec, "resources")))
            {
                var text = ((YamlScalarNode)value).Value ?? "";
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rev))
                {
                    resources[resource] = rev;
                }
                else
                {
                    local[resource] = text;
                }
            }

            Put(deploy, "resources", resources.Count > 0 ? resources : null);
            Put(deploy, "local-resources", local.Count > 0 ? local : null);
            Put(deploy, "channel", channel);
            var deployId = deployed[name] = Add("deploy", deploy, charmChange);
            var exposedEndpoints = ToJson(Node(spec, "exposed-endpoints"));
            if (Scalar(spec, "expose") == "true" || exposedEndpoints is not null)
            {
                var expose = new JsonObject { ["application"] = "$" + deployId };
                Put(expose, "exposed-endpoints", exposedEndpoints);
                Add("expose", expose, deployId);
            }

            if (ToJson(Node(spec, "annotations")) is JsonObject annotations)
            {
                Add("setAnnotations", new JsonObject { ["id"] = "$" + deployId, ["entity-type"] = "application", ["annotations"] = annotations }, deployId);
            }
        }

        var machines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!kubernetes)
        {
            foreach (var (name, spec) in Sorted(Map(merged, "machines")))
            {
                var args = new JsonObject();
                Put(args, "base", Scalar(spec, "base") ?? defaultBase);
                Put(args, "constraints", Scalar(spec, "constraints"));
                machines[name] = Add("addMachines", args);
            }
        }

        foreach (var (name, spec) in Sorted(Map(merged, "saas")))
        {
            deployed[name] = Add("consumeOffer", new JsonObject { ["url"] = Scalar(spec, "url"), ["application-name"] = name });
        }

        foreach (var (name, spec) in Sorted(apps))
        {
            foreach (var (offer, offerSpec) in Sorted(Map(spec, "offers")))
            {
                var offerId = Add("createOffer", new JsonObject { ["application"] = name, ["endpoints"] = ToJson(Node(offerSpec, "endpoints")), ["offer-name"] = offer }, deployed[name]);
                foreach (var (user, access) in Sorted(Map(offerSpec, "acl")))
                {
                    Add("grantOfferAccess", new JsonObject { ["user"] = user, ["access"] = ((YamlScalarNode)access).Value, ["offer"] = offer }, offerId);
                }
            }
        }

        foreach (var relation in Sequence(merged, "relations"))
        {
            var ends = ((YamlSequenceNode)relation).Children.Select(n => ((YamlScalarNode)n).Value ?? "").ToList();
            var requires = new List<string>();
            string Endpoint(string end)
            {
                var colon = end.IndexOf(':', StringComparison.Ordinal);
                var app = colon < 0 ? end : end[..colon];
                requires.Add(deployed[app]);
                return "$" + deployed[app] + (colon < 0 ? "" : end[colon..]);
            }

            var args = new JsonObject { ["endpoint1"] = Endpoint(ends[0]), ["endpoint2"] = Endpoint(ends[1]) };
            Add("addRelation", args, [.. requires]);
        }

        if (!kubernetes)
        {
            foreach (var (name, spec) in Sorted(apps))
            {
                var count = int.Parse(Scalar(spec, "num_units") ?? Scalar(spec, "scale") ?? "0", CultureInfo.InvariantCulture);
                var to = Sequence(spec, "to").Select(n => ((YamlScalarNode)n).Value ?? "").ToList();
                string? previous = null;
                for (var i = 0; i < count; i++)
                {
                    var requires = new List<string> { deployed[name] };
                    var args = new JsonObject { ["application"] = "$" + deployed[name] };
                    var directive = i < to.Count ? to[i] : null;
                    if (directive is not null)
                    {
                        var colon = directive.IndexOf(':', StringComparison.Ordinal);
                        var (container, machine) = colon < 0 ? ((string?)null, directive) : (directive[..colon], directive[(colon + 1)..]);
                        if (machines.TryGetValue(machine, out var machineChange))
                        {
                            requires.Add(machineChange);
                            if (container is null)
                            {
                                args["to"] = "$" + machineChange;
                            }
                            else
                            {
                                var containerChange = Add("addMachines", new JsonObject { ["container-type"] = container, ["parent-id"] = "$" + machineChange }, machineChange);
                                requires.Add(containerChange);
                                args["to"] = "$" + containerChange;
                            }
                        }
                    }

                    if (previous is not null)
                    {
                        requires.Add(previous);
                    }

                    previous = Add("addUnit", args, [.. requires]);
                }
            }
        }

        var result = new JsonArray();
        foreach (var (id, method, args, requires) in changes)
        {
            result.Add(new JsonObject
            {
                ["id"] = id,
                ["method"] = method,
                ["args"] = args,
                ["requires"] = new JsonArray([.. requires.Order(StringComparer.Ordinal).Select(r => (JsonNode)r!)]),
            });
        }

        return (result, []);
    }

    /// <summary>Merges the documents: mappings key by key (an empty application entry removes it), relations appended, other values replaced.</summary>
    private static YamlMappingNode Merge(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"cannot read bundle YAML: {e.Message}", e);
        }

        var merged = new YamlMappingNode();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                throw new FormatException("cannot read bundle YAML: a document is not a mapping");
            }

            foreach (var (key, value) in root.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                if (!TopLevelKeys.Contains(name))
                {
                    throw new FormatException($"cannot read bundle YAML: unmarshal errors: field {name} not found in type charm.BundleData");
                }

                if (name == "relations" && Node(merged, name) is YamlSequenceNode existing && value is YamlSequenceNode more)
                {
                    foreach (var item in more.Children)
                    {
                        existing.Add(item);
                    }
                }
                else if (name is "applications" or "saas" or "machines" && value is YamlMappingNode entries)
                {
                    if (Node(merged, name) is not YamlMappingNode target)
                    {
                        merged.Children[new YamlScalarNode(name)] = target = new YamlMappingNode();
                    }

                    foreach (var (entryKey, entryValue) in entries.Children)
                    {
                        if (entryValue is YamlScalarNode { Value: null or "" } && name != "machines")
                        {
                            target.Children.Remove(entryKey);
                        }
                        else if (target.Children.TryGetValue(entryKey, out var old) && old is YamlMappingNode oldMap && entryValue is YamlMappingNode newMap)
                        {
                            foreach (var (field, fieldValue) in newMap.Children)
                            {
                                oldMap.Children[field] = fieldValue;
                            }
                        }
                        else
                        {
                            target.Children[entryKey] = entryValue;
                        }
                    }
                }
                else
                {
                    merged.Children[key] = value;
                }
            }
        }

        return merged;
    }

    /// <summary>The checks of charm.BundleData.Verify that the workflow meets, with Juju's wording.</summary>
    private static List<string> Verify(YamlMappingNode bundle)
    {
        var errors = new List<string>();
        var apps = Map(bundle, "applications");
        var saas = Map(bundle, "saas");
        foreach (var (name, spec) in Sorted(apps))
        {
            if (spec is not YamlMappingNode || string.IsNullOrEmpty(Scalar(spec, "charm")))
            {
                errors.Add($"empty charm path in application \"{name}\"");
                continue;
            }

            var units = Scalar(spec, "scale") ?? Scalar(spec, "num_units");
            if (units is not null && (!int.TryParse(units, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 0))
            {
                errors.Add($"negative number of units specified on application \"{name}\"");
            }

            if (saas.Children.ContainsKey(new YamlScalarNode(name)))
            {
                errors.Add($"application \"{name}\" already exists as a SAAS application");
            }
        }

        foreach (var (name, spec) in Sorted(saas))
        {
            if (string.IsNullOrEmpty(Scalar(spec, "url")))
            {
                errors.Add($"SAAS \"{name}\" has no url");
            }
        }

        foreach (var relation in Sequence(bundle, "relations"))
        {
            var ends = relation is YamlSequenceNode pair ? pair.Children.Select(n => (n as YamlScalarNode)?.Value ?? "").ToList() : [];
            if (ends.Count != 2)
            {
                errors.Add($"relation {relation} has {ends.Count} endpoint(s), not 2");
                continue;
            }

            foreach (var end in ends)
            {
                var app = end.Split(':')[0];
                if (!apps.Children.ContainsKey(new YamlScalarNode(app)) && !saas.Children.ContainsKey(new YamlScalarNode(app)))
                {
                    errors.Add($"relation [\"{ends[0]}\" \"{ends[1]}\"] refers to application \"{app}\" not defined in this bundle");
                }
            }
        }

        return errors;
    }

    private static IEnumerable<(string Name, YamlNode Value)> Sorted(YamlMappingNode map) =>
        map.Children.Select(c => (Name: ((YamlScalarNode)c.Key).Value ?? "", c.Value)).OrderBy(c => c.Name, StringComparer.Ordinal);

    private static YamlNode? Node(YamlNode map, string key) =>
        map is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlNode map, string key) => (Node(map, key) as YamlScalarNode)?.Value;

    private static YamlMappingNode Map(YamlNode map, string key) => Node(map, key) as YamlMappingNode ?? new YamlMappingNode();

    private static IEnumerable<YamlNode> Sequence(YamlNode map, string key) => (Node(map, key) as YamlSequenceNode)?.Children ?? [];

    private static void Put(JsonObject args, string key, JsonNode? value)
    {
        if (value is not null)
        {
            args[key] = value;
        }
    }

    private static void Put(JsonObject args, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            args[key] = value;
        }
    }

    /// <summary>YAML → JSON: plain scalars that read as integers, floats or booleans become numbers and booleans, as Go's YAML decoder makes them.</summary>
    private static JsonNode? ToJson(YamlNode? node) => node switch
    {
        null => null,
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: { } v } when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: { } v } when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } b => b.Value == "true",
        YamlScalarNode s => s.Value,
        _ => null,
    };
}
