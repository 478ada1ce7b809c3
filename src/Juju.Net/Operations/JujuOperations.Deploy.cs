// Deploying a bundle (juju-api.md §3.1, libjuju's design): Bundle.GetChangesMapArgs computes the
// changes against an empty model; they run in `requires` order with $placeholders replaced by
// earlier results, and whatever FullStatus shows to exist already is skipped, so a re-deploy
// makes no calls beyond status and the change list.
using System.Globalization;
using System.Text.Json;

namespace Juju.Net;

public sealed partial class JujuOperations
{
    /// <summary>Deploys a bundle with overlays: the controller computes the changes, this client applies the missing ones in order.</summary>
    /// <param name="yaml">The bundle YAML text.</param>
    /// <param name="overlays">Overlay YAML texts, applied in order (sent with the bundle as one multi-document YAML, which the controller merges as <c>juju deploy --overlay</c> does).</param>
    /// <param name="progress">Receives one report per change, applied or skipped.</param>
    /// <param name="baseDirectory">The directory that relative local charm and resource paths start from (the bundle file's directory); <see langword="null"/> takes the current directory.</param>
    /// <param name="cancellationToken">Cancels the deployment between and during calls.</param>
    /// <returns>Every change with what happened to it.</returns>
    /// <exception cref="JujuOperationException">The controller rejected the bundle (its errors are in the message), or a local charm cannot be uploaded.</exception>
    /// <exception cref="BundleChangeException">A change failed; the message names it and carries the server's message.</exception>
    public async Task<BundleDeployResult> DeployBundleAsync(
        string yaml,
        IReadOnlyList<string>? overlays = null,
        IProgress<BundleProgress>? progress = null,
        string? baseDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var prepared = await BundleText.PrepareAsync(yaml, overlays ?? [], baseDirectory, _options.Uploader, cancellationToken).ConfigureAwait(false);
        var bundle = new BundleClient(_model, Versions.Bundle);
        var answer = await bundle.GetChangesMapArgsAsync(new BundleChangesParams { Yaml = prepared.Yaml }, cancellationToken).ConfigureAwait(false);

        // On success the controller sends one empty string per change in `errors`; only non-empty ones are errors.
        var errors = (answer.Errors ?? []).Where(e => !string.IsNullOrEmpty(e)).ToList();
        if (errors.Count > 0)
        {
            throw new JujuOperationException($"the controller rejected the bundle: {string.Join("; ", errors)}");
        }

        var changes = (answer.Changes ?? [])
            .Select(c => new BundleChangeSpec(c.Id, c.Method, c.Args ?? new Dictionary<string, JsonElement>(), c.Requires ?? []))
            .ToList();
        var ordered = BundlePlan.Order(changes);
        var status = await StatusAsync(null, cancellationToken).ConfigureAwait(false);
        var plan = new BundlePlan(changes, status);
        var run = new BundleRun(this, prepared, plan, status);
        var outcomes = new List<BundleProgress>(ordered.Count);
        foreach (var change in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BundleStep step;
            try
            {
                step = await run.ApplyAsync(change, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not BundleChangeException)
            {
                throw new BundleChangeException(change, e.Message, (e as JujuOperationException)?.Code, e);
            }

            run.Results[change.Id] = step.Value;
            var report = new BundleProgress(outcomes.Count + 1, ordered.Count, change, step.State, step.Detail);
            outcomes.Add(report);
            progress?.Report(report);
        }

        return new BundleDeployResult(outcomes);
    }

    private sealed record BundleStep(BundleChangeState State, string Detail, string Value);

    /// <summary>Applies one change at a time, keeping each change's result for the placeholders of later ones.</summary>
    private sealed class BundleRun(JujuOperations ops, PreparedBundle bundle, BundlePlan plan, FullStatus status)
    {
        private readonly Dictionary<string, CharmOrigin> _origins = new(StringComparer.Ordinal);

        public Dictionary<string, string> Results { get; } = new(StringComparer.Ordinal);

        public Task<BundleStep> ApplyAsync(BundleChangeSpec change, CancellationToken ct) => change.Method switch
        {
            "addCharm" => AddCharmAsync(change, ct),
            "deploy" => DeployAsync(change, ct),
            "addUnit" => AddUnitAsync(change, ct),
            "addMachines" => AddMachineAsync(change, ct),
            "addRelation" => AddRelationAsync(change, ct),
            "expose" => ExposeAsync(change, ct),
            "setAnnotations" => SetAnnotationsAsync(change, ct),
            "setOptions" => SetOptionsAsync(change, ct),
            "setConstraints" => SetConstraintsAsync(change, ct),
            "scale" => ScaleAsync(change, ct),
            "createOffer" => CreateOfferAsync(change, ct),
            "consumeOffer" => ConsumeOfferAsync(change, ct),
            "grantOfferAccess" => GrantOfferAccessAsync(change, ct),
            _ => throw new BundleChangeException(
                change,
                $"the change method {change.Method} is not supported by Juju.Net (upgradeCharm only comes from a model-aware change list, which GetChangesMapArgs never computes)"),
        };

        private static BundleStep Skip(string detail, string value) => new(BundleChangeState.Skipped, detail, value);

        private static BundleStep Applied(string detail, string value = "") => new(BundleChangeState.Applied, detail, value);

        private async Task<BundleStep> AddCharmAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var charm = Str(change, "charm");
            if (plan.WillSkip(change))
            {
                var app = plan.ExistingApplicationOf(change);
                return Skip($"applications using {charm} exist", status.Applications![app].Charm);
            }

            var (url, origin) = await AddCharmAsync(charm, OptStr(change, "channel"), OptLong(change, "revision"), OptStr(change, "base"), OptStr(change, "architecture"), ct).ConfigureAwait(false);
            _origins[change.Id] = origin;
            return Applied($"added charm {url}", url);
        }

        private async Task<(string Url, CharmOrigin Origin)> AddCharmAsync(string charm, string? channel, long? revision, string? @base, string? architecture, CancellationToken ct)
        {
            if (charm.StartsWith("local:", StringComparison.Ordinal))
            {
                // Uploaded before GetChangesMapArgs (BundleText); the upload added it to the model.
                return (charm, new CharmOrigin { Source = "local", Type = "charm", Architecture = architecture ?? ops._options.DefaultArchitecture });
            }

            var (track, risk) = SplitChannel(channel);
            var requested = new CharmOrigin
            {
                Source = "charm-hub",
                Type = "charm",
                Track = track,
                Risk = risk,
                Revision = revision,
                Architecture = architecture ?? ops._options.DefaultArchitecture,
                Base = ParseBase(@base),
            };
            var charms = new CharmsClient(ops._model, ops.Versions.Charms);
            var reference = charm.Contains(':', StringComparison.Ordinal) ? charm : "ch:" + charm;
            var resolved = await charms.ResolveCharmsAsync(
                new ResolveCharmsWithChannel { Resolve = [new ResolveCharmWithChannel { Reference = reference, CharmOrigin = requested }] },
                ct).ConfigureAwait(false);
            var result = resolved.Results is [var r] ? r : throw new JujuOperationException($"resolve {charm}: the controller returned {resolved.Results?.Count ?? 0} results for one charm");
            ThrowIfError(result.Error, $"resolve {charm}");
            var added = await charms.AddCharmAsync(new AddCharmWithOrigin { Url = result.Url, CharmOrigin = result.CharmOrigin }, ct).ConfigureAwait(false);
            ThrowIfError(added.Error, $"add charm {result.Url}");
            return (result.Url, added.CharmOrigin ?? result.CharmOrigin ?? requested);
        }

        private async Task<BundleStep> DeployAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Str(change, "application");
            if (plan.WillSkip(change))
            {
                return Skip($"application {app} exists", app);
            }

            var charmArg = Str(change, "charm");
            string url;
            CharmOrigin origin;
            if (charmArg.StartsWith('$'))
            {
                url = Resolve(charmArg);
                origin = _origins.TryGetValue(charmArg[1..], out var o) ? o : throw new JujuOperationException($"no charm origin from {charmArg}");
            }
            else
            {
                (url, origin) = await AddCharmAsync(charmArg, OptStr(change, "channel"), null, OptStr(change, "base"), null, ct).ConfigureAwait(false);
            }

            if (change.Args.ContainsKey("devices"))
            {
                throw new JujuOperationException("device constraints are not supported by Juju.Net; deploy this application with juju deploy");
            }

            var config = new Dictionary<string, string>(StringComparer.Ordinal);
            if (change.Args.TryGetValue("options", out var options) && options.ValueKind == JsonValueKind.Object)
            {
                foreach (var option in options.EnumerateObject())
                {
                    config[option.Name] = option.Value.ValueKind switch
                    {
                        JsonValueKind.String => option.Value.GetString()!,
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => option.Value.GetRawText(),
                    };
                }
            }

            if (bundle.Trust.TryGetValue(app, out var trusted) && trusted)
            {
                // trust is application config; Application.Deploy splits it from the charm options.
                config["trust"] = "true";
            }

            var resources = await PendingResourcesAsync(change, app, url, origin, ct).ConfigureAwait(false);
            var result = await ops._application.DeployAsync(
                new ApplicationsDeploy
                {
                    Applications =
                    [
                        new ApplicationDeploy
                        {
                            Application = app,
                            CharmUrl = url,
                            CharmOrigin = origin,
                            Channel = origin.Risk is null ? "" : origin.Track is null ? origin.Risk : $"{origin.Track}/{origin.Risk}",
                            NumUnits = OptLong(change, "num-units") ?? 0,
                            Config = config.Count > 0 ? config : null,
                            Constraints = BundleArgs.ParseConstraints(OptStr(change, "constraints")),
                            Storage = ObjectStrings(change, "storage")?.ToDictionary(s => s.Key, s => BundleArgs.ParseStorage(s.Value), StringComparer.Ordinal),
                            EndpointBindings = ObjectStrings(change, "endpoint-bindings"),
                            Resources = resources.Count > 0 ? resources : null,
                        },
                    ],
                },
                ct).ConfigureAwait(false);
            ThrowIfAnyError(result, $"deploy {app}");
            return Applied($"deployed {app} from {url}", app);
        }

