// JsonDiff: semantic comparison of two JSON documents (key order ignored), listing each difference by
// its path. The one tolerated difference is documented in src/Juju.Net/README.md: a timestamp that
// System.Text.Json rewrote (nanoseconds rounded to 100 ns, "Z" written as "+00:00") but whose
// instant at 100 ns precision is unchanged.
using System.Text.Json;

namespace Juju.Net.Tests;

internal static class JsonDiff
{
    public static List<string> Compare(JsonElement expected, JsonElement actual)
    {
        var differences = new List<string>();
        Walk("$", expected, actual, differences);
        return differences;
    }

    private static void Walk(string path, JsonElement expected, JsonElement actual, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: {expected.ValueKind} {Short(expected)} became {actual.ValueKind} {Short(actual)}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var actualKeys = actual.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var property in expected.EnumerateObject())
                {
                    if (actual.TryGetProperty(property.Name, out var value))
                    {
                        Walk($"{path}.{property.Name}", property.Value, value, differences);
                        actualKeys.Remove(property.Name);
                    }
                    else
                    {
                        differences.Add($"{path}.{property.Name}: lost ({Short(property.Value)})");
                    }
                }

                differences.AddRange(actualKeys.Select(key => $"{path}.{key}: added ({Short(actual.GetProperty(key))})"));
                break;
            case JsonValueKind.Array:
                var expectedItems = expected.EnumerateArray().ToList();
                var actualItems = actual.EnumerateArray().ToList();
                if (expectedItems.Count != actualItems.Count)
                {
                    differences.Add($"{path}: {expectedItems.Count} items became {actualItems.Count}");
                    return;
                }

                for (var i = 0; i < expectedItems.Count; i++)
                {
                    Walk($"{path}[{i}]", expectedItems[i], actualItems[i], differences);
                }

                break;
            case JsonValueKind.String:
                var e = expected.GetString();
                var a = actual.GetString();
                if (e != a && !SameInstant(expected, actual))
                {
                    differences.Add($"{path}: \"{e}\" became \"{a}\"");
                }

                break;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: {expected.GetRawText()} became {actual.GetRawText()}");
                }

                break;
        }
    }

    private static bool SameInstant(JsonElement expected, JsonElement actual) =>
        expected.TryGetDateTimeOffset(out var e) && actual.TryGetDateTimeOffset(out var a) && e == a && e.Offset == a.Offset;

    private static string Short(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length > 60 ? text[..60] + "…" : text;
    }
}
