using System.Globalization;
using System.Text;

namespace MlObs.Drift.Reports;

/// <summary>
/// Terminal cell widths, enough to align a table of column names: a user-perceived character (grapheme cluster) takes the width
/// of its first code point; East Asian wide and fullwidth characters and most emoji take two cells, combining and format
/// characters none, everything else one.
/// </summary>
internal static class TextWidth
{
    /// <summary>The number of terminal cells <paramref name="text"/> takes.</summary>
    public static int Of(string text)
    {
        int width = 0;
        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
            width += OfElement(elements.GetTextElement());
        return width;
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="width"/> cells, ending in "…" when it was cut; never splits a
    /// grapheme cluster.
    /// </summary>
    public static string Truncate(string text, int width)
    {
        if (Of(text) <= width)
            return text;
        if (width <= 0)
            return string.Empty;
        var result = new StringBuilder();
        int used = 0;
        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            string element = elements.GetTextElement();
            int w = OfElement(element);
            if (used + w > width - 1)
                break;
            result.Append(element);
            used += w;
        }
        return result.Append('…').ToString();
    }

    /// <summary>
    /// Control characters replaced so that a name or message cannot move the cursor or break a line: tab, CR and LF become
    /// spaces, other C0/C1 controls (ESC included) become U+FFFD.
    /// </summary>
    public static string Sanitize(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsControl(c))
                result.Append(c);
            else
                result.Append(c is '\t' or '\n' or '\r' ? ' ' : '\uFFFD');
        }
        return result.ToString();
    }

    private static int OfElement(string element)
    {
        if (Rune.DecodeFromUtf16(element, out Rune rune, out _) != System.Buffers.OperationStatus.Done)
            return 1;
        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.Control)
        {
            return 0;
        }
        return IsWide(rune.Value) ? 2 : 1;
    }

    private static bool IsWide(int c) =>
        c is (>= 0x1100 and <= 0x115F)
            or (>= 0x231A and <= 0x231B)
            or (>= 0x2E80 and <= 0x303E)
            or (>= 0x3041 and <= 0x33FF)
            or (>= 0x3400 and <= 0x4DBF)
            or (>= 0x4E00 and <= 0x9FFF)
            or (>= 0xA000 and <= 0xA4CF)
            or (>= 0xAC00 and <= 0xD7A3)
            or (>= 0xF900 and <= 0xFAFF)
            or (>= 0xFE30 and <= 0xFE4F)
            or (>= 0xFF00 and <= 0xFF60)
            or (>= 0xFFE0 and <= 0xFFE6)
            or (>= 0x1F300 and <= 0x1F64F)
            or (>= 0x1F900 and <= 0x1F9FF)
            or (>= 0x20000 and <= 0x2FFFD)
            or (>= 0x30000 and <= 0x3FFFD);
}
