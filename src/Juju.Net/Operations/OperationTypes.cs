// The inputs and results of the high-level operations: options, bundle changes and progress, unit
// states for waits, action outcomes and application settings. All immutable records.
using System.Text.Json;

namespace Juju.Net;

/// <summary>Settings of <see cref="JujuOperations"/> beyond the model connection.</summary>
public sealed record JujuOperationsOptions
{
    /// <summary>The controller connection for <c>ApplicationOffers</c> calls (offer, consume details); offers fail without it.</summary>
    public IRpcCaller? Controller { get; init; }

    /// <summary>The model's tag (<c>model-&lt;uuid&gt;</c>, from the login result); needed to create offers.</summary>
    public string? ModelTag { get; init; }

    /// <summary>The owner of the model, for the offer URLs of bundle <c>grantOfferAccess</c> changes (<c>owner/model.offer</c>).</summary>
    public string ModelOwner { get; init; } = "admin";

    /// <summary>Uploads local charms and resources; bundles with local charm paths or file/image resources fail without it.</summary>
    public ILocalCharmUploader? Uploader { get; init; }

    /// <summary>How often <see cref="JujuOperations.WaitForIdleAsync"/> polls <c>FullStatus</c> and <see cref="JujuOperations.RunActionAsync"/> polls the action (libjuju: 1 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long every unit must stay active and idle before a wait succeeds (libjuju's <c>idle_period</c>: 15 s).</summary>
    public TimeSpan IdlePeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether a blocked unit ends a wait with <see cref="JujuWaitException"/> (true) or is waited out (false).</summary>
    public bool FailOnBlocked { get; init; } = true;

    /// <summary>The architecture asked of Charmhub when a bundle gives none (the Go CLI's default).</summary>
    public string DefaultArchitecture { get; init; } = "amd64";

    /// <summary>The clock of waits and polls.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>Uploads what a bundle refers to on the client's disk; the connection implements it over the controller's HTTP endpoints.</summary>
public interface ILocalCharmUploader
{
    /// <summary>Uploads the charm at <paramref name="path"/> (<c>POST /model/&lt;uuid&gt;/charms</c>) and returns its charm URL, e.g. <c>local:drift-monitor-k8s-0</c>.</summary>
    /// <param name="path">The absolute path of the <c>.charm</c> file or charm directory.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The charm URL the controller assigned.</returns>
    Task<string> UploadCharmAsync(string path, CancellationToken cancellationToken);

    /// <summary>Registers a local resource of an application being deployed (a file path or an OCI image reference) and returns its pending id.</summary>
    /// <param name="application">The application being deployed.</param>
    /// <param name="charmUrl">Its charm URL.</param>
    /// <param name="resource">The resource name from the charm's metadata.</param>
    /// <param name="value">The bundle's value: a file path (relative paths resolved against the bundle's directory) or an image reference.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The pending resource id that <c>Application.Deploy</c> takes.</returns>
    Task<string> UploadResourceAsync(string application, string charmUrl, string resource, string value, CancellationToken cancellationToken);
}

/// <summary>One change of a bundle, as <c>Bundle.GetChangesMapArgs</c> returns it.</summary>
/// <param name="Id">The change id, e.g. <c>deploy-1</c>.</param>
/// <param name="Method">The change method, e.g. <c>deploy</c>, <c>addRelation</c>.</param>
/// <param name="Args">The named arguments; strings may hold <c>$id</c> placeholders of earlier changes.</param>
/// <param name="Requires">The ids of the changes that must be applied first.</param>
public sealed record BundleChangeSpec(string Id, string Method, IReadOnlyDictionary<string, JsonElement> Args, IReadOnlyList<string> Requires)
{
    /// <summary>A one-line description, e.g. <c>deploy otelcol</c> or <c>addRelation $deploy-1:logging otelcol:receive-loki-logs</c>.</summary>
    public string Description
    {
        get
        {
            var keys = Method switch
            {
                "addCharm" => new[] { "charm" },
                "deploy" => ["application"],
                "addUnit" or "expose" or "scale" or "setOptions" or "setConstraints" or "upgradeCharm" => ["application"],
                "addRelation" => ["endpoint1", "endpoint2"],
                "setAnnotations" => ["id"],
                "createOffer" => ["offer-name", "application"],
                "consumeOffer" => ["application-name", "url"],
                "grantOfferAccess" => ["offer", "user"],
                _ => [],
            };
            var values = keys.Where(Args.ContainsKey).Select(k => Args[k].ValueKind == JsonValueKind.String ? Args[k].GetString() : Args[k].GetRawText());
            return string.Join(' ', values.Prepend(Method));
        }
    }
}

/// <summary>What happened to a bundle change.</summary>
public enum BundleChangeState
{
    /// <summary>The change's calls were made.</summary>
    Applied,

