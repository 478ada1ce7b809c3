// The secret-info-get answer for one secret.
namespace MlObs.Ops.HookTools;

/// <summary>Metadata of a secret this unit or application owns, from <c>secret-info-get</c>.</summary>
/// <param name="Id">The id exactly as the tool keys it (the bare id, without a <c>secret:</c> prefix).</param>
/// <param name="Revision">The latest revision.</param>
/// <param name="Label">The owner's label; empty when none.</param>
/// <param name="Owner"><c>application</c> or <c>unit</c>.</param>
/// <param name="Description">The description, or <see langword="null"/>.</param>
/// <param name="Rotation">The rotation policy, or <see langword="null"/>.</param>
/// <param name="Expiry">When the current revision expires, or <see langword="null"/>.</param>
/// <param name="Rotates">When the next rotation is due, or <see langword="null"/>.</param>
public sealed record SecretInfo(
    string Id,
    int Revision,
    string Label,
    string Owner,
    string? Description,
    string? Rotation,
    DateTimeOffset? Expiry,
    DateTimeOffset? Rotates);
