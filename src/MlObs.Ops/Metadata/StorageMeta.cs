// StorageMeta: one storage declared under `storage`.
namespace MlObs.Ops.Metadata;

/// <summary>A storage declared under <c>storage</c>.</summary>
/// <param name="Name">The storage name.</param>
/// <param name="Type"><c>filesystem</c> or <c>block</c>.</param>
/// <param name="Description">The description, if any.</param>
/// <param name="Location">The mount point in the charm container, if any.</param>
/// <param name="Shared">Whether units share the storage.</param>
/// <param name="ReadOnly">Whether the storage is mounted read-only.</param>
/// <param name="MinimumSize">The minimum size as written, for example <c>1G</c>, if any.</param>
/// <param name="Multiple">The <c>multiple: range</c> as written (<c>1</c>, <c>1-10</c>, <c>2+</c>), or <see langword="null"/> for a single instance.</param>
public sealed record StorageMeta(
    string Name,
    string Type,
    string? Description,
    string? Location,
    bool Shared,
    bool ReadOnly,
    string? MinimumSize,
    string? Multiple);
