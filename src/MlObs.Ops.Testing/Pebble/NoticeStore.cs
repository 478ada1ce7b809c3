// NoticeStore: Pebble's notices (internals/overlord/state/notices.go): one notice per user, type
// and key, occurrences counted, repeat-after, expiry after 7 days, filters, and waking long polls
// when a notice occurs or repeats. Callers hold the fake's state lock.
using System.Globalization;
using System.Text.Json.Nodes;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Testing.Pebble;

/// <summary>A notice as the fake Pebble holds it.</summary>
/// <param name="Id">The notice id (a number, as text).</param>
/// <param name="UserId">The user who may see it; <see langword="null"/> for a public notice (change updates, warnings).</param>
/// <param name="Type"><c>custom</c>, <c>change-update</c> or <c>warning</c>.</param>
/// <param name="Key">The key: <c>example.com/path</c> for custom notices, the change id for change updates.</param>
/// <param name="FirstOccurred">When it first occurred.</param>
/// <param name="LastOccurred">When it last occurred.</param>
/// <param name="LastRepeated">When it last repeated (occurred again after <paramref name="RepeatAfter"/>).</param>
/// <param name="Occurrences">How many times it occurred.</param>
/// <param name="LastData">The data of its last occurrence.</param>
/// <param name="RepeatAfter">The repeat-after of its last occurrence; zero when unset.</param>
/// <param name="ExpireAfter">How long after its last occurrence Pebble drops it (7 days).</param>
public sealed record FakePebbleNotice(
    string Id,
    uint? UserId,
    string Type,
    string Key,
    DateTimeOffset FirstOccurred,
    DateTimeOffset LastOccurred,
    DateTimeOffset LastRepeated,
    int Occurrences,
    IReadOnlyDictionary<string, string> LastData,
    TimeSpan RepeatAfter,
    TimeSpan ExpireAfter);

/// <summary>The notices of one fake Pebble.</summary>
internal sealed class NoticeStore
{
    public const string Custom = "custom";
    public const string ChangeUpdate = "change-update";
    public const string Warning = "warning";

    public static readonly TimeSpan DefaultExpireAfter = TimeSpan.FromDays(7);

    private readonly Dictionary<(uint? User, string Type, string Key), FakePebbleNotice> _notices = [];
    private readonly TimeProvider _time;
    private TaskCompletionSource _occurred = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lastId;

    public NoticeStore(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Completes the next time a notice occurs or repeats.</summary>
    public Task Occurred => _occurred.Task;

    public static bool IsValidType(string type) => type is Custom or ChangeUpdate or Warning;

    /// <summary>Every notice, ordered by last-repeated time, expired ones left out.</summary>
    public IReadOnlyList<FakePebbleNotice> All() => Filter(null, [], [], null);

    public FakePebbleNotice? Find(string id) => _notices.Values.FirstOrDefault(n => n.Id == id && !Expired(n));

    /// <summary>Pebble's <c>State.AddNotice</c>.</summary>
    public FakePebbleNotice Add(uint? userId, string type, string key, IReadOnlyDictionary<string, string>? data, TimeSpan repeatAfter)
    {
        var now = _time.GetUtcNow();
        var lastData = data ?? new Dictionary<string, string>();
        var unique = (userId, type, key);
        bool repeated;
        FakePebbleNotice notice;
        if (!_notices.TryGetValue(unique, out var existing) || Expired(existing))
        {
            _lastId++;
            notice = new FakePebbleNotice(
                _lastId.ToString(CultureInfo.InvariantCulture), userId, type, key, now, now, now, 1, lastData, repeatAfter, DefaultExpireAfter);
            repeated = true;
        }
        else
        {
            repeated = repeatAfter == TimeSpan.Zero || now > existing.LastRepeated + repeatAfter;
            notice = existing with
            {
                Occurrences = existing.Occurrences + 1,
                LastOccurred = now,
                LastRepeated = repeated ? now : existing.LastRepeated,
                LastData = lastData,
                RepeatAfter = repeatAfter,
            };
        }

        _notices[unique] = notice;
        if (repeated)
        {
            var occurred = _occurred;
            _occurred = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            occurred.TrySetResult();
        }

        return notice;
    }

    /// <summary>
    /// Puts back a notice exactly as it was (a test state's <c>notices</c>); later notices get
    /// higher ids than any restored one.
    /// </summary>
    public void Restore(FakePebbleNotice notice)
    {
        _notices[(notice.UserId, notice.Type, notice.Key)] = notice;
        if (int.TryParse(notice.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > _lastId)
        {
            _lastId = id;
        }
    }

    /// <summary>Pebble's <c>NoticeFilter</c>: visible to <paramref name="userId"/> (or all users when null), of these types and keys, repeated after a time.</summary>
    public IReadOnlyList<FakePebbleNotice> Filter(uint? userId, IReadOnlyCollection<string> types, IReadOnlyCollection<string> keys, DateTimeOffset? after) =>
        [.. _notices.Values
            .Where(n => !Expired(n))
            .Where(n => userId is null || n.UserId is null || n.UserId == userId)
            .Where(n => types.Count == 0 || types.Contains(n.Type))
            .Where(n => keys.Count == 0 || keys.Contains(n.Key))
            .Where(n => after is null || n.LastRepeated > after)
            .OrderBy(n => n.LastRepeated)
            .ThenBy(n => int.Parse(n.Id, CultureInfo.InvariantCulture))];

    public static JsonObject ToJson(FakePebbleNotice notice)
    {
        var json = new JsonObject
        {
            ["id"] = notice.Id,
            ["user-id"] = notice.UserId is { } uid ? JsonValue.Create(uid) : null,
            ["type"] = notice.Type,
            ["key"] = notice.Key,
            ["first-occurred"] = PebbleJson.Time(notice.FirstOccurred),
            ["last-occurred"] = PebbleJson.Time(notice.LastOccurred),
            ["last-repeated"] = PebbleJson.Time(notice.LastRepeated),
            ["occurrences"] = notice.Occurrences,
        };
        if (notice.LastData.Count > 0)
        {
            json["last-data"] = PebbleJson.StringMap(notice.LastData);
        }

        if (notice.RepeatAfter != TimeSpan.Zero)
        {
            json["repeat-after"] = GoDuration.Format(notice.RepeatAfter);
        }

        if (notice.ExpireAfter != TimeSpan.Zero)
        {
            json["expire-after"] = GoDuration.Format(notice.ExpireAfter);
        }

        return json;
    }

    private bool Expired(FakePebbleNotice notice) => notice.LastOccurred + notice.ExpireAfter < _time.GetUtcNow();
}
