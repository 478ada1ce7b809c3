// PromQlTests: label injection and printing match cos-tool (canonical/cos-tool@9f92efcc, which links
// Prometheus v3.8) and the Prometheus printer's own expectations.
using MlObs.Cos.Rules;

namespace MlObs.Cos.Tests.Rules;

public sealed class PromQlTests
{
    private static readonly LabelMatcher[] Topology =
    [
        LabelMatcher.Eq("juju_model", "dev-model"),
        LabelMatcher.Eq("juju_model_uuid", "f2c1b2a6-1234-4abc-8def-0123456789ab"),
        LabelMatcher.Eq("juju_application", "myapp"),
    ];

    private const string Topo = "juju_application=\"myapp\",juju_model=\"dev-model\",juju_model_uuid=\"f2c1b2a6-1234-4abc-8def-0123456789ab\"";

    private static LabelMatcher[] Parse(string matchers) =>
        matchers.Length == 0 ? [] : [.. matchers.Split(';').Select(kv => kv.Split('=', 2)).Select(kv => LabelMatcher.Eq(kv[0], kv[1]))];

    // Spec cos-wire.md §4 examples.
    [Theory]
    [InlineData("up < 1", "up{" + Topo + "} < 1")]
    [InlineData("absent(up)", "absent(up{" + Topo + "})")]
    [InlineData("sum(rate(x[5m])) by (i)", "sum by (i) (rate(x{" + Topo + "}[5m]))")]
    public void Spec_Examples(string input, string expected) =>
        Assert.Equal(expected, PromQl.InjectLabelMatchers(input, Topology));

