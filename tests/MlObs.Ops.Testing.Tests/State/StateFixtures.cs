// StateFixtures: a full UnitState and the charm metadata the State tests share.
using System.Text.Json;
using MlObs.Ops.Metadata;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Tests.State;

internal static class StateFixtures
{
    public const string SecretId = "secret:d0erdn5mp25c7a5ksvtg";

    public const string LayerYaml = """
        summary: drift layer
        services:
          drift:
            override: replace
            command: /app/drift --port 8080
            startup: enabled
        checks:
          up:
            override: replace
            level: alive
            threshold: 5
            http:
              url: http://localhost:8080/health
        """;

    public static CharmMeta Meta { get; } = CharmMeta.FromCharmcraftYaml("""
        name: drift-k8s
        type: charm
        containers:
          drift:
            resource: drift-image
        resources:
          drift-image:
            type: oci-image
        storage:
          data:
            type: filesystem
        requires:
          database:
            interface: postgresql_client
          logging:
            interface: loki_push_api
            scope: container
        provides:
          metrics:
            interface: prometheus_scrape
        peers:
          cluster:
            interface: drift_peers
        extra-bindings:
          public: null
        config:
          options:
            log-level:
              type: string
              default: info
            port:
              type: int
              default: 8080
            ratio:
              type: float
            debug:
              type: boolean
            api-token:
              type: secret
        actions:
          rotate:
            params:
              force:
                type: boolean
              count:
                type: integer
            required: [count]
            additionalProperties: false
          loose:
            params:
              name:
                type: string
        """);

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static UnitState Full() => new()
    {
        Config = new Dictionary<string, JsonElement> { ["log-level"] = Json("\"debug\""), ["port"] = Json("9000"), ["debug"] = Json("true") },
        Relations =
        [
            RelationState.Regular("database", 1, "postgresql") with
            {
                Interface = "postgresql_client",
                RemoteAppData = new Dictionary<string, string> { ["username"] = "relation-1" },
                RemoteModelUuid = "2f9c1c0e-0000-4000-8000-000000000001",
            },
            RelationState.Peer("cluster", 2) with
            {
                LocalAppData = new Dictionary<string, string> { ["leader-host"] = "drift-0" },
                PeersData = new Dictionary<int, IReadOnlyDictionary<string, string>> { [1] = new Dictionary<string, string> { ["a"] = "b" } },
            },
            RelationState.Subordinate("logging", 3, "loki"),
        ],
        Networks = new Dictionary<string, NetworkState>
        {
            ["database"] = NetworkState.Default with
            {
                BindAddresses = [new BindAddressState { InterfaceName = "eth0", MacAddress = "00:11:22:33:44:55", Addresses = [new AddressState("10.1.0.5", "10.1.0.0/24", "drift-0")] }],
            },
        },
        Containers =
        [
            new ContainerState
            {
                Name = "drift",
                CanConnect = true,
                BootId = "5a7d3b7e-2c1f-4f8e-9c61-0d2b8a4e9f13",
                Layers = new Dictionary<string, Layer> { ["drift"] = Layer.FromYaml(LayerYaml) },
                ServiceStatuses = new Dictionary<string, ServiceStatus> { ["drift"] = ServiceStatus.Active },
                Mounts = new Dictionary<string, MountState> { ["config"] = new("/etc/drift", "/tmp/drift-config") },
                Execs = [new ExecState { CommandPrefix = ["/app/drift", "--version"], Stdout = "drift 1.4.2\n" }],
                Notices =
                [
                    new Notice(
                        "7", null, "custom", "example.com/reload",
                        new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero),
                        new DateTimeOffset(2025, 1, 31, 12, 5, 0, TimeSpan.Zero),
                        new DateTimeOffset(2025, 1, 31, 12, 5, 0, TimeSpan.Zero),
                        2,
                        new Dictionary<string, string> { ["path"] = "/etc/drift" },
                        TimeSpan.FromMinutes(90),
                        null),
                ],
                CheckInfos = [new CheckInfo("up", CheckLevel.Alive, StartupMode.Enabled, CheckStatus.Down, 0, 5, 5, "12", null)],
            },
        ],
        Secrets =
        [
            new SecretState
            {
                Id = SecretId,
                Owner = SecretOwner.App,
                Label = "api-token",
                Description = "the token",
                TrackedContent = new Dictionary<string, string> { ["token"] = "a" },
                LatestContent = new Dictionary<string, string> { ["token"] = "b" },
                TrackedRevision = 1,
                LatestRevision = 2,
                Expire = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Rotate = SecretRotatePolicy.Monthly,
                RemoteGrants = new Dictionary<int, IReadOnlyList<string>> { [1] = ["postgresql", "postgresql/0"] },
            },
        ],
        Storages = [new StorageState("data", 0, "/var/lib/drift")],
        OpenedPorts = [new PortState(PortProtocol.Tcp, 8080), new PortState(PortProtocol.Icmp, null)],
        Leader = true,
        Model = new ModelState("mlobs", "a9c3c1f4-6e58-4b1b-9a0e-2f0f4b6f2a11", ModelType.Kubernetes),
        Resources = new Dictionary<string, string> { ["drift-image"] = "/tmp/image.json" },
        PlannedUnits = 3,
        UnitStateData = new Dictionary<string, string> { ["StoredState"] = "{\"x\":1}" },
        UnitStatus = new StatusState("active"),
        AppStatus = new StatusState("blocked", "add a database relation"),
        WorkloadVersion = "1.4.2",
    };
}
