// Notice and NoticeFilter: Pebble notices (custom, change-update, warning) and the query for them.
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Pebble;

/// <summary>A Pebble notice (<c>GET /v1/notices</c>); Juju turns <c>custom</c> ones into <c>pebble-custom-notice</c> events.</summary>
/// <param name="Id">The notice id.</param>
/// <param name="UserId">The user the notice is for, or <see langword="null"/> for a public notice.</param>
/// <param name="Type">The type: <c>custom</c>, <c>change-update</c>, <c>warning</c>, ...</param>
/// <param name="Key">The key, e.g. <c>example.com/reload</c> or a change id.</param>
/// <param name="FirstOccurred">When it first occurred.</param>
/// <param name="LastOccurred">When it last occurred.</param>
/// <param name="LastRepeated">When it last repeated (occurred after its repeat-after).</param>
/// <param name="Occurrences">How many times it occurred.</param>
/// <param name="LastData">The data of its last occurrence.</param>
/// <param name="RepeatAfter">How long after an occurrence it may repeat, if set.</param>
/// <param name="ExpireAfter">How long after its last repeat it expires, if set.</param>
public sealed record Notice(
    string Id,
    long? UserId,
    string Type,
    string Key,
    DateTimeOffset FirstOccurred,
    DateTimeOffset LastOccurred,
    DateTimeOffset LastRepeated,
    int Occurrences,
    IReadOnlyDictionary<string, string> LastData,
    TimeSpan? RepeatAfter,
    TimeSpan? ExpireAfter)
{
    /// <summary>Compares every field; the data by content.</summary>
    /// <param name="other">The notice to compare with.</param>
    /// <returns><see langword="true"/> when both describe the same notice state.</returns>
    public bool Equals(Notice? other) =>
        other is not null
        && Id == other.Id
        && UserId == other.UserId
        && Type == other.Type
        && Key == other.Key
        && FirstOccurred == other.FirstOccurred
        && LastOccurred == other.LastOccurred
        && LastRepeated == other.LastRepeated
        && Occurrences == other.Occurrences
        && Structural.DictionaryEquals(LastData, other.LastData)
        && RepeatAfter == other.RepeatAfter
        && ExpireAfter == other.ExpireAfter;

    /// <summary>A hash consistent with <see cref="Equals(Notice?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Id, Type, Key, LastRepeated, Occurrences, Structural.DictionaryHash(LastData));
}

/// <summary>Which notices <see cref="PebbleClient.GetNoticesAsync"/> returns; Pebble returns those matching every filter set.</summary>
public sealed record NoticeFilter
{
    /// <summary>Only notices of these types (e.g. <c>custom</c>).</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Only notices with these keys.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>Only notices that last repeated after this time.</summary>
    public DateTimeOffset? After { get; init; }

    /// <summary>Only notices for this user (and public ones); for Pebble admins.</summary>
    public long? UserId { get; init; }

    /// <summary>Notices of all users (<c>users=all</c>); for Pebble admins. Cannot be combined with <see cref="UserId"/>.</summary>
    public bool AllUsers { get; init; }

    /// <summary>Compares every field; the lists in order.</summary>
    /// <param name="other">The filter to compare with.</param>
    /// <returns><see langword="true"/> when both select the same notices.</returns>
    public bool Equals(NoticeFilter? other) =>
        other is not null
        && PebbleEquality.Lists(Types, other.Types)
        && PebbleEquality.Lists(Keys, other.Keys)
        && After == other.After
        && UserId == other.UserId
        && AllUsers == other.AllUsers;

    /// <summary>A hash consistent with <see cref="Equals(NoticeFilter?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(PebbleEquality.ListHash(Types), PebbleEquality.ListHash(Keys), After, UserId, AllUsers);
}