        /// <summary>Registers the charm's resources before the deploy: Charmhub ones with Resources.AddPendingResources (as libjuju and the Go CLI do), local ones through the uploader.</summary>
        private async Task<Dictionary<string, string>> PendingResourcesAsync(BundleChangeSpec change, string app, string url, CharmOrigin origin, CancellationToken ct)
        {
            var pending = new Dictionary<string, string>(StringComparer.Ordinal);
            var local = ObjectStrings(change, "local-resources") ?? new Dictionary<string, string>();
            foreach (var (name, value) in local.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var uploader = ops._options.Uploader
                    ?? throw new JujuOperationException($"the local resource {name}={value} of {app} needs an uploader (JujuOperationsOptions.Uploader), which is not set");
                var resolved = BundleText.IsLocalPath(value) ? Path.GetFullPath(Path.Combine(bundle.BaseDirectory, value)) : value;
                pending[name] = await uploader.UploadResourceAsync(app, url, name, resolved, ct).ConfigureAwait(false);
            }

            if (origin.Source != "charm-hub")
            {
                return pending;
            }

            var charms = new CharmsClient(ops._model, ops.Versions.Charms);
            var info = await charms.CharmInfoAsync(new CharmURL { Url = url }, ct).ConfigureAwait(false);
            var revisions = change.Args.TryGetValue("resources", out var r) && r.ValueKind == JsonValueKind.Object
                ? r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal)
                : [];
            var store = (info.Meta?.Resources ?? new Dictionary<string, CharmResourceMeta>())
                .Where(m => !local.ContainsKey(m.Key))
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => new CharmResource
                {
                    Name = m.Key,
                    Type = m.Value.Type,
                    Path = m.Value.Path,
                    Description = m.Value.Description,
                    Origin = "store",
                    Revision = revisions.TryGetValue(m.Key, out var rev) ? rev : -1,
                    Fingerprint = [],
                })
                .ToList();
            if (store.Count == 0)
            {
                return pending;
            }

            var resources = new ResourcesClient(ops._model, ops.Versions.Resources);
            var added = await resources.AddPendingResourcesAsync(
                new AddPendingResourcesArgsV2 { Tag = "application-" + app, Url = url, CharmOrigin = origin, Resources = store },
                ct).ConfigureAwait(false);
            ThrowIfError(added.Error, $"add pending resources of {app}");
            var ids = added.PendingIds ?? [];
            if (ids.Count != store.Count)
            {
                throw new JujuOperationException($"add pending resources of {app}: {store.Count} resources sent, {ids.Count} pending ids returned");
            }

            for (var i = 0; i < store.Count; i++)
            {
                pending[store[i].Name] = ids[i];
            }

            return pending;
        }

        private async Task<BundleStep> AddUnitAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Resolve(Str(change, "application"));
            if (plan.SkippedUnit(change) is { } existing)
            {
                return Skip($"{existing} exists", existing);
            }

            var to = OptStr(change, "to");
            var placement = to is null ? [] : new[] { BundleArgs.ParsePlacement(Resolve(to)) };
            var added = await ops._application.AddUnitsAsync(new AddApplicationUnits { Application = app, NumUnits = 1, Placement = placement }, ct).ConfigureAwait(false);
            var unit = added.Units is [var u] ? u : throw new JujuOperationException($"add unit of {app}: the controller returned {added.Units?.Count ?? 0} units for one");
            return Applied($"added {unit}", unit);
        }

        private async Task<BundleStep> AddMachineAsync(BundleChangeSpec change, CancellationToken ct)
        {
            if (plan.WillSkip(change))
            {
                return Skip("the units placed on it exist", "");
            }

            var machines = new MachineManagerClient(ops._model, ops.Versions.MachineManager);
            var parent = OptStr(change, "parent-id");
            var result = await machines.AddMachinesAsync(
                new AddMachines
                {
                    Params =
                    [
                        new AddMachineParams
                        {
                            Base = ParseBase(OptStr(change, "base")) ?? BundleArgs.BaseOfSeries(OptStr(change, "series")),
                            Constraints = BundleArgs.ParseConstraints(OptStr(change, "constraints")),
                            ContainerType = OptStr(change, "container-type") ?? "",
                            ParentId = parent is null ? "" : Resolve(parent),
                            Jobs = ["JobHostUnits"],
                            HardwareCharacteristics = new HardwareCharacteristics(),
                            Addresses = [],
                        },
                    ],
                },
                ct).ConfigureAwait(false);
            var machine = result.Machines is [var m] ? m : throw new JujuOperationException($"the controller returned {result.Machines?.Count ?? 0} machines for one");
            ThrowIfError(machine.Error, "add machine");
            return Applied($"added machine {machine.Machine}", machine.Machine);
        }

        private async Task<BundleStep> AddRelationAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var a = Resolve(Str(change, "endpoint1"));
            var b = Resolve(Str(change, "endpoint2"));
            if (HasRelation(status, a, b))
            {
                return Skip($"{a} and {b} are related", "");
            }

            return await ops.AddRelationAsync(a, b, ct).ConfigureAwait(false)
                ? Applied($"related {a} and {b}")
                : Skip($"{a} and {b} are related (the controller said so)", "");
        }

        private async Task<BundleStep> ExposeAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Resolve(Str(change, "application"));
            if (status.Applications?.TryGetValue(app, out var existing) == true && existing.Exposed)
            {
                return Skip($"{app} is exposed", "");
            }

            Dictionary<string, ExposedEndpoint>? endpoints = null;
            if (change.Args.TryGetValue("exposed-endpoints", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                endpoints = e.EnumerateObject().ToDictionary(
                    p => p.Name,
                    p => new ExposedEndpoint { ExposeToCidrs = Strings(p.Value, "expose-to-cidrs"), ExposeToSpaces = Strings(p.Value, "expose-to-spaces") },
                    StringComparer.Ordinal);
            }

            await ops._application.ExposeAsync(new ApplicationExpose { Application = app, ExposedEndpoints = endpoints }, ct).ConfigureAwait(false);
            return Applied($"exposed {app}");
        }

        private async Task<BundleStep> SetAnnotationsAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var id = Resolve(Str(change, "id"));
            var tag = (OptStr(change, "entity-type") ?? "application") + "-" + id;
            var wanted = ObjectStrings(change, "annotations") ?? new Dictionary<string, string>();
            var annotations = new AnnotationsClient(ops._model, ops.Versions.Annotations);
            if (!Str(change, "id").StartsWith('$') || plan.IsPreExisting(id))
            {
                var current = await annotations.GetAsync(new Entities { EntitiesValue = [new Entity { Tag = tag }] }, ct).ConfigureAwait(false);
                var have = (current.Results is [var first, ..] ? first.Annotations : null) ?? new Dictionary<string, string>();
                if (wanted.All(w => have.TryGetValue(w.Key, out var v) && v == w.Value))
                {
                    return Skip($"{tag} has these annotations", "");
                }
            }

            var result = await annotations.SetAsync(new AnnotationsSet { Annotations = [new EntityAnnotations { Entity = tag, Annotations = wanted }] }, ct).ConfigureAwait(false);
            ThrowIfAnyError(result, $"set annotations of {tag}");
            return Applied($"annotated {tag}");
        }

        private async Task<BundleStep> SetOptionsAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Resolve(Str(change, "application"));
            var values = change.Args.TryGetValue("options", out var o) && o.ValueKind == JsonValueKind.Object
                ? o.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal)
                : [];
            await ops.SetConfigAsync(app, values, ct).ConfigureAwait(false);
            return Applied($"set options of {app}");
        }

        private async Task<BundleStep> SetConstraintsAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Resolve(Str(change, "application"));
            await ops._application.SetConstraintsAsync(new SetConstraints { Application = app, Constraints = BundleArgs.ParseConstraints(OptStr(change, "constraints")) }, ct).ConfigureAwait(false);
            return Applied($"set constraints of {app}");
        }

        private async Task<BundleStep> ScaleAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Resolve(Str(change, "application"));
            var scale = OptLong(change, "scale") ?? throw new JujuOperationException("scale without a scale argument");
            if (status.Applications?.TryGetValue(app, out var existing) == true && (existing.Units?.Count ?? 0) == scale)
            {
                return Skip($"{app} has {scale} units", "");
            }

            var result = await ops._application.ScaleApplicationsAsync(
                new ScaleApplicationsParamsV2 { Applications = [new ScaleApplicationParamsV2 { ApplicationTag = "application-" + app, Scale = scale }] },
                ct).ConfigureAwait(false);
            ThrowIfError((result.Results is [var first, ..] ? first.Error : null), $"scale {app}");
            return Applied($"scaled {app} to {scale}");
        }

        private async Task<BundleStep> CreateOfferAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var app = Resolve(Str(change, "application"));
            var name = OptStr(change, "offer-name") ?? app;
            if (status.Offers?.ContainsKey(name) == true)
            {
                return Skip($"offer {name} exists", name);
            }

            var endpoints = change.Args.TryGetValue("endpoints", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : [];
            return await ops.CreateOfferAsync(app, endpoints, name, ct).ConfigureAwait(false)
                ? Applied($"offered {app} as {name}", name)
                : Skip($"offer {name} exists (the controller said so)", name);
        }

        private async Task<BundleStep> ConsumeOfferAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var url = Str(change, "url");
            var name = OptStr(change, "application-name") ?? OfferNameOf(url);
            if (status.RemoteApplications?.ContainsKey(name) == true)
            {
                return Skip($"remote application {name} exists", name);
            }

            return await ops.ConsumeOfferAsync(url, name, ct).ConfigureAwait(false)
                ? Applied($"consumed {url} as {name}", name)
                : Skip($"remote application {name} exists (the controller said so)", name);
        }

        private async Task<BundleStep> GrantOfferAccessAsync(BundleChangeSpec change, CancellationToken ct)
        {
            var offer = Str(change, "offer");
            var model = status.Model?.Name ?? throw new JujuOperationException("the model's name is not in FullStatus");
            var url = $"{ops._options.ModelOwner}/{model}.{offer}";
            var offers = new ApplicationOffersClient(ops.Controller($"grant access to {url}"), ops.Versions.ApplicationOffers);
            var result = await offers.ModifyOfferAccessAsync(
                new ModifyOfferAccessRequest
                {
                    Changes = [new ModifyOfferAccess { Action = "grant", Access = Str(change, "access"), OfferUrl = url, UserTag = "user-" + Str(change, "user") }],
                },
                ct).ConfigureAwait(false);
            var error = result.Results?.FirstOrDefault(r => r.Error is not null)?.Error;
            if (error is not null && error.Message.Contains("already has", StringComparison.Ordinal))
            {
                return Skip(error.Message, "");
            }

            ThrowIfError(error, $"grant access to {url}");
            return Applied($"granted {Str(change, "user")} {Str(change, "access")} on {url}");
        }

        /// <summary>Replaces <c>$change-id</c> placeholders (whole value, or a part between colons: <c>$deploy-1:web</c>, <c>lxd:$addMachines-2</c>) with earlier results.</summary>
        private string Resolve(string value) =>
            !value.Contains('$', StringComparison.Ordinal)
                ? value
                : string.Join(':', value.Split(':').Select(part =>
                    !part.StartsWith('$') ? part
                    : Results.TryGetValue(part[1..], out var result) ? result
                    : throw new JujuOperationException($"the placeholder {part} refers to no earlier change")));

        private static string Str(BundleChangeSpec change, string key) =>
            OptStr(change, key) ?? throw new JujuOperationException($"the change has no {key} argument");

        private static string? OptStr(BundleChangeSpec change, string key) =>
            change.Args.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

        private static long? OptLong(BundleChangeSpec change, string key) =>
            change.Args.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

        private static Dictionary<string, string>? ObjectStrings(BundleChangeSpec change, string key) =>
            change.Args.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Object
                ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal)
                : null;

        private static List<string>? Strings(JsonElement element, string key) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
                ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : null;

        private static (string? Track, string? Risk) SplitChannel(string? channel)
        {
            if (string.IsNullOrEmpty(channel))
            {
                return (null, "stable");
            }

            var parts = channel.Split('/');
            return parts[0] is "stable" or "candidate" or "beta" or "edge"
                ? (null, parts[0])
                : (parts[0], parts.Length > 1 ? parts[1] : "stable");
        }

        private static Base? ParseBase(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            var at = value.IndexOf('@', StringComparison.Ordinal);
            return at < 0
                ? throw new JujuOperationException($"the base {value} is not of the form name@channel (e.g. ubuntu@22.04)")
                : new Base { Name = value[..at], Channel = value[(at + 1)..] };
        }
    }
}
