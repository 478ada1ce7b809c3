// GrafanaDashboardOptions: where a charm's dashboards live and how the provider publishes them.
namespace MlObs.Cos.GrafanaDashboard;

/// <summary>Options of <see cref="GrafanaDashboardProvider"/>; every one has the Python library's default.</summary>
public sealed record GrafanaDashboardOptions
{
    /// <summary>The default endpoint, <c>grafana-dashboard</c>.</summary>
    public const string DefaultEndpoint = "grafana-dashboard";

    /// <summary>The <c>provides:</c> endpoint of interface <c>grafana_dashboard</c> in the charm's metadata.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>
    /// The dashboards directory, relative to the charm dir (or absolute). <see langword="null"/>: the
    /// first of <c>src/grafana_dashboards</c> (the Python layout) and <c>grafana_dashboards</c> (a
    /// packed C# charm) that exists. Files ending <c>.json</c>, <c>.json.tmpl</c> or <c>.tmpl</c> are
    /// read recursively. The path relative to the charm dir is part of each dashboard's uid, so keep it
    /// stable across charm revisions.
    /// </summary>
    public string? DashboardsPath { get; init; }

    /// <summary>Whether Grafana adds the Juju topology dropdowns (and filters the panel expressions by them); default true.</summary>
    public bool InjectDropdowns { get; init; } = true;
}
