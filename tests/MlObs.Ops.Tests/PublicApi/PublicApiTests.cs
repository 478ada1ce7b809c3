// Approval tests of the public surface of the libraries: a change to it shows up as a diff of
// the approved text file, reviewed with the change that caused it.
using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace MlObs.Ops.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void MlObsOps_PublicApi_MatchesApprovedText() => AssertApproved(typeof(CharmHost).Assembly, "MlObs.Ops");

    [Fact]
    public void MlObsOpsTesting_PublicApi_MatchesApprovedText() => AssertApproved(typeof(MlObs.Ops.Testing.LocalUnit).Assembly, "MlObs.Ops.Testing");

    [Fact]
    public void MlObsBundles_PublicApi_MatchesApprovedText() => AssertApproved(typeof(MlObs.Bundles.BundleChecker).Assembly, "MlObs.Bundles");

    private static void AssertApproved(System.Reflection.Assembly assembly, string name, [CallerFilePath] string here = "")
    {
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute"] })
            .ReplaceLineEndings("\n");
        var directory = Path.GetDirectoryName(here)!;
        var approved = Path.Combine(directory, $"{name}.approved.txt");
        var received = Path.Combine(directory, $"{name}.received.txt");
        var expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : string.Empty;
        if (api != expected)
        {
            File.WriteAllText(received, api);
            Assert.Fail($"The public API of {name} changed. Review {received} and, if the change is intended, move it over {approved}.");
        }

        File.Delete(received);
    }
}
