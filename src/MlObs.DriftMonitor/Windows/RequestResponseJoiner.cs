using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;

namespace MlObs.DriftMonitor.Windows;

/// <summary>
/// Pairs the request and the response of an inference (KServe and Seldon send them as two events sharing a join key) so
/// that prediction columns sit in the same rows as the inputs.
/// </summary>
/// <remarks>
/// <para>
/// The first half of a key is held; when the other half arrives, one batch is returned with the request's columns, then
/// the response's (a response column named like a request column is dropped and counted in
/// <see cref="JoinerStats.NameCollisions"/>). No value is copied: the joined batch shares both halves' column memory. Halves
/// whose row counts differ cannot be aligned: both are released alone (<see cref="JoinerStats.Misaligned"/>).
/// </para>
/// <para>
/// A half released alone is still a record: a request alone has its inputs (predictions missing), a response alone has only
/// outputs. Halves are released alone when another half of the same kind arrives with the same key (the held one goes,
/// the new one is held), when more than <see cref="JoinerOptions.MaxPending"/> are held (the oldest goes), and when they
/// have waited longer than <see cref="JoinerOptions.Timeout"/> (<see cref="Expire(DateTimeOffset)"/>).
/// </para>
/// <para>
/// Every operation is O(1) per half, whatever the number held: a dictionary by key and a list in arrival order for
/// eviction and expiry. Expiry follows arrival order: a half offered with an earlier receive time than a half held before
/// it waits until that one is released.
/// </para>
/// <para>Not thread-safe: the caller serialises every call.</para>
/// </remarks>
public sealed class RequestResponseJoiner
{
    private readonly Dictionary<string, LinkedListNode<PendingHalf>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<PendingHalf> _arrivals = new();
    private readonly JoinerOptions _options;
    private readonly TimeProvider _time;
    private long _joined, _duplicates, _misaligned, _nameCollisions, _evicted, _expiredRequests, _expiredResponses;

