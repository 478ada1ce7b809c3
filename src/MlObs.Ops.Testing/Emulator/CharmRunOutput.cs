// CharmRunOutput: OUT.json of `mlobs charm run`: the resulting state in the state document's schema,
// followed by the run's records under Scenario's names (juju_log, unit_status_history, …).
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Ops.Testing.State;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>Writes a <see cref="CharmRunResult"/> as the emulator's output document.</summary>
public static class CharmRunOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The output document: the state fields, then the records. Reading it back with <see cref="StateJson.Read"/> gives the state.</summary>
    /// <param name="result">The run's result.</param>
    /// <returns>The JSON text, ending with a newline.</returns>
    public static string Write(CharmRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var document = JsonNode.Parse(StateJson.Write(result.State))!.AsObject();
        var records = result.Records;
        document["exit_code"] = result.ExitCode;
        document["dispatch_seconds"] = Math.Round(result.DispatchSeconds, 6);
        document["stdout"] = result.Stdout;
        document["stderr"] = result.Stderr;
        document["juju_log"] = new JsonArray([.. records.JujuLog.Select(l => (JsonNode)new JsonObject { ["level"] = l.Level, ["message"] = l.Message })]);
        document["unit_status_history"] = Statuses(records.UnitStatusHistory);
        document["app_status_history"] = Statuses(records.AppStatusHistory);
        document["workload_version_history"] = new JsonArray([.. records.WorkloadVersionHistory.Select(v => (JsonNode)v)]);
        document["action_results"] = records.ActionResults is { } results ? JsonNode.Parse(results.GetRawText()) : null;
        document["action_logs"] = new JsonArray([.. records.ActionLogs.Select(l => (JsonNode)l)]);
        document["action_failure"] = records.ActionFailure;
        document["exec_history"] = new JsonObject(result.ExecHistory.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e =>
            KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray([.. e.Value.Select(x => (JsonNode)new JsonArray([.. x.Command.Select(c => (JsonNode)c)]))]))));
        document["removed_secret_revisions"] = new JsonArray([.. records.RemovedSecretRevisions.Select(r =>
            (JsonNode)new JsonObject { ["secret_id"] = r.SecretId, ["revision"] = r.Revision })]);
        document["requested_storages"] = new JsonObject(records.RequestedStorages.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)));
        document["hook_tool_calls"] = new JsonArray([.. records.Calls.Select(c => (JsonNode)new JsonObject
        {
            ["tool"] = c.Tool,
            ["args"] = new JsonArray([.. c.Args.Select(a => (JsonNode)a)]),
            ["exit_code"] = c.ExitCode,
        })]);
        document["warnings"] = new JsonArray([.. result.Warnings.Select(w => (JsonNode)w)]);
        return document.ToJsonString(Options) + "\n";
    }

    private static JsonArray Statuses(IReadOnlyList<StatusState> statuses) =>
        new([.. statuses.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["message"] = s.Message })]);
}
