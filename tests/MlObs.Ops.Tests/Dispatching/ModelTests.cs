// Tests of the model beyond relations and status: event payloads, secrets, ports, storage, network, resources, goal state.
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Tests.Dispatching;

public sealed class ModelTests : IDisposable
{
    private readonly DispatchHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task PebbleReady_Handler_GetsContainerName()
    {
        string? container = null;

        await _harness.DispatchAsync(
            "hooks/workload-pebble-ready",
            c => c.On.Workload("workload").PebbleReady.Observe(e => container = e.ContainerName),
            new Dictionary<string, string> { ["JUJU_WORKLOAD_NAME"] = "workload" });

        Assert.Equal("workload", container);
    }

    [Fact]
    public async Task PebbleCustomNotice_Handler_GetsNotice()
    {
        WorkloadEvent? seen = null;

        await _harness.DispatchAsync(
            "hooks/workload-pebble-custom-notice",
            c => c.On.Workload("workload").PebbleCustomNotice.Observe(e => seen = e),
            new Dictionary<string, string>
            {
                ["JUJU_WORKLOAD_NAME"] = "workload",
                ["JUJU_NOTICE_ID"] = "42",
                ["JUJU_NOTICE_TYPE"] = "custom",
                ["JUJU_NOTICE_KEY"] = "example.com/reload",
            });

        Assert.Equal(("42", "custom", "example.com/reload"), (seen!.NoticeId, seen.NoticeType, seen.NoticeKey));
    }

    [Fact]
    public async Task PebbleCheckFailed_Handler_GetsCheckName()
    {
        string? check = null;

        await _harness.DispatchAsync(
            "hooks/workload-pebble-check-failed",
            c => c.On.Workload("workload").PebbleCheckFailed.Observe(e => check = e.CheckName),
            new Dictionary<string, string> { ["JUJU_WORKLOAD_NAME"] = "workload", ["JUJU_PEBBLE_CHECK_NAME"] = "alive" });

        Assert.Equal("alive", check);
    }

    [Fact]
    public async Task StorageAttached_Handler_GetsStorage()
    {
        Storage? storage = null;

        await _harness.DispatchAsync(
            "hooks/data-storage-attached",
            c => c.On.Storage("data").Attached.Observe(e => storage = e.Storage),
            new Dictionary<string, string> { ["JUJU_STORAGE_ID"] = "data/2", ["JUJU_STORAGE_LOCATION"] = "/data", ["JUJU_STORAGE_KIND"] = "filesystem" });

        Assert.Equal(new Storage("data", 2, "/data", "filesystem"), storage);
        Assert.Equal("data/2", storage!.Id);
    }

    [Fact]
    public async Task SecretRemove_Handler_GetsSecretAndRevision()
    {
        SecretEvent? seen = null;

        await _harness.DispatchAsync(
            "hooks/secret-remove",
            c => c.On.SecretRemove.Observe(e => seen = e),
            new Dictionary<string, string> { ["JUJU_SECRET_ID"] = "secret:cvhgtsvmp25c7889ks0g", ["JUJU_SECRET_LABEL"] = "db-password", ["JUJU_SECRET_REVISION"] = "3" });

        Assert.Equal("secret:cvhgtsvmp25c7889ks0g", seen!.Secret.Id);
        Assert.Equal("db-password", seen.Secret.Label);
        Assert.Equal(3, seen.Revision);
    }

    [Fact]
    public async Task SecretRotate_Defer_IsRefused()
    {
        var code = await _harness.DispatchAsync(
            "hooks/secret-rotate",
            c => c.On.SecretRotate.Observe(e => e.Defer()),
            new Dictionary<string, string> { ["JUJU_SECRET_ID"] = "secret:cvhgtsvmp25c7889ks0g" });

        Assert.Equal(1, code);
    }

