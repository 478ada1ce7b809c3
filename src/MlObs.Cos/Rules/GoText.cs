// GoText: the few Go standard-library and Prometheus text conventions the PromQL/LogQL printers rely on
// (strconv.Quote/Unquote, FormatFloat 'f' and 'g' with shortest precision, Prometheus model.Duration,
// time.Duration.String, go-humanize bytes). Written from the documented behaviour, not ported.
using System.Globalization;
using System.Text;

namespace MlObs.Cos.Rules;

internal static class GoText
{
    private const long NsPerMs = 1_000_000;

    /// <summary>Go's <c>strconv.Quote</c>: double quotes, Go escapes, printable Unicode kept.</summary>
    public static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2);
        AppendQuoted(b, s);
        return b.ToString();
    }

    public static void AppendQuoted(StringBuilder b, string s)
    {
        b.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '"':
                    b.Append("\\\"");
                    continue;
                case '\\':
                    b.Append("\\\\");
                    continue;
            }

            if (IsPrint(rune))
            {
                b.Append(rune.ToString());
                continue;
            }

            switch (v)
            {
                case '\a': b.Append("\\a"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                case '\v': b.Append("\\v"); break;
                default:
                    if (v < ' ' || v == 0x7f)
                    {
                        b.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (v < 0x10000)
                    {
                        b.Append("\\u").Append(v.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append("\\U").Append(v.ToString("x8", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        b.Append('"');
    }

    private static bool IsPrint(Rune r)
    {
        if (r.Value < 0x80)
        {
            return r.Value >= 0x20 && r.Value < 0x7f;
        }

        if (r.Value == 0xFFFD)
        {
            return true;
        }

        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    /// <summary>Unquotes a "…", '…' or `…` token as Prometheus' strutil.Unquote does; null and an error when invalid.</summary>
    public static string? Unquote(string token, out string? error)
    {
        error = null;
        if (token.Length < 2 || token[0] != token[^1] || (token[0] != '"' && token[0] != '\'' && token[0] != '`'))
        {
            error = "invalid syntax";
            return null;
        }

        var quote = token[0];
        var body = token.AsSpan(1, token.Length - 2);
        if (quote == '`')
        {
            if (body.Contains('`'))
            {
                error = "invalid syntax";
                return null;
            }

            return body.ToString();
        }

        if (body.IndexOfAny('\\', '\n', quote) < 0)
        {
            return body.ToString();
        }

        var bytes = new List<byte>(body.Length);
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (c == quote || c == '\n')
            {
                error = "invalid syntax";
                return null;
            }

            if (c != '\\')
            {
                if (!Rune.TryGetRuneAt(body.ToString(), i, out var rn))
                {
                    rn = Rune.ReplacementChar;
                }

                var n = rn.EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                i += rn.Utf16SequenceLength;
                continue;
            }

            i++;
            if (i >= body.Length)
            {
                error = "escape sequence not terminated";
                return null;
            }

            var e = body[i++];
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '\'' or '"':
                    if (e != quote)
                    {
                        error = $"unknown escape sequence \\{e}";
                        return null;
                    }

                    bytes.Add((byte)e);
                    break;
                case >= '0' and <= '7':
                    {
                        if (i + 2 > body.Length || !IsOctal(body[i]) || !IsOctal(body[i + 1]))
                        {
                            error = "invalid octal escape sequence";
                            return null;
                        }

                        var v = ((e - '0') * 64) + ((body[i] - '0') * 8) + (body[i + 1] - '0');
                        if (v > 255)
                        {
                            error = "octal escape sequence out of range";
                            return null;
                        }

                        bytes.Add((byte)v);
                        i += 2;
                        break;
                    }

                case 'x' or 'u' or 'U':
                    {
                        var len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (i + len > body.Length || !uint.TryParse(body.Slice(i, len), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
                        {
                            error = $"invalid \\{e} escape sequence";
                            return null;
                        }

                        i += len;
                        if (e == 'x')
                        {
                            bytes.Add((byte)v);
                            break;
                        }

                        if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
                        {
                            error = "escape sequence is an invalid Unicode code point";
                            return null;
                        }

                        var n = new Rune((int)v).EncodeToUtf8(utf8);
                        for (var k = 0; k < n; k++)
                        {
                            bytes.Add(utf8[k]);
                        }

                        break;
                    }

                default:
                    error = $"unknown escape sequence \\{e}";
                    return null;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(char c) => c >= '0' && c <= '7';

    /// <summary>The shortest round-trip decimal digits of a finite non-negative value, and the decimal point position.</summary>
    private static (string Digits, int Dp) ShortestDigits(double abs)
    {
        var r = abs.ToString("R", CultureInfo.InvariantCulture);
        var exp = 0;
        var ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exp = int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ePos];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? r[..dot] : r;
        var frac = dot >= 0 ? r[(dot + 1)..] : string.Empty;
        var digits = intPart + frac;
        var dp = intPart.Length + exp;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        dp -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return ("0", 1);
        }

        return (digits, dp);
    }

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>.</summary>
    public static string FormatFloatF(double v)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }

        var neg = v < 0 || (v == 0 && double.IsNegative(v));
        var (digits, dp) = ShortestDigits(Math.Abs(v));
        var b = new StringBuilder();
        if (neg)
        {
            b.Append('-');
        }

        if (digits == "0")
        {
            return b.Append('0').ToString();
        }

        if (dp <= 0)
        {
            b.Append("0.").Append('0', -dp).Append(digits);
        }
        else if (dp >= digits.Length)
        {
            b.Append(digits).Append('0', dp - digits.Length);
        }
        else
        {
            b.Append(digits, 0, dp).Append('.').Append(digits, dp, digits.Length - dp);
        }

        return b.ToString();
    }

    /// <summary>Go's <c>fmt.Sprint(float64)</c>, i.e. <c>strconv.FormatFloat(v, 'g', -1, 64)</c>.</summary>
    public static string FormatFloatG(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            return FormatFloatF(v);
        }

        var (digits, dp) = ShortestDigits(Math.Abs(v));
        var exp = dp - 1;
        if (digits == "0" || (exp >= -4 && exp < 6))
        {
            return FormatFloatF(v);
        }

        var b = new StringBuilder();
        if (v < 0)
        {
            b.Append('-');
        }

        b.Append(digits[0]);
        if (digits.Length > 1)
        {
            b.Append('.').Append(digits, 1, digits.Length - 1);
        }

        b.Append('e').Append(exp < 0 ? '-' : '+');
        var e = Math.Abs(exp);
        if (e < 10)
        {
            b.Append('0');
        }

        return b.Append(e.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>Prometheus' <c>model.Duration.String()</c> of a non-negative duration in nanoseconds.</summary>
    public static string FormatPromDuration(long ns)
    {
        var ms = ns / NsPerMs;
        if (ms <= 0)
        {
            return "0s";
        }

        var b = new StringBuilder();
        void Unit(string unit, long mult, bool exact)
        {
            if (exact && ms % mult != 0)
            {
                return;
            }

            var v = ms / mult;
            if (v > 0)
            {
                b.Append(v.ToString(CultureInfo.InvariantCulture)).Append(unit);
                ms -= v * mult;
            }
        }

        Unit("y", 1000L * 60 * 60 * 24 * 365, true);
        Unit("w", 1000L * 60 * 60 * 24 * 7, true);
        Unit("d", 1000L * 60 * 60 * 24, false);
        Unit("h", 1000L * 60 * 60, false);
        Unit("m", 1000L * 60, false);
        Unit("s", 1000L, false);
        Unit("ms", 1, false);
        return b.ToString();
    }

    /// <summary>A signed duration as Prometheus prints offsets: <c>5m</c> or <c>-5m</c>.</summary>
    public static string FormatSignedPromDuration(long ns) => ns < 0 ? "-" + FormatPromDuration(-ns) : FormatPromDuration(ns);

    private static readonly (string Unit, int Pos, long Mult)[] PromUnits =
    [
        ("y", 1, 365L * 24 * 3600 * 1_000_000_000),
        ("w", 2, 7L * 24 * 3600 * 1_000_000_000),
        ("d", 3, 24L * 3600 * 1_000_000_000),
        ("h", 4, 3600L * 1_000_000_000),
        ("m", 5, 60L * 1_000_000_000),
        ("s", 6, 1_000_000_000L),
        ("ms", 7, 1_000_000L),
    ];

    /// <summary>Prometheus' <c>model.ParseDuration</c> (units y w d h m s ms, biggest first); nanoseconds or an error.</summary>
    public static long? ParsePromDuration(string s, out string? error)
    {
        error = null;
        if (s == "0")
        {
            return 0;
        }

        if (s.Length == 0)
        {
            error = "empty duration string";
            return null;
        }

        ulong total = 0;
        var lastPos = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || !ulong.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                error = $"not a valid duration string: {Quote(s)}";
                return null;
            }

            var ustart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var unit = s[ustart..i];
            if (unit.Length == 0)
            {
                error = $"not a valid duration string: {Quote(s)}";
                return null;
            }

            var idx = Array.FindIndex(PromUnits, u => u.Unit == unit);
            if (idx < 0)
            {
                error = $"unknown unit {Quote(unit)} in duration {Quote(s)}";
                return null;
            }

            var (_, pos, mult) = PromUnits[idx];
            if (pos <= lastPos)
            {
                error = $"not a valid duration string: {Quote(s)}";
                return null;
            }

            lastPos = pos;
            if (v > (ulong)long.MaxValue / (ulong)mult)
            {
                error = "duration out of range";
                return null;
            }

            total += v * (ulong)mult;
            if (total > long.MaxValue)
            {
                error = "duration out of range";
                return null;
            }
        }

        return (long)total;
    }

    /// <summary>Go's <c>time.ParseDuration</c> (units ns us µs ms s m h, decimals, sign); nanoseconds or null.</summary>
    public static long? ParseGoDuration(string s)
    {
        var i = 0;
        var neg = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            neg = s[i] == '-';
            i++;
        }

        if (s.AsSpan(i).SequenceEqual("0"))
        {
            return 0;
        }

        if (i >= s.Length)
        {
            return null;
        }

        decimal total = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
            {
                return null;
            }

            var ustart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            decimal mult = s[ustart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (mult < 0)
            {
                return null;
            }

            total += v * mult;
            if (total > long.MaxValue)
            {
                return null;
            }
        }

        var ns = (long)decimal.Truncate(total);
        return neg ? -ns : ns;
    }

    /// <summary>Go's <c>time.Duration.String()</c>: <c>1h2m3.5s</c>, <c>5m0s</c>, <c>1.5ms</c>.</summary>
    public static string FormatGoDuration(long ns)
    {
        if (ns == 0)
        {
            return "0s";
        }

        var neg = ns < 0;
        var u = neg ? (ulong)(-(ns + 1)) + 1 : (ulong)ns;
        var b = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            string unit;
            int prec;
            if (u < 1_000UL)
            {
                return (neg ? "-" : string.Empty) + u.ToString(CultureInfo.InvariantCulture) + "ns";
            }
            else if (u < 1_000_000UL)
            {
                unit = "µs";
                prec = 3;
            }
            else
            {
                unit = "ms";
                prec = 6;
            }

            b.Append(FracString(u, prec)).Append(unit);
        }
        else
        {
            var secs = FracString(u, 9, out var whole);
            var s = whole % 60;
            var minutes = whole / 60;
            var rest = s.ToString(CultureInfo.InvariantCulture) + secs + "s";
            if (minutes > 0)
            {
                var m = minutes % 60;
                var hours = minutes / 60;
                rest = m.ToString(CultureInfo.InvariantCulture) + "m" + rest;
                if (hours > 0)
                {
                    rest = hours.ToString(CultureInfo.InvariantCulture) + "h" + rest;
                }
            }

            b.Append(rest);
        }

        return (neg ? "-" : string.Empty) + b;
    }

    private static string FracString(ulong v, int prec)
    {
        var frac = FracString(v, prec, out var whole);
        return whole.ToString(CultureInfo.InvariantCulture) + frac;
    }

    private static string FracString(ulong v, int prec, out ulong whole)
    {
        var div = 1UL;
        for (var k = 0; k < prec; k++)
        {
            div *= 10;
        }

        whole = v / div;
        var frac = (v % div).ToString(CultureInfo.InvariantCulture).PadLeft(prec, '0').TrimEnd('0');
        return frac.Length == 0 ? string.Empty : "." + frac;
    }

    /// <summary>go-humanize's <c>Bytes</c> (SI units) without spaces: <c>1.0kB</c>, <c>20MB</c>, <c>5B</c>.</summary>
    public static string FormatBytes(ulong s)
    {
        if (s < 10)
        {
            return s.ToString(CultureInfo.InvariantCulture) + "B";
        }

        string[] sizes = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        var e = Math.Floor(Math.Log(s) / Math.Log(1000));
        var val = Math.Floor((s / Math.Pow(1000, e) * 10) + 0.5) / 10;
        var f = val < 10 ? val.ToString("F1", CultureInfo.InvariantCulture) : val.ToString("F0", CultureInfo.InvariantCulture);
        return f + sizes[(int)e];
    }

    /// <summary>go-humanize's <c>ParseBytes</c>: <c>1KB</c> is 1000, <c>1KiB</c> 1024; null when invalid.</summary>
    public static ulong? ParseBytes(string s)
    {
        var last = 0;
        while (last < s.Length && (char.IsDigit(s[last]) || s[last] == '.' || s[last] == ','))
        {
            last++;
        }

        if (!double.TryParse(s[..last].Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var f))
        {
            return null;
        }

        ulong mult = s[last..].Trim().ToLowerInvariant() switch
        {
            "b" or "" => 1,
            "kib" or "ki" => 1UL << 10,
            "kb" or "k" => 1_000,
            "mib" or "mi" => 1UL << 20,
            "mb" or "m" => 1_000_000,
            "gib" or "gi" => 1UL << 30,
            "gb" or "g" => 1_000_000_000,
            "tib" or "ti" => 1UL << 40,
            "tb" or "t" => 1_000_000_000_000,
            "pib" or "pi" => 1UL << 50,
            "pb" or "p" => 1_000_000_000_000_000,
            "eib" or "ei" => 1UL << 60,
            "eb" or "e" => 1_000_000_000_000_000_000,
            _ => 0,
        };
        if (mult == 0)
        {
            return null;
        }

        f *= mult;
        return f >= ulong.MaxValue ? null : (ulong)f;
    }

    /// <summary>Parses a number token as Go's <c>strconv.ParseInt(s, 0, 64)</c> then <c>ParseFloat</c> would.</summary>
    public static double? ParseGoNumber(string s)
    {
        var t = s.Replace("_", string.Empty, StringComparison.Ordinal);
        if (t.Length > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
        {
            return ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) ? h : null;
        }

        if (t.Length > 1 && t[0] == '0' && t.All(c => c >= '0' && c <= '7'))
        {
            ulong o = 0;
            foreach (var c in t)
            {
                o = (o * 8) + (ulong)(c - '0');
            }

            return o;
        }

        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                return double.PositiveInfinity;
            case "-inf" or "-infinity":
                return double.NegativeInfinity;
            case "nan":
                return double.NaN;
        }

        return double.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>A Grafana template variable starts here: <c>$name</c> or <c>${…}</c>; returns its length or 0.</summary>
    public static int VariableLength(string s, int i)
    {
        if (i >= s.Length || s[i] != '$' || i + 1 >= s.Length)
        {
            return 0;
        }

        if (s[i + 1] == '{')
        {
            var close = s.IndexOf('}', i + 2);
            return close > i + 2 ? close - i + 1 : 0;
        }

        var j = i + 1;
        while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_'))
        {
            j++;
        }

        return j > i + 1 ? j - i : 0;
    }

    /// <summary>A Prometheus "legacy" metric name: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsLegacyMetricName(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!(char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A Prometheus "legacy" label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsLegacyLabelName(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!(char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Line and column (1-based, columns in characters) of an offset, as Prometheus reports positions.</summary>
    public static (int Line, int Col) Position(string input, int pos)
    {
        pos = Math.Clamp(pos, 0, input.Length);
        var line = 1;
        var lastBreak = -1;
        for (var i = 0; i < pos; i++)
        {
            if (input[i] == '\n')
            {
                line++;
                lastBreak = i;
            }
        }

        return (line, pos - lastBreak);
    }
}
