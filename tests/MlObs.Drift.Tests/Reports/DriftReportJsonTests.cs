// DriftReportJson: the exact shape (keys, order, nulls), the non-finite convention, bit-exact round trips and the reader's errors.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlObs.Drift.Data;
using MlObs.Drift.Reports;

namespace MlObs.Drift.Tests.Reports;

public sealed class DriftReportJsonTests
{
    private static readonly string[] ReportKeys =
        ["format_version", "preset", "mode", "reference_rows", "current_rows", "dataset", "columns"];

    private static readonly string[] DatasetKeys =
    [
        "columns", "drifted_columns", "drift_share", "drift_share_threshold", "drift", "missing_columns", "new_columns",
        "skipped_columns", "correction",
    ];

    private static readonly string[] ColumnKeys =
    [
        "column", "kind", "method", "statistic", "p_value", "threshold", "drift", "n_reference", "n_current",
        "missing_reference", "missing_current", "status", "message", "drift_rule", "threshold_source", "p_value_raw",
        "error_bound", "invalid_current", "constant_reference", "constant_current", "unseen", "histogram",
    ];

    public static TheoryData<string> Samples() => ["mixed", "hostile", "empty", "shapes", "wide"];

    internal static DriftReport Sample(string name) => name switch
    {
        "mixed" => SampleReports.Mixed(),
        "hostile" => SampleReports.Hostile(),
        "empty" => SampleReports.Empty(),
        "shapes" => SampleReports.Shapes(),
        "wide" => SampleReports.Wide(7, 12),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Read_OfToJson_GivesTheSameReport(string sample)
    {
        DriftReport report = Sample(sample);

        ReportAssert.Equal(report, DriftReportJson.Read(DriftReportJson.ToJson(report)));
        ReportAssert.Equal(report, DriftReportJson.Read(DriftReportJson.ToJson(report, indented: false)));
    }

    [Fact]
    public void ToJson_SmallReport_IsExactlyTheDocumentedShape()
    {
        var column = new ColumnDrift("x", ColumnKind.Categorical, "psi", double.PositiveInfinity, null, 0.1, true, 3, 2, 0.25, 0, ColumnStatus.Ok)
        {
            DriftRule = "statistic >= threshold",
            ThresholdSource = "fixed",
            Unseen = new UnseenCategories(0.5, 1, [new CategoryCount("b", 1)]),
            Histogram = new HistogramPair(["a", "(unseen)"], null, [1, 0], [0.5, 0.5]),
        };
        var report = new DriftReport("mlobs", "exact", 4, 2, new DatasetDrift(1, 1, 1, 0.5, true, [], ["y"], 0, "none"), [column]);

        string json = DriftReportJson.ToJson(report, indented: false);

        const string Expected = """
            {"format_version":1,"preset":"mlobs","mode":"exact","reference_rows":4,"current_rows":2,
            "dataset":{"columns":1,"drifted_columns":1,"drift_share":1,"drift_share_threshold":0.5,"drift":true,
            "missing_columns":[],"new_columns":["y"],"skipped_columns":0,"correction":"none"},
            "columns":[{"column":"x","kind":"categorical","method":"psi","statistic":"Infinity","p_value":null,
            "threshold":0.1,"drift":true,"n_reference":3,"n_current":2,"missing_reference":0.25,"missing_current":0,
            "status":"ok","message":null,"drift_rule":"statistic >= threshold","threshold_source":"fixed",
            "p_value_raw":null,"error_bound":null,"invalid_current":0,"constant_reference":false,"constant_current":false,
            "unseen":{"share":0.5,"distinct":1,"top":[{"value":"b","count":1}]},
            "histogram":{"labels":["a","(unseen)"],"edges":null,"reference":[1,0],"current":[0.5,0.5]}}]}
            """;
        Assert.Equal(Expected.ReplaceLineEndings(string.Empty), json);
    }

    [Fact]
    public void ToJson_Keys_AreInTheFixedOrderAndNeverOmitted()
    {
        using JsonDocument document = JsonDocument.Parse(DriftReportJson.ToJson(SampleReports.Mixed()));
        JsonElement root = document.RootElement;

        Assert.Equal(ReportKeys, Keys(root));
        Assert.Equal(DatasetKeys, Keys(root.GetProperty("dataset")));
        foreach (JsonElement column in root.GetProperty("columns").EnumerateArray())
            Assert.Equal(ColumnKeys, Keys(column));
        JsonElement city = root.GetProperty("columns")[2];
        Assert.Equal(["share", "distinct", "top"], Keys(city.GetProperty("unseen")));
        Assert.Equal(["value", "count"], Keys(city.GetProperty("unseen").GetProperty("top")[0]));
        Assert.Equal(["labels", "edges", "reference", "current"], Keys(city.GetProperty("histogram")));
    }

    [Fact]
    public void ToJson_AbsentValues_AreJsonNull()
    {
        using JsonDocument document = JsonDocument.Parse(DriftReportJson.ToJson(SampleReports.Mixed()));
        JsonElement zip = document.RootElement.GetProperty("columns")[5];

        foreach (string key in new[]
        {
            "method", "statistic", "p_value", "threshold", "drift_rule", "threshold_source", "p_value_raw", "error_bound", "unseen",
            "histogram",
        })
        {
            Assert.Equal(JsonValueKind.Null, zip.GetProperty(key).ValueKind);
        }
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("columns")[2].GetProperty("histogram").GetProperty("edges").ValueKind);
    }

