// HookCommands: storage and resource tools (storage-list, storage-get, storage-add, resource-get).
namespace MlObs.Ops.HookTools;

public sealed partial class HookCommands
{
    /// <summary>The storage instances attached to this unit (<c>storage-list --format=json [name]</c>).</summary>
    /// <param name="name">Only instances of this storage name, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Storage ids such as <c>data/0</c>; empty when none.</returns>
    public Task<IReadOnlyList<string>> StorageListAsync(string? name, CancellationToken cancellationToken = default)
    {
        List<string> args = ["--format=json"];
        if (!string.IsNullOrEmpty(name))
        {
            args.Add(name);
        }

        return RunJsonAsync(
            "storage-list",
            args,
            null,
            (root, json) => json.StringList(root, "the storage list", nullIsEmpty: true),
            cancellationToken);
    }

    /// <summary>The kind and location of a storage instance (<c>storage-get --format=json -s &lt;name&gt;/&lt;n&gt;</c>).</summary>
    /// <param name="storageId">The storage id, for example <c>data/0</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The storage kind and where it is mounted or attached.</returns>
    public Task<StorageDetails> StorageGetAsync(string storageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(storageId);
        return RunJsonAsync(
            "storage-get",
            ["--format=json", "-s", storageId],
            null,
            (root, json) => new StorageDetails(
                json.String(json.Required(root, "kind", "the storage details"), "\"kind\""),
                json.String(json.Required(root, "location", "the storage details"), "\"location\"")),
            cancellationToken);
    }

    /// <summary>Asks Juju for more instances of a storage (<c>storage-add &lt;name&gt;=&lt;count&gt;</c>).</summary>
    /// <param name="name">The storage name from the charm's metadata.</param>
    /// <param name="count">How many instances to add (at least 1).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tool has run.</returns>
    public Task StorageAddAsync(string name, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return RunAsync("storage-add", [$"{name}={Invariant(count)}"], null, cancellationToken);
    }

    /// <summary>The local path of a charm resource, downloading it on first use (<c>resource-get &lt;name&gt;</c>).</summary>
    /// <param name="name">The resource name from the charm's metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file path, trimmed.</returns>
    public async Task<string> ResourceGetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var stdout = await RunAsync("resource-get", [name], null, cancellationToken).ConfigureAwait(false);
        return stdout.Trim();
    }
}
