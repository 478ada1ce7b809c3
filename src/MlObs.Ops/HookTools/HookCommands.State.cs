// HookCommands: controller-side unit state (state-get, state-set, state-delete), goal-state and credential-get.
using System.Text;
using System.Text.Json;

namespace MlObs.Ops.HookTools;

public sealed partial class HookCommands
{
    private const int MaxStateKeyBytes = 256;
    private const int MaxStateValueBytes = 65536;

    /// <summary>Every key of this unit's controller-side state (<c>state-get --format=json</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Key to value; empty when nothing is stored (Juju prints <c>null</c> then).</returns>
    public Task<IReadOnlyDictionary<string, string>> StateGetAllAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync(
            ReadRequests.StateGet(),
            (root, json) => json.StringMap(root, "the unit state", nullIsEmpty: true),
            cancellationToken);

    /// <summary>
    /// Stores keys in this unit's controller-side state (<c>state-set --file -</c>, a JSON object on stdin);
    /// committed only if the hook succeeds. Nothing is run when <paramref name="values"/> is empty.
    /// </summary>
    /// <param name="values">Keys to store.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    /// <exception cref="ArgumentException">A key exceeds 256 bytes or a value 65536 bytes of UTF-8, or a value is null.</exception>
    public Task StateSetAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ThrowIfNullValues(values, nameof(values));
        foreach (var (key, value) in values)
        {
            if (Encoding.UTF8.GetByteCount(key) > MaxStateKeyBytes)
            {
                throw new ArgumentException(
                    $"state key \"{key}\" is longer than the {MaxStateKeyBytes} bytes Juju allows", nameof(values));
            }

            if (Encoding.UTF8.GetByteCount(value) > MaxStateValueBytes)
            {
                throw new ArgumentException(
                    $"the value of state key \"{key}\" is longer than the {MaxStateValueBytes} bytes Juju allows", nameof(values));
            }
        }

        if (values.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("state-set", ["--file", "-"], StdinJson.Object(values), cancellationToken);
    }

    /// <summary>Removes one key from this unit's controller-side state (<c>state-delete &lt;key&gt;</c>); a missing key is not an error.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task StateDeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RunAsync("state-delete", [key], null, cancellationToken);
    }

    /// <summary>What Juju is converging to for this application (<c>goal-state --format=json</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Units and relations with their goal status; missing sections are empty.</returns>
    public Task<GoalState> GoalStateAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync("goal-state", ["--format=json"], null, ParseGoalState, cancellationToken);

    /// <summary>The cloud credential of the model (<c>credential-get --format=json</c>); needs <c>juju trust</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cloud spec as a JSON object that stays valid after the call.</returns>
    public Task<JsonElement> CredentialGetAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync(
            "credential-get",
            ["--format=json"],
            null,
            (root, json) => json.Object(root, "the credential").Clone(),
            cancellationToken);

    private static GoalState ParseGoalState(JsonElement root, ToolJson json)
    {
        json.Object(root, "the goal state");
        var units = ToolJson.Optional(root, "units") is { } unitsElement
            ? ParseGoalStatuses(unitsElement, "\"units\"", json)
            : new Dictionary<string, GoalStateStatus>(StringComparer.Ordinal);

        var relations = new Dictionary<string, IReadOnlyDictionary<string, GoalStateStatus>>(StringComparer.Ordinal);
        if (ToolJson.Optional(root, "relations") is { } relationsElement)
        {
            foreach (var endpoint in json.Object(relationsElement, "\"relations\"").EnumerateObject())
            {
                relations[endpoint.Name] = endpoint.Value.ValueKind == JsonValueKind.Null
                    ? new Dictionary<string, GoalStateStatus>(StringComparer.Ordinal)
                    : ParseGoalStatuses(endpoint.Value, $"relation \"{endpoint.Name}\"", json);
            }
        }

        return new GoalState(units, relations);
    }

    private static Dictionary<string, GoalStateStatus> ParseGoalStatuses(JsonElement element, string what, ToolJson json)
    {
        var statuses = new Dictionary<string, GoalStateStatus>(StringComparer.Ordinal);
        foreach (var entry in json.Object(element, what).EnumerateObject())
        {
            var entryWhat = $"\"{entry.Name}\" in {what}";
            var status = json.String(json.Required(entry.Value, "status", entryWhat), $"the status of {entryWhat}");
            statuses[entry.Name] = new GoalStateStatus(status, json.OptionalTimestamp(entry.Value, "since", entryWhat));
        }

        return statuses;
    }
}
