// Entry point of the `mlobs` command: builds the command tree and runs the verb the user asked for.
using MlObs.Cli;

return await MlObsCommand.Create().Parse(args).InvokeAsync();
