using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Cos.PrometheusScrape;
using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Kube;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;
using static KubeflowObservabilityCharm.Tests.CharmTestData;

namespace KubeflowObservabilityCharm.Tests;

/// <summary>State-transition tests of kubeflow-observability-k8s: every event path, against a scripted cluster and exporter.</summary>
public sealed class CharmTests : IDisposable
{
    private readonly string _configDir = Directory.CreateTempSubdirectory("kfo-charm-").FullName;
    private readonly FakeCluster _cluster = new();
    private readonly FakeExporter _exporter = new();

    public void Dispose() => Directory.Delete(_configDir, recursive: true);

    private ExporterConfig WorkloadConfig => ExporterConfigLoader.Parse(File.ReadAllText(Path.Combine(_configDir, "config.yaml")), "config.yaml");

    private static Service ServiceOf(UnitState state) =>
        state.GetContainer(KubeflowObservabilityK8sCharm.ContainerName)!.GetPlan().Services[KubeflowObservabilityK8sCharm.ServiceName];

    private static IReadOnlyDictionary<string, Layer> Layers(UnitState state) =>
        state.GetContainer(KubeflowObservabilityK8sCharm.ContainerName)!.Layers;

    [Fact]
    public void Install_WithoutPebble_WaitsForTheContainer()
    {
        var ctx = Context(_cluster, _exporter);
        UnitState after = ctx.Run(ctx.On.Install(), State(Container(_configDir, canConnect: false)));
        Assert.Equal(new StatusState("waiting", "waiting for the kubeflow-exporter container (Pebble)"), after.UnitStatus);
    }

    [Fact]
    public void PebbleReady_WritesAConfigurationTheExporterReads_AndTheLayer_AndOpensThePort()
    {
        var ctx = Context(_cluster, _exporter);
        ContainerState container = Container(_configDir);
        UnitState after = ctx.Run(ctx.On.PebbleReady(container), State(container));
        Service service = ServiceOf(after);
        Assert.Equal("/opt/mlobs/mlobs kubeflow serve --bind 0.0.0.0 --port 9102 --config /etc/kubeflow-exporter/config.yaml --log-level info", service.Command);
        Assert.Equal(StartupMode.Enabled, service.Startup);
        Plan plan = after.GetContainer(KubeflowObservabilityK8sCharm.ContainerName)!.GetPlan();
        Assert.Equal("http://localhost:9102/healthz", plan.Checks["alive"].Http!.Url);
        Assert.Equal("http://localhost:9102/readyz", plan.Checks["ready"].Http!.Url);
        Assert.Equal((CheckLevel.Alive, CheckLevel.Ready), (plan.Checks["alive"].Level, plan.Checks["ready"].Level));
        Assert.Contains(new PortState(PortProtocol.Tcp, 9102), after.OpenedPorts);
        ExporterConfig config = WorkloadConfig;
        Assert.Equal("app.kubernetes.io/part-of=kubeflow-profile", config.Namespaces.Selector);
        Assert.Empty(config.Namespaces.Include);
        Assert.False(config.Namespaces.All);
        Assert.Equal(ResourceKinds.Objects.Select(k => k.Name), config.Resources);
        Assert.True(config.Inference.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Inference.Interval);
        Assert.False(config.Logs.Enabled);
        Assert.Equal(new StatusState("active", "exporting Kubeflow profile namespaces on port 9102"), after.UnitStatus);
        Assert.Equal(9102, _exporter.LastPort);
    }

    [Fact]
    public void ObjectKinds_AreTheExportersKinds_WithTheirApiGroups() =>
        Assert.Equal(ResourceKinds.Objects.Select(k => (k.Name, k.Group)), KubeflowObservabilityCharm.ExporterSettings.ObjectKinds);

