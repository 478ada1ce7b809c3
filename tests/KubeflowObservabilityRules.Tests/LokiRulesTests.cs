// LokiRulesTests: the charm's LogQL alert rules parse with MlObs.Cos's LogQL parser, load as the charm loads them (the
// exporter's own rules through %%juju_topology%%, the inference pods' rules through their pod selectors, and COS's
// topology injection in both), carry their names, severities and annotations, and match the lines the serving runtimes
// and the exporter really write.
using System.Text.RegularExpressions;
using CharmRules.Testing;
using MlObs.Cos.Rules;

namespace KubeflowObservabilityRules.Tests;

public sealed partial class LokiRulesTests
{
    // Lines as the serving runtimes write them at error level, answering 5xx, or with an exception.
    private static readonly string[] ErrorLines =
    [
        "2026-11-27 21:54:01.123 1 kserve ERROR [model_server.py:57] Failed to load model sklearn-iris",
        "2026-11-27 21:54:01.456 1 uvicorn.access INFO:     10.1.2.3:0 1 - \"POST /v1/models/sklearn-iris:predict HTTP/1.1\" 500 Internal Server Error",
        """{"level":"error","ts":1795816441.1,"logger":"SeldonRestApi","msg":"Failed to call predict","error":"dial tcp 127.0.0.1:9000: connect: connection refused"}""",
        "time=2026-11-27T21:54:01Z level=error msg=\"inference failed\"",
        "E1127 21:54:01.123456 1 model_repository_manager.cc:1234] failed to load 'densenet_onnx' version 1",
        "2026-11-27T21:54:01,123 [ERROR] W-9000-mnist_1.0 org.pytorch.serve.wlm.WorkerThread - Backend worker error",
        "2026-11-27 21:54:01,789 - seldon_core.wrapper:handle_generic_exception:53 - ERROR:  {'status': {'status': 1, 'info': 'bad input'}}",
    ];

    private static readonly string[] QuietLines =
    [
        "2026-11-27 21:54:01.456 1 uvicorn.access INFO:     10.1.2.3:0 1 - \"POST /v1/models/sklearn-iris:predict HTTP/1.1\" 200 OK",
        "2026-11-27 21:54:01.123 1 kserve INFO [model_server.py:300] Registering model: sklearn-iris",
        """{"level":"info","ts":1795816441.1,"logger":"SeldonRestApi","msg":"predictions","errors":0}""",
        "I1127 21:54:01.123456 1 server.cc:674] successfully loaded 'densenet_onnx' version 1",
        "2026-11-27 21:54:01.123 1 kserve INFO [model_server.py:300] retrying after an error in the previous batch",
    ];

    private static readonly string[] ExceptionLines =
    [
        "Traceback (most recent call last):",
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
        "terminate called after throwing an instance of 'std::bad_alloc'",
    ];

