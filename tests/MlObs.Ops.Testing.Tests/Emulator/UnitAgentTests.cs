// UnitAgentTests: what golden output cannot show — the state Commit and Abandon return, the
// records of a hook, the secret lifecycle across calls, and the stdin round trip.
using System.Text;
using System.Text.Json;
using MlObs.Ops.Hosting;
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.HookTools;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Tests.Emulator;

public sealed class UnitAgentTests : IDisposable
{
    private const string Uuid = "6b8d8a6e-3f1c-4c1a-9a53-3f5f2a6c2b7e";

    private static readonly CharmMeta Meta = CharmMeta.FromCharmcraftYaml("""
        name: demo
        type: charm
        requires:
          db:
            interface: pg
        peers:
          cluster:
            interface: demo_peers
        storage:
          data:
            type: filesystem
        actions:
          backup:
            params:
              target:
                type: string
        """);

    private static readonly UnitState Base = UnitState.Empty with
    {
        Leader = true,
        Relations = [RelationState.Regular("db", 1, "pg"), RelationState.Peer("cluster", 3)],
        UnitStatus = new StatusState("active", "ready"),
        WorkloadVersion = "1.0",
        Secrets =
        [
            new SecretState { Id = "secret:cvhgtsvmp25c7889ks0g", TrackedContent = Databag(("token", "abc")), LatestContent = Databag(("token", "def")), LatestRevision = 2 },
            new SecretState { Id = "secret:d0erdn5mp25c7a5ksvtg", Owner = SecretOwner.App, Label = "admin", TrackedContent = Databag(("password", "old")) },
        ],
    };

