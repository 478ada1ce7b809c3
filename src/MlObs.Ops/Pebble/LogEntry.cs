// LogEntry: one line of service output from GET /v1/logs.
namespace MlObs.Ops.Pebble;

/// <summary>One line of a service's output, as <c>GET /v1/logs</c> returns it.</summary>
/// <param name="Time">When Pebble received the line.</param>
/// <param name="Service">The service that wrote it.</param>
/// <param name="Message">The line, without its trailing newline.</param>
public sealed record LogEntry(DateTimeOffset Time, string Service, string Message);