    /// <summary>Creates a joiner that holds nothing.</summary>
    /// <param name="options">Timeout and capacity; null for the defaults (30 s, 10,000 halves).</param>
    /// <param name="time">The clock <see cref="Expire()"/> reads (defaults to <see cref="TimeProvider.System"/>).</param>
    public RequestResponseJoiner(JoinerOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new JoinerOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The timeout and capacity in force.</summary>
    public JoinerOptions Options => _options;

    /// <summary>Halves waiting for their other half.</summary>
    public int Pending => _arrivals.Count;

    /// <summary>The counters since the joiner was created, and the halves waiting now.</summary>
    public JoinerStats Stats => new(
        _joined, _duplicates, _misaligned, _nameCollisions, _evicted, _expiredRequests, _expiredResponses, Pending);

    /// <summary>Offers records; returns the batches that are ready (possibly none, while a half waits).</summary>
    /// <param name="half">Which part of the inference the records carry.</param>
    /// <param name="joinKey">The key shared by a request and its response (ordinal comparison); null when there is none.</param>
    /// <param name="rows">The records.</param>
    /// <param name="receivedAt">When the records were received; a held half's timeout runs from this time.</param>
    /// <returns>
    /// <see cref="RecordHalf.Whole"/> records or a null key: the records at once, unchanged (<see cref="JoinOutcome.Whole"/>).
    /// Otherwise the joined pair when this half completes one, two halves alone when their row counts differ, and any half
    /// released alone as a duplicate or to stay within <see cref="JoinerOptions.MaxPending"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="half"/> is not a defined value.</exception>
    public IReadOnlyList<JoinedBatch> Offer(RecordHalf half, string? joinKey, RowBatch rows, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (half is not (RecordHalf.Whole or RecordHalf.Request or RecordHalf.Response))
            throw new ArgumentOutOfRangeException(nameof(half), half, "Not a record half.");
        if (half == RecordHalf.Whole || joinKey is null)
            return [new JoinedBatch(rows, JoinOutcome.Whole, receivedAt)];

        var ready = new List<JoinedBatch>(2);
        var offered = new PendingHalf(joinKey, half, rows, receivedAt);
        if (_byKey.Remove(joinKey, out LinkedListNode<PendingHalf>? node))
        {
            _arrivals.Remove(node);
            PendingHalf held = node.Value;
            if (held.Half == half)
            {
                _duplicates++;
                ready.Add(Alone(held));
                Hold(offered);
            }
            else if (half == RecordHalf.Response)
            {
                Join(held, offered, ready);
            }
            else
            {
                Join(offered, held, ready);
            }
        }
        else
        {
            Hold(offered);
        }
        while (_arrivals.Count > _options.MaxPending)
        {
            _evicted++;
            ready.Add(Alone(ReleaseOldest()));
        }
        return ready;
    }

    /// <summary>Releases, alone, the halves that have waited longer than the timeout at the clock's now.</summary>
    /// <returns>The released halves, oldest first.</returns>
    public IReadOnlyList<JoinedBatch> Expire() => Expire(_time.GetUtcNow());

    /// <summary>
    /// Releases, alone, the halves that have waited longer than the timeout at <paramref name="now"/>
    /// (<c>now − receivedAt &gt; Timeout</c>), counting them in <see cref="JoinerStats.ExpiredRequests"/> and
    /// <see cref="JoinerStats.ExpiredResponses"/>.
    /// </summary>
    /// <returns>The released halves, oldest first.</returns>
    public IReadOnlyList<JoinedBatch> Expire(DateTimeOffset now)
    {
        List<JoinedBatch>? expired = null;
        while (_arrivals.First is { } first && now - first.Value.ReceivedAt > _options.Timeout)
        {
            PendingHalf held = ReleaseOldest();
            if (held.Half == RecordHalf.Request)
                _expiredRequests++;
            else
                _expiredResponses++;
            (expired ??= []).Add(Alone(held));
        }
        return expired ?? (IReadOnlyList<JoinedBatch>)[];
    }

    /// <summary>
    /// The halves waiting now, in arrival order, for a snapshot of the service's state (with <see cref="Restore"/>, it lets
    /// the caller truncate its write-ahead log). The rows are shared, not copied.
    /// </summary>
    public IReadOnlyList<PendingHalf> PendingHalves() => [.. _arrivals];

    /// <summary>
    /// Holds the halves of a snapshot taken with <see cref="PendingHalves"/>, in the given order (their arrival order). Meant
    /// for start-up: the joiner must hold nothing. Halves beyond <see cref="JoinerOptions.MaxPending"/> are kept; the next
    /// <see cref="Offer"/> releases the oldest ones alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">The joiner already holds halves.</exception>
    /// <exception cref="ArgumentException">
    /// A half is <see cref="RecordHalf.Whole"/> or has no key or rows, or two halves share a key; nothing is restored then.
    /// </exception>
    public void Restore(IEnumerable<PendingHalf> halves)
    {
        ArgumentNullException.ThrowIfNull(halves);
        if (_arrivals.Count > 0)
            throw new InvalidOperationException($"Restore is for an empty joiner; this one holds {_arrivals.Count} halves.");
        List<PendingHalf> list = [.. halves];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (PendingHalf half in list)
        {
            if (half is null || half.JoinKey is null || half.Rows is null)
                throw new ArgumentException("A pending half has no key or no rows.", nameof(halves));
            if (half.Half is not (RecordHalf.Request or RecordHalf.Response))
                throw new ArgumentException($"The pending half of key '{half.JoinKey}' is {half.Half}, not a request or a response.", nameof(halves));
            if (!keys.Add(half.JoinKey))
                throw new ArgumentException($"Two pending halves have the key '{half.JoinKey}'.", nameof(halves));
        }
        foreach (PendingHalf half in list)
            Hold(half);
    }

    private void Hold(PendingHalf half) => _byKey.Add(half.JoinKey, _arrivals.AddLast(half));

    private PendingHalf ReleaseOldest()
    {
        LinkedListNode<PendingHalf> oldest = _arrivals.First!;
        _arrivals.RemoveFirst();
        _byKey.Remove(oldest.Value.JoinKey);
        return oldest.Value;
    }

    private void Join(PendingHalf request, PendingHalf response, List<JoinedBatch> ready)
    {
        if (request.Rows.RowCount != response.Rows.RowCount)
        {
            _misaligned++;
            ready.Add(Alone(request));
            ready.Add(Alone(response));
            return;
        }
        IReadOnlyList<ColumnValues> inputs = request.Rows.Columns, outputs = response.Rows.Columns;
        var names = new HashSet<string>(inputs.Count, StringComparer.Ordinal);
        var columns = new List<ColumnValues>(inputs.Count + outputs.Count);
        foreach (ColumnValues column in inputs)
        {
            names.Add(column.Name);
            columns.Add(column);
        }
        foreach (ColumnValues column in outputs)
        {
            if (names.Contains(column.Name))
                _nameCollisions++;
            else
                columns.Add(column);
        }
        _joined++;
        ready.Add(new JoinedBatch(new RowBatch(request.Rows.RowCount, columns), JoinOutcome.Joined, request.ReceivedAt));
    }

    private static JoinedBatch Alone(PendingHalf half) => new(
        half.Rows, half.Half == RecordHalf.Request ? JoinOutcome.RequestOnly : JoinOutcome.ResponseOnly, half.ReceivedAt);
}
