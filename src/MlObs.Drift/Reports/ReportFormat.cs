using System.Globalization;

namespace MlObs.Drift.Reports;

/// <summary>How the table and HTML renderers show numbers and the dataset verdict (the JSON keeps full precision).</summary>
internal static class ReportFormat
{
    /// <summary>What an absent value shows as.</summary>
    public const string None = "—";

    /// <summary>
    /// A compact number: 4 significant digits, trailing zeros dropped; scientific below 1e-5 and from 1e4 up, with a short exponent
    /// ("1.2e-45", "3.457e6"); "∞", "-∞", "NaN" for the non-finite values, <see cref="None"/> for null.
    /// </summary>
    public static string Number(double? value)
    {
        if (value is not { } v)
            return None;
        if (double.IsNaN(v))
            return "NaN";
        if (double.IsInfinity(v))
            return v > 0 ? "∞" : "-∞";
        if (v == 0)
            return "0";

        string text = v.ToString("G4", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            if (Math.Abs(v) < 1e4)
                return text;
            // G4 writes 1234.5 as "1235" but a rounded 9999.7 as "1E+04"; from 1e4 up use the exponent form throughout.
            text = v.ToString("0.###E+0", CultureInfo.InvariantCulture);
            e = text.IndexOf('E', StringComparison.Ordinal);
        }
        string mantissa = text[..e];
        int exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}");
    }

    /// <summary>A share (0..1) as a percentage with at most 3 significant digits: "0%", "1.5%", "60%", "&lt;0.01%", "100%".</summary>
    public static string Percent(double share)
    {
        if (!double.IsFinite(share))
            return Number(share);
        double p = share * 100;
        if (p == 0)
            return "0%";
        if (Math.Abs(p) < 0.01)
            return p > 0 ? "<0.01%" : ">-0.01%";
        double rounded = Math.Abs(p) >= 100 ? Math.Round(p) : RoundSignificant(p, 3);
        return rounded.ToString("0.####", CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>A count with thousands separators: "12,345".</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"YES" or "NO".</summary>
    public static string YesNo(bool value) => value ? "YES" : "NO";

    /// <summary>
    /// The dataset verdict after "Dataset drift: ": "YES — 3 of 5 columns drifted (60%, threshold 50%)", or "NO — no column got a
    /// verdict (threshold 50%)".
    /// </summary>
    public static string Verdict(DatasetDrift dataset)
    {
        string threshold = Percent(dataset.DriftShareThreshold);
        if (dataset.Columns == 0)
            return $"{YesNo(dataset.Drift)} — no column got a verdict (threshold {threshold})";
        return $"{YesNo(dataset.Drift)} — {Count(dataset.DriftedColumns)} of {Columns(dataset.Columns)} drifted " +
            $"({Percent(dataset.DriftShare)}, threshold {threshold})";
    }

    /// <summary>"1 column" or "3 columns".</summary>
    public static string Columns(int count) => count == 1 ? "1 column" : Count(count) + " columns";

    private static double RoundSignificant(double value, int digits)
    {
        int magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value))) + 1;
        int decimals = Math.Clamp(digits - magnitude, 0, 15);
        return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
    }
}
