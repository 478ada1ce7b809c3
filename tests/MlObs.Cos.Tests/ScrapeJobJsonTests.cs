// ScrapeJobJsonTests: scrape jobs are written as Python's json.dumps writes them, byte for byte, whatever their
// strings hold, and are built from parsed text (values backed by the parsed document) rather than from .NET
// strings, whose JsonValues need a System.Text.Json converter built at first use.
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;

namespace MlObs.Cos.Tests;

public sealed class ScrapeJobJsonTests
{
    // What Python 3 prints for json.dumps of the same job (ensure_ascii: non-ASCII and DEL as \uXXXX, lowercase hex,
    // astral characters as surrogate pairs; <, >, & and / as they are).
    private const string TrickyJson =
        """{"job_name": "caf\u00e9 \"q\" \\ </script><!--", "metrics_path": "/m\u00e9trics\u2028", "static_configs": [{"targets": ["*:8080", "host\u0001\u001f\u007f:9\n\t\r\b\f", "\ud83d\ude00:1"], "labels": {"k\u00e9y": "</SCRIPT>&<>\u0000"}}], "scrape_interval": "30s", "scrape_timeout": "\u00ff", "scheme": "https"}""";

    private static ScrapeJob Tricky => new("café \"q\" \\ </script><!--")
    {
        MetricsPath = "/métrics\u2028",
        Targets = ["*:8080", "host\u0001\u001f\u007f:9\n\t\r\b\f", "\U0001F600:1"],
        Labels = new Dictionary<string, string> { ["kéy"] = "</SCRIPT>&<>\0" },
        ScrapeInterval = "30s",
        ScrapeTimeout = "\u00ff",
        Scheme = "https",
    };

    public static TheoryData<ScrapeJob> Jobs => new()
    {
        new ScrapeJob("plain"),
        new ScrapeJob("drift-monitor") { Targets = ["*:8000"] },
        new ScrapeJob(string.Empty) { Targets = [], MetricsPath = string.Empty, Labels = new Dictionary<string, string>() },
        Tricky,
        new ScrapeJob("lone \ud800 high") { Targets = ["low \udc00 alone"] },
    };

    [Fact]
    public void ToJson_TrickyStrings_AreWrittenAsPythonJsonDumpsWritesThem() =>
        Assert.Equal(TrickyJson, PyJson.Dumps(Tricky.ToJson()));

    [Fact]
    public void ToJson_LoneSurrogates_AreWrittenAsPythonWritesThem() =>
        Assert.Equal(
            """{"job_name": "lone \ud800 high", "metrics_path": "/metrics", "static_configs": [{"targets": ["low \udc00 alone"]}]}""",
            PyJson.Dumps(new ScrapeJob("lone \ud800 high") { Targets = ["low \udc00 alone"] }.ToJson()));

    [Theory]
    [MemberData(nameof(Jobs))]
    public void ToJson_SameTreeAsNodesMadeFromTheStrings(ScrapeJob job)
    {
        var fromStrings = FromStrings(job);

        var built = job.ToJson();

        Assert.Equal(PyJson.Dumps(fromStrings), PyJson.Dumps(built));
        Assert.True(JsonNode.DeepEquals(fromStrings, built));
        Assert.Equal(job.JobName, built["job_name"]!.GetValue<string>());
        Assert.Equal(job.Targets, built["static_configs"]![0]!["targets"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public void ToJson_ValuesAreBackedByParsedText()
    {
        // A JsonValue made from a .NET string holds the string, not an element: making one builds the converter.
        AssertParsed(Tricky.ToJson());
        AssertParsed(new ScrapeJob("drift-monitor") { Targets = ["*:8000"] }.ToJson());
    }

    [Fact]
    public void DefaultAndSanitizedJobs_AreBackedByParsedText()
    {
        AssertParsed(PrometheusConfig.DefaultJob());
        AssertParsed(PrometheusConfig.SanitizeJob(new ScrapeJob("drift-monitor") { Targets = ["*:8000"] }.ToJson()));
        AssertParsed(PrometheusConfig.SanitizeJob(new JsonObject()));
    }

    [Fact]
    public void ToJson_ReturnsAnObjectTheCallerMayChange()
    {
        var job = new ScrapeJob("drift-monitor").ToJson();

        job["scrape_interval"] = "10s";
        job["static_configs"]![0]!["targets"]!.AsArray().Add("*:9000");

        Assert.Equal(
            """{"job_name": "drift-monitor", "metrics_path": "/metrics", "static_configs": [{"targets": ["*:80", "*:9000"]}], "scrape_interval": "10s"}""",
            PyJson.Dumps(job));
    }

    [Fact]
    public void TryGetString_AgreesWithTryGetValue()
    {
        JsonNode?[] nodes =
        [
            null,
            JsonNode.Parse("\"caf\\u00e9\""),
            JsonNode.Parse("\"\""),
            JsonNode.Parse("12"),
            JsonNode.Parse("true"),
            JsonNode.Parse("{\"a\": \"b\"}"),
            JsonNode.Parse("[\"a\"]"),
            JsonValue.Create("made from a string"),
            JsonValue.Create(12),
            JsonValue.Create(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc)),
            JsonValue.Create('c'),
            JsonValue.Create(JsonDocument.Parse("\"from an element\"").RootElement),
        ];

        foreach (var node in nodes)
        {
            var expected = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            Assert.Equal(expected, PyJson.TryGetString(node, out var actual) ? actual : null);
        }
    }

    [Fact]
    public void DumpsArray_IsDumpsOfTheArray()
    {
        JsonObject[] jobs = [Tricky.ToJson(), PrometheusConfig.DefaultJob()];

        Assert.Equal(PyJson.Dumps(new JsonArray([.. jobs.Select(j => (JsonNode?)j.DeepClone())])), PyJson.DumpsArray(jobs));
        Assert.Equal("[]", PyJson.DumpsArray([]));
    }

    private static void AssertParsed(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    AssertParsed(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    AssertParsed(item);
                }

                break;
            case JsonValue value:
                Assert.True(value.TryGetValue<JsonElement>(out _), $"{value.GetPath()} is not backed by parsed text");
                break;
        }
    }

    // The job as the nodes the library built before: JsonValues made from the .NET strings.
    private static JsonObject FromStrings(ScrapeJob job)
    {
        var staticConfig = new JsonObject { ["targets"] = new JsonArray([.. job.Targets.Select(t => (JsonNode?)t)]) };
        if (job.Labels is { Count: > 0 })
        {
            staticConfig["labels"] = new JsonObject(job.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        }

        var result = new JsonObject { ["job_name"] = job.JobName, ["metrics_path"] = job.MetricsPath, ["static_configs"] = new JsonArray(staticConfig) };
        foreach (var (key, value) in new[] { ("scrape_interval", job.ScrapeInterval), ("scrape_timeout", job.ScrapeTimeout), ("scheme", job.Scheme) })
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
