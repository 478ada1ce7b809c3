// PebbleClientNoticeTests: querying notices and recording custom ones, with the key and data checks
// made before anything is sent.
using System.Net;
using MlObs.Ops.Pebble;
using static MlObs.Ops.Tests.Pebble.PebbleClientTests;

namespace MlObs.Ops.Tests.Pebble;

public sealed class PebbleClientNoticeTests
{
    private const string NoticeJson = """
        {"id":"4","user-id":null,"type":"custom","key":"example.com/reload","first-occurred":"2025-01-02T03:04:05.000000001Z",
         "last-occurred":"2025-01-02T03:04:06Z","last-repeated":"2025-01-02T03:04:06Z","occurrences":2,
         "last-data":{"reason":"config"},"repeat-after":"1h0m0s","expire-after":"168h0m0s"}
        """;

    [Fact]
    public async Task GetNoticesAsync_Filter_SendsQueryAndParses()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/notices", Envelopes.Sync($"[{NoticeJson}]"));
        using var client = Client(handler);

        var notices = await client.GetNoticesAsync(new NoticeFilter
        {
            Types = ["custom"],
            Keys = ["example.com/reload", "example.com/other"],
            After = new DateTimeOffset(2025, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)),
            AllUsers = true,
        });

        var notice = Assert.Single(notices);
        Assert.Equal("example.com/reload", notice.Key);
        Assert.Null(notice.UserId);
        Assert.Equal(TimeSpan.FromHours(1), notice.RepeatAfter);
        Assert.Equal(TimeSpan.FromDays(7), notice.ExpireAfter);
        Assert.Equal("config", notice.LastData["reason"]);
        var query = handler.Single("GET", "/v1/notices").QueryParams;
        Assert.Equal("custom", query["types"]);
        Assert.Equal("example.com/reload,example.com/other", query["keys"]);
        Assert.Equal("2025-01-02T03:04:05.0000000Z", query["after"]);
        Assert.Equal("all", query["users"]);
    }

    [Fact]
    public async Task GetNoticeAsync_Id_ReadsOne()
    {
        var handler = new ScriptedPebbleHandler().OnJson("GET", "/v1/notices/4", Envelopes.Sync(NoticeJson));
        using var client = Client(handler);

        Assert.Equal(2, (await client.GetNoticeAsync("4")).Occurrences);
    }

    [Fact]
    public async Task NotifyAsync_KeyDataRepeat_PostsCustomNotice()
    {
        var handler = new ScriptedPebbleHandler().OnJson("POST", "/v1/notices", Envelopes.Sync("""{"id":"5"}"""));
        using var client = Client(handler);

        var id = await client.NotifyAsync("example.com/reload", new Dictionary<string, string> { ["reason"] = "config" }, TimeSpan.FromSeconds(30));

        Assert.Equal("5", id);
        Assert.Equal(
            """{"action":"add","type":"custom","key":"example.com/reload","repeat-after":"30.000s","data":{"reason":"config"}}""",
            handler.Single("POST", "/v1/notices").BodyText);
    }

    [Theory]
    [InlineData("reload")]
    [InlineData("example.com")]
    [InlineData("Example.com/reload")]
    [InlineData("example.com/re_load")]
    public async Task NotifyAsync_KeyNotInPebbleFormat_ThrowsBeforeSending(string key)
    {
        var handler = new ScriptedPebbleHandler();
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.NotifyAsync(key));

        Assert.StartsWith($"invalid key \"{key}\"", ex.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task NotifyAsync_KeyLongerThan256Bytes_Throws()
    {
        using var client = Client(new ScriptedPebbleHandler());

        await Assert.ThrowsAsync<ArgumentException>(() => client.NotifyAsync("example.com/" + new string('a', 250)));
    }

    [Fact]
    public async Task NotifyAsync_DataOver4KiB_Throws()
    {
        var handler = new ScriptedPebbleHandler();
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.NotifyAsync("example.com/big", new Dictionary<string, string> { ["blob"] = new string('x', 4096) }));

        Assert.StartsWith("total size of data must be 4096 bytes or less", ex.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetNoticeAsync_Unknown_ThrowsApiException404()
    {
        var handler = new ScriptedPebbleHandler()
            .OnJson("GET", "/v1/notices/99", Envelopes.Error(404, "Not Found", "cannot find notice with ID \"99\""), HttpStatusCode.NotFound);
        using var client = Client(handler);

        var ex = await Assert.ThrowsAsync<PebbleApiException>(() => client.GetNoticeAsync("99"));

        Assert.Equal(404, ex.StatusCode);
    }
}
