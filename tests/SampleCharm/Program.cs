// The sample charm's entry point: Juju runs this binary as `dispatch`.
using MlObs.Ops;
using SampleCharm;

return await CharmHost.RunAsync(framework => new SampleK8sCharm(framework));
