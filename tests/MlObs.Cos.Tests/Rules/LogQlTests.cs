// LogQlTests: stream-selector injection and printing match cos-tool (canonical/cos-tool@9f92efcc, whose
// pkg/logql/syntax is Loki's parser and printer).
using MlObs.Cos.Rules;

namespace MlObs.Cos.Tests.Rules;

public sealed class LogQlTests
{
    private static LabelMatcher[] Parse(string matchers) =>
        matchers.Length == 0 ? [] : [.. matchers.Split(';').Select(kv => kv.Split('=', 2)).Select(kv => LabelMatcher.Eq(kv[0], kv[1]))];

    // Spec cos-wire.md §4 example.
    [Fact]
    public void Spec_Example() =>
        Assert.Equal(
            """sum by(job)(rate({app="foo", bar="baz"} |= "error"[5m]))""",
            LogQl.InjectLabelMatchers("""sum(rate({app="foo"} |= "error" [5m])) by (job)""", [LabelMatcher.Eq("bar", "baz")]));

    // canonical/cos-tool pkg/tool/logql_transform_test.go (TestShouldApplyLabelMatcherToLogQLSelector,
    // TestLogQLTransformDoesNotDuplicateExistingLabel, TestLogQLTransformWithGrouping, TestLogQLTransformWithVariablesInLabelValues,
    // TestLogQLTransformWithGrafanaVariables, TestLogQLTransformWithGroupingVariables, TestLogQLLineFilterOr,
    // TestLogQLSortFunctions, TestLogQLAutoInterval, TestLogQLBacktickLabelFilters). One deliberate difference: cos-tool
    // prints `|= "a" or |= "b"` (TestLogQLLineFilterOr), which no Loki parser accepts back; we print Loki's `|= "a" or "b"`.
    [Theory]
    [InlineData("""sum(rate({app="foo", env="production"} |= "error" [5m])) by (job) """, "bar=baz", """sum by(job)(rate({app="foo", env="production", bar="baz"} |= "error"[5m]))""")]
    [InlineData("""rate({filename="test"}[1m])""", "bar=baz", """rate({filename="test", bar="baz"}[1m])""")]
    [InlineData("""{job="loki"} !~ ".+" """, "model=cos", """{job="loki", model="cos"} !~ ".+" """ + "")]
    [InlineData("""{cool="breeze"} |= "weather" """, "hot=sunrays;dance=macarena", """{cool="breeze", dance="macarena", hot="sunrays"} |= "weather" """ + "")]
    [InlineData("""rate({job="test", env="existing"}[5m])""", "env=prod", """rate({job="test", env="existing"}[5m])""")]
    [InlineData("""{job="test"}""", "", """{job="test"}""")]
    [InlineData("""sum by(job) (rate({app="foo"}[$__rate_interval]))""", "env=prod", """sum by(job)(rate({app="foo", env="prod"}[$__rate_interval]))""")]
    [InlineData("""sum by(job, instance, region) (rate({app=${app}}[5m]))""", "env=prod;cluster=main", """sum by(job,instance,region)(rate({app=${app}, cluster="main", env="prod"}[5m]))""")]
    [InlineData("""count without(level) (rate({app="bar"}[$_rate_interval]))""", "model=test", """count without(level)(rate({app="bar", model="test"}[$_rate_interval]))""")]
    [InlineData("""count without(level, host) (rate({app="bar"}[1m]))""", "model=test;region=us", """count without(level,host)(rate({app="bar", model="test", region="us"}[1m]))""")]
    [InlineData("""avg by(namespace) (rate({job="app"} |= "error" [10m]))""", "cluster=prod", """avg by(namespace)(rate({job="app", cluster="prod"} |= "error"[10m]))""")]
    [InlineData("""max without(pod) (rate({service="api"} |~ ".*ERROR.*" != "timeout" [5m]))""", "env=staging", """max without(pod)(rate({service="api", env="staging"} |~ ".*ERROR.*" != "timeout"[5m]))""")]
    [InlineData("""{app="$application"}""", "env=prod", """{app="$application", env="prod"}""")]
    [InlineData("""{job="${job_name}", instance="${instance}"}""", "region=us-east", """{job="${job_name}", instance="${instance}", region="us-east"}""")]
    [InlineData("""{app=~"$app_regex"}""", "namespace=default", """{app=~"$app_regex", namespace="default"}""")]
    [InlineData("""{app="$app"} |= "error" | json""", "cluster=prod", """{app="$app", cluster="prod"} |= "error" | json""")]
    [InlineData("""count by(level) (rate({job="$job", namespace="$ns"} |~ "ERROR" [5m]))""", "env=prod;region=eu", """count by(level)(rate({job="$job", namespace="$ns", env="prod", region="eu"} |~ "ERROR"[5m]))""")]
    [InlineData("""sum by(filename) (sum_over_time({filename="/var/log/app.log"} | json | timestamp >= ${__from} | unwrap metric [5y]))""", "juju_model=cos", """sum by(filename)(sum_over_time({filename="/var/log/app.log", juju_model="cos"} | json | timestamp>=${__from} | unwrap metric[5y]))""")]
    [InlineData("""rate({app="foo"} | timestamp >= ${__from} and timestamp <= ${__to} [5m])""", "env=prod", """rate({app="foo", env="prod"} | ( timestamp>=${__from} , timestamp<=${__to} )[5m])""")]
    [InlineData("""{job="test"} | duration > $__interval_ms""", "region=us", """{job="test", region="us"} | duration>$__interval_ms""")]
    [InlineData("""sum(rate({app=~"$app"} | value >= ${__from} [5m])) by (instance)""", "cluster=prod", """sum by(instance)(rate({app=~"$app", cluster="prod"} | value>=${__from}[5m]))""")]
    [InlineData("""{filename="/var/log/test.log"} | json | timestamp >= ${__from} | timestamp <= ${__to}""", "env=staging", """{filename="/var/log/test.log", env="staging"} | json | timestamp>=${__from} | timestamp<=${__to}""")]
    [InlineData("""sum by ($grouping) (rate({job="test"}[5m]))""", "env=prod", """sum by($grouping)(rate({job="test", env="prod"}[5m]))""")]
    [InlineData("""sum without ($exclude) (rate({job="test"}[5m]))""", "env=prod", """sum without($exclude)(rate({job="test", env="prod"}[5m]))""")]
    [InlineData("""sum by ($var, job) (rate({app="test"}[5m]))""", "env=prod", """sum by($var,job)(rate({app="test", env="prod"}[5m]))""")]
    [InlineData("""sum by ($grouping) (rate({job="test"} |= "error" [5m]))""", "env=prod", """sum by($grouping)(rate({job="test", env="prod"} |= "error"[5m]))""")]
    [InlineData("""sum by (job $grouping) (rate({app="test"}[5m]))""", "env=prod", """sum by(job,$grouping)(rate({app="test", env="prod"}[5m]))""")]
    [InlineData("""sum by ($grouping) (rate({job="test"} |= "queued by ($queue $priority)" [5m]))""", "env=prod", """sum by($grouping)(rate({job="test", env="prod"} |= "queued by ($queue $priority)"[5m]))""")]
    [InlineData("{app=\"foo\"} |= `queued by ($queue $priority)`", "env=prod", """{app="foo", env="prod"} |= "queued by ($queue $priority)" """ + "")]
    [InlineData("sum by ($grouping) (rate({app=\"foo\"} | line_format `{{.level}} by ($grouping $extra)` [5m]))", "env=prod", """sum by($grouping)(rate({app="foo", env="prod"} | line_format "{{.level}} by ($grouping $extra)"[5m]))""")]
    [InlineData("""{app="foo"} |= "level=error" or "panic:" """, "env=prod", """{app="foo", env="prod"} |= "level=error" or "panic:" """ + "")]
    [InlineData("""{app="foo"} |= "level=error" or "panic:" | logfmt""", "env=prod", """{app="foo", env="prod"} |= "level=error" or "panic:" | logfmt""")]
    [InlineData("""{app="foo"} != "debug" or "trace" """, "env=prod", """{app="foo", env="prod"} != "debug" or "trace" """ + "")]
    [InlineData("""sort(sum by (level) (count_over_time({app="foo"}[5m])))""", "env=prod", """sort(sum by(level)(count_over_time({app="foo", env="prod"}[5m])))""")]
    [InlineData("""sort_desc(topk(10, sum by (job) (count_over_time({app="foo"}[5m]))))""", "env=prod", """sort_desc(topk(10,sum by(job)(count_over_time({app="foo", env="prod"}[5m]))))""")]
    [InlineData("""count_over_time({container="bloom-compactor"} |= "level=error" [$__auto])""", "env=prod", """count_over_time({container="bloom-compactor", env="prod"} |= "level=error"[$__auto])""")]
    [InlineData("""sum(rate({job="distributor"} | logfmt | level="error"[$__auto]))""", "env=prod", """sum(rate({job="distributor", env="prod"} | logfmt | level="error"[$__auto]))""")]
    [InlineData("""sum(rate({cluster="$cluster", namespace="$namespace"} | logfmt | level="error"[$__auto]))""", "juju_model=test", """sum(rate({cluster="$cluster", namespace="$namespace", juju_model="test"} | logfmt | level="error"[$__auto]))""")]
    [InlineData("{juju_unit=~\"$juju_unit\"} | json | level = `info` | command =~ `.+`", "juju_model=test", """{juju_unit=~"$juju_unit", juju_model="test"} | json | level="info" | command=~".+" """ + "")]
    [InlineData("{juju_unit=\"$juju_unit\"} | json | level = `info` | command =~ `.+` | return_code != `0`", "juju_model=test", """{juju_unit="$juju_unit", juju_model="test"} | json | level="info" | command=~".+" | return_code!="0" """ + "")]
    public void CosTool_TransformCases(string input, string matchers, string expected) =>
        Assert.Equal(expected.TrimEnd(), LogQl.InjectLabelMatchers(input, Parse(matchers)));

