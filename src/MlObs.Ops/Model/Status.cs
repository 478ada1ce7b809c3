// Workload statuses and their collect-status priority.
namespace MlObs.Ops;

/// <summary>A unit or application status: a name Juju knows and a message for the operator.</summary>
/// <param name="Message">What the operator should know; for blocked, what they should do.</param>
public abstract record StatusBase(string Message)
{
    /// <summary>The status name as Juju spells it (<c>active</c>, <c>blocked</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>The collect-status priority: error 5, blocked 4, maintenance 3, waiting 2, active 1, unknown 0.</summary>
    public abstract int Priority { get; }

    /// <summary>Builds a status from its Juju name.</summary>
    /// <param name="name">The status name.</param>
    /// <param name="message">The message.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentException">The name is not a Juju status.</exception>
    public static StatusBase FromName(string name, string message) => name switch
    {
        "active" => new ActiveStatus(message),
        "blocked" => new BlockedStatus(message),
        "maintenance" => new MaintenanceStatus(message),
        "waiting" => new WaitingStatus(message),
        "error" => new ErrorStatus(message),
        "unknown" => new UnknownStatus(message),
        _ => throw new ArgumentException($"'{name}' is not a Juju status (expected active, blocked, maintenance, waiting, error or unknown).", nameof(name)),
    };

    /// <summary>The status with the highest priority; on a tie, the first one added.</summary>
    /// <param name="statuses">Collected statuses.</param>
    /// <returns>The winner, or null when there are none.</returns>
    public static StatusBase? Highest(IEnumerable<StatusBase> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        StatusBase? best = null;
        foreach (var status in statuses)
        {
            if (best is null || status.Priority > best.Priority)
            {
                best = status;
            }
        }

        return best;
    }

    /// <summary>Formats the status as <c>name: message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Message.Length == 0 ? Name : $"{Name}: {Message}";
}

/// <summary>The workload is ready and serving.</summary>
/// <param name="Message">An optional note.</param>
public sealed record ActiveStatus(string Message = "") : StatusBase(Message)
{
    /// <inheritdoc />
    public override string Name => "active";

    /// <inheritdoc />
    public override int Priority => 1;
}

/// <summary>The charm needs the operator to do something; the message says what.</summary>
/// <param name="Message">What the operator should do.</param>
public sealed record BlockedStatus(string Message) : StatusBase(Message)
{
    /// <inheritdoc />
    public override string Name => "blocked";

    /// <inheritdoc />
    public override int Priority => 4;
}

/// <summary>The charm is doing work that takes a while (installing, migrating).</summary>
/// <param name="Message">What it is doing.</param>
public sealed record MaintenanceStatus(string Message) : StatusBase(Message)
{
    /// <inheritdoc />
    public override string Name => "maintenance";

    /// <inheritdoc />
    public override int Priority => 3;
}

/// <summary>The charm waits for something outside the operator's hands (a relation, a workload).</summary>
/// <param name="Message">What it waits for.</param>
public sealed record WaitingStatus(string Message) : StatusBase(Message)
{
    /// <inheritdoc />
    public override string Name => "waiting";

    /// <inheritdoc />
    public override int Priority => 2;
}

/// <summary>A hook failed. Only Juju sets it; a charm cannot.</summary>
/// <param name="Message">The error.</param>
public sealed record ErrorStatus(string Message = "") : StatusBase(Message)
{
    /// <inheritdoc />
    public override string Name => "error";

    /// <inheritdoc />
    public override int Priority => 5;
}

/// <summary>No status has been set. Only Juju sets it; a charm cannot.</summary>
/// <param name="Message">Usually empty.</param>
public sealed record UnknownStatus(string Message = "") : StatusBase(Message)
{
    /// <inheritdoc />
    public override string Name => "unknown";

    /// <inheritdoc />
    public override int Priority => 0;
}

/// <summary>A charm tried to set a status Juju reserves (error, unknown).</summary>
public sealed class InvalidStatusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidStatusException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidStatusException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
