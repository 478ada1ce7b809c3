// The storage-get answer for one storage instance.
namespace MlObs.Ops.HookTools;

/// <summary>Where a storage instance is and what kind it is, from <c>storage-get</c>.</summary>
/// <param name="Kind"><c>filesystem</c> or <c>block</c>.</param>
/// <param name="Location">The mount point or device path.</param>
public sealed record StorageDetails(string Kind, string Location);
