// Container: a workload container of this unit and the Pebble that runs its services.
using MlObs.Ops.Pebble;

namespace MlObs.Ops;

/// <summary>
/// A workload container of this unit (ops' <c>Container</c>). <see cref="Pebble"/> is the full
/// client; the methods here are the everyday ones, named as in ops.
/// </summary>
public sealed class Container
{
    internal Container(string name, PebbleClient pebble)
    {
        Name = name;
        Pebble = pebble;
    }

    /// <summary>The container name from <c>charmcraft.yaml</c>.</summary>
    public string Name { get; }

    /// <summary>The Pebble client of this container.</summary>
    public PebbleClient Pebble { get; }

    /// <summary>Whether Pebble answers (false until the container's Pebble is up, e.g. before pebble-ready).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when <c>/v1/system-info</c> answers.</returns>
    public Task<bool> CanConnectAsync(CancellationToken cancellationToken = default) => Pebble.CanConnectAsync(cancellationToken);

    /// <summary>Adds a layer (by default combined into the existing layer of that label, as charms usually want).</summary>
    /// <param name="label">The layer label.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="combine">Merge into an existing layer of the same label instead of failing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Pebble has the layer.</returns>
    public Task AddLayerAsync(string label, Layer layer, bool combine = true, CancellationToken cancellationToken = default) =>
        Pebble.AddLayerAsync(label, layer, combine, cancellationToken);

    /// <summary>The combined plan of all layers.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan.</returns>
    public Task<Plan> GetPlanAsync(CancellationToken cancellationToken = default) => Pebble.GetPlanAsync(cancellationToken);

    /// <summary>Restarts the services whose plan changed and starts the enabled ones, waiting for the change.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change id.</returns>
    public Task<string> ReplanAsync(CancellationToken cancellationToken = default) => Pebble.ReplanAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Adds <paramref name="layer"/> and replans only when the plan does not already include it,
    /// so a reconcile that changes nothing restarts nothing.
    /// </summary>
    /// <param name="label">The layer label.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the layer changed the plan and a replan ran.</returns>
    public async Task<bool> EnsureLayerAsync(string label, Layer layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var plan = await Pebble.GetPlanAsync(cancellationToken).ConfigureAwait(false);
        if (plan.Includes(layer))
        {
            return false;
        }

        await Pebble.AddLayerAsync(label, layer, combine: true, cancellationToken).ConfigureAwait(false);
        await Pebble.ReplanAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Services and their states.</summary>
    /// <param name="names">Only these services, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The services.</returns>
    public Task<IReadOnlyList<ServiceInfo>> GetServicesAsync(IEnumerable<string>? names = null, CancellationToken cancellationToken = default) =>
        Pebble.GetServicesAsync(names, cancellationToken);

    /// <summary>Checks and their states.</summary>
    /// <param name="level">Only checks of this level, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The checks.</returns>
    public Task<IReadOnlyList<CheckInfo>> GetChecksAsync(CheckLevel? level = null, CancellationToken cancellationToken = default) =>
        Pebble.GetChecksAsync(level, null, cancellationToken);

    /// <summary>Writes a file in the container.</summary>
    /// <param name="path">The absolute path in the container.</param>
    /// <param name="content">The text (written as UTF-8).</param>
    /// <param name="options">Permissions, owner, make-dirs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public Task PushAsync(string path, string content, PushOptions? options = null, CancellationToken cancellationToken = default) =>
        Pebble.PushAsync(path, content, options, cancellationToken);

    /// <summary>Reads a text file from the container.</summary>
    /// <param name="path">The absolute path in the container.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The content.</returns>
    public Task<string> PullAsync(string path, CancellationToken cancellationToken = default) => Pebble.PullTextAsync(path, cancellationToken);

    /// <summary>Runs a command in the container and returns its exit code and output (ops' <c>exec().wait_output()</c>, without throwing on a non-zero exit).</summary>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="options">Environment, working directory, user, timeout, stdin.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Exit code, stdout and stderr.</returns>
    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default) =>
        Pebble.ExecAsync(command, options, cancellationToken);

    /// <summary>The container name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
