// GoDuration: Go's time.ParseDuration and Duration.String, which Pebble uses for every duration
// in layers and the API, plus the "30.000s" form ops sends.
using System.Globalization;
using System.Text;

namespace MlObs.Ops.Pebble;

/// <summary>
/// Durations as Pebble reads and writes them. Pebble parses durations with Go's
/// <c>time.ParseDuration</c> (<c>"500ms"</c>, <c>"1h30m"</c>, <c>"2.5s"</c>) and prints them with Go's
/// <c>Duration.String</c> (<c>"1h0m0s"</c>); ops sends whole seconds with millisecond precision (<c>"30.000s"</c>).
/// </summary>
public static class GoDuration
{
    private const long Nanosecond = 1;
    private const long Microsecond = 1000 * Nanosecond;
    private const long Millisecond = 1000 * Microsecond;
    private const long Second = 1000 * Millisecond;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;

    /// <summary>Parses a Go duration such as <c>"500ms"</c> or <c>"1h2m3.5s"</c>.</summary>
    /// <param name="text">The duration text.</param>
    /// <param name="value">The duration, truncated to 100 ns ticks.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid Go duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        if (TryParseNanoseconds(text, out var nanoseconds))
        {
            value = TimeSpan.FromTicks(nanoseconds / 100);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Parses a Go duration such as <c>"500ms"</c> or <c>"1h2m3.5s"</c>.</summary>
    /// <param name="text">The duration text.</param>
    /// <returns>The duration, truncated to 100 ns ticks.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not a Go duration.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"invalid duration \"{text}\"");

    /// <summary>Whether Pebble accepts <paramref name="text"/> as a duration.</summary>
    /// <param name="text">The duration text.</param>
    /// <returns><see langword="true"/> for a valid Go duration.</returns>
    public static bool IsValid(string? text) => TryParseNanoseconds(text, out _);

    /// <summary>Formats <paramref name="value"/> as Go's <c>Duration.String</c> does (<c>"1h0m0s"</c>, <c>"1.5s"</c>, <c>"500ms"</c>, <c>"0s"</c>).</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The Go form.</returns>
    public static string Format(TimeSpan value) => FormatNanoseconds(value.Ticks * 100);

    /// <summary>Formats <paramref name="value"/> as ops sends durations to Pebble: seconds with three decimals (<c>"30.000s"</c>).</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The seconds form.</returns>
    public static string FormatSeconds(TimeSpan value) =>
        value.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) + "s";

    /// <summary>Go's <c>ParseDuration</c>: <c>[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+</c>, or <c>"0"</c>, into nanoseconds.</summary>
    internal static bool TryParseNanoseconds(string? text, out long nanoseconds)
    {
        nanoseconds = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var i = 0;
        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i++;
        }

        if (text.AsSpan(i) is "0")
        {
            return true;
        }

        if (i == text.Length)
        {
            return false;
        }

        decimal total = 0;
        try
        {
            while (i < text.Length)
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                var integerDigits = i - start;
                var fractionDigits = 0;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    var fractionStart = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }

                    fractionDigits = i - fractionStart;
                }

                if (integerDigits == 0 && fractionDigits == 0)
                {
                    return false;
                }

                var number = decimal.Parse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

                var unitStart = i;
                while (i < text.Length && text[i] != '.' && !char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                var unit = Unit(text.AsSpan(unitStart, i - unitStart));
                if (unit == 0)
                {
                    return false;
                }

                total += number * unit;
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        // Go truncates fractions of a nanosecond and allows exactly -2^63.
        total = decimal.Truncate(total);
        if (negative)
        {
            total = -total;
        }

        if (total > long.MaxValue || total < long.MinValue)
        {
            return false;
        }

        nanoseconds = (long)total;
        return true;
    }

    /// <summary>Go's <c>Duration.String</c> for a number of nanoseconds.</summary>
    internal static string FormatNanoseconds(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var builder = new StringBuilder();
        if (u < Second)
        {
            var (unit, digits) = u switch
            {
                < Microsecond => ("ns", 0),
                < Millisecond => ("\u00b5s", 3),
                _ => ("ms", 6),
            };
            AppendWithFraction(builder, u, digits);
            builder.Append(unit);
        }
        else
        {
            var wholeSeconds = u / Second;
            var hours = wholeSeconds / 3600;
            var minutes = wholeSeconds / 60 % 60;
            if (hours > 0)
            {
                builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            }

            if (hours > 0 || minutes > 0)
            {
                builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            }

            AppendWithFraction(builder, (wholeSeconds % 60 * Second) + (u % Second), 9);
            builder.Append('s');
        }

        return negative ? "-" + builder : builder.ToString();
    }

    // Writes value / 10^digits with the fraction's trailing zeros (and a bare '.') removed.
    private static void AppendWithFraction(StringBuilder builder, ulong value, int digits)
    {
        ulong scale = 1;
        for (var d = 0; d < digits; d++)
        {
            scale *= 10;
        }

        builder.Append((value / scale).ToString(CultureInfo.InvariantCulture));
        var fraction = value % scale;
        if (fraction != 0)
        {
            var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
            builder.Append('.').Append(text);
        }
    }

    private static long Unit(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => Nanosecond,
        "us" or "\u00b5s" or "\u03bcs" => Microsecond,
        "ms" => Millisecond,
        "s" => Second,
        "m" => Minute,
        "h" => Hour,
        _ => 0,
    };
}
