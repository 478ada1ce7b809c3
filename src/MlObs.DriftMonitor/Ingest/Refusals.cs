using System.Text;

namespace MlObs.DriftMonitor.Ingest;

/// <summary>Builds the <see cref="PayloadException"/>s of the decoders, and the excerpts of input they quote.</summary>
internal static class Refusals
{
    /// <summary>The most characters of a value quoted in a message.</summary>
    private const int ExcerptLength = 60;

    /// <summary>The most names listed in a message.</summary>
    private const int ListedNames = 8;

    public static PayloadException Malformed(string message) => new(RejectionReasons.Malformed, message);

    public static PayloadException WrongShape(string message) => new(RejectionReasons.WrongShape, message);

    public static PayloadException WrongType(string message) => new(RejectionReasons.WrongType, message);

    public static PayloadException InvalidEvent(string message) => new(RejectionReasons.InvalidEvent, message);

    /// <summary>The JSON text of a value as it is in the input, shortened to about 60 characters.</summary>
    public static string Excerpt(ReadOnlySpan<byte> json)
    {
        string text = Encoding.UTF8.GetString(json.Length > ExcerptLength * 4 ? json[..(ExcerptLength * 4)] : json);
        return text.Length <= ExcerptLength ? text : string.Concat(text.AsSpan(0, ExcerptLength), "…");
    }

    /// <summary>Names for a message: "a, b, c", the first eight then "…" when there are more.</summary>
    public static string NameList(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
            return "none";
        var text = new StringBuilder();
        for (int i = 0; i < names.Count && i < ListedNames; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(names[i]);
        }
        if (names.Count > ListedNames)
            text.Append(", …");
        return text.ToString();
    }
}
