// WorkloadContainerTests: a container of the state becomes a fake Pebble with the same layers,
// service statuses, mounts, execs, notices and checks, and reads back into the state after the hook.
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;
using Xunit;

namespace MlObs.Ops.Tests.Emulator;

public sealed class WorkloadContainerTests : IDisposable
{
    private static readonly Layer AppLayer = Layer.FromYaml("""
        services:
          app:
            override: replace
            command: /bin/app
            startup: enabled
        checks:
          alive:
            override: replace
            level: alive
            exec:
              command: /bin/true
        """);

    private readonly string _dir = Directory.CreateTempSubdirectory("workload-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_fake_pebble_serves_what_the_state_declares()
    {
        var mountSource = Directory.CreateDirectory(Path.Combine(_dir, "config-src")).FullName;
        await File.WriteAllTextAsync(Path.Combine(mountSource, "app.conf"), "port=8080\n");
        // A notice older than its expire-after is gone, as in Pebble: keep it recent.
        var recently = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notice = new Notice("7", 0, "custom", "example.com/reload", recently, recently, recently, 2,
            new Dictionary<string, string> { ["why"] = "config" }, null, TimeSpan.FromDays(7));
        var state = new ContainerState
        {
            Name = "workload",
            CanConnect = true,
            Layers = new Dictionary<string, Layer> { ["base"] = AppLayer },
            ServiceStatuses = new Dictionary<string, ServiceStatus> { ["app"] = ServiceStatus.Active },
            Mounts = new Dictionary<string, MountState> { ["config"] = new("/etc/app", mountSource) },
            Execs = [new ExecState { CommandPrefix = ["app", "--version"], Stdout = "1.2.3\n" }],
            Notices = [notice],
        };

        await using var container = await WorkloadContainer.StartAsync(state, Path.Combine(_dir, "pebble.socket"));
        using var client = new PebbleClient(container.SocketPath);

        var services = await client.GetServicesAsync();
        Assert.Equal(ServiceStatus.Active, Assert.Single(services).Current);
        Assert.Equal("port=8080\n", await client.PullTextAsync("/etc/app/app.conf"));
        var exec = await client.ExecAsync(["app", "--version", "--short"]);
        Assert.Equal("1.2.3\n", exec.Stdout);
        Assert.Equal("example.com/reload", (await client.GetNoticeAsync("7")).Key);

        // Writes through a mount land in its host directory, as Scenario's Mount promises.
        await client.PushAsync("/etc/app/extra.conf", "debug=true\n");
        Assert.Equal("debug=true\n", await File.ReadAllTextAsync(Path.Combine(mountSource, "extra.conf")));
        Assert.Equal(["app", "--version", "--short"], Assert.Single(container.ExecHistory).Command);
    }

    [Fact]
    public async Task Capture_reads_the_container_back_after_the_charm_changed_it()
    {
        var state = new ContainerState { Name = "workload", CanConnect = true };
        await using var container = await WorkloadContainer.StartAsync(state, Path.Combine(_dir, "pebble.socket"));
        using var client = new PebbleClient(container.SocketPath);

        await client.AddLayerAsync("app", AppLayer, combine: true);
        await client.ReplanAsync();
        var noticeId = await client.NotifyAsync("example.com/done");

        var after = container.Capture();
        Assert.Equal(AppLayer, after.Layers["app"]);
        Assert.Equal(ServiceStatus.Active, after.ServiceStatuses["app"]);
        Assert.Equal(noticeId, Assert.Single(after.Notices, n => n.Type == "custom").Id);
    }

    [Fact]
    public async Task The_fake_pebble_reports_the_boot_id_of_the_state()
    {
        var state = new ContainerState { Name = "workload", CanConnect = true, BootId = "3f1c9a4e-booted-once" };
        await using var container = await WorkloadContainer.StartAsync(state, Path.Combine(_dir, "pebble.socket"));
        using var client = new PebbleClient(container.SocketPath);

        var info = await client.GetSystemInfoAsync();

        Assert.Equal("3f1c9a4e-booted-once", info.BootId);
        Assert.Equal("3f1c9a4e-booted-once", container.Capture().BootId);
    }

    [Fact]
    public async Task Capture_records_the_boot_id_served_when_the_state_had_none()
    {
        var state = new ContainerState { Name = "workload", CanConnect = true };
        await using var container = await WorkloadContainer.StartAsync(state, Path.Combine(_dir, "pebble.socket"));
        using var client = new PebbleClient(container.SocketPath);

        var info = await client.GetSystemInfoAsync();

        Assert.False(string.IsNullOrEmpty(info.BootId));
        Assert.Equal(info.BootId, container.Capture().BootId);
    }

    [Fact]
    public async Task A_container_started_from_the_captured_state_keeps_its_boot_id()
    {
        ContainerState after;
        await using (var first = await WorkloadContainer.StartAsync(new ContainerState { Name = "workload", CanConnect = true }, Path.Combine(_dir, "pebble.socket")))
        {
            after = first.Capture();
        }

        await using var second = await WorkloadContainer.StartAsync(after, Path.Combine(_dir, "pebble.socket"));
        using var client = new PebbleClient(second.SocketPath);

        Assert.Equal(after.BootId, (await client.GetSystemInfoAsync()).BootId);
    }

    [Fact]
    public async Task A_container_the_charm_cannot_connect_to_has_no_socket()
    {
        var state = new ContainerState { Name = "workload", CanConnect = false, Layers = new Dictionary<string, Layer> { ["base"] = AppLayer } };

        await using var container = await WorkloadContainer.StartAsync(state, Path.Combine(_dir, "pebble.socket"));
        using var client = new PebbleClient(container.SocketPath);

        Assert.Null(container.Server);
        Assert.False(await client.CanConnectAsync());
        Assert.Equal(state, container.Capture());
    }

    [Fact]
    public async Task A_status_for_a_service_no_layer_declares_is_inconsistent()
    {
        var state = new ContainerState
        {
            Name = "workload",
            CanConnect = true,
            ServiceStatuses = new Dictionary<string, ServiceStatus> { ["ghost"] = ServiceStatus.Active },
        };

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => WorkloadContainer.StartAsync(state, Path.Combine(_dir, "pebble.socket")));

        Assert.StartsWith("containers[workload].service_statuses[ghost]: no such service", error.Message, StringComparison.Ordinal);
    }
}
