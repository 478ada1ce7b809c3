// GoJson: JSON exactly as Go's json.Marshal writes it, which is what `--format=json` prints
// (spec §3.1): map keys sorted, no spaces, <, > and & escaped as \u003c, \u003e, \u0026.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlObs.Ops.Testing.Emulator;

internal static class GoJson
{
    /// <summary><c>json.Marshal(value)</c> followed by the newline juju/cmd adds.</summary>
    public static string Line(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.Append('\n').ToString();
    }

    /// <summary><c>json.Marshal(value)</c>.</summary>
    public static string Marshal(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value)
    {
        if (GoValues.IsNull(value))
        {
            builder.Append("null");
            return;
        }

        switch (value)
        {
            case string s:
                WriteString(builder, s);
                return;
            case bool b:
                builder.Append(b ? "true" : "false");
                return;
            case int or long:
                builder.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                return;
            case double d:
                builder.Append(FormatFloat(d));
                return;
            case JsonElement { ValueKind: JsonValueKind.String } e:
                WriteString(builder, e.GetString()!);
                return;
            case JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False } e:
                builder.Append(e.GetBoolean() ? "true" : "false");
                return;
            case JsonElement { ValueKind: JsonValueKind.Number } e:
                builder.Append(e.TryGetInt64(out var whole) ? whole.ToString(CultureInfo.InvariantCulture) : FormatFloat(e.GetDouble()));
                return;
        }

        if (GoValues.Entries(value) is { } entries)
        {
            builder.Append('{');
            for (var i = 0; i < entries.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                WriteString(builder, entries[i].Key);
                builder.Append(':');
                Write(builder, entries[i].Value);
            }

            builder.Append('}');
            return;
        }

        if (GoValues.Items(value) is { } items)
        {
            builder.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                Write(builder, items[i]);
            }

            builder.Append(']');
            return;
        }

        throw new InvalidOperationException($"cannot format a {value!.GetType().Name} as JSON");
    }

    // Go's float64 encoding: the shortest representation, exponent form outside [1e-6, 1e21).
    private static string FormatFloat(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
            // Go writes e-07 and e+21: at least two exponent digits, always signed.
            var e = text.IndexOf('e', StringComparison.Ordinal);
            var mantissa = text[..e];
            var exponent = text[(e + 1)..];
            var sign = exponent.StartsWith('-') ? "-" : "+";
            var digits = exponent.TrimStart('+', '-');
            return $"{mantissa}e{sign}{digits.PadLeft(2, '0')}";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    // Go's HTML-safe escaping, lower-case hex.
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