    /// <summary>The model already had what the change adds; no call was made.</summary>
    Skipped,
}

/// <summary>Progress of a bundle deployment: one report per change, after it ran or was skipped.</summary>
/// <param name="Index">1-based position in execution order.</param>
/// <param name="Count">How many changes the bundle has.</param>
/// <param name="Change">The change.</param>
/// <param name="State">Applied or skipped.</param>
/// <param name="Detail">What was done or why it was skipped (e.g. <c>application otelcol exists</c>).</param>
public sealed record BundleProgress(int Index, int Count, BundleChangeSpec Change, BundleChangeState State, string Detail);

/// <summary>The outcome of a bundle deployment: every change in execution order.</summary>
/// <param name="Changes">Each change with its state and detail.</param>
public sealed record BundleDeployResult(IReadOnlyList<BundleProgress> Changes)
{
    /// <summary>How many changes made calls.</summary>
    public int Applied => Changes.Count(c => c.State == BundleChangeState.Applied);

    /// <summary>How many changes were already satisfied by the model.</summary>
    public int Skipped => Changes.Count(c => c.State == BundleChangeState.Skipped);
}

/// <summary>A unit's state as <c>FullStatus</c> reports it.</summary>
/// <param name="Unit">The unit name, e.g. <c>otelcol/0</c>.</param>
/// <param name="Workload">Workload status: <c>active</c>, <c>waiting</c>, <c>maintenance</c>, <c>blocked</c>, <c>error</c>, …</param>
/// <param name="WorkloadMessage">The workload status message.</param>
/// <param name="Agent">Agent status: <c>allocating</c>, <c>executing</c>, <c>idle</c>, <c>error</c>, …</param>
public sealed record UnitState(string Unit, string Workload, string WorkloadMessage, string Agent)
{
    /// <summary>True when the workload is active and the agent idle.</summary>
    public bool IsReady => Workload == "active" && Agent == "idle";

    /// <inheritdoc />
    public override string ToString() =>
        WorkloadMessage.Length == 0 ? $"{Unit} {Workload}/{Agent}" : $"{Unit} {Workload}/{Agent}: {WorkloadMessage}";
}

/// <summary>Progress of a wait: one report per status poll.</summary>
/// <param name="Elapsed">Time since the wait started.</param>
/// <param name="Ready">How many of the watched units are active and idle.</param>
/// <param name="Total">How many units are watched.</param>
/// <param name="Pending">The watched units that are not ready yet.</param>
public sealed record IdleProgress(TimeSpan Elapsed, int Ready, int Total, IReadOnlyList<UnitState> Pending);

/// <summary>The end of an action run.</summary>
/// <param name="ActionId">The action id (its tag is <c>action-&lt;id&gt;</c>).</param>
/// <param name="Status">The final status: <c>completed</c>, <c>failed</c>, <c>cancelled</c>, <c>aborted</c> or <c>error</c>.</param>
/// <param name="Message">The failure message the charm set, or empty.</param>
/// <param name="Output">The results the charm set (with Juju's <c>return-code</c>, <c>stdout</c> … when present).</param>
/// <param name="Log">The action's log messages.</param>
public sealed record ActionOutcome(string ActionId, string Status, string Message, IReadOnlyDictionary<string, JsonElement> Output, IReadOnlyList<string> Log)
{
    /// <summary>True when the action completed.</summary>
    public bool Succeeded => Status == "completed";
}

/// <summary>One charm option of an application, as <c>Application.Get</c> returns it.</summary>
/// <param name="Name">The option name.</param>
/// <param name="Type">The option type (<c>string</c>, <c>int</c>, <c>float</c>, <c>boolean</c>, <c>secret</c>).</param>
/// <param name="Value">The current value, or <see langword="null"/> when unset without a default.</param>
/// <param name="Source">Where the value comes from: <c>default</c> or <c>user</c>.</param>
/// <param name="Description">The option's description.</param>
public sealed record ConfigOptionValue(string Name, string Type, JsonElement? Value, string Source, string Description);

/// <summary>An application's settings: charm, channel, charm options and application config (e.g. <c>trust</c>).</summary>
/// <param name="Application">The application name.</param>
/// <param name="Charm">The charm name.</param>
/// <param name="Channel">The charm channel.</param>
/// <param name="Options">The charm options by name.</param>
/// <param name="ApplicationConfig">The application config values by name (e.g. <c>trust</c>).</param>
public sealed record ApplicationSettings(
    string Application,
    string Charm,
    string Channel,
    IReadOnlyDictionary<string, ConfigOptionValue> Options,
    IReadOnlyDictionary<string, JsonElement> ApplicationConfig);