    [Fact]
    public void ToJson_NonFiniteNumbers_AreNamedStringsThatReadBack()
    {
        DriftReport report = SampleReports.Mixed();
        var column = report.Columns[0] with { Statistic = double.NegativeInfinity, ErrorBound = double.PositiveInfinity, PValue = double.NaN };
        report = report with { Columns = [column, .. report.Columns.Skip(1)] };

        string json = DriftReportJson.ToJson(report);

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement first = document.RootElement.GetProperty("columns")[0];
        Assert.Equal("-Infinity", first.GetProperty("statistic").GetString());
        Assert.Equal("Infinity", first.GetProperty("error_bound").GetString());
        Assert.Equal("NaN", first.GetProperty("p_value").GetString());
        Assert.Equal("Infinity", document.RootElement.GetProperty("columns")[2].GetProperty("statistic").GetString());
        Assert.Equal("NaN", document.RootElement.GetProperty("columns")[7].GetProperty("statistic").GetString());
        ReportAssert.Equal(report, DriftReportJson.Read(json));
    }

    [Fact]
    public void ToJson_AwkwardDoubles_RoundTripBitForBit()
    {
        double[] values =
        [
            0.1, 1.0 / 3, 2.0 / 3, Math.PI, 1e-300, 5e-324, double.Epsilon, double.MaxValue, double.MinValue, -0.0, 0.0,
            0.30000000000000004, 123456789.123456789, 1e21, 1e-7, 9007199254740993, 0.1 + 0.2,
        ];
        var random = new Random(7);
        values = [.. values, .. Enumerable.Range(0, 200).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64()))
            .Where(double.IsFinite)];
        var column = new ColumnDrift("c", ColumnKind.Numerical, "ks", values[0], values[1], values[2], false, 1, 1, 0, 0, ColumnStatus.Ok)
        {
            Histogram = new HistogramPair(values.Select(v => "b").ToArray(), values.Skip(1).ToArray(), values, values.Reverse().ToArray()),
        };
        var report = new DriftReport("mlobs", "exact", 1, 1, new DatasetDrift(1, 0, 0, 0.5, false, [], [], 0, "none"), [column]);

        ReportAssert.Equal(report, DriftReportJson.Read(DriftReportJson.ToJson(report)));
    }

    [Fact]
    public void ToJson_UnicodeNames_AreWrittenAsUtf8TextAndReadBack()
    {
        DriftReport report = SampleReports.Mixed();
        report = report with { Columns = [report.Columns[0] with { Column = "température °C 東京 🙂 \"q\" \\ \n" }, .. report.Columns.Skip(1)] };

        string json = DriftReportJson.ToJson(report);

        Assert.Contains("température °C 東京", json, StringComparison.Ordinal);
        Assert.Contains("Zürich", json, StringComparison.Ordinal);
        ReportAssert.Equal(report, DriftReportJson.Read(json));
    }

    [Fact]
    public void ToJson_Indented_UsesTwoSpacesAndLineFeeds_Compact_IsOneLine()
    {
        string indented = DriftReportJson.ToJson(SampleReports.Mixed());
        string compact = DriftReportJson.ToJson(SampleReports.Mixed(), indented: false);

        Assert.StartsWith("{\n  \"format_version\": 1,\n  \"preset\": \"mlobs\",", indented, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', indented);
        Assert.DoesNotContain('\n', compact);
    }

    [Fact]
    public void Write_Stream_WritesTheSameUtf8WithoutBom()
    {
        using var stream = new MemoryStream();

        DriftReportJson.Write(SampleReports.Mixed(), stream);

        byte[] bytes = stream.ToArray();
        Assert.Equal((byte)'{', bytes[0]);
        Assert.Equal(DriftReportJson.ToJson(SampleReports.Mixed()), Encoding.UTF8.GetString(bytes));
        Assert.True(stream.CanWrite, "the stream is left open");
    }

    [Fact]
    public void Write_Utf8JsonWriter_WritesOneObjectWithTheWritersOptions()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            DriftReportJson.Write(SampleReports.Empty(), writer);
            writer.WriteEndArray();
        }

        using JsonDocument document = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(1, document.RootElement.GetArrayLength());
        Assert.Equal(1, document.RootElement[0].GetProperty("format_version").GetInt32());
    }

    [Fact]
    public void Read_Stream_WithByteOrderMark_Reads()
    {
        byte[] json = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(DriftReportJson.ToJson(SampleReports.Hostile()))];

        DriftReport report = DriftReportJson.Read(new MemoryStream(json));

        ReportAssert.Equal(SampleReports.Hostile(), report);
    }

    public static TheoryData<string, string, string> BadReports() => new()
    {
        { "root is an array", "$", "expected an object, found an array" },
        { "format_version 2", "$.format_version", "format version 2 is not supported" },
        { "format_version missing", "$", "the property 'format_version' is missing" },
        { "dataset.correction missing", "$.dataset", "the property 'correction' is missing" },
        { "dataset.correction holm", "$.dataset.correction", "'holm' is not one of 'none', 'bonferroni', 'benjamini-hochberg'" },
        { "preset unknown", "$.preset", "'nannyml' is not one of 'mlobs', 'evidently'" },
        { "column extra key", "$.columns[1].extra", "unknown property" },
        { "column odd key", "$.columns[1]['a b']", "unknown property" },
        { "p_value a word", "$.columns[0].p_value", "expected a number (or \"Infinity\", \"-Infinity\", \"NaN\"), found the string \"small\"" },
        { "p_value infinity lower case", "$.columns[0].p_value", "found the string \"infinity\"" },
        { "n_reference negative", "$.columns[0].n_reference", "expected a non-negative integer, found -1" },
        { "n_reference fraction", "$.columns[0].n_reference", "expected a non-negative integer, found 1.5" },
        { "drift a string", "$.columns[0].drift", "expected true or false, found the string \"yes\"" },
        { "kind capitalised", "$.columns[0].kind", "'Numerical' is not a column kind" },
        { "status unknown", "$.columns[0].status", "'skipped' is not one of" },
        { "threshold_source unknown", "$.columns[0].threshold_source", "'guess' is not one of 'fixed', 'calibrated', 'override'" },
        { "histogram short current", "$.columns[0].histogram.current", "has 7 values for 8 labels" },
        { "histogram long edges", "$.columns[0].histogram.edges", "has 8 values for 8 labels" },
        { "unseen top count string", "$.columns[2].unseen.top[1].count", "expected a non-negative integer, found the string \"60\"" },
        { "missing_columns of numbers", "$.dataset.missing_columns[0]", "expected a string, found the number 3" },
        { "huge number", "$.columns[0].statistic", "1e400 is out of the range of a double" },
        { "columns an object", "$.columns", "expected an array, found an object" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public void Read_InvalidReport_ThrowsJsonExceptionNamingThePath(string mutation, string path, string message)
    {
        string json = Mutate(mutation);

        JsonException error = Assert.Throws<JsonException>(() => DriftReportJson.Read(json));

        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DuplicateKey_Throws()
    {
        string json = DriftReportJson.ToJson(SampleReports.Empty(), indented: false).Replace("\"mode\":\"exact\"", "\"mode\":\"exact\",\"mode\":\"exact\"", StringComparison.Ordinal);

        JsonException error = Assert.Throws<JsonException>(() => DriftReportJson.Read(json));

        Assert.Equal("$.mode", error.Path);
        Assert.Contains("appears twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"format_version\": 1,}")]
    [InlineData("// comment\n{}")]
    [InlineData("NaN")]
    public void Read_NotJson_ThrowsJsonException(string text)
    {
        Assert.ThrowsAny<JsonException>(() => DriftReportJson.Read(text));
    }

    private static string Mutate(string mutation)
    {
        JsonNode root = JsonNode.Parse(DriftReportJson.ToJson(SampleReports.Mixed()))!;
        JsonObject dataset = root["dataset"]!.AsObject();
        JsonObject first = root["columns"]![0]!.AsObject();
        switch (mutation)
        {
            case "root is an array": return "[]";
            case "format_version 2": root["format_version"] = 2; break;
            case "format_version missing": root.AsObject().Remove("format_version"); break;
            case "dataset.correction missing": dataset.Remove("correction"); break;
            case "dataset.correction holm": dataset["correction"] = "holm"; break;
            case "preset unknown": root["preset"] = "nannyml"; break;
            case "column extra key": root["columns"]![1]!.AsObject()["extra"] = 1; break;
            case "column odd key": root["columns"]![1]!.AsObject()["a b"] = 1; break;
            case "p_value a word": first["p_value"] = "small"; break;
            case "p_value infinity lower case": first["p_value"] = "infinity"; break;
            case "n_reference negative": first["n_reference"] = -1; break;
            case "n_reference fraction": first["n_reference"] = 1.5; break;
            case "drift a string": first["drift"] = "yes"; break;
            case "kind capitalised": first["kind"] = "Numerical"; break;
            case "status unknown": first["status"] = "skipped"; break;
            case "threshold_source unknown": first["threshold_source"] = "guess"; break;
            case "histogram short current": first["histogram"]!["current"]!.AsArray().RemoveAt(0); break;
            case "histogram long edges": first["histogram"]!["edges"]!.AsArray().Add(99); break;
            case "unseen top count string": root["columns"]![2]!["unseen"]!["top"]![1]!["count"] = "60"; break;
            case "missing_columns of numbers": dataset["missing_columns"] = new JsonArray(3); break;
            case "huge number": return root.ToJsonString().Replace("\"statistic\":0.21337", "\"statistic\":1e400", StringComparison.Ordinal);
            case "columns an object": root["columns"] = new JsonObject(); break;
            default: throw new ArgumentOutOfRangeException(nameof(mutation));
        }
        return root.ToJsonString();
    }

    private static List<string> Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();
}
