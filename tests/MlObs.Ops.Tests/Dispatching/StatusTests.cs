// Tests of status priority (ops' StatusBase._priorities) and status names.
namespace MlObs.Ops.Tests.Dispatching;

public sealed class StatusTests
{
    [Fact]
    public void Highest_AllKinds_FollowsOpsPriority()
    {
        StatusBase[] statuses = [new UnknownStatus(), new ActiveStatus("a"), new WaitingStatus("w"), new MaintenanceStatus("m"), new BlockedStatus("b"), new ErrorStatus("e")];

        var ordered = new List<string>();
        var remaining = statuses.ToList();
        while (remaining.Count > 0)
        {
            var best = StatusBase.Highest(remaining)!;
            ordered.Add(best.Name);
            remaining.Remove(best);
        }

        Assert.Equal(["error", "blocked", "maintenance", "waiting", "active", "unknown"], ordered);
    }

    [Fact]
    public void Highest_Tie_KeepsFirstAdded()
    {
        var winner = StatusBase.Highest([new BlockedStatus("first"), new BlockedStatus("second")]);

        Assert.Equal("first", winner!.Message);
    }

    [Fact]
    public void Highest_Empty_IsNull() => Assert.Null(StatusBase.Highest([]));

    [Theory]
    [InlineData("active")]
    [InlineData("blocked")]
    [InlineData("maintenance")]
    [InlineData("waiting")]
    [InlineData("error")]
    [InlineData("unknown")]
    public void FromName_KnownName_RoundTrips(string name) => Assert.Equal(name, StatusBase.FromName(name, "m").Name);

    [Fact]
    public void FromName_UnknownName_Throws() =>
        Assert.Throws<ArgumentException>(() => StatusBase.FromName("happy", string.Empty));
}
