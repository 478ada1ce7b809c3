// JujuOperations: the high-level workflow over the generated facade clients (juju-api.md §3):
// status, integrate, offer/consume, wait for idle by polling FullStatus, run an action and wait for
// it, get and set config. Deploying a bundle is in JujuOperations.Deploy.cs.
using System.Text.Json;

namespace Juju.Net;

/// <summary>Deploys, relates, waits, runs actions and sets config in one Juju model, over an <see cref="IRpcCaller"/>.</summary>
/// <remarks>
/// Waits poll <c>Client.FullStatus</c> (juju-api.md §3.3 recommends it: schema-typed and present in Juju 4, which has no
/// AllWatcher). Per-item errors of bulk results become <see cref="JujuOperationException"/> with the server's message and
/// code; a whole call the server refuses surfaces as the exception the <see cref="IRpcCaller"/> throws.
/// </remarks>
public sealed partial class JujuOperations
{
    private static readonly string[] TerminalActionStates = ["completed", "failed", "cancelled", "aborted", "error"];

    private readonly IRpcCaller _model;
    private readonly JujuOperationsOptions _options;
    private readonly ApplicationClient _application;
    private readonly ClientClient _client;
    private readonly ActionClient _action;

    /// <summary>Creates the operations for the model behind <paramref name="model"/>.</summary>
    /// <param name="model">The model connection (<c>/model/&lt;uuid&gt;/api</c>).</param>
    /// <param name="versions">The facade versions to send; <see langword="null"/> takes <see cref="JujuFacadeVersions.Default"/>.</param>
    /// <param name="options">Controller connection, model tag, uploader, poll interval and clock; <see langword="null"/> takes the defaults.</param>
    public JujuOperations(IRpcCaller model, JujuFacadeVersions? versions = null, JujuOperationsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Versions = versions ?? JujuFacadeVersions.Default;
        _options = options ?? new JujuOperationsOptions();
        _application = new ApplicationClient(model, Versions.Application);
        _client = new ClientClient(model, Versions.Client);
        _action = new ActionClient(model, Versions.Action);
    }

    /// <summary>The facade versions this instance sends.</summary>
    public JujuFacadeVersions Versions { get; }

    /// <summary>Returns the model's full status (<c>Client.FullStatus</c>), as <c>juju status</c> shows it.</summary>
    /// <param name="patterns">Application or unit patterns to filter by; none returns everything.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public Task<FullStatus> StatusAsync(IReadOnlyList<string>? patterns = null, CancellationToken cancellationToken = default) =>
        _client.FullStatusAsync(new StatusParams { Patterns = patterns ?? [] }, cancellationToken);

    /// <summary>Relates two endpoints (<c>juju integrate</c>, <c>Application.AddRelation</c>); a relation that already exists is success.</summary>
    /// <param name="endpointA">An application with an optional endpoint, e.g. <c>drift-monitor:metrics-endpoint</c> or <c>otelcol</c>.</param>
    /// <param name="endpointB">The other side.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>True when the relation was added, false when it existed.</returns>
    public async Task<bool> IntegrateAsync(string endpointA, string endpointB, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointA);
        ArgumentException.ThrowIfNullOrEmpty(endpointB);
        var status = await StatusAsync(null, cancellationToken).ConfigureAwait(false);
        if (HasRelation(status, endpointA, endpointB))
        {
            return false;
        }

