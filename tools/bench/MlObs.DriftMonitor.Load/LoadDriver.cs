using System.Diagnostics;

namespace MlObs.DriftMonitor.Load;

/// <summary>What one client saw: request latencies, answers by HTTP status, and rows (or records) accepted.</summary>
internal sealed class ClientTally
{
    /// <summary>The status recorded for a request that got no HTTP answer (connection refused, reset, timeout).</summary>
    public const int TransportFailure = 0;

    /// <summary>Latency of every request, in <see cref="Stopwatch"/> ticks.</summary>
    public List<long> LatencyTicks { get; } = new(4096);

    /// <summary>Requests by HTTP status code (0: no answer).</summary>
    public Dictionary<int, long> ByStatus { get; } = [];

    /// <summary>Rows (or joined records) the service accepted.</summary>
    public long Rows { get; private set; }

    /// <summary>Units of work that started more than 10 ms after their paced start time.</summary>
    public long LateStarts { get; set; }

    /// <summary>Records one request: its status, the rows it carried when accepted, and its latency in Stopwatch ticks.</summary>
    public void Record(int status, long acceptedRows, long latencyTicks)
    {
        LatencyTicks.Add(latencyTicks);
        ByStatus[status] = ByStatus.GetValueOrDefault(status) + 1;
        Rows += acceptedRows;
    }
}

/// <summary>The merged tallies of every client of one measured phase.</summary>
/// <param name="Elapsed">Wall time from the first start to the last client's end.</param>
/// <param name="LatencyTicks">Every request's latency in Stopwatch ticks, sorted ascending.</param>
/// <param name="ByStatus">Requests by HTTP status (0: no answer).</param>
/// <param name="Rows">Rows (or joined records) accepted.</param>
/// <param name="LateStarts">Paced units that started more than 10 ms late.</param>
internal sealed record LoadResult(TimeSpan Elapsed, long[] LatencyTicks, IReadOnlyDictionary<int, long> ByStatus, long Rows, long LateStarts)
{
    /// <summary>Requests sent.</summary>
    public long Requests => LatencyTicks.Length;

    /// <summary>Requests answered with a status outside 200–299, or not answered.</summary>
    public long Errors => ByStatus.Where(s => s.Key is < 200 or > 299).Sum(s => s.Value);

    /// <summary>The latency at quantile <paramref name="q"/> (0–1, nearest rank) in milliseconds; 0 when nothing was sent.</summary>
    public double LatencyMs(double q)
    {
        if (LatencyTicks.Length == 0)
            return 0;
        int rank = (int)Math.Ceiling(q * LatencyTicks.Length) - 1;
        return LatencyTicks[Math.Clamp(rank, 0, LatencyTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Merges client tallies.</summary>
    public static LoadResult Merge(TimeSpan elapsed, IEnumerable<ClientTally> tallies)
    {
        var byStatus = new SortedDictionary<int, long>();
        var latencies = new List<long>();
        long rows = 0, late = 0;
        foreach (ClientTally t in tallies)
        {
            latencies.AddRange(t.LatencyTicks);
            foreach ((int status, long n) in t.ByStatus)
                byStatus[status] = byStatus.GetValueOrDefault(status) + n;
            rows += t.Rows;
            late += t.LateStarts;
        }
        long[] sorted = [.. latencies];
        Array.Sort(sorted);
        return new LoadResult(elapsed, sorted, byStatus, rows, late);
    }
}

/// <summary>
/// Runs concurrent clients, each repeating one unit of work (a batch POST, or a CloudEvent request and its response) until
/// a deadline or a total number of units is reached, optionally paced to a fixed rate. Units in flight at the deadline are
/// finished and counted, never cancelled.
/// </summary>
internal static class LoadDriver
{
    private static readonly TimeSpan LateThreshold = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs <paramref name="clients"/> clients and merges what they saw.</summary>
    /// <param name="clients">Concurrent clients (at least 1).</param>
    /// <param name="duration">No unit starts after this much time.</param>
    /// <param name="maxUnits">The most units started over all clients; 0 for no limit.</param>
    /// <param name="unitsPerSecond">
    /// The paced rate over all clients (unit k is started no earlier than k / rate seconds after the start), or null to run
    /// as fast as the clients can.
    /// </param>
    /// <param name="unit">One unit of work: the client's tally and the unit's sequence number (unique in this run).</param>
    /// <param name="ct">Stops starting new units (Ctrl+C).</param>
    public static async Task<LoadResult> RunAsync(
        int clients, TimeSpan duration, long maxUnits, double? unitsPerSecond, Func<ClientTally, long, Task> unit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        long next = -1;
        long started = Stopwatch.GetTimestamp();
        var tallies = new ClientTally[clients];
        var tasks = new Task[clients];
        for (int c = 0; c < clients; c++)
        {
            var tally = tallies[c] = new ClientTally();
            tasks[c] = Task.Run(async () =>
            {
                while (!ct.IsCancellationRequested)
                {
                    long ticket = Interlocked.Increment(ref next);
                    if (maxUnits > 0 && ticket >= maxUnits)
                        return;
                    TimeSpan now = Stopwatch.GetElapsedTime(started);
                    if (unitsPerSecond is { } rate)
                    {
                        TimeSpan due = TimeSpan.FromSeconds(ticket / rate);
                        if (due >= duration)
                            return;
                        if (due > now)
                        {
                            try
                            {
                                await Task.Delay(due - now, ct).ConfigureAwait(false);
                            }
                            catch (OperationCanceledException)
                            {
                                return;
                            }
                        }
                        else if (now - due > LateThreshold)
                        {
                            tally.LateStarts++;
                        }
                    }
                    else if (now >= duration)
                    {
                        return;
                    }
                    await unit(tally, ticket).ConfigureAwait(false);
                }
            }, CancellationToken.None);
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return LoadResult.Merge(Stopwatch.GetElapsedTime(started), tallies);
    }
}
