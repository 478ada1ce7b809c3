// DispatchHarness: runs CharmHost in-process against a FakeHookCommandRunner, with unit state that survives between dispatches.
using System.Text.Json;
using MlObs.Ops.HookTools;
using MlObs.Ops.Tests.HookTools;

namespace MlObs.Ops.Tests.Dispatching;

/// <summary>A charm whose constructor is the test's: the test observes what it needs.</summary>
internal sealed class ProbeCharm : CharmBase
{
    public ProbeCharm(Framework framework, Action<ProbeCharm> setup)
        : base(framework)
    {
        setup(this);
    }

    public new Microsoft.Extensions.Logging.ILogger Logger => base.Logger;
}

/// <summary>One charm directory, one fake Juju unit agent, many dispatches.</summary>
internal sealed class DispatchHarness : IDisposable
{
    public const string DefaultMetadata = """
        name: probe-k8s
        containers:
          workload:
            resource: image
        resources:
          image:
            type: oci-image
        requires:
          db:
            interface: pg
        provides:
          metrics:
            interface: prometheus_scrape
        peers:
          replicas:
            interface: rep
        storage:
          data:
            type: filesystem
            location: /data
        config:
          options:
            port:
              type: int
              default: 8080
            name:
              type: string
        actions:
          greet:
            params:
              name:
                type: string
        """;

    public DispatchHarness(string metadata = DefaultMetadata)
    {
        CharmDir = Directory.CreateTempSubdirectory("mlobs-dispatch-").FullName;
        File.WriteAllText(Path.Combine(CharmDir, "charmcraft.yaml"), metadata);
    }

    public string CharmDir { get; }

    /// <summary>What Juju keeps as unit state (state-get/state-set), carried across dispatches.</summary>
    public Dictionary<string, string> UnitState { get; } = new(StringComparer.Ordinal);

    public bool Leader { get; set; } = true;

    public string ConfigJson { get; set; } = """{"port":8080}""";

    /// <summary>The runner of the last dispatch (a fresh one per dispatch).</summary>
    public FakeHookCommandRunner Runner { get; private set; } = new();

    public string Stderr { get; private set; } = string.Empty;

    /// <summary>Where each container's Pebble socket is (a fake Pebble server's socket, in tests).</summary>
    public Func<string, string>? PebbleSocketPath { get; set; }

    /// <summary>Juju-log lines of the last dispatch as (level, message).</summary>
    public IReadOnlyList<(string Level, string Message)> Logs =>
        Runner.CallsTo("juju-log").Select(c => (c.Arguments[1], c.Arguments[3])).ToList();

    public IReadOnlyList<string> ToolsCalled => Runner.Calls.Select(c => c.Tool).ToList();

    public static Dictionary<string, string> Environment(string dispatchPath, IReadOnlyDictionary<string, string>? extra = null)
    {
        var hook = dispatchPath.StartsWith("actions/", StringComparison.Ordinal) ? string.Empty : dispatchPath[(dispatchPath.LastIndexOf('/') + 1)..];
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUJU_DISPATCH_PATH"] = dispatchPath,
            ["JUJU_HOOK_NAME"] = hook,
            ["JUJU_UNIT_NAME"] = "probe-k8s/0",
            ["JUJU_MODEL_NAME"] = "test",
            ["JUJU_MODEL_UUID"] = "00000000-0000-4000-8000-000000000000",
            ["JUJU_VERSION"] = "3.6.8",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return env;
    }

    public static Dictionary<string, string> RelationEnv(string endpoint, int id, string remoteApp, string? remoteUnit = null, string? departing = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JUJU_RELATION"] = endpoint,
            ["JUJU_RELATION_ID"] = $"{endpoint}:{id}",
            ["JUJU_REMOTE_APP"] = remoteApp,
            ["JUJU_REMOTE_UNIT"] = remoteUnit ?? string.Empty,
        };
        if (departing is not null)
        {
            env["JUJU_DEPARTING_UNIT"] = departing;
        }

        return env;
    }

    /// <summary>Runs one dispatch; <paramref name="script"/> adds tool answers beyond the harness's defaults.</summary>
    public async Task<int> DispatchAsync(
        string dispatchPath,
        Action<ProbeCharm> setup,
        IReadOnlyDictionary<string, string>? extraEnv = null,
        Action<FakeHookCommandRunner>? script = null,
        TimeProvider? time = null)
    {
        var env = Environment(dispatchPath, extraEnv);
        env["JUJU_CHARM_DIR"] = CharmDir;
        Runner = new FakeHookCommandRunner();
        script?.Invoke(Runner);
        AddDefault("is-leader", _ => Ok(Leader ? "true" : "false"));
        AddDefault("config-get", _ => Ok(ConfigJson));
        AddDefault("state-get", _ => Ok(UnitState.Count == 0 ? "null" : JsonSerializer.Serialize(UnitState)));
        AddDefault("state-set", request =>
        {
            using var doc = JsonDocument.Parse(request.Stdin!);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                UnitState[property.Name] = property.Value.GetString()!;
            }

            return Ok(string.Empty);
        });
        AddDefault("state-delete", request =>
        {
            UnitState.Remove(request.Arguments[0]);
            return Ok(string.Empty);
        });

        // Juju commits state-set and friends only when the hook succeeds: snapshot and roll back on failure.
        var before = new Dictionary<string, string>(UnitState, StringComparer.Ordinal);
        using var stderr = new StringWriter();
        var code = await CharmHost.RunAsync(
            framework => new ProbeCharm(framework, setup),
            new CharmHostOptions { Environment = env, Runner = Runner, Stderr = stderr, TimeProvider = time ?? TimeProvider.System, PebbleSocketPath = PebbleSocketPath });
        Stderr = stderr.ToString();
        if (code != 0)
        {
            UnitState.Clear();
            foreach (var (key, value) in before)
            {
                UnitState[key] = value;
            }
        }

        return code;
    }

    public void Dispose() => Directory.Delete(CharmDir, recursive: true);

    private static HookCommandResult Ok(string stdout) => new(0, stdout, string.Empty);

    private void AddDefault(string tool, Func<HookCommandRequest, HookCommandResult> handler)
    {
        // A test that scripted the tool itself wins; otherwise the harness answers.
        if (!Scripted.Contains(tool))
        {
            Runner.On(tool, handler);
        }
    }

    private HashSet<string> Scripted => Runner.ScriptedTools;
}
