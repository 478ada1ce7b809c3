// GrafanaDashboardLog: the grafana_dashboard components' juju-log messages (source-generated).
using Microsoft.Extensions.Logging;

namespace MlObs.Cos.GrafanaDashboard;

internal static partial class GrafanaDashboardLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint}: {Problem}")]
    public static partial void PublishFailed(ILogger logger, string endpoint, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint}:{RelationId}: published {Count} dashboard(s)")]
    public static partial void Published(ILogger logger, string endpoint, int relationId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint}: {Path} has the same key {Key} as another dashboard file and replaces it")]
    public static partial void DuplicateKey(ILogger logger, string endpoint, string path, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint}: dashboard {Path} skipped: {Reason}")]
    public static partial void FileSkipped(ILogger logger, string endpoint, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Relation}: ignoring Grafana's event data: {Problem}")]
    public static partial void BadEvent(ILogger logger, string relation, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Relation}: Grafana rejected dashboard {Dashboard}: {Error}")]
    public static partial void Rejected(ILogger logger, string relation, string dashboard, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Relation}: {Problem}")]
    public static partial void RemoteProblem(ILogger logger, string relation, string problem);
}
