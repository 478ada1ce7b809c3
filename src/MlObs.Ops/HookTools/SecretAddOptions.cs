// Metadata passed to secret-add.
namespace MlObs.Ops.HookTools;

/// <summary>The flags of <c>secret-add</c> besides the content.</summary>
/// <param name="Owner"><c>application</c> (needs leadership) or <c>unit</c>.</param>
/// <param name="Label">A label unique to the owner, or <see langword="null"/>.</param>
/// <param name="Description">A description, or <see langword="null"/>.</param>
/// <param name="Expire">When the secret expires, or <see langword="null"/>; sent as RFC 3339 UTC.</param>
/// <param name="Rotate">The rotation policy (<c>never</c>, <c>hourly</c>, <c>daily</c>, <c>weekly</c>, <c>monthly</c>, <c>quarterly</c>, <c>yearly</c>), or <see langword="null"/>.</param>
public sealed record SecretAddOptions(
    string Owner = "application",
    string? Label = null,
    string? Description = null,
    DateTimeOffset? Expire = null,
    string? Rotate = null);
