// The demo's dataset, embedded in mlobs: Breast Cancer Wisconsin (Diagnostic), 569 fine-needle aspirates described by
// 30 numerical features and the diagnosis (data/README.md gives its source and licence). The demo's model is an oracle
// whose prediction is the recorded diagnosis; the reference is the whole dataset with that prediction.
using System.Globalization;
using System.Text;

namespace MlObs.Cli.Demo;

/// <summary>One case: the 30 feature values, in <see cref="SampleDataset.Features"/> order, and the diagnosis.</summary>
/// <param name="Values">The feature values.</param>
/// <param name="Diagnosis"><c>malignant</c> or <c>benign</c>.</param>
internal sealed record SampleCase(double[] Values, string Diagnosis);

/// <summary>The embedded Breast Cancer Wisconsin (Diagnostic) dataset and the traffic the demo replays from it.</summary>
internal sealed class SampleDataset
{
    private const string ResourceName = "MlObs.Cli.Demo.breast-cancer-wisconsin.csv";

    private SampleDataset(IReadOnlyList<string> features, IReadOnlyList<SampleCase> cases)
    {
        Features = features;
        Cases = cases;
    }

    /// <summary>The name the demo's model reports its output under (the drift monitor's default <c>outputs</c>).</summary>
    public const string PredictionColumn = "prediction";

    /// <summary>The 30 feature names, e.g. <c>mean_radius</c>, <c>se_texture</c>, <c>worst_concave_points</c>.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>All cases, in the file's order.</summary>
    public IReadOnlyList<SampleCase> Cases { get; }

    /// <summary>Reads the dataset embedded in mlobs.</summary>
    /// <returns>The dataset.</returns>
    public static SampleDataset Load()
    {
        using var stream = typeof(SampleDataset).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"mlobs was built without its demo dataset ({ResourceName})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses the dataset's CSV: a header of the features then <c>diagnosis</c>, one case per line.</summary>
    /// <param name="csv">The text.</param>
    /// <returns>The dataset.</returns>
    public static SampleDataset Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        if (header[^1] != "diagnosis")
        {
            throw new FormatException("the demo dataset's last column must be 'diagnosis'");
        }

        var cases = new List<SampleCase>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split(',');
            if (fields.Length != header.Length)
            {
                throw new FormatException($"demo dataset, line {i + 1}: {fields.Length} fields, the header has {header.Length}");
            }

            var values = new double[fields.Length - 1];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = double.Parse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            cases.Add(new SampleCase(values, fields[^1]));
        }

        return new SampleDataset(header[..^1], cases);
    }

    /// <summary>The reference the demo loads: every case, its features and the model's prediction.</summary>
    /// <returns>CSV text.</returns>
    public string ReferenceCsv()
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Features).Append(',').Append(PredictionColumn).Append('\n');
        foreach (var c in Cases)
        {
            foreach (var v in c.Values)
            {
                text.Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(',');
            }

            text.Append(c.Diagnosis).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Traffic like the reference: every case once in a random order, then again in another order, without end. A window
    /// of a few hundred records is then close to the whole population, so a healthy phase raises no false alarm.
    /// </summary>
    /// <param name="seed">The shuffle's seed.</param>
    /// <returns>An endless sequence of cases.</returns>
    public IEnumerable<SampleCase> Healthy(int seed) => Shuffled(Cases, seed);

    /// <summary>
    /// Drifted traffic: only the malignant cases (as if a referral clinic now sent only its suspicious masses), shuffled
    /// without end. Most features, and the predictions, move far from the reference.
    /// </summary>
    /// <param name="seed">The shuffle's seed.</param>
    /// <returns>An endless sequence of cases.</returns>
    public IEnumerable<SampleCase> Drifted(int seed) => Shuffled([.. Cases.Where(c => c.Diagnosis == "malignant")], seed);

    private static IEnumerable<SampleCase> Shuffled(IReadOnlyList<SampleCase> cases, int seed)
    {
        var random = new Random(seed);
        var order = cases.ToArray();
        while (true)
        {
            random.Shuffle(order);
            foreach (var c in order)
            {
                yield return c;
            }
        }
    }
}
