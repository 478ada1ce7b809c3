// Tests of GET /v1/plan and POST /v1/layers on the fake Pebble: formats, Pebble's errors,
// append versus combine, and combined-plan validation.
using System.Text.Json.Nodes;
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.FakePebble;

public sealed class LayerTests
{
    private static JsonObject Layer(string label, string yaml, bool combine = false, string action = "add", string format = "yaml") =>
        new() { ["action"] = action, ["combine"] = combine, ["label"] = label, ["format"] = format, ["layer"] = yaml };

    [Fact]
    public async Task GetPlan_Empty_ReturnsYamlString()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync("/v1/plan?format=yaml");

        Assert.Equal(200, reply.Status);
        Assert.Equal(Plan.Empty.ToYaml(), reply.Result!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/plan", "invalid format \"\"")]
    [InlineData("/v1/plan?format=json", "invalid format \"json\"")]
    public async Task GetPlan_NotYaml_Returns400(string path, string message)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.GetAsync(path);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task PostLayers_Valid_ReturnsTrueAndPlanShowsIt()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", Layer("base", "services: {web: {override: replace, command: /bin/web, startup: enabled}}"));
        var plan = await fake.Http.GetAsync("/v1/plan?format=yaml");

        Assert.Equal("{\"type\":\"sync\",\"status-code\":200,\"status\":\"OK\",\"result\":true}", reply.Body);
        var parsed = Plan.FromYaml(plan.Result!.GetValue<string>());
        Assert.Equal("/bin/web", parsed.Services["web"].Command);
        Assert.Equal(StartupMode.Enabled, parsed.Services["web"].Startup);
        Assert.Equal(fake.Server.Plan, parsed);
    }

    [Theory]
    [InlineData("remove", "base", "yaml", "invalid action \"remove\"")]
    [InlineData("add", "", "yaml", "label must be set")]
    [InlineData("add", "base", "json", "invalid format \"json\"")]
    [InlineData("add", "pebble-x", "yaml", "cannot parse layer YAML: cannot use reserved label prefix \"pebble-\"")]
    public async Task PostLayers_BadRequest_Returns400WithPebbleMessage(string action, string label, string format, string message)
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", Layer(label, "services: {}", action: action, format: format));

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task PostLayers_BadYaml_Returns400CannotParse()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", Layer("base", "services: {web: {command: /bin/web}}"));

        Assert.Equal(400, reply.Status);
        Assert.StartsWith("cannot parse layer YAML: ", reply.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Server.Layers);
    }

    [Fact]
    public async Task PostLayers_SameLabelWithoutCombine_Returns400AlreadyExists()
    {
        await using var fake = await Fake.StartAsync();
        await fake.Http.AddLayerAsync("base", "services: {web: {override: replace, command: /bin/web}}");

        var reply = await fake.Http.PostAsync("/v1/layers", Layer("base", "services: {web: {override: replace, command: /bin/other}}"));

        Assert.Equal(400, reply.Status);
        Assert.Equal("layer \"base\" already exists", reply.Message);
    }

    [Fact]
    public async Task PostLayers_CombineExistingLabel_MergesIntoThatLayer()
    {
        await using var fake = await Fake.StartAsync();
        await fake.Http.AddLayerAsync("base", "services: {web: {override: replace, command: /bin/web, environment: {A: '1'}}}");
        await fake.Http.AddLayerAsync("top", "services: {db: {override: replace, command: /bin/db}}");

        await fake.Http.AddLayerAsync("base", "services: {web: {override: merge, environment: {B: '2'}}}", combine: true);

        Assert.Equal(["base", "top"], fake.Server.Layers.Select(l => l.Label));
        Assert.Equal([1000, 1001], fake.Server.Layers.Select(l => l.Order));
        var web = fake.Server.Plan.Services["web"];
        Assert.Equal("/bin/web", web.Command);
        Assert.Equal("1", web.Environment["A"]);
        Assert.Equal("2", web.Environment["B"]);
    }

    [Fact]
    public async Task PostLayers_CombineNewLabel_Appends()
    {
        await using var fake = await Fake.StartAsync();

        await fake.Http.AddLayerAsync("base", "services: {web: {override: replace, command: /bin/web}}", combine: true);

        Assert.Equal("base", Assert.Single(fake.Server.Layers).Label);
    }

    [Fact]
    public async Task PostLayers_MergeWithoutCommand_Returns400PlanError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", Layer("base", "services: {web: {override: merge, startup: enabled}}"));

        Assert.Equal(400, reply.Status);
        Assert.Contains("command", reply.Message, StringComparison.Ordinal);
        Assert.Contains("web", reply.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Server.Layers);
        Assert.Equal(Plan.Empty, fake.Server.Plan);
    }

    [Fact]
    public async Task PostLayers_RequiresUnknownService_Returns400PlanError()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", Layer("base", "services: {web: {override: replace, command: /bin/web, requires: [ghost]}}"));

        Assert.Equal(400, reply.Status);
        Assert.Contains("ghost", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostLayers_BeforeAfterLoop_Returns400()
    {
        await using var fake = await Fake.StartAsync();

        var reply = await fake.Http.PostAsync("/v1/layers", Layer("base", """
            services:
              a: {override: replace, command: /a, after: [b]}
              b: {override: replace, command: /b, after: [a]}
            """));

        Assert.Equal(400, reply.Status);
        Assert.Contains("loop", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLayer_Hook_RefusesWhatPebbleRefuses()
    {
        await using var fake = await Fake.StartAsync();
        fake.Server.AddLayer("base", "services: {web: {override: replace, command: /bin/web}}");

        var error = Assert.Throws<PebbleLayerException>(() => fake.Server.AddLayer("base", "services: {}"));

        Assert.Equal("layer \"base\" already exists", error.Message);
    }
}