    // The constructs of the brief, with matchers juju_model and juju_application injected.
    [Theory]
    [InlineData("""{app="a"}""", """{app="a", J}""")]
    [InlineData("""{app="a"} |= "x" != "y" |~ "z.*" !~ "w" """, """{app="a", J} |= "x" != "y" |~ "z.*" !~ "w" """)]
    [InlineData("""{app="a"} |= ip("10.0.0.0/8")""", """{app="a", J} |= ip("10.0.0.0/8")""")]
    [InlineData("""{app="a"} | logfmt | unpack""", """{app="a", J} | logfmt | unpack""")]
    [InlineData("""{app="a"} | json first="a.b", second""", """{app="a", J} | json first="a.b",second="second" """)]
    [InlineData("""{app="a"} | regexp "(?P<ip>\\S+)" """, """{app="a", J} | regexp "(?P<ip>\\S+)" """)]
    [InlineData("""{app="a"} | pattern "<ip> - <_>" """, """{app="a", J} | pattern "<ip> - <_>" """)]
    [InlineData("""{app="a"} | level="error" | status >= 500 and status < 600""", """{app="a", J} | level="error" | ( status>=500 , status<600 )""")]
    [InlineData("""{app="a"} | status = 200 or status == 201""", """{app="a", J} | ( status==200 or status==201 )""")]
    [InlineData("""{app="a"} | a="1" or b="2" and c="3" """, """{app="a", J} | ( a="1" or ( b="2" , c="3" ) )""")]
    [InlineData("""{app="a"} | (a="1" or b="2") and c="3" """, """{app="a", J} | ( ( a="1" or b="2" ) , c="3" )""")]
    [InlineData("""{app="a"} | a="1", b!="2" """, """{app="a", J} | ( a="1" , b!="2" )""")]
    [InlineData("""{app="a"} | latency > 250ms | size <= 1KB""", """{app="a", J} | latency>250ms | size<=1.0kB""")]
    [InlineData("""{app="a"} | latency > 5m""", """{app="a", J} | latency>5m0s""")]
    [InlineData("""{app="a"} | addr = ip("192.168.0.1")""", """{app="a", J} | addr=ip("192.168.0.1")""")]
    [InlineData("""{app="a"} | line_format "{{.msg}}" | label_format dst=src, tpl="{{.x}}" """, """{app="a", J} | line_format "{{.msg}}" | label_format dst=src,tpl="{{.x}}" """)]
    [InlineData("""{app="a"} | json | drop a, b="x" | keep c""", """{app="a", J} | json | drop a,b="x" | keep c""")]
    [InlineData("""{app="a"} | decolorize""", """{app="a", J} | decolorize""")]
    [InlineData("""sum_over_time({app="a"} | logfmt | unwrap bytes [1m])""", """sum_over_time({app="a", J} | logfmt | unwrap bytes[1m])""")]
    [InlineData("""avg_over_time({app="a"} | unwrap duration(latency) | __error__="" [1m]) by (host)""", """avg_over_time({app="a", J} | unwrap duration(latency) | __error__=""[1m]) by(host)""")]
    [InlineData("""quantile_over_time(0.9, {app="a"} | json | unwrap latency [5m]) by (host)""", """quantile_over_time(0.9,{app="a", J} | json | unwrap latency[5m]) by(host)""")]
    [InlineData("""count_over_time({app="a"}[1h30m])""", """count_over_time({app="a", J}[1h30m])""")]
    [InlineData("""bytes_over_time({app="a"}[90m])""", """bytes_over_time({app="a", J}[1h30m])""")]
    [InlineData("""bytes_rate({app="a"}[5m] offset 1h)""", """bytes_rate({app="a", J}[5m] offset 1h0m0s)""")]
    [InlineData("""count_over_time({app="a"}[5m] | json)""", """count_over_time({app="a", J} | json[5m])""")]
    [InlineData("""count_over_time(({app="a"} | json)[5m])""", """count_over_time({app="a", J} | json[5m])""")]
    [InlineData("""absent_over_time({app="a"}[5m])""", """absent_over_time({app="a", J}[5m])""")]
    [InlineData("""sum(count_over_time({app="a"}[5m])) > 10""", """(sum(count_over_time({app="a", J}[5m])) > 10)""")]
    [InlineData("""sum(rate({app="a"}[5m])) / sum(rate({app="b"}[5m])) * 100""", """((sum(rate({app="a", J}[5m])) / sum(rate({app="b", J}[5m]))) * 100)""")]
    [InlineData("""rate({app="a"}[5m]) > bool 1""", """(rate({app="a", J}[5m]) > bool 1)""")]
    [InlineData("""rate({app="a"}[5m]) / on(host) group_left(dc) rate({app="b"}[5m])""", """(rate({app="a", J}[5m]) / on (host) group_left (dc) rate({app="b", J}[5m]))""")]
    [InlineData("""rate({app="a"}[5m]) and ignoring(host) rate({app="b"}[5m])""", """(rate({app="a", J}[5m]) and ignoring (host)  rate({app="b", J}[5m]))""")]
    [InlineData("1 + 1", "2")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("1e6", "1e+06")]
    [InlineData("""topk(5, rate({app="a"}[5m])) by (host)""", """topk by(host)(5,rate({app="a", J}[5m]))""")]
    [InlineData("""label_replace(rate({app="a"}[5m]), "dst", "$1", "src", "(.*)")""", """label_replace(rate({app="a", J}[5m]),"dst","$1","src","(.*)")""")]
    [InlineData("""{app="a", juju_model="other"}""", """{app="a", juju_model="other", juju_application="myapp"}""")]
    [InlineData("{app=\"a\"} # comment\n|= \"x\"", """{app="a", J} |= "x" """)]
    public void Constructs_AreInjectedAndPrinted(string input, string expected)
    {
        LabelMatcher[] topology = [LabelMatcher.Eq("juju_model", "dev"), LabelMatcher.Eq("juju_application", "myapp")];
        Assert.Equal(
            expected.TrimEnd().Replace(", J}", ", juju_application=\"myapp\", juju_model=\"dev\"}", StringComparison.Ordinal),
            LogQl.InjectLabelMatchers(input, topology));
    }

