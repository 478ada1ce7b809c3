using System.Globalization;
using System.Text;

namespace MlObs.Drift.Tables;

/// <summary>
/// The text rules of a cell (README, "Column kinds"): trimming, missing tokens, numbers, booleans, ISO 8601 instants and the
/// canonical label of an integer. Every parser works on UTF-8 bytes without allocating.
/// </summary>
internal static class CellText
{
    /// <summary>The Unix epoch as a <see cref="DateOnly.DayNumber"/>.</summary>
    private const int EpochDayNumber = 719_162;

    private static readonly double[] Pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    /// <summary>The powers of ten that a double holds exactly.</summary>
    private static readonly double[] ExactPow10 =
    [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>The label of a true value.</summary>
    public const string True = "true";

    /// <summary>The label of a false value.</summary>
    public const string False = "false";

    /// <summary>Removes ASCII white space (space, tab, CR, LF, VT, FF) from both ends.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsSpace(text[start]))
            start++;
        while (end > start && IsSpace(text[end - 1]))
            end--;
        return text[start..end];
    }

    /// <summary>Removes ASCII white space from both ends (the char twin of <see cref="Trim(ReadOnlySpan{byte})"/>).</summary>
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && text[start] < 128 && IsSpace((byte)text[start]))
            start++;
        while (end > start && text[end - 1] < 128 && IsSpace((byte)text[end - 1]))
            end--;
        return text[start..end];
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0x0B or 0x0C;

    /// <summary>
    /// Whether trimmed text is a missing value: empty, or (ignoring ASCII case) <c>NA</c>, <c>N/A</c>, <c>NaN</c>,
    /// <c>null</c>, <c>None</c>.
    /// </summary>
    public static bool IsMissing(ReadOnlySpan<byte> trimmed)
    {
        if (trimmed.IsEmpty)
            return true;
        if (trimmed.Length > 4 || (trimmed[0] | 0x20) != 'n')
            return false;
        return Ascii.EqualsIgnoreCase(trimmed, "na"u8)
            || Ascii.EqualsIgnoreCase(trimmed, "n/a"u8)
            || Ascii.EqualsIgnoreCase(trimmed, "nan"u8)
            || Ascii.EqualsIgnoreCase(trimmed, "null"u8)
            || Ascii.EqualsIgnoreCase(trimmed, "none"u8);
    }

    /// <summary>
    /// Parses trimmed text as a number: <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out double)"/>
    /// with <see cref="NumberStyles.Float"/> in the invariant culture, or (ignoring case, with an optional sign) <c>inf</c>,
    /// <c>infinity</c> as ±∞.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> trimmed, out double value)
    {
        if (TryParseSimple(trimmed, out value))
            return true;
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return true;
        ReadOnlySpan<byte> body = trimmed;
        double sign = 1;
        if (!body.IsEmpty && (body[0] == '+' || body[0] == '-'))
        {
            sign = body[0] == '-' ? -1 : 1;
            body = body[1..];
        }
        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        value = double.NaN;
        return false;
    }

    /// <summary>
    /// The fast path of <see cref="TryParseNumber"/> (Clinger's): a plain decimal <c>[±]digits[.digits]</c> of at most 19
    /// digits whose mantissa is at most 2⁵³ and whose scale is at most 10²² is m / 10ᵏ with one correctly rounded division,
    /// the same double as <see cref="double.Parse(string)"/>. Anything else returns false and goes the general way.
    /// </summary>
    internal static bool TryParseSimple(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (s.Length == 0)
            return false;
        if (s[0] == '-' || s[0] == '+')
        {
            negative = s[0] == '-';
            i = 1;
        }
        ulong mantissa = 0;
        int digits = 0;
        int scale = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9)
                break;
            mantissa = mantissa * 10 + d;
            digits++;
        }
        if (i < s.Length && s[i] == '.')
        {
            for (i++; i < s.Length; i++)
            {
                uint d = (uint)(s[i] - '0');
                if (d > 9)
                    break;
                mantissa = mantissa * 10 + d;
                digits++;
                scale++;
            }
        }
        if (i != s.Length || digits == 0 || digits > 19 || mantissa > (1UL << 53) || scale > 22)
            return false;
        value = scale == 0 ? mantissa : mantissa / ExactPow10[scale];
        if (negative)
            value = -value;
        return true;
    }

    /// <summary>Parses trimmed text as <c>true</c> or <c>false</c>, ignoring ASCII case.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<byte> trimmed, out bool value)
    {
        if (Ascii.EqualsIgnoreCase(trimmed, "true"u8))
        {
            value = true;
            return true;
        }
        value = false;
        return Ascii.EqualsIgnoreCase(trimmed, "false"u8);
    }

    /// <summary>Whether a number is finite and has no fractional part.</summary>
    public static bool IsInteger(double value) => double.IsFinite(value) && Math.Floor(value) == value;

    /// <summary>The canonical invariant text of an integer-valued number: "3" for 3.0, "-1", "0" for -0.</summary>
    public static string IntegerLabel(double value)
    {
        if (Math.Abs(value) < 9.2e18)
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The label of a number in a categorical column: the integer label, else the shortest round-trip text.</summary>
    public static string NumberLabel(double value)
    {
        if (IsInteger(value))
            return IntegerLabel(value);
        if (double.IsPositiveInfinity(value))
            return "inf";
        if (double.IsNegativeInfinity(value))
            return "-inf";
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The label of an instant (epoch seconds) in a categorical column: ISO 8601 in UTC.</summary>
    public static string InstantLabel(double epochSeconds)
    {
        DateTime instant = DateTime.UnixEpoch.AddTicks((long)Math.Round(epochSeconds * TimeSpan.TicksPerSecond));
        return instant.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parses trimmed text as an ISO 8601 date (<c>yyyy-MM-dd</c>) or date-time
    /// (<c>yyyy-MM-ddTHH:mm:ss[.f…][Z|±hh:mm|±hhmm]</c>, 1 to 9 fraction digits, a space allowed instead of <c>T</c>) and
    /// returns seconds since the Unix epoch; a value without an offset is UTC.
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> s, out double epochSeconds)
    {
        epochSeconds = double.NaN;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-')
            return false;
        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        long seconds = (new DateOnly(year, month, day).DayNumber - (long)EpochDayNumber) * 86_400;
        if (s.Length == 10)
        {
            epochSeconds = seconds;
            return true;
        }
        // Time of day: [T ]HH:mm:ss
        if (s.Length < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
            return false;
        if (!Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second))
            return false;
        if (hour > 23 || minute > 59 || second > 59)
            return false;
        seconds += hour * 3600 + minute * 60 + second;
        int i = 19;
        double fraction = 0;
        if (i < s.Length && s[i] == '.')
        {
            int start = ++i;
            long digits = 0;
            while (i < s.Length && (uint)(s[i] - '0') <= 9 && i - start < 9)
                digits = digits * 10 + (s[i++] - '0');
            int count = i - start;
            if (count == 0 || (i < s.Length && (uint)(s[i] - '0') <= 9))
                return false;
            fraction = digits / Pow10[count];
        }
        if (i < s.Length)
        {
            byte mark = s[i];
            if (mark is (byte)'Z' or (byte)'z')
            {
                i++;
            }
            else if (mark is (byte)'+' or (byte)'-')
            {
                ReadOnlySpan<byte> offset = s[(i + 1)..];
                int oh, om;
                if (offset.Length == 5 && offset[2] == ':' && Digits(offset, 0, 2, out oh) && Digits(offset, 3, 2, out om))
                {
                }
                else if (offset.Length == 4 && Digits(offset, 0, 2, out oh) && Digits(offset, 2, 2, out om))
                {
                }
                else
                {
                    return false;
                }
                if (oh > 23 || om > 59)
                    return false;
                int offsetSeconds = oh * 3600 + om * 60;
                seconds -= mark == '+' ? offsetSeconds : -offsetSeconds;
                i = s.Length;
            }
            if (i != s.Length)
                return false;
        }
        epochSeconds = seconds + fraction;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9)
                return false;
            value = value * 10 + (int)d;
        }
        return true;
    }
}
