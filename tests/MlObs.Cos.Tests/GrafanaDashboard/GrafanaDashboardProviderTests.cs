// GrafanaDashboardProviderTests: the provider in the in-process harness writes what the Python
// GrafanaDashboardProvider writes (golden produce-grafana), keeps the uuid while the templates do not
// change, and turns bad files and Grafana's complaints into a status instead of a hook error.
using System.Text.Json.Nodes;
using MlObs.Cos.Compression;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Ops;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace MlObs.Cos.Tests.GrafanaDashboard;

public sealed class GrafanaDashboardProviderTests : IDisposable
{
    private const string ModelUuid = "f2c1b2a6-1234-4abc-8def-0123456789ab";

    private const string Metadata = """
        name: my-charm
        type: charm
        summary: Dashboards for tests.
        description: Dashboards for tests.
        provides:
          grafana-dashboard:
            interface: grafana_dashboard
        """;

    private readonly string _charmDir;

    public GrafanaDashboardProviderTests()
    {
        _charmDir = Directory.CreateTempSubdirectory("mlobs-grafana-").FullName;
        File.WriteAllText(Path.Combine(_charmDir, "charmcraft.yaml"), Metadata);
        var dashboards = Directory.CreateDirectory(Path.Combine(_charmDir, "src", "grafana_dashboards")).FullName;
        File.Copy(Path.Combine(Golden.CosDir, "charm", "src", "grafana_dashboards", "overview.json"), Path.Combine(dashboards, "overview.json"));
    }

    private static RelationState Grafana => RelationState.Regular("grafana-dashboard", 1, "grafana");

    private static UnitState Leader => UnitState.Empty with
    {
        Leader = true,
        Model = new ModelState("dev-model", ModelUuid, ModelType.Kubernetes),
        Relations = [Grafana],
    };

    public void Dispose() => Directory.Delete(_charmDir, recursive: true);

    [Fact]
    public void RelationJoined_WritesTheGoldenTemplate()
    {
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.RelationJoined(Grafana), Leader);

        var written = JsonNode.Parse(after.GetRelation(1)!.LocalAppData["dashboards"])!.AsObject();
        Assert.Equal(["templates", "uuid"], written.Select(p => p.Key));
        var templates = written["templates"]!.AsObject();
        Assert.Equal(["file:overview"], templates.Select(p => p.Key));
        var ours = templates["file:overview"]!.AsObject();
        var golden = LzmaBase64Tests.GoldenTemplate();

        var expectedTopology = golden["juju_topology"]!.DeepClone().AsObject();
        Assert.Equal(golden.Select(p => p.Key), ours.Select(p => p.Key));
        Assert.Equal(golden["charm"]!.GetValue<string>(), ours["charm"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(expectedTopology, ours["juju_topology"]));
        Assert.Equal(PyJson.Dumps(expectedTopology), PyJson.Dumps(ours["juju_topology"]));
        Assert.True(ours["inject_dropdowns"]!.GetValue<bool>());
        Assert.Equal("e727ce7b8000e7a1", ours["dashboard_alt_uid"]!.GetValue<string>());
        Assert.Equal(LzmaBase64.Decompress(golden["content"]!.GetValue<string>()), LzmaBase64.Decompress(ours["content"]!.GetValue<string>()));
        Assert.Equal(golden["content"]!.GetValue<string>(), ours["content"]!.GetValue<string>()); // same bytes as Python's lzma
        Assert.True(JujuTopology.IsValidModelUuid(written["uuid"]!.GetValue<string>()));

        // One read and one write of the application databag.
        Assert.Single(ctx.HookToolCalls, c => c.Tool == "relation-set");
        Assert.Single(ctx.HookToolCalls, c => c.Tool == "relation-get" && c.Args.Contains("myapp"));
    }

