// BulkResults: most Juju write calls are bulk ({"results": [{"error": …}, …]}); a top-level success can
// hide per-item failures, so callers check each item (libjuju raises on the first; we report them all).
namespace Juju.Net;

/// <summary>Checks the per-item <c>error</c> entries of a bulk call's results.</summary>
public static class BulkResults
{
    /// <summary>Returns <paramref name="items"/> when no item carries an error; otherwise throws for the failed items.</summary>
    /// <typeparam name="T">The result item type, e.g. <see cref="ErrorResult"/> or <see cref="AddMachinesResult"/>.</typeparam>
    /// <param name="items">The <c>results</c> list (<see langword="null"/> counts as empty).</param>
    /// <param name="error">Reads an item's <c>error</c>, e.g. <c>r =&gt; r.Error</c>.</param>
    /// <param name="call">What was called, e.g. <c>Application.Deploy (v22)</c>.</param>
    /// <returns>The items, never <see langword="null"/>.</returns>
    /// <exception cref="JujuApiException">One item failed: its code, message and info, with the item's index in <see cref="JujuApiException.Call"/>.</exception>
    /// <exception cref="AggregateException">Several items failed: one <see cref="JujuApiException"/> per failed item.</exception>
    public static IReadOnlyList<T> EnsureSuccess<T>(IReadOnlyList<T>? items, Func<T, Error?> error, string call)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(call);
        if (items is null)
        {
            return [];
        }

        var failures = new List<JujuApiException>();
        for (var i = 0; i < items.Count; i++)
        {
            var e = error(items[i]);
            if (e is not null && (e.Message.Length > 0 || e.Code.Length > 0))
            {
                failures.Add(new JujuApiException($"{call} item {i}", e));
            }
        }

        return failures.Count switch
        {
            0 => items,
            1 => throw failures[0],
            _ => throw new AggregateException($"{call}: {failures.Count} of {items.Count} items failed: {string.Join("; ", failures.Select(f => f.Message))}", failures),
        };
    }

    /// <summary>Throws for the failed items of an <see cref="ErrorResults"/> (the answer of most write calls).</summary>
    /// <param name="results">The call's result.</param>
    /// <param name="call">What was called, e.g. <c>Application.SetConfigs (v22)</c>.</param>
    /// <exception cref="JujuApiException">One item failed.</exception>
    /// <exception cref="AggregateException">Several items failed.</exception>
    public static void EnsureSuccess(this ErrorResults results, string call)
    {
        ArgumentNullException.ThrowIfNull(results);
        EnsureSuccess(results.Results, r => r.Error, call);
    }
}