    private readonly string _cwd = Directory.CreateTempSubdirectory("unit-agent-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public void UnitName_UsesCharmNameAndUnitNumber()
    {
        var agent = new UnitAgent(Meta, Base, new EventSpec(EventKind.Start), new UnitAgentOptions { UnitNumber = 3 });

        Assert.Equal("demo/3", agent.UnitName);
    }

    [Fact]
    public void Commit_AfterRelationSet_AppliesUnitAndAppWrites()
    {
        var agent = Agent();
        Ok(agent, "relation-set", ["-r", "db:1", "--file", "-"], """{"host": "demo-0", "private-address": ""}""");
        Ok(agent, "relation-set", ["-r", "db:1", "--app", "mode=primary"]);

        var relation = agent.Commit().GetRelation(1)!;

        Assert.Equal("demo-0", relation.LocalUnitData["host"]);
        Assert.False(relation.LocalUnitData.ContainsKey("private-address"));
        Assert.Equal("primary", relation.LocalAppData["mode"]);
    }

    [Fact]
    public void Abandon_AfterBufferedAndImmediateEffects_KeepsOnlyStatusesAndVersion()
    {
        var agent = Agent();
        Ok(agent, "relation-set", ["-r", "1", "a=b"]);
        Ok(agent, "state-set", ["k=v"]);
        Ok(agent, "open-port", ["8080/tcp"]);
        Ok(agent, "secret-add", ["--owner", "unit", "token=xyz"]);
        Ok(agent, "status-set", ["--application=True", "blocked", "--", "no db"]);
        Ok(agent, "application-version-set", ["--", "2.0"]);

        var state = agent.Abandon();

        Assert.Equal(Base with { AppStatus = new StatusState("blocked", "no db"), WorkloadVersion = "2.0" }, state);
    }

    [Fact]
    public void Commit_WithoutCalls_ReturnsAnEqualState()
    {
        Assert.Equal(Base, Agent().Commit());
    }

    [Fact]
    public void Commit_PortsOpenedAndClosed_AppliesThemInOrder()
    {
        var agent = Agent(Base with { OpenedPorts = [new PortState(PortProtocol.Tcp, 443)] });
        Ok(agent, "open-port", ["8080/tcp"]);
        Ok(agent, "open-port", ["icmp"]);
        Ok(agent, "close-port", ["443/tcp"]);
        Ok(agent, "open-port", ["8080/tcp"]);

        Assert.Equal([new PortState(PortProtocol.Tcp, 8080), new PortState(PortProtocol.Icmp, null)], agent.Commit().OpenedPorts);
    }

    [Fact]
    public void Commit_StateSetAndDelete_UpdatesUnitStateData()
    {
        var agent = Agent(Base with { UnitStateData = new Dictionary<string, string> { ["old"] = "1", ["keep"] = "2" } });
        Ok(agent, "state-set", ["--file", "-"], "new: '3'\n");
        Ok(agent, "state-delete", ["old"]);

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "2", ["new"] = "3" }, agent.Commit().UnitStateData);
    }

    [Fact]
    public void Call_FileDash_AsksForStdinFirst()
    {
        var agent = Agent();

        var first = agent.Call("relation-set", ["-r", "1", "--file", "-"], null, _cwd);
        var second = agent.Call("relation-set", ["-r", "1", "--file", "-"], Encoding.UTF8.GetBytes("a: b\n"), _cwd);

        Assert.True(first.IsNeedsStdin);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal([new ToolCallRecord("relation-set", ["-r", "1", "--file", "-"], 0)], agent.Records.Calls);
    }

    [Fact]
    public void Call_UsageErrorBeforeStdin_DoesNotAskForStdin()
    {
        var reply = Agent().Call("relation-set", ["--file", "-"], null, _cwd);

        Assert.False(reply.IsNeedsStdin);
        Assert.Equal(2, reply.ExitCode);
    }

    [Fact]
    public void Call_OutputOption_WritesTheFileRelativeToTheCaller()
    {
        var reply = Agent().Call("relation-ids", ["db", "--format=json", "-o", "ids.json"], null, _cwd);

        Assert.Equal(0, reply.ExitCode);
        Assert.Equal(0, reply.Stdout.Length);
        Assert.Equal("[\"db:1\"]\n", File.ReadAllText(Path.Combine(_cwd, "ids.json")));
    }

    [Fact]
    public void RelationSet_AppAsNonLeader_LeavesTheDatabagAlone()
    {
        var agent = Agent(Base with { Leader = false });

        var reply = agent.Call("relation-set", ["-r", "1", "--app", "mode=x"], null, _cwd);

        Assert.Equal(1, reply.ExitCode);
        Assert.Empty(agent.Commit().GetRelation(1)!.LocalAppData);
    }

    [Fact]
    public void RelationGet_PeerAppDataAsNonLeader_IsAllowed()
    {
        var state = Base with { Leader = false, Relations = [RelationState.Peer("cluster", 3) with { LocalAppData = Databag(("k", "v")) }] };

        Assert.Equal("{\"k\":\"v\"}\n", Ok(Agent(state), "relation-get", ["--format=json", "-r", "cluster:3", "--app", "-", "demo"]));
    }

    [Fact]
    public void Records_StatusSet_HoldsTheStatusBeforeEachCall()
    {
        var agent = Agent();
        Ok(agent, "status-set", ["maintenance", "--", "a"]);
        Ok(agent, "status-set", ["active", "--", ""]);
        Ok(agent, "status-set", ["--application=True", "waiting", "--", "b"]);

        var records = agent.Records;

        Assert.Equal([new StatusState("active", "ready"), new StatusState("maintenance", "a")], records.UnitStatusHistory);
        Assert.Equal([StatusState.Unknown], records.AppStatusHistory);
        Assert.Equal(new StatusState("active"), agent.Commit().UnitStatus);
    }

    [Fact]
    public void Records_ApplicationVersionSet_HoldsTheVersionBeforeEachCall()
    {
        var agent = Agent();
        Ok(agent, "application-version-set", ["--", "2.0"]);
        Ok(agent, "application-version-set", ["--", "3.0"]);

        Assert.Equal(["1.0", "2.0"], agent.Records.WorkloadVersionHistory);
        Assert.Equal("3.0", agent.Commit().WorkloadVersion);
    }

    [Fact]
    public void Records_ActionSet_NestsDottedKeysAndMergesLaterCalls()
    {
        var agent = Agent(@event: EventSpec.Action("backup"));
        Ok(agent, "action-set", ["result.size=10", "result.unit=MB", "name=x"]);
        Ok(agent, "action-set", ["name=y", "name2.a=1"]);

        var results = agent.Records.ActionResults!.Value;

        Assert.Equal("""{"name":"y","name2":{"a":"1"},"result":{"size":"10","unit":"MB"}}""", results.GetRawText());
    }

    [Fact]
    public void Records_NoActionSet_ResultsAreNull()
    {
        Assert.Null(Agent(@event: EventSpec.Action("backup")).Records.ActionResults);
    }

    [Fact]
    public void Records_ActionFailWithoutMessage_UsesJujusDefaultText()
    {
        var agent = Agent(@event: EventSpec.Action("backup"));
        Ok(agent, "action-log", ["--", "step", "one"]);
        Ok(agent, "action-fail", []);

        Assert.Equal(["step one"], agent.Records.ActionLogs);
        Assert.Equal("action failed without reason given, check action for errors", agent.Records.ActionFailure);
    }

    [Fact]
    public void Records_ActionFailWithEmptyMessage_KeepsItEmpty()
    {
        var agent = Agent(@event: EventSpec.Action("backup"));
        Ok(agent, "action-fail", ["--", ""]);

        Assert.Equal(string.Empty, agent.Records.ActionFailure);
    }

    [Fact]
    public void Records_JujuLog_NormalisesLevelsAndPrefixesRelationHooks()
    {
        var agent = Agent(@event: EventSpec.Relation(EventKind.RelationChanged, "db", 1, "pg/0"));
        Ok(agent, "juju-log", ["--log-level", "warn", "--", "careful"]);
        Ok(agent, "juju-log", ["-l", "ERROR", "--debug", "--", "detail"]);
        Ok(agent, "juju-log", ["--log-level", "LOUD", "--", "hi"]);

        Assert.Equal(
            [
                new JujuLogEntry("WARNING", "db:1: careful"),
                new JujuLogEntry("DEBUG", "db:1: detail"),
                new JujuLogEntry("WARNING", "Specified log level of \"LOUD\" is not valid"),
                new JujuLogEntry("INFO", "db:1: hi"),
            ],
            agent.Records.JujuLog);
    }

    [Fact]
    public void Records_StorageAddAndReboot_AreRecorded()
    {
        var agent = Agent();
        Ok(agent, "storage-add", ["data=2", "data"]);
        Ok(agent, "juju-reboot", ["--now"]);

        var records = agent.Records;

        Assert.Equal(3, records.RequestedStorages["data"]);
        Assert.True(records.RebootRequested);
        Assert.True(records.RebootNow);
    }

    [Fact]
    public void Records_Snapshots_CompareByValue()
    {
        var agent = Agent();
        Ok(agent, "juju-log", ["--", "x"]);

        Assert.Equal(agent.Records, agent.Records);
    }

    [Fact]
    public void SecretAdd_Commit_AddsTheSecretAtRevisionOne()
    {
        var agent = Agent();
        var uri = Ok(agent, "secret-add", ["--label", "db", "--description", "d", "--rotate", "daily", "--owner", "unit", "password=s3cret"]).TrimEnd('\n');

        var secret = agent.Commit().GetSecret(uri)!;

        Assert.StartsWith($"secret://{Uuid}/", uri, StringComparison.Ordinal);
        Assert.Equal(
            new SecretState
            {
                Id = uri,
                Owner = SecretOwner.Unit,
                Label = "db",
                Description = "d",
                Rotate = SecretRotatePolicy.Daily,
                TrackedContent = Databag(("password", "s3cret")),
            },
            secret);
    }

    [Fact]
    public void SecretAdd_TwoAgentsOnTheSameInput_MintTheSameUri()
    {
        var first = Ok(Agent(), "secret-add", ["token=abc"]);
        var second = Ok(Agent(), "secret-add", ["token=abc"]);
        var third = Ok(Agent(Base with { Secrets = [] }), "secret-add", ["token=abc"]);

        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
    }

    [Fact]
    public void SecretAdd_FileContent_IsReadByTheAgent()
    {
        var path = Path.Combine(_cwd, "pw");
        File.WriteAllText(path, "from-file");
        var agent = Agent();
        var uri = Ok(agent, "secret-add", ["--owner", "application", $"password#file={path}", "token#base64=YWJj"]).TrimEnd('\n');

        Assert.Equal(Databag(("password", "from-file"), ("token", "abc")), agent.Commit().GetSecret(uri)!.TrackedContent);
    }

    [Fact]
    public void SecretSet_TwiceInOneHook_MakesOneNewRevision()
    {
        var agent = Agent();
        Ok(agent, "secret-set", ["--owner", "application", "secret:d0erdn5mp25c7a5ksvtg", "password=one"]);
        Ok(agent, "secret-set", ["--owner", "application", "secret:d0erdn5mp25c7a5ksvtg", "password=two", "--label", "renamed"]);

        var secret = agent.Commit().GetSecret("renamed")!;

        Assert.Equal(2, secret.LatestRevision);
        Assert.Equal(1, secret.TrackedRevision);
        Assert.Equal(Databag(("password", "two")), secret.LatestContent);
        Assert.Equal(Databag(("password", "old")), secret.TrackedContent);
    }

    [Fact]
    public void SecretGet_Refresh_PinsTheLatestRevisionInTheCommittedState()
    {
        var agent = Agent();
        Ok(agent, "secret-get", ["secret:cvhgtsvmp25c7889ks0g", "--refresh", "--label", "mine"]);

        var secret = agent.Commit().GetSecret("mine")!;

        Assert.Equal(2, secret.TrackedRevision);
        Assert.Equal(Databag(("token", "def")), secret.TrackedContent);
    }

    [Fact]
    public void SecretRemove_Revision_IsRecordedAndTheSecretKept()
    {
        var agent = Agent();
        Ok(agent, "secret-remove", ["secret:d0erdn5mp25c7a5ksvtg", "--revision", "1"]);

        Assert.Equal([new RemovedSecretRevision("secret:d0erdn5mp25c7a5ksvtg", 1)], agent.Records.RemovedSecretRevisions);
        Assert.NotNull(agent.Commit().GetSecret("admin"));
    }

    [Fact]
    public void SecretRemove_WholeSecret_DropsItFromTheCommittedState()
    {
        var agent = Agent();
        Ok(agent, "secret-remove", ["secret:d0erdn5mp25c7a5ksvtg"]);

        Assert.Null(agent.Commit().GetSecret("admin"));
        Assert.NotNull(agent.Abandon().GetSecret("admin"));
    }

    [Fact]
    public void SecretGrantAndRevoke_UpdateTheRemoteGrants()
    {
        var agent = Agent();
        Ok(agent, "secret-grant", ["--relation", "1", "secret:d0erdn5mp25c7a5ksvtg"]);
        Ok(agent, "secret-grant", ["--relation", "1", "--unit", "pg/0", "secret:d0erdn5mp25c7a5ksvtg"]);
        Assert.Equal(["pg", "pg/0"], agent.Commit().GetSecret("admin")!.RemoteGrants[1]);

        Ok(agent, "secret-revoke", ["--relation", "1", "secret:d0erdn5mp25c7a5ksvtg"]);
        Assert.Equal(["pg/0"], agent.Commit().GetSecret("admin")!.RemoteGrants[1]);

        Ok(agent, "secret-revoke", ["--unit", "pg/0", "secret:d0erdn5mp25c7a5ksvtg"]);
        Assert.Empty(agent.Commit().GetSecret("admin")!.RemoteGrants);
    }

    [Fact]
    public void Call_FromManyThreads_RecordsEveryCall()
    {
        var agent = Agent();

        Parallel.For(0, 64, i => agent.Call("state-set", [$"k{i}=v"], null, _cwd));

        Assert.Equal(64, agent.Records.Calls.Count);
        Assert.Equal(64, agent.Commit().UnitStateData.Count);
    }

    private static Dictionary<string, string> Databag(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static UnitAgent Agent(UnitState? state = null, EventSpec? @event = null) =>
        new(Meta, state ?? Base, @event ?? new EventSpec(EventKind.Start));

    private string Ok(UnitAgent agent, string tool, string[] args, string? stdin = null)
    {
        var reply = agent.Call(tool, args, null, _cwd);
        if (reply.IsNeedsStdin)
        {
            reply = agent.Call(tool, args, Encoding.UTF8.GetBytes(stdin ?? string.Empty), _cwd);
        }

        Assert.True(reply.ExitCode == 0, $"{tool} failed: {Encoding.UTF8.GetString(reply.Stderr.Span)}");
        return Encoding.UTF8.GetString(reply.Stdout.Span);
    }
}
