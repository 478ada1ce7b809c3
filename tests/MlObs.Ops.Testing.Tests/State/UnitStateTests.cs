// UnitStateTests: the State records compare by content, vary with `with`, and find their objects.
using MlObs.Ops.Testing.State;
using static MlObs.Ops.Tests.State.StateFixtures;

namespace MlObs.Ops.Tests.State;

public sealed class UnitStateTests
{
    [Fact]
    public void Equals_TwoBuildsOfTheSameState_AreEqual()
    {
        Assert.Equal(Full(), Full());
        Assert.Equal(Full().GetHashCode(), Full().GetHashCode());
    }

    [Fact]
    public void Equals_ADatabagValueDiffers_NotEqual()
    {
        var changed = Full() with
        {
            Relations = [.. Full().Relations.Select(r => r.Id == 1 ? r with { RemoteAppData = new Dictionary<string, string> { ["username"] = "other" } } : r)],
        };

        Assert.NotEqual(Full(), changed);
    }

    [Fact]
    public void Equals_AConfigValueDiffers_NotEqual()
    {
        var changed = Full() with { Config = new Dictionary<string, System.Text.Json.JsonElement>(Full().Config) { ["port"] = Json("9001") } };

        Assert.NotEqual(Full(), changed);
    }

    [Fact]
    public void With_LeaderFalse_LeavesTheOriginalUnchanged()
    {
        var state = Full();

        var follower = state with { Leader = false };

        Assert.True(state.Leader);
        Assert.False(follower.Leader);
    }

    [Fact]
    public void GetSecret_ByIdWithModelPrefixOrByLabel_FindsIt()
    {
        var state = Full();

        Assert.NotNull(state.GetSecret($"secret://{state.Model.Uuid}/d0erdn5mp25c7a5ksvtg"));
        Assert.NotNull(state.GetSecret(SecretId));
        Assert.NotNull(state.GetSecret("api-token"));
        Assert.Null(state.GetSecret("secret:aaaaaaaaaaaaaaaaaaaa"));
    }

    [Fact]
    public void RemoteUnitNames_PeerRelation_UsesTheLocalApplication()
    {
        var relation = Full().GetRelation(2)!;

        Assert.Equal(["drift/1"], relation.RemoteUnitNames("drift"));
    }

    [Fact]
    public void Subordinate_Factory_HasOneRemoteUnit()
    {
        var relation = RelationState.Subordinate("logging", 3, "loki");

        Assert.Equal(RelationKind.Subordinate, relation.Kind);
        Assert.Equal(["loki/0"], relation.RemoteUnitNames("drift"));
    }
}
