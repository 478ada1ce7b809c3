// ContainerMeta and ContainerMount: a workload container of a Kubernetes sidecar charm and the
// storage it mounts.
namespace MlObs.Ops.Metadata;

/// <summary>A workload container declared under <c>containers</c>.</summary>
/// <param name="Name">The container name; Pebble's socket lives at <c>/charm/containers/&lt;name&gt;/pebble.socket</c>.</param>
/// <param name="Resource">The <c>oci-image</c> resource that supplies the image, or <see langword="null"/> when the container names <c>bases</c> instead.</param>
/// <param name="Mounts">The storage mounted into the container, in declaration order.</param>
public sealed record ContainerMeta(string Name, string? Resource, IReadOnlyList<ContainerMount> Mounts)
{
    /// <summary>Compares name, resource and the mounts in order.</summary>
    /// <param name="other">The container to compare with.</param>
    /// <returns><see langword="true"/> when both declare the same container.</returns>
    public bool Equals(ContainerMeta? other) =>
        other is not null
        && Name == other.Name
        && Resource == other.Resource
        && Structural.ListEquals(Mounts, other.Mounts);

    /// <summary>A hash consistent with <see cref="Equals(ContainerMeta?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Name, Resource, Structural.ListHash(Mounts));
}

/// <summary>One entry of a container's <c>mounts</c>.</summary>
/// <param name="Storage">The storage name, declared under <c>storage</c>.</param>
/// <param name="Location">Where the storage appears inside the container, or <see langword="null"/> when not given.</param>
public sealed record ContainerMount(string Storage, string? Location);