    [Fact]
    public async Task Secret_TrackedThenRefresh_ReadsTrackedUntilRefreshed()
    {
        var contents = new List<string>();

        await _harness.DispatchAsync(
            "hooks/secret-changed",
            c => c.On.SecretChanged.Observe(async (e, ct) =>
            {
                contents.Add((await e.Secret.GetContentAsync(cancellationToken: ct))["password"]);
                contents.Add((await e.Secret.GetContentAsync(cancellationToken: ct))["password"]);
                contents.Add((await e.Secret.PeekContentAsync(ct))["password"]);
                contents.Add((await e.Secret.GetContentAsync(refresh: true, ct))["password"]);
            }),
            new Dictionary<string, string> { ["JUJU_SECRET_ID"] = "secret:cvhgtsvmp25c7889ks0g" },
            r => r.On("secret-get", req => new HookCommandResult(0, req.Arguments.Contains("--peek") || req.Arguments.Contains("--refresh") ? """{"password":"new"}""" : """{"password":"old"}""", string.Empty)));

        Assert.Equal(["old", "old", "new", "new"], contents);
        Assert.Equal(3, _harness.Runner.CallsTo("secret-get").Count);
    }

    [Fact]
    public async Task AppAddSecret_ThenGrant_UsesOwnerApplicationAndRelation()
    {
        var code = await _harness.DispatchAsync(
            "hooks/db-relation-joined",
            c => c.On.Relation("db").Joined.Observe(async (e, ct) =>
            {
                var secret = await c.Model.App.AddSecretAsync(new Dictionary<string, string> { ["password"] = "s3cret" }, new SecretOptions(Label: "db-password", Rotate: SecretRotate.Monthly), ct);
                await secret.GrantAsync(e.Relation, cancellationToken: ct);
            }),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/0"),
            r => r.Respond("secret-add", "secret://00000000-0000-4000-8000-000000000000/cvhgtsvmp25c7889ks0g\n"));

        Assert.Equal(0, code);
        var add = Assert.Single(_harness.Runner.CallsTo("secret-add"));
        Assert.Contains("--owner", add.Arguments);
        Assert.Equal("application", add.Arguments[add.Arguments.ToList().IndexOf("--owner") + 1]);
        Assert.Equal("monthly", add.Arguments[add.Arguments.ToList().IndexOf("--rotate") + 1]);
        var grant = Assert.Single(_harness.Runner.CallsTo("secret-grant"));
        Assert.Equal(["--relation", "4", "secret://00000000-0000-4000-8000-000000000000/cvhgtsvmp25c7889ks0g"], grant.Arguments);
    }

    [Fact]
    public async Task SecretByLabel_SetContent_ResolvesIdThroughInfo()
    {
        await _harness.DispatchAsync(
            "hooks/update-status",
            c => c.On.UpdateStatus.Observe(async (e, ct) =>
            {
                var secret = await c.Model.GetSecretAsync(label: "db-password", cancellationToken: ct);
                await secret.SetContentAsync(new Dictionary<string, string> { ["password"] = "rotated" }, ct);
            }),
            script: r => r.Respond("secret-get", """{"password":"old"}""")
                .Respond("secret-info-get", """{"cvhgtsvmp25c7889ks0g":{"revision":2,"label":"db-password","owner":"application"}}"""));

        var set = Assert.Single(_harness.Runner.CallsTo("secret-set"));
        Assert.Contains("cvhgtsvmp25c7889ks0g", set.Arguments);
    }

    [Fact]
    public async Task GetSecret_Missing_ThrowsSecretNotFound()
    {
        Exception? error = null;

        await _harness.DispatchAsync(
            "hooks/update-status",
            c => c.On.UpdateStatus.Observe(async (e, ct) => error = await Record.ExceptionAsync(() => c.Model.GetSecretAsync("secret:cvhgtsvmp25c7889ks0g", cancellationToken: ct))),
            script: r => r.Fail("secret-get", 1, "ERROR secret \"cvhgtsvmp25c7889ks0g\" not found\n"));

        Assert.IsType<SecretNotFoundException>(error);
    }

    [Fact]
    public async Task SetPorts_OpensMissingAndClosesOthers()
    {
        await _harness.DispatchAsync(
            "hooks/config-changed",
            c => c.On.ConfigChanged.Observe((e, ct) => c.Model.Unit.SetPortsAsync([new OpenedPort("tcp", 8080, 8080)], ct)),
            script: r => r.Respond("opened-ports", """["9090/tcp","8080/tcp"]"""));

        Assert.Equal(["9090/tcp"], _harness.Runner.CallsTo("close-port").Select(c => c.Arguments[0]));
        Assert.Empty(_harness.Runner.CallsTo("open-port"));
    }

