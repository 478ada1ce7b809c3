// YamlFile: loads the documents of a YAML file with YamlDotNet's representation model and turns
// syntax errors into located findings, plus the small readers the bundle and catalog parsers share.
using System.Diagnostics.CodeAnalysis;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Bundles.Yaml;

internal static class YamlFile
{
    /// <summary>Parses every document of <paramref name="text"/>; a syntax error becomes <paramref name="error"/>.</summary>
    public static IReadOnlyList<YamlDocument> Load(string text, string file, out BundleProblem? error)
    {
        error = null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
            return stream.Documents.ToList();
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).ReplaceLineEndings(" ").Trim();
            error = new BundleProblem(ProblemSeverity.Error, "yaml-syntax", new SourceLocation(file, (int)e.Start.Line, (int)e.Start.Column), $"not valid YAML: {message}");
            return [];
        }
    }

    public static SourceLocation At(this YamlNode node, string file) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>A null value: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    public static bool IsNull(YamlNode? node) =>
        node is null
        || (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
            && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"));

    /// <summary>A plain or quoted scalar that is not null, as text.</summary>
    public static bool TryString(YamlNode node, [NotNullWhen(true)] out string? value)
    {
        value = node is YamlScalarNode scalar && !IsNull(node) ? scalar.Value : null;
        return value is not null;
    }

    /// <summary>A plain decimal integer (go-yaml does not read quoted numbers into int fields).</summary>
    public static bool TryInt(YamlNode node, out long value)
    {
        value = 0;
        return node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text }
            && long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A plain YAML 1.1 boolean, as go-yaml v2 (Juju's reader) accepts it.</summary>
    public static bool TryBool(YamlNode node, out bool value)
    {
        value = false;
        if (node is not YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text })
        {
            return false;
        }

        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "y":
                value = true;
                return true;
            case "false" or "no" or "off" or "n":
                return true;
            default:
                return false;
        }
    }

    public static string Describe(YamlNode node) => node switch
    {
        _ when IsNull(node) => "null",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "an alias",
    };

    /// <summary>The keys of a mapping with their values; non-scalar keys are reported through <paramref name="badKey"/>.</summary>
    public static IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, Action<YamlNode>? badKey = null)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && !IsNull(key))
            {
                yield return (name, key, value);
            }
            else
            {
                badKey?.Invoke(key);
            }
        }
    }
}
