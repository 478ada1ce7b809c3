// Unit and Application: this unit, its application and their remote counterparts.
using MlObs.Ops.HookTools;

namespace MlObs.Ops;

/// <summary>A Juju unit: this one, a peer, or a unit of a related application.</summary>
public sealed class Unit
{
    private readonly Model _model;

    internal Unit(Model model, string name, Application app, bool isLocal)
    {
        _model = model;
        Name = name;
        App = app;
        IsLocal = isLocal;
    }

    /// <summary>The unit name, <c>app/N</c>.</summary>
    public string Name { get; }

    /// <summary>The unit's application.</summary>
    public Application App { get; }

    /// <summary>Whether this is the unit running the charm.</summary>
    public bool IsLocal { get; }

    /// <summary>
    /// Whether this unit is the leader. A "no" holds for the rest of the dispatch, as in Juju;
    /// a "yes" holds for the 30-second leadership lease.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when this unit leads its application.</returns>
    /// <exception cref="InvalidOperationException">The unit is not the local unit.</exception>
    public Task<bool> IsLeaderAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal("ask for leadership");
        return _model.IsLeaderAsync(cancellationToken);
    }

    /// <summary>A workload container of this unit, with its Pebble client.</summary>
    /// <param name="name">The container name from <c>charmcraft.yaml</c>.</param>
    /// <returns>The container.</returns>
    /// <exception cref="ArgumentException">The container is not declared.</exception>
    public Container GetContainer(string name)
    {
        RequireLocal("reach a container");
        return _model.ContainerFor(name);
    }

    /// <summary>Sets this unit's status now. Prefer adding statuses in a collect-unit-status handler.</summary>
    /// <param name="status">Active, blocked, maintenance or waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the status.</returns>
    /// <exception cref="InvalidStatusException">The status is error or unknown.</exception>
    public Task SetStatusAsync(StatusBase status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        RequireLocal("set a status");
        StatusRules.RequireSettable(status);
        return _model.Commands.StatusSetAsync(status.Name, status.Message, application: false, cancellationToken);
    }

    /// <summary>This unit's current status.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<StatusBase> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal("read a status");
        var info = await _model.Commands.StatusGetAsync(application: false, cancellationToken).ConfigureAwait(false);
        return StatusBase.FromName(info.Status, info.Message);
    }

    /// <summary>Sets the workload version shown by <c>juju status</c>.</summary>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the version.</returns>
    public Task SetWorkloadVersionAsync(string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        RequireLocal("set the workload version");
        return _model.Commands.ApplicationVersionSetAsync(version, cancellationToken);
    }

    /// <summary>Opens a port (applied when the hook succeeds).</summary>
    /// <param name="protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
    /// <param name="port">The port; null for icmp.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the request.</returns>
    public Task OpenPortAsync(string protocol, int? port = null, CancellationToken cancellationToken = default)
    {
        RequireLocal("open a port");
        return _model.Commands.OpenPortAsync(protocol, port, cancellationToken);
    }

    /// <summary>Closes a port (applied when the hook succeeds).</summary>
    /// <param name="protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
    /// <param name="port">The port; null for icmp.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the request.</returns>
    public Task ClosePortAsync(string protocol, int? port = null, CancellationToken cancellationToken = default)
    {
        RequireLocal("close a port");
        return _model.Commands.ClosePortAsync(protocol, port, cancellationToken);
    }

    /// <summary>The ports open on this unit (without this hook's pending changes).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open ports.</returns>
    public Task<IReadOnlyList<OpenedPort>> GetOpenedPortsAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal("list opened ports");
        return _model.Commands.OpenedPortsAsync(cancellationToken);
    }

    /// <summary>Makes exactly these ports open: opens the missing ones and closes the others.</summary>
    /// <param name="ports">The ports that should be open.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the requests.</returns>
    public async Task SetPortsAsync(IEnumerable<OpenedPort> ports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ports);
        RequireLocal("set ports");
        // A single port may be given without its range end; opened-ports lists it as FromPort = ToPort.
        var wanted = ports.Select(p => p.ToPort is null && p.FromPort is not null ? p with { ToPort = p.FromPort } : p).ToList();
        var current = await _model.Commands.OpenedPortsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var port in current.Where(p => !wanted.Contains(p)))
        {
            await _model.Commands.ClosePortAsync(port.Protocol, port.FromPort, cancellationToken).ConfigureAwait(false);
        }

        foreach (var port in wanted.Where(p => !current.Contains(p)))
        {
            await _model.Commands.OpenPortAsync(port.Protocol, port.FromPort, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates a secret owned by this unit.</summary>
    /// <param name="content">Keys (lowercase, 3+ characters) to values.</param>
    /// <param name="options">Label, description, expiry and rotation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new secret.</returns>
    public Task<Secret> AddSecretAsync(IReadOnlyDictionary<string, string> content, SecretOptions? options = null, CancellationToken cancellationToken = default)
    {
        RequireLocal("add a secret");
        return Secret.AddAsync(_model, content, options ?? new SecretOptions(), owner: "unit", cancellationToken);
    }

    /// <summary>The unit name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    private void RequireLocal(string what)
    {
        if (!IsLocal)
        {
            throw new InvalidOperationException($"Cannot {what} for {Name}: only the local unit {_model.Unit.Name} can.");
        }
    }
}

/// <summary>A Juju application: this unit's, or a related one.</summary>
public sealed class Application
{
    private readonly Model _model;

    internal Application(Model model, string name, bool isLocal)
    {
        _model = model;
        Name = name;
        IsLocal = isLocal;
    }

    /// <summary>The application name.</summary>
    public string Name { get; }

    /// <summary>Whether this is the charm's own application.</summary>
    public bool IsLocal { get; }

    /// <summary>Sets the application status now (leader only). Prefer a collect-app-status handler.</summary>
    /// <param name="status">Active, blocked, maintenance or waiting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Juju has the status.</returns>
    /// <exception cref="InvalidOperationException">This unit is not the leader.</exception>
    public async Task SetStatusAsync(StatusBase status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        RequireLocal("set a status");
        StatusRules.RequireSettable(status);
        if (!await _model.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Cannot set the status of {Name}: {_model.Unit.Name} is not the leader.");
        }

        await _model.Commands.StatusSetAsync(status.Name, status.Message, application: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The application status (leader only).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<StatusBase> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal("read a status");
        if (!await _model.IsLeaderAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Cannot read the status of {Name}: {_model.Unit.Name} is not the leader.");
        }

        var info = await _model.Commands.StatusGetAsync(application: true, cancellationToken).ConfigureAwait(false);
        return StatusBase.FromName(info.Status, info.Message);
    }

    /// <summary>Creates a secret owned by the application (leader only).</summary>
    /// <param name="content">Keys (lowercase, 3+ characters) to values.</param>
    /// <param name="options">Label, description, expiry and rotation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new secret.</returns>
    public Task<Secret> AddSecretAsync(IReadOnlyDictionary<string, string> content, SecretOptions? options = null, CancellationToken cancellationToken = default)
    {
        RequireLocal("add a secret");
        return Secret.AddAsync(_model, content, options ?? new SecretOptions(), owner: "application", cancellationToken);
    }

    /// <summary>How many units Juju plans for this application (units not dying, from goal-state).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The planned unit count.</returns>
    public async Task<int> GetPlannedUnitsAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal("count planned units");
        var goal = await _model.Commands.GoalStateAsync(cancellationToken).ConfigureAwait(false);
        return goal.Units.Count(u => u.Key.StartsWith(Name + "/", StringComparison.Ordinal) && u.Value.Status != "dying");
    }

    /// <summary>The application name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    private void RequireLocal(string what)
    {
        if (!IsLocal)
        {
            throw new InvalidOperationException($"Cannot {what} for application {Name}: it is not this charm's application.");
        }
    }
}

internal static class StatusRules
{
    public static void RequireSettable(StatusBase status)
    {
        if (status is ErrorStatus or UnknownStatus)
        {
            throw new InvalidStatusException($"A charm cannot set the '{status.Name}' status; Juju sets it.");
        }
    }
}
