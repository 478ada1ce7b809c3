// Writes the JSON objects fed to relation-set and state-set on stdin.
using System.Globalization;
using System.Text;

namespace MlObs.Ops.HookTools;

/// <summary>
/// Serialises a string map as a JSON object that Juju's YAML parser also reads back exactly.
/// Juju parses <c>--file -</c> as YAML, and go-yaml rejects the surrogate-pair escapes
/// (<c>\uD83D\uDE00</c>) that standard JSON encoders emit for characters outside the BMP, so
/// non-ASCII text is written as raw UTF-8 and only characters YAML cannot carry raw are escaped.
/// </summary>
internal static class StdinJson
{
    /// <summary>Writes <paramref name="values"/> as one JSON object, keys in ordinal order.</summary>
    public static string Object(IReadOnlyDictionary<string, string> values)
    {
        var builder = new StringBuilder();
        builder.Append('{');
        var first = true;
        foreach (var key in values.Keys.Order(StringComparer.Ordinal))
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            AppendString(builder, key);
            builder.Append(": ");
            AppendString(builder, values[key]);
        }

        builder.Append('}');
        return builder.ToString();
    }

    private static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
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
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        builder.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // A lone surrogate has no UTF-8 form; write what an encoder would substitute.
                        builder.Append('\uFFFD');
                    }
                    else if (NeedsEscape(c))
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

    /// <summary>Characters outside YAML's printable set, plus the ones YAML 1.1 treats as line breaks or a BOM.</summary>
    private static bool NeedsEscape(char c) =>
        c < ' ' || (c >= '\u007F' && c <= '\u009F') || c is '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF';
}
