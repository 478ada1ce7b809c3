using System.Globalization;
using System.Text;
using System.Text.Json;
using MlObs.Drift.Data;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>
/// The one rule that turns a JSON value into a value of its column's kind, for every JSON decoder:
/// <list type="bullet">
/// <item>numerical: a number; a string that parses as a number (invariant culture); true/false as 1/0; null is missing (NaN);</item>
/// <item>datetime: a number of seconds since the Unix epoch; an ISO 8601 string (UTC when it has no offset); null is missing;</item>
/// <item>categorical: a string as is; a number as its exact JSON text; true/false as "true"/"false"; null is missing;</item>
/// <item>boolean: true/false, the strings "true"/"false" in any case, the numbers 0/1; null is missing;</item>
/// <item>a column the reference lacks (a new column): the text of any value (arrays and objects as their JSON).</item>
/// </list>
/// Anything else does not convert: the caller refuses it as <see cref="RejectionReasons.WrongType"/>. Every method leaves the
/// reader on the last token of the value.
/// </summary>
internal static class ValueTyping
{
    private const string True = "true";
    private const string False = "false";

    /// <summary>A numerical value; false when the value does not convert.</summary>
    public static bool TryNumber(ref Utf8JsonReader reader, ref byte[] scratch, out double value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                value = NumberOf(ref reader);
                return true;
            case JsonTokenType.String:
                return double.TryParse(Unescaped(ref reader, ref scratch), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            case JsonTokenType.True:
                value = 1;
                return true;
            case JsonTokenType.False:
                value = 0;
                return true;
            case JsonTokenType.Null:
                value = double.NaN;
                return true;
            default:
                value = double.NaN;
                return false;
        }
    }

    /// <summary>A datetime value in seconds since the Unix epoch; false when the value does not convert.</summary>
    public static bool TryDatetime(ref Utf8JsonReader reader, ref byte[] scratch, ref char[] chars, out double value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                value = NumberOf(ref reader);
                return true;
            case JsonTokenType.Null:
                value = double.NaN;
                return true;
            case JsonTokenType.String:
                ReadOnlySpan<byte> text = Unescaped(ref reader, ref scratch);
                value = double.NaN;
                if (!LooksLikeIsoDate(text))
                    return false;
                ReadOnlySpan<char> characters = Characters(text, ref chars);
                if (!DateTimeOffset.TryParse(characters, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset instant))
                    return false;
                value = (instant.UtcTicks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
                return true;
            default:
                value = double.NaN;
                return false;
        }
    }

    /// <summary>A boolean label ("true", "false" or null for missing); false when the value does not convert.</summary>
    public static bool TryBoolean(ref Utf8JsonReader reader, ref byte[] scratch, out string? label)
    {
        label = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                label = True;
                return true;
            case JsonTokenType.False:
                label = False;
                return true;
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number:
                double number = NumberOf(ref reader);
                label = number == 1 ? True : number == 0 ? False : null;
                return label is not null;
            case JsonTokenType.String:
                ReadOnlySpan<byte> text = Unescaped(ref reader, ref scratch);
                label = Ascii.EqualsIgnoreCase(text, "true"u8) ? True : Ascii.EqualsIgnoreCase(text, "false"u8) ? False : null;
                return label is not null;
            default:
                return false;
        }
    }

    /// <summary>
    /// A categorical label (null for missing) through <paramref name="slot"/>'s label cache; false for arrays and objects.
    /// </summary>
    public static bool TryLabel(ref Utf8JsonReader reader, ColumnSlot slot, ref byte[] scratch, ref char[] chars, out string? label)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                label = slot.Label(Characters(Unescaped(ref reader, ref scratch), ref chars));
                return true;
            case JsonTokenType.Number:
                label = slot.Label(Characters(reader.ValueSpan, ref chars));
                return true;
            case JsonTokenType.True:
                label = True;
                return true;
            case JsonTokenType.False:
                label = False;
                return true;
            case JsonTokenType.Null:
                label = null;
                return true;
            default:
                label = null;
                return false;
        }
    }

    /// <summary>
    /// The text of a value in a column the reference lacks: as <see cref="TryLabel"/>, and arrays and objects as their JSON
    /// text (the reader is moved past them). Never fails.
    /// </summary>
    public static string? Text(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ColumnSlot slot, ref byte[] scratch, ref char[] chars)
    {
        if (TryLabel(ref reader, slot, ref scratch, ref chars, out string? label))
            return label;
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
    }

    /// <summary>The JSON text of the value under the reader (moving past an array or object), shortened for a message.</summary>
    public static string Excerpt(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            reader.Skip();
        return Refusals.Excerpt(json[start..(int)reader.BytesConsumed]);
    }

    /// <summary>The value of a number token; a number beyond the range of a double is ±∞ (missing).</summary>
    private static double NumberOf(ref Utf8JsonReader reader)
    {
        if (reader.TryGetDouble(out double value))
            return value;
        return double.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value) ? value : double.NaN;
    }

    /// <summary>The UTF-8 content of a string token, unescaped (in <paramref name="scratch"/> when it had escapes).</summary>
    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, ref byte[] scratch)
    {
        if (!reader.ValueIsEscaped)
            return reader.ValueSpan;
        if (scratch.Length < reader.ValueSpan.Length)
            scratch = new byte[Math.Max(reader.ValueSpan.Length, scratch.Length * 2)];
        int length = reader.CopyString(scratch);
        return scratch.AsSpan(0, length);
    }

    /// <summary>UTF-8 bytes as characters, in <paramref name="chars"/>.</summary>
    private static ReadOnlySpan<char> Characters(ReadOnlySpan<byte> utf8, ref char[] chars)
    {
        if (chars.Length < utf8.Length)
            chars = new char[Math.Max(utf8.Length, chars.Length * 2)];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        return chars.AsSpan(0, length);
    }

    /// <summary>Whether text starts like an ISO 8601 date (<c>yyyy-MM-dd</c>): culture-specific forms are not accepted.</summary>
    private static bool LooksLikeIsoDate(ReadOnlySpan<byte> text) =>
        text.Length >= 10 && char.IsAsciiDigit((char)text[0]) && char.IsAsciiDigit((char)text[1]) && char.IsAsciiDigit((char)text[2])
        && char.IsAsciiDigit((char)text[3]) && text[4] == '-' && char.IsAsciiDigit((char)text[5]) && char.IsAsciiDigit((char)text[6])
        && text[7] == '-';
}
