// docs/drift-report.schema.json against the writer: every sample report validates, the schema is strict (additionalProperties
// false, every key required and described), lists its keys in the writer's order and the reader's vocabularies.
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MlObs.Drift.Data;
using MlObs.Drift.Reports;

namespace MlObs.Drift.Tests.Reports;

public sealed class DriftReportSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(AppContext.BaseDirectory, "docs", "drift-report.schema.json");

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    public static TheoryData<string> Samples() => DriftReportJsonTests.Samples();

    [Fact]
    public void Schema_IsValidDraft202012()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));

        EvaluationResults result = MetaSchemas.Draft202012.Evaluate(schema.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void WrittenReport_ValidatesAgainstTheSchema(string sample)
    {
        string json = DriftReportJson.ToJson(DriftReportJsonTests.Sample(sample));

        AssertValid(json);
    }

    [Fact]
    public void WrittenReport_WithEveryNonFiniteValueAllowed_Validates()
    {
        DriftReport report = SampleReports.Mixed();
        var column = report.Columns[0] with
        {
            Statistic = double.NegativeInfinity,
            Threshold = double.PositiveInfinity,
            PValue = double.NaN,
            PValueRaw = double.NaN,
            ErrorBound = double.PositiveInfinity,
        };

        AssertValid(DriftReportJson.ToJson(report with { Columns = [column] }));
    }

    public static TheoryData<string> Violations() =>
    [
        "an extra key in the report",
        "an extra key in the dataset",
        "an extra key in a column",
        "an extra key in unseen",
        "an extra key in a top category",
        "an extra key in a histogram",
        "a missing key",
        "a p-value above 1",
        "an infinite p-value",
        "a status outside the list",
        "a kind in capitals",
        "a non-finite share",
        "a share above 1",
        "a negative count",
        "format version 2",
        "a lower-case infinity",
        "eleven top categories",
    ];

    [Theory]
    [MemberData(nameof(Violations))]
    public void ReportWithAViolation_FailsTheSchema(string violation)
    {
        JsonNode root = JsonNode.Parse(DriftReportJson.ToJson(SampleReports.Mixed()))!;
        JsonObject column = root["columns"]![2]!.AsObject(); // city: unseen categories and a histogram
        switch (violation)
        {
            case "an extra key in the report": root["generated_at"] = "2026-01-01"; break;
            case "an extra key in the dataset": root["dataset"]!["extra"] = 1; break;
            case "an extra key in a column": column["extra"] = 1; break;
            case "an extra key in unseen": column["unseen"]!["extra"] = 1; break;
            case "an extra key in a top category": column["unseen"]!["top"]![0]!["extra"] = 1; break;
            case "an extra key in a histogram": column["histogram"]!["extra"] = 1; break;
            case "a missing key": column.Remove("message"); break;
            case "a p-value above 1": column["p_value"] = 1.5; break;
            case "an infinite p-value": column["p_value"] = "Infinity"; break;
            case "a status outside the list": column["status"] = "skipped"; break;
            case "a kind in capitals": column["kind"] = "Categorical"; break;
            case "a non-finite share": column["missing_current"] = "NaN"; break;
            case "a share above 1": column["histogram"]!["current"]![0] = 1.25; break;
            case "a negative count": column["n_current"] = -3; break;
            case "format version 2": root["format_version"] = 2; break;
            case "a lower-case infinity": column["statistic"] = "infinity"; break;
            case "eleven top categories":
                column["unseen"]!["top"] = new JsonArray(Enumerable.Range(0, 11)
                    .Select(i => (JsonNode?)new JsonObject { ["value"] = $"v{i}", ["count"] = 1 }).ToArray());
                break;
            default: throw new ArgumentOutOfRangeException(nameof(violation));
        }

        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
        Assert.False(Schema.Value.Evaluate(document.RootElement).IsValid, $"the schema accepted {violation}");
    }

    [Fact]
    public void Schema_EveryObjectIsClosed_RequiresEveryKey_AndDescribesEveryProperty()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        JsonElement defs = schema.RootElement.GetProperty("$defs");
        int objects = 0;

        foreach (JsonProperty def in defs.EnumerateObject())
        {
            Assert.True(def.Value.TryGetProperty("description", out _), $"$defs/{def.Name} has no description");
            if (!def.Value.TryGetProperty("properties", out JsonElement properties))
                continue;
            objects++;
            Assert.Equal("object", def.Value.GetProperty("type").GetString());
            Assert.True(def.Value.TryGetProperty("additionalProperties", out JsonElement additional) && additional.ValueKind == JsonValueKind.False,
                $"$defs/{def.Name} must say additionalProperties: false");
            string[] names = properties.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(names, def.Value.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToArray());
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                Assert.True(property.Value.TryGetProperty("description", out JsonElement description) && description.GetString()!.Length > 20,
                    $"$defs/{def.Name}/properties/{property.Name} needs a description");
            }
        }

        Assert.Equal(6, objects); // report, dataset, column, unseen, category_count, histogram
    }

    [Fact]
    public void Schema_ListsPropertiesInTheWritersOrder()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        JsonElement defs = schema.RootElement.GetProperty("$defs");
        using JsonDocument written = JsonDocument.Parse(DriftReportJson.ToJson(SampleReports.Mixed()));
        JsonElement root = written.RootElement;
        JsonElement city = root.GetProperty("columns")[2];

        foreach ((string def, JsonElement element) in new[]
        {
            ("report", root),
            ("dataset", root.GetProperty("dataset")),
            ("column", city),
            ("unseen", city.GetProperty("unseen")),
            ("category_count", city.GetProperty("unseen").GetProperty("top")[0]),
            ("histogram", city.GetProperty("histogram")),
        })
        {
            Assert.Equal(
                defs.GetProperty(def).GetProperty("properties").EnumerateObject().Select(p => p.Name),
                element.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public void Schema_Vocabularies_AreTheReadersAndTheModels()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        JsonElement defs = schema.RootElement.GetProperty("$defs");

        Assert.Equal(ReportValues.Presets, Enum(defs, "report", "preset"));
        Assert.Equal(ReportValues.Modes, Enum(defs, "report", "mode"));
        Assert.Equal(ReportValues.Corrections, Enum(defs, "dataset", "correction"));
        Assert.Equal(ReportValues.Statuses, Enum(defs, "column", "status"));
        Assert.Equal(ReportValues.ThresholdSources.Append("(null)"), Enum(defs, "column", "threshold_source").Select(v => v ?? "(null)"));
        Assert.Equal(System.Enum.GetValues<ColumnKind>().Select(k => k.Name()), Enum(defs, "column", "kind"));
        Assert.Equal(
            typeof(ColumnStatus).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal),
            ReportValues.Statuses.Order(StringComparer.Ordinal));
    }

    private static string?[] Enum(JsonElement defs, string def, string property) =>
        defs.GetProperty(def).GetProperty("properties").GetProperty(property).GetProperty("enum").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()).ToArray();

    private static void AssertValid(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        EvaluationResults result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, Describe(result));
    }

    private static string Describe(EvaluationResults result)
    {
        if (result.IsValid)
            return "valid";
        IEnumerable<string> errors = (result.Details ?? []).Append(result)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"));
        return "schema errors:\n" + string.Join("\n", errors.Take(20));
    }
}
