// FakeSchemaValidationTests: the fake controller's schema check (JujuApiSchema) accepts what Juju accepts and
// names each problem with its JSON path: $ref and patternProperties followed, required keys, unknown keys,
// types, and the schema's lies (embedded-struct artefacts, Number as a string, Delta as a tuple).
using System.Text.Json.Nodes;

namespace Juju.Net.Tests;

public sealed class FakeSchemaValidationTests
{
    [SkippableFact]
    public void ValidateParams_DeployWithConfigMapAndOrigin_IsValid()
    {
        var schema = FakeControllerHarness.LoadSchema();

        var problems = schema.ValidateParams("Application", "Deploy", JsonNode.Parse("""
            {"applications":[{"application":"pg","charm-url":"ch:amd64/postgresql-k8s-1","channel":"14/stable","num-units":1,
              "config":{"profile":"testing"},"config-yaml":"","constraints":{},"Force":false,
              "charm-origin":{"source":"charm-hub","type":"charm","id":"","risk":"stable","base":{"name":"ubuntu","channel":"22.04"}}}]}
            """));

        Assert.Empty(problems);
    }

    [SkippableFact]
    public void ValidateParams_WrongTypesInsideRefsAndMaps_NameEachPath()
    {
        var schema = FakeControllerHarness.LoadSchema();

        var problems = schema.ValidateParams("Application", "Deploy", JsonNode.Parse("""
            {"applications":[{"application":"pg","charm-url":"ch:pg","channel":"","num-units":"1",
              "config":{"profile":3},"config-yaml":"","constraints":{"mem":"big"},"force":true}]}
            """));

        Assert.Equal(
            [
                "$.applications[0]: the required key \"Force\" is missing",
                "$.applications[0].num-units: expected an integer, got \"1\"",
                "$.applications[0].config.profile: expected a string, got 3",
                "$.applications[0].constraints.mem: expected an integer, got \"big\"",
                "$.applications[0]: unknown key \"force\" (definition ApplicationDeploy)",
            ],
            problems);
    }

    [SkippableFact]
    public void ValidateResult_EmbeddedStructArtefact_IsNeitherRequiredNorAllowed()
    {
        var schema = FakeControllerHarness.LoadSchema();
        const string HostPort = """{"value":"10.0.0.5","type":"ipv4","scope":"public","port":17070}""";

        var inline = schema.ValidateResult("Admin", "RedirectInfo", JsonNode.Parse($$"""{"servers":[[{{HostPort}}]],"ca-cert":"pem"}"""));
        var embedded = schema.ValidateResult("Admin", "RedirectInfo", JsonNode.Parse($$"""{"servers":[[{"Address":{"value":"x","type":"ipv4","scope":"public"},"value":"x","type":"ipv4","scope":"public","port":1}]],"ca-cert":"pem"}"""));

        Assert.Empty(inline);
        Assert.Equal(["$.servers[0][0]: \"Address\" is an embedded Go struct; its keys go inline and \"Address\" itself never appears on the wire"], embedded);
    }

    [SkippableFact]
    public void ValidateResult_AgentVersionStringAndDeltaTuples_AreValid()
    {
        var schema = FakeControllerHarness.LoadSchema();

        var deltas = schema.ValidateResult("AllWatcher", "Next", JsonNode.Parse("""{"deltas":[["unit","change",{"name":"pg/0"}]]}"""));
        var badDelta = schema.ValidateResult("AllWatcher", "Next", JsonNode.Parse("""{"deltas":[{"entity":{},"removed":false}]}"""));
        var version = schema.Validate("ModelSummary", JsonNode.Parse("""{"name":"m","uuid":"u","type":"iaas","controller-uuid":"c","cloud-tag":"cloud-x","owner-tag":"user-admin","life":"alive","is-controller":false,"default-base":"","provider-type":"lxd","agent-version":"3.6.27","status":{"status":"available","info":"","since":"2024-11-26T10:00:00.123456789Z"},"user-access":"admin"}"""));

        Assert.Empty(deltas);
        Assert.Single(badDelta);
        Assert.DoesNotContain(version, p => p.Contains("agent-version", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ValidateParams_NoParamsMethodWithParams_IsInvalid()
    {
        var schema = FakeControllerHarness.LoadSchema();

        Assert.Empty(schema.ValidateParams("Pinger", "Ping", null));
        Assert.Empty(schema.ValidateParams("Pinger", "Ping", new JsonObject()));
        Assert.Equal(["$: Pinger.Ping takes no params, got {\"now\":true}"], schema.ValidateParams("Pinger", "Ping", JsonNode.Parse("""{"now":true}""")));
    }
}