    [Fact]
    public void DashboardsValue_IsByteForByteThePythonLibrarysForTheSameTopology()
    {
        var golden = Golden.Load("golden/produce-grafana.out.json")["app databag"]!["dashboards"]!.GetValue<string>();
        var goldenUuid = JsonNode.Parse(golden)!["uuid"]!.GetValue<string>();
        var scan = DashboardTemplates.Scan(Path.Combine(_charmDir, "src", "grafana_dashboards"), _charmDir, "my-charm");
        var topology = DashboardTemplates.Topology("dev-model", ModelUuid, "myapp", "myapp/0");

        var value = new JsonObject
        {
            ["templates"] = new JsonObject { ["file:overview"] = DashboardTemplates.FileTemplate(scan.Files.Single(), "my-charm", topology, injectDropdowns: true) },
            ["uuid"] = goldenUuid,
        };

        Assert.Equal(golden, PyJson.Dumps(value));
        Assert.Equal("02b2f5a06c5423a692195263e711685c65df3934", scan.Files.Single().Dashboard["uid"]!.GetValue<string>());
    }

    [Fact]
    public void Uuid_ChangesOnlyWhenTheTemplatesChange()
    {
        var ctx = NewContext();
        var first = ctx.Run(ctx.On.RelationJoined(Grafana), Leader);
        var uuid = Uuid(first);

        var second = ctx.Run(ctx.On.ConfigChanged(), first);
        Assert.Equal(uuid, Uuid(second));
        Assert.DoesNotContain(ctx.HookToolCalls, c => c.Tool == "relation-set");

        second = ctx.Run(ctx.On.UpgradeCharm(), second);
        Assert.Equal(uuid, Uuid(second));

        var file = Path.Combine(_charmDir, "src", "grafana_dashboards", "overview.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("My App Overview", "My App", StringComparison.Ordinal));
        var third = ctx.Run(ctx.On.ConfigChanged(), second);
        Assert.NotEqual(uuid, Uuid(third));
        Assert.Single(ctx.HookToolCalls, c => c.Tool == "relation-set");
    }

    [Fact]
    public void PublishedOn_CreatedJoinedLeaderElectedUpgradeAndConfigChanged()
    {
        var ctx = NewContext();
        EventSpec[] events = [ctx.On.RelationCreated(Grafana), ctx.On.RelationJoined(Grafana), ctx.On.LeaderElected(), ctx.On.UpgradeCharm(), ctx.On.ConfigChanged()];
        foreach (var e in events)
        {
            Assert.True(ctx.Run(e, Leader).GetRelation(1)!.LocalAppData.ContainsKey("dashboards"), e.ToString());
        }

        Assert.False(ctx.Run(ctx.On.UpdateStatus(), Leader).GetRelation(1)!.LocalAppData.ContainsKey("dashboards"));
    }

    [Fact]
    public void NonLeader_WritesNothing()
    {
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.RelationJoined(Grafana), Leader with { Leader = false });

        Assert.False(after.GetRelation(1)!.LocalAppData.ContainsKey("dashboards"));
    }

    [Fact]
    public void InvalidDashboardFile_IsSkipped_WithAWarningAndABlockedStatus()
    {
        File.WriteAllText(Path.Combine(_charmDir, "src", "grafana_dashboards", "broken.json"), "{\"title\": ");
        File.WriteAllText(Path.Combine(_charmDir, "src", "grafana_dashboards", "list.json"), "[1, 2]");
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.RelationJoined(Grafana), Leader);

        var templates = Templates(after);
        Assert.Equal(["file:overview"], templates.Select(p => p.Key));
        Assert.Equal("blocked", after.UnitStatus.Name);
        Assert.StartsWith("grafana-dashboard: invalid dashboard src/grafana_dashboards/broken.json: invalid JSON", after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.EndsWith("(+1 more, see juju debug-log)", after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Contains(ctx.JujuLog, l => l.Level == "WARNING" && l.Message.Contains("list.json skipped: not a JSON object", StringComparison.Ordinal));
    }

    [Fact]
    public void Files_AreReadRecursively_WithPythonsStems_AndKeepAPath40UidAndACharmTag()
    {
        var dir = Path.Combine(_charmDir, "src", "grafana_dashboards");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "sub", "nested.json.tmpl"), """{"title": "N", "uid": "0123456789ABCDEF0123456789abcdef01234567", "tags": ["charm: other"]}""");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a dashboard");
        var ctx = NewContext();

