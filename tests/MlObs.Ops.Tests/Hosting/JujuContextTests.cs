// Tests of JujuContext: required variables per event kind, parsing of ids and versions.
using MlObs.Ops.Hosting;

namespace MlObs.Ops.Tests.Hosting;

public sealed class JujuContextTests
{
    internal static Dictionary<string, string> BaseEnvironment(string dispatchPath, string hookName) => new(StringComparer.Ordinal)
    {
        ["JUJU_DISPATCH_PATH"] = dispatchPath,
        ["JUJU_HOOK_NAME"] = hookName,
        ["JUJU_UNIT_NAME"] = "sample-k8s/0",
        ["JUJU_MODEL_NAME"] = "test",
        ["JUJU_MODEL_UUID"] = "00000000-0000-4000-8000-000000000000",
        ["JUJU_VERSION"] = "3.6.8",
        ["JUJU_CHARM_DIR"] = "/var/lib/juju/agents/unit-sample-k8s-0/charm",
    };

    [Fact]
    public void FromDictionary_ConfigChanged_ReadsCommonVariables()
    {
        var context = JujuContext.FromDictionary(BaseEnvironment("hooks/config-changed", "config-changed"));

        Assert.Equal("sample-k8s/0", context.UnitName);
        Assert.Equal("sample-k8s", context.AppName);
        Assert.Equal(new Version(3, 6, 8), context.JujuVersion);
        Assert.Equal("/var/lib/juju/agents/unit-sample-k8s-0/charm", context.CharmDir);
        Assert.False(context.IsAction);
    }

