// MetadataFixtures: a realistic k8s sidecar charm's charmcraft.yaml, and the metadata.yaml /
// config.yaml / actions.yaml trio charmcraft would pack from it.
namespace MlObs.Ops.Tests.Metadata;

internal static class MetadataFixtures
{
    public const string CharmcraftYaml = """
        type: charm
        name: mlobs-drift
        title: MlObs drift monitor
        summary: Watches a model's inputs for drift.
        description: |
          Runs the drift service in a sidecar container
          and reports to Prometheus.
        base: ubuntu@24.04
        platforms:
          amd64:
          arm64:
        assumes:
          - juju >= 3.6
          - k8s-api
          - any-of:
              - juju < 4.0
              - all-of: [juju >= 4.0, k8s-api]
        charm-user: non-root
        parts:
          charm:
            plugin: dotnet
            source: .
        containers:
          drift:
            resource: drift-image
            mounts:
              - storage: data
                location: /var/lib/drift
          log-shipper:
            resource: shipper-image
        resources:
          drift-image:
            type: oci-image
            description: OCI image for the drift service
            upstream-source: ghcr.io/mlobs/drift:0.1.0
          shipper-image:
            type: oci-image
          reference-profile:
            type: file
            filename: profile.json
            description: The reference profile.
        requires:
          database:
            interface: postgresql_client
            limit: 1
            optional: false
          logging:
            interface: loki_push_api
            optional: true
        provides:
          metrics-endpoint:
            interface: prometheus_scrape
          grafana-dashboard: {interface: grafana_dashboard, scope: global}
        peers:
          replicas:
            interface: drift_replica
        storage:
          data:
            type: filesystem
            description: Reference profiles and state.
            location: /data
            minimum-size: 1G
          scratch:
            type: block
            multiple:
              range: 1-4
            shared: yes
            read-only: False
        extra-bindings:
          metrics:
        config:
          options:
            log-level:
              type: string
              default: info
              description: One of debug, info, warning, error.
            port:
              type: int
              default: 8080
            threshold:
              type: float
              default: 0.25
            warmup:
              type: float
              default: 3
            enable-alerts:
              type: boolean
              default: yes
            api-token:
              type: secret
              description: Secret holding the API token.
        actions:
          snapshot:
            description: Take a snapshot of the reference profile.
            params:
              compress:
                type: boolean
                default: true
              level:
                type: integer
                default: 6
                description: Compression level.
              tags:
                type: array
                default: [daily, "01", 0755]
              target:
                type: string
            required: [target]
            additionalProperties: false
            execution-group: snapshots
            parallel: true
          rebuild-profile:
            description: Rebuild the reference profile.
        """;

    public const string MetadataYaml = """
        name: mlobs-drift
        summary: Watches a model's inputs for drift.
        description: |
          Runs the drift service in a sidecar container
          and reports to Prometheus.
        assumes:
        - juju >= 3.6
        - k8s-api
        - any-of:
          - juju < 4.0
          - all-of:
            - juju >= 4.0
            - k8s-api
        containers:
          drift:
            resource: drift-image
            mounts:
            - storage: data
              location: /var/lib/drift
          log-shipper:
            resource: shipper-image
        resources:
          drift-image:
            type: oci-image
            description: OCI image for the drift service
            upstream-source: ghcr.io/mlobs/drift:0.1.0
          shipper-image:
            type: oci-image
          reference-profile:
            type: file
            filename: profile.json
            description: The reference profile.
        requires:
          database:
            interface: postgresql_client
            limit: 1
            optional: false
          logging:
            interface: loki_push_api
            optional: true
        provides:
          metrics-endpoint:
            interface: prometheus_scrape
          grafana-dashboard:
            interface: grafana_dashboard
            scope: global
        peers:
          replicas:
            interface: drift_replica
        storage:
          data:
            type: filesystem
            description: Reference profiles and state.
            location: /data
            minimum-size: 1G
          scratch:
            type: block
            multiple:
              range: 1-4
            shared: true
            read-only: false
        extra-bindings:
          metrics: null
        """;

    public const string ConfigYaml = """
        options:
          log-level:
            type: string
            default: info
            description: One of debug, info, warning, error.
          port:
            type: int
            default: 8080
          threshold:
            type: float
            default: 0.25
          warmup:
            type: float
            default: 3.0
          enable-alerts:
            type: boolean
            default: true
          api-token:
            type: secret
            description: Secret holding the API token.
        """;

    public const string ActionsYaml = """
        snapshot:
          description: Take a snapshot of the reference profile.
          params:
            compress:
              type: boolean
              default: true
            level:
              type: integer
              default: 6
              description: Compression level.
            tags:
              type: array
              default:
              - daily
              - '01'
              - 493
            target:
              type: string
          required:
          - target
          additionalProperties: false
          execution-group: snapshots
          parallel: true
        rebuild-profile:
          description: Rebuild the reference profile.
        """;

    /// <summary>The fixture with <paramref name="replace"/> swapped for <paramref name="with"/>; fails loudly if the text is absent.</summary>
    public static string CharmcraftWith(string replace, string with)
    {
        Assert.Contains(replace, CharmcraftYaml, StringComparison.Ordinal);
        return CharmcraftYaml.Replace(replace, with, StringComparison.Ordinal);
    }
}
