// The kubeflow-observability-k8s charm's entry point: Juju runs this binary as `dispatch`.
using KubeflowObservabilityCharm;
using Microsoft.Extensions.Logging;
using MlObs.Ops;

return await CharmHost.RunAsync(framework => new KubeflowObservabilityK8sCharm(framework), new CharmHostOptions { MinimumLogLevel = LogLevel.Information });
