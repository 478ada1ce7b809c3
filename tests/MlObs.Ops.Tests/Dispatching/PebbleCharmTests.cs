// A charm driving its workload through Pebble, dispatched in-process against a real fake Pebble server on a unix socket.
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.Pebble;

namespace MlObs.Ops.Tests.Dispatching;

public sealed class PebbleCharmTests : IAsyncLifetime, IDisposable
{
    private static readonly Layer WorkloadLayer = new()
    {
        Summary = "drift monitor",
        Services = new Dictionary<string, Service>
        {
            ["drift"] = new()
            {
                Override = Override.Replace,
                Command = "/app/drift-monitor --config /etc/drift/config.yaml",
                Startup = StartupMode.Enabled,
                Environment = new Dictionary<string, string> { ["LOG_FORMAT"] = "json" },
            },
        },
        Checks = new Dictionary<string, Check>
        {
            ["ready"] = new() { Override = Override.Replace, Level = CheckLevel.Ready, Http = new HttpCheck { Url = "http://localhost:8080/ready" } },
        },
    };

    private readonly DispatchHarness _harness = new();
    private FakePebbleServer _pebble = null!;

    public async Task InitializeAsync()
    {
        _pebble = await FakePebbleServer.StartAsync();
        _harness.PebbleSocketPath = _ => _pebble.SocketPath;
    }

    public async Task DisposeAsync() => await _pebble.DisposeAsync();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task PebbleReady_ConfigureWorkload_AddsLayerReplansPushesConfigRunsCommandReadsCheck()
    {
        _pebble.AddExec(["/app/drift-monitor", "--version"], stdout: "1.4.0\n");
        IReadOnlyList<CheckInfo>? checks = null;

        var code = await _harness.DispatchAsync(
            "hooks/workload-pebble-ready",
            c => c.On.Workload("workload").PebbleReady.Observe(async (e, ct) =>
            {
                var container = e.Container;
                await container.PushAsync("/etc/drift/config.yaml", "port: 8080\n", new PushOptions { MakeDirs = true, Permissions = "600" }, ct);
                await container.EnsureLayerAsync("drift", WorkloadLayer, ct);
                var version = await container.ExecAsync(["/app/drift-monitor", "--version"], cancellationToken: ct);
                await c.Model.Unit.SetWorkloadVersionAsync(version.Stdout.Trim(), ct);
                checks = await container.GetChecksAsync(cancellationToken: ct);
            }),
            new Dictionary<string, string> { ["JUJU_WORKLOAD_NAME"] = "workload" });

        Assert.True(code == 0, string.Join("\n", _harness.Logs.Select(l => l.Message)));
        Assert.Equal("active", _pebble.ServiceStatuses["drift"]);
        Assert.Equal("port: 8080\n", File.ReadAllText(Path.Combine(_pebble.Root, "etc", "drift", "config.yaml")));
        Assert.Equal(["--", "1.4.0"], Assert.Single(_harness.Runner.CallsTo("application-version-set")).Arguments);
        Assert.Equal("ready", Assert.Single(checks!).Name);
        Assert.Equal(WorkloadLayer.Services["drift"].Command, _pebble.Plan.Services["drift"].Command);
    }

    [Fact]
    public async Task EnsureLayer_PlanAlreadyIncludesLayer_DoesNotReplan()
    {
        var replanned = new List<bool>();
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe(async (e, ct) =>
            replanned.Add(await c.Model.Unit.GetContainer("workload").EnsureLayerAsync("drift", WorkloadLayer, ct)));

        await _harness.DispatchAsync("hooks/config-changed", Setup);
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        Assert.Equal([true, false], replanned);
        Assert.Single(_pebble.Requests, r => r.ToString() == "POST /v1/services");
    }

