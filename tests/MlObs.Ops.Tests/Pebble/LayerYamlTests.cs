// LayerYamlTests: the layer's YAML form — golden layers of ops-contract §4.4 and cos-wire §5.4,
// round trips, quoting, key order, and the errors of a bad layer.
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

public sealed class LayerYamlTests
{
    [Fact]
    public void ToYaml_FullLayer_MatchesTheSpecExample()
    {
        var yaml = LayerFixtures.FullLayer().ToYaml();

        YamlTree.AssertSame(LayerFixtures.FullLayerYaml, yaml);
    }

    [Fact]
    public void ToYaml_LogForwardingLayer_MatchesCosWireExample()
    {
        var yaml = LayerFixtures.LogForwardingLayer().ToYaml();

        YamlTree.AssertSame(LayerFixtures.LogForwardingYaml, yaml);
    }

    [Fact]
    public void FromYaml_FullSpecExample_EqualsTheLayerBuiltInCode()
    {
        var layer = Layer.FromYaml(LayerFixtures.FullLayerYaml);

        Assert.Equal(LayerFixtures.FullLayer(), layer);
    }

    [Fact]
    public void FromYaml_LogForwardingExample_EqualsTheLayerBuiltInCode()
    {
        var layer = Layer.FromYaml(LayerFixtures.LogForwardingYaml);

        Assert.Equal(LayerFixtures.LogForwardingLayer(), layer);
    }

    [Fact]
    public void FromYaml_OwnOutput_RoundTrips()
    {
        var layer = LayerFixtures.FullLayer();

        Assert.Equal(layer, Layer.FromYaml(layer.ToYaml()));
    }

    [Fact]
    public void ToYaml_SameLayerBuiltInAnotherOrder_IsTheSameText()
    {
        var first = new Layer
        {
            Services = new Dictionary<string, Service>
            {
                ["b"] = new() { Override = Override.Merge, Environment = new Dictionary<string, string> { ["Y"] = "1", ["X"] = "2" } },
                ["a"] = new() { Override = Override.Merge, Command = "a" },
            },
        };
        var second = new Layer
        {
            Services = new Dictionary<string, Service>
            {
                ["a"] = new() { Override = Override.Merge, Command = "a" },
                ["b"] = new() { Override = Override.Merge, Environment = new Dictionary<string, string> { ["X"] = "2", ["Y"] = "1" } },
            },
        };

        Assert.Equal(first.ToYaml(), second.ToYaml());
    }

    [Fact]
    public void ToYaml_Service_UsesPebbleFieldOrderAndKebabNames()
    {
        var layer = new Layer
        {
            Services = new Dictionary<string, Service>
            {
                ["svc"] = new()
                {
                    Override = Override.Merge,
                    Command = "run",
                    WorkingDir = "/w",
                    UserId = 7,
                    KillDelay = "5s",
                    OnCheckFailure = new Dictionary<string, ServiceAction> { ["up"] = ServiceAction.SuccessShutdown },
                },
            },
        };

        Assert.Equal(
            """
            services:
              svc:
                override: merge
                command: run
                user-id: 7
                working-dir: /w
                on-check-failure:
                  up: success-shutdown
                kill-delay: 5s

            """,
            layer.ToYaml());
    }

    [Fact]
    public void ToYaml_UnsetFields_AreLeftOut()
    {
        var layer = new Layer { Checks = new Dictionary<string, Check> { ["up"] = new() { Override = Override.Merge } } };

        Assert.Equal("checks:\n  up:\n    override: merge\n", layer.ToYaml());
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("true")]
    [InlineData("no")]
    [InlineData("~")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("0x1F")]
    public void ToYaml_StringThatYamlWouldReadAsAnotherType_IsQuoted(string value)
    {
        var layer = new Layer
        {
            Services = new Dictionary<string, Service>
            {
                ["svc"] = new() { Override = Override.Merge, Environment = new Dictionary<string, string> { ["V"] = value } },
            },
        };

        var yaml = layer.ToYaml();

        Assert.Contains($"V: \"{value}\"", yaml, StringComparison.Ordinal);
        Assert.Equal(value, Layer.FromYaml(yaml).Services["svc"].Environment["V"]);
    }

    [Theory]
    [InlineData("-all")]
    [InlineData("all")]
    [InlineData("500ms")]
    [InlineData("$HOME")]
    public void ToYaml_OrdinaryString_IsPlain(string value) =>
        Assert.False(LayerYamlWriter.NeedsQuotes(value));

    [Fact]
    public void ToYaml_StringWithYamlIndicators_RoundTrips()
    {
        var layer = new Layer
        {
            Services = new Dictionary<string, Service>
            {
                ["svc"] = new() { Override = Override.Replace, Command = "sh -c 'echo a: b # not a comment' [ --x ]" },
            },
        };

        Assert.Equal(layer, Layer.FromYaml(layer.ToYaml()));
    }

