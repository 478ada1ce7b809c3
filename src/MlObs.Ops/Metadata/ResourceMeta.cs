// ResourceMeta: one resource declared under `resources`.
namespace MlObs.Ops.Metadata;

/// <summary>A resource declared under <c>resources</c>.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Type"><c>oci-image</c> or <c>file</c> (Juju's default when <c>type</c> is absent).</param>
/// <param name="Filename">The file name of a <c>file</c> resource; <see langword="null"/> for images.</param>
/// <param name="Description">The description, if any.</param>
public sealed record ResourceMeta(string Name, string Type, string? Filename, string? Description);
