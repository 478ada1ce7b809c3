// HookCommands: config, leadership, status, workload version and logging tools.
using System.Text.Json;

namespace MlObs.Ops.HookTools;

public sealed partial class HookCommands
{
    /// <summary>The charm's configuration (<c>config-get --format=json</c>): options that are set or have a default.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Option name to its JSON value (string, number, boolean); the elements stay valid after the call.</returns>
    public Task<IReadOnlyDictionary<string, JsonElement>> ConfigGetAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync<IReadOnlyDictionary<string, JsonElement>>(
            ReadRequests.ConfigGet(),
            (root, json) =>
            {
                var config = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in json.Object(root, "the configuration").EnumerateObject())
                {
                    config[property.Name] = property.Value.Clone();
                }

                return config;
            },
            cancellationToken);

    /// <summary>Whether this unit is the leader (<c>is-leader --format=json</c>); a <see langword="true"/> holds for about 30 s.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when this unit holds the leadership lease.</returns>
    public Task<bool> IsLeaderAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync(
            ReadRequests.IsLeader(),
            (root, json) => json.Boolean(root, "the leadership answer"),
            cancellationToken);

    /// <summary>Sets the unit or application status (<c>status-set --application=True|False &lt;status&gt; -- &lt;message&gt;</c>).</summary>
    /// <param name="status"><c>active</c>, <c>blocked</c>, <c>maintenance</c> or <c>waiting</c>.</param>
    /// <param name="message">The message; may be empty, may start with <c>-</c>.</param>
    /// <param name="application"><see langword="true"/> for the application status (leader only).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task StatusSetAsync(string status, string message, bool application, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        ArgumentNullException.ThrowIfNull(message);
        return RunAsync(
            "status-set",
            [application ? "--application=True" : "--application=False", status, "--", message],
            null,
            cancellationToken);
    }

    /// <summary>Reads the unit or application status back (<c>status-get --include-data --format=json</c>).</summary>
    /// <param name="application"><see langword="true"/> for the application status (leader only).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status and its message.</returns>
    public Task<StatusInfo> StatusGetAsync(bool application, CancellationToken cancellationToken = default) =>
        RunJsonAsync(
            "status-get",
            ["--include-data", "--format=json", application ? "--application=true" : "--application=false"],
            null,
            (root, json) =>
            {
                // The application form nests the same fields under "application-status".
                var body = json.Object(root, "the status");
                if (ToolJson.Optional(body, "application-status") is { } appStatus)
                {
                    body = json.Object(appStatus, "\"application-status\"");
                }

                var status = json.String(json.Required(body, "status", "the status"), "\"status\"");
                var message = json.OptionalString(body, "message", "the status") ?? string.Empty;
                return new StatusInfo(status, message);
            },
            cancellationToken);

    /// <summary>Sets the workload version shown by <c>juju status</c> (<c>application-version-set -- &lt;version&gt;</c>).</summary>
    /// <param name="version">The version text; may be empty.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task ApplicationVersionSetAsync(string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        return RunAsync("application-version-set", ["--", version], null, cancellationToken);
    }

    /// <summary>Writes one line to the unit's Juju debug log (<c>juju-log --log-level &lt;LEVEL&gt; -- &lt;message&gt;</c>).</summary>
    /// <param name="level"><c>TRACE</c>, <c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c> or <c>CRITICAL</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task JujuLogAsync(string level, string message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(level);
        ArgumentNullException.ThrowIfNull(message);
        return RunAsync("juju-log", ["--log-level", level, "--", message], null, cancellationToken);
    }
}
