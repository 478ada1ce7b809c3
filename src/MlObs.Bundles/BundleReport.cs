// BundleReport: the text and JSON forms of a bundle check, one line per problem and a summary.
using System.Text;
using System.Text.Json;

namespace MlObs.Bundles;

/// <summary>Writes a <see cref="BundleCheckResult"/> for people (text) or programs (JSON).</summary>
public static class BundleReport
{
    /// <summary>The summary line, e.g. <c>bundles/mlobs/bundle.yaml + 1 overlay: 2 applications, 3 saas, 6 relations; 0 errors, 1 warning</c>.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The line.</returns>
    public static string Summary(BundleCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var overlays = result.Files.Count - 1;
        var files = overlays == 0 ? result.Files[0] : $"{result.Files[0]} + {Count(overlays, "overlay")}";
        var verdict = result.Succeeded ? "ok" : "FAILED";
        return $"{verdict}: {files}: {Count(result.Applications, "application")}, {result.Saas} saas, {Count(result.Relations, "relation")}; {Count(result.Errors, "error")}, {Count(result.Warnings, "warning")}";
    }

    /// <summary>Every problem on its own line, then the summary.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The text, ending with a newline.</returns>
    public static string ToText(BundleCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        foreach (var problem in result.Problems)
        {
            text.Append(problem).Append('\n');
        }

        return text.Append(Summary(result)).Append('\n').ToString();
    }

    /// <summary>
    /// The result as one JSON object: <c>ok</c>, <c>files</c>, <c>applications</c>, <c>saas</c>, <c>relations</c>,
    /// <c>errors</c>, <c>warnings</c> and <c>problems</c> (severity, code, file, line, column, application, endpoint, message).
    /// </summary>
    /// <param name="result">The result.</param>
    /// <returns>The JSON text, indented.</returns>
    public static string ToJson(BundleCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok", result.Succeeded);
            json.WriteStartArray("files");
            foreach (var file in result.Files)
            {
                json.WriteStringValue(file);
            }

            json.WriteEndArray();
            json.WriteNumber("applications", result.Applications);
            json.WriteNumber("saas", result.Saas);
            json.WriteNumber("relations", result.Relations);
            json.WriteNumber("errors", result.Errors);
            json.WriteNumber("warnings", result.Warnings);
            json.WriteStartArray("problems");
            foreach (var problem in result.Problems)
            {
                json.WriteStartObject();
                json.WriteString("severity", problem.Severity == ProblemSeverity.Error ? "error" : "warning");
                json.WriteString("code", problem.Code);
                json.WriteString("file", problem.Location.File);
                json.WriteNumber("line", problem.Location.Line);
                json.WriteNumber("column", problem.Location.Column);
                WriteNullable(json, "application", problem.Application);
                WriteNullable(json, "endpoint", problem.Endpoint);
                json.WriteString("message", problem.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
