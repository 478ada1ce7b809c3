// HookCommands: the action tools (action-get, action-set, action-log, action-fail).
using System.Text.Json;

namespace MlObs.Ops.HookTools;

public sealed partial class HookCommands
{
    /// <summary>The running action's parameters (<c>action-get --format=json</c>), with Juju's schema defaults filled in.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A JSON object (empty when the action has no parameters) that stays valid after the call.</returns>
    public Task<JsonElement> ActionGetAsync(CancellationToken cancellationToken = default) =>
        RunJsonAsync(
            "action-get",
            ["--format=json"],
            null,
            (root, json) => root.ValueKind == JsonValueKind.Null
                ? EmptyObject()
                : json.Object(root, "the action parameters").Clone(),
            cancellationToken);

    /// <summary>
    /// Adds results to the running action (<c>action-set k=v ...</c>); later calls merge into earlier ones.
    /// Nested results must already be flattened to dotted keys. Nothing is run when <paramref name="flatResults"/> is empty.
    /// </summary>
    /// <param name="flatResults">Dotted key to value, for example <c>report.score</c> → <c>0.3</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    /// <exception cref="ArgumentException">A key is not lowercase alphanumerics, hyphens and dots (ops' rule), or a value is null.</exception>
    public Task ActionSetAsync(IReadOnlyDictionary<string, string> flatResults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flatResults);
        ThrowIfNullValues(flatResults, nameof(flatResults));
        if (flatResults.Count == 0)
        {
            return Task.CompletedTask;
        }

        var args = new List<string>(flatResults.Count);
        foreach (var key in flatResults.Keys.Order(StringComparer.Ordinal))
        {
            if (!Patterns.ActionResultKey().IsMatch(key))
            {
                throw new ArgumentException(
                    $"action result key \"{key}\" must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
                    nameof(flatResults));
            }

            args.Add($"{key}={flatResults[key]}");
        }

        return RunAsync("action-set", args, null, cancellationToken);
    }

    /// <summary>Sends a progress message to whoever runs the action (<c>action-log -- &lt;message&gt;</c>).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task ActionLogAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RunAsync("action-log", ["--", message], null, cancellationToken);
    }

    /// <summary>Marks the running action failed (<c>action-fail -- &lt;message&gt;</c>); the hook itself still succeeds.</summary>
    /// <param name="message">Why it failed; may be empty.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task ActionFailAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RunAsync("action-fail", ["--", message], null, cancellationToken);
    }

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
