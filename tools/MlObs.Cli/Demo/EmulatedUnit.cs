// EmulatedUnit: one unit of a packed charm, driven through a sequence of hooks and actions by the hook-tool emulator
// (the code behind `mlobs charm run`), each run starting from the state the previous one left.
using MlObs.Ops.Metadata;
using MlObs.Ops.Testing.Emulator;
using MlObs.Ops.Testing.State;

namespace MlObs.Cli.Demo;

/// <summary>A unit of a charm whose state carries from one dispatch to the next.</summary>
internal sealed class EmulatedUnit
{
    private readonly string _charmDir;
    private readonly string _hookToolClient;
    private readonly CharmMeta _meta;

    /// <summary>Creates the unit.</summary>
    /// <param name="charmDir">The unpacked charm (its <c>dispatch</c> and metadata).</param>
    /// <param name="hookToolClient">The <c>mlobs-jujuc</c> binary the hook tools run as.</param>
    /// <param name="initial">The state before the first hook.</param>
    public EmulatedUnit(string charmDir, string hookToolClient, UnitState initial)
    {
        _charmDir = charmDir;
        _hookToolClient = hookToolClient;
        _meta = CharmRunner.LoadMetadata(charmDir);
        State = initial;
    }

    /// <summary>The charm's name.</summary>
    public string CharmName => _meta.Name;

    /// <summary>The unit's name, <c>CHARM/0</c>.</summary>
    public string UnitName => _meta.Name + "/0";

    /// <summary>The state after the last dispatch.</summary>
    public UnitState State { get; private set; }

    /// <summary>Runs one hook or action; the state moves on when it succeeds.</summary>
    /// <param name="request">The event, as <c>mlobs charm run</c>'s options name it.</param>
    /// <param name="cancellationToken">Cancels the dispatch.</param>
    /// <returns>The run, with its records.</returns>
    /// <exception cref="DemoException">The hook failed (exit code not 0); the message quotes its stderr.</exception>
    public async Task<CharmRunResult> RunAsync(EventRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Resolve(_meta, State);
        var result = await CharmRunner.RunAsync(
            new CharmRunOptions { CharmDir = _charmDir, State = State, Event = spec, HookToolClient = _hookToolClient },
            cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var tail = string.Join('\n', result.Stderr.TrimEnd().Split('\n').TakeLast(10));
            throw new DemoException($"{request.Event ?? request.Action}: the charm exited {result.ExitCode}:\n{tail}");
        }

        State = result.State;
        return result;
    }

    /// <summary>A relation of the unit by endpoint.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The relation.</returns>
    public RelationState Relation(string endpoint) =>
        State.Relations.FirstOrDefault(r => r.Endpoint == endpoint) ?? throw new DemoException($"the unit has no {endpoint} relation");
}
