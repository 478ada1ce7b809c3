// WorkloadContainer: one container of a run. It starts a fake Pebble seeded from a ContainerState
// (boot id, layers, service statuses, mounts, execs, notices, check states) and, after the hook, reads the
// container back into a ContainerState, as Scenario's output state holds it.
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.Pebble;
using MlObs.Ops.Testing.State;
using ExecRequest = MlObs.Ops.Testing.Pebble.ExecRequest;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>
/// A container of the unit under test, served by a <see cref="FakePebbleServer"/> when the state
/// says the charm can connect to it; otherwise no socket exists and every Pebble call fails to
/// connect, as it does while Juju's <c>can_connect</c> is false.
/// </summary>
public sealed class WorkloadContainer : IAsyncDisposable
{
    private readonly ContainerState _before;

    private WorkloadContainer(ContainerState before, FakePebbleServer? server, string socketPath)
    {
        _before = before;
        Server = server;
        SocketPath = socketPath;
    }

    /// <summary>The container's name.</summary>
    public string Name => _before.Name;

    /// <summary>The fake Pebble, or <see langword="null"/> when the charm cannot connect.</summary>
    public FakePebbleServer? Server { get; }

    /// <summary>Where the Pebble socket is (it does not exist when the charm cannot connect).</summary>
    public string SocketPath { get; }

    /// <summary>The commands the charm ran in the container, in order (Scenario's <c>exec_history</c>).</summary>
    public IReadOnlyList<ExecRequest> ExecHistory => Server?.ExecHistory ?? [];

