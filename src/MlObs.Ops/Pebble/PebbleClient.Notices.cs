// PebbleClient: notices — querying them and recording custom ones.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlObs.Ops.Pebble;

public sealed partial class PebbleClient
{
    private const int MaxNoticeKeyBytes = 256;
    private const int MaxNoticeDataBytes = 4 * 1024;

    /// <summary>Lists notices matching every filter set (<c>GET /v1/notices</c>).</summary>
    /// <param name="filter">The filter; <see langword="null"/> for the notices the caller may see.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notices.</returns>
    public async Task<IReadOnlyList<Notice>> GetNoticesAsync(NoticeFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new NoticeFilter();
        if (filter.AllUsers && filter.UserId is not null)
        {
            throw new ArgumentException("cannot filter by both AllUsers and UserId", nameof(filter));
        }

        var query = new Query()
            .Add("users", filter.AllUsers ? "all" : null)
            .Add("user-id", filter.UserId?.ToString(CultureInfo.InvariantCulture))
            .AddJoined("types", filter.Types)
            .AddJoined("keys", filter.Keys)
            .Add("after", filter.After?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        var envelope = await GetAsync("/v1/notices", query, cancellationToken);
        return PebbleResults.List(envelope.Result, "notices", PebbleResults.Notice);
    }

    /// <summary>Reads one notice (<c>GET /v1/notices/{id}</c>).</summary>
    /// <param name="id">The notice id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notice.</returns>
    /// <exception cref="PebbleApiException">No notice has that id (404).</exception>
    public async Task<Notice> GetNoticeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var envelope = await GetAsync($"/v1/notices/{Uri.EscapeDataString(id)}", null, cancellationToken);
        return PebbleResults.Notice(RequireResult(envelope, "notice"));
    }

    /// <summary>Records an occurrence of a custom notice (<c>POST /v1/notices</c>); Juju delivers it as <c>pebble-custom-notice</c>.</summary>
    /// <param name="key">The key in <c>example.com/path</c> form (at most 256 bytes).</param>
    /// <param name="data">Data for this occurrence (at most 4 KiB as JSON).</param>
    /// <param name="repeatAfter">Only repeat the notice when this long has passed since the last repeat.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notice id.</returns>
    /// <exception cref="ArgumentException">The key is not in Pebble's format or too long, or the data is too large.</exception>
    public async Task<string> NotifyAsync(string key, IReadOnlyDictionary<string, string>? data = null, TimeSpan? repeatAfter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!NoticeKey().IsMatch(key))
        {
            throw new ArgumentException($"invalid key \"{key}\" (must be in \"example.com/path\" format)", nameof(key));
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxNoticeKeyBytes)
        {
            throw new ArgumentException($"key must be {MaxNoticeKeyBytes} bytes or less", nameof(key));
        }

        if (data is not null && JsonSerializer.SerializeToUtf8Bytes(data, PebbleJsonContext.Default.IReadOnlyDictionaryStringString).Length > MaxNoticeDataBytes)
        {
            throw new ArgumentException($"total size of data must be {MaxNoticeDataBytes} bytes or less", nameof(data));
        }

        if (repeatAfter is { } r && r < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(repeatAfter), r, "repeat-after must not be negative");
        }

        var body = new NoticeRequest("add", "custom", key, repeatAfter is { } after ? GoDuration.FormatSeconds(after) : null, data);
        var envelope = await PostAsync("/v1/notices", body, PebbleJsonContext.Default.NoticeRequest, cancellationToken);
        var result = PebbleResults.Object(RequireResult(envelope, "notify"), "notify result");
        return PebbleResults.Str(result, "id");
    }

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+(/[a-z0-9]+(-[a-z0-9]+)*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex NoticeKey();
}
