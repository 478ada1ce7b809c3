// LayerFixtures: the layer example of ops-contract §4.4 with concrete values, and the same layer
// built in C#.
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

internal static class LayerFixtures
{
    /// <summary>Every field of ops-contract §4.4, filled in.</summary>
    public const string FullLayerYaml = """
        summary: drift workload
        description: The drift detector, its checks and its log forwarding.
        services:
          drift:
            override: replace
            command: "/usr/bin/drift --port 8080 [ --verbose ]"
            summary: drift detector
            description: Scores feature drift against a reference profile.
            startup: enabled
            after: [db]
            before: [proxy]
            requires: [db]
            environment: {LOG_LEVEL: info, PORT: "8080"}
            user: drift
            user-id: 1000
            group: drift
            group-id: 1001
            working-dir: /var/lib/drift
            on-success: shutdown
            on-failure: restart
            on-check-failure: {drift-up: restart, drift-port: ignore}
            backoff-delay: 500ms
            backoff-factor: 1.5
            backoff-limit: 30s
            kill-delay: 5s
        checks:
          drift-up:
            override: replace
            level: alive
            startup: enabled
            period: 10s
            timeout: 3s
            threshold: 3
            http: {url: "http://localhost:8080/health", headers: {X-Probe: pebble}}
          drift-port:
            override: merge
            level: ready
            startup: disabled
            tcp: {port: 8080, host: localhost}
          drift-exec:
            override: replace
            exec:
              command: /usr/bin/drift check
              service-context: drift
              environment: {MODE: probe}
              user: drift
              user-id: 1000
              group: drift
              group-id: 1001
              working-dir: /tmp
        log-targets:
          loki:
            override: merge
            type: loki
            location: "http://host:3100/loki/api/v1/push"
            services: [all, -db]
            labels: {env: "value with $ENV_VARS"}
        """;

    public static Layer FullLayer() => new()
    {
        Summary = "drift workload",
        Description = "The drift detector, its checks and its log forwarding.",
        Services = new Dictionary<string, Service>
        {
            ["drift"] = new()
            {
                Override = Override.Replace,
                Command = "/usr/bin/drift --port 8080 [ --verbose ]",
                Summary = "drift detector",
                Description = "Scores feature drift against a reference profile.",
                Startup = StartupMode.Enabled,
                After = ["db"],
                Before = ["proxy"],
                Requires = ["db"],
                Environment = new Dictionary<string, string> { ["PORT"] = "8080", ["LOG_LEVEL"] = "info" },
                User = "drift",
                UserId = 1000,
                Group = "drift",
                GroupId = 1001,
                WorkingDir = "/var/lib/drift",
                OnSuccess = ServiceAction.Shutdown,
                OnFailure = ServiceAction.Restart,
                OnCheckFailure = new Dictionary<string, ServiceAction> { ["drift-up"] = ServiceAction.Restart, ["drift-port"] = ServiceAction.Ignore },
                BackoffDelay = "500ms",
                BackoffFactor = 1.5,
                BackoffLimit = "30s",
                KillDelay = "5s",
            },
        },
        Checks = new Dictionary<string, Check>
        {
            ["drift-up"] = new()
            {
                Override = Override.Replace,
                Level = CheckLevel.Alive,
                Startup = StartupMode.Enabled,
                Period = "10s",
                Timeout = "3s",
                Threshold = 3,
                Http = new HttpCheck { Url = "http://localhost:8080/health", Headers = new Dictionary<string, string> { ["X-Probe"] = "pebble" } },
            },
            ["drift-port"] = new()
            {
                Override = Override.Merge,
                Level = CheckLevel.Ready,
                Startup = StartupMode.Disabled,
                Tcp = new TcpCheck { Port = 8080, Host = "localhost" },
            },
            ["drift-exec"] = new()
            {
                Override = Override.Replace,
                Exec = new ExecCheck
                {
                    Command = "/usr/bin/drift check",
                    ServiceContext = "drift",
                    Environment = new Dictionary<string, string> { ["MODE"] = "probe" },
                    User = "drift",
                    UserId = 1000,
                    Group = "drift",
                    GroupId = 1001,
                    WorkingDir = "/tmp",
                },
            },
        },
        LogTargets = new Dictionary<string, LogTarget>
        {
            ["loki"] = new()
            {
                Override = Override.Merge,
                Type = "loki",
                Location = "http://host:3100/loki/api/v1/push",
                Services = ["all", "-db"],
                Labels = new Dictionary<string, string> { ["env"] = "value with $ENV_VARS" },
            },
        },
    };

    /// <summary>The LogForwarder layer of cos-wire §5.4: one live Loki unit and one removed.</summary>
    public const string LogForwardingYaml = """
        log-targets:
          loki/0:
            override: replace
            type: loki
            location: http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push
            services: [all]
            labels:
              product: Juju
              charm: my-charm
              juju_model: dev-model
              juju_model_uuid: f2c1b2a6-1234-4abc-8def-0123456789ab
              juju_application: myapp
              juju_unit: myapp/0
              job: juju_dev-model_f2c1b2a6_myapp
          loki/1:
            override: replace
            type: loki
            location: (removed)
            services: ["-all"]
        """;

    public static Layer LogForwardingLayer() => new()
    {
        LogTargets = new Dictionary<string, LogTarget>
        {
            ["loki/0"] = new()
            {
                Override = Override.Replace,
                Type = "loki",
                Location = "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push",
                Services = ["all"],
                Labels = new Dictionary<string, string>
                {
                    ["product"] = "Juju",
                    ["charm"] = "my-charm",
                    ["juju_model"] = "dev-model",
                    ["juju_model_uuid"] = "f2c1b2a6-1234-4abc-8def-0123456789ab",
                    ["juju_application"] = "myapp",
                    ["juju_unit"] = "myapp/0",
                    ["job"] = "juju_dev-model_f2c1b2a6_myapp",
                },
            },
            ["loki/1"] = new()
            {
                Override = Override.Replace,
                Type = "loki",
                Location = "(removed)",
                Services = ["-all"],
            },
        },
    };
}
