// RulesTests: group naming, labels and placeholders as cosl does them; YAML written byte-for-byte
// as PyYAML's safe_dump (expected texts produced by PyYAML 6.0).
using System.Text.Json.Nodes;
using CsCheck;
using MlObs.Cos.PrometheusScrape;
using MlObs.Cos.Rules;

namespace MlObs.Cos.Tests;

public sealed class RulesTests
{
    [Theory]
    [InlineData("up{%%juju_topology%%} < 1", QueryLanguage.PromQl, "up{} < 1")]
    [InlineData("up{%%juju_topology%%, job=\"x\"} < 1", QueryLanguage.PromQl, "up{ job=\"x\"} < 1")]
    [InlineData("{%%juju_topology%%} |= \"e\"", QueryLanguage.LogQl, "{job=~\".+\"} |= \"e\"")]
    [InlineData("{%%juju_topology%%, level=\"error\"}", QueryLanguage.LogQl, "{job=~\".+\", level=\"error\"}")]
    [InlineData("{%%juju_topology%%,level=\"error\"}", QueryLanguage.LogQl, "{job=~\".+\",level=\"error\"}")]
    public void Placeholder_IsReplacedWithAProperComma(string expr, QueryLanguage language, string expected) =>
        Assert.Equal(expected, AlertRules.ReplaceTopologyPlaceholder(expr, language));

