using System.Buffers;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using MlObs.DriftMonitor.Storage;

namespace MlObs.DriftMonitor.Tests.Storage;

public sealed class RecordCodecTests
{
    private static readonly DateTimeOffset Received = new(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2));

    private static LoggedBatch Sample()
    {
        double nanWithPayload = BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF);
        var numbers = new NumericValues("age", new[] { 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, nanWithPayload }, invalidCount: 1);
        var labels = new CategoryValues("city", new string?[] { "Zürich", null, "東京", "🙂 emoji", "", "a\0b" }, invalidCount: 0);
        var flags = new CategoryValues("is_weekend", new string?[] { "true", "false", null, "true", "true", "false" });
        return new LoggedBatch("fraud-model/v2 ✓", RecordHalf.Request, "evt-ü-42", Received, new RowBatch(6, [numbers, labels, flags]));
    }

    private static void AssertSame(LoggedBatch expected, LoggedBatch actual)
    {
        Assert.Equal(expected.Model, actual.Model);
        Assert.Equal(expected.Half, actual.Half);
        Assert.Equal(expected.JoinKey, actual.JoinKey);
        Assert.Equal(expected.ReceivedAt, actual.ReceivedAt);
        Assert.Equal(TimeSpan.Zero, actual.ReceivedAt.Offset);
        Assert.Equal(expected.Rows.RowCount, actual.Rows.RowCount);
        Assert.Equal(expected.Rows.Columns.Count, actual.Rows.Columns.Count);
        for (int c = 0; c < expected.Rows.Columns.Count; c++)
        {
            ColumnValues want = expected.Rows.Columns[c];
            ColumnValues got = actual.Rows.Columns[c];
            Assert.Equal(want.Name, got.Name);
            Assert.Equal(want.InvalidCount, got.InvalidCount);
            Assert.Equal(want.GetType(), got.GetType());
            if (want is NumericValues numbers)
            {
                Assert.Equal(
                    numbers.Values.ToArray().Select(BitConverter.DoubleToInt64Bits),
                    ((NumericValues)got).Values.ToArray().Select(BitConverter.DoubleToInt64Bits));
            }
            else
            {
                Assert.Equal(((CategoryValues)want).Values.ToArray(), ((CategoryValues)got).Values.ToArray());
            }
        }
    }

    [Fact]
    public void EncodeDecode_NaNNullsAndUnicode_RoundTripExactly()
    {
        LoggedBatch batch = Sample();

        byte[] encoded = RecordCodec.Encode(batch);

        Assert.Equal(RecordCodec.GetEncodedLength(batch), encoded.Length);
        Assert.Equal(RecordCodec.FormatVersion, encoded[0]);
        AssertSame(batch, RecordCodec.Decode(encoded));
    }

    [Theory]
    [InlineData(RecordHalf.Whole)]
    [InlineData(RecordHalf.Request)]
    [InlineData(RecordHalf.Response)]
    public void EncodeDecode_EveryHalfAndNullJoinKey_RoundTrip(RecordHalf half)
    {
        var batch = new LoggedBatch("m", half, null, DateTimeOffset.UnixEpoch.AddMilliseconds(-1), new RowBatch(1, [new NumericValues("x", new[] { 2.0 })]));

        AssertSame(batch, RecordCodec.Decode(RecordCodec.Encode(batch)));
    }

    [Fact]
    public void EncodeDecode_EmptyBatches_RoundTrip()
    {
        var noColumns = new LoggedBatch("", RecordHalf.Whole, "", Received, new RowBatch(0, []));
        var noRows = new LoggedBatch("m", RecordHalf.Response, null, Received,
            new RowBatch(0, [new NumericValues("x", ReadOnlyMemory<double>.Empty), new CategoryValues("y", ReadOnlyMemory<string?>.Empty)]));

        AssertSame(noColumns, RecordCodec.Decode(RecordCodec.Encode(noColumns)));
        AssertSame(noRows, RecordCodec.Decode(RecordCodec.Encode(noRows)));
        Assert.Equal("", RecordCodec.Decode(RecordCodec.Encode(noColumns)).JoinKey);
    }

    [Fact]
    public void EncodeDecode_ManyColumnsAndRows_RoundTrip()
    {
        var random = new Random(11);
        var columns = new List<ColumnValues>();
        for (int c = 0; c < 1000; c++)
        {
            columns.Add(c % 3 == 0
                ? new CategoryValues($"c{c}", Enumerable.Range(0, 300).Select(i => random.Next(10) == 0 ? null : $"label-{random.Next(200)}").ToArray())
                : new NumericValues($"n{c}", Enumerable.Range(0, 300).Select(_ => random.NextDouble() * 1e6 - 5e5).ToArray(), c % 7));
        }
        var batch = new LoggedBatch("wide", RecordHalf.Whole, null, Received, new RowBatch(300, columns));

        AssertSame(batch, RecordCodec.Decode(RecordCodec.Encode(batch)));
    }

    [Fact]
    public void Encode_IntoBufferWriter_SameBytesAsArray()
    {
        LoggedBatch batch = Sample();
        var writer = new ArrayBufferWriter<byte>(1);
        writer.Write<byte>([0xAA]);

        RecordCodec.Encode(batch, writer);

        Assert.Equal([0xAA, .. RecordCodec.Encode(batch)], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_LoneSurrogateOrInvalidCountAboveRows_ThrowsArgumentException()
    {
        var surrogate = new LoggedBatch("m", RecordHalf.Whole, null, Received, new RowBatch(1, [new CategoryValues("c", new string?[] { "\uD800" })]));
        var tooManyInvalid = new LoggedBatch("m", RecordHalf.Whole, null, Received, new RowBatch(1, [new NumericValues("n", new[] { 1.0 }, invalidCount: 2)]));

        Assert.Contains("column 'c'", Assert.Throws<ArgumentException>(() => RecordCodec.Encode(surrogate)).Message, StringComparison.Ordinal);
        Assert.Contains("'n'", Assert.Throws<ArgumentException>(() => RecordCodec.Encode(tooManyInvalid)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RecordCodec.Encode(Sample() with { Half = (RecordHalf)7 }));
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsInvalidDataException()
    {
        byte[] encoded = RecordCodec.Encode(Sample());

        for (int length = 0; length < encoded.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => RecordCodec.Decode(encoded.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Decode_SpecificDamage_ThrowsInvalidDataExceptionNamingTheProblem()
    {
        byte[] encoded = RecordCodec.Encode(new LoggedBatch("m", RecordHalf.Whole, null, Received, new RowBatch(1, [new CategoryValues("c", new string?[] { "é" })])));
        // Layout: [0] version, [1..2] model "m", [3] half, [4] join key null, [5..12] time, [13] rows, [14] columns,
        // [15..16] name "c", [17] tag, [18] invalid, [19] label length 3, [20..21] "é".

        string Problem(Action<byte[]> damage)
        {
            byte[] copy = (byte[])encoded.Clone();
            damage(copy);
            return Assert.Throws<InvalidDataException>(() => RecordCodec.Decode(copy)).Message;
        }

        Assert.Contains("version byte 9", Problem(b => b[0] = 9), StringComparison.Ordinal);
        Assert.Contains("half", Problem(b => b[3] = 3), StringComparison.Ordinal);
        Assert.Contains("tag 5", Problem(b => b[17] = 5), StringComparison.Ordinal);
        Assert.Contains("invalid values", Problem(b => b[18] = 2), StringComparison.Ordinal);
        Assert.Contains("not valid UTF-8", Problem(b => b[21] = 0xFF), StringComparison.Ordinal);
        Assert.Contains("model name is null", Problem(b => b[1] = 0), StringComparison.Ordinal);
        Assert.Contains("receive time", Problem(b => b[12] = 0x7F), StringComparison.Ordinal);
        Assert.Contains("follow the last column", Assert.Throws<InvalidDataException>(() => RecordCodec.Decode([.. encoded, 0])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HugeCounts_ThrowsWithoutAllocating()
    {
        // Version 1, model "m", whole, no join key, time 0, then 2^31-1 rows and 1 numeric column "x".
        byte[] hugeRows = [1, 2, (byte)'m', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, (byte)'x', 0, 0];
        byte[] overlongVarint = [1, 2, (byte)'m', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0];
        byte[] manyColumns = [1, 2, (byte)'m', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07];

        Assert.Contains("numbers", Assert.Throws<InvalidDataException>(() => RecordCodec.Decode(hugeRows)).Message, StringComparison.Ordinal);
        Assert.Contains("row count", Assert.Throws<InvalidDataException>(() => RecordCodec.Decode(overlongVarint)).Message, StringComparison.Ordinal);
        Assert.Contains("columns cannot fit", Assert.Throws<InvalidDataException>(() => RecordCodec.Decode(manyColumns)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomGarbageAndRandomByteFlips_NeverThrowAnythingButInvalidDataException()
    {
        var random = new Random(3);
        byte[] encoded = RecordCodec.Encode(Sample());
        for (int round = 0; round < 20_000; round++)
        {
            byte[] input;
            if (round % 2 == 0)
            {
                input = new byte[random.Next(1, 64)];
                random.NextBytes(input);
                if (round % 4 == 0)
                {
                    input[0] = RecordCodec.FormatVersion;
                }
            }
            else
            {
                input = (byte[])encoded.Clone();
                input[random.Next(input.Length)] = (byte)random.Next(256);
            }
            try
            {
                RecordCodec.Decode(input);
            }
            catch (InvalidDataException)
            {
                // The only failure a decoder may report.
            }
        }
    }
}