    // canonical/cos-tool pkg/tool/promql_transform_test.go (TestShouldApplyLabelMatcherToVectorSelector,
    // TestPromQLTransformWithVariables, TestPromQLTransformEdgeCases, TestPromQLThreeVariableTypes,
    // TestPromQLTransformWithGroupingVariables, TestPromQLTransformWithFunctionNameVariables, TestPromQLTransformDashboardPatterns).
    [Theory]
    [InlineData("rate(metric[5m]) > 0.5", "bar=baz", """rate(metric{bar="baz"}[5m]) > 0.5""")]
    [InlineData("metric", "bar=baz", """metric{bar="baz"}""")]
    [InlineData("up == 0", "cool=breeze;hot=sunrays", """up{cool="breeze",hot="sunrays"} == 0""")]
    [InlineData("absent(up{job=\"prometheus\"})", "model=lma", """absent(up{job="prometheus",model="lma"})""")]
    [InlineData("sum by(consumergroup) (kafka_consumergroup_lag) > 50", "firstname=Franz", """sum by (consumergroup) (kafka_consumergroup_lag{firstname="Franz"}) > 50""")]
    [InlineData("""up{cool="breeze",hot="sunrays"} == 0""", "cool=stuff", """up{cool="breeze",hot="sunrays"} == 0""")]
    [InlineData("""up{cool="breeze",hot="sunrays"} == 0""", "cool=stuff;dance=macarena", """up{cool="breeze",dance="macarena",hot="sunrays"} == 0""")]
    [InlineData("""up{job="$job"}""", "env=prod", """up{env="prod",job="$job"}""")]
    [InlineData("""rate(up{job="test"}[$__rate_interval])""", "env=prod", """rate(up{env="prod",job="test"}[$__rate_interval])""")]
    [InlineData("""${metric_name}{job="test"}""", "env=prod", """${metric_name}{env="prod",job="test"}""")]
    [InlineData("""$metric_name{job="test"}""", "env=prod", """$metric_name{env="prod",job="test"}""")]
    [InlineData("""otelcol_receiver_${suffix_total}{job="test"}""", "env=prod", """otelcol_receiver_${suffix_total}{env="prod",job="test"}""")]
    [InlineData("""otelcol_receiver_$suffix_total{job="test"}""", "env=prod", """otelcol_receiver_$suffix_total{env="prod",job="test"}""")]
    [InlineData("""otelcol_process_${suffix1}_uptime_${suffix2}{job="test"}""", "env=prod", """otelcol_process_${suffix1}_uptime_${suffix2}{env="prod",job="test"}""")]
    [InlineData("""otelcol_process_$suffix1_uptime_$suffix2{job="test"}""", "env=prod", """otelcol_process_$suffix1_uptime_$suffix2{env="prod",job="test"}""")]
    [InlineData("""sum(rate(otelcol_receiver_accepted${suffix_total}{receiver=~"$receiver",job="$job"}[$__rate_interval])) by (receiver)""", "cluster=prod", """sum by (receiver) (rate(otelcol_receiver_accepted${suffix_total}{cluster="prod",job="$job",receiver=~"$receiver"}[$__rate_interval]))""")]
    [InlineData("sum(rate(up[5m])) by ($grouping)", "env=prod", """sum by ($grouping) (rate(up{env="prod"}[5m]))""")]
    [InlineData("""up{job=~"$job.*"}""", "env=prod", """up{env="prod",job=~"$job.*"}""")]
    [InlineData("topk($limit, up)", "env=prod", """topk($limit, up{env="prod"})""")]
    [InlineData("""up{instance="${instance}", job="$job"}""", "cluster=prod", """up{cluster="prod",instance="${instance}",job="$job"}""")]
    [InlineData("""rate(metric${v1}_name${v2}{job="$job",env="$env"}[$__interval]) / rate(other${v3}{instance="$instance"}[$__rate_interval])""", "cluster=prod", """rate(metric${v1}_name${v2}{cluster="prod",env="$env",job="$job"}[$__interval]) / rate(other${v3}{cluster="prod",instance="$instance"}[$__rate_interval])""")]
    [InlineData("sum without ($exclude) (up)", "env=prod", """sum without ($exclude) (up{env="prod"})""")]
    [InlineData("sum by (${grouping}) (up)", "env=prod", """sum by (${grouping}) (up{env="prod"})""")]
    [InlineData("sum by ($var, job, instance) (up)", "env=prod", """sum by ($var, job, instance) (up{env="prod"})""")]
    [InlineData("sum by ($outer) (avg by ($inner) (up))", "env=prod", """sum by ($outer) (avg by ($inner) (up{env="prod"}))""")]
    [InlineData("topk(5, sum by ($grouping) (rate(up[5m])))", "env=prod", """topk(5, sum by ($grouping) (rate(up{env="prod"}[5m])))""")]
    [InlineData("""sum(rate(up{job="$job"}[5m])) by ($grouping)""", "env=prod", """sum by ($grouping) (rate(up{env="prod",job="$job"}[5m]))""")]
    [InlineData("sum(rate(up[5m])) by (receiver $grouping)", "env=prod", """sum by (receiver, $grouping) (rate(up{env="prod"}[5m]))""")]
    [InlineData("sum(rate(up[5m])) by ($grouping receiver)", "env=prod", """sum by ($grouping, receiver) (rate(up{env="prod"}[5m]))""")]
    [InlineData("sum(rate(up[5m])) without (instance $exclude)", "env=prod", """sum without (instance, $exclude) (rate(up{env="prod"}[5m]))""")]
    [InlineData("""sum by ($grouping) (metric{desc="sorted by ($col $dir)"})""", "env=prod", """sum by ($grouping) (metric{desc="sorted by ($col $dir)",env="prod"})""")]
    [InlineData("""${metric:value}(up{job="test"}[5m])""", "env=prod", """${metric:value}(up{env="prod",job="test"}[5m])""")]
    [InlineData("""$func(up{job="test"}[5m])""", "env=prod", """$func(up{env="prod",job="test"}[5m])""")]
    [InlineData("sum(${metric:value}(up[5m])) / sum(increase(up[5m]))", "env=prod", """sum(${metric:value}(up{env="prod"}[5m])) / sum(increase(up{env="prod"}[5m]))""")]
    [InlineData("${func1}(up[5m]) + ${func2}(down[5m])", "env=prod", """${func1}(up{env="prod"}[5m]) + ${func2}(down{env="prod"}[5m])""")]
    [InlineData("""0-sum(${metric:value}(otelcol_processor_outgoing_items${suffix_total}{processor=~"$processor",job="$job",otel_signal="logs"}[$__rate_interval])) by (processor $grouping)""", "cluster=prod", """0 - sum by (processor, $grouping) (${metric:value}(otelcol_processor_outgoing_items${suffix_total}{cluster="prod",job="$job",otel_signal="logs",processor=~"$processor"}[$__rate_interval]))""")]
    [InlineData("""${fn:value}(http_requests_total{description="uses $rate(x) internally"}[5m])""", "env=prod", """${fn:value}(http_requests_total{description="uses $rate(x) internally",env="prod"}[5m])""")]
    [InlineData("max(\n    otelcol_exporter_queue_size{\n        exporter=~\"$exporter\", job=\"$job\"\n    }\n) by (exporter $grouping)\n/\nmin(\n    otelcol_exporter_queue_capacity{\n        exporter=~\"$exporter\", job=\"$job\"\n    }\n) by (exporter $grouping)", "cluster=prod", """max by (exporter, $grouping) (otelcol_exporter_queue_size{cluster="prod",exporter=~"$exporter",job="$job"}) / min by (exporter, $grouping) (otelcol_exporter_queue_capacity{cluster="prod",exporter=~"$exporter",job="$job"})""")]
    [InlineData("""max(otelcol_process_uptime${suffix_seconds}${suffix_total}{service_instance_id=~".*",job="$job"}) by (service_instance_id)""", "cluster=prod", """max by (service_instance_id) (otelcol_process_uptime${suffix_seconds}${suffix_total}{cluster="prod",job="$job",service_instance_id=~".*"})""")]
    [InlineData("sum by ($interval) (rate({job=\"test\"}[$interval]))", "env=prod", """sum by ($interval) (rate({env="prod",job="test"}[$interval]))""")]
    public void CosTool_TransformCases(string input, string matchers, string expected) =>
        Assert.Equal(expected, PromQl.InjectLabelMatchers(input, Parse(matchers)));