    [Fact]
    public async Task LogForwarding_LokiLayer_ReachesThePlan()
    {
        var forwarding = new Layer
        {
            LogTargets = new Dictionary<string, LogTarget>
            {
                ["loki/0"] = new()
                {
                    Override = Override.Replace,
                    Type = "loki",
                    Location = "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push",
                    Services = ["all"],
                    Labels = new Dictionary<string, string> { ["product"] = "Juju", ["juju_unit"] = "probe-k8s/0" },
                },
            },
        };

        var code = await _harness.DispatchAsync(
            "hooks/workload-pebble-ready",
            c => c.On.Workload("workload").PebbleReady.Observe(async (e, ct) =>
            {
                await e.Container.AddLayerAsync("drift", WorkloadLayer, cancellationToken: ct);
                await e.Container.AddLayerAsync("workload-log-forwarding", forwarding, cancellationToken: ct);
            }),
            new Dictionary<string, string> { ["JUJU_WORKLOAD_NAME"] = "workload" });

        Assert.Equal(0, code);
        var target = _pebble.Plan.LogTargets["loki/0"];
        Assert.Equal("loki", target.Type);
        Assert.True(target.AppliesTo("drift"));
    }

    [Fact]
    public async Task ServiceFailsToStart_ReplanThrowsWithServiceLogs()
    {
        _pebble.FailServiceStart("drift");
        _pebble.SetServiceLogs("drift", "error: cannot bind :8080");

        var code = await _harness.DispatchAsync(
            "hooks/workload-pebble-ready",
            c => c.On.Workload("workload").PebbleReady.Observe((e, ct) => e.Container.EnsureLayerAsync("drift", WorkloadLayer, ct)),
            new Dictionary<string, string> { ["JUJU_WORKLOAD_NAME"] = "workload" });

        Assert.Equal(1, code);
        var error = Assert.Single(_harness.Logs, l => l.Level == "ERROR").Message;
        Assert.Contains(nameof(PebbleChangeException), error, StringComparison.Ordinal);
        Assert.Contains("cannot bind :8080", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanConnect_SocketGone_IsFalseAndCharmWaits()
    {
        await _pebble.DisconnectAsync();

        await _harness.DispatchAsync("hooks/update-status", c => c.On.CollectUnitStatus.Observe(async (e, ct) =>
        {
            if (!await c.Model.Unit.GetContainer("workload").CanConnectAsync(ct))
            {
                e.AddStatus(new WaitingStatus("waiting for Pebble in workload"));
            }
        }));

        Assert.Equal(["--application=False", "waiting", "--", "waiting for Pebble in workload"], Assert.Single(_harness.Runner.CallsTo("status-set")).Arguments);
    }

    [Fact]
    public async Task GetContainer_Undeclared_FailsWithClearError()
    {
        var code = await _harness.DispatchAsync("hooks/update-status", c => c.On.UpdateStatus.Observe(_ => c.Model.Unit.GetContainer("sidecar")));

        Assert.Equal(1, code);
        Assert.Contains(_harness.Logs, l => l.Message.Contains("'sidecar' is not a container of probe-k8s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureLayer_SameLayerSamePebbleBoot_NextDispatchDoesNotReadThePlan()
    {
        var replanned = new List<bool>();
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe(async (e, ct) =>
        {
            var container = c.Model.Unit.GetContainer("workload");
            Assert.True(await container.CanConnectAsync(ct));
            replanned.Add(await container.EnsureLayerAsync("drift", WorkloadLayer, ct));
        });

        await _harness.DispatchAsync("hooks/config-changed", Setup);
        var before = _pebble.Requests.Count;
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        Assert.Equal([true, false], replanned);
        Assert.Equal(["GET /v1/system-info"], _pebble.Requests.Skip(before).Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task EnsureLayer_PebbleRestarted_ReadsThePlanAndAddsTheLayerAgain()
    {
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe((e, ct) => c.Model.Unit.GetContainer("workload").EnsureLayerAsync("drift", WorkloadLayer, ct));
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        // A restarted Pebble has a new boot id and an empty plan.
        await using var restarted = await FakePebbleServer.StartAsync();
        _harness.PebbleSocketPath = _ => restarted.SocketPath;
        var code = await _harness.DispatchAsync("hooks/config-changed", Setup);

        Assert.Equal(0, code);
        Assert.NotEqual(_pebble.BootId, restarted.BootId);
        Assert.Contains(restarted.Requests, r => r.Method == "GET" && r.Path == "/v1/plan");
        Assert.Equal(WorkloadLayer.Services["drift"].Command, restarted.Plan.Services["drift"].Command);
    }

    [Fact]
    public async Task EnsureLayer_AnotherLayer_ReadsThePlanAndReplans()
    {
        var layer = WorkloadLayer;
        var replanned = new List<bool>();
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe(async (e, ct) =>
            replanned.Add(await c.Model.Unit.GetContainer("workload").EnsureLayerAsync("drift", layer, ct)));
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        var drift = WorkloadLayer.Services["drift"];
        layer = WorkloadLayer with { Services = new Dictionary<string, Service> { ["drift"] = drift with { Command = drift.Command + " --verbose" } } };
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        Assert.Equal([true, true], replanned);
        Assert.EndsWith("--verbose", _pebble.Plan.Services["drift"].Command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsurePushed_SameContentAndOptions_WritesOncePerPebbleBoot()
    {
        var content = "port: 8080\n";
        var options = new PushOptions { MakeDirs = true, Permissions = "600" };
        var pushed = new List<bool>();
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe(async (e, ct) =>
            pushed.Add(await c.Model.Unit.GetContainer("workload").EnsurePushedAsync("/etc/drift/config.yaml", content, options, ct)));

        await _harness.DispatchAsync("hooks/config-changed", Setup);
        await _harness.DispatchAsync("hooks/config-changed", Setup);
        content = "port: 9090\n";
        await _harness.DispatchAsync("hooks/config-changed", Setup);
        options = options with { Permissions = "644" };
        await _harness.DispatchAsync("hooks/config-changed", Setup);
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        Assert.Equal([true, false, true, true, false], pushed);
        Assert.Equal(3, _pebble.Requests.Count(r => r.Method == "POST" && r.Path == "/v1/files"));
        Assert.Equal("port: 9090\n", File.ReadAllText(Path.Combine(_pebble.Root, "etc", "drift", "config.yaml")));
    }

    [Fact]
    public async Task EnsurePushed_UnreadableRecordInUnitState_PushesAndRewritesIt()
    {
        _harness.UnitState["mlobs.pebble.workload"] = "{not json";
        var pushed = new List<bool>();
        void Setup(ProbeCharm c) => c.On.ConfigChanged.Observe(async (e, ct) =>
            pushed.Add(await c.Model.Unit.GetContainer("workload").EnsurePushedAsync("/etc/drift/config.yaml", "port: 8080\n", new PushOptions { MakeDirs = true }, ct)));

        var code = await _harness.DispatchAsync("hooks/config-changed", Setup);
        Assert.True(code == 0, string.Join("\n", _harness.Logs.Select(l => l.Message)));
        await _harness.DispatchAsync("hooks/config-changed", Setup);

        Assert.Equal([true, false], pushed);
        Assert.Contains(_pebble.BootId, _harness.UnitState["mlobs.pebble.workload"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsurePushed_HookFails_NothingRemembered()
    {
        var pushed = new List<bool>();
        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(async (e, ct) =>
        {
            pushed.Add(await c.Model.Unit.GetContainer("workload").EnsurePushedAsync("/etc/drift/config.yaml", "port: 8080\n", new PushOptions { MakeDirs = true }, ct));
            throw new InvalidOperationException("the handler fails after the push");
        }));
        await _harness.DispatchAsync("hooks/config-changed", c => c.On.ConfigChanged.Observe(async (e, ct) =>
            pushed.Add(await c.Model.Unit.GetContainer("workload").EnsurePushedAsync("/etc/drift/config.yaml", "port: 8080\n", new PushOptions { MakeDirs = true }, ct))));

        Assert.Equal([true, true], pushed);
    }
}
