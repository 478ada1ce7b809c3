// RuleTiming: shortens the `for` of every alerting rule of a rule file by a factor, so that a demo or a test sees an
// alert that waits 10 minutes in production fire after 10 seconds. Expressions are left alone.
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlObs.Cos.PrometheusScrape;

namespace MlObs.Cli.Demo;

/// <summary>Rewrites the <c>for</c> durations of Prometheus alerting rules.</summary>
internal static partial class RuleTiming
{
    /// <summary>Divides every rule's <c>for</c> by <paramref name="factor"/> (at least 1 s).</summary>
    /// <param name="file">The rule file, as prometheus-k8s would write it.</param>
    /// <param name="factor">The factor, ≥ 1.</param>
    /// <returns>The same file with shorter <c>for</c> durations.</returns>
    /// <exception cref="FormatException">A <c>for</c> is not a Prometheus duration.</exception>
    public static RuleFile Compress(RuleFile file, int factor)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        var rules = (JsonObject)file.Rules.DeepClone();
        foreach (var rule in (rules["groups"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(g => (g["rules"] as JsonArray ?? []).OfType<JsonObject>()))
        {
            if (rule["for"] is JsonValue value && value.TryGetValue<string>(out var text))
            {
                var shorter = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, ParseDuration(text).Ticks / factor));
                rule["for"] = FormatDuration(shorter);
            }
        }

        return file with { Rules = rules, Yaml = ScrapeConfigBuilder.DumpYaml(rules) };
    }

    /// <summary>Parses a Prometheus duration such as <c>10m</c>, <c>1h30m</c> or <c>500ms</c>.</summary>
    /// <param name="text">The duration.</param>
    /// <returns>Its length.</returns>
    /// <exception cref="FormatException">It is not one.</exception>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            throw new FormatException($"'{text}' is not a Prometheus duration (e.g. 30s, 10m, 1h30m)");
        }

        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var digits = part.Value.TakeWhile(char.IsAsciiDigit).Count();
            var number = long.Parse(part.Value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
            total += part.Value[digits..] switch
            {
                "y" => TimeSpan.FromDays(365 * number),
                "w" => TimeSpan.FromDays(7 * number),
                "d" => TimeSpan.FromDays(number),
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                _ => TimeSpan.FromMilliseconds(number),
            };
        }

        return total;
    }

    /// <summary>Writes a duration the way Prometheus does, e.g. <c>1m30s</c>.</summary>
    /// <param name="duration">The duration (whole milliseconds).</param>
    /// <returns>The text.</returns>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new System.Text.StringBuilder();
        void Part(long value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }

        Part((long)duration.TotalDays / 7, "w");
        Part((long)duration.TotalDays % 7, "d");
        Part(duration.Hours, "h");
        Part(duration.Minutes, "m");
        Part(duration.Seconds, "s");
        Part(duration.Milliseconds, "ms");
        return text.ToString();
    }

    [GeneratedRegex("^(?<part>[0-9]+(?:ms|y|w|d|h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