    // prometheus/prometheus promql/parser/printer_test.go @ v3.8.0 (TestExprString), minus the experimental
    // duration-expression and anchored/smoothed cases: String() of the parsed input (or the given output).
    [Theory]
    [InlineData("""sum by() (task:errors:rate10s{job="s"})""", """sum(task:errors:rate10s{job="s"})""")]
    [InlineData("""sum by(code) (task:errors:rate10s{job="s"})""", """sum by (code) (task:errors:rate10s{job="s"})""")]
    [InlineData("""sum without() (task:errors:rate10s{job="s"})""", """sum without () (task:errors:rate10s{job="s"})""")]
    [InlineData("""sum without(instance) (task:errors:rate10s{job="s"})""", """sum without (instance) (task:errors:rate10s{job="s"})""")]
    [InlineData("""sum by("foo.bar") (task:errors:rate10s{job="s"})""", """sum by ("foo.bar") (task:errors:rate10s{job="s"})""")]
    [InlineData("""sum without("foo.bar") (task:errors:rate10s{job="s"})""", """sum without ("foo.bar") (task:errors:rate10s{job="s"})""")]
    [InlineData("""topk(5, task:errors:rate10s{job="s"})""", null)]
    [InlineData("""count_values("value", task:errors:rate10s{job="s"})""", null)]
    [InlineData("a - on() c", "a - on () c")]
    [InlineData("a - on(b) c", "a - on (b) c")]
    [InlineData("a - on(b) group_left(x) c", "a - on (b) group_left (x) c")]
    [InlineData("a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c")]
    [InlineData("a - on(b) group_left c", "a - on (b) group_left () c")]
    [InlineData("a - on(b) group_left() (c)", "a - on (b) group_left () (c)")]
    [InlineData("a - ignoring(b) c", "a - ignoring (b) c")]
    [InlineData("a - ignoring() c", "a - c")]
    [InlineData("up > bool 0", null)]
    [InlineData("a offset 1m", null)]
    [InlineData("a offset -7m", null)]
    [InlineData("""a{c="d"}[5m] offset 1m""", null)]
    [InlineData("a[5m] offset 1m", null)]
    [InlineData("a[12m] offset -3m", null)]
    [InlineData("a[1h:5m] offset 1m", null)]
    [InlineData("""{__name__="a"}""", null)]
    [InlineData("""a{b!="c"}[1m]""", null)]
    [InlineData("""a{b=~"c"}[1m]""", null)]
    [InlineData("""a{b!~"c"}[1m]""", null)]
    [InlineData("a @ 10", "a @ 10.000")]
    [InlineData("a[1m] @ 10", "a[1m] @ 10.000")]
    [InlineData("a @ start()", null)]
    [InlineData("a @ end()", null)]
    [InlineData("a[1m] @ start()", null)]
    [InlineData("a[1m] @ end()", null)]
    [InlineData("""{__name__="",a="x"}""", null)]
    [InlineData("""{"a.b"="c"}""", null)]
    [InlineData("""{"0"="1"}""", null)]
    [InlineData("""{"_0"="1"}""", """{_0="1"}""")]
    [InlineData("""{""="0"}""", null)]
    [InlineData("{``=\"0\"}", """{""="0"}""")]
    [InlineData("1048576", "1048576")]
    [InlineData("predict_linear(foo[1h], 3000)", null)]
    // BenchmarkExprString inputs of the same file: matchers sorted, spacing normalized.
    [InlineData("""max( 100 * (1 - avg by(instance) (irate(node_cpu_seconds_total{instance=~".*cust01.prd.*",mode="idle"}[86400s]))))""", """max(100 * (1 - avg by (instance) (irate(node_cpu_seconds_total{instance=~".*cust01.prd.*",mode="idle"}[1d]))))""")]
    [InlineData("""http_requests_total{job="api-server", group="canary"} + rate(http_requests_total{job="api-server"}[10m]) * 5 * 60""", """http_requests_total{group="canary",job="api-server"} + rate(http_requests_total{job="api-server"}[10m]) * 5 * 60""")]
    [InlineData("""label_replace(testmetric, "dst", "destination-value-$1", "src", "source-value-(.*)")""", null)]
    public void Prometheus_PrinterCases(string input, string? expected) =>
        Assert.Equal(expected ?? input, PromQl.InjectLabelMatchers(input, []));

