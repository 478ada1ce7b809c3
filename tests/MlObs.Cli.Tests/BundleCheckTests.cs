using System.Text.Json;

namespace MlObs.Cli.Tests;

/// <summary><c>mlobs bundle check</c> as a platform engineer runs it: exit codes, one line per problem, JSON.</summary>
public sealed class BundleCheckTests : IDisposable
{
    private const string Broken = """
        bundle: kubernetes
        applications:
          otelcol: {charm: opentelemetry-collector-k8s, channel: 2/stable, scale: 1, trust: true}
          drift: {charm: drift-monitor-k8s, scale: 1}
        relations:
          - [drift:metric-endpoint, otelcol:metrics-endpoint]
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Repo(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
                return Path.Combine(dir.FullName, relative);
        }

        throw new InvalidOperationException("MlObs.sln not found above the test binaries");
    }

    [Fact]
    public async Task Check_ShippedSuiteWithCosOffers_ExitsZero()
    {
        var result = await Mlobs.RunAsync("bundle", "check", Repo("bundles/mlobs/bundle.yaml"), "--overlay", Repo("bundles/overlays/cos-offers.yaml"));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.StartsWith("ok: ", result.Stdout.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
        Assert.Contains("3 applications, 3 saas, 9 relations; 0 errors", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownEndpoint_ExitsOneWithFileLineApplicationAndEndpoint()
    {
        var bundle = _dir.Write("bundle.yaml", Broken);

        var result = await Mlobs.RunAsync("bundle", "check", bundle);

        Assert.True(result.ExitCode == 1, result.Describe());
        var line = result.Stdout.Split('\n')[0];
        Assert.StartsWith($"{bundle}:6:6: error unknown-endpoint: ", line, StringComparison.Ordinal);
        Assert.Contains("application 'drift' (drift-monitor-k8s) has no endpoint 'metric-endpoint'; did you mean 'metrics-endpoint'?", line, StringComparison.Ordinal);
        Assert.StartsWith("FAILED: ", result.Stdout.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_FormatJson_WritesTheProblemsAsObjects()
    {
        var bundle = _dir.Write("bundle.yaml", Broken);

        var result = await Mlobs.RunAsync("bundle", "check", bundle, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        var problem = root.GetProperty("problems")[0];
        Assert.Equal(("unknown-endpoint", 6, "drift", "metric-endpoint"),
            (problem.GetProperty("code").GetString(), problem.GetProperty("line").GetInt32(), problem.GetProperty("application").GetString(), problem.GetProperty("endpoint").GetString()));
    }

    [Fact]
    public async Task Check_YamlThatDoesNotParse_ExitsOne()
    {
        var bundle = _dir.Write("bundle.yaml", "applications:\n  drift: [\n");

        var result = await Mlobs.RunAsync("bundle", "check", bundle);

        Assert.True(result.ExitCode == 1, result.Describe());
        Assert.Contains("error yaml-syntax: not valid YAML", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bundle", "check", "MISSING")]
    [InlineData("bundle", "check", "BUNDLE", "--overlay", "MISSING")]
    [InlineData("bundle", "check", "BUNDLE", "--format", "xml")]
    [InlineData("bundle", "import-catalog", "MISSING")]
    public async Task BadUsage_ExitsTwoWithOneLineOnStderr(params string[] arguments)
    {
        var bundle = _dir.Write("bundle.yaml", Broken);
        var resolved = arguments.Select(a => a switch { "MISSING" => _dir.File("missing.yaml"), "BUNDLE" => bundle, _ => a }).ToArray();

        var result = await Mlobs.RunAsync(resolved);

        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.StartsWith($"mlobs bundle {arguments[1]}: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }
}