    [Fact]
    public void ConfigChanged_ChangesTheExporterConfiguration_AndRestartsThroughANewRevision()
    {
        var ctx = Context(_cluster, _exporter);
        UnitState first = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir)));
        string revision = ServiceOf(first).Environment!["KUBEFLOW_EXPORTER_CONFIG_REVISION"];
        UnitState changed = ctx.Run(ctx.On.ConfigChanged(), first with
        {
            Config = new Dictionary<string, JsonElement>
            {
                ["namespaces"] = JsonSerializer.SerializeToElement("kubeflow, team-a"),
                ["resources"] = JsonSerializer.SerializeToElement("inferenceservices,workflows"),
                ["scrape-interval"] = JsonSerializer.SerializeToElement(60),
                ["scrape-timeout"] = JsonSerializer.SerializeToElement(20),
                ["max-series"] = JsonSerializer.SerializeToElement(50_000),
                ["scrape-inference"] = JsonSerializer.SerializeToElement(false),
                ["port"] = JsonSerializer.SerializeToElement(9200),
                ["log-level"] = JsonSerializer.SerializeToElement("debug"),
            },
        });
        Assert.NotEqual(revision, ServiceOf(changed).Environment!["KUBEFLOW_EXPORTER_CONFIG_REVISION"]);
        Assert.Contains("--port 9200", ServiceOf(changed).Command, StringComparison.Ordinal);
        Assert.EndsWith("--log-level debug", ServiceOf(changed).Command, StringComparison.Ordinal);
        ExporterConfig config = WorkloadConfig;
        Assert.Equal(["kubeflow", "team-a"], config.Namespaces.Include);
        Assert.Equal(["inferenceservices", "workflows"], config.Resources);
        Assert.False(config.Inference.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Inference.Interval);
        Assert.Equal(TimeSpan.FromSeconds(20), config.Inference.Timeout);
        Assert.Equal(50_000, config.Inference.MaxSeriesTotal);
        Assert.Contains(new PortState(PortProtocol.Tcp, 9200), changed.OpenedPorts);
        Assert.DoesNotContain(new PortState(PortProtocol.Tcp, 9102), changed.OpenedPorts);
        Assert.Equal(new StatusState("active", "exporting profile namespaces and kubeflow, team-a on port 9200"), changed.UnitStatus);
        // Only what the exporter will watch is asked for: namespaces, pods and the two kinds, list and watch each.
        Assert.Equal(
            ["list namespaces", "watch namespaces", "list pods", "watch pods", "list inferenceservices.serving.kserve.io",
             "watch inferenceservices.serving.kserve.io", "list workflows.argoproj.io", "watch workflows.argoproj.io"],
            _cluster.Asked.TakeLast(8).Select(p => p.ToString()));
    }

    [Fact]
    public void ConfigChanged_AllNamespaces_AndOnlyListedNamespaces_AreWrittenAndReported()
    {
        var ctx = Context(_cluster, _exporter);
        UnitState all = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object> { ["all-namespaces"] = true }));
        Assert.True(WorkloadConfig.Namespaces.All);
        Assert.Equal(new StatusState("active", "exporting all namespaces on port 9102"), all.UnitStatus);
        UnitState listed = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object>
        {
            ["namespace-selector"] = "",
            ["namespaces"] = "team-a",
        }));
        Assert.Equal("", WorkloadConfig.Namespaces.Selector);
        Assert.Equal(new StatusState("active", "exporting namespaces team-a on port 9102"), listed.UnitStatus);
    }

    [Theory]
    [InlineData("port", 0, "port 0 is out of range (1-65535)")]
    [InlineData("namespace-selector", "part of = profile", "namespace-selector 'part of = profile' is not a label selector")]
    [InlineData("namespaces", "Team_A", "namespaces: 'Team_A' is not a namespace name")]
    [InlineData("namespaces", "a,,b", "namespaces has an empty name in 'a,,b'")]
    [InlineData("resources", "inferenceservices,pods", "resources: 'pods' is not a kind the exporter watches")]
    [InlineData("resources", "tfjobs,tfjobs", "resources lists 'tfjobs' twice")]
    [InlineData("scrape-interval", 2, "scrape-interval 2 is out of range (5-3600 seconds)")]
    [InlineData("scrape-timeout", 31, "scrape-timeout 31 is out of range (1 to scrape-interval, 30 seconds)")]
    [InlineData("max-series", 10, "max-series 10 is out of range (1000-10000000)")]
    [InlineData("log-containers", "kserve container", "log-containers: 'kserve container' is not a container name")]
    [InlineData("log-level", "loud", "log-level 'loud' is not debug, info, warning or error")]
    public void ConfigChanged_InvalidValue_BlocksNamingTheOption_WithoutTouchingTheWorkload(string option, object value, string message)
    {
        var ctx = Context(_cluster, _exporter);
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object> { [option] = value }));
        Assert.Equal("blocked", after.UnitStatus.Name);
        Assert.StartsWith("invalid config: ", after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Contains(message, after.UnitStatus.Message, StringComparison.Ordinal);
        Assert.Empty(Layers(after));
        Assert.Equal(0, _cluster.Checks);
    }

    [Fact]
    public void ConfigChanged_SeveralInvalidValues_NamesTheFirstAndCountsTheRest()
    {
        var ctx = Context(_cluster, _exporter);
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object> { ["port"] = -1, ["log-level"] = "x" }));
        Assert.Equal(new StatusState("blocked", "invalid config: port -1 is out of range (1-65535) (and 1 more: see juju debug-log)"), after.UnitStatus);
    }

    [Fact]
    public void NotTrusted_BlocksWithTheTrustCommand_AndDoesNotStartTheExporter()
    {
        var ctx = Context(_cluster, _exporter);
        _cluster.Denied.UnionWith(["list namespaces", "watch namespaces", "list pods", "watch pods", "list notebooks.kubeflow.org"]);
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir)));
        Assert.Equal(new StatusState("blocked",
            "no cluster access (list namespaces, watch namespaces, list pods and 2 more): run 'juju trust kubeflow-observability-k8s --scope=cluster'"), after.UnitStatus);
        Assert.Empty(Layers(after));
        Assert.False(File.Exists(Path.Combine(_configDir, "config.yaml")));
        Assert.Equal(1, _cluster.Checks);
    }

    [Fact]
    public void Trusted_Later_ConfigChangedStartsTheExporter()
    {
        // `juju trust` changes the application's trust setting, which Juju delivers as config-changed.
        var ctx = Context(_cluster, _exporter);
        _cluster.Denied.Add("list pods");
        UnitState untrusted = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir)));
        Assert.Equal("blocked", untrusted.UnitStatus.Name);
        _cluster.Denied.Clear();
        UnitState trusted = ctx.Run(ctx.On.ConfigChanged(), untrusted);
        Assert.NotEmpty(Layers(trusted));
        Assert.Equal("active", trusted.UnitStatus.Name);
    }

    [Fact]
    public void LogStreaming_NeedsPodLogs()
    {
        var ctx = Context(_cluster, _exporter);
        _cluster.Denied.Add("get pods/log");
        UnitState without = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir)));
        Assert.Equal("active", without.UnitStatus.Name);
        RelationState logging = Relation("logging");
        UnitState with = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object> { ["log-streaming"] = true }) with { Relations = [logging] });
        Assert.Equal(new StatusState("blocked", "no cluster access (get pods/log): run 'juju trust kubeflow-observability-k8s --scope=cluster'"), with.UnitStatus);
    }

    [Fact]
    public void ClusterNotAnswering_IsWaiting_NamingTheProblem()
    {
        var ctx = Context(_cluster, _exporter);
        _cluster.Problem = "the charm is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)";
        UnitState after = ctx.Run(ctx.On.UpdateStatus(), State(Container(_configDir)));
        Assert.Equal(new StatusState("waiting", "cannot check cluster access: the charm is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)"), after.UnitStatus);
    }

    [Fact]
    public void ExporterNotReady_IsWaiting_WithWhatItWaitsFor()
    {
        var ctx = Context(_cluster, _exporter);
        _exporter.NotReady = "not listed yet: workflows, experiments";
        UnitState after = ctx.Run(ctx.On.UpdateStatus(), State(Container(_configDir)));
        Assert.Equal(new StatusState("waiting", "exporter not ready: not listed yet: workflows, experiments"), after.UnitStatus);
    }

    [Fact]
    public void LogStreaming_WithoutLoki_Blocks_AndTheExporterRunsWithoutIt()
    {
        var ctx = Context(_cluster, _exporter);
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), config: new Dictionary<string, object> { ["log-streaming"] = true }));
        Assert.Equal(new StatusState("blocked", "log-streaming is on but no Loki is related: juju integrate kubeflow-observability-k8s:logging <loki or collector>"), after.UnitStatus);
        Assert.False(WorkloadConfig.Logs.Enabled);
        Assert.NotEmpty(Layers(after));
    }

    [Fact]
    public void LogStreaming_WithLoki_StreamsToItsPushUrl_WithTheJujuTopology()
    {
        var ctx = Context(_cluster, _exporter);
        RelationState logging = Relation("logging");
        UnitState state = State(Container(_configDir), config: new Dictionary<string, object> { ["log-streaming"] = true, ["log-containers"] = "kserve-container" })
            with
        { Relations = [logging] };
        UnitState after = ctx.Run(ctx.On.RelationChanged(logging, 0), state);
        ExporterConfig config = WorkloadConfig;
        Assert.True(config.Logs.Enabled);
        Assert.Equal(new Uri(LokiUrl), config.Logs.LokiUrl);
        Assert.Equal(["kserve-container"], config.Logs.Containers);
        Assert.Equal("test-model", config.Logs.Labels["juju_model"]);
        Assert.Equal("kubeflow-observability-k8s", config.Logs.Labels["juju_application"]);
        Assert.Equal("kubeflow-observability-k8s/0", config.Logs.Labels["juju_unit"]);
        Assert.Equal("kubeflow-observability-k8s", config.Logs.Labels["juju_charm"]);
        Assert.Contains("kubeflow-exporter-log-forwarding", Layers(after).Keys);
        Assert.Equal(new StatusState("active", "exporting Kubeflow profile namespaces on port 9102, streaming inference logs"), after.UnitStatus);

        // The relation goes: streaming stops with a new configuration revision, and the status says why.
        UnitState broken = ctx.Run(ctx.On.RelationBroken(logging), after);
        Assert.False(WorkloadConfig.Logs.Enabled);
        Assert.Equal("blocked", broken.UnitStatus.Name);
    }

    [Fact]
    public void MetricsEndpoint_Joined_PublishesTheFixedJob_ThatPrometheusDerivesWithoutProblems()
    {
        var ctx = Context(_cluster, _exporter);
        RelationState relation = Relation("metrics-endpoint", 3);
        UnitState after = ctx.Run(ctx.On.RelationJoined(relation, 0), State(Container(_configDir)) with { Relations = [relation] });
        RelationState published = after.Relations.Single();
        using JsonDocument jobs = JsonDocument.Parse(published.LocalAppData["scrape_jobs"]);
        JsonElement job = Assert.Single(jobs.RootElement.EnumerateArray());
        Assert.Equal("kubeflow-observability", job.GetProperty("job_name").GetString());
        Assert.Equal("*:9102", job.GetProperty("static_configs")[0].GetProperty("targets")[0].GetString());
        // What prometheus-k8s derives from it (the consumer side of MlObs.Cos's golden tests).
        var derived = ScrapeConfigBuilder.Derive(new ScrapeRelationData("metrics-endpoint", 3, published.LocalAppData,
            new Dictionary<string, IReadOnlyDictionary<string, string>> { ["kubeflow-observability-k8s/0"] = published.LocalUnitData }));
        Assert.Empty(derived.Problems);
        JsonObject derivedJob = Assert.Single(derived.Jobs);
        Assert.EndsWith("_prometheus_scrape_kubeflow-observability-0", derivedJob["job_name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(":9102", derivedJob.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(derived.RuleFile);
        foreach (string alert in new[] { "KubeflowPipelineRunFailureRateHigh", "KubeflowInferenceServiceNotReady", "KubeflowNotebookCrashLooping", "KubeflowTrainingJobFailed" })
            Assert.Contains(alert, published.LocalAppData["alert_rules"], StringComparison.Ordinal);
    }

    [Fact]
    public void GrafanaDashboard_Joined_PublishesTheThreeDashboards()
    {
        var ctx = Context(_cluster, _exporter);
        RelationState relation = Relation("grafana-dashboard", 4);
        UnitState after = ctx.Run(ctx.On.RelationJoined(relation, 0), State(Container(_configDir)) with { Relations = [relation] });
        string dashboards = after.Relations.Single().LocalAppData["dashboards"];
        foreach (string name in new[] { "kubeflow-pipelines", "kubeflow-serving", "kubeflow-notebooks-experiments" })
            Assert.Contains($"\"file:{name}\"", dashboards, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RelationEvents() => new()
    {
        { "metrics-endpoint", "joined" }, { "metrics-endpoint", "changed" }, { "metrics-endpoint", "broken" },
        { "grafana-dashboard", "joined" }, { "grafana-dashboard", "changed" }, { "grafana-dashboard", "broken" },
        { "logging", "joined" }, { "logging", "changed" }, { "logging", "broken" },
    };

    [Theory]
    [MemberData(nameof(RelationEvents))]
    public void EveryRelation_JoiningChangingAndBreaking_KeepsTheUnitHealthy(string endpoint, string kind)
    {
        var ctx = Context(_cluster, _exporter);
        RelationState relation = Relation(endpoint);
        UnitState state = State(Container(_configDir)) with { Relations = [relation] };
        UnitState after = ctx.Run(kind switch
        {
            "joined" => ctx.On.RelationJoined(relation, 0),
            "changed" => ctx.On.RelationChanged(relation, 0),
            _ => ctx.On.RelationBroken(relation),
        }, state);
        Assert.Equal(new StatusState("active", "exporting Kubeflow profile namespaces on port 9102"), after.UnitStatus);
        if (endpoint == "logging" && kind == "changed")
            Assert.Contains("kubeflow-exporter-log-forwarding", Layers(after).Keys);
    }

    [Fact]
    public void NonLeader_ReconcilesTheWorkload_ButWritesNoApplicationData()
    {
        var ctx = Context(_cluster, _exporter);
        RelationState relation = Relation("metrics-endpoint", 3);
        UnitState after = ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir), leader: false) with { Relations = [relation] });
        Assert.NotEmpty(Layers(after));
        Assert.DoesNotContain("scrape_jobs", after.Relations.Single().LocalAppData.Keys);
    }

    [Fact]
    public void UpgradeAndLeaderElected_Reconcile()
    {
        var ctx = Context(_cluster, _exporter);
        Assert.NotEmpty(Layers(ctx.Run(ctx.On.UpgradeCharm(), State(Container(_configDir)))));
        Assert.NotEmpty(Layers(ctx.Run(ctx.On.LeaderElected(), State(Container(_configDir)))));
    }

    [Fact]
    public void OneDispatch_AsksTheClusterOnce()
    {
        var ctx = Context(_cluster, _exporter);
        ctx.Run(ctx.On.ConfigChanged(), State(Container(_configDir)));
        Assert.Equal(1, _cluster.Checks);
    }
}
