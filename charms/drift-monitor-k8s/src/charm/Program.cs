// The drift-monitor-k8s charm's entry point: Juju runs this binary as `dispatch`.
using DriftMonitorCharm;
using MlObs.Ops;

return await CharmHost.RunAsync(framework => new DriftMonitorK8sCharm(framework));
