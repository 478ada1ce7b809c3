using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlObs.DriftMonitor.Load;

/// <summary>How a batch of rows is serialised for <c>POST /v1/models/{m}/records</c>.</summary>
internal enum RowFormat
{
    /// <summary>A JSON array of objects (<c>application/json</c>).</summary>
    Json,

    /// <summary>One JSON object per line (<c>application/x-ndjson</c>).</summary>
    JsonLines,
}

/// <summary>
/// The seeded synthetic data of the load scenarios. The "mixed" table has 20 features: 16 numerical (normal, log-normal,
/// uniform and exponential, with different parameters), 3 categorical (4, 12 and 40 labels with skewed frequencies) and 1
/// boolean (true about 35% of the time). The reference and the current rows come from the same distributions with different
/// seeds, so the monitor sees realistic, undrifted traffic. Values are rounded to 4 decimals, as a model's features usually
/// are, which keeps the JSON text near what a real logger sends.
/// </summary>
internal sealed class SyntheticData
{
    /// <summary>Numerical features of the mixed table.</summary>
    public const int NumericalFeatures = 16;

    /// <summary>Positional inputs of the CloudEvents model (one <c>instances</c> row).</summary>
    public const int InstanceWidth = 20;

    private static readonly string[] NumericalNames = [.. Enumerable.Range(0, NumericalFeatures).Select(i => $"num_{i:00}")];
    private static readonly string[][] Categories =
    [
        ["a", "b", "c", "d"],
        [.. Enumerable.Range(0, 12).Select(i => $"c{i:00}")],
        [.. Enumerable.Range(0, 40).Select(i => $"region_{i:00}")],
    ];

    private static readonly string[] CategoricalNames = ["cat_small", "cat_medium", "cat_large"];
    private const string BooleanName = "flag";
    private const double TrueShare = 0.35;

    private static readonly double[][] CumulativeWeights = [.. Categories.Select(c => Zipf(c.Length))];

    private readonly Random _random;

    /// <summary>Creates a generator; the same seed gives the same values (on the same .NET version).</summary>
    public SyntheticData(int seed) => _random = new Random(seed);

    /// <summary>The names of the 20 mixed features, in column order.</summary>
    public static IReadOnlyList<string> MixedFeatureNames { get; } = [.. NumericalNames, .. CategoricalNames, BooleanName];

    /// <summary>A CSV reference of <paramref name="rows"/> rows of the mixed table, header first, as UTF-8.</summary>
    public byte[] MixedReferenceCsv(int rows)
    {
        var text = new StringBuilder(rows * 160);
        text.AppendJoin(',', MixedFeatureNames).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < NumericalFeatures; i++)
                text.Append(Numerical(i).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            for (int c = 0; c < Categories.Length; c++)
                text.Append(Category(c)).Append(',');
            text.Append(Flag() ? "true" : "false").Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>One request body of <paramref name="rows"/> rows of the mixed table, as UTF-8 JSON or JSON lines.</summary>
    public byte[] MixedRows(int rows, RowFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>(rows * 420);
        using var writer = new Utf8JsonWriter(buffer);
        if (format == RowFormat.Json)
            writer.WriteStartArray();
        for (int r = 0; r < rows; r++)
        {
            writer.WriteStartObject();
            for (int i = 0; i < NumericalFeatures; i++)
                writer.WriteNumber(NumericalNames[i], Numerical(i));
            for (int c = 0; c < Categories.Length; c++)
                writer.WriteString(CategoricalNames[c], Category(c));
            writer.WriteBoolean(BooleanName, Flag());
            writer.WriteEndObject();
            if (format == RowFormat.JsonLines)
            {
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset();
            }
        }
        if (format == RowFormat.Json)
            writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A CSV reference for the CloudEvents model: <see cref="InstanceWidth"/> numerical inputs <c>x00</c>… and the output
    /// <c>prediction</c> (0 or 1), so positional <c>instances</c> rows and <c>predictions</c> map onto it.
    /// </summary>
    public byte[] InstanceReferenceCsv(int rows)
    {
        var text = new StringBuilder(rows * 180);
        text.AppendJoin(',', Enumerable.Range(0, InstanceWidth).Select(i => $"x{i:00}")).Append(",prediction\n");
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < InstanceWidth; i++)
                text.Append(Numerical(i % NumericalFeatures).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(Flag() ? '1' : '0').Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A KServe v1 request body with one row: <c>{"instances": [[x00, …, x19]]}</c>.</summary>
    public byte[] InstanceRequest()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("instances");
            writer.WriteStartArray();
            for (int i = 0; i < InstanceWidth; i++)
                writer.WriteNumberValue(Numerical(i % NumericalFeatures));
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A KServe v1 response body with one prediction: <c>{"predictions": [0]}</c> or <c>[1]</c>.</summary>
    public byte[] InstanceResponse() => Encoding.UTF8.GetBytes(Flag() ? """{"predictions": [1]}""" : """{"predictions": [0]}""");

    /// <summary>
    /// A CSV reference of <paramref name="rows"/> rows and <paramref name="features"/> numerical columns <c>w0000</c>…,
    /// each a normal distribution with its own mean and spread.
    /// </summary>
    public byte[] WideReferenceCsv(int rows, int features)
    {
        var text = new StringBuilder(rows * features * 9);
        text.AppendJoin(',', WideNames(features)).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < features; f++)
            {
                if (f > 0)
                    text.Append(',');
                text.Append(Wide(f).ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A JSON array of <paramref name="rows"/> objects over the wide table's <paramref name="features"/> columns.</summary>
    public byte[] WideRows(int rows, int features)
    {
        string[] names = WideNames(features);
        var buffer = new ArrayBufferWriter<byte>(rows * features * 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (int r = 0; r < rows; r++)
            {
                writer.WriteStartObject();
                for (int f = 0; f < features; f++)
                    writer.WriteNumber(names[f], Wide(f));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string[] WideNames(int features) => [.. Enumerable.Range(0, features).Select(f => $"w{f:0000}")];

    private double Wide(int feature) => Math.Round((feature % 17) + ((1 + (feature % 5)) * Normal()), 4);

    /// <summary>A value of numerical feature <paramref name="index"/>; the distribution family cycles with the index.</summary>
    private double Numerical(int index)
    {
        double value = (index % 4) switch
        {
            0 => (index * 1.5) + ((1 + (index % 3)) * Normal()),
            1 => Math.Exp(0.5 + ((0.4 + (0.05 * index)) * Normal())),
            2 => -index + ((2 * index + 1) * _random.NextDouble()),
            _ => -Math.Log(1 - _random.NextDouble()) / (0.5 + (0.1 * index)),
        };
        return Math.Round(value, 4);
    }

    private string Category(int column)
    {
        double[] cumulative = CumulativeWeights[column];
        int i = Array.BinarySearch(cumulative, _random.NextDouble());
        return Categories[column][Math.Min(i < 0 ? ~i : i, cumulative.Length - 1)];
    }

    private bool Flag() => _random.NextDouble() < TrueShare;

    /// <summary>A standard normal value (Box–Muller).</summary>
    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    /// <summary>Cumulative Zipf(1) weights over <paramref name="n"/> labels, normalised to end at 1.</summary>
    private static double[] Zipf(int n)
    {
        double[] cumulative = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
            cumulative[i] = total += 1.0 / (i + 1);
        for (int i = 0; i < n; i++)
            cumulative[i] /= total;
        return cumulative;
    }
}
