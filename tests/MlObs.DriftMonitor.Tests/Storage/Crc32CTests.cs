using MlObs.DriftMonitor.Storage;

namespace MlObs.DriftMonitor.Tests.Storage;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckValue_MatchesCastagnoli()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.ComputeWithTable("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Compute_EveryLengthUpTo100_MatchesTableAndComposes()
    {
        var random = new Random(7);
        for (int length = 0; length <= 100; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            uint expected = Crc32C.ComputeWithTable(data);

            Assert.Equal(expected, Crc32C.Compute(data));
            for (int split = 0; split <= length; split += 7)
            {
                Assert.Equal(expected, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
            }
        }
    }
}
