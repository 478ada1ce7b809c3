// BundleParser: the schema of Juju bundles and overlays (juju/juju internal/charm bundledata.go:
// BundleData, ApplicationSpec, SaasSpec, OfferSpec), applied to each YAML document of a file. Keys
// Juju does not know are errors with a "did you mean"; values of the wrong type are errors; what
// passes lands in a BundleDocument with its location.
using MlObs.Bundles.Checking;
using YamlDotNet.RepresentationModel;

namespace MlObs.Bundles.Yaml;

internal sealed class BundleParser
{
    private enum Kind
    {
        Scalar,
        Int,
        Bool,
        StringList,
        ScalarMap,
        OfferMap,
        ExposedEndpointMap,
    }

    private static readonly string[] TopLevel =
    [
        "bundle",
        "applications",
        "machines",
        "saas",
        "relations",
        "series",
        "default-base",
        "description",
        "tags",
    ];

    // Charmhub reads these; Juju's strict reader reports them as unrecognised and ignores them.
    private static readonly string[] CharmhubOnly = ["name", "docs", "issues", "source", "website"];

    private static readonly Dictionary<string, Kind> ApplicationFields = new(StringComparer.Ordinal)
    {
        ["charm"] = Kind.Scalar,
        ["channel"] = Kind.Scalar,
        ["revision"] = Kind.Int,
        ["base"] = Kind.Scalar,
        ["series"] = Kind.Scalar,
        ["resources"] = Kind.ScalarMap,
        ["num_units"] = Kind.Int,
        ["scale"] = Kind.Int,
        ["to"] = Kind.StringList,
        ["placement"] = Kind.Scalar,
        ["expose"] = Kind.Bool,
        ["exposed-endpoints"] = Kind.ExposedEndpointMap,
        ["options"] = Kind.ScalarMap,
        ["annotations"] = Kind.ScalarMap,
        ["constraints"] = Kind.Scalar,
        ["storage"] = Kind.ScalarMap,
        ["devices"] = Kind.ScalarMap,
        ["bindings"] = Kind.ScalarMap,
        ["offers"] = Kind.OfferMap,
        ["plan"] = Kind.Scalar,
        ["trust"] = Kind.Bool,
    };

