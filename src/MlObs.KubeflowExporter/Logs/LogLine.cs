// One log line on its way to Loki, and the parsing of the timestamps the Kubernetes log API prefixes with timestamps=true.
using System.Globalization;

namespace MlObs.KubeflowExporter.Logs;

/// <summary>The stream a line belongs to: the container it came from.</summary>
internal sealed record LogStreamKey(string Namespace, string Pod, string Container);

/// <summary>A line with its time in Unix nanoseconds (Loki's precision).</summary>
internal sealed record LogLine(LogStreamKey Stream, long UnixNanos, string Text);

/// <summary>Splits <c>2026-11-27T22:00:05.123456789Z message</c> into its time and text.</summary>
internal static class KubeTimestamps
{
    /// <summary>Parses the RFC 3339 prefix of a line (nanoseconds kept); false when there is none.</summary>
    public static bool TrySplit(string line, out long unixNanos, out string text)
    {
        unixNanos = 0;
        text = line;
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space < 20)
            return false;
        string stamp = line[..space];
        int dot = stamp.IndexOf('.', StringComparison.Ordinal);
        string whole = dot < 0 ? stamp.TrimEnd('Z') : stamp[..dot];
        long fractionNanos = 0;
        if (dot >= 0)
        {
            string digits = stamp[(dot + 1)..].TrimEnd('Z');
            if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit))
                return false;
            fractionNanos = long.Parse(digits.PadRight(9, '0'), CultureInfo.InvariantCulture);
        }
        if (!DateTime.TryParseExact(whole, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t))
            return false;
        unixNanos = (new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds() * 1_000_000_000L) + fractionNanos;
        text = line[(space + 1)..];
        return true;
    }
}