    // Spec §4: cosl's `%%juju_topology%%` replacement leaves `{job=~".+" level="error"}`; whatever the input, our
    // printer separates every matcher with ", ".
    [Fact]
    public void Selectors_AlwaysSeparateMatchersWithACommaAndSpace()
    {
        var output = LogQl.InjectLabelMatchers("""{job=~".+", level="error"}""", [LabelMatcher.Eq("juju_model", "m")]);
        Assert.Equal("""{job=~".+", level="error", juju_model="m"}""", output);
        Assert.Throws<RuleExpressionException>(() => LogQl.InjectLabelMatchers("""{job=~".+" level="error"}""", [LabelMatcher.Eq("juju_model", "m")]));
    }

    [Fact]
    public void RegexMatchers_ArePrintedWithTheirOperator() =>
        Assert.Equal(
            """{app="a", juju_model=~"$juju_model", juju_unit!~"x"}""",
            LogQl.InjectLabelMatchers("""{app="a"}""", [new("juju_unit", MatchOp.NotRegex, "x"), new("juju_model", MatchOp.Regex, "$juju_model")]));

    [Theory]
    [InlineData("""{job="test" """, "syntax error")]
    [InlineData("""{job="test"} =~ "[" """, "syntax error")]
    [InlineData("""rate({job="test"}[5m] |""", "syntax error")]
    [InlineData("""sum(rate({job="test"}[5m]))))""", "syntax error")]
    [InlineData("", "syntax error")]
    [InlineData("""sum by(job)() > 0""", "syntax error")]
    [InlineData("""rate({job="test"}[-5m])""", "not a valid duration string")]
    [InlineData("""{job="test"} | unwrap $metric_name""", "syntax error")]
    [InlineData("""{job="test"} [${__range_s}s]""", "not a valid duration string")]
    [InlineData("""$metric_function({job="test"}[5m])""", "syntax error")]
    [InlineData("""{job=~".*"}""", "at least one regexp or equality matcher")]
    [InlineData("""{job=~"("}""", "error parsing regexp")]
    [InlineData("""sum_over_time({app="a"}[5m])""", "invalid aggregation sum_over_time without unwrap")]
    [InlineData("""count_over_time({app="a"} | unwrap x [5m])""", "invalid aggregation count_over_time with unwrap")]
    [InlineData("""rate({app="a"}[5m]) by (x)""", "grouping not allowed for rate aggregation")]
    [InlineData("""quantile_over_time({app="a"} | unwrap x [5m])""", "parameter required for operation quantile_over_time")]
    [InlineData("""topk(rate({app="a"}[5m]))""", "parameter required for operation topk")]
    [InlineData("""topk(1.5, rate({app="a"}[5m]))""", "invalid parameter topk(1.5,")]
    [InlineData("""sum(5, rate({app="a"}[5m]))""", "unsupported parameter for operation sum(5,")]
    [InlineData("""{app="a"} > 1""", "unexpected type for left leg of binary operation")]
    [InlineData("""rate({app="a"}[5m]) and 1""", "unexpected literal for right leg of logical/set binary operation")]
    [InlineData("""{app="a"} | json | x > "y" """, "syntax error")]
    [InlineData("""{json="a"}""", "syntax error")]
    public void InvalidExpressions_ThrowWithAMessageNamingTheProblem(string input, string fragment)
    {
        var e = Assert.Throws<RuleExpressionException>(() => LogQl.InjectLabelMatchers(input, [LabelMatcher.Eq("env", "prod")]));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("parse error ", e.Message, StringComparison.Ordinal);
        Assert.Equal(input, e.Expression);
        Assert.False(LogQl.TryParse(input, out var error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void SyntaxErrors_NameLineAndColumn()
    {
        Assert.False(LogQl.TryParse("{app=\"a\"}\n  | json |", out var error));
        Assert.Equal("parse error at line 2, col 11: syntax error: unexpected $end", error);
    }

    [Fact]
    public void TooLongInput_IsRejected() =>
        Assert.False(LogQl.TryParse("{app=\"" + new string('a', 6000) + "\"}", out _));
}