        return await AddRelationAsync(endpointA, endpointB, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Offers endpoints of an application to other models (<c>juju offer</c>, <c>ApplicationOffers.Offer</c> on the controller connection).</summary>
    /// <param name="application">The application to offer.</param>
    /// <param name="endpoints">Its endpoints to offer.</param>
    /// <param name="offerName">The offer name; <see langword="null"/> takes the application name.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>True when the offer was created, false when an offer of that name existed.</returns>
    public async Task<bool> OfferAsync(string application, IReadOnlyList<string> endpoints, string? offerName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(application);
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("An offer needs at least one endpoint.", nameof(endpoints));
        }

        offerName ??= application;
        var status = await StatusAsync(null, cancellationToken).ConfigureAwait(false);
        if (status.Offers?.ContainsKey(offerName) == true)
        {
            return false;
        }

        return await CreateOfferAsync(application, endpoints, offerName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Consumes an offer into this model (<c>juju consume</c>): <c>ApplicationOffers.GetConsumeDetails</c> on the controller, then <c>Application.Consume</c>.</summary>
    /// <param name="offerUrl">The offer URL, e.g. <c>admin/cos.loki-logging</c>.</param>
    /// <param name="alias">The name of the remote application in this model; <see langword="null"/> takes the offer name.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>True when the offer was consumed, false when the model already had a remote application of that name.</returns>
    public async Task<bool> ConsumeAsync(string offerUrl, string? alias = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(offerUrl);
        var status = await StatusAsync(null, cancellationToken).ConfigureAwait(false);
        var name = alias ?? OfferNameOf(offerUrl);
        if (status.RemoteApplications?.ContainsKey(name) == true)
        {
            return false;
        }

        return await ConsumeOfferAsync(offerUrl, alias, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Polls <c>FullStatus</c> until every watched unit is active and idle for <see cref="JujuOperationsOptions.IdlePeriod"/>.</summary>
    /// <param name="timeout">How long to wait in all.</param>
    /// <param name="applications">The applications to watch; <see langword="null"/> or empty watches all of them.</param>
    /// <param name="progress">Receives one report per poll.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The last status, in which every watched unit is active and idle.</returns>
    /// <exception cref="JujuWaitException">A unit went into error (or blocked, with <see cref="JujuOperationsOptions.FailOnBlocked"/>), or the timeout passed.</exception>
    public async Task<FullStatus> WaitForIdleAsync(
        TimeSpan timeout,
        IReadOnlyCollection<string>? applications = null,
        IProgress<IdleProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = _options.TimeProvider;
        var start = clock.GetTimestamp();
        TimeSpan? readySince = null;
        while (true)
        {
            var status = await StatusAsync(null, cancellationToken).ConfigureAwait(false);
            var elapsed = clock.GetElapsedTime(start);
            var units = WatchedUnits(status, applications);
            var failed = units.Where(IsFailed).ToList();
            if (failed.Count > 0)
            {
                throw new JujuWaitException(
                    $"unit{(failed.Count > 1 ? "s" : "")} failed after {elapsed.TotalSeconds:0.#} s: {string.Join("; ", failed)}",
                    timedOut: false,
                    [.. failed, .. units.Where(u => !u.IsReady && !IsFailed(u))]);
            }

            var pending = units.Where(u => !u.IsReady).ToList();
            progress?.Report(new IdleProgress(elapsed, units.Count - pending.Count, units.Count, pending));
            if (pending.Count == 0)
            {
                readySince ??= elapsed;
                if (elapsed - readySince >= _options.IdlePeriod)
                {
                    return status;
                }
            }
            else
            {
                readySince = null;
            }

            if (elapsed >= timeout)
            {
                var what = pending.Count > 0
                    ? string.Join("; ", pending)
                    : $"all units ready but not yet for the idle period of {_options.IdlePeriod.TotalSeconds:0.#} s";
                throw new JujuWaitException($"the model did not settle within {timeout.TotalSeconds:0.#} s: {what}", timedOut: true, pending);
            }

            await Task.Delay(_options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs an action on a unit (<c>Action.EnqueueOperation</c>) and polls <c>Action.Actions</c> until it ends.</summary>
    /// <param name="unit">The unit, e.g. <c>drift-monitor/0</c>.</param>
    /// <param name="action">The action name.</param>
    /// <param name="parameters">The action parameters, or <see langword="null"/>.</param>
    /// <param name="timeout">How long to wait for the action to end.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The outcome: completed or failed, with the charm's output and message.</returns>
    /// <exception cref="JujuOperationException">The controller refused the action (unknown unit or action, bad parameters) or it did not end in time.</exception>
    public async Task<ActionOutcome> RunActionAsync(
        string unit,
        string action,
        IReadOnlyDictionary<string, JsonElement>? parameters,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(unit);
        ArgumentException.ThrowIfNullOrEmpty(action);
        var enqueued = await _action.EnqueueOperationAsync(
            new Actions { ActionsValue = [new Action { Receiver = UnitTag(unit), Name = action, Parameters = parameters }] },
            cancellationToken).ConfigureAwait(false);
        var first = enqueued.Actions is [var one] ? one : throw new JujuOperationException($"action {action} on {unit}: the controller returned {enqueued.Actions?.Count ?? 0} results for one action");
        ThrowIfError(first.Error, $"action {action} on {unit}");
        var tag = first.Action?.Tag ?? throw new JujuOperationException($"action {action} on {unit}: the controller returned no action tag");
        var id = tag.StartsWith("action-", StringComparison.Ordinal) ? tag["action-".Length..] : tag;

        var clock = _options.TimeProvider;
        var start = clock.GetTimestamp();
        while (true)
        {
            var results = await _action.ActionsAsync(new Entities { EntitiesValue = [new Entity { Tag = tag }] }, cancellationToken).ConfigureAwait(false);
            var result = results.Results is [var r] ? r : throw new JujuOperationException($"action {id} ({action} on {unit}): the controller returned {results.Results?.Count ?? 0} results for one action");
            ThrowIfError(result.Error, $"action {id} ({action} on {unit})");
            var state = result.Status ?? "";
            if (TerminalActionStates.Contains(state))
            {
                return new ActionOutcome(
                    id,
                    state,
                    result.Message ?? "",
                    result.Output ?? new Dictionary<string, JsonElement>(),
                    result.Log?.Select(l => l.Message).ToList() ?? []);
            }

            if (clock.GetElapsedTime(start) >= timeout)
            {
                throw new JujuOperationException($"action {id} ({action} on {unit}) is still {state} after {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(_options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads an application's charm options and application config (<c>Application.Get</c>).</summary>
    /// <param name="application">The application name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings.</returns>
    public async Task<ApplicationSettings> GetConfigAsync(string application, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(application);
        var got = await _application.GetAsync(new ApplicationGet { Application = application }, cancellationToken).ConfigureAwait(false);
        var options = new Dictionary<string, ConfigOptionValue>(StringComparer.Ordinal);
        foreach (var (name, element) in got.Config ?? new Dictionary<string, JsonElement>())
        {
            options[name] = new ConfigOptionValue(
                name,
                StringProperty(element, "type"),
                element.ValueKind == JsonValueKind.Object && element.TryGetProperty("value", out var value) ? value.Clone() : null,
                StringProperty(element, "source"),
                StringProperty(element, "description"));
        }

        var applicationConfig = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, element) in got.ApplicationConfig ?? new Dictionary<string, JsonElement>())
        {
            applicationConfig[name] = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("value", out var value) ? value.Clone() : element.Clone();
        }

        return new ApplicationSettings(got.Application, got.Charm, got.Channel, options, applicationConfig);
    }

    /// <summary>Sets charm options of an application (<c>Application.SetConfigs</c>; values as <c>juju config app k=v</c> takes them).</summary>
    /// <param name="application">The application name.</param>
    /// <param name="values">Option names and values as strings; the controller converts them to the options' types.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="JujuOperationException">The controller refused a value (unknown option, wrong type) or the application.</exception>
    public async Task SetConfigAsync(string application, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(application);
        ArgumentNullException.ThrowIfNull(values);
        var result = await _application.SetConfigsAsync(
            new ConfigSetArgs { Args = [new ConfigSet { Application = application, Config = values }] },
            cancellationToken).ConfigureAwait(false);
        ThrowIfAnyError(result, $"set config of {application}");
    }

    private async Task<bool> AddRelationAsync(string endpointA, string endpointB, CancellationToken cancellationToken)
    {
        try
        {
            await _application.AddRelationAsync(new AddRelation { Endpoints = [endpointA, endpointB] }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsAlreadyExists(e))
        {
            return false;
        }
    }

    private async Task<bool> CreateOfferAsync(string application, IReadOnlyList<string> endpoints, string offerName, CancellationToken cancellationToken)
    {
        var modelTag = _options.ModelTag
            ?? throw new JujuOperationException($"offer {offerName}: the model tag is unknown; set JujuOperationsOptions.ModelTag (the login result's model-tag)");
        var offers = new ApplicationOffersClient(Controller($"offer {offerName}"), Versions.ApplicationOffers);
        var result = await offers.OfferAsync(
            new AddApplicationOffers
            {
                Offers =
                [
                    new AddApplicationOffer
                    {
                        ApplicationName = application,
                        OfferName = offerName,
                        ModelTag = modelTag,
                        Endpoints = endpoints.ToDictionary(e => e, e => e, StringComparer.Ordinal),
                    },
                ],
            },
            cancellationToken).ConfigureAwait(false);
        var error = result.Results?.FirstOrDefault(r => r.Error is not null)?.Error;
        if (error is { Code: "already exists" })
        {
            return false;
        }

        ThrowIfError(error, $"offer {offerName} of {application}");
        return true;
    }

    private async Task<bool> ConsumeOfferAsync(string offerUrl, string? alias, CancellationToken cancellationToken)
    {
        var offers = new ApplicationOffersClient(Controller($"consume {offerUrl}"), Versions.ApplicationOffers);
        var details = await offers.GetConsumeDetailsAsync(
            new ConsumeOfferDetailsArg { OfferUrls = new OfferURLs { OfferUrls = [offerUrl] } },
            cancellationToken).ConfigureAwait(false);
        var detail = details.Results is [var d] ? d : throw new JujuOperationException($"consume {offerUrl}: the controller returned {details.Results?.Count ?? 0} results for one offer");
        ThrowIfError(detail.Error, $"consume {offerUrl}");
        var offer = detail.Offer ?? throw new JujuOperationException($"consume {offerUrl}: the controller returned no offer details");
        var result = await _application.ConsumeAsync(
            new ConsumeApplicationArgsV5
            {
                Args =
                [
                    new ConsumeApplicationArgV5
                    {
                        ApplicationAlias = alias,
                        ApplicationDescription = offer.ApplicationDescription,
                        Endpoints = offer.Endpoints,
                        ExternalController = detail.ExternalController,
                        Macaroon = detail.Macaroon,
                        OfferName = offer.OfferName,
                        OfferUrl = offer.OfferUrl,
                        OfferUuid = offer.OfferUuid,
                        SourceModelTag = offer.SourceModelTag,
                        Users = offer.Users,
                    },
                ],
            },
            cancellationToken).ConfigureAwait(false);
        var error = result.Results?.FirstOrDefault(r => r.Error is not null)?.Error;
        if (error is { Code: "already exists" })
        {
            return false;
        }

        ThrowIfError(error, $"consume {offerUrl}");
        return true;
    }

    private IRpcCaller Controller(string what) =>
        _options.Controller
        ?? throw new JujuOperationException($"{what}: offers are a controller facade (ApplicationOffers); set JujuOperationsOptions.Controller to a controller connection");

    private bool IsFailed(UnitState unit) =>
        unit.Workload == "error" || unit.Agent is "error" or "failed" || (_options.FailOnBlocked && unit.Workload == "blocked");

    /// <summary>The units of the watched applications, subordinates included; a watched application missing from the model counts as one pending entry.</summary>
    private static List<UnitState> WatchedUnits(FullStatus status, IReadOnlyCollection<string>? applications)
    {
        var apps = status.Applications ?? new Dictionary<string, ApplicationStatus>();
        var watched = applications is { Count: > 0 } ? applications : apps.Keys.ToList();
        var units = new List<UnitState>();
        foreach (var name in watched.Order(StringComparer.Ordinal))
        {
            if (!apps.TryGetValue(name, out var app))
            {
                units.Add(new UnitState(name, "unknown", "application not in the model", "unknown"));
                continue;
            }

            if (app.SubordinateTo is { Count: > 0 })
            {
                // Subordinate units appear under their principals' units.
                foreach (var principal in app.SubordinateTo)
                {
                    if (apps.TryGetValue(principal, out var p))
                    {
                        units.AddRange(from u in p.Units ?? new Dictionary<string, UnitStatus>()
                                       from s in u.Value.Subordinates ?? new Dictionary<string, UnitStatus>()
                                       where s.Key.StartsWith(name + "/", StringComparison.Ordinal)
                                       select StateOf(s.Key, s.Value));
                    }
                }

                continue;
            }

            units.AddRange((app.Units ?? new Dictionary<string, UnitStatus>()).Select(u => StateOf(u.Key, u.Value)));
        }

        return units;
    }

    private static UnitState StateOf(string name, UnitStatus unit) =>
        new(name, unit.WorkloadStatus?.Status ?? "", unit.WorkloadStatus?.Info ?? "", unit.AgentStatus?.Status ?? "");

    /// <summary>Whether the status has a relation between the two endpoints (<c>app</c> or <c>app:endpoint</c>).</summary>
    private static bool HasRelation(FullStatus status, string endpointA, string endpointB)
    {
        var (appA, nameA) = SplitEndpoint(endpointA);
        var (appB, nameB) = SplitEndpoint(endpointB);
        return (status.Relations ?? []).Any(r =>
        {
            var eps = r.Endpoints ?? [];
            bool Matches(string app, string? ep, EndpointStatus e) => e.Application == app && (ep is null || e.Name == ep);
            return eps.Count == 2
                && ((Matches(appA, nameA, eps[0]) && Matches(appB, nameB, eps[1])) || (Matches(appA, nameA, eps[1]) && Matches(appB, nameB, eps[0])));
        });
    }

    private static (string Application, string? Endpoint) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (endpoint, null) : (endpoint[..colon], endpoint[(colon + 1)..]);
    }

    /// <summary>The offer name of an offer URL: <c>[controller:]user/model.offer</c> → <c>offer</c>.</summary>
    private static string OfferNameOf(string offerUrl)
    {
        var dot = offerUrl.LastIndexOf('.');
        return dot < 0 ? offerUrl : offerUrl[(dot + 1)..];
    }

    private static string UnitTag(string unit) => "unit-" + unit.Replace('/', '-');

    private static string StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";

    /// <summary>
    /// Whether a refused call said "already exists". The connection's exception carries the code; the message test also
    /// covers any <see cref="IRpcCaller"/>: Juju builds these messages with <c>errors.AlreadyExistsf</c>, which ends them so.
    /// </summary>
    private static bool IsAlreadyExists(Exception e) =>
        e is not OperationCanceledException
        && ((e is JujuOperationException j && j.Code == "already exists") || e.Message.Contains("already exists", StringComparison.Ordinal));

    private static void ThrowIfError(Error? error, string what)
    {
        if (error is not null && (error.Message.Length > 0 || error.Code.Length > 0))
        {
            throw new JujuOperationException($"{what}: {error.Message}{(error.Code.Length > 0 ? $" ({error.Code})" : "")}", error.Code);
        }
    }

    private static void ThrowIfAnyError(ErrorResults results, string what)
    {
        foreach (var result in results.Results ?? [])
        {
            ThrowIfError(result.Error, what);
        }
    }
}
