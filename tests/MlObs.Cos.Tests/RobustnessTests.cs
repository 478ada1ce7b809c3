// RobustnessTests: malformed data from the other side never throws out of a hook: it is logged as
// a warning, the unit/relation is ignored and the problem shows in the status.
using System.Text.Json.Nodes;
using MlObs.Cos;
using MlObs.Cos.LokiPushApi;
using MlObs.Cos.PrometheusScrape;
using MlObs.Cos.Rules;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace MlObs.Cos.Tests;

public sealed class RobustnessTests
{
    private static readonly string Metadata = PyJson.Dumps(Golden.Topology.ToJson());

    private static ScrapeRelationData Relation(IReadOnlyDictionary<string, string> app, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? units = null) =>
        new("metrics-endpoint", 0, app, units ?? new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["myapp/0"] = new Dictionary<string, string> { ["prometheus_scrape_unit_address"] = "10.1.0.5" },
        });

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"job_name\": \"x\"}")]
    [InlineData("[1, \"two\", null]")]
    [InlineData("[{\"job_name\": \"a\", \"static_configs\": \"nope\"}]")]
    [InlineData("[{\"job_name\": \"a\", \"static_configs\": [{\"targets\": [1, null]}]}]")]
    public void Consumer_MalformedScrapeJobs_NeverThrow(string scrapeJobs)
    {
        var derived = ScrapeConfigBuilder.Derive(Relation(new Dictionary<string, string> { ["scrape_jobs"] = scrapeJobs, ["scrape_metadata"] = Metadata }));

        Assert.NotNull(derived);
    }

    [Fact]
    public void Consumer_InvalidJson_IsAProblem()
    {
        var derived = ScrapeConfigBuilder.Derive(Relation(new Dictionary<string, string> { ["scrape_jobs"] = "[{", ["alert_rules"] = "{{" }));

        Assert.Empty(derived.Jobs);
        Assert.Null(derived.RuleFile);
        Assert.Equal(2, derived.Problems.Count);
    }

    [Theory]
    [InlineData("F2C1B2A6-1234-4ABC-8DEF-0123456789AB")]
    [InlineData("f2c1b2a6-1234-1abc-8def-0123456789ab")]
    public void Consumer_BadUuidInScrapeMetadata_DropsTheJobsWithAProblem(string uuid)
    {
        var metadata = Golden.Topology.ToJson();
        metadata["model_uuid"] = uuid;

        var derived = ScrapeConfigBuilder.Derive(Relation(new Dictionary<string, string>
        {
            ["scrape_jobs"] = "[{\"job_name\": \"a\", \"static_configs\": [{\"targets\": [\"*:80\"]}]}]",
            ["scrape_metadata"] = PyJson.Dumps(metadata),
        }));

        Assert.Empty(derived.Jobs);
        Assert.Contains(derived.Problems, p => p.Contains("UUID", StringComparison.Ordinal));
    }

    [Fact]
    public void Consumer_UnitsWithoutAddress_AreSkipped()
    {
        var derived = ScrapeConfigBuilder.Derive(Relation(
            new Dictionary<string, string> { ["scrape_jobs"] = "[{\"job_name\": \"a\", \"static_configs\": [{\"targets\": [\"*:80\"]}]}]", ["scrape_metadata"] = Metadata },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["myapp/0"] = new Dictionary<string, string> { ["prometheus_scrape_unit_address"] = "10.1.0.5" },
                ["myapp/1"] = new Dictionary<string, string> { ["prometheus_scrape_unit_name"] = "myapp/1" },
                ["myapp/2"] = new Dictionary<string, string>(),
            }));

        Assert.Equal(["juju_dev-model_f2c1b2a6_myapp_prometheus_scrape_a-0"], derived.Jobs.Select(j => j["job_name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{not json", "invalid 'event' data")]
    [InlineData("[1]", "invalid 'event' data")]
    [InlineData("{\"errors\": \"error validating: bad expr\"}", "alert rules rejected: error validating: bad expr")]
    [InlineData("{\"scrape_job_errors\": \"bad duration\"}", "scrape jobs rejected: bad duration")]
    public void Provider_BadOrComplainingEvent_IsLoggedAndBlocks(string eventValue, string status)
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, []), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusGoldenTests.PrometheusRelation() with
        {
            RemoteAppData = new Dictionary<string, string> { ["event"] = eventValue },
        };

        var after = ctx.Run(ctx.On.RelationChanged(relation), PrometheusGoldenTests.State(relation));

        Assert.Equal("blocked", after.UnitStatus.Name);
        Assert.Contains(status, after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.StartsWith("metrics-endpoint: ", after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Contains(ctx.JujuLog, l => l.Level == "WARNING" && l.Message.Contains("metrics-endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public void Provider_EmptyEvent_AddsNoStatus()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, []), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusGoldenTests.PrometheusRelation() with { RemoteAppData = new Dictionary<string, string> { ["event"] = "{}" } };

        var after = ctx.Run(ctx.On.UpdateStatus(), PrometheusGoldenTests.State(relation));

        Assert.Equal("unknown", after.UnitStatus.Name);
    }

    [Fact]
    public void Provider_JobsWithoutOrWithRepeatedNames_WarnOncePerProblem()
    {
        using var dir = Golden.CharmDir(withRules: false);
        JsonObject Job(string? name)
        {
            var job = new JsonObject { ["static_configs"] = new JsonArray(new JsonObject { ["targets"] = new JsonArray("*:8080") }) };
            if (name is not null)
            {
                job["job_name"] = name;
            }

            return job;
        }

        var jobs = new[] { Job("api"), Job(null), Job("api"), Job("api"), Job("worker"), Job(null) };
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, jobs), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusGoldenTests.PrometheusRelation();

        ctx.Run(ctx.On.RelationJoined(relation), PrometheusGoldenTests.State(relation));

        var warnings = ctx.JujuLog.Where(l => l.Level == "WARNING").Select(l => l.Message).ToList();
        Assert.Single(warnings, m => m.Contains("a scrape job has no job_name", StringComparison.Ordinal));
        Assert.Single(warnings, m => m.Contains("job_name 'api' is used by several jobs", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, m => m.Contains("'worker'", StringComparison.Ordinal));
    }

    [Fact]
    public void Provider_NamedDistinctJobs_WarnNothing()
    {
        using var dir = Golden.CharmDir(withRules: false);
        var jobs = new[] { new ScrapeJob("api").ToJson(), new ScrapeJob("worker").ToJson() };
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, jobs), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusGoldenTests.PrometheusRelation();

        ctx.Run(ctx.On.RelationJoined(relation), PrometheusGoldenTests.State(relation));

        Assert.DoesNotContain(ctx.JujuLog, l => l.Level == "WARNING" && l.Message.Contains("job_name", StringComparison.Ordinal));
    }

    [Fact]
    public void Provider_NoJobs_PublishesTheDefaultJob()
    {
        using var dir = Golden.CharmDir(withRules: false);
        var ctx = new Context<MetricsCharm>(f => new MetricsCharm(f, []), dir.Path, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });
        var relation = PrometheusGoldenTests.PrometheusRelation();

        var after = ctx.Run(ctx.On.RelationJoined(relation), PrometheusGoldenTests.State(relation));

        Assert.Equal("""[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:80"]}]}]""", after.GetRelation(0)!.LocalAppData["scrape_jobs"]);
        // Only the generic HostHealth group without rule files.
        Assert.Single(JsonNode.Parse(after.GetRelation(0)!.LocalAppData["alert_rules"])!["groups"]!.AsArray());
    }

    [Theory]
    [InlineData(null, "waiting", "no endpoint yet from loki/1")]
    [InlineData("{not json", "blocked", "invalid endpoint from loki/1")]
    [InlineData("{\"url\": 5}", "blocked", "invalid endpoint from loki/1")]
    [InlineData("{\"url\": \"file:///etc/passwd\"}", "blocked", "invalid endpoint from loki/1")]
    public void Loki_UnitWithMissingOrInvalidEndpoint_IsIgnoredAndReported(string? endpoint, string statusName, string message)
    {
        using var dir = Golden.CharmDir();
        IReadOnlyList<LokiEndpoint> seen = [];
        var ctx = new Context<LokiConsumerCharm>(f => new LokiConsumerCharm(f, e => seen = e), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var bad = new Dictionary<string, string>(RelationState.DefaultUnitData);
        if (endpoint is not null)
        {
            bad["endpoint"] = endpoint;
        }

        var relation = LokiGoldenTests.LokiRelation(new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [0] = new Dictionary<string, string>(RelationState.DefaultUnitData) { ["endpoint"] = "{\"url\": \"http://loki-0:3100/loki/api/v1/push\"}" },
            [1] = bad,
        });

        var after = ctx.Run(ctx.On.RelationChanged(relation), LokiGoldenTests.State(relation));

        Assert.Equal(["http://loki-0:3100/loki/api/v1/push"], seen.Select(e => e.Url));
        Assert.Equal(statusName, after.UnitStatus.Name);
        Assert.Equal($"logging: {message}", after.UnitStatus.Message);
        if (endpoint is not null)
        {
            Assert.Contains(ctx.JujuLog, l => l.Level == "WARNING" && l.Message.Contains("loki/1", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void LogForwarder_RelationWithABadUnit_IsNotForwardedTo()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<ForwarderCharm>(f => new ForwarderCharm(f), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiGoldenTests.LokiRelation(new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [0] = new Dictionary<string, string>(RelationState.DefaultUnitData) { ["endpoint"] = "{\"url\": \"http://loki-0:3100/loki/api/v1/push\"}" },
            [1] = new Dictionary<string, string>(RelationState.DefaultUnitData) { ["endpoint"] = "garbage" },
        });

        var after = ctx.Run(ctx.On.RelationChanged(relation), LokiGoldenTests.State(relation));

        Assert.Empty(after.GetContainer("workload")!.Layers);
        Assert.Equal("blocked", after.UnitStatus.Name);
    }

    [Fact]
    public void Loki_InvalidEventFromLoki_IsLoggedAndBlocks()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<LokiConsumerCharm>(f => new LokiConsumerCharm(f, _ => { }), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiRelationWithRejectedRules();

        var after = ctx.Run(ctx.On.RelationChanged(relation), LokiGoldenTests.State(relation));

        Assert.Equal(new StatusState("blocked", "logging: alert rules rejected: parse error at line 1"), after.UnitStatus);
    }

    [Fact]
    public void Loki_InvalidEventSeenBefore_StillBlocksWithoutReadingDatabags()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<LokiConsumerCharm>(f => new LokiConsumerCharm(f, _ => { }), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiRelationWithRejectedRules();
        var changed = ctx.Run(ctx.On.RelationChanged(relation), LokiGoldenTests.State(relation));

        var after = ctx.Run(ctx.On.UpdateStatus(), changed);

        Assert.Equal(new StatusState("blocked", "logging: alert rules rejected: parse error at line 1"), after.UnitStatus);
        Assert.DoesNotContain(ctx.HookToolCalls, c => c.Tool is "relation-get" or "relation-list" or "relation-ids");
    }

    private static RelationState LokiRelationWithRejectedRules() =>
        LokiGoldenTests.LokiRelation(new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [0] = new Dictionary<string, string>(RelationState.DefaultUnitData) { ["endpoint"] = "{\"url\": \"http://loki-0:3100/loki/api/v1/push\"}" },
        }) with
        { RemoteAppData = new Dictionary<string, string> { ["event"] = "{\"errors\": \"parse error at line 1\"}" } };

    [Fact]
    public void Loki_RelationBroken_ForgetsItsFeedback()
    {
        using var dir = Golden.CharmDir();
        var ctx = new Context<LokiConsumerCharm>(f => new LokiConsumerCharm(f, _ => { }), dir.Path, new ContextOptions { ApplicationName = "myapp" });
        var relation = LokiGoldenTests.LokiRelation(new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [0] = new Dictionary<string, string>(RelationState.DefaultUnitData) { ["endpoint"] = "garbage" },
        });
        var changed = ctx.Run(ctx.On.RelationChanged(relation), LokiGoldenTests.State(relation));
        Assert.Equal("blocked", changed.UnitStatus.Name);

        Assert.Contains("\"Invalid\":[\"loki/0\"]", changed.GetStoredStates()["mlobs-cos-feedback-loki-push-api-logging"].GetRawText(), StringComparison.Ordinal);

        var after = ctx.Run(ctx.On.RelationBroken(changed.GetRelation(relation.Id)!), changed);

        // Nothing is left for collect-status to report (the unit keeps its last status: nothing replaced it).
        Assert.Equal("{}", after.GetStoredStates()["mlobs-cos-feedback-loki-push-api-logging"].GetRawText());
    }

    [Fact]
    public void RuleLoader_BadFiles_AreSkippedAndReported()
    {
        var dir = Directory.CreateTempSubdirectory("mlobs-rules-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a_good.rule"), "alert: Good\nexpr: up{%%juju_topology%%} < 1\n");
            File.WriteAllText(Path.Combine(dir, "b_yaml.rules"), "groups: [\n");
            File.WriteAllText(Path.Combine(dir, "c_empty.yml"), "");
            File.WriteAllText(Path.Combine(dir, "d_other.yaml"), "foo: bar\n");
            File.WriteAllText(Path.Combine(dir, "e_noexpr.rules"), "groups:\n- name: g\n  rules:\n  - alert: X\n");
            File.WriteAllText(Path.Combine(dir, "f_nameless.rules"), "groups:\n- rules: []\n");
            File.WriteAllText(Path.Combine(dir, "ignored.txt"), "alert: Nope\nexpr: up\n");
            var rules = new AlertRules(QueryLanguage.PromQl, Golden.Topology);

            rules.AddPath(dir);

            Assert.Equal(["dev_model_f2c1b2a6_myapp_a_good_rules"], rules.Groups.Select(g => g["name"]!.GetValue<string>()));
            Assert.Equal("up{} < 1", rules.Groups[0]["rules"]![0]!["expr"]!.GetValue<string>());
            Assert.Equal(5, rules.Problems.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
