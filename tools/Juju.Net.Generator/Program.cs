// Entry point of juju-net-generator: reads Juju's API schema and writes (or, with --check,
// compares) the generated C# of src/Juju.Net/Generated. README.md has the command.
using System.CommandLine;
using Juju.Net.Generator;

return await GeneratorCommand.Create().Parse(args).InvokeAsync();
