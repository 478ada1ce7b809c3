// Shared: where the tests find the repository and the shared data beside it (../shared: Juju's
// schema and the recorded responses), which is read at test time and never copied into the repo.
using Juju.Net.Generator;

namespace Juju.Net.Tests;

internal static class Shared
{
    public static string RepoRoot =>
        GeneratorCommand.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"MlObs.sln not found above {AppContext.BaseDirectory}");

    public static string SchemaPath => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "juju-schema", "schema.json"));

    public static string FixturesDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "juju-fixtures"));

    /// <summary>Skips the test, saying what is missing, when Juju's schema is not beside the repository.</summary>
    public static void SkipUnlessSchema() =>
        Skip.IfNot(File.Exists(SchemaPath), $"Juju's schema is not at {SchemaPath} (the shared dir beside the repository root); regeneration is not checked.");

    /// <summary>Skips the test, saying what is missing, when the recorded responses are not beside the repository.</summary>
    public static string Fixture(string name)
    {
        var path = Path.Combine(FixturesDir, name);
        Skip.IfNot(File.Exists(path), $"The recorded response {path} is missing (the shared dir beside the repository root); not checked.");
        return path;
    }
}
