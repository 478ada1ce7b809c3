// Yaml: rule and promtool test files read with YamlDotNet's representation model, and the alerting rules in them.
using YamlDotNet.RepresentationModel;

namespace CharmRules.Testing;

/// <summary>Small readers over YamlDotNet's representation model.</summary>
public static class Yaml
{
    /// <summary>Every alerting rule of the rule files: file, name, and the rule's mapping.</summary>
    public static IReadOnlyList<(string File, string Alert, YamlMappingNode Rule)> Alerts(IEnumerable<string> ruleFiles) =>
        [.. from file in ruleFiles
            from g in Sequence(Load(file), "groups")
            from r in Sequence((YamlMappingNode)g, "rules")
            let rule = (YamlMappingNode)r
            where Scalar(rule, "alert") is not null
            select (file, Scalar(rule, "alert")!, rule)];

    /// <summary>The first document of a YAML file, which must be a mapping.</summary>
    public static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    public static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    public static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode s ? s.Children : [];
}
