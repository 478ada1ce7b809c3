// ColdPathTests: a settled hook of a charm with the three COS relations builds no System.Text.Json converter for
// .NET strings and never starts the JavaScript encoder (each costs a Native AOT charm a one-time set-up in every
// hook). The hook runs against fresh copies of System.Text.Json and System.Text.Encodings.Web, loaded into an
// AssemblyLoadContext of its own, whose static state then shows what was built.
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using MlObs.Cos.GrafanaDashboard;
using MlObs.Cos.LokiPushApi;
using MlObs.Cos.PrometheusScrape;
using MlObs.Ops;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;
using StateFile = MlObs.Ops.Testing.State.StateJson;

namespace MlObs.Cos.Tests;

public sealed class ColdPathTests
{
    [Fact]
    public void SettledConfigChanged_InFreshSystemTextJson_BuildsNoStringConverterAndNoJavaScriptEncoder()
    {
        using var dir = ColdProbe.CharmDir();
        var settled = ColdProbe.Settle(dir.Path);

        var context = new FreshJsonLoadContext();
        try
        {
            var probe = context.LoadFromAssemblyPath(typeof(ColdProbe).Assembly.Location).GetType(typeof(ColdProbe).FullName!, throwOnError: true)!;
            var problems = (string[])probe.GetMethod(nameof(ColdProbe.RunSettledConfigChanged))!.Invoke(null, [dir.Path, settled])!;

            Assert.Empty(problems);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void SettledConfigChanged_WithChangedJobs_PublishesThem()
    {
        // The probe's settled state is really settled only for the jobs it was made from.
        using var dir = ColdProbe.CharmDir();
        var settled = StateFile.Read(ColdProbe.Settle(dir.Path));
        var ctx = ColdProbe.NewContext(dir.Path, port: 9090);

        var after = ctx.Run(ctx.On.ConfigChanged(), settled);

        Assert.Contains("*:9090", after.GetRelation(0)!.LocalAppData["scrape_jobs"], StringComparison.Ordinal);
    }
}

/// <summary>Runs in the fresh load context: nothing here may be shared with the test's own (only strings cross).</summary>
public static class ColdProbe
{
    private const string ModelUuid = "f2c1b2a6-1234-4abc-8def-0123456789ab";

    private const string Metadata = """
        name: cold-charm
        type: charm
        summary: The three COS relations of drift-monitor-k8s.
        description: A charm whose settled hooks must not start System.Text.Json's one-time set-ups.
        provides:
          metrics-endpoint:
            interface: prometheus_scrape
          grafana-dashboard:
            interface: grafana_dashboard
        requires:
          logging:
            interface: loki_push_api
        """;

    /// <summary>
    /// Runs config-changed on <paramref name="stateJson"/> and lists what should not have happened: a relation-set (the
    /// state was not settled), a converter for strings, a Unicode range (the JavaScript encoder's tables).
    /// </summary>
    public static string[] RunSettledConfigChanged(string charmDir, string stateJson)
    {
        var problems = new List<string>();
        var json = typeof(JsonNode).Assembly;
        var encodings = typeof(System.Text.Encodings.Web.JavaScriptEncoder).Assembly;
        if (AssemblyLoadContext.GetLoadContext(json) == AssemblyLoadContext.Default || AssemblyLoadContext.GetLoadContext(encodings) == AssemblyLoadContext.Default)
        {
            problems.Add("System.Text.Json or System.Text.Encodings.Web is the default context's copy: the probe would see other tests' state");
        }

        problems.AddRange(Built(json, "System.Text.Json.Serialization.Metadata.JsonMetadataServices", "System.Text.Json.Serialization.JsonConverter"));
        problems.AddRange(Built(encodings, "System.Text.Unicode.UnicodeRanges", "System.Text.Unicode.UnicodeRange"));
        if (problems.Count > 0)
        {
            problems.Insert(0, "already built before the hook (the fresh copies are not fresh):");
            return [.. problems];
        }

        var ctx = NewContext(charmDir, port: 8080);
        ctx.Run(ctx.On.ConfigChanged(), StateFile.Read(stateJson));

        problems.AddRange(ctx.HookToolCalls.Where(c => c.Tool is "relation-set" or "relation-get").Select(c => $"{c.Tool} {string.Join(' ', c.Args)}: the state was not settled"));
        problems.AddRange(Built(json, "System.Text.Json.Serialization.Metadata.JsonMetadataServices", "System.Text.Json.Serialization.JsonConverter"));
        problems.AddRange(Built(encodings, "System.Text.Unicode.UnicodeRanges", "System.Text.Unicode.UnicodeRange"));
        return [.. problems];
    }

    /// <summary>The charm dir: metadata, the golden rule files and dashboard.</summary>
    internal static TempCharmDir CharmDir()
    {
        var dir = Golden.CharmDir();
        File.WriteAllText(Path.Combine(dir.Path, "charmcraft.yaml"), Metadata);
        return dir;
    }

    /// <summary>The state after each relation joined and a config-changed, as state JSON.</summary>
    internal static string Settle(string charmDir)
    {
        var ctx = NewContext(charmDir, port: 8080);
        var state = UnitState.Empty with
        {
            Leader = true,
            Model = new ModelState("dev-model", ModelUuid, ModelType.Kubernetes),
            Relations =
            [
                PrometheusGoldenTests.PrometheusRelation(),
                RelationState.Regular("grafana-dashboard", 1, "grafana"),
                RelationState.Regular("logging", 2, "loki") with
                {
                    RemoteUnitsData = new Dictionary<int, IReadOnlyDictionary<string, string>>
                    {
                        [0] = new Dictionary<string, string>(RelationState.DefaultUnitData) { ["endpoint"] = """{"url": "http://loki-0:3100/loki/api/v1/push"}""" },
                    },
                },
            ],
            Networks = PrometheusGoldenTests.State(PrometheusGoldenTests.PrometheusRelation()).Networks,
        };
        foreach (var relation in state.Relations)
        {
            state = ctx.Run(ctx.On.RelationJoined(state.GetRelation(relation.Id)!), state);
        }

        state = ctx.Run(ctx.On.ConfigChanged(), state);
        return StateFile.Write(state);
    }

    internal static Context<ColdCharm> NewContext(string charmDir, int port) =>
        new(f => new ColdCharm(f, port), charmDir, new ContextOptions { ApplicationName = "myapp", UnitNumber = 1 });

    // The static fields of `typeName` holding something of `fieldTypeName` (or a subtype) that are set.
    private static IEnumerable<string> Built(Assembly assembly, string typeName, string fieldTypeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        var fieldType = assembly.GetType(fieldTypeName, throwOnError: true)!;
        var fields = type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Where(f => fieldType.IsAssignableFrom(f.FieldType) && !f.IsLiteral).ToList();
        if (fields.Count == 0)
        {
            return [$"{typeName} has no static {fieldTypeName} fields any more: the probe must look elsewhere"];
        }

        return fields.Where(f => f.GetValue(null) is not null).Select(f => $"{typeName}.{f.Name} was built");
    }
}

/// <summary>As drift-monitor-k8s: a scrape job made in every hook from the config, the dashboards, log forwarding.</summary>
public sealed class ColdCharm : CharmBase
{
    private readonly MetricsEndpointProvider _metrics;

    public ColdCharm(Framework framework, int port)
        : base(framework)
    {
        _metrics = new MetricsEndpointProvider(this, new MetricsEndpointOptions
        {
            JobsFactory = _ => Task.FromResult<IReadOnlyList<JsonObject>>([new ScrapeJob("cold") { Targets = [$"*:{port}"] }]),
            Fqdn = () => "myapp-1.myapp-endpoints.dev-model.svc.cluster.local",
        });
        _ = new GrafanaDashboardProvider(this);
        _ = new LogForwarder(this);
        On.ConfigChanged.Observe(async (e, ct) =>
        {
            if (await Model.Unit.IsLeaderAsync(ct))
            {
                await _metrics.SetScrapeJobSpecAsync(ct);
            }
        });
    }
}

/// <summary>
/// Loads the test assembly and what it references from the test's directory, and System.Text.Json and
/// System.Text.Encodings.Web afresh from the runtime's, so that their static state starts empty.
/// </summary>
internal sealed class FreshJsonLoadContext() : AssemblyLoadContext("fresh-system-text-json", isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var local = Path.Combine(AppContext.BaseDirectory, assemblyName.Name + ".dll");
        if (File.Exists(local))
        {
            return LoadFromAssemblyPath(local);
        }

        return assemblyName.Name is "System.Text.Json" or "System.Text.Encodings.Web"
            ? LoadFromAssemblyPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), assemblyName.Name + ".dll"))
            : null;
    }
}
