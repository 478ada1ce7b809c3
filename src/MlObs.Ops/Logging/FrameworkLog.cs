// FrameworkLog: the framework's own log messages, source-generated (no boxing, no work when disabled).
using Microsoft.Extensions.Logging;

namespace MlObs.Ops.Logging;

internal static partial class FrameworkLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Emitting Juju event {EventName}.")]
    public static partial void Emitting(ILogger logger, string eventName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventName} has no observer.")]
    public static partial void NoObserver(ILogger logger, string eventName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Re-emitting deferred event {EventName} to {Observer}.")]
    public static partial void Reemitting(ILogger logger, string eventName, string observer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropping deferred {EventName}: no handler {Observer} observes it any more.")]
    public static partial void DroppingDeferred(ILogger logger, string eventName, string observer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Uncaught exception while in charm code:")]
    public static partial void Uncaught(ILogger logger, Exception exception);
}
