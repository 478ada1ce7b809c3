// Structural equality of drift reports: records compare their lists by reference, so this walks them, and doubles are compared
// bit for bit (NaN equals NaN, 0 differs from -0).
using MlObs.Drift.Reports;

namespace MlObs.Drift.Tests.Reports;

internal static class ReportAssert
{
    public static void Equal(DriftReport expected, DriftReport actual)
    {
        Assert.Equal(expected.Preset, actual.Preset);
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.ReferenceRows, actual.ReferenceRows);
        Assert.Equal(expected.CurrentRows, actual.CurrentRows);
        Assert.Equal(expected.Dataset with { MissingColumns = [], NewColumns = [], DriftShare = 0, DriftShareThreshold = 0 },
            actual.Dataset with { MissingColumns = [], NewColumns = [], DriftShare = 0, DriftShareThreshold = 0 });
        Bits(expected.Dataset.DriftShare, actual.Dataset.DriftShare, "drift_share");
        Bits(expected.Dataset.DriftShareThreshold, actual.Dataset.DriftShareThreshold, "drift_share_threshold");
        Assert.Equal(expected.Dataset.MissingColumns, actual.Dataset.MissingColumns);
        Assert.Equal(expected.Dataset.NewColumns, actual.Dataset.NewColumns);
        Assert.Equal(expected.Columns.Count, actual.Columns.Count);
        for (int i = 0; i < expected.Columns.Count; i++)
            Equal(expected.Columns[i], actual.Columns[i]);
    }

    public static void Equal(ColumnDrift e, ColumnDrift a)
    {
        string at = $"column '{e.Column}'";
        Assert.Equal(e.Column, a.Column);
        Assert.Equal(e.Kind, a.Kind);
        Assert.Equal(e.Method, a.Method);
        Bits(e.Statistic, a.Statistic, at + " statistic");
        Bits(e.PValue, a.PValue, at + " p_value");
        Bits(e.Threshold, a.Threshold, at + " threshold");
        Assert.Equal(e.Drift, a.Drift);
        Assert.Equal(e.NReference, a.NReference);
        Assert.Equal(e.NCurrent, a.NCurrent);
        Bits(e.MissingReference, a.MissingReference, at + " missing_reference");
        Bits(e.MissingCurrent, a.MissingCurrent, at + " missing_current");
        Assert.Equal(e.Status, a.Status);
        Assert.Equal(e.Message, a.Message);
        Assert.Equal(e.DriftRule, a.DriftRule);
        Assert.Equal(e.ThresholdSource, a.ThresholdSource);
        Bits(e.PValueRaw, a.PValueRaw, at + " p_value_raw");
        Bits(e.ErrorBound, a.ErrorBound, at + " error_bound");
        Assert.Equal(e.InvalidCurrent, a.InvalidCurrent);
        Assert.Equal(e.ConstantReference, a.ConstantReference);
        Assert.Equal(e.ConstantCurrent, a.ConstantCurrent);

        Assert.Equal(e.Unseen is null, a.Unseen is null);
        if (e.Unseen is not null)
        {
            Bits(e.Unseen.Share, a.Unseen!.Share, at + " unseen.share");
            Assert.Equal(e.Unseen.Distinct, a.Unseen.Distinct);
            Assert.Equal(e.Unseen.Top, a.Unseen.Top);
        }

        Assert.Equal(e.Histogram is null, a.Histogram is null);
        if (e.Histogram is not null)
        {
            Assert.Equal(e.Histogram.Labels, a.Histogram!.Labels);
            Assert.Equal(e.Histogram.Edges is null, a.Histogram.Edges is null);
            if (e.Histogram.Edges is not null)
                Bits(e.Histogram.Edges, a.Histogram.Edges!, at + " edges");
            Bits(e.Histogram.Reference, a.Histogram.Reference, at + " histogram.reference");
            Bits(e.Histogram.Current, a.Histogram.Current, at + " histogram.current");
        }
    }

    private static void Bits(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Bits(expected[i], actual[i], $"{what}[{i}]");
    }

    private static void Bits(double? expected, double? actual, string what)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{what}: expected {Show(expected)}, got {Show(actual)}");
        if (expected is { } e && actual is { } a)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(a) || (double.IsNaN(e) && double.IsNaN(a)),
                $"{what}: expected {Show(e)}, got {Show(a)}");
        }
    }

    private static string Show(double? value) =>
        value is { } v ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "null";
}