    [Fact]
    public void RuleFiles_HoldTheInferenceAndExporterAlerts()
    {
        var names = Yaml.Alerts(KfCharm.Files.LokiRuleFiles).Select(a => a.Alert).Order(StringComparer.Ordinal);

        Assert.Equal(KfCharm.InferenceLogAlerts.Concat(KfCharm.ExporterLogAlerts).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void EveryAlert_HasSeverityForAndAnnotations_AndParses()
    {
        foreach (var (file, alert, rule) in Yaml.Alerts(KfCharm.Files.LokiRuleFiles))
        {
            RuleChecks.AssertAlertIsComplete(file, alert, rule, QueryLanguage.LogQl, "warning", "critical");
        }
    }

    [Fact]
    public void InferenceRules_SelectThePodsStreams_WithoutSidecarsOrThePlaceholder()
    {
        foreach (var (_, alert, rule) in Yaml.Alerts(KfCharm.Files.LokiRuleFiles).Where(a => KfCharm.InferenceLogAlerts.Contains(a.Alert)))
        {
            var expr = Yaml.Scalar(rule, "expr")!;
            // The exporter's streams carry namespace, pod and container and the topology, but no job: the placeholder
            // (job=~".+") would match none of them.
            Assert.DoesNotContain("%%juju_topology%%", expr, StringComparison.Ordinal);
            Assert.Contains("{pod=~\".+\", container!~\"istio-proxy|istio-init|queue-proxy|storage-initializer\"}", expr, StringComparison.Ordinal);
            Assert.Contains("sum by (namespace, pod, container)", expr, StringComparison.Ordinal);
            Assert.True(Yaml.Scalar(Yaml.Mapping(rule, "annotations")!, "summary")!.Contains("{{ $labels.pod }}", StringComparison.Ordinal), $"{alert}: the summary does not name the pod");
        }
    }

    [Fact]
    public void ExporterRules_UseThePlaceholder()
    {
        foreach (var (_, alert, rule) in Yaml.Alerts(KfCharm.Files.LokiRuleFiles).Where(a => KfCharm.ExporterLogAlerts.Contains(a.Alert)))
        {
            var expr = Yaml.Scalar(rule, "expr")!;
            Assert.True(expr.Contains("{%%juju_topology%%}", StringComparison.Ordinal), $"{alert}: no %%juju_topology%% selector");
            Assert.Contains("{job=~\".+\"}", AlertRules.ReplaceTopologyPlaceholder(expr, QueryLanguage.LogQl), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ErrorFilter_MatchesTheRuntimesErrorLines_AndNotTheirOtherLines()
    {
        var filter = LineFilter("KubeflowInferenceServerErrors");

        Assert.All(ErrorLines, l => Assert.Matches(filter, l));
        Assert.All(QuietLines.Concat(ExceptionLines.Take(1)), l => Assert.DoesNotMatch(filter, l));
    }

    [Fact]
    public void ExceptionFilter_MatchesTracebacksPanicsAndOutOfMemory_AndNotErrorLines()
    {
        var filter = LineFilter("KubeflowInferenceServerExceptions");

        Assert.All(ExceptionLines, l => Assert.Matches(filter, l));
        Assert.All(QuietLines.Concat(ErrorLines), l => Assert.DoesNotMatch(filter, l));
    }

    [Fact]
    public void ExporterFilters_MatchTheExportersCompactJsonLines()
    {
        // As Serilog's RenderedCompactJsonFormatter writes the exporter's watch warning and a stopped part.
        const string Forbidden = """{"@t":"2026-11-27T21:54:01.0000000Z","@m":"List of notebooks failed (3 in a row), retrying in 00:00:04.1200000: notebooks (/apis/kubeflow.org/v1/notebooks): 403 Forbidden","@i":"5d2f1a3b","@l":"Warning","Operation":"List","Resource":"notebooks","Failures":3,"Delay":"00:00:04.1200000","Message":"notebooks (/apis/kubeflow.org/v1/notebooks): 403 Forbidden"}""";
        const string Stopped = """{"@t":"2026-11-27T21:54:01.0000000Z","@m":"The log streamer stopped","@i":"7a6b5c4d","@l":"Fatal","@x":"System.InvalidOperationException: …","Part":"log streamer"}""";
        const string Relist = """{"@t":"2026-11-27T21:54:01.0000000Z","@m":"Watch of workflows expired at 123, listing again: gone","@i":"1a2b3c4d","Resource":"workflows","ResourceVersion":"123","Message":"gone"}""";
        var rules = Yaml.Alerts(KfCharm.Files.LokiRuleFiles).ToDictionary(a => a.Alert, a => Yaml.Scalar(a.Rule, "expr")!);

        Assert.Contains("|= `\"@l\":\"Warning\"`", rules["KubeflowExporterForbidden"], StringComparison.Ordinal);
        Assert.Contains("\"@l\":\"Warning\"", Forbidden, StringComparison.Ordinal);
        Assert.All(Filters(rules["KubeflowExporterForbidden"]), f => Assert.Matches(f, Forbidden));
        Assert.Contains(Filters(rules["KubeflowExporterForbidden"]), f => !f.IsMatch(Relist) && !f.IsMatch(Stopped));
        Assert.Contains("json resource=\"Resource\"", rules["KubeflowExporterForbidden"], StringComparison.Ordinal);
        Assert.Contains("\"Resource\":\"notebooks\"", Forbidden, StringComparison.Ordinal);
        var errors = Filters(rules["KubeflowExporterErrors"]).Single();
        Assert.Matches(errors, Stopped);
        Assert.DoesNotMatch(errors, Forbidden);
        Assert.DoesNotMatch(errors, Relist);
        Assert.All(ErrorLines.Concat(ExceptionLines), l => Assert.DoesNotMatch(errors, l));
    }

    [Fact]
    public void RulesLoadedAsTheCharmLoadsThem_ParseWithTheTopologyInjected()
    {
        foreach (var transform in new[] { null, CosTool.LogQlTransform })
        {
            var (_, alerts) = RuleChecks.LoadAsTheCharmDoes(KfCharm.Files.LokiRulesDir, QueryLanguage.LogQl, KfCharm.Topology, transform, withHostHealth: false);

            Assert.Equal(4, alerts.Count);
            foreach (var rule in alerts)
            {
                var expr = rule["expr"]!.GetValue<string>();
                var exporterRule = KfCharm.ExporterLogAlerts.Contains(rule["alert"]!.GetValue<string>());
                Assert.Equal(exporterRule, expr.Contains("job=~\".+\"", StringComparison.Ordinal));
                if (transform is not null)
                {
                    Assert.Contains("juju_model_uuid=\"7e1c2b3a-5d6f-4a8b-9c0d-1e2f3a4b5c6d\"", expr, StringComparison.Ordinal);
                }
            }
        }
    }

    // The line filters (|~ and |=) of an expression, as .NET regular expressions: the filters use only RE2 syntax that
    // .NET reads the same way (alternation, classes, \b, ^, escaped parentheses), so matching here predicts Loki's.
    private static List<Regex> Filters(string expr) =>
        [.. FilterRegex().Matches(expr).Select(m => m.Groups["op"].Value == "|~" ? new Regex(m.Groups["re"].Value) : new Regex(Regex.Escape(m.Groups["re"].Value)))];

    private static Regex LineFilter(string alert) =>
        Filters(Yaml.Scalar(Yaml.Alerts(KfCharm.Files.LokiRuleFiles).Single(a => a.Alert == alert).Rule, "expr")!).Single();

    [GeneratedRegex(@"(?<op>\|~|\|=) `(?<re>[^`]*)`")]
    private static partial Regex FilterRegex();
}
