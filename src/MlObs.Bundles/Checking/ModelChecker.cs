// ModelChecker: the checks on the merged bundle that need charm metadata, which `juju deploy
// --dry-run` would ask a controller for: charms known, application settings against the charm,
// saas offers resolved through the catalog, offers, and every relation (endpoints exist, inference
// of omitted endpoint names as Juju's inferEndpoints does, interfaces, roles, duplicates, limits).
using System.Globalization;
using MlObs.Bundles.Catalog;
using MlObs.Bundles.Yaml;
using MlObs.Ops.Metadata;

namespace MlObs.Bundles.Checking;

internal sealed class ModelChecker
{
    private const string JujuInfo = "juju-info";
    private static readonly string[] OfferPermissions = ["read", "consume", "admin"];

    private readonly MergedBundle _bundle;
    private readonly EndpointCatalog _catalog;
    private readonly CharmResolver _charms;
    private readonly List<BundleProblem> _problems;
    private readonly Dictionary<string, ResolvedCharm> _resolved = new(StringComparer.Ordinal);

    private ModelChecker(MergedBundle bundle, EndpointCatalog catalog, CharmResolver charms, List<BundleProblem> problems)
    {
        _bundle = bundle;
        _catalog = catalog;
        _charms = charms;
        _problems = problems;
    }

    public static void Check(MergedBundle bundle, EndpointCatalog catalog, CharmResolver charms, List<BundleProblem> problems)
    {
        var checker = new ModelChecker(bundle, catalog, charms, problems);
        checker.CheckTopLevel();
        foreach (var application in bundle.Applications.Values)
        {
            checker.CheckApplication(application);
        }

        foreach (var saas in bundle.Saas.Values)
        {
            checker.CheckSaas(saas);
        }

        checker.CheckOfferNames();
        checker.CheckRelations();
    }

    private void CheckTopLevel()
    {
        if (_bundle.TopScalars.TryGetValue("bundle", out var type) && YamlFile.TryString(type.Value, out var text) && text is not ("kubernetes" or ""))
        {
            Error("bundle-type", type.Location, $"bundle: '{text}' is not a bundle type; use 'kubernetes' for a Kubernetes model, or leave it out for machines");
        }

        if (_bundle.IsKubernetes && _bundle.Machines is { } machines)
        {
            Error("machines-k8s", machines.Location, "machines are not valid in a Kubernetes bundle (bundle: kubernetes)");
        }

        if (_bundle.TopScalars.TryGetValue("default-base", out var @base) && YamlFile.TryString(@base.Value, out var baseText) && !JujuNames.IsBase(baseText))
        {
            Error("invalid-base", @base.Location, $"default-base: '{baseText}' is not a base such as ubuntu@24.04");
        }

        if (_bundle.Applications.Count == 0)
        {
            Error("empty", new SourceLocation(_bundle.BaseFile, 1, 1), "the bundle defines no application (Juju needs at least one)");
        }
    }

    private void CheckApplication(MergedApplication application)
    {
        var name = application.Name;
        foreach (var saasClash in _bundle.Saas.Values.Where(s => s.Name == name))
        {
            Error("saas-conflict", saasClash.Location, $"saas '{name}' has the name of application '{name}' (defined at {application.Location}); Juju refuses both", name);
        }

        if (!application.Scalars.TryGetValue("charm", out var charm) || !YamlFile.TryString(charm.Value, out var charmText) || charmText.Length == 0)
        {
            Error("missing-charm", application.Location, $"application '{name}' has no charm", name);
            return;
        }

        var isPath = charmText.StartsWith('.') || Path.IsPathRooted(charmText);
        CheckSettings(application, isPath);
        var resolved = _charms.Resolve(charmText, application.CharmDirectory, charm.Location, name, _problems);
        if (resolved is null)
        {
            return;
        }

        _resolved[name] = resolved;
        if (resolved.Meta is { } meta)
        {
            CheckAgainstMetadata(application, meta, resolved, isPath);
        }

        CheckBindings(application, resolved);
        CheckOffers(application, resolved);
        CheckExposedEndpoints(application, resolved);
    }

