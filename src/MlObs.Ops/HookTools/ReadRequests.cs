// ReadRequests: the requests of the hook tools that only read, built in one place, so that a read asked
// ahead of time (HookToolReads) is the very request HookCommands makes later.
namespace MlObs.Ops.HookTools;

/// <summary>The requests of the read-only hook tools that <see cref="HookCommands"/> makes and <see cref="HookToolReads"/> asks ahead.</summary>
internal static class ReadRequests
{
    // Tools that change nothing the agent answers later in the hook: a read asked ahead stays good after any of these.
    private static readonly HashSet<string> Harmless = new(StringComparer.Ordinal)
    {
        "state-get", "config-get", "is-leader", "relation-ids", "relation-list", "relation-get", "opened-ports",
        "goal-state", "network-get", "action-get", "status-get", "storage-get", "storage-list", "juju-log",
    };

    public static HookCommandRequest StateGet() => new("state-get", ["--format=json"]);

    public static HookCommandRequest ConfigGet() => new("config-get", ["--format=json"]);

    public static HookCommandRequest IsLeader() => new("is-leader", ["--format=json"]);

    public static HookCommandRequest OpenedPorts() => new("opened-ports", ["--format=json"]);

    public static HookCommandRequest RelationIds(string endpoint) => new("relation-ids", [endpoint, "--format=json"]);

    /// <summary>
    /// Whether what <paramref name="tool"/> does may change the answer of a read asked earlier: every tool but the
    /// read-only ones and <c>juju-log</c> (writes such as <c>open-port</c>, <c>relation-set</c>, <c>status-set</c>,
    /// and reads with an effect such as <c>secret-get --refresh</c>).
    /// </summary>
    public static bool MayChangeAnswers(string tool) => !Harmless.Contains(tool);

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are the same call: tool, arguments and standard input.</summary>
    public static bool Same(HookCommandRequest a, HookCommandRequest b) =>
        a.Tool == b.Tool && a.Arguments.SequenceEqual(b.Arguments, StringComparer.Ordinal) && (a.Stdin ?? string.Empty) == (b.Stdin ?? string.Empty);
}