    // The constructs of the brief, each with the topology injected.
    [Theory]
    [InlineData("""{__name__="x"}""", """{__name__="x",T}""")]
    [InlineData("""{__name__=~"x.*"}""", """{__name__=~"x.*",T}""")]
    [InlineData("""x{juju_model="other"}""", """x{juju_application="myapp",juju_model="other",juju_model_uuid="f2c1b2a6-1234-4abc-8def-0123456789ab"}""")]
    [InlineData("""x{job=~"a|b", env!~"dev"}""", """x{env!~"dev",job=~"a|b",T}""")]
    [InlineData("quantile(0.9, x)", "quantile(0.9, x{T})")]
    [InlineData("""count_values("v", x)""", """count_values("v", x{T})""")]
    [InlineData("bottomk(3, x) without (a, b)", "bottomk without (a, b) (3, x{T})")]
    [InlineData("rate(x[1h30m])", "rate(x{T}[1h30m])")]
    [InlineData("rate(x[90m])", "rate(x{T}[1h30m])")]
    [InlineData("rate(x[300])", "rate(x{T}[5m])")]
    [InlineData("rate(x[2w])", "rate(x{T}[2w])")]
    [InlineData("rate(x[14d])", "rate(x{T}[2w])")]
    [InlineData("max_over_time(rate(x[5m])[1h:5m])", "max_over_time(rate(x{T}[5m])[1h:5m])")]
    [InlineData("max_over_time(x[1h:])", "max_over_time(x{T}[1h:])")]
    [InlineData("x offset 5m", "x{T} offset 5m")]
    [InlineData("x offset 5m + y offset 1h * 2", "x{T} offset 5m + y{T} offset 1h * 2")]
    [InlineData("rate(x[5m] offset 1h)", "rate(x{T}[5m] offset 1h)")]
    [InlineData("rate(x[5m] @ start() offset 1h)", "rate(x{T}[5m] @ start() offset 1h)")]
    [InlineData("x @ 123", "x{T} @ 123.000")]
    [InlineData("x @ 1609746000.5 offset 5m", "x{T} @ 1609746000.500 offset 5m")]
    [InlineData("x > bool 1", "x{T} > bool 1")]
    [InlineData("a / on(i) group_left(n) b", "a{T} / on (i) group_left (n) b{T}")]
    [InlineData("a * ignoring(i) group_right b", "a{T} * ignoring (i) group_right () b{T}")]
    [InlineData("a and b or c unless d", "a{T} and b{T} or c{T} unless d{T}")]
    [InlineData("-x", "-x{T}")]
    [InlineData("- -1", "1")]
    [InlineData("-(1)", "-(1)")]
    [InlineData("(x + 1) * 2", "(x{T} + 1) * 2")]
    [InlineData("x^2^3", "x{T} ^ 2 ^ 3")]
    [InlineData("-x ^ 2", "-x{T} ^ 2")]
    [InlineData("2 * -x", "2 * -x{T}")]
    [InlineData("""label_join(x, "d", ",", "a", "b")""", """label_join(x{T}, "d", ",", "a", "b")""")]
    [InlineData("histogram_quantile(0.99, sum(rate(h_bucket[5m])) by (le))", "histogram_quantile(0.99, sum by (le) (rate(h_bucket{T}[5m])))")]
    [InlineData("time() - x", "time() - x{T}")]
    [InlineData("vector(1)", "vector(1)")]
    [InlineData("1 + 2", "1 + 2")]
    [InlineData("1e3", "1000")]
    [InlineData("0x1F", "31")]
    [InlineData("1.50", "1.5")]
    [InlineData("Inf", "+Inf")]
    [InlineData("-inf", "-Inf")]
    [InlineData("NaN", "NaN")]
    [InlineData("5m", "5m")]
    [InlineData("'single' == bool \"x\"", "")]
    [InlineData("SUM BY (A) (x)", "sum by (A) (x{T})")]
    [InlineData("x # a comment\n+ y", "x{T} + y{T}")]
    [InlineData("job:up:sum", "job:up:sum{T}")]
    [InlineData("""x{a="line\nbreak \"q\" é \u0001"}""", """x{a="line\nbreak \"q\" é \x01",T}""")]
    [InlineData("sum(x) by (on, by, offset)", "sum by (on, by, offset) (x{T})")]
    [InlineData("x{a=\"b\",}", """x{a="b",T}""")]
    [InlineData("Inf ^ x", "Inf ^ x{T}")]
    [InlineData("$metric{}", "$metric{T}")]
    [InlineData("up{juju_model=~\"$juju_model\"} == 0", "up{juju_application=\"myapp\",juju_model=~\"$juju_model\",juju_model_uuid=\"f2c1b2a6-1234-4abc-8def-0123456789ab\"} == 0")]
    public void Constructs_AreInjectedAndPrinted(string input, string expected)
    {
        if (expected.Length == 0)
        {
            Assert.False(PromQl.TryParse(input, out _));
            return;
        }

        var full = expected.Replace("{T}", "{" + Topo + "}", StringComparison.Ordinal).Replace(",T}", "," + Topo + "}", StringComparison.Ordinal);
        Assert.Equal(full, PromQl.InjectLabelMatchers(input, Topology));
    }