    [Fact]
    public void ToYaml_LongAndMultilineStrings_RoundTrip()
    {
        var layer = new Layer
        {
            Description = "first line\nsecond line: with colon\n\n  indented third",
            Services = new Dictionary<string, Service>
            {
                ["123"] = new()
                {
                    Override = Override.Replace,
                    Command = "/bin/app " + string.Join(' ', Enumerable.Range(0, 60).Select(i => $"--flag-{i}=value-{i}")),
                    Environment = new Dictionary<string, string> { ["JSON"] = "{\"a\": [1, 2]}", ["TAB"] = "a\tb", ["TRAILING"] = "x " },
                },
            },
        };

        var yaml = layer.ToYaml();

        Assert.Equal(layer, Layer.FromYaml(yaml));
        Assert.Contains("\"123\":", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ToYaml_EmptyLayer_IsAnEmptyMapping() =>
        Assert.Equal(new Layer(), Layer.FromYaml(new Layer().ToYaml()));

    [Fact]
    public void FromYaml_EmptyDocument_IsEmptyLayer()
    {
        Assert.Equal(new Layer(), Layer.FromYaml(""));
        Assert.Equal(new Layer(), Layer.FromYaml("services:\n"));
    }

    [Fact]
    public void FromYaml_MalformedYaml_ThrowsWithLineAndColumn()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("services:\n  svc: [unclosed\n"));

        Assert.StartsWith("cannot parse YAML", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Line);
        Assert.NotNull(ex.Column);
    }

    [Fact]
    public void FromYaml_UnknownOverride_ThrowsAtTheValue()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("services:\n  svc:\n    override: merg\n    command: x\n"));

        Assert.Equal("invalid \"override\" value \"merg\" for service \"svc\", must be \"merge\" or \"replace\" (line 3, column 15)", ex.Message);
        Assert.Equal(3, ex.Line);
        Assert.Equal(15, ex.Column);
    }

    [Fact]
    public void FromYaml_EntryWithoutOverride_Throws()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("log-targets:\n  loki:\n    type: loki\n"));

        Assert.StartsWith("layer must define \"override\" for log target \"loki\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void FromYaml_UnknownField_Throws()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("services:\n  svc:\n    override: merge\n    comand: x\n"));

        Assert.StartsWith("unknown field \"comand\" in service \"svc\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Line);
        Assert.Equal(5, ex.Column);
    }

    [Fact]
    public void FromYaml_UnknownSection_Throws()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("servces: {}\n"));

        Assert.StartsWith("unknown section \"servces\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromYaml_NullEntry_Throws()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("services:\n  svc:\n"));

        Assert.StartsWith("service object cannot be null for service \"svc\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backoff-delay: 5 seconds", "invalid duration \"5 seconds\"")]
    [InlineData("startup: on", "must be \"enabled\" or \"disabled\", not \"on\"")]
    [InlineData("user-id: root", "must be an integer, not \"root\"")]
    [InlineData("after: db", "must be a list")]
    [InlineData("environment: [A]", "must be a mapping")]
    [InlineData("on-failure: explode", "not \"explode\"")]
    public void FromYaml_BadFieldValue_ThrowsNamingIt(string field, string expected)
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml($"services:\n  svc:\n    override: merge\n    {field}\n"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Line);
    }

    [Theory]
    [InlineData("services:\n  svc:\n    override: merge\n    on-success: success-shutdown\n", "plan service \"svc\" on-success action \"success-shutdown\" invalid")]
    [InlineData("services:\n  svc:\n    override: merge\n    on-failure: failure-shutdown\n", "plan service \"svc\" on-failure action \"failure-shutdown\" invalid")]
    [InlineData("services:\n  svc:\n    override: merge\n    backoff-factor: 0.5\n", "plan service \"svc\" backoff-factor must be 1.0 or greater, not 0.5")]
    [InlineData("services:\n  pebble:\n    override: merge\n", "cannot use reserved service name \"pebble\"")]
    [InlineData("services:\n  -svc:\n    override: merge\n", "cannot use service name \"-svc\": starting with \"-\" not allowed")]
    [InlineData("checks:\n  up:\n    override: merge\n    period: 0s\n", "plan check \"up\" period must not be zero")]
    [InlineData("log-targets:\n  t:\n    override: merge\n    labels: {pebble_service: x}\n", "log target \"t\": label \"pebble_service\" uses reserved prefix \"pebble_\"")]
    public void FromYaml_LayerBreakingPebbleRule_ThrowsPebbleMessage(string yaml, string expected)
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml(yaml));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void FromYaml_UnsupportedLogTargetType_Throws()
    {
        var ex = Assert.Throws<PebbleLayerException>(() => Layer.FromYaml("log-targets:\n  t:\n    override: merge\n    type: splunk\n"));

        Assert.StartsWith("log target \"t\" has unsupported type \"splunk\", must be \"loki\", \"opentelemetry\" or \"syslog\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LayerBuiltWithoutOverride_Throws()
    {
        var layer = new Layer { Services = new Dictionary<string, Service> { ["svc"] = new() { Override = default, Command = "x" } } };

        var ex = Assert.Throws<PebbleLayerException>(layer.Validate);

        Assert.Equal("layer must define \"override\" for service \"svc\"", ex.Message);
    }

    [Fact]
    public void Validate_InvalidDurationBuiltInCode_Throws()
    {
        var layer = new Layer { Services = new Dictionary<string, Service> { ["svc"] = new() { Override = Override.Merge, KillDelay = "5" } } };

        var ex = Assert.Throws<PebbleLayerException>(layer.Validate);

        Assert.Equal("plan service \"svc\" kill-delay has invalid duration \"5\"", ex.Message);
    }

    [Fact]
    public void Equals_DurationsWrittenDifferently_AreEqual()
    {
        var a = new Service { Override = Override.Merge, BackoffLimit = "1m" };
        var b = new Service { Override = Override.Merge, BackoffLimit = "1m0s" };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_ListOrderMatters_MapOrderDoesNot()
    {
        var a = new LogTarget { Override = Override.Merge, Services = ["all", "-db"], Labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } };
        var sameMapOtherOrder = a with { Labels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } };
        var otherListOrder = a with { Services = ["-db", "all"] };

        Assert.Equal(a, sameMapOtherOrder);
        Assert.NotEqual(a, otherListOrder);
    }
}

