// YamlScalarsTests: the hand-written float matcher accepts exactly the language of the regex it
// replaced, and the long reader agrees with the BigInteger one, on every short string over the
// characters that matter and on seeded random longer ones.
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Tests.Metadata;

public sealed partial class YamlScalarsTests
{
    // The pattern YamlScalars matched floats with before the hand-written matcher, kept here as the reference.
    [GeneratedRegex(@"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+][0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [Fact]
    public void IsFloatSyntax_EveryShortString_MatchesTheRegex()
    {
        // Each character class of the pattern, a character outside them all, and the final newline `$` allows.
        var mismatches = new List<string>();
        var accepted = 0;
        var count = 0;
        foreach (var text in AllStrings("09_.eE+-\nx", maxLength: 6))
        {
            count++;
            var expected = FloatPattern().IsMatch(text);
            accepted += expected ? 1 : 0;
            if (YamlScalars.IsFloatSyntax(text) != expected)
            {
                mismatches.Add(Escape(text));
            }
        }

        Assert.Equal(1_111_111, count);
        Assert.InRange(accepted, 1000, count / 2);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void IsFloatSyntax_RandomLongerStrings_MatchesTheRegex()
    {
        var random = new Random(20261128);
        var parts = new[] { "0", "7", "9", "_", ".", "e", "E", "+", "-", "\n", "12", "1.5", ".5", "e+3", "E-07", " ", "a", "é", "٣", "\r" };
        var mismatches = new List<string>();
        var accepted = 0;
        for (var run = 0; run < 100_000; run++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, 12);
            for (var i = 0; i < length; i++)
            {
                text.Append(parts[random.Next(parts.Length)]);
            }

            var candidate = text.ToString();
            var expected = FloatPattern().IsMatch(candidate);
            accepted += expected ? 1 : 0;
            if (YamlScalars.IsFloatSyntax(candidate) != expected)
            {
                mismatches.Add(Escape(candidate));
            }
        }

        Assert.InRange(accepted, 100, 50_000);
        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("1.5", true, 1.5)]
    [InlineData("-1_000.25", true, -1000.25)]
    [InlineData(".5e+3", true, 500.0)]
    [InlineData("1.5\n", true, 1.5)]
    [InlineData("1e3", false, 0.0)]
    [InlineData("1.5e3", false, 0.0)]
    [InlineData("._", false, 0.0)]
    [InlineData("1.5\n\n", false, 0.0)]
    public void TryResolveFloat_Text_ReadsAsPyYamlDoes(string text, bool resolves, double expected)
    {
        Assert.Equal(resolves, YamlScalars.TryResolveFloat(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryParseInt64_EveryShortString_AgreesWithTryParseInteger()
    {
        var mismatches = new List<string>();
        var accepted = 0;
        foreach (var text in AllStrings("0178afxb_-", maxLength: 5))
        {
            accepted += CompareInt64(text, mismatches) ? 1 : 0;
        }

        Assert.InRange(accepted, 1000, 100_000);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void TryParseInt64_NearTheLimits_AgreesWithTryParseInteger()
    {
        var mismatches = new List<string>();
        var limits = new BigInteger[] { long.MaxValue, long.MinValue, ulong.MaxValue, BigInteger.Pow(2, 64) * 16, BigInteger.Pow(10, 25) };
        foreach (var limit in limits)
        {
            for (var delta = -2; delta <= 2; delta++)
            {
                var value = limit + delta;
                var magnitude = BigInteger.Abs(value);
                var sign = value.Sign < 0 ? "-" : string.Empty;
                foreach (var digits in new[] { magnitude.ToString(), "0x" + Hex(magnitude), "0b" + Radix(magnitude, 2), "0" + Radix(magnitude, 8) })
                {
                    CompareInt64(sign + digits, mismatches);
                    CompareInt64(sign + digits + "_", mismatches);
                    CompareInt64(sign + digits + "g", mismatches);
                    CompareInt64((value.Sign < 0 ? "+" : "-") + digits, mismatches);
                }
            }
        }

        Assert.Empty(mismatches);
        Assert.True(YamlScalars.TryParseInt64("-0x8000_0000_0000_0000", out var min));
        Assert.Equal(long.MinValue, min);
        Assert.False(YamlScalars.TryParseInt64("0x8000_0000_0000_0000", out _));
    }

    // Whether TryParseInteger reads the text; a disagreement on success or value is recorded.
    private static bool CompareInt64(string text, List<string> mismatches)
    {
        var big = YamlScalars.TryParseInteger(text, out var value);
        var expected = big && value >= long.MinValue && value <= long.MaxValue;
        var actual = YamlScalars.TryParseInt64(text, out var small);
        if (actual != expected || (expected && small != (long)value))
        {
            mismatches.Add($"{text}: {actual} {small}, expected {expected} {(expected ? (long)value : 0)}");
        }

        return big;
    }

    private static IEnumerable<string> AllStrings(string alphabet, int maxLength)
    {
        IEnumerable<string> current = [string.Empty];
        yield return string.Empty;
        for (var length = 1; length <= maxLength; length++)
        {
            current = current.SelectMany(prefix => alphabet.Select(c => prefix + c)).ToList();
            foreach (var text in current)
            {
                yield return text;
            }
        }
    }

    private static string Hex(BigInteger magnitude) => magnitude.ToString("x").TrimStart('0') is { Length: > 0 } hex ? hex : "0";

    private static string Radix(BigInteger magnitude, int radix)
    {
        if (magnitude.IsZero)
        {
            return "0";
        }

        var digits = new StringBuilder();
        while (!magnitude.IsZero)
        {
            digits.Insert(0, (char)('0' + (int)(magnitude % radix)));
            magnitude /= radix;
        }

        return digits.ToString();
    }

    private static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
