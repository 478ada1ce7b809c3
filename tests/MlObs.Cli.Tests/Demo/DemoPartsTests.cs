// The parts of `mlobs demo` and of the end-to-end test that can be checked on their own: the embedded dataset and its
// traffic, the shortening of rule `for` durations, and the local command line of a Pebble plan service.
using System.Text.Json.Nodes;
using MlObs.Cli.Demo;
using MlObs.Cos.PrometheusScrape;
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing.State;

namespace MlObs.Cli.Tests.Demo;

public sealed class DemoPartsTests
{
    [Fact]
    public void Dataset_Embedded_Has569CasesOf30FeaturesAnd212Malignant()
    {
        SampleDataset data = SampleDataset.Load();

        Assert.Equal(569, data.Cases.Count);
        Assert.Equal(30, data.Features.Count);
        Assert.Equal("mean_radius", data.Features[0]);
        Assert.Equal("worst_fractal_dimension", data.Features[^1]);
        Assert.Equal(212, data.Cases.Count(c => c.Diagnosis == "malignant"));
        Assert.Equal(357, data.Cases.Count(c => c.Diagnosis == "benign"));
        Assert.Equal(17.99, data.Cases[0].Values[0]);
    }

    [Fact]
    public void Dataset_Reference_IsEveryCaseWithThePrediction()
    {
        SampleDataset data = SampleDataset.Load();

        string[] lines = data.ReferenceCsv().TrimEnd('\n').Split('\n');

        Assert.Equal(570, lines.Length);
        Assert.EndsWith(",worst_fractal_dimension,prediction", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("17.99,10.38,122.8,1001,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",malignant", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_HealthyTraffic_ReplaysEveryCaseOncePerPass_DriftedOnlyMalignant()
    {
        SampleDataset data = SampleDataset.Load();

        List<SampleCase> pass = [.. data.Healthy(7).Take(569)];
        List<SampleCase> drifted = [.. data.Drifted(7).Take(1000)];

        Assert.Equal(569, pass.Distinct().Count());
        Assert.NotEqual(data.Cases, pass);
        Assert.All(drifted, c => Assert.Equal("malignant", c.Diagnosis));
        Assert.Equal(data.Healthy(7).Take(50), data.Healthy(7).Take(50));
    }

    [Theory]
    [InlineData("mean_radius,diagnosis\n1,benign\n2\n", "demo dataset, line 3: 1 fields, the header has 2")]
    [InlineData("mean_radius,label\n1,benign\n", "the demo dataset's last column must be 'diagnosis'")]
    public void Dataset_Malformed_NamesTheProblem(string csv, string message)
    {
        FormatException e = Assert.Throws<FormatException>(() => SampleDataset.Parse(csv));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("90s", 90)]
    [InlineData("1500ms", 1.5)]
    public void ParseDuration_PrometheusDurations(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RuleTiming.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("10 m")]
    [InlineData("-5m")]
    public void ParseDuration_NotADuration_Throws(string text) =>
        Assert.Throws<FormatException>(() => RuleTiming.ParseDuration(text));

    [Theory]
    [InlineData(600, "10m")]
    [InlineData(90, "1m30s")]
    [InlineData(3600 * 25, "1d1h")]
    [InlineData(0.25, "250ms")]
    public void FormatDuration_AsPrometheusWritesIt(double seconds, string text) =>
        Assert.Equal(text, RuleTiming.FormatDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Compress_DividesEveryForAndKeepsTheRest()
    {
        var rules = JsonNode.Parse("""
            {"groups": [{"name": "g", "rules": [
              {"alert": "A", "expr": "up == 0", "for": "10m", "labels": {"severity": "critical"}},
              {"alert": "B", "expr": "rate(x[15m]) == 0", "for": "1h"},
              {"alert": "C", "expr": "y > 1", "for": "30s"},
              {"record": "r", "expr": "sum(x)"}]}]}
            """)!.AsObject();
        var file = new RuleFile("juju_test.rules", rules, ScrapeConfigBuilder.DumpYaml(rules));

        RuleFile shorter = RuleTiming.Compress(file, 60);

        var compressed = shorter.Rules["groups"]![0]!["rules"]!.AsArray();
        Assert.Equal("10s", compressed[0]!["for"]!.GetValue<string>());
        Assert.Equal("1m", compressed[1]!["for"]!.GetValue<string>());
        Assert.Equal("1s", compressed[2]!["for"]!.GetValue<string>());
        Assert.Null(compressed[3]!["for"]);
        Assert.Equal("rate(x[15m]) == 0", compressed[1]!["expr"]!.GetValue<string>());
        Assert.Contains("for: 10s", shorter.Yaml, StringComparison.Ordinal);
        Assert.Equal("10m", file.Rules["groups"]![0]!["rules"]![0]!["for"]!.GetValue<string>());
        Assert.Equal(file.FileName, shorter.FileName);
    }

    [Fact]
    public void PlanService_MapsTheImageBinaryMountsAndBind()
    {
        var container = new ContainerState
        {
            Name = "drift-monitor",
            CanConnect = true,
            Layers = new Dictionary<string, Layer>
            {
                ["drift-monitor"] = Layer.FromYaml("""
                    services:
                      drift-monitor:
                        override: replace
                        command: /opt/mlobs/mlobs drift serve --bind 0.0.0.0 --port 8080 --data-dir /var/lib/drift-monitor --config '/etc/drift-monitor/config.yaml' --log-level info
                        environment: {DOTNET_gcServer: "0"}
                    """),
            },
            Mounts = new Dictionary<string, MountState>
            {
                ["config"] = new("/etc/drift-monitor", "/tmp/x/etc"),
                ["data"] = new("/var/lib/drift-monitor/", "/tmp/x/data"),
            },
        };

        var (fileName, arguments, environment) = PlanService.CommandLine(container, "drift-monitor");

        Assert.EndsWith("dotnet", fileName, StringComparison.Ordinal);
        Assert.EndsWith("mlobs.dll", arguments[0], StringComparison.Ordinal);
        Assert.Equal(
            ["drift", "serve", "--bind", "127.0.0.1", "--port", "8080", "--data-dir", "/tmp/x/data", "--config", "/tmp/x/etc/config.yaml", "--log-level", "info"],
            arguments.Skip(1));
        Assert.Equal("0", environment["DOTNET_gcServer"]);
    }

    [Fact]
    public void PlanService_NoSuchServiceOrNotMlobs_Throws()
    {
        var container = new ContainerState
        {
            Name = "c",
            Layers = new Dictionary<string, Layer> { ["l"] = Layer.FromYaml("services:\n  s:\n    override: replace\n    command: /bin/sleep 10\n") },
        };

        Assert.Equal("the c container's Pebble plan has no service other with a command",
            Assert.Throws<DemoException>(() => PlanService.CommandLine(container, "other")).Message);
        Assert.Equal("the service s runs /bin/sleep, not /opt/mlobs/mlobs: the demo can only run mlobs",
            Assert.Throws<DemoException>(() => PlanService.CommandLine(container, "s")).Message);
    }
}