    [Theory]
    [InlineData("my-group", "", "dev_model_f2c1b2a6_myapp_my_group_rules")]
    [InlineData("my_rules", "sub/deeper", "dev_model_f2c1b2a6_myapp_sub_deeper_my_rules")]
    [InlineData("other_0123abcd_kept_rules", "", "other_0123abcd_kept_rules")]
    [InlineData("weird name!é", "", "dev_model_f2c1b2a6_myapp_weird_name___rules")]
    public void GroupNames_FollowCosl(string name, string subdir, string expected)
    {
        var rules = new AlertRules(QueryLanguage.PromQl, Golden.Topology);
        var prefix = string.Join('_', new[] { Golden.Topology.Identifier, subdir }.Where(s => s.Length > 0));

        rules.Add(new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = name, ["rules"] = new JsonArray() }) }, groupNamePrefix: prefix);

        Assert.Equal(expected, rules.Groups[0]["name"]!.GetValue<string>());
    }

    [Fact]
    public void Labels_TopologyAddedOnlyWhenAbsent_AfterTheRulesOwn()
    {
        var rules = new AlertRules(QueryLanguage.PromQl, Golden.Topology);
        rules.Add(JsonNode.Parse("""{"alert": "A", "expr": "up", "labels": {"juju_model": "mine", "severity": "x"}}""")!.AsObject(), "a", "p");

        Assert.Equal(
            """{"juju_model": "mine", "severity": "x", "juju_model_uuid": "f2c1b2a6-1234-4abc-8def-0123456789ab", "juju_application": "myapp", "juju_charm": "my-charm"}""",
            Cos.PyJson.Dumps(rules.Groups[0]["rules"]![0]!["labels"]));
    }

    [Fact]
    public void ExpressionTransform_GetsTheAlertExpressionLabels()
    {
        IReadOnlyList<KeyValuePair<string, string>>? seen = null;
        var rules = new AlertRules(QueryLanguage.PromQl, Golden.Topology, (expr, labels) =>
        {
            seen = labels;
            return expr + " # injected";
        });

        rules.Add(AlertRules.HostHealthRules(), groupNamePrefix: Golden.Topology.Identifier);

        Assert.Equal(["juju_model", "juju_model_uuid", "juju_application"], seen!.Select(kv => kv.Key));
        Assert.Equal("up < 1 # injected", rules.Groups[0]["rules"]![0]!["expr"]!.GetValue<string>());
    }

    [Fact]
    public void ExtraLabels_OverrideOnEveryRule()
    {
        var rules = new AlertRules(QueryLanguage.LogQl, Golden.Topology);
        rules.Add(AlertRules.HostHealthRules(), groupNamePrefix: "x");

        var json = rules.ToJson(new Dictionary<string, string> { ["severity"] = "page", ["team"] = "ml" });

        Assert.All(json["groups"]![0]!["rules"]!.AsArray(), r => Assert.Equal("page", r!["labels"]!["severity"]!.GetValue<string>()));
        Assert.Equal("{}", new AlertRules(QueryLanguage.LogQl).ToJson().ToJsonString());
    }

    [Fact]
    public void Yaml_IsWhatPyYamlSafeDumpWrites()
    {
        const string json1 = "{\"groups\": [{\"name\": \"x\", \"rules\": [{\"alert\": \"A\", \"expr\": \"sum(rate({job=~\\\".+\\\"} |= \\\"error\\\" [5m])) by (job) > 0.05\\n\", \"for\": \"10m\", \"labels\": {\"severity\": \"10\", \"b\": \"true\", \"c\": \"\", \"d\": \"yes\", \"e\": \"1.5\", \"f\": \"- x\", \"g\": \"a: b\", \"h\": \"#x\", \"i\": \"x #y\", \"j\": \"\\u00e9\", \"k\": \"  lead\", \"l\": \"2001-12-14\", \"m\": \"=\", \"n\": \"tab\\there\"}, \"annotations\": {\"description\": \"`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend.\", \"summary\": \"Host '{{ $labels.instance }}' is down.\"}}]}]}";
        const string yaml1 = "groups:\n- name: x\n  rules:\n  - alert: A\n    annotations:\n      description: '`Up` missing for unit ''{{ $labels.juju_unit }}'' of application\n        {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure\n        the unit or the collector scraping it is up and is able to successfully reach\n        the metrics backend.'\n      summary: Host '{{ $labels.instance }}' is down.\n    expr: 'sum(rate({job=~\".+\"} |= \"error\" [5m])) by (job) > 0.05\n\n      '\n    for: 10m\n    labels:\n      b: 'true'\n      c: ''\n      d: 'yes'\n      e: '1.5'\n      f: '- x'\n      g: 'a: b'\n      h: '#x'\n      i: 'x #y'\n      j: \"\\xE9\"\n      k: '  lead'\n      l: '2001-12-14'\n      m: '='\n      n: \"tab\\there\"\n      severity: '10'\n";
        const string json2 = "{\"a\": [], \"b\": {}, \"c\": null, \"d\": true, \"e\": 5, \"f\": [[1, 2], {\"x\": \"y\"}], \"g\": \"multi\\nline\\n\", \"h\": \"it's\"}";
        const string yaml2 = "a: []\nb: {}\nc: null\nd: true\ne: 5\nf:\n- - 1\n  - 2\n- x: y\ng: 'multi\n\n  line\n\n  '\nh: it's\n";

        Assert.Equal(yaml1, ScrapeConfigBuilder.DumpYaml(JsonNode.Parse(json1)!));
        Assert.Equal(yaml2, ScrapeConfigBuilder.DumpYaml(JsonNode.Parse(json2)!));
    }

    [Fact]
    public void Yaml_EscapePastTheLineWidth_FoldsAsPyYaml()
    {
        // An escaped character beyond column 80 is followed by a fold; PyYAML's text[start:end] is then empty (it used to throw here).
        var obj = new JsonObject { ["k"] = new string('w', 90) + "\x01 x y z" };
        Assert.Equal("k: \"" + new string('w', 90) + "\\x01\\\n  \\ x y z\"\n", PyYaml.Dump(obj));
        Assert.True(JsonNode.DeepEquals(obj, PyYaml.Load(PyYaml.Dump(obj))));
    }

    [Fact]
    public void Yaml_RoundTripsAnyStringMap()
    {
        // Whatever we dump, the YAML 1.1 loader reads back as the same JSON.
        Gen.Dictionary(Gen.String[Gen.Char.AlphaNumeric, 1, 10], Gen.String).Sample(map =>
        {
            var obj = new JsonObject();
            foreach (var (key, value) in map)
            {
                obj[key] = value;
            }

            var back = PyYaml.Load(PyYaml.Dump(obj));
            Assert.True(JsonNode.DeepEquals(obj, back), $"{obj.ToJsonString()}\n{PyYaml.Dump(obj)}\n{back?.ToJsonString()}");
        }, iter: 300);
    }

    [Fact]
    public void YamlLoader_TypesPlainScalarsAsPyYaml()
    {
        var node = PyYaml.Load("a: 10\nb: '10'\nc: yes\nd: ~\ne: 1.5\nf: 10m\ng: 0x1f\nh: 2001-12-14\n")!;

        Assert.Equal("""{"a":10,"b":"10","c":true,"d":null,"e":1.5,"f":"10m","g":31,"h":"2001-12-14"}""", node.ToJsonString());
    }
}
