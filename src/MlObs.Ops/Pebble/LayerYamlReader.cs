// LayerYamlReader: turns layer or plan YAML into the layer records through YamlDotNet's
// representation model, with errors that carry the line and column of the offending node.
using System.Collections.ObjectModel;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlObs.Ops.Pebble;

/// <summary>
/// Reads the YAML of a layer (<paramref name="strict"/>: unknown keys and entries without <c>override</c>
/// are errors, as Pebble's decoder has <c>KnownFields(true)</c>) or of a plan from the server
/// (lenient: keys a newer Pebble adds are skipped).
/// </summary>
internal sealed class LayerYamlReader(bool strict)
{
    private readonly bool _strict = strict;

    public Layer ReadLayer(string yaml)
    {
        var root = Load(yaml);
        if (root is null)
        {
            return new Layer();
        }

        var map = Mapping(root, "the layer");
        var layer = new Layer();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            layer = key switch
            {
                "summary" => layer with { Summary = Text(value, "summary") },
                "description" => layer with { Description = Text(value, "description") },
                "services" => layer with { Services = Entries(value, "service", ReadService) },
                "checks" => layer with { Checks = Entries(value, "check", ReadCheck) },
                "log-targets" => layer with { LogTargets = Entries(value, "log target", ReadLogTarget) },
                _ => Unknown(layer, keyNode, $"unknown section \"{key}\""),
            };
        }