    /// <summary>Starts the fake Pebble for <paramref name="container"/> with a socket at <paramref name="socketPath"/>.</summary>
    /// <param name="container">The container as the input state describes it.</param>
    /// <param name="socketPath">The socket to create; its directory must exist.</param>
    /// <param name="timeProvider">The clock of notices and changes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running container.</returns>
    /// <exception cref="InconsistentStateException">The state cannot be served (a layer Pebble would refuse, a check not in the plan).</exception>
    public static async Task<WorkloadContainer> StartAsync(
        ContainerState container, string socketPath, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(socketPath);
        if (!container.CanConnect)
        {
            return new WorkloadContainer(container, null, socketPath);
        }

        var server = await FakePebbleServer.StartAsync(
            new FakePebbleServerOptions
            {
                SocketPath = socketPath,
                TimeProvider = timeProvider ?? TimeProvider.System,
                Mounts = container.Mounts.Values.ToDictionary(m => m.Location, m => m.Source, StringComparer.Ordinal),
                BootId = container.BootId,
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            Seed(server, container);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new WorkloadContainer(container, server, socketPath);
    }

    /// <summary>The container after the hook: the boot id served, and layers, service statuses, notices and check states as Pebble now reports them.</summary>
    /// <returns>The output container state; the input one when the charm could not connect.</returns>
    public ContainerState Capture()
    {
        if (Server is null)
        {
            return _before;
        }

        var statuses = Server.ServiceStatuses;
        var checks = Server.CheckStatuses;
        return _before with
        {
            BootId = Server.BootId,
            Layers = Server.Layers.ToDictionary(l => l.Label, l => l.Layer, StringComparer.Ordinal),
            ServiceStatuses = statuses.ToDictionary(s => s.Key, s => ParseServiceStatus(s.Value), StringComparer.Ordinal),
            Notices = [.. Server.Notices.Select(ToNotice)],
            CheckInfos = [.. _before.CheckInfos.Select(c => checks.TryGetValue(c.Name, out var status) ? c with { Status = ParseCheckStatus(status) } : c)],
        };
    }

    /// <summary>Stops the fake Pebble and removes its files (mount sources are left as they are).</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Seed(FakePebbleServer server, ContainerState container)
    {
        foreach (var (label, layer) in container.Layers)
        {
            try
            {
                server.AddLayer(label, layer);
            }
            catch (PebbleLayerException e)
            {
                throw new InconsistentStateException($"containers[{container.Name}].layers[{label}]: Pebble refuses the layer: {e.Message}");
            }
        }

        foreach (var (service, status) in container.ServiceStatuses)
        {
            if (!server.Plan.Services.ContainsKey(service))
            {
                throw new InconsistentStateException(
                    $"containers[{container.Name}].service_statuses[{service}]: no such service in the container's layers; add it to a layer or remove the status");
            }

            server.SetServiceStatus(service, ServiceStatusText(status));
        }

        foreach (var exec in container.Execs)
        {
            server.AddExec(exec.CommandPrefix, exec.ReturnCode, exec.Stdout, exec.Stderr);
        }

        foreach (var notice in container.Notices)
        {
            server.RestoreNotice(new FakePebbleNotice(
                notice.Id,
                notice.UserId is { } user ? (uint)user : null,
                notice.Type,
                notice.Key,
                notice.FirstOccurred,
                notice.LastOccurred,
                notice.LastRepeated,
                notice.Occurrences,
                notice.LastData,
                notice.RepeatAfter ?? TimeSpan.Zero,
                notice.ExpireAfter ?? TimeSpan.FromDays(7)));
        }

        foreach (var check in container.CheckInfos)
        {
            try
            {
                server.SetCheckStatus(check.Name, CheckStatusText(check.Status), check.Failures);
            }
            catch (ArgumentException e)
            {
                throw new InconsistentStateException($"containers[{container.Name}].check_infos[{check.Name}]: {e.Message}");
            }
        }
    }

    private static Notice ToNotice(FakePebbleNotice n) => new(
        n.Id, n.UserId, n.Type, n.Key, n.FirstOccurred, n.LastOccurred, n.LastRepeated, n.Occurrences, n.LastData,
        n.RepeatAfter == TimeSpan.Zero ? null : n.RepeatAfter, n.ExpireAfter);

    private static string ServiceStatusText(ServiceStatus status) => status switch
    {
        ServiceStatus.Active => "active",
        ServiceStatus.Error => "error",
        ServiceStatus.Backoff => "backoff",
        _ => "inactive",
    };

    private static ServiceStatus ParseServiceStatus(string text) => text switch
    {
        "active" => ServiceStatus.Active,
        "error" => ServiceStatus.Error,
        "backoff" => ServiceStatus.Backoff,
        _ => ServiceStatus.Inactive,
    };

    private static string CheckStatusText(CheckStatus status) => status switch
    {
        CheckStatus.Up => "up",
        CheckStatus.Down => "down",
        _ => "inactive",
    };

    private static CheckStatus ParseCheckStatus(string text) => text switch
    {
        "up" => CheckStatus.Up,
        "down" => CheckStatus.Down,
        _ => CheckStatus.Inactive,
    };
}

/// <summary>Every container of a run, each a <see cref="WorkloadContainer"/>: started together, read back together, stopped together.</summary>
public sealed class WorkloadContainers : IAsyncDisposable
{
    private readonly List<WorkloadContainer> _containers;

    private WorkloadContainers(List<WorkloadContainer> containers)
    {
        _containers = containers;
    }

    /// <summary>Starts a container for each of <paramref name="containers"/>, in order; on failure the ones started are stopped.</summary>
    /// <param name="containers">The containers of the input state.</param>
    /// <param name="socketPathFor">Where the Pebble socket of a container goes (its directory must exist).</param>
    /// <param name="timeProvider">The clock of notices and changes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running containers.</returns>
    /// <exception cref="InconsistentStateException">A container's state cannot be served.</exception>
    public static async Task<WorkloadContainers> StartAsync(
        IEnumerable<ContainerState> containers, Func<string, string> socketPathFor, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(socketPathFor);
        var group = new WorkloadContainers([]);
        try
        {
            foreach (var container in containers)
            {
                group._containers.Add(await WorkloadContainer.StartAsync(container, socketPathFor(container.Name), timeProvider, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            await group.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return group;
    }

    /// <summary>The socket of container <paramref name="name"/>, or null when the state has no such container.</summary>
    /// <param name="name">The container name.</param>
    /// <returns>The socket path.</returns>
    public string? SocketPath(string name) => _containers.Find(c => c.Name == name)?.SocketPath;

    /// <summary>The containers after the hook, in input order (see <see cref="WorkloadContainer.Capture"/>).</summary>
    /// <returns>The output container states.</returns>
    public IReadOnlyList<ContainerState> Capture() => [.. _containers.Select(c => c.Capture())];

    /// <summary>The commands run in each container that ran any, by container name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ExecRequest>> ExecHistory =>
        _containers.Where(c => c.ExecHistory.Count > 0).ToDictionary(c => c.Name, c => c.ExecHistory, StringComparer.Ordinal);

    /// <summary>Stops every container.</summary>
    /// <returns>A task that completes when all have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }
    }
}
