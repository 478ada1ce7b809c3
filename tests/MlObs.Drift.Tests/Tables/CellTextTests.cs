using System.Globalization;
using System.Text;
using CsCheck;
using MlObs.Drift.Tables;

namespace MlObs.Drift.Tests.Tables;

/// <summary>The cell parsers: the fast number path against double.Parse, the label cache.</summary>
public sealed class CellTextTests
{
    private static readonly Gen<string> PlainDecimal =
        Gen.Select(Gen.Int[0, 2].Select(i => i switch { 0 => "", 1 => "-", _ => "+" }), Gen.Char["0123456789"].Array[1, 12], Gen.Char["0123456789"].Array[0, 12], Gen.Bool)
            .Select(t => t.Item1 + new string(t.Item2) + (t.Item4 ? "." + new string(t.Item3) : ""));

    [Fact]
    public void FastNumberPath_AgreesWithDoubleParse() =>
        PlainDecimal.Sample(text =>
        {
            byte[] utf8 = Encoding.ASCII.GetBytes(text);
            Assert.True(CellText.TryParseNumber(utf8, out double value));
            double expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
        }, iter: 20_000);

    [Fact]
    public void Doubles_RoundTripThroughTheirShortestText() =>
        Gen.Double.Where(double.IsFinite).Sample(d =>
        {
            string text = d.ToString("R", CultureInfo.InvariantCulture);
            Assert.True(CellText.TryParseNumber(Encoding.ASCII.GetBytes(text), out double value));
            Assert.Equal(d, value);
        }, iter: 20_000);

    [Theory]
    [InlineData("1e3", 1000)]
    [InlineData("1.5E-3", 0.0015)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("12345678901234567890123", 12345678901234567890123d)]
    [InlineData("0.1234567890123456789012345", 0.1234567890123456789012345)]
    public void GeneralNumbers_GoTheSlowWay(string text, double expected)
    {
        Assert.True(CellText.TryParseNumber(Encoding.ASCII.GetBytes(text), out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1,000")]
    [InlineData("0x10")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("12abc")]
    public void NonNumbers_AreRejected(string text) =>
        Assert.False(CellText.TryParseNumber(Encoding.ASCII.GetBytes(text), out _));

    [Theory]
    [InlineData(3.0, "3")]
    [InlineData(-1.0, "-1")]
    [InlineData(-0.0, "0")]
    [InlineData(1e20, "1E+20")]
    [InlineData(2.5, "2.5")]
    public void NumberLabels_AreCanonical(double value, string label) => Assert.Equal(label, CellText.NumberLabel(value));

    [Fact]
    public void LabelCache_WithMoreLabelsThanFrontSlots_ReturnsTheRightSharedLabel()
    {
        var cache = new LabelCache();
        var first = new Dictionary<int, string>();
        for (int i = 0; i < 20_000; i++)
        {
            int k = (i * 7919) % 500;
            string text = "label-" + k.ToString(CultureInfo.InvariantCulture);
            string label = cache.Get(Encoding.UTF8.GetBytes(text));
            Assert.Equal(text, label);
            if (first.TryGetValue(k, out string? seen))
                Assert.Same(seen, label);
            else
                first[k] = label;
        }
    }

    [Fact]
    public void LabelCache_TurnsItselfOffForIdLikeColumns_AndStaysCorrect()
    {
        var cache = new LabelCache();
        for (int i = 0; i < LabelCache.Capacity * 3; i++)
        {
            string text = "id-" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(text, cache.Get(Encoding.UTF8.GetBytes(text)));
        }
        Assert.Equal("7", cache.Get("7.0"u8));
        Assert.Equal("héllo", cache.Get(Encoding.UTF8.GetBytes("héllo")));
        string longText = new('x', 1000);
        Assert.Equal(longText, cache.Get(Encoding.UTF8.GetBytes(longText)));
    }
}
