using MlObs.KubeflowExporter.Configuration;
using MlObs.KubeflowExporter.Kube;
using Serilog.Events;

namespace MlObs.KubeflowExporter.Http;

/// <summary>How an exporter is started (the options of <c>mlobs kubeflow serve</c>).</summary>
public sealed record ExporterServerOptions
{
    /// <summary>The TCP port of <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The address to listen on: 0.0.0.0 in a container, 127.0.0.1 on a laptop or in tests.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>The configuration (namespaces, resources, scraping, logs).</summary>
    public ExporterConfig Config { get; init; } = new();

    /// <summary>How to reach the Kubernetes API (ignored when <see cref="Api"/> is given).</summary>
    public KubeConnection Connection { get; init; } = new();

    /// <summary>The Kubernetes API to use instead of one built from <see cref="Connection"/> (tests); not disposed.</summary>
    public IKubeApi? Api { get; init; }

    /// <summary>The lowest level logged.</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Where logs go; null for compact JSON on standard output.</summary>
    public Serilog.ILogger? Logger { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
