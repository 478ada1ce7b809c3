// Approval test of the public surface of MlObs.Drift: a change to it shows up as a diff of the approved text file.
using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace MlObs.Drift.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void MlObsDrift_PublicApi_MatchesApprovedText() => AssertApproved();

    private static void AssertApproved([CallerFilePath] string here = "")
    {
        var api = typeof(MlObs.Drift.Methods.KolmogorovSmirnov).Assembly
            .GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute"] })
            .ReplaceLineEndings("\n");
        var directory = Path.GetDirectoryName(here)!;
        var approved = Path.Combine(directory, "MlObs.Drift.approved.txt");
        var received = Path.Combine(directory, "MlObs.Drift.received.txt");
        var expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : string.Empty;
        if (api != expected)
        {
            File.WriteAllText(received, api);
            Assert.Fail($"The public API of MlObs.Drift changed. Review {received} and, if the change is intended, move it over {approved}.");
        }

        File.Delete(received);
    }
}
