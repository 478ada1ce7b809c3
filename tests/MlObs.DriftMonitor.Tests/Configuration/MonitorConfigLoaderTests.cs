using MlObs.Drift.Evaluation;
using MlObs.Drift.Profiles;
using MlObs.DriftMonitor.Configuration;
using MlObs.DriftMonitor.Windows;

namespace MlObs.DriftMonitor.Tests.Configuration;

public sealed class MonitorConfigLoaderTests
{
    [Fact]
    public void Parse_EmptyText_GivesTheDefaults()
    {
        MonitorConfig config = MonitorConfigLoader.Parse("");
        Assert.Empty(config.Models);
        Assert.Equal(WindowSettings.Default, config.Defaults.Window);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Defaults.Evaluation.Every);
        Assert.Equal(ProfileMode.Streaming, config.Defaults.Profile.Mode);
        Assert.Equal(MonitorLimits.Default, config.Limits);
    }

    [Fact]
    public void Parse_FullDocument_ReadsEverySetting_AndModelsInheritTheDefaults()
    {
        MonitorConfig config = MonitorConfigLoader.Parse("""
            default_model: iris
            snapshot_interval_seconds: 5
            limits: {max_body_bytes: 2048, max_rows_per_request: 10, requests_per_second: 100, max_reference_bytes: 4096}
            defaults:
              window: {kind: tumbling, seconds: 3600}
              evaluate: {every_records: 500, every_seconds: 0, min_records: 20}
              drift: {preset: evidently, drift_share: 0.3, correction: bh}
              profile: {mode: exact, bins: 20}
              join_timeout_seconds: 5
            models:
              iris:
                reference: /data/iris.csv
                inputs: [a, b, c, d]
                outputs: [species]
                window: {records: 5000}
                drift:
                  methods: {a: ks, b: psi}
                  thresholds: {a: 0.01}
              other:
            """);
        Assert.Equal("iris", config.DefaultModel);
        Assert.Equal(TimeSpan.FromSeconds(5), config.SnapshotInterval);
        Assert.Equal(new MonitorLimits(2048, 10, 100, 4096), config.Limits);
        ModelSettings iris = config.For("iris");
        Assert.Equal("/data/iris.csv", iris.Reference);
        Assert.Equal(["a", "b", "c", "d"], iris.Inputs!);
        Assert.Equal(["species"], iris.Outputs!);
        Assert.Equal(new WindowSettings(WindowKind.Tumbling, 5000, null, 10), iris.Window);
        Assert.Equal(500, iris.Evaluation.EveryRecords);
        Assert.Null(iris.Evaluation.Every);
        Assert.Equal(20, iris.Evaluation.MinRecords);
        Assert.Equal(DriftPreset.Evidently, iris.Drift.Preset);
        Assert.Equal(PValueCorrection.BenjaminiHochberg, iris.Drift.Correction);
        Assert.Equal(0.3, iris.Drift.DriftShare);
        Assert.Equal(new ColumnOverride("ks", 0.01), iris.Drift.Overrides["a"]);
        Assert.Equal(new ColumnOverride("psi"), iris.Drift.Overrides["b"]);
        Assert.Equal(ProfileMode.Exact, iris.Profile.Mode);
        Assert.Equal(20, iris.Profile.Bins);
        Assert.Equal(TimeSpan.FromSeconds(5), iris.JoinTimeout);
        Assert.Same(config.Defaults, config.For("other"));
        Assert.Same(config.Defaults, config.For("not-configured"));
    }

    [Theory]
    [InlineData("windows: {}", "line 1: windows: unknown key")]
    [InlineData("models:\n  iris:\n    window: {records: -5}", "line 3: models.iris.window.records: -5 is out of range")]
    [InlineData("models:\n  iris:\n    window: {records: 10, seconds: 5}", "line 3: models.iris.window: set records or seconds, not both")]
    [InlineData("models:\n  iris:\n    window: {kind: hopping}", "models.iris.window.kind: 'hopping' is not a window kind")]
    [InlineData("models:\n  iris:\n    window: {records: 5, panes: 10}", "models.iris.window: A sliding window of 5 records cannot have 10 panes")]
    [InlineData("models:\n  iris:\n    drift: {methods: {a: magic}}", "models.iris.drift.methods.a: 'magic' is not a method")]
    [InlineData("models:\n  iris:\n    drift: {drift_share: 2}", "models.iris.drift.drift_share: 2 is out of range")]
    [InlineData("models:\n  iris:\n    evaluate: {every_seconds: 0}", "models.iris.evaluate: set every_records or every_seconds")]
    [InlineData("models:\n  iris:\n    inputs: [a, a]", "models.iris.inputs: 'a' is listed twice")]
    [InlineData("models:\n  ../etc:\n    reference: x", "models.../etc: '../etc' is not a model name")]
    [InlineData("limits: {max_body_bytes: lots}", "limits.max_body_bytes: expected an integer")]
    [InlineData("models: [a, b]", "models: expected a mapping")]
    [InlineData("defaults: {window: {records: 1}\n", "line 2")]
    public void Parse_BadValue_NamesTheLineAndKey(string yaml, string expected)
    {
        ConfigException e = Assert.Throws<ConfigException>(() => MonitorConfigLoader.Parse(yaml, "config.yaml"));
        Assert.StartsWith("config.yaml, line", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        ConfigException e = Assert.Throws<ConfigException>(() => MonitorConfigLoader.Load("/no/such/config.yaml"));
        Assert.Contains("/no/such/config.yaml", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iris", true)]
    [InlineData("sklearn-iris.v2_1", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    public void ModelNames_AcceptOnlySafeNames(string name, bool valid) => Assert.Equal(valid, ModelNames.IsValid(name));
}
