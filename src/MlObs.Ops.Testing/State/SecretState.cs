// SecretState, SecretOwner and SecretRotatePolicy: a Juju secret the unit owns or has been granted.
namespace MlObs.Ops.Testing.State;

/// <summary>Who owns a secret; a secret with no owner (<see langword="null"/>) is one the unit consumes.</summary>
public enum SecretOwner
{
    /// <summary><c>app</c>: owned by this application (managed by the leader).</summary>
    App,

    /// <summary><c>unit</c>: owned by this unit.</summary>
    Unit,
}

/// <summary>How often Juju asks the owner to rotate a secret (<c>secret-add --rotate</c>).</summary>
public enum SecretRotatePolicy
{
    /// <summary><c>never</c>.</summary>
    Never,

    /// <summary><c>hourly</c>.</summary>
    Hourly,

    /// <summary><c>daily</c>.</summary>
    Daily,

    /// <summary><c>weekly</c>.</summary>
    Weekly,

    /// <summary><c>monthly</c>.</summary>
    Monthly,

    /// <summary><c>quarterly</c>.</summary>
    Quarterly,

    /// <summary><c>yearly</c>.</summary>
    Yearly,
}

/// <summary>
/// A secret as Scenario's <c>Secret</c> holds it: the revision the unit tracks and the latest one,
/// with their content, the owner's metadata and the grants made over relations.
/// </summary>
public sealed record SecretState
{
    /// <summary>The secret URI, <c>secret:</c> followed by 20 characters of <c>[0-9a-v]</c> (an XID).</summary>
    public required string Id { get; init; }

    /// <summary>The owner, or <see langword="null"/> when the unit only consumes the secret.</summary>
    public SecretOwner? Owner { get; init; }

    /// <summary>The label the unit gave the secret, if any.</summary>
    public string? Label { get; init; }

    /// <summary>The owner's description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>The content of the revision the unit tracks (what <c>secret-get</c> returns without <c>--refresh</c>).</summary>
    public required IReadOnlyDictionary<string, string> TrackedContent { get; init; }

    /// <summary>The content of the latest revision; <see langword="null"/> means the same as <see cref="TrackedContent"/>.</summary>
    public IReadOnlyDictionary<string, string>? LatestContent { get; init; }

    /// <summary>The revision number the unit tracks.</summary>
    public int TrackedRevision { get; init; } = 1;

    /// <summary>The latest revision number; at least <see cref="TrackedRevision"/>.</summary>
    public int LatestRevision { get; init; } = 1;

    /// <summary>When the secret expires, if it does.</summary>
    public DateTimeOffset? Expire { get; init; }

    /// <summary>The rotation policy, if any.</summary>
    public SecretRotatePolicy? Rotate { get; init; }

    /// <summary>The grants of an owned secret: relation id → the applications and units granted access over it.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> RemoteGrants { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>Compares every field; content and grants by value.</summary>
    /// <param name="other">The secret to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same secret.</returns>
    public bool Equals(SecretState? other) =>
        other is not null
        && Id == other.Id
        && Owner == other.Owner
        && Label == other.Label
        && Description == other.Description
        && StateEquality.Maps(TrackedContent, other.TrackedContent)
        && StateEquality.Maps(LatestContent, other.LatestContent)
        && TrackedRevision == other.TrackedRevision
        && LatestRevision == other.LatestRevision
        && Expire == other.Expire
        && Rotate == other.Rotate
        && StateEquality.Maps(RemoteGrants, other.RemoteGrants, StateEquality.StringList);

    /// <summary>A hash consistent with <see cref="Equals(SecretState?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Id, Owner, Label, TrackedRevision, LatestRevision, StateEquality.MapHash(TrackedContent));
}