    [Fact]
    public async Task Storages_ListAndGet_GiveLocations()
    {
        IReadOnlyList<Storage>? storages = null;

        await _harness.DispatchAsync(
            "hooks/update-status",
            c => c.On.UpdateStatus.Observe(async (e, ct) => storages = await c.Model.GetStoragesAsync("data", ct)),
            script: r => r.Respond("storage-list", """["data/0"]""").Respond("storage-get", """{"kind":"filesystem","location":"/var/lib/juju/storage/data/0"}"""));

        Assert.Equal([new Storage("data", 0, "/var/lib/juju/storage/data/0", "filesystem")], storages);
    }

    [Fact]
    public async Task Resource_Undeclared_ThrowsBeforeCallingTool()
    {
        var code = await _harness.DispatchAsync("hooks/update-status", c => c.On.UpdateStatus.Observe((e, ct) => c.Model.FetchResourceAsync("nope", ct)));

        Assert.Equal(1, code);
        Assert.Empty(_harness.Runner.CallsTo("resource-get"));
        Assert.Contains(_harness.Logs, l => l.Message.Contains("'nope' is not a resource of probe-k8s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Binding_Endpoint_CallsNetworkGet()
    {
        NetworkInfo? network = null;

        await _harness.DispatchAsync(
            "hooks/update-status",
            c => c.On.UpdateStatus.Observe(async (e, ct) => network = await c.Model.GetBindingAsync("metrics", cancellationToken: ct)),
            script: r => r.Respond("network-get", """{"bind-addresses":[{"mac-address":"","interface-name":"eth0","addresses":[{"hostname":"","value":"10.1.2.3","cidr":"10.1.2.0/24"}]}],"egress-subnets":["10.1.2.3/32"],"ingress-addresses":["10.1.2.3"]}"""));

        Assert.Equal(["10.1.2.3"], network!.IngressAddresses);
        Assert.Equal(["--format=json", "metrics"], _harness.Runner.CallsTo("network-get")[0].Arguments);
    }

    [Fact]
    public async Task PlannedUnits_GoalState_CountsUnitsNotDying()
    {
        var planned = -1;

        await _harness.DispatchAsync(
            "hooks/update-status",
            c => c.On.UpdateStatus.Observe(async (e, ct) => planned = await c.Model.App.GetPlannedUnitsAsync(ct)),
            script: r => r.Respond("goal-state", """{"units":{"probe-k8s/0":{"status":"active","since":"2026-11-27 10:00:00Z"},"probe-k8s/1":{"status":"dying","since":"2026-11-27 10:00:00Z"},"probe-k8s/2":{"status":"waiting","since":"2026-11-27 10:00:00Z"}},"relations":{}}"""));

        Assert.Equal(2, planned);
    }

    [Fact]
    public async Task WorkloadVersion_Set_CallsApplicationVersionSet()
    {
        await _harness.DispatchAsync("hooks/update-status", c => c.On.UpdateStatus.Observe((e, ct) => c.Model.Unit.SetWorkloadVersionAsync("1.2.3", ct)));

        Assert.Equal(["--", "1.2.3"], Assert.Single(_harness.Runner.CallsTo("application-version-set")).Arguments);
    }

    [Fact]
    public async Task RemoteUnit_SetStatus_IsRefused()
    {
        var code = await _harness.DispatchAsync(
            "hooks/db-relation-changed",
            c => c.On.Relation("db").Changed.Observe((e, ct) => e.Unit!.SetStatusAsync(new ActiveStatus(), ct)),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/0"));

        Assert.Equal(1, code);
        Assert.Empty(_harness.Runner.CallsTo("status-set"));
    }

    [Fact]
    public async Task RelationDeparted_Units_IncludeDepartingRemoteUnit()
    {
        IReadOnlyList<Unit>? units = null;
        Unit? departing = null;

        await _harness.DispatchAsync(
            "hooks/db-relation-departed",
            c => c.On.Relation("db").Departed.Observe(async (e, ct) =>
            {
                units = await e.Relation.GetUnitsAsync(ct);
                departing = e.DepartingUnit;
            }),
            DispatchHarness.RelationEnv("db", 4, "postgresql", "postgresql/1", departing: "postgresql/1"),
            r => r.Respond("relation-list", """["postgresql/0"]"""));

        Assert.Equal(["postgresql/0", "postgresql/1"], units!.Select(u => u.Name));
        Assert.Equal("postgresql/1", departing!.Name);
    }
}