    [Fact]
    public void GrafanaRegexMatchers_ArePrintedWithTheirOperator()
    {
        LabelMatcher[] grafana =
        [
            new("juju_model", MatchOp.Regex, "$juju_model"),
            new("juju_model_uuid", MatchOp.Regex, "$juju_model_uuid"),
            new("juju_application", MatchOp.Regex, "$juju_application"),
            new("juju_unit", MatchOp.Regex, "$juju_unit"),
        ];
        Assert.Equal(
            """sum by (pod) (rate(x{job="a",juju_application=~"$juju_application",juju_model=~"$juju_model",juju_model_uuid=~"$juju_model_uuid",juju_unit=~"$juju_unit"}[$__rate_interval]))""",
            PromQl.InjectLabelMatchers("""sum(rate(x{job="a"}[$__rate_interval])) by (pod)""", grafana));
        Assert.Equal(
            """x{a!="1",b!~"2"}""",
            PromQl.InjectLabelMatchers("x", [new("a", MatchOp.NotEqual, "1"), new("b", MatchOp.NotRegex, "2")]));
    }

    [Theory]
    [InlineData("", "no expression found in input")]
    [InlineData("sum(", "unclosed left parenthesis")]
    [InlineData("up{job=\"a\"", "unexpected end of input inside braces")]
    [InlineData("rate(x)", "expected type range vector in call to function \"rate\", got instant vector")]
    [InlineData("foo(x)", "unknown function with name \"foo\"")]
    [InlineData("sum(x, y)", "wrong number of arguments for aggregate expression provided, expected 1, got 2")]
    [InlineData("topk(x)", "wrong number of arguments")]
    [InlineData("x[5m] + 1", "binary expression must contain only scalar and instant vector types")]
    [InlineData("1 > 2", "comparisons between scalars must use BOOL modifier")]
    [InlineData("x + bool y", "bool modifier can only be used on comparison operators")]
    [InlineData("{}", "vector selector must contain at least one non-empty matcher")]
    [InlineData("{a=~\".*\"}", "vector selector must contain at least one non-empty matcher")]
    [InlineData("x{a=~\"(\"}", "error parsing regexp")]
    [InlineData("rate(x[0s])", "duration must be greater than 0")]
    [InlineData("rate(x[5x])", "bad number or duration syntax")]
    [InlineData("rate(x[1.5h])", "in duration \"1.5h\"")]
    [InlineData("x offset 5m offset 1m", "offset may not be set multiple times")]
    [InlineData("sum(x) offset 5m", "offset modifier must be preceded by an instant vector selector")]
    [InlineData("x offset 5m [5m]", "no offset modifiers allowed before range")]
    [InlineData("rate(x[5m])[5m]", "ranges only allowed for vector selectors")]
    [InlineData("x[5m][1h:]", "subquery is only allowed on instant vector")]
    [InlineData("x and 1", "set operator \"and\" not allowed in binary scalar expression")]
    [InlineData("up{__name__=\"x\"}", "metric name must not be set twice")]
    [InlineData("rate(x[5m:1m+1m])", "experimental duration expression is not enabled")]
    [InlineData("first_over_time(x[5m])", "function \"first_over_time\" is not enabled")]
    [InlineData("limitk(1, x)", "limitk() is experimental")]
    [InlineData("x{job=\"a\"} == ", "unexpected end of input")]
    [InlineData("sum by (a b) (x)", "unexpected identifier \"b\" in grouping opts")]
    [InlineData("abs(x,)", "trailing commas not allowed in function call args")]
    [InlineData("x y", "unexpected identifier \"y\"")]
    [InlineData("\"unterminated", "unterminated quoted string")]
    [InlineData("x{a=\"\\q\"}", "unknown escape sequence")]
    public void InvalidExpressions_ThrowWithAMessageNamingTheProblem(string input, string fragment)
    {
        var e = Assert.Throws<RuleExpressionException>(() => PromQl.InjectLabelMatchers(input, Topology));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Matches(@"^\d+:\d+: parse error: ", e.Message);
        Assert.Equal(input, e.Expression);
        Assert.False(PromQl.TryParse(input, out var error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void ErrorPosition_IsLineAndColumn()
    {
        Assert.False(PromQl.TryParse("sum(x)\n  + rate(y)", out var error));
        Assert.StartsWith("2:10: parse error: expected type range vector", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidMatchers_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => PromQl.InjectLabelMatchers("up", [LabelMatcher.Eq(string.Empty, "x")]));
        Assert.Throws<ArgumentNullException>(() => PromQl.InjectLabelMatchers("up", null!));
    }
}
