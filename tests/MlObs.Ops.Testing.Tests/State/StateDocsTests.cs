// StateDocsTests: keeps docs/emulator-state.md and docs/emulator-state.schema.json in step with
// the reader — the example reads, and the schema and the reader know the same field names.
using System.Text.Json;
using System.Text.RegularExpressions;
using MlObs.Ops.Hosting;
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Tests.State;

public sealed partial class StateDocsTests
{
    private static string DocsPath(string name) => Path.Combine((JujuCBinary.FindRepoRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("no MlObs.sln above the test assembly")), "docs", name);

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    private static string Example() => JsonBlock().Match(File.ReadAllText(DocsPath("emulator-state.md"))).Groups[1].Value;

    [Fact]
    public void Example_InTheDoc_ReadsWithTheDocumentedContent()
    {
        var state = StateJson.Read(Example());

        Assert.True(state.Leader);
        Assert.Equal("debug", state.Config["log-level"].GetString());
        Assert.Equal("10.1.0.7", state.GetRelation(1)!.RemoteUnitsData[0]["ingress-address"]);
        Assert.Equal(RelationKind.Peer, state.GetRelation(2)!.Kind);
        var container = state.GetContainer("drift")!;
        Assert.Equal("5a7d3b7e-2c1f-4f8e-9c61-0d2b8a4e9f13", container.BootId);
        Assert.Equal("/app/drift --port 8080", container.GetPlan().Services["drift"].Command);
        Assert.Equal(["/app/drift", "--version"], Assert.Single(container.Execs).CommandPrefix);
        Assert.Equal("s3cr3t", state.GetSecret("api-token")!.TrackedContent["token"]);
        Assert.Equal("data", Assert.Single(state.Storages).Name);
        Assert.Equal(ModelType.Kubernetes, state.Model.Type);
    }

    [Fact]
    public void Example_InTheDoc_IsConsistentWithTheFixtureCharm()
    {
        var report = StateConsistency.Check(StateFixtures.Meta, StateJson.Read(Example()), EventSpec.Workload(EventKind.PebbleReady, "drift"));

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Schema_DefinesEveryObjectTheReaderKnows_WithTheSameFields()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(DocsPath("emulator-state.schema.json")));
        var defs = schema.RootElement.GetProperty("$defs");

        foreach (var (kind, fields) in StateJson.FieldNames)
        {
            Assert.True(defs.TryGetProperty(kind, out var def), $"the schema has no $defs/{kind}");
            var schemaFields = def.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(fields.Order(StringComparer.Ordinal), schemaFields.Order(StringComparer.Ordinal));
            Assert.False(def.GetProperty("additionalProperties").GetBoolean(), $"$defs/{kind} must reject unknown fields, as the reader does");
        }
    }

    [Fact]
    public void Schema_RequiredFields_AreRequiredByTheReader()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(DocsPath("emulator-state.schema.json")));
        var minimal = new Dictionary<string, string>
        {
            ["relation"] = """{"relations": [{"id": 1, "endpoint": "db"}]}""",
            ["address"] = """{"networks": {"n": {"bind_addresses": [{"addresses": [{"value": "v"}]}]}}}""",
            ["container"] = """{"containers": [{"name": "w"}]}""",
            ["mount"] = """{"containers": [{"name": "w", "mounts": {"m": {"location": "l", "source": "s"}}}]}""",
            ["exec"] = """{"containers": [{"name": "w", "execs": [{"command_prefix": ["x"]}]}]}""",
            ["notice"] = """{"containers": [{"name": "w", "notices": [{"id": "1", "key": "k"}]}]}""",
            ["check_info"] = """{"containers": [{"name": "w", "check_infos": [{"name": "c"}]}]}""",
            ["secret"] = """{"secrets": [{"id": "secret:x", "tracked_content": {}}]}""",
            ["storage"] = """{"storages": [{"name": "data"}]}""",
            ["port"] = """{"opened_ports": [{"protocol": "icmp"}]}""",
            ["status"] = """{"unit_status": {"name": "active"}}""",
        };

        foreach (var def in schema.RootElement.GetProperty("$defs").EnumerateObject())
        {
            if (!def.Value.TryGetProperty("required", out var required))
            {
                continue;
            }

            Assert.True(minimal.ContainsKey(def.Name), $"add a minimal document for $defs/{def.Name}");
            StateJson.Read(minimal[def.Name]);
            foreach (var field in required.EnumerateArray().Select(f => f.GetString()!))
            {
                var without = Regex.Replace(minimal[def.Name], $"\"{Regex.Escape(field)}\": (\"[^\"]*\"|\\{{\\}}|\\[[^\\]]*\\]|\\d+)(, )?", string.Empty);
                var ex = Assert.Throws<StateFormatException>(() => StateJson.Read(without.Replace(", }", "}", StringComparison.Ordinal)));
                Assert.EndsWith($"{field}: required field is missing", ex.Message, StringComparison.Ordinal);
            }
        }
    }
}
