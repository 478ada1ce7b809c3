// Tests of /v1/notices on the fake Pebble: adding custom notices (key and data rules, repeats),
// reading one, filtering, long polling, and the AddNotice hook.
using System.Text.Json.Nodes;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class NoticeTests
{
    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private static JsonObject Custom(string key, JsonObject? data = null, string? repeatAfter = null)
    {
        var body = new JsonObject { ["action"] = "add", ["type"] = "custom", ["key"] = key };
        if (data is not null)
        {
            body["data"] = data;
        }

        if (repeatAfter is not null)
        {
            body["repeat-after"] = repeatAfter;
        }

        return body;
    }

    [Fact]
    public async Task PostNotices_Custom_ReturnsIdAndNoticeReadable()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/notices", Custom("example.com/db/ready", new JsonObject { ["host"] = "db-0" }));
        var id = Str(reply.Result!["id"]);
        var notice = await fake.Http.GetAsync($"/v1/notices/{id}");

        Assert.Equal($"{{\"id\":\"{id}\"}}", reply.Result!.ToJsonString());
        var json = notice.Result!.AsObject();
        Assert.Equal(
            ["id", "user-id", "type", "key", "first-occurred", "last-occurred", "last-repeated", "occurrences", "last-data", "expire-after"],
            json.Select(p => p.Key));
        Assert.Equal("custom", Str(json["type"]));
        Assert.Equal("{\"host\":\"db-0\"}", json["last-data"]!.ToJsonString());
        Assert.Equal("168h0m0s", Str(json["expire-after"]));
        Assert.Equal(1, json["occurrences"]!.GetValue<int>());
    }

    [Fact]
    public async Task PostNotices_SameKeyTwice_SameIdTwoOccurrences()
    {
        await using var fake = await Fake.StartAsync();

        var first = await fake.Http.PostAsync("/v1/notices", Custom("example.com/a"));
        var second = await fake.Http.PostAsync("/v1/notices", Custom("example.com/a", repeatAfter: "1h"));

        Assert.Equal(Str(first.Result!["id"]), Str(second.Result!["id"]));
        var notice = await fake.Http.GetAsync($"/v1/notices/{Str(first.Result!["id"])}");
        Assert.Equal(2, notice.Result!["occurrences"]!.GetValue<int>());
        Assert.Equal("1h0m0s", Str(notice.Result!["repeat-after"]));
    }

    [Theory]
    [InlineData("{\"action\":\"remove\",\"type\":\"custom\",\"key\":\"example.com/a\"}", "invalid action \"remove\"")]
    [InlineData("{\"action\":\"add\",\"type\":\"warning\",\"key\":\"example.com/a\"}", "invalid type \"warning\" (can only add \"custom\" notices)")]
    [InlineData("{\"action\":\"add\",\"type\":\"custom\",\"key\":\"nodomain\"}", "invalid key \"nodomain\" (must be in \"example.com/path\" format)")]
    [InlineData("{\"action\":\"add\",\"type\":\"custom\",\"key\":\"Example.com/a\"}", "invalid key \"Example.com/a\" (must be in \"example.com/path\" format)")]
    [InlineData("{\"action\":\"add\",\"type\":\"custom\",\"key\":\"example.com/a\",\"repeat-after\":\"often\"}", "invalid repeat-after: time: invalid duration \"often\"")]
    public async Task PostNotices_BadRequest_Returns400(string body, string message)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/notices", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task PostNotices_KeyOver256Bytes_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/notices", Custom("example.com/" + new string('a', 250)));

        Assert.Equal("key must be 256 bytes or less", reply.Message);
    }

    [Fact]
    public async Task PostNotices_DataOver4KiB_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/notices", Custom("example.com/a", new JsonObject { ["big"] = new string('x', 4100) }));

        Assert.Equal("total size of data must be 4096 bytes or less", reply.Message);
    }

    [Fact]
    public async Task PostNotices_DataNotStrings_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/notices", Custom("example.com/a", new JsonObject { ["n"] = 1 }));

        Assert.StartsWith("cannot decode notice data: ", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetNotice_Unknown_Returns404()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/notices/123");

        Assert.Equal(404, reply.Status);
        Assert.Equal("cannot find notice with ID \"123\"", reply.Message);
    }

    [Fact]
    public async Task GetNotices_TypesAndKeys_Filter()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddNotice("example.com/a");
        fake.Server.AddNotice("example.com/b");
        fake.Server.AddNotice("some warning", type: "warning");

        var custom = await fake.Http.GetAsync("/v1/notices?types=custom&keys=example.com/b");
        var warnings = await fake.Http.GetAsync("/v1/notices?types=warning");
        var unknownType = await fake.Http.GetAsync("/v1/notices?types=nonsense");

        Assert.Equal(["example.com/b"], custom.Result!.AsArray().Select(n => Str(n!["key"])));
        Assert.Null(warnings.Result![0]!["user-id"]!?.GetValue<uint?>());
        Assert.Equal("[]", unknownType.Result!.ToJsonString());
    }

    [Fact]
    public async Task GetNotices_After_OnlyLaterRepeats()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddNotice("example.com/old");
        var cut = fake.Server.Notices.Single(n => n.Key == "example.com/old").LastRepeated;
        await Task.Delay(5);
        fake.Server.AddNotice("example.com/new");

        var reply = await fake.Http.GetAsync($"/v1/notices?types=custom&after={Uri.EscapeDataString(cut.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture))}");

        Assert.Equal(["example.com/new"], reply.Result!.AsArray().Select(n => Str(n!["key"])));
    }

    [Fact]
    public async Task GetNotices_TimeoutNoMatch_EmptyListAfterWaiting()
    {
        await using var fake = await Fake.StartAsync();
        var started = DateTime.UtcNow;

        var reply = await fake.Http.GetAsync("/v1/notices?types=custom&timeout=0.2s");

        Assert.Equal("[]", reply.Result!.ToJsonString());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task GetNotices_LongPoll_ReturnsWhenNoticeAdded()
    {
        await using var fake = await Fake.StartAsync();
        var poll = fake.Http.GetAsync("/v1/notices?types=custom&timeout=10s");
        await Task.Delay(50);

        fake.Server.AddNotice("example.com/arrived");
        var reply = await poll.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("example.com/arrived", Str(reply.Result![0]!["key"]));
    }

    [Theory]
    [InlineData("/v1/notices?timeout=later", "invalid timeout: time: invalid duration \"later\"")]
    [InlineData("/v1/notices?after=yesterday", "invalid \"after\" timestamp: parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse")]
    [InlineData("/v1/notices?users=some", "invalid \"users\" filter: must be \"all\"")]
    [InlineData("/v1/notices?users=all&user-id=0", "cannot use both \"users\" and \"user-id\" parameters")]
    public async Task GetNotices_BadQuery_Returns400(string path, string message)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync(path);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task GetNotices_OtherUsersNotice_HiddenUnlessUsersAll()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddNotice("example.com/mine");
        var other = fake.Server.Notices.Single().UserId + 1;

        var mine = await fake.Http.GetAsync($"/v1/notices?user-id={other}&types=custom");
        var all = await fake.Http.GetAsync("/v1/notices?users=all&types=custom");

        Assert.Empty(mine.Result!.AsArray());
        Assert.Single(all.Result!.AsArray());
    }
}
