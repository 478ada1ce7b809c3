// YamlScalars: how a plain YAML scalar reads as null, boolean, integer or float. ops reads
// metadata with PyYAML, which follows YAML 1.1 (yes/no/on/off booleans, 0755 octal, 1_000), so
// we resolve the same way to give charms the same values.
using System.Globalization;
using System.Numerics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Metadata;

internal static class YamlScalars
{
    private const string StrTag = "tag:yaml.org,2002:str";
    private const string NullTag = "tag:yaml.org,2002:null";

    /// <summary>Plain and untagged (or tagged with a type other than str): open to type resolution.</summary>
    public static bool IsPlain(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
        && (scalar.Tag.IsEmpty || scalar.Tag.Value != StrTag);

    /// <summary>Whether the node is YAML null: an empty value, <c>~</c> or <c>null</c>.</summary>
    public static bool IsNull(YamlNode? node) =>
        node is YamlScalarNode scalar
        && ((scalar.Tag.IsEmpty is false && scalar.Tag.Value == NullTag)
            || (IsPlain(scalar) && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"));

    /// <summary>The YAML 1.1 booleans in any letter case, for fields and options typed boolean.</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.ToUpperInvariant())
        {
            case "TRUE" or "YES" or "ON":
                value = true;
                return true;
            case "FALSE" or "NO" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>The booleans PyYAML resolves in untyped values: only the three usual spellings of each.</summary>
    public static bool TryResolveBoolean(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                value = true;
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// YAML 1.1 integers: decimal, <c>0b</c> binary, <c>0x</c> hexadecimal, leading-zero octal,
    /// optional sign, <c>_</c> between digits.
    /// </summary>
    public static bool TryParseInteger(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        var s = text.AsSpan();
        if (!TryReadIntegerPrefix(ref s, out var negative, out var radix))
        {
            return false;
        }

        var digits = 0;
        foreach (var c in s)
        {
            if (c == '_')
            {
                continue;
            }

            var digit = DigitValue(c);
            if (digit >= radix)
            {
                return false;
            }

            value = (value * radix) + digit;
            digits++;
        }

        if (digits == 0)
        {
            return false;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>
    /// A YAML 1.1 integer that fits a <see cref="long"/>: what <see cref="TryParseInteger"/> reads,
    /// when it is in range. Read without <see cref="BigInteger"/>, whose first use in a process costs
    /// a dispatch its cold code for every int option and relation limit.
    /// </summary>
    public static bool TryParseInt64(string text, out long value)
    {
        value = 0;
        var s = text.AsSpan();
        if (!TryReadIntegerPrefix(ref s, out var negative, out var radix))
        {
            return false;
        }

        ulong magnitude = 0;
        var digits = 0;
        foreach (var c in s)
        {
            if (c == '_')
            {
                continue;
            }

            var digit = DigitValue(c);
            if (digit >= radix || magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                // Not an integer, or one too large for a long whatever follows.
                return false;
            }

            magnitude = (magnitude * (ulong)radix) + (ulong)digit;
            digits++;
        }

        if (digits == 0 || magnitude > (negative ? 1UL << 63 : long.MaxValue))
        {
            return false;
        }

        value = negative ? unchecked(-(long)magnitude) : (long)magnitude;
        return true;
    }

    // The sign and the radix; leaves s at the digits.
    private static bool TryReadIntegerPrefix(ref ReadOnlySpan<char> s, out bool negative, out int radix)
    {
        negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.StartsWith("0b", StringComparison.Ordinal))
        {
            radix = 2;
            s = s[2..];
        }
        else if (s.StartsWith("0x", StringComparison.Ordinal))
        {
            radix = 16;
            s = s[2..];
        }
        else if (s.Length > 1 && s[0] == '0')
        {
            radix = 8;
            s = s[1..];
        }
        else if (s.Length > 0 && char.IsAsciiDigit(s[0]))
        {
            radix = 10;
        }
        else
        {
            radix = 0;
            return false;
        }

        return true;
    }

    // A digit's value in any radix up to 16; int.MaxValue for anything else.
    private static int DigitValue(char c) =>
        char.IsAsciiDigit(c) ? c - '0'
        : c is >= 'a' and <= 'f' ? c - 'a' + 10
        : c is >= 'A' and <= 'F' ? c - 'A' + 10
        : int.MaxValue;

    /// <summary>
    /// YAML 1.1 floats as PyYAML resolves them: a decimal point is required and an exponent needs
    /// its sign; <c>.inf</c> and <c>.nan</c> read as the non-finite doubles.
    /// </summary>
    public static bool TryResolveFloat(string text, out double value)
    {
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }

        if (IsFloatSyntax(text))
        {
            return double.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="text"/> is a float as PyYAML's resolver writes it, the language of
    /// <c>^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+][0-9]+)?$</c> in .NET (whose <c>$</c> also
    /// matches before a final newline). Matched by hand: a regex's first use builds its matcher and
    /// the regex machinery, a cost every dispatch paid for one float config default.
    /// </summary>
    internal static bool IsFloatSyntax(ReadOnlySpan<char> text)
    {
        if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        var i = 0;
        if (i < text.Length && text[i] is '-' or '+')
        {
            i++;
        }

        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            // [0-9][0-9_]*\.[0-9_]*
            i = SkipDigitsOrUnderscores(text, i + 1);
            if (i == text.Length || text[i] != '.')
            {
                return false;
            }

            i = SkipDigitsOrUnderscores(text, i + 1);
        }
        else if (i < text.Length && text[i] == '.')
        {
            // \.[0-9_]+
            var start = i + 1;
            i = SkipDigitsOrUnderscores(text, start);
            if (i == start)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            // [eE][-+][0-9]+
            if (i + 1 == text.Length || text[i + 1] is not ('-' or '+'))
            {
                return false;
            }

            var start = i + 2;
            i = start;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int SkipDigitsOrUnderscores(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        return i;
    }
}