    // Words people write for Juju's keys that edit distance does not find.
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["config"] = "options",
        ["units"] = "scale (Kubernetes) or num_units (machines)",
        ["num-units"] = "num_units (machines) or scale (Kubernetes)",
        ["replicas"] = "scale",
        ["endpoint-bindings"] = "bindings",
        ["services"] = "applications",
        ["offer"] = "offers (under an application, in an overlay)",
        ["consume"] = "saas",
    };

    private static readonly string[] OfferFields = ["endpoints", "acl"];
    private static readonly string[] ExposedEndpointFields = ["expose-to-spaces", "expose-to-cidrs"];

    private readonly string _file;
    private readonly List<BundleProblem> _problems;

    private BundleParser(string file, List<BundleProblem> problems)
    {
        _file = file;
        _problems = problems;
    }

    /// <summary>Parses every document of a file; the first document of the first file is the base bundle.</summary>
    public static List<BundleDocument> Parse(string text, string file, string directory, bool firstIsBase, List<BundleProblem> problems)
    {
        var documents = new List<BundleDocument>();
        var yaml = YamlFile.Load(text, file, out var syntax);
        if (syntax is not null)
        {
            problems.Add(syntax);
            return documents;
        }

        var parser = new BundleParser(file, problems);
        if (yaml.Count == 0)
        {
            parser.Error("empty", new SourceLocation(file, 1, 1), "the file holds no YAML document");
        }

        for (var i = 0; i < yaml.Count; i++)
        {
            var document = new BundleDocument { File = file, Directory = directory, IsOverlay = !(firstIsBase && i == 0) };
            parser.ReadDocument(yaml[i].RootNode, document);
            documents.Add(document);
        }

        return documents;
    }

    private void ReadDocument(YamlNode root, BundleDocument document)
    {
        if (YamlFile.IsNull(root))
        {
            if (!document.IsOverlay)
            {
                Error("empty", root.At(_file), "the bundle is empty: it needs at least 'applications'");
            }

            return;
        }

        if (root is not YamlMappingNode map)
        {
            Error("type", root.At(_file), $"a bundle is a mapping of keys (bundle, applications, relations, ...), not {YamlFile.Describe(root)}");
            return;
        }

        foreach (var (key, keyNode, value) in YamlFile.Entries(map, BadKey))
        {
            var at = keyNode.At(_file);
            switch (key)
            {
                case "applications":
                    ForEachEntry(value, "applications", (name, nameNode, spec) => ReadApplication(name, nameNode, spec, document));
                    break;
                case "saas":
                    ForEachEntry(value, "saas", (name, nameNode, spec) => ReadSaas(name, nameNode, spec, document));
                    break;
                case "relations":
                    ReadRelations(value, document);
                    break;
                case "machines":
                    if (!YamlFile.IsNull(value) && value is not YamlMappingNode)
                    {
                        TypeError(key, value, "a mapping of machine ids");
                    }
                    else if (value is YamlMappingNode { Children.Count: > 0 })
                    {
                        document.Machines = new Located(key, value, at);
                    }

                    break;
                case "tags":
                    if (CheckValue(key, value, Kind.StringList))
                    {
                        document.TopScalars[key] = new Located(key, value, at);
                    }

                    break;
                case "series":
                    Warning("deprecated", at, "series is deprecated: Juju 3 reads it, Juju 4 does not; use default-base (e.g. ubuntu@24.04)");
                    if (CheckValue(key, value, Kind.Scalar))
                    {
                        document.TopScalars[key] = new Located(key, value, at);
                    }

                    break;
                case "bundle" or "default-base" or "description":
                    if (CheckValue(key, value, Kind.Scalar))
                    {
                        document.TopScalars[key] = new Located(key, value, at);
                    }

                    break;
                default:
                    UnknownKey(key, at, TopLevel, "bundle", allowCharmhub: true);
                    break;
            }
        }
    }

    private void ReadApplication(string name, YamlNode nameNode, YamlNode spec, BundleDocument document)
    {
        var at = nameNode.At(_file);
        if (!JujuNames.IsApplication(name))
        {
            Error("invalid-name", at, $"'{name}' is not a valid application name (lower-case letters, digits and hyphens, starting with a letter, no segment of digits only)", name);
            return;
        }

        if (YamlFile.IsNull(spec))
        {
            document.Applications.Add(new DocumentApplication { Name = name, Location = at, Removed = true });
            return;
        }

        if (spec is not YamlMappingNode fields)
        {
            Error("type", spec.At(_file), $"application '{name}' must be a mapping of keys (charm, channel, scale, ...), not {YamlFile.Describe(spec)}", name);
            return;
        }

        var application = new DocumentApplication { Name = name, Location = at };
        foreach (var (key, keyNode, value) in YamlFile.Entries(fields, BadKey))
        {
            var keyAt = keyNode.At(_file);
            if (!ApplicationFields.TryGetValue(key, out var kind))
            {
                UnknownKey(key, keyAt, ApplicationFields.Keys, $"application '{name}'", allowCharmhub: false, name);
                continue;
            }

            if (key is "offers" or "exposed-endpoints" && !document.IsOverlay && !YamlFile.IsNull(value))
            {
                Error("overlay-only", keyAt, $"applications.{name}.{key} can only appear in an overlay (juju deploy BUNDLE --overlay FILE, or a later '---' document)", name);
                continue;
            }

            if (!CheckValue(key, value, kind, name))
            {
                continue;
            }

            var located = new Located(key, value, keyAt);
            switch (kind)
            {
                case Kind.StringList:
                    application.Lists[key] = located;
                    break;
                case Kind.ScalarMap or Kind.OfferMap or Kind.ExposedEndpointMap:
                    var entries = value is YamlMappingNode map
                        ? YamlFile.Entries(map, BadKey).Select(e => new Located(e.Key, e.Value, e.KeyNode.At(_file))).ToList()
                        : [];
                    if (kind == Kind.OfferMap)
                    {
                        entries = entries.Where(e => CheckOffer(name, e)).ToList();
                    }
                    else if (kind == Kind.ExposedEndpointMap)
                    {
                        entries = entries.Where(e => CheckExposedEndpoint(name, e)).ToList();
                    }

                    application.Maps[key] = new LocatedMap(located, entries);
                    break;
                default:
                    if (!YamlFile.IsNull(value))
                    {
                        application.Scalars[key] = located;
                    }

                    break;
            }
        }

        if (application.Scalars.TryGetValue("scale", out var scale) && application.Scalars.TryGetValue("num_units", out var numUnits))
        {
            Error("scale-and-num-units", numUnits.Location, $"application '{name}' sets both scale (line {scale.Location.Line}) and num_units; Juju refuses both: Kubernetes bundles use scale, machine bundles num_units", name);
            application.Scalars.Remove("num_units");
        }

        document.Applications.Add(application);
    }

    private bool CheckOffer(string application, Located offer)
    {
        if (!JujuNames.IsApplication(offer.Key))
        {
            Error("invalid-name", offer.Location, $"application '{application}': offer name '{offer.Key}' is not valid (an offer name follows the application name rules)", application);
            return false;
        }

        if (offer.Value is not YamlMappingNode spec)
        {
            Error("type", offer.Value.At(_file), $"application '{application}': offer '{offer.Key}' must be a mapping with endpoints (and acl), not {YamlFile.Describe(offer.Value)}", application);
            return false;
        }

        var ok = true;
        var hasEndpoints = false;
        foreach (var (key, keyNode, value) in YamlFile.Entries(spec, BadKey))
        {
            switch (key)
            {
                case "endpoints":
                    hasEndpoints = true;
                    ok &= CheckValue($"offers.{offer.Key}.endpoints", value, Kind.StringList, application);
                    break;
                case "acl":
                    ok &= CheckValue($"offers.{offer.Key}.acl", value, Kind.ScalarMap, application);
                    break;
                default:
                    UnknownKey(key, keyNode.At(_file), OfferFields, $"offer '{offer.Key}' of application '{application}'", allowCharmhub: false, application);
                    ok = false;
                    break;
            }
        }

        if (!hasEndpoints)
        {
            Error("offer", offer.Location, $"application '{application}': offer '{offer.Key}' lists no endpoints", application);
        }

        return ok && hasEndpoints;
    }

    private bool CheckExposedEndpoint(string application, Located entry)
    {
        if (YamlFile.IsNull(entry.Value))
        {
            return true;
        }

        if (entry.Value is not YamlMappingNode spec)
        {
            Error("type", entry.Value.At(_file), $"application '{application}': exposed-endpoints.{entry.Key} must be a mapping (expose-to-spaces, expose-to-cidrs)", application);
            return false;
        }

        var ok = true;
        foreach (var (key, keyNode, value) in YamlFile.Entries(spec, BadKey))
        {
            if (!ExposedEndpointFields.Contains(key, StringComparer.Ordinal))
            {
                UnknownKey(key, keyNode.At(_file), ExposedEndpointFields, $"exposed-endpoints.{entry.Key} of application '{application}'", allowCharmhub: false, application);
                ok = false;
            }
            else
            {
                ok &= CheckValue(key, value, Kind.StringList, application);
            }
        }

        return ok;
    }

    private void ReadSaas(string name, YamlNode nameNode, YamlNode spec, BundleDocument document)
    {
        var at = nameNode.At(_file);
        if (!JujuNames.IsApplication(name))
        {
            Error("invalid-name", at, $"'{name}' is not a valid saas name (a saas becomes an application in the model; the application name rules apply)", name);
            return;
        }

        if (YamlFile.IsNull(spec))
        {
            document.Saas.Add(new DocumentSaas(name, at, Removed: true, Url: null));
            return;
        }

        if (spec is not YamlMappingNode fields)
        {
            Error("type", spec.At(_file), $"saas '{name}' must be a mapping with url, not {YamlFile.Describe(spec)}", name);
            return;
        }

        Located? url = null;
        foreach (var (key, keyNode, value) in YamlFile.Entries(fields, BadKey))
        {
            if (key != "url")
            {
                UnknownKey(key, keyNode.At(_file), ["url"], $"saas '{name}'", allowCharmhub: false, name);
            }
            else if (CheckValue(key, value, Kind.Scalar, name) && !YamlFile.IsNull(value))
            {
                url = new Located(key, value, keyNode.At(_file));
            }
        }

        document.Saas.Add(new DocumentSaas(name, at, Removed: false, url));
    }

    private void ReadRelations(YamlNode value, BundleDocument document)
    {
        if (YamlFile.IsNull(value))
        {
            return;
        }

        if (value is not YamlSequenceNode list)
        {
            TypeError("relations", value, "a list of [APP[:ENDPOINT], APP[:ENDPOINT]] pairs");
            return;
        }

        foreach (var item in list.Children)
        {
            var at = item.At(_file);
            if (item is not YamlSequenceNode pair || pair.Children.Count != 2)
            {
                Error("relation-syntax", at, $"a relation is a list of exactly two endpoints [APP[:ENDPOINT], APP[:ENDPOINT]], not {DescribeRelation(item)}");
                continue;
            }

            var first = ReadSide(pair.Children[0]);
            var second = ReadSide(pair.Children[1]);
            if (first is not null && second is not null)
            {
                document.Relations.Add(new DocumentRelation(first, second, at));
            }
        }
    }

    private RelationSide? ReadSide(YamlNode node)
    {
        var at = node.At(_file);
        if (!YamlFile.TryString(node, out var text))
        {
            Error("relation-syntax", at, $"a relation endpoint is APP or APP:ENDPOINT, not {YamlFile.Describe(node)}");
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var application = colon < 0 ? text : text[..colon];
        var endpoint = colon < 0 ? null : text[(colon + 1)..];
        if (!JujuNames.IsApplication(application) || (endpoint is not null && !JujuNames.IsEndpoint(endpoint)))
        {
            Error("relation-syntax", at, $"'{text}' is not APP or APP:ENDPOINT (application and endpoint names: lower-case letters, digits, hyphens)", application);
            return null;
        }

        return new RelationSide(application, endpoint, at);
    }

    private static string DescribeRelation(YamlNode item) =>
        item is YamlSequenceNode s ? $"a list of {s.Children.Count}" : YamlFile.Describe(item);

    private void ForEachEntry(YamlNode value, string what, Action<string, YamlNode, YamlNode> read)
    {
        if (YamlFile.IsNull(value))
        {
            return;
        }

        if (value is not YamlMappingNode map)
        {
            TypeError(what, value, "a mapping of names");
            return;
        }

        foreach (var (name, nameNode, spec) in YamlFile.Entries(map, BadKey))
        {
            read(name, nameNode, spec);
        }
    }

    private bool CheckValue(string key, YamlNode value, Kind kind, string? application = null)
    {
        if (YamlFile.IsNull(value))
        {
            return true;
        }

        var (ok, expected) = kind switch
        {
            Kind.Scalar => (value is YamlScalarNode, "a string"),
            Kind.Int => (YamlFile.TryInt(value, out var n) && n >= 0, "a non-negative integer (unquoted)"),
            Kind.Bool => (YamlFile.TryBool(value, out _), "true or false"),
            Kind.StringList => (value is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode && !YamlFile.IsNull(c)), "a list of strings"),
            _ => (value is YamlMappingNode, "a mapping"),
        };
        if (!ok)
        {
            TypeError(key, value, expected, application);
        }

        return ok;
    }

    private void TypeError(string key, YamlNode value, string expected, string? application = null) =>
        Error("type", value.At(_file), $"{(application is null ? string.Empty : $"application '{application}': ")}{key} must be {expected}, not {YamlFile.Describe(value)}", application);

    private void UnknownKey(string key, SourceLocation at, IEnumerable<string> known, string where, bool allowCharmhub, string? application = null)
    {
        if (allowCharmhub && CharmhubOnly.Contains(key, StringComparer.Ordinal))
        {
            Warning("charmhub-only", at, $"'{key}' is Charmhub metadata: Juju reports it as an unrecognised field and ignores it", application);
            return;
        }

        if (key.StartsWith('_'))
        {
            Warning("ignored-key", at, $"{where}: '{key}' is not a Juju key; Juju reports it as unrecognised and ignores it", application);
            return;
        }

        var hint = Hints.TryGetValue(key, out var word) ? $"; did you mean {word}?" : Suggest.DidYouMean(key, known);
        Error("unknown-key", at, $"{where}: unknown key '{key}'{hint}", application);
    }

    private void BadKey(YamlNode key) => Error("type", key.At(_file), $"keys must be strings, not {YamlFile.Describe(key)}");

    private void Error(string code, SourceLocation at, string message, string? application = null) =>
        _problems.Add(new BundleProblem(ProblemSeverity.Error, code, at, message) { Application = application });

    private void Warning(string code, SourceLocation at, string message, string? application = null) =>
        _problems.Add(new BundleProblem(ProblemSeverity.Warning, code, at, message) { Application = application });
}
