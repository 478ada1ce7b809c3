// HookCommands: the 1:1 async layer over Juju hook tools. This file holds the plumbing (running a
// tool, mapping its failure, parsing its JSON) and the relation tools; the other tools live in the
// HookCommands.*.cs partial files beside it.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlObs.Ops.HookTools;

/// <summary>
/// One method per Juju hook tool a Kubernetes sidecar charm uses, building the argv ops main
/// (3.7.1+) builds: <c>--format=json</c> wherever the tool has it, free text after <c>--</c>,
/// relations as <c>endpoint:id</c>. A non-zero exit becomes a <see cref="ModelException"/>
/// (<see cref="RelationNotFoundException"/> or <see cref="SecretNotFoundException"/> where ops
/// raises those); output that does not parse becomes a <see cref="HookToolOutputException"/>.
/// </summary>
public sealed partial class HookCommands
{
    private readonly IHookCommandRunner _runner;

    /// <summary>Creates the hook tool layer over <paramref name="runner"/>.</summary>
    /// <param name="runner">Runs the tools: <see cref="ProcessHookCommandRunner"/> in a hook, a fake in tests.</param>
    public HookCommands(IHookCommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
    }

    /// <summary>The ids of the relations on <paramref name="endpoint"/>, ordered by id (<c>relation-ids</c>).</summary>
    /// <param name="endpoint">The endpoint name from the charm's metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One reference per live relation; empty when there are none.</returns>
    public Task<IReadOnlyList<RelationRef>> RelationIdsAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return RunJsonAsync<IReadOnlyList<RelationRef>>(
            ReadRequests.RelationIds(endpoint),
            (root, json) =>
            {
                var refs = new List<RelationRef>();
                foreach (var item in json.StringList(root, "the relation id list", nullIsEmpty: true))
                {
                    refs.Add(ParseRelationRef(item, endpoint, json));
                }

                // Juju sorts these as strings ("db:10" before "db:9"); callers want id order.
                return refs.OrderBy(r => r.Id).ToList();
            },
            cancellationToken);
    }

    /// <summary>The remote units in <paramref name="relation"/> (<c>relation-list</c>), in Juju's order.</summary>
    /// <param name="relation">The relation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Unit names such as <c>app/0</c>; empty when none have joined.</returns>
    public Task<IReadOnlyList<string>> RelationListAsync(RelationRef relation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        return RunJsonAsync(
            "relation-list",
            ["--format=json", "-r", relation.ToString()],
            null,
            (root, json) => json.StringList(root, "the unit list", nullIsEmpty: true),
            cancellationToken);
    }

    /// <summary>
    /// The remote application of <paramref name="relation"/> (<c>relation-list --app</c>), or
    /// <see langword="null"/> when the relation is gone or this Juju does not know <c>--app</c>.
    /// </summary>
    /// <param name="relation">The relation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The application name, or <see langword="null"/>.</returns>
    public async Task<string?> RelationRemoteAppAsync(RelationRef relation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        try
        {
            return await RunJsonAsync(
                "relation-list",
                ["--format=json", "--app", "-r", relation.ToString()],
                null,
                (root, json) => root.ValueKind == JsonValueKind.Null ? null : json.String(root, "the application name"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RelationNotFoundException)
        {
            return null;
        }
        catch (ModelException ex) when (ex is not HookToolOutputException
            && (ex.Stderr ?? string.Empty).Contains("option provided but not defined: --app", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Reads a whole databag (<c>relation-get - &lt;unit-or-app&gt;</c>).</summary>
    /// <param name="relation">The relation.</param>
    /// <param name="unitOrApp">The unit (for example <c>app/0</c>) or, with <paramref name="app"/>, the application whose databag to read.</param>
    /// <param name="app"><see langword="true"/> for the application databag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The databag; empty when nothing is set.</returns>
    public Task<IReadOnlyDictionary<string, string>> RelationGetAsync(
        RelationRef relation, string unitOrApp, bool app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        ArgumentException.ThrowIfNullOrEmpty(unitOrApp);
        List<string> args = ["--format=json", "-r", relation.ToString()];
        if (app)
        {
            args.Add("--app");
        }

        args.Add("-");
        args.Add(unitOrApp);
        return RunJsonAsync(
            "relation-get",
            args,
            null,
            (root, json) => json.StringMap(root, "the databag", nullIsEmpty: true),
            cancellationToken);
    }

    /// <summary>
    /// Writes keys into this unit's (or, with <paramref name="app"/>, this application's) databag
    /// (<c>relation-set --file -</c>, a JSON object on stdin). An empty value deletes the key.
    /// </summary>
    /// <param name="relation">The relation.</param>
    /// <param name="data">The keys to write.</param>
    /// <param name="app"><see langword="true"/> for the application databag (leader only).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task RelationSetAsync(
        RelationRef relation, IReadOnlyDictionary<string, string> data, bool app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfNullValues(data, nameof(data));
        List<string> args = ["-r", relation.ToString()];
        if (app)
        {
            args.Add("--app");
        }

        args.Add("--file");
        args.Add("-");
        return RunAsync("relation-set", args, StdinJson.Object(data), cancellationToken);
    }

    /// <summary>The UUID of the model on the other side of <paramref name="relation"/> (<c>relation-model-get</c>, Juju 3.6.2+).</summary>
    /// <param name="relation">The relation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model UUID.</returns>
    public Task<string> RelationModelGetAsync(RelationRef relation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relation);
        return RunJsonAsync(
            "relation-model-get",
            ["--format=json", "-r", relation.ToString()],
            null,
            (root, json) => json.String(json.Required(root, "uuid", "the relation model"), "\"uuid\""),
            cancellationToken);
    }

    /// <summary>Runs <paramref name="tool"/> and maps a non-zero exit to the exception ops would raise.</summary>
    private async Task<string> RunAsync(
        string tool, IReadOnlyList<string> arguments, string? stdin, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(new HookCommandRequest(tool, arguments, stdin), cancellationToken)
            .ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw MapFailure(tool, result);
        }

        return result.Stdout ?? string.Empty;
    }

    /// <summary>Runs <paramref name="request"/> and parses its stdout as JSON.</summary>
    private Task<T> RunJsonAsync<T>(HookCommandRequest request, Func<JsonElement, ToolJson, T> parse, CancellationToken cancellationToken) =>
        RunJsonAsync(request.Tool, request.Arguments, request.Stdin, parse, cancellationToken);

    /// <summary>Runs <paramref name="tool"/> and parses its stdout as JSON (empty stdout reads as <c>null</c>).</summary>
    private async Task<T> RunJsonAsync<T>(
        string tool,
        IReadOnlyList<string> arguments,
        string? stdin,
        Func<JsonElement, ToolJson, T> parse,
        CancellationToken cancellationToken)
    {
        var stdout = await RunAsync(tool, arguments, stdin, cancellationToken).ConfigureAwait(false);
        var json = new ToolJson(tool, stdout);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(string.IsNullOrWhiteSpace(stdout) ? "null" : stdout);
        }
        catch (JsonException ex)
        {
            throw json.Malformed(ex.Message, ex);
        }

        using (document)
        {
            try
            {
                return parse(document.RootElement, json);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                // A shape check we missed: still report the tool and its output, never a bare JSON error.
                throw json.Malformed(ex.Message, ex);
            }
        }
    }

    /// <summary>
    /// ops main's <c>_wrap_hookcmd</c>: the tool name prefix and lower-cased stderr pick the exception.
    /// Besides ops' <c>relation not found</c> we also take Juju's <c>errors.NotFoundf("relation %v", id)</c>
    /// form (<c>relation 9 not found</c>), which names the same condition.
    /// </summary>
    internal static ModelException MapFailure(string tool, HookCommandResult result)
    {
        var stderr = result.Stderr ?? string.Empty;
        var lower = stderr.ToLowerInvariant();
        if ((tool.StartsWith("relation-", StringComparison.Ordinal) || tool.StartsWith("network-", StringComparison.Ordinal))
            && (lower.Contains("relation not found", StringComparison.Ordinal) || Patterns.RelationIdNotFound().IsMatch(lower)))
        {
            return new RelationNotFoundException(tool, result.ExitCode, stderr);
        }

        if (tool.StartsWith("secret-", StringComparison.Ordinal) && lower.Contains("not found", StringComparison.Ordinal))
        {
            return new SecretNotFoundException(tool, result.ExitCode, stderr);
        }

        return new ModelException(tool, result.ExitCode, stderr);
    }

    private static RelationRef ParseRelationRef(string text, string endpoint, ToolJson json)
    {
        // ops takes the part after the last ':' as the id; a bare id belongs to the endpoint asked about.
        var colon = text.LastIndexOf(':');
        var idText = colon < 0 ? text : text[(colon + 1)..];
        if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw json.Malformed($"expected a relation id of the form \"endpoint:id\" but got \"{text}\"");
        }

        return new RelationRef(colon <= 0 ? endpoint : text[..colon], id);
    }

    private static void ThrowIfNullValues(IReadOnlyDictionary<string, string> values, string paramName)
    {
        foreach (var (key, value) in values)
        {
            if (key is null || value is null)
            {
                throw new ArgumentException($"key \"{key}\" has a null value; hook tools take strings only", paramName);
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Regexes the hook tools' inputs are checked against before a call.</summary>
    private static partial class Patterns
    {
        /// <summary>Juju's secret content key rule (ops <c>Secret._key_re</c>).</summary>
        [GeneratedRegex("^([a-z](?:-?[a-z0-9]){2,})\\z", RegexOptions.CultureInvariant)]
        public static partial Regex SecretKey();

        /// <summary>Juju's "relation &lt;id&gt; not found" wording (the id may carry its endpoint), matched against lower-cased stderr.</summary>
        [GeneratedRegex(@"\brelation ""?[a-z0-9_.:-]*[0-9]""? not found", RegexOptions.CultureInvariant)]
        public static partial Regex RelationIdNotFound();

        /// <summary>ops' pre-check of dotted action result keys.</summary>
        [GeneratedRegex("^[a-z0-9](([a-z0-9-.]+)?[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
        public static partial Regex ActionResultKey();
    }
}