        return layer;
    }

    private static YamlNode? Load(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new PebbleLayerException($"cannot parse YAML: {ex.Message}", ex.Start.Line, ex.Start.Column, ex);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw At(second, "expected a single YAML document");
        }

        var root = stream.Documents[0].RootNode;
        return IsNull(root) ? null : root;
    }

    private Service ReadService(string name, YamlMappingNode map)
    {
        var service = new Service { Override = default };
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            var what = $"service \"{name}\" field \"{key}\"";
            service = key switch
            {
                "override" => service with { Override = OverrideValue(value, "service", name) },
                "command" => service with { Command = Text(value, what) },
                "summary" => service with { Summary = Text(value, what) },
                "description" => service with { Description = Text(value, what) },
                "startup" => service with { Startup = Startup(value, what) },
                "after" => service with { After = TextList(value, what) },
                "before" => service with { Before = TextList(value, what) },
                "requires" => service with { Requires = TextList(value, what) },
                "environment" => service with { Environment = TextMap(value, what) },
                "user" => service with { User = Text(value, what) },
                "user-id" => service with { UserId = Integer(value, what) },
                "group" => service with { Group = Text(value, what) },
                "group-id" => service with { GroupId = Integer(value, what) },
                "working-dir" => service with { WorkingDir = Text(value, what) },
                "on-success" => service with { OnSuccess = Action(value, what) },
                "on-failure" => service with { OnFailure = Action(value, what) },
                "on-check-failure" => service with { OnCheckFailure = ActionMap(value, what) },
                "backoff-delay" => service with { BackoffDelay = Duration(value, what) },
                "backoff-factor" => service with { BackoffFactor = Float(value, what) },
                "backoff-limit" => service with { BackoffLimit = Duration(value, what) },
                "kill-delay" => service with { KillDelay = Duration(value, what) },
                _ => Unknown(service, keyNode, $"unknown field \"{key}\" in service \"{name}\""),
            };
        }

        RequireOverride(service.Override, map, "service", name);
        return service;
    }

    private Check ReadCheck(string name, YamlMappingNode map)
    {
        var check = new Check { Override = default };
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            var what = $"check \"{name}\" field \"{key}\"";
            check = key switch
            {
                "override" => check with { Override = OverrideValue(value, "check", name) },
                "level" => check with { Level = Level(value, what) },
                "startup" => check with { Startup = Startup(value, what) },
                "period" => check with { Period = Duration(value, what) },
                "timeout" => check with { Timeout = Duration(value, what) },
                "threshold" => check with { Threshold = NonZero(Integer(value, what)) },
                "http" => check with { Http = Probe(value, what, ReadHttp) },
                "tcp" => check with { Tcp = Probe(value, what, ReadTcp) },
                "exec" => check with { Exec = Probe(value, what, ReadExec) },
                _ => Unknown(check, keyNode, $"unknown field \"{key}\" in check \"{name}\""),
            };
        }

        RequireOverride(check.Override, map, "check", name);
        return check;
    }

    private HttpCheck ReadHttp(string what, YamlMappingNode map)
    {
        var http = new HttpCheck();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            http = key switch
            {
                "url" => http with { Url = Text(value, $"{what} url") },
                "headers" => http with { Headers = TextMap(value, $"{what} headers") },
                _ => Unknown(http, keyNode, $"unknown field \"{key}\" in {what}"),
            };
        }

        return http;
    }

    private TcpCheck ReadTcp(string what, YamlMappingNode map)
    {
        var tcp = new TcpCheck();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            tcp = key switch
            {
                "port" => tcp with { Port = NonZero(Integer(value, $"{what} port")) },
                "host" => tcp with { Host = Text(value, $"{what} host") },
                _ => Unknown(tcp, keyNode, $"unknown field \"{key}\" in {what}"),
            };
        }

        return tcp;
    }

    private ExecCheck ReadExec(string what, YamlMappingNode map)
    {
        var exec = new ExecCheck();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            var field = $"{what} {key}";
            exec = key switch
            {
                "command" => exec with { Command = Text(value, field) },
                "service-context" => exec with { ServiceContext = Text(value, field) },
                "environment" => exec with { Environment = TextMap(value, field) },
                "user" => exec with { User = Text(value, field) },
                "user-id" => exec with { UserId = Integer(value, field) },
                "group" => exec with { Group = Text(value, field) },
                "group-id" => exec with { GroupId = Integer(value, field) },
                "working-dir" => exec with { WorkingDir = Text(value, field) },
                _ => Unknown(exec, keyNode, $"unknown field \"{key}\" in {what}"),
            };
        }

        return exec;
    }

    private LogTarget ReadLogTarget(string name, YamlMappingNode map)
    {
        var target = new LogTarget { Override = default };
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode);
            var what = $"log target \"{name}\" field \"{key}\"";
            target = key switch
            {
                "override" => target with { Override = OverrideValue(value, "log target", name) },
                "type" => target with { Type = Text(value, what) },
                "location" => target with { Location = Text(value, what) },
                "services" => target with { Services = TextList(value, what) },
                "labels" => target with { Labels = TextMap(value, what) },
                _ => Unknown(target, keyNode, $"unknown field \"{key}\" in log target \"{name}\""),
            };
        }

        RequireOverride(target.Override, map, "log target", name);
        if (target.Type is { Length: > 0 } type && !LayerRules.LogTargetTypes.Contains(type) && _strict)
        {
            throw At(map, $"log target \"{name}\" has unsupported type \"{type}\", must be \"loki\", \"opentelemetry\" or \"syslog\"");
        }

        return target;
    }

    private T Unknown<T>(T value, YamlNode keyNode, string message) =>
        _strict ? throw At(keyNode, message) : value;

    private void RequireOverride(Override value, YamlMappingNode entry, string what, string name)
    {
        if (_strict && value == 0)
        {
            throw At(entry, $"layer must define \"override\" for {what} \"{name}\"");
        }
    }

    private static ReadOnlyDictionary<string, T> Entries<T>(YamlNode node, string what, Func<string, YamlMappingNode, T> read)
    {
        var entries = new SortedDictionary<string, T>(StringComparer.Ordinal);
        if (IsNull(node))
        {
            return entries.AsReadOnly();
        }

        foreach (var (keyNode, value) in Mapping(node, $"the {what}s section").Children)
        {
            var name = Key(keyNode);
            if (IsNull(value))
            {
                throw At(keyNode, $"{what} object cannot be null for {what} \"{name}\"");
            }

            entries[name] = read(name, Mapping(value, $"{what} \"{name}\""));
        }

        return entries.AsReadOnly();
    }

    private static T? Probe<T>(YamlNode node, string what, Func<string, YamlMappingNode, T> read)
        where T : class =>
        IsNull(node) ? null : read(what, Mapping(node, what));

    private static Override OverrideValue(YamlNode node, string what, string name)
    {
        var text = Text(node, $"{what} \"{name}\" override");
        return text is null
            ? default
            : LayerNames.ParseOverride(text) ?? throw At(node, $"invalid \"override\" value \"{text}\" for {what} \"{name}\", must be \"merge\" or \"replace\"");
    }

    private static StartupMode? Startup(YamlNode node, string what) =>
        Choice(node, what, LayerNames.ParseStartup, "\"enabled\" or \"disabled\"");

    private static CheckLevel? Level(YamlNode node, string what) =>
        Choice(node, what, LayerNames.ParseLevel, "\"alive\" or \"ready\"");

    private static ServiceAction? Action(YamlNode node, string what) =>
        Choice(node, what, LayerNames.ParseAction, "\"restart\", \"shutdown\", \"ignore\", \"failure-shutdown\" or \"success-shutdown\"");

    private static T? Choice<T>(YamlNode node, string what, Func<string, T?> parse, string allowed)
        where T : struct
    {
        var text = Text(node, what);
        return text is null ? null : parse(text) ?? throw At(node, $"{what} must be {allowed}, not \"{text}\"");
    }

    private static ReadOnlyDictionary<string, ServiceAction> ActionMap(YamlNode node, string what)
    {
        var map = new SortedDictionary<string, ServiceAction>(StringComparer.Ordinal);
        if (!IsNull(node))
        {
            foreach (var (keyNode, value) in Mapping(node, what).Children)
            {
                var key = Key(keyNode);
                map[key] = Action(value, $"{what} \"{key}\"") ?? throw At(value, $"{what} \"{key}\" must name an action");
            }
        }

        return map.AsReadOnly();
    }

    private static string? Duration(YamlNode node, string what)
    {
        var text = Text(node, what);
        return text is null || GoDuration.IsValid(text) ? text : throw At(node, $"{what}: invalid duration \"{text}\"");
    }

    private static int? Integer(YamlNode node, string what)
    {
        var text = Text(node, what);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw At(node, $"{what} must be an integer, not \"{text}\"");
    }

    private static int? NonZero(int? value) => value == 0 ? null : value;

    private static double? Float(YamlNode node, string what)
    {
        var text = Text(node, what);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw At(node, $"{what}: invalid floating-point number \"{text}\"");
    }

    // A scalar; YAML null and Go's zero value "" both mean "not set".
    private static string? Text(YamlNode node, string what)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw At(node, $"{what} must be a single value, not {Show(node)}");
        }

        return string.IsNullOrEmpty(scalar.Value) ? null : scalar.Value;
    }

    private static string[] TextList(YamlNode node, string what)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw At(node, $"{what} must be a list, not {Show(node)}");
        }

        return sequence.Children.Select(item => item is YamlScalarNode scalar
            ? (IsNull(item) ? string.Empty : scalar.Value ?? string.Empty)
            : throw At(item, $"{what} items must be strings, not {Show(item)}")).ToArray();
    }

    private static ReadOnlyDictionary<string, string> TextMap(YamlNode node, string what)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!IsNull(node))
        {
            foreach (var (keyNode, value) in Mapping(node, what).Children)
            {
                map[Key(keyNode)] = Text(value, $"{what} \"{Key(keyNode)}\"") ?? string.Empty;
            }
        }

        return map.AsReadOnly();
    }

    private static YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw At(node, $"{what} must be a mapping, not {Show(node)}");

    private static string Key(YamlNode node) =>
        node is YamlScalarNode { Value: { } value } ? value : throw At(node, $"keys must be strings, not {Show(node)}");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Show(YamlNode node) => node switch
    {
        YamlScalarNode scalar => $"\"{scalar.Value}\"",
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "an alias",
    };

    private static PebbleLayerException At(YamlNode node, string message) =>
        new(message, node.Start.Line, node.Start.Column);
}
