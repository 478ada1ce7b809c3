// The drift-monitor-k8s charm's entry point: Juju runs this binary as `dispatch`.
// Records below Information stay off the hot path: each one would be a juju-log process per dispatch.
using DriftMonitorCharm;
using Microsoft.Extensions.Logging;
using MlObs.Ops;

return await CharmHost.RunAsync(framework => new DriftMonitorK8sCharm(framework), new CharmHostOptions
{
    MinimumLogLevel = LogLevel.Information,
    ReadAhead = DriftMonitorK8sCharm.ReadsOfDispatch,
});
