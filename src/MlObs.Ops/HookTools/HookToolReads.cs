// HookToolReads: the reads a charm makes in most dispatches, which CharmHost asks the unit agent for all at
// once when the dispatch starts, so that their answers come back while the charm is still starting.
namespace MlObs.Ops.HookTools;

/// <summary>
/// Hook-tool reads a charm makes in (nearly) every dispatch, named ahead so that <see cref="CharmHost"/> can
/// ask the unit agent for all of them at once, in one write on the agent's socket, before it reads the
/// charm's metadata (see <see cref="CharmHostOptions.ReadAhead"/>).
/// </summary>
/// <remarks>
/// <para>
/// A read asked ahead is the very call the charm makes later (same tool, same arguments), answered once: the
/// charm's first such call takes the answer, and any later one asks the agent again. An answer nobody took is
/// dropped, after costing the agent one call, so name only what the charm reads in most hooks.
/// </para>
/// <para>
/// Answers stay good until the charm runs a hook tool that may change them (anything but a read or
/// <c>juju-log</c>: <c>open-port</c>, <c>relation-set</c>, <c>status-set</c>, ...): answers not yet taken are
/// then dropped, and the calls go to the agent when the charm makes them.
/// </para>
/// <para>
/// Juju's agent serves the calls of one connection each on a goroutine of its own, one at a time, so reads
/// asked together may run in any order; reads change nothing, so the order does not matter. The unit's state
/// (<c>state-get</c>) is always asked ahead, since every dispatch reads it first. When hook tools run as
/// processes (no agent socket, or <c>MLOBS_HOOK_TOOLS=exec</c>) nothing is asked ahead.
/// </para>
/// </remarks>
public sealed class HookToolReads
{
    /// <summary>No reads besides the unit's state.</summary>
    public static HookToolReads None { get; } = new();

    /// <summary>The configuration (<c>config-get --format=json</c>).</summary>
    public bool Config { get; init; }

    /// <summary>Leadership (<c>is-leader --format=json</c>).</summary>
    public bool IsLeader { get; init; }

    /// <summary>The ports the unit has opened (<c>opened-ports --format=json</c>).</summary>
    public bool OpenedPorts { get; init; }

    /// <summary>The relations on these endpoints (<c>relation-ids &lt;endpoint&gt; --format=json</c>).</summary>
    public IReadOnlyList<string> RelationIds { get; init; } = [];

    /// <summary>The requests, the unit's state first.</summary>
    internal List<HookCommandRequest> ToRequests()
    {
        List<HookCommandRequest> requests = [ReadRequests.StateGet()];
        if (IsLeader)
        {
            requests.Add(ReadRequests.IsLeader());
        }

        if (Config)
        {
            requests.Add(ReadRequests.ConfigGet());
        }

        if (OpenedPorts)
        {
            requests.Add(ReadRequests.OpenedPorts());
        }

        foreach (var endpoint in RelationIds)
        {
            if (string.IsNullOrEmpty(endpoint))
            {
                throw new ArgumentException("a relation endpoint to read ahead is empty", nameof(RelationIds));
            }

            if (!requests.Exists(r => ReadRequests.Same(r, ReadRequests.RelationIds(endpoint))))
            {
                requests.Add(ReadRequests.RelationIds(endpoint));
            }
        }

        return requests;
    }
}

/// <summary>A hook-tool runner that can ask for reads ahead of the calls that take their answers.</summary>
internal interface IReadAheadRunner
{
    /// <summary>Asks for <paramref name="reads"/> now, without waiting for the answers; a runner that cannot does nothing.</summary>
    /// <param name="reads">Read-only requests, as <see cref="ReadRequests"/> builds them.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    void ReadAhead(IReadOnlyList<HookCommandRequest> reads, CancellationToken cancellationToken);
}