    private void CheckSettings(MergedApplication application, bool isPath)
    {
        var name = application.Name;
        var scalars = application.Scalars;
        if (scalars.TryGetValue("channel", out var channel) && YamlFile.TryString(channel.Value, out var channelText) && JujuNames.ChannelError(channelText) is { } channelError)
        {
            Error("invalid-channel", channel.Location, $"application '{name}': channel '{channelText}': {channelError}", name);
        }

        if (scalars.TryGetValue("revision", out var revision) && !isPath && !scalars.ContainsKey("channel"))
        {
            Error("revision-channel", revision.Location, $"application '{name}': a Charmhub charm with a revision needs a channel too (for later refreshes)", name);
        }

        if (scalars.TryGetValue("base", out var @base) && YamlFile.TryString(@base.Value, out var baseText) && !JujuNames.IsBase(baseText))
        {
            Error("invalid-base", @base.Location, $"application '{name}': base '{baseText}' is not a base such as ubuntu@24.04", name);
        }

        if (scalars.TryGetValue("series", out var series))
        {
            Warning("deprecated", series.Location, $"application '{name}': series is deprecated (Juju 4 drops it); use base, e.g. ubuntu@24.04", name);
        }

        if (application.Units is { } units)
        {
            if (_bundle.IsKubernetes && units.Key == "num_units")
            {
                Warning("units-key", units.Location, $"application '{name}': a Kubernetes bundle (bundle: kubernetes) sets units with scale; num_units works as its alias, but write scale", name);
            }
            else if (!_bundle.IsKubernetes && units.Key == "scale")
            {
                Warning("units-key", units.Location, $"application '{name}': a machine bundle sets units with num_units; scale works as its alias, but write num_units (or add bundle: kubernetes if this is a Kubernetes bundle)", name);
            }
        }

        var placement = scalars.GetValueOrDefault("placement");
        var to = application.Lists.GetValueOrDefault("to");
        if (placement is not null && !_bundle.IsKubernetes)
        {
            Error("placement", placement.Location, $"application '{name}': placement is only valid in a Kubernetes bundle (bundle: kubernetes); machine bundles use to", name);
        }

        if (placement is not null && to is not null)
        {
            Error("placement", to.Location, $"application '{name}': placement and to cannot both be set", name);
        }

        if (_bundle.IsKubernetes && to?.Value is YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: > 1 })
        {
            Error("placement", to.Location, $"application '{name}': a Kubernetes application takes one placement directive (a node selector), not a list of them", name);
        }