        var templates = Templates(ctx.Run(ctx.On.RelationJoined(Grafana), Leader));

        Assert.Equal(["file:overview", "file:nested.json"], templates.Select(p => p.Key));
        var nested = JsonNode.Parse(LzmaBase64.Decompress(templates["file:nested.json"]!["content"]!.GetValue<string>()))!;
        Assert.Equal("0123456789ABCDEF0123456789abcdef01234567", nested["uid"]!.GetValue<string>());
        Assert.Equal(["charm: other"], nested["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public void PackedCharmLayout_ReadsGrafanaDashboardsAtTheCharmRoot()
    {
        Directory.Move(Path.Combine(_charmDir, "src", "grafana_dashboards"), Path.Combine(_charmDir, "grafana_dashboards"));
        var ctx = NewContext();

        var templates = Templates(ctx.Run(ctx.On.RelationJoined(Grafana), Leader));

        var dashboard = JsonNode.Parse(LzmaBase64.Decompress(templates["file:overview"]!["content"]!.GetValue<string>()))!;
        Assert.Equal(DashboardTemplates.Path40Uid("my-charm", "grafana_dashboards/overview.json"), dashboard["uid"]!.GetValue<string>());
    }

    [Fact]
    public void AddDashboard_PublishesAProgrammaticTemplate_WithoutRewritingIt()
    {
        var ctx = NewContext(p => p.AddDashboard(new JsonObject { ["title"] = "Generated", ["uid"] = "gen" }, injectDropdowns: false));

        var templates = Templates(ctx.Run(ctx.On.RelationJoined(Grafana), Leader));

        var (key, template) = templates.Single(p => p.Key.StartsWith("prog:", StringComparison.Ordinal));
        var content = template!["content"]!.GetValue<string>();
        Assert.Equal("prog:" + content[^24..^16], key);
        Assert.Equal("""{"title": "Generated", "uid": "gen"}""", LzmaBase64.Decompress(content));
        Assert.Equal("{}", template["juju_topology"]!.ToJsonString());
        Assert.False(template["inject_dropdowns"]!.GetValue<bool>());
        Assert.Equal(DashboardTemplates.AltUid("my-charm", key), template["dashboard_alt_uid"]!.GetValue<string>());
    }

    [Fact]
    public void GrafanaErrors_BecomeABlockedStatus_UntilNewTemplatesArePublished()
    {
        var ctx = NewContext();
        var published = ctx.Run(ctx.On.RelationJoined(Grafana), Leader);
        var withEvent = published with
        {
            Relations =
            [
                published.GetRelation(1)! with
                {
                    RemoteAppData = new Dictionary<string, string> { ["event"] = """{"errors": [{"dashboard_id": "file:overview", "error": "Corrupt input data"}]}""" },
                },
            ],
        };

        var after = ctx.Run(ctx.On.RelationChanged(withEvent.GetRelation(1)!), withEvent);
        Assert.Equal(new StatusState("blocked", "grafana-dashboard: Grafana rejected file:overview: Corrupt input data"), after.UnitStatus);
        Assert.Contains(ctx.JujuLog, l => l.Level == "WARNING" && l.Message.Contains("Corrupt input data", StringComparison.Ordinal));

        after = ctx.Run(ctx.On.UpdateStatus(), after);
        Assert.Equal("blocked", after.UnitStatus.Name);

        // The same (stale) event again says nothing new.
        after = ctx.Run(ctx.On.RelationChanged(after.GetRelation(1)!), after);
        Assert.Equal("blocked", after.UnitStatus.Name);

        var file = Path.Combine(_charmDir, "src", "grafana_dashboards", "overview.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"version\": 3", "\"version\": 4", StringComparison.Ordinal));
        after = ctx.Run(ctx.On.ConfigChanged(), after);
        Assert.Equal(new StatusState("active", "ready"), after.UnitStatus);

        after = ctx.Run(ctx.On.RelationChanged(after.GetRelation(1)!), after);
        Assert.Equal(new StatusState("active", "ready"), after.UnitStatus);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1]")]
    [InlineData("{\"errors\": 5, \"valid\": false}")]
    public void MalformedGrafanaEvent_IsAWarningAndAStatus_NotAHookError(string raw)
    {
        var ctx = NewContext();
        var relation = Grafana with { RemoteAppData = new Dictionary<string, string> { ["event"] = raw } };

        var after = ctx.Run(ctx.On.RelationChanged(relation), Leader with { Relations = [relation] });

        Assert.Equal("blocked", after.UnitStatus.Name);
        Assert.StartsWith("grafana-dashboard: ", after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Contains(ctx.JujuLog, l => l.Level == "WARNING");
    }

    [Fact]
    public void NoProblems_AddNoStatus()
    {
        var ctx = NewContext();

        var after = ctx.Run(ctx.On.RelationJoined(Grafana), Leader);

        Assert.Equal(new StatusState("active", "ready"), after.UnitStatus);
    }

    [Fact]
    public void TemplatesWrittenByPython_AreKeptWhenEqual()
    {
        var golden = Golden.Load("golden/produce-grafana.out.json")["app databag"]!["dashboards"]!.GetValue<string>();
        var ctx = NewContext();
        var state = Leader with { Relations = [Grafana with { LocalAppData = new Dictionary<string, string> { ["dashboards"] = golden } }] };

        // What the Python provider wrote has equal templates: it stays as it is, uuid and all.
        Assert.Equal(golden, ctx.Run(ctx.On.ConfigChanged(), state).GetRelation(1)!.LocalAppData["dashboards"]);
        Assert.DoesNotContain(ctx.HookToolCalls, c => c.Tool == "relation-set");

        var ours = ctx.Run(ctx.On.ConfigChanged(), Leader).GetRelation(1)!.LocalAppData["dashboards"];
        var reordered = JsonNode.Parse(ours)!.AsObject();
        var template = reordered["templates"]!["file:overview"]!.AsObject();
        var charm = template["charm"]!.GetValue<string>();
        template.Remove("charm");
        template["charm"] = charm; // key order does not matter, as for Python's dict comparison
        var seeded = Leader with { Relations = [Grafana with { LocalAppData = new Dictionary<string, string> { ["dashboards"] = reordered.ToJsonString() } }] };

        Assert.Equal(reordered.ToJsonString(), ctx.Run(ctx.On.ConfigChanged(), seeded).GetRelation(1)!.LocalAppData["dashboards"]);
    }

    private static string Uuid(UnitState state) => JsonNode.Parse(state.GetRelation(1)!.LocalAppData["dashboards"])!["uuid"]!.GetValue<string>();

    private static JsonObject Templates(UnitState state) => JsonNode.Parse(state.GetRelation(1)!.LocalAppData["dashboards"])!["templates"]!.AsObject();

    // Deployed as "myapp", as in the golden run.
    private Context<DashboardCharm> NewContext(Action<GrafanaDashboardProvider>? setup = null) =>
        new(f => new DashboardCharm(f, setup), _charmDir, new ContextOptions { ApplicationName = "myapp" });

    /// <summary>A charm that provides dashboards and reports itself ready.</summary>
    internal sealed class DashboardCharm : CharmBase
    {
        public DashboardCharm(Framework framework, Action<GrafanaDashboardProvider>? setup = null)
            : base(framework)
        {
            Dashboards = new GrafanaDashboardProvider(this);
            setup?.Invoke(Dashboards);
            On.CollectUnitStatus.Observe(e => e.AddStatus(new ActiveStatus("ready")));
        }

        public GrafanaDashboardProvider Dashboards { get; }
    }
}
