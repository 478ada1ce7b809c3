using MlObs.Drift.Windows;

namespace MlObs.DriftMonitor.Windows;

/// <summary>
/// A tumbling window that is full (by records) or over (by time), handed to the caller for evaluation. The caller owns
/// <see cref="State"/>: the <see cref="ModelWindow"/> keeps no reference to it.
/// </summary>
/// <param name="State">The window's counters against the reference profile.</param>
/// <param name="Start">
/// A window sized by time: the start of its range (a multiple of the duration since the Unix epoch). Sized by records: the
/// receive time of its first record.
/// </param>
/// <param name="End">
/// A window sized by time: the exclusive end of its range. Sized by records: the receive time of its last record.
/// </param>
/// <param name="Records">The number of records (rows) in the window.</param>
public sealed record CompletedWindow(WindowState State, DateTimeOffset Start, DateTimeOffset End, long Records);
