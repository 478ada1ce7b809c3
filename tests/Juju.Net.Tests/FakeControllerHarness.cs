// FakeControllerHarness: starts a FakeController on Juju's schema from ../shared (skipping the test, with the
// path, when the schema is absent) and builds the connection options that reach it.
using Juju.Net.Testing;

namespace Juju.Net.Tests;

internal static class FakeControllerHarness
{
    public const string ModelUuid = "0b7a5c1e-3f1d-4e2a-9c8b-2d6f4a1e9b70";

    private static readonly Lazy<JujuApiSchema> Schema = new(() => JujuApiSchema.Load(Shared.SchemaPath));

    /// <summary>The schema, or a skipped test when it is not beside the repository.</summary>
    public static JujuApiSchema LoadSchema()
    {
        Shared.SkipUnlessSchema();
        return Schema.Value;
    }

    public static Task<FakeController> StartAsync(IFakeApi api, Func<FakeControllerOptions, FakeControllerOptions>? configure = null)
    {
        var options = new FakeControllerOptions { Schema = LoadSchema(), Api = api, Models = [ModelUuid] };
        return FakeController.StartAsync(configure is null ? options : configure(options));
    }

    public static JujuConnectionOptions Options(FakeController controller, string? modelUuid = ModelUuid) => new()
    {
        Addresses = [controller.Address],
        CaCert = controller.CaCert,
        User = "admin",
        Password = "secret",
        ModelUuid = modelUuid,
        CallTimeout = TimeSpan.FromSeconds(20),
    };
}
