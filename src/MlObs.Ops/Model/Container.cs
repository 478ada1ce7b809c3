// Container: a workload container of this unit and the Pebble that runs its services.
using MlObs.Ops.Pebble;

namespace MlObs.Ops;

/// <summary>
/// A workload container of this unit (ops' <c>Container</c>). <see cref="Pebble"/> is the full
/// client; the methods here are the everyday ones, named as in ops.
/// </summary>
public sealed class Container
{
    private readonly PebbleMemory? _memory;
    private string? _bootId;

    internal Container(string name, PebbleClient pebble, PebbleMemory? memory = null)
    {
        Name = name;
        Pebble = pebble;
        _memory = memory;
    }

    /// <summary>The container name from <c>charmcraft.yaml</c>.</summary>
    public string Name { get; }

    /// <summary>The Pebble client of this container.</summary>
    public PebbleClient Pebble { get; }

    /// <summary>Whether Pebble answers (false until the container's Pebble is up, e.g. before pebble-ready).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when <c>/v1/system-info</c> answers.</returns>
    public async Task<bool> CanConnectAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _bootId = (await Pebble.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false)).BootId;
            return true;
        }
        catch (PebbleConnectionException)
        {
            return false;
        }
    }

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
    /// <remarks>
    /// The unit remembers, in its state, the digest of the layer it ensured and the boot id of the
    /// Pebble it ensured it on. While that Pebble still runs (same boot id, from this dispatch's
    /// <see cref="CanConnectAsync"/> or asked here) and the layer is the same, the plan is not
    /// read again: one request instead of two to four. A Pebble restart (a new boot id, which Juju
    /// announces with <c>&lt;container&gt;-pebble-ready</c>) or another layer makes it read the plan
    /// as before. A layer changed by hand with <c>pebble add-layer</c> is therefore not put back
    /// until the charm's layer or the Pebble boot changes.
    /// </remarks>
    /// <param name="label">The layer label.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the layer changed the plan and a replan ran.</returns>
    public async Task<bool> EnsureLayerAsync(string label, Layer layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return await ApplyOnceAsync("layer:" + label, layer.Digest(), async () =>
        {
            var plan = await Pebble.GetPlanAsync(cancellationToken).ConfigureAwait(false);
            if (plan.Includes(layer))
            {
                return false;
            }

            await Pebble.AddLayerAsync(label, layer, combine: true, cancellationToken).ConfigureAwait(false);
            await Pebble.ReplanAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Writes a file in the container unless this unit already wrote the same content there, with
    /// the same options, on the Pebble that is running now (see <see cref="EnsureLayerAsync"/> for
    /// how that is known). For files only the charm writes, such as a workload's configuration; a
    /// file the workload or a person may change or delete needs <see cref="PushAsync"/>.
    /// </summary>
    /// <param name="path">The absolute path in the container.</param>
    /// <param name="content">The text (written as UTF-8).</param>
    /// <param name="options">Permissions, owner, make-dirs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the file was written, false when it was known to be there already.</returns>
    public async Task<bool> EnsurePushedAsync(string path, string content, PushOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var inputs = string.Join(
            "\0", content, options?.MakeDirs ?? false, options?.Permissions, options?.User, options?.UserId, options?.Group, options?.GroupId);
        return await ApplyOnceAsync("file:" + path, PebbleMemory.Digest(inputs), async () =>
        {
            await Pebble.PushAsync(path, content, options, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

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

    // Runs apply unless the unit's memory says item was applied from inputs with the same digest on the Pebble running
    // now, and remembers it after apply succeeds. Without a memory (no unit state), apply always runs. False when skipped.
    private async Task<bool> ApplyOnceAsync(string item, string digest, Func<Task<bool>> apply, CancellationToken cancellationToken)
    {
        if (_memory is null)
        {
            return await apply().ConfigureAwait(false);
        }

        var bootId = await BootIdAsync(cancellationToken).ConfigureAwait(false);
        if (_memory.Holds(bootId, item, digest))
        {
            return false;
        }

        var changed = await apply().ConfigureAwait(false);
        _memory.Record(bootId, item, digest);
        return changed;
    }

    // The boot id of the Pebble answering now: the one system-info gave earlier in this dispatch, else asked.
    private async Task<string> BootIdAsync(CancellationToken cancellationToken) =>
        _bootId ??= (await Pebble.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false)).BootId;
}
