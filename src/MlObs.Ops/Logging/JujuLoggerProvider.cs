// JujuLoggerProvider: Microsoft.Extensions.Logging records to juju-log, split as ops splits them.
using Microsoft.Extensions.Logging;
using MlObs.Ops.HookTools;

namespace MlObs.Ops.Logging;

/// <summary>
/// An <see cref="ILoggerProvider"/> whose loggers send records to Juju's <c>juju-log</c>. Records
/// queue in memory and go out when the host flushes: before the next hook tool runs, at the end
/// of the dispatch, and when it fails. <see cref="ILogger.Log{TState}"/> is synchronous and a
/// hook tool is a process, so the log call itself never waits on one.
/// </summary>
public sealed class JujuLoggerProvider : ILoggerProvider
{
    /// <summary>The longest message one <c>juju-log</c> call carries (ops' <c>MAX_LOG_LINE_LEN</c>).</summary>
    public const int MaxLogLineLength = 131071;

    private readonly HookCommands _commands;
    private readonly LogLevel _minimumLevel;
    private readonly Queue<(string Level, string Message)> _queue = new();
    private readonly Lock _gate = new();

    /// <summary>Creates the provider.</summary>
    /// <param name="commands">The hook tools.</param>
    /// <param name="minimumLevel">Records below this level are dropped (ops sends DEBUG and up; Juju filters).</param>
    public JujuLoggerProvider(HookCommands commands, LogLevel minimumLevel = LogLevel.Debug)
    {
        ArgumentNullException.ThrowIfNull(commands);
        _commands = commands;
        _minimumLevel = minimumLevel;
    }

    /// <summary>The Juju level name of a .NET log level.</summary>
    /// <param name="level">The .NET level.</param>
    /// <returns><c>TRACE</c>, <c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c> or <c>CRITICAL</c>.</returns>
    public static string JujuLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    /// <summary>
    /// Splits a message into <c>juju-log</c> calls as ops does: one call when it fits, otherwise a
    /// notice line followed by chunks of <see cref="MaxLogLineLength"/>; nothing for an empty message.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="maxLength">The longest chunk.</param>
    /// <returns>The lines to log.</returns>
    public static IEnumerable<string> Split(string message, int maxLength = MaxLogLineLength)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (message.Length > maxLength)
        {
            yield return $"Log string greater than {maxLength}. Splitting into multiple chunks: ";
        }

        for (var start = 0; start < message.Length; start += maxLength)
        {
            yield return message.Substring(start, Math.Min(maxLength, message.Length - start));
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new JujuLogger(this);

    /// <summary>Sends every queued record to <c>juju-log</c>, in order.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>A task that completes when the queue is empty.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            (string Level, string Message) record;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out record))
                {
                    return;
                }
            }

            foreach (var line in Split(record.Message))
            {
                await _commands.JujuLogAsync(record.Level, line, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes the queued records without sending them (for a last resort write to stderr).</summary>
    /// <returns>The records as level and message.</returns>
    public IReadOnlyList<(string Level, string Message)> Drain()
    {
        lock (_gate)
        {
            var all = _queue.ToList();
            _queue.Clear();
            return all;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Enqueue(LogLevel level, string message)
    {
        lock (_gate)
        {
            _queue.Enqueue((JujuLevel(level), message));
        }
    }

    private sealed class JujuLogger(JujuLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message = message.Length == 0 ? exception.ToString() : message + Environment.NewLine + exception;
            }

            if (message.Length > 0)
            {
                provider.Enqueue(logLevel, message);
            }
        }
    }
}
