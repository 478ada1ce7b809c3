// Entry point of the drift-monitor load generator: parses the scenario and its options and runs it.
using MlObs.DriftMonitor.Load;

return await LoadCommand.Create().Parse(args).InvokeAsync();
