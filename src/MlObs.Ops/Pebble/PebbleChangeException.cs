// PebbleChangeException: a change (start, stop, replan, exec, ...) finished with an error.
namespace MlObs.Ops.Pebble;

/// <summary>
/// A Pebble change finished with an error (ops' <c>pebble.ChangeError</c>). The message is the change's
/// <c>err</c>, followed by the task logs and, for service changes, the last log lines of the services.
/// </summary>
public sealed class PebbleChangeException : PebbleException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PebbleChangeException()
    {
        Err = string.Empty;
        ServiceLogs = [];
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong.</param>
    public PebbleChangeException(string message)
        : base(message)
    {
        Err = message;
        ServiceLogs = [];
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PebbleChangeException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Err = message;
        ServiceLogs = [];
    }

    /// <summary>Creates the exception for a change that failed.</summary>
    /// <param name="change">The change, with <see cref="Change.Err"/> set.</param>
    /// <param name="serviceLogs">The last log lines of the services the change acted on (may be empty).</param>
    public PebbleChangeException(Change change, IReadOnlyList<LogEntry>? serviceLogs = null)
        : base(Describe(change, serviceLogs ?? []))
    {
        ArgumentNullException.ThrowIfNull(change);
        Change = change;
        Err = change.Err ?? string.Empty;
        ServiceLogs = serviceLogs ?? [];
    }

    /// <summary>The change's error text.</summary>
    public string Err { get; }

    /// <summary>The failed change, or <see langword="null"/> when created without one.</summary>
    public Change? Change { get; }

    /// <summary>The last log lines of the affected services, fetched best effort when the change failed.</summary>
    public IReadOnlyList<LogEntry> ServiceLogs { get; }

    private static string Describe(Change change, IReadOnlyList<LogEntry> logs)
    {
        ArgumentNullException.ThrowIfNull(change);
        var parts = new List<string> { change.Err ?? $"change {change.Id} failed" };
        for (var i = 0; i < change.Tasks.Count; i++)
        {
            if (change.Tasks[i].Log.Count > 0)
            {
                parts.Add($"----- Logs from task {i} -----");
                parts.AddRange(change.Tasks[i].Log);
            }
        }

        if (logs.Count > 0)
        {
            parts.Add("----- Last service logs -----");
            parts.AddRange(logs.Select(entry => $"{entry.Service}: {entry.Message}"));
        }

        if (parts.Count > 1)
        {
            parts.Add("-----");
        }

        return string.Join('\n', parts);
    }
}
