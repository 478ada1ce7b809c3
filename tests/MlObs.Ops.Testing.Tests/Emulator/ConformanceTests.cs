// ConformanceTests: runs the golden cases of conformance/*.json against UnitAgent, one xunit case
// per golden case. Each case gives argv (tool first; "{cwd}" stands for the caller's directory),
// optional stdin, files to create in that directory, calls to make before, the Juju version, state overrides
// (top-level fields of conformance/state.json replaced), an event, and the expected exit code,
// stdout and stderr — exact, or as a regex (stdout_pattern, stderr_pattern) where the contract
// fixes only a form (a minted secret URI). Expected values are written from the contract
// (ops-contract.md §3), not from runs.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Tests.Emulator;

public sealed class ConformanceTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Emulator", "conformance");

    private static readonly Lazy<Dictionary<string, JsonObject>> Cases = new(LoadCases);

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Value.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Golden(string name)
    {
        var golden = Cases.Value[name];
        var agent = new UnitAgent(Meta(), State(golden), Event(golden), new UnitAgentOptions
        {
            UnitNumber = golden["unit"]?.GetValue<int>() ?? 0,
            JujuVersion = golden["juju_version"]?.GetValue<string>() ?? "3.6.4",
            TimeProvider = new FixedTime(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero)),
        });
        var cwd = Directory.CreateTempSubdirectory("conformance-").FullName;
        try
        {
            foreach (var (file, content) in golden["files"]?.AsObject() ?? [])
            {
                File.WriteAllText(Path.Combine(cwd, file), content!.GetValue<string>());
            }

            foreach (var setup in golden["before"]?.AsArray() ?? [])
            {
                var (setupReply, _) = Run(agent, setup!.AsObject(), cwd);
                Assert.True(setupReply.ExitCode == 0, $"setup call {setup["argv"]!.ToJsonString()} failed: {Encoding.UTF8.GetString(setupReply.Stderr.Span)}");
            }

            var (reply, askedForStdin) = Run(agent, golden, cwd);
            Assert.Equal(golden["stdin"] is not null, askedForStdin);
            AssertOutput(golden, "stderr", Encoding.UTF8.GetString(reply.Stderr.Span));
            AssertOutput(golden, "stdout", Encoding.UTF8.GetString(reply.Stdout.Span));
            Assert.Equal(golden["exit"]?.GetValue<int>() ?? 0, reply.ExitCode);
        }
        finally
        {
            Directory.Delete(cwd, recursive: true);
        }
    }

    [Fact]
    public void Cases_CoverEveryTool()
    {
        string[] tools =
        [
            "relation-ids", "relation-list", "relation-get", "relation-set", "relation-model-get", "config-get", "is-leader",
            "status-get", "status-set", "application-version-set", "juju-log", "action-get", "action-set", "action-log",
            "action-fail", "network-get", "open-port", "close-port", "opened-ports", "state-get", "state-set", "state-delete",
            "secret-add", "secret-get", "secret-info-get", "secret-set", "secret-remove", "secret-grant", "secret-revoke",
            "secret-ids", "storage-list", "storage-get", "storage-add", "resource-get", "goal-state", "credential-get", "juju-reboot",
        ];
        var covered = Cases.Value.Values.Select(c => c["argv"]![0]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var missing = string.Join(", ", tools.Where(t => !covered.Contains(t)));
        Assert.True(missing.Length == 0, $"no golden case for: {missing}");
    }

    private static void AssertOutput(JsonObject golden, string stream, string actual)
    {
        if (golden[stream + "_pattern"] is { } pattern)
        {
            Assert.Matches(pattern.GetValue<string>(), actual);
            return;
        }

        Assert.Equal(golden[stream]?.GetValue<string>() ?? string.Empty, actual);
    }

    private static (HookTools.HookToolReply Reply, bool AskedForStdin) Run(UnitAgent agent, JsonObject call, string cwd)
    {
        var argv = call["argv"]!.AsArray().Select(a => a!.GetValue<string>().Replace("{cwd}", cwd, StringComparison.Ordinal)).ToList();
        var reply = agent.Call(argv[0], argv[1..], null, cwd);
        if (!reply.IsNeedsStdin)
        {
            return (reply, false);
        }

        var stdin = Encoding.UTF8.GetBytes(call["stdin"]?.GetValue<string>() ?? string.Empty);
        return (agent.Call(argv[0], argv[1..], stdin, cwd), true);
    }

    private static CharmMeta Meta() => CharmMeta.FromCharmcraftYaml(File.ReadAllText(Path.Combine(Root, "charmcraft.yaml")));

    private static UnitState State(JsonObject golden)
    {
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "state.json")))!.AsObject();
        foreach (var (field, value) in golden["state"]?.AsObject() ?? [])
        {
            state[field] = value?.DeepClone();
        }

        return StateJson.Read(state.ToJsonString());
    }

    private static EventSpec Event(JsonObject golden)
    {
        if (golden["event"] is not JsonObject e)
        {
            return new EventSpec(EventKind.Start);
        }

        var kind = Enum.Parse<EventKind>(e["kind"]!.GetValue<string>());
        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in e["params"]?.AsObject() ?? [])
        {
            parameters[key] = JsonSerializer.SerializeToElement(value);
        }

        return new EventSpec(kind)
        {
            Owner = e["owner"]?.GetValue<string>(),
            RelationId = e["relation_id"]?.GetValue<int>(),
            RemoteUnit = e["remote_unit"]?.GetValue<string>(),
            DepartingUnit = e["departing_unit"]?.GetValue<string>(),
            ActionName = kind == EventKind.Action ? e["owner"]?.GetValue<string>() : null,
            ActionParams = parameters,
            StorageName = e["storage"]?.GetValue<string>(),
            StorageIndex = e["storage_index"]?.GetValue<int>(),
            SecretId = e["secret_id"]?.GetValue<string>(),
        };
    }

    private static Dictionary<string, JsonObject> LoadCases()
    {
        var cases = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Root, "*.json").Where(f => Path.GetFileName(f) != "state.json"))
        {
            var group = Path.GetFileNameWithoutExtension(file);
            foreach (var item in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
            {
                var golden = item!.AsObject();
                var name = $"{group}: {golden["name"]!.GetValue<string>()}";
                Assert.True(cases.TryAdd(name, golden), $"duplicate golden case name: {name}");
            }
        }

        return cases;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
