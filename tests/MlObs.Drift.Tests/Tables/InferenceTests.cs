using MlObs.Drift.Data;
using MlObs.Drift.Tables;

namespace MlObs.Drift.Tests.Tables;

/// <summary>The kind-inference rules of README "Column kinds", one CSV column at a time.</summary>
public sealed class InferenceTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (TableSchema Schema, Dictionary<string, ColumnValues> Values) Infer(params string[] cells)
    {
        string path = _files.Text("column.csv", "x\n" + string.Join("\n", cells.Select(c => c.Length == 0 ? "\"\"" : c)) + "\n");
        TableSchema schema = TableFile.InferSchema(path);
        return (schema, Batches.ReadAll(path, schema));
    }

    [Fact]
    public void IntegersWithTenDistinctValues_AreCategorical()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer([.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "3", "9"]);
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
        Check.Labels(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "3", "9"], values.Labels("x"));
    }

    [Fact]
    public void IntegersWithElevenDistinctValues_AreNumerical()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer([.. Enumerable.Range(0, 11).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(ColumnKind.Numerical, schema.Kind("x"));
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (double)i), values.Numbers("x"));
    }

    [Fact]
    public void IntegerLabels_AreCanonical()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("3.0", "3", "+3", " 3 ", "-1", "-1.000", "1e1", "-0", "0", "NA");
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
        Check.Labels(["3", "3", "3", "3", "-1", "-1", "10", "0", "0", null], values.Labels("x"));
        Assert.Equal(0, values["x"].InvalidCount);
    }

    [Fact]
    public void CategoricalLabels_AreInternedPerColumn()
    {
        (_, Dictionary<string, ColumnValues> values) = Infer("red", "3.0", "red", " red", "3");
        string?[] labels = values.Labels("x");
        Check.Labels(["red", "3", "red", "red", "3"], labels);
        Assert.Same(labels[0], labels[2]);
        Assert.Same(labels[0], labels[3]);
        Assert.Same(labels[1], labels[4]);
    }

    [Fact]
    public void ANonIntegerNumber_MakesTheColumnNumerical()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("1", "2", "2.5", "1");
        Assert.Equal(ColumnKind.Numerical, schema.Kind("x"));
        Assert.Equal([1, 2, 2.5, 1], values.Numbers("x"));
    }

    [Fact]
    public void NumbersMixedWithText_AreCategorical_LabelledByTheirTrimmedText()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("1.5", "2", " abc ", "2.50", "N/A");
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
        Check.Labels(["1.5", "2", "abc", "2.50", null], values.Labels("x"));
    }

    [Fact]
    public void TextFirstThenNumbers_IsCategorical()
    {
        (TableSchema schema, _) = Infer("a", "1", "2");
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
    }

    [Fact]
    public void AColumnWithoutAValue_IsNumerical_AndAllMissing()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("", "NA", "n/a", "NaN", "null", "None", "NONE", " nan ");
        Assert.Equal(ColumnKind.Numerical, schema.Kind("x"));
        Assert.All(values.Numbers("x"), v => Assert.True(double.IsNaN(v)));
        Assert.Equal(8, values.Numbers("x").Length);
        Assert.Equal(0, values["x"].InvalidCount);
    }

    [Fact]
    public void ADash_IsNotMissing()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("1.5", "-");
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
        Check.Labels(["1.5", "-"], values.Labels("x"));
    }

    [Fact]
    public void Infinities_AreNumbers()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("1", "inf", "-inf", "+Infinity", "-INFINITY", "2");
        Assert.Equal(ColumnKind.Numerical, schema.Kind("x"));
        Assert.Equal([1, double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity, 2], values.Numbers("x"));
    }

    [Fact]
    public void TrueAndFalse_InAnyCase_AreBoolean()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("true", "False", "TRUE", "", "false", " True ");
        Assert.Equal(ColumnKind.Boolean, schema.Kind("x"));
        Check.Labels(["true", "false", "true", null, "false", "true"], values.Labels("x"));
    }

    [Fact]
    public void ZeroAndOne_AreNumbersNotBooleans()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("0", "1", "1");
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
        Check.Labels(["0", "1", "1"], values.Labels("x"));
        Assert.Equal(ColumnKind.Categorical, Infer("true", "1").Schema.Kind("x"));
    }

    [Fact]
    public void IsoDatesAndTimes_AreDatetime_InEpochSeconds()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer(
            "2024-01-02",
            "2024-01-02T03:04:05",
            "2024-01-02 03:04:05",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.25Z",
            "2024-01-02T03:04:05+01:00",
            "2024-01-02T03:04:05.5-0130",
            "1970-01-01",
            "1969-12-31T23:59:59.000000001Z",
            "");
        Assert.Equal(ColumnKind.Datetime, schema.Kind("x"));
        double[] v = values.Numbers("x");
        Assert.Equal(1_704_153_600, v[0]);
        Assert.Equal(1_704_164_645, v[1]);
        Assert.Equal(1_704_164_645, v[2]);
        Assert.Equal(1_704_164_645, v[3]);
        Assert.Equal(1_704_164_645.25, v[4]);
        Assert.Equal(1_704_164_645 - 3600, v[5]);
        Assert.Equal(1_704_164_645.5 + 5400, v[6]);
        Assert.Equal(0, v[7]);
        Assert.Equal(-1 + 1e-9, v[8]);
        Assert.True(double.IsNaN(v[9]));
    }

    [Theory]
    [InlineData("2024-02-30")]
    [InlineData("2024-13-01")]
    [InlineData("2024-01-02T24:00:00")]
    [InlineData("2024-01-02T03:04")]
    [InlineData("2024-01-02T03:04:05+25:00")]
    [InlineData("2024-01-02T03:04:05.1234567890")]
    [InlineData("2024-01-02T03:04:05 Z")]
    [InlineData("02/01/2024")]
    [InlineData("2024-1-2")]
    public void AValueThatIsNotAnIsoInstant_MakesADateColumnCategorical(string odd)
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("2024-01-01", odd);
        Assert.Equal(ColumnKind.Categorical, schema.Kind("x"));
        Check.Labels(["2024-01-01", odd], values.Labels("x"));
    }

    [Fact]
    public void LeapDay_IsADate()
    {
        (TableSchema schema, Dictionary<string, ColumnValues> values) = Infer("2024-02-29", "2000-02-29");
        Assert.Equal(ColumnKind.Datetime, schema.Kind("x"));
        Assert.Equal([1_709_164_800, 951_782_400], values.Numbers("x"));
    }

    [Fact]
    public void KindOverrides_WinOverInference()
    {
        string path = _files.Text("o.csv", "a,b,c\n1,x,2024-01-01\n2,y,2024-01-02\n");
        TableSchema schema = TableFile.InferSchema(path, new TableReadOptions
        {
            KindOverrides = new Dictionary<string, ColumnKind> { ["a"] = ColumnKind.Numerical, ["c"] = ColumnKind.Categorical },
        });
        Assert.Equal([new ColumnSpec("a", ColumnKind.Numerical), new ColumnSpec("b", ColumnKind.Categorical), new ColumnSpec("c", ColumnKind.Categorical)], schema.Columns);
    }

    [Fact]
    public void AKindOverride_ForAColumnTheFileLacks_IsAnError()
    {
        string path = _files.Text("o.csv", "a,b\n1,2\n");
        var e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path, new TableReadOptions
        {
            KindOverrides = new Dictionary<string, ColumnKind> { ["nope"] = ColumnKind.Numerical },
        }));
        Assert.Equal("nope", e.Column);
        Assert.Equal(path, e.Path);
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_LimitsTheSchema_AndAnUnknownOneIsAnError()
    {
        string path = _files.Text("c.csv", "a,b,c\n1,x,2.5\n");
        TableSchema schema = TableFile.InferSchema(path, new TableReadOptions { Columns = new HashSet<string> { "c", "a" } });
        Assert.Equal(["a", "c"], schema.Columns.Select(c => c.Name));
        var e = Assert.Throws<TableReadException>(() => TableFile.InferSchema(path, new TableReadOptions { Columns = new HashSet<string> { "z" } }));
        Assert.Equal("z", e.Column);
    }

    [Fact]
    public void Schema_KeepsFileOrder_AndInfersEveryColumn()
    {
        string path = _files.Text("m.csv", "id,score,flag,when,city\n1,0.5,true,2024-01-01,Paris\n2,1.5,false,2024-01-02,Lyon\n3,2.5,true,,Nice\n4,3.5,,2024-01-03,Paris\n5,4.5,false,2024-01-04,Lyon\n6,5,true,2024-01-05,Lyon\n7,6,true,2024-01-05,Lyon\n8,7,true,2024-01-05,Lyon\n9,8,true,2024-01-05,Lyon\n10,9,true,2024-01-05,Lyon\n11,9,true,2024-01-05,Lyon\n");
        TableSchema schema = TableFile.InferSchema(path);
        Assert.Equal(
            [
                new ColumnSpec("id", ColumnKind.Numerical),
                new ColumnSpec("score", ColumnKind.Numerical),
                new ColumnSpec("flag", ColumnKind.Boolean),
                new ColumnSpec("when", ColumnKind.Datetime),
                new ColumnSpec("city", ColumnKind.Categorical),
            ],
            schema.Columns);
    }

    [Fact]
    public void ManyRows_ACategoricalColumnFoundEarly_StillReadsTheRest()
    {
        // More than 1024 rows, so that the pass drops decided columns, and a late non-number in the numerical column.
        var text = new System.Text.StringBuilder("a,b\n");
        for (int i = 0; i < 3000; i++)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"t{i},{i * 0.5}\n");
        text.Append("x,oops\n");
        string path = _files.Text("late.csv", text.ToString());
        TableSchema schema = TableFile.InferSchema(path);
        Assert.Equal(ColumnKind.Categorical, schema.Kind("a"));
        Assert.Equal(ColumnKind.Categorical, schema.Kind("b"));
    }
}
