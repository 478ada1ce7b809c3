// Metadata passed to secret-set.
namespace MlObs.Ops.HookTools;

/// <summary>The metadata flags of <c>secret-set</c>; <see langword="null"/> leaves a field unchanged.</summary>
/// <param name="Label">A new label, or <see langword="null"/>.</param>
/// <param name="Description">A new description, or <see langword="null"/>.</param>
/// <param name="Expire">A new expiry, or <see langword="null"/>; sent as RFC 3339 UTC.</param>
/// <param name="Rotate">A new rotation policy, or <see langword="null"/>.</param>
public sealed record SecretSetOptions(
    string? Label = null,
    string? Description = null,
    DateTimeOffset? Expire = null,
    string? Rotate = null);