    [Theory]
    [InlineData("JUJU_DISPATCH_PATH")]
    [InlineData("JUJU_HOOK_NAME")]
    [InlineData("JUJU_UNIT_NAME")]
    [InlineData("JUJU_MODEL_NAME")]
    [InlineData("JUJU_MODEL_UUID")]
    public void FromDictionary_MissingCommonVariable_ThrowsNamingIt(string variable)
    {
        var env = BaseEnvironment("hooks/install", "install");
        env.Remove(variable);

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_MissingVersion_DefaultsToZero()
    {
        var env = BaseEnvironment("hooks/install", "install");
        env.Remove("JUJU_VERSION");

        Assert.Equal(new Version(0, 0, 0), JujuContext.FromDictionary(env).JujuVersion);
    }

    [Fact]
    public void FromDictionary_RelationChanged_ParsesEndpointQualifiedId()
    {
        var env = BaseEnvironment("hooks/db-relation-changed", "db-relation-changed");
        env["JUJU_RELATION"] = "db";
        env["JUJU_RELATION_ID"] = "db:7";
        env["JUJU_REMOTE_APP"] = "postgresql";
        env["JUJU_REMOTE_UNIT"] = "postgresql/1";

        var context = JujuContext.FromDictionary(env);

        Assert.Equal(7, context.RelationId);
        Assert.Equal("db", context.RelationName);
        Assert.Equal("postgresql/1", context.RemoteUnit);
    }

    [Fact]
    public void FromDictionary_RelationChangedWithoutRemoteUnit_Throws()
    {
        var env = BaseEnvironment("hooks/db-relation-changed", "db-relation-changed");
        env["JUJU_RELATION"] = "db";
        env["JUJU_RELATION_ID"] = "db:7";
        env["JUJU_REMOTE_APP"] = "postgresql";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains("JUJU_REMOTE_UNIT", error.Message, StringComparison.Ordinal);
        Assert.Contains("db-relation-changed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_RelationDepartedWithoutDepartingUnit_Throws()
    {
        var env = BaseEnvironment("hooks/db-relation-departed", "db-relation-departed");
        env["JUJU_RELATION"] = "db";
        env["JUJU_RELATION_ID"] = "db:7";
        env["JUJU_REMOTE_APP"] = "postgresql";
        env["JUJU_REMOTE_UNIT"] = "postgresql/1";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains("JUJU_DEPARTING_UNIT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_RelationCreatedWithoutRemoteUnit_IsValid()
    {
        var env = BaseEnvironment("hooks/db-relation-created", "db-relation-created");
        env["JUJU_RELATION"] = "db";
        env["JUJU_RELATION_ID"] = "db:7";
        env["JUJU_REMOTE_APP"] = "postgresql";

        Assert.Null(JujuContext.FromDictionary(env).RemoteUnit);
    }

    [Fact]
    public void FromDictionary_MalformedRelationId_Throws()
    {
        var env = BaseEnvironment("hooks/db-relation-broken", "db-relation-broken");
        env["JUJU_RELATION"] = "db";
        env["JUJU_RELATION_ID"] = "db:seven";
        env["JUJU_REMOTE_APP"] = "postgresql";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains("db:seven", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_RemoteAppEmptyButUnitSet_TakesAppFromUnit()
    {
        var env = BaseEnvironment("hooks/db-relation-joined", "db-relation-joined");
        env["JUJU_RELATION"] = "db";
        env["JUJU_RELATION_ID"] = "3";
        env["JUJU_REMOTE_APP"] = string.Empty;
        env["JUJU_REMOTE_UNIT"] = "postgresql/2";

        var context = JujuContext.FromDictionary(env);

        Assert.Equal("postgresql", context.RemoteApp);
        Assert.Equal(3, context.RelationId);
    }

    [Fact]
    public void FromDictionary_ActionWithoutUuid_Throws()
    {
        var env = BaseEnvironment("actions/greet", string.Empty);
        env["JUJU_ACTION_NAME"] = "greet";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains("JUJU_ACTION_UUID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_Action_IsAction()
    {
        var env = BaseEnvironment("actions/greet", string.Empty);
        env["JUJU_ACTION_NAME"] = "greet";
        env["JUJU_ACTION_UUID"] = "42";

        var context = JujuContext.FromDictionary(env);

        Assert.True(context.IsAction);
        Assert.Equal("42", context.ActionUuid);
    }

    [Fact]
    public void FromDictionary_SecretRemoveWithoutRevision_Throws()
    {
        var env = BaseEnvironment("hooks/secret-remove", "secret-remove");
        env["JUJU_SECRET_ID"] = "secret:cvhgtsvmp25c7889ks0g";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains("JUJU_SECRET_REVISION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_StorageAttached_ParsesNameAndIndex()
    {
        var env = BaseEnvironment("hooks/data-storage-attached", "data-storage-attached");
        env["JUJU_STORAGE_ID"] = "data/3";

        var context = JujuContext.FromDictionary(env);

        Assert.Equal("data", context.StorageName);
        Assert.Equal(3, context.StorageIndex);
    }

    [Fact]
    public void FromDictionary_PebbleNoticeWithoutKey_Throws()
    {
        var env = BaseEnvironment("hooks/workload-pebble-custom-notice", "workload-pebble-custom-notice");
        env["JUJU_WORKLOAD_NAME"] = "workload";
        env["JUJU_NOTICE_ID"] = "1";
        env["JUJU_NOTICE_TYPE"] = "custom";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.Contains("JUJU_NOTICE_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDictionary_CustomPath_NeedsOnlyCommonVariables()
    {
        var context = JujuContext.FromDictionary(BaseEnvironment("hooks/heartbeat", "heartbeat"));

        Assert.Equal("hooks/heartbeat", context.DispatchPath);
    }

    [Theory]
    [InlineData("3.6-beta2", 3, 6, 0)]
    [InlineData("4.0.1.2", 4, 0, 1)]
    [InlineData("2.9", 2, 9, 0)]
    public void FromDictionary_VersionForms_AreParsed(string text, int major, int minor, int patch)
    {
        var env = BaseEnvironment("hooks/install", "install");
        env["JUJU_VERSION"] = text;

        var version = JujuContext.FromDictionary(env).JujuVersion;

        Assert.Equal((major, minor, patch), (version.Major, version.Minor, version.Build));
    }

    [Fact]
    public void FromDictionary_AgentSocketVariables_AreRead()
    {
        var env = BaseEnvironment("hooks/install", "install");
        env["JUJU_CONTEXT_ID"] = "sample-k8s/0-install-1";
        env["JUJU_AGENT_SOCKET_ADDRESS"] = "@/var/lib/juju/agents/unit-sample-k8s-0/agent.socket";
        env["JUJU_AGENT_SOCKET_NETWORK"] = "unix";
        env["JUJU_AGENT_TOKEN"] = "t0k";

        var context = JujuContext.FromDictionary(env);

        Assert.Equal("sample-k8s/0-install-1", context.ContextId);
        Assert.Equal("@/var/lib/juju/agents/unit-sample-k8s-0/agent.socket", context.AgentSocketAddress);
        Assert.Equal("unix", context.AgentSocketNetwork);
        Assert.Equal("t0k", context.AgentToken);
        Assert.False(context.HookToolsAsProcesses);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("socket", false)]
    [InlineData("exec", true)]
    public void FromDictionary_MlobsHookTools_SelectsHowToolsRun(string? value, bool asProcesses)
    {
        var env = BaseEnvironment("hooks/install", "install");
        if (value is not null)
        {
            env["MLOBS_HOOK_TOOLS"] = value;
        }

        Assert.Equal(asProcesses, JujuContext.FromDictionary(env).HookToolsAsProcesses);
    }

    [Fact]
    public void FromDictionary_MlobsHookToolsUnknown_ThrowsNamingIt()
    {
        var env = BaseEnvironment("hooks/install", "install");
        env["MLOBS_HOOK_TOOLS"] = "fork";

        var error = Assert.Throws<JujuContextException>(() => JujuContext.FromDictionary(env));

        Assert.StartsWith("MLOBS_HOOK_TOOLS 'fork' is not 'socket'", error.Message, StringComparison.Ordinal);
    }
}