        if (scalars.TryGetValue("expose", out var expose) && YamlFile.TryBool(expose.Value, out var exposed) && exposed
            && application.Maps.TryGetValue("exposed-endpoints", out var endpoints) && endpoints.Entries.Count > 0)
        {
            Error("expose", endpoints.Key.Location, $"application '{name}': exposed-endpoints cannot be combined with expose: true (line {expose.Location.Line})", name);
        }
    }

    private void CheckAgainstMetadata(MergedApplication application, CharmMeta meta, ResolvedCharm resolved, bool isPath)
    {
        var name = application.Name;
        if ((meta.Containers.Count > 0 || meta.Assumes.Contains("k8s-api")) && !_bundle.IsKubernetes)
        {
            Error("bundle-type", application.Location, $"application '{name}': {meta.Name} is a Kubernetes charm, but the bundle is a machine bundle; add bundle: kubernetes", name);
        }

        if (application.Maps.TryGetValue("options", out var options))
        {
            foreach (var option in options.Entries.Values)
            {
                if (!meta.Config.TryGetValue(option.Key, out var declared))
                {
                    Error("unknown-option", option.Location, $"application '{name}': {meta.Name} has no config option '{option.Key}'{Suggest.DidYouMean(option.Key, meta.Config.Keys)} ({resolved.Origin})", name);
                }
                else if (OptionTypeError(declared.Type, option.Value) is { } expected)
                {
                    Error("option-type", option.Value.At(option.Location.File), $"application '{name}': option '{option.Key}' is {expected.ToLowerInvariant()}, not {YamlFile.Describe(option.Value)}", name);
                }
            }
        }

        var resources = application.Maps.GetValueOrDefault("resources");
        foreach (var resource in MapEntries(application, "resources"))
        {
            if (!meta.Resources.ContainsKey(resource.Key))
            {
                Error("unknown-resource", resource.Location, $"application '{name}': {meta.Name} has no resource '{resource.Key}'{Suggest.DidYouMean(resource.Key, meta.Resources.Keys)}", name);
            }
        }

        if (isPath)
        {
            foreach (var image in meta.Resources.Values.Where(r => r.Type == "oci-image" && resources?.Entries.ContainsKey(r.Name) != true))
            {
                Error("missing-resource", application.Scalars["charm"].Location,
                    $"application '{name}': a local charm's OCI image must be given (Juju cannot fetch it from Charmhub): add resources: {{{image.Name}: IMAGE}}", name);
            }
        }

        foreach (var storage in MapEntries(application, "storage"))
        {
            if (!meta.Storages.ContainsKey(storage.Key))
            {
                Error("unknown-storage", storage.Location, $"application '{name}': {meta.Name} declares no storage '{storage.Key}'{Suggest.DidYouMean(storage.Key, meta.Storages.Keys)}", name);
            }
        }
    }

    // Juju coerces option values with juju/schema: a quoted "8080" is a fine int, "true" a fine boolean.
    private static string? OptionTypeError(ConfigOptionType type, YamlDotNet.RepresentationModel.YamlNode value)
    {
        if (value is not YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } text })
        {
            return "A scalar";
        }

        var ok = type switch
        {
            ConfigOptionType.Int => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            ConfigOptionType.Float => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            ConfigOptionType.Boolean => bool.TryParse(text, out _) || text is "yes" or "no" or "on" or "off",
            _ => true,
        };
        return ok ? null : type switch
        {
            ConfigOptionType.Int => "An integer",
            ConfigOptionType.Float => "A number",
            _ => "A boolean",
        };
    }

    private void CheckBindings(MergedApplication application, ResolvedCharm charm)
    {
        foreach (var binding in MapEntries(application, "bindings"))
        {
            if (binding.Key.Length == 0 || charm.Endpoints.ContainsKey(binding.Key) || charm.Meta?.ExtraBindings.Contains(binding.Key) == true)
            {
                continue;
            }

            var message = $"application '{application.Name}': bindings: {charm.Name} has no endpoint '{binding.Key}'{Suggest.DidYouMean(binding.Key, charm.Endpoints.Keys)}";
            if (charm.Meta is null)
            {
                // The catalog records relation endpoints only, not extra-bindings.
                Warning("binding", binding.Location, message + " (the catalog does not record extra-bindings)", application.Name, binding.Key);
            }
            else
            {
                Error("binding", binding.Location, message, application.Name, binding.Key);
            }
        }
    }

    private void CheckOffers(MergedApplication application, ResolvedCharm charm)
    {
        foreach (var offer in MapEntries(application, "offers"))
        {
            var spec = (YamlDotNet.RepresentationModel.YamlMappingNode)offer.Value;
            foreach (var (key, _, value) in YamlFile.Entries(spec))
            {
                if (key == "endpoints")
                {
                    foreach (var item in ((YamlDotNet.RepresentationModel.YamlSequenceNode)value).Children)
                    {
                        var endpoint = ((YamlDotNet.RepresentationModel.YamlScalarNode)item).Value!;
                        var at = item.At(offer.Location.File);
                        if (!charm.Endpoints.TryGetValue(endpoint, out var found))
                        {
                            Error("offer-endpoint", at, $"application '{application.Name}': offer '{offer.Key}' names endpoint '{endpoint}', which {charm.Name} does not have{Suggest.DidYouMean(endpoint, charm.Endpoints.Keys)}", application.Name, endpoint);
                        }
                        else if (found.Role == RelationRole.Peer)
                        {
                            Error("offer-endpoint", at, $"application '{application.Name}': offer '{offer.Key}' names the peer endpoint '{endpoint}'; peer endpoints cannot be offered", application.Name, endpoint);
                        }
                    }
                }
                else if (key == "acl" && value is YamlDotNet.RepresentationModel.YamlMappingNode acl)
                {
                    foreach (var (user, userNode, permission) in YamlFile.Entries(acl))
                    {
                        if (!YamlFile.TryString(permission, out var text) || !OfferPermissions.Contains(text, StringComparer.Ordinal))
                        {
                            Error("offer-acl", userNode.At(offer.Location.File), $"application '{application.Name}': offer '{offer.Key}': acl for '{user}' must be one of {string.Join(", ", OfferPermissions)}", application.Name);
                        }
                    }
                }
            }
        }
    }

    private void CheckOfferNames()
    {
        var seen = new Dictionary<string, Located>(StringComparer.Ordinal);
        foreach (var application in _bundle.Applications.Values)
        {
            foreach (var offer in MapEntries(application, "offers"))
            {
                if (seen.TryGetValue(offer.Key, out var first))
                {
                    Error("duplicate-offer", offer.Location, $"offer '{offer.Key}' is defined twice (first at {first.Location})", application.Name);
                }
                else
                {
                    seen.Add(offer.Key, offer);
                }
            }
        }
    }

    private void CheckExposedEndpoints(MergedApplication application, ResolvedCharm charm)
    {
        foreach (var entry in MapEntries(application, "exposed-endpoints"))
        {
            if (entry.Key.Length > 0 && !charm.Endpoints.ContainsKey(entry.Key))
            {
                Error("unknown-endpoint", entry.Location, $"application '{application.Name}': exposed-endpoints names '{entry.Key}', which {charm.Name} does not have{Suggest.DidYouMean(entry.Key, charm.Endpoints.Keys)}", application.Name, entry.Key);
            }
        }
    }

    private void CheckSaas(MergedSaas saas)
    {
        if (saas.Url is null)
        {
            Error("saas-url", saas.Location, $"saas '{saas.Name}' has no url ([CONTROLLER:][OWNER/]MODEL.OFFER)", saas.Name);
            return;
        }

        var text = ((YamlDotNet.RepresentationModel.YamlScalarNode)saas.Url.Value).Value!;
        var url = SaasUrl.Parse(text, out var error);
        if (url is null)
        {
            Error("saas-url", saas.Url.Value.At(saas.Url.Location.File), $"saas '{saas.Name}': url '{text}': {error}", saas.Name);
            return;
        }

        if (!_catalog.Offers.TryGetValue(url.Offer, out var offer))
        {
            Error("unknown-offer", saas.Url.Value.At(saas.Url.Location.File),
                $"saas '{saas.Name}': the catalog knows no offer '{url.Offer}' (bundles/catalog/offers.yaml){Suggest.DidYouMean(url.Offer, _catalog.Offers.Keys)}", saas.Name);
            return;
        }

        var charm = _catalog.Charms[offer.Charm];
        _resolved[saas.Name] = new ResolvedCharm
        {
            Name = $"offer {offer.Name}",
            Origin = $"offer {offer.Name} of {offer.Application} ({offer.Charm}), catalog: {offer.Source}",
            Endpoints = offer.Endpoints.ToDictionary(e => e, e => new ResolvedEndpoint(e, charm.Endpoints[e].Role, charm.Endpoints[e].Interface, charm.Endpoints[e].Limit), StringComparer.Ordinal),
        };
    }

    private void CheckRelations()
    {
        var seen = new Dictionary<string, DocumentRelation>(StringComparer.Ordinal);
        var counts = new Dictionary<(string Application, string Endpoint), List<DocumentRelation>>();
        foreach (var relation in _bundle.Relations)
        {
            var key = ResolveRelation(relation, out var resolvedPair);
            if (key is null)
            {
                continue;
            }

            if (seen.TryGetValue(key, out var first))
            {
                Error("duplicate-relation", relation.Location, $"relation {relation} duplicates {first} at {first.Location}", relation.First.Application, relation.First.Endpoint);
                continue;
            }

            seen.Add(key, relation);
            foreach (var side in resolvedPair)
            {
                if (!counts.TryGetValue(side, out var list))
                {
                    counts[side] = list = [];
                }

                list.Add(relation);
            }
        }

        foreach (var ((application, endpoint), relations) in counts)
        {
            var limit = _resolved[application].Endpoints.GetValueOrDefault(endpoint)?.Limit;
            if (limit is { } max && relations.Count > max)
            {
                var last = relations[^1];
                Warning("limit", last.Location,
                    $"{application}:{endpoint} takes at most {max} relation(s), and the bundle relates it {relations.Count} times ({string.Join(", ", relations.Select(r => r.Location.Line.ToString(CultureInfo.InvariantCulture)))}); Juju refuses the ones past the limit",
                    application, endpoint);
            }
        }
    }

    /// <summary>Checks one relation; returns its canonical key (endpoints inferred, sides ordered), or null when it is broken.</summary>
    private string? ResolveRelation(DocumentRelation relation, out (string, string)[] pair)
    {
        pair = [];
        var ok = true;
        foreach (var side in new[] { relation.First, relation.Second })
        {
            if (!_bundle.Applications.ContainsKey(side.Application) && !_bundle.Saas.ContainsKey(side.Application))
            {
                var known = _bundle.Applications.Keys.Concat(_bundle.Saas.Keys);
                Error("undefined-application", side.Location, $"relation {relation}: '{side.Application}' is neither an application nor a saas of this bundle or its overlays{Suggest.DidYouMean(side.Application, known)}", side.Application, side.Endpoint);
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        if (relation.First.Application == relation.Second.Application)
        {
            Error("self-relation", relation.Location, $"relation {relation} relates '{relation.First.Application}' to itself (peer relations need no entry)", relation.First.Application);
            return null;
        }

        if (!_resolved.TryGetValue(relation.First.Application, out var firstCharm) || !_resolved.TryGetValue(relation.Second.Application, out var secondCharm))
        {
            return null; // the charm or offer could not be resolved; that is reported already
        }

        var first = Candidates(relation, relation.First, firstCharm);
        var second = Candidates(relation, relation.Second, secondCharm);
        if (first is null || second is null)
        {
            return null;
        }

        ResolvedEndpoint a, b;
        if (relation.First.Endpoint is not null && relation.Second.Endpoint is not null)
        {
            (a, b) = (first[0], second[0]);
            if (!Compatible(relation, a, b))
            {
                return null;
            }
        }
        else
        {
            var matches = first.SelectMany(x => second.Where(y => CanRelate(x, y)).Select(y => (x, y))).ToList();
            if (matches.Count > 1)
            {
                var explicitOnly = matches.Where(m => m.x.Interface != JujuInfo && m.y.Interface != JujuInfo).ToList();
                if (explicitOnly.Count == 1)
                {
                    matches = explicitOnly;
                }
            }

            if (matches.Count == 0)
            {
                Error("no-relation", relation.Location,
                    $"relation {relation}: no endpoint of {Describe(relation.First, firstCharm)} fits one of {Describe(relation.Second, secondCharm)} (same interface, provides with requires)",
                    relation.First.Application, relation.First.Endpoint);
                return null;
            }

            if (matches.Count > 1)
            {
                var options = matches.Select(m => $"[{relation.First.Application}:{m.x.Name}, {relation.Second.Application}:{m.y.Name}]").Order(StringComparer.Ordinal);
                Error("ambiguous-relation", relation.Location,
                    $"relation {relation} is ambiguous: it could be {string.Join(" or ", options)}; name the endpoints",
                    relation.First.Application, relation.First.Endpoint);
                return null;
            }

            (a, b) = matches[0];
        }

        var left = $"{relation.First.Application}:{a.Name}";
        var right = $"{relation.Second.Application}:{b.Name}";
        pair = [(relation.First.Application, a.Name), (relation.Second.Application, b.Name)];
        return string.CompareOrdinal(left, right) <= 0 ? $"{left} {right}" : $"{right} {left}";
    }

    /// <summary>The endpoints a side can mean: the named one (checked), or every provides/requires endpoint plus juju-info.</summary>
    private List<ResolvedEndpoint>? Candidates(DocumentRelation relation, RelationSide side, ResolvedCharm charm)
    {
        var isSaas = _bundle.Saas.ContainsKey(side.Application);
        if (side.Endpoint is { } name)
        {
            if (charm.Endpoints.TryGetValue(name, out var endpoint))
            {
                if (endpoint.Role == RelationRole.Peer)
                {
                    Error("peer-relation", side.Location, $"relation {relation}: {side} is a peer endpoint of {charm.Name}; Juju relates peers itself and never to another application", side.Application, name);
                    return null;
                }

                return [endpoint];
            }

            if (name == JujuInfo && !isSaas)
            {
                return [new ResolvedEndpoint(JujuInfo, RelationRole.Provides, JujuInfo, null)];
            }

            var what = isSaas ? $"saas '{side.Application}' ({charm.Origin}) offers no endpoint '{name}'" : $"application '{side.Application}' ({charm.Name}) has no endpoint '{name}'";
            Error("unknown-endpoint", side.Location, $"relation {relation}: {what}{Suggest.DidYouMean(name, charm.Endpoints.Keys)}", side.Application, name);
            return null;
        }

        var all = charm.Endpoints.Values.Where(e => e.Role != RelationRole.Peer).ToList();
        if (!isSaas)
        {
            all.Add(new ResolvedEndpoint(JujuInfo, RelationRole.Provides, JujuInfo, null));
        }

        return all;
    }

    private bool Compatible(DocumentRelation relation, ResolvedEndpoint a, ResolvedEndpoint b)
    {
        if (a.Role == b.Role)
        {
            var role = a.Role == RelationRole.Provides ? "provides" : "requires";
            Error("role-mismatch", relation.Location,
                $"relation {relation}: both endpoints are {role} ({relation.First.Application}:{a.Name} and {relation.Second.Application}:{b.Name}); a relation joins a provides endpoint to a requires endpoint",
                relation.First.Application, a.Name);
            return false;
        }

        if (a.Interface != b.Interface)
        {
            Error("interface-mismatch", relation.Location,
                $"relation {relation}: interfaces differ: {relation.First.Application}:{a.Name} is {a.Interface}, {relation.Second.Application}:{b.Name} is {b.Interface}",
                relation.First.Application, a.Name);
            return false;
        }

        return true;
    }

    private static IReadOnlyCollection<Located> MapEntries(MergedApplication application, string key) =>
        application.Maps.TryGetValue(key, out var map) ? map.Entries.Values : Array.Empty<Located>();

    private static bool CanRelate(ResolvedEndpoint x, ResolvedEndpoint y) =>
        x.Interface == y.Interface && x.Role != y.Role && x.Role != RelationRole.Peer && y.Role != RelationRole.Peer;

    private static string Describe(RelationSide side, ResolvedCharm charm) =>
        side.Endpoint is null ? $"{side.Application} ({charm.Name})" : side.ToString();

    private void Error(string code, SourceLocation at, string message, string? application = null, string? endpoint = null) =>
        _problems.Add(new BundleProblem(ProblemSeverity.Error, code, at, message) { Application = application, Endpoint = endpoint });

    private void Warning(string code, SourceLocation at, string message, string? application = null, string? endpoint = null) =>
        _problems.Add(new BundleProblem(ProblemSeverity.Warning, code, at, message) { Application = application, Endpoint = endpoint });
}
