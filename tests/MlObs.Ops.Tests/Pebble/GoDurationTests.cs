// GoDurationTests: Go's ParseDuration and Duration.String as Pebble uses them.
using MlObs.Ops.Pebble;

namespace MlObs.Ops.Tests.Pebble;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("500ms", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1h30m", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("2.5s", 2500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.s", TimeSpan.TicksPerSecond)]
    [InlineData(".5s", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("-1m", -TimeSpan.TicksPerMinute)]
    [InlineData("+3s", 3 * TimeSpan.TicksPerSecond)]
    [InlineData("1us", 10)]
    [InlineData("1\u00b5s", 10)]
    [InlineData("1\u03bcs", 10)]
    [InlineData("300ns", 3)]
    [InlineData("1h0m0s", TimeSpan.TicksPerHour)]
    [InlineData("30.000s", 30 * TimeSpan.TicksPerSecond)]
    public void TryParse_GoDuration_GivesTheValue(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    [InlineData("-")]
    [InlineData("1h-1m")]
    [InlineData("9999999999999999999h")]
    public void TryParse_NotAGoDuration_IsFalse(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
        Assert.False(GoDuration.IsValid(text));
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => GoDuration.Parse("soon"));

        Assert.Equal("invalid duration \"soon\"", ex.Message);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(30 * TimeSpan.TicksPerSecond, "30s")]
    [InlineData(TimeSpan.TicksPerHour, "1h0m0s")]
    [InlineData(90 * TimeSpan.TicksPerSecond, "1m30s")]
    [InlineData(1500 * TimeSpan.TicksPerMillisecond, "1.5s")]
    [InlineData(500 * TimeSpan.TicksPerMillisecond, "500ms")]
    [InlineData(15 * TimeSpan.TicksPerMillisecond / 10, "1.5ms")]
    [InlineData(10, "1\u00b5s")]
    [InlineData(1, "100ns")]
    [InlineData(-TimeSpan.TicksPerMinute, "-1m0s")]
    [InlineData(TimeSpan.TicksPerHour + 1, "1h0m0.0000001s")]
    public void Format_Duration_MatchesGoString(long ticks, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData(30_000, "30.000s")]
    [InlineData(1_500, "1.500s")]
    [InlineData(4, "0.004s")]
    public void FormatSeconds_Duration_MatchesOps(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.FormatSeconds(TimeSpan.FromMilliseconds(milliseconds)));
}
