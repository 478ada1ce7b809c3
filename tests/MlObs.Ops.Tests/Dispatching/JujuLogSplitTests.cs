// Tests of how long log messages are split across juju-log calls (ops' log_split).
using Microsoft.Extensions.Logging;
using MlObs.Ops.Logging;

namespace MlObs.Ops.Tests.Dispatching;

public sealed class JujuLogSplitTests
{
    [Fact]
    public void Split_ShortMessage_IsOneLine() => Assert.Equal(["hello"], JujuLoggerProvider.Split("hello"));

    [Fact]
    public void Split_Empty_IsNothing() => Assert.Empty(JujuLoggerProvider.Split(string.Empty));

    [Fact]
    public void Split_LongMessage_AnnouncesThenChunks()
    {
        var lines = JujuLoggerProvider.Split(new string('x', 25), maxLength: 10).ToList();

        Assert.Equal("Log string greater than 10. Splitting into multiple chunks: ", lines[0]);
        Assert.Equal([10, 10, 5], lines.Skip(1).Select(l => l.Length));
    }

    [Fact]
    public void Split_ExactlyMax_IsOneLine() => Assert.Single(JujuLoggerProvider.Split(new string('x', 10), maxLength: 10));

    [Theory]
    [InlineData(LogLevel.Trace, "TRACE")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARNING")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "CRITICAL")]
    public void JujuLevel_Level_MapsToJujuName(LogLevel level, string expected) =>
        Assert.Equal(expected, JujuLoggerProvider.JujuLevel(level));
}
