// The gob codec subset against the byte sequences of encoding/gob's documentation (the Point
// example, integer encodings) and round trips: field matching by name, skipped and missing fields,
// type mismatches and malformed messages.
using MlObs.Ops.HookTools.Rpc;

namespace MlObs.Ops.Tests.HookTools.Rpc;

public sealed class GobCodecTests
{
    private static readonly GobStructType Point = new("Point", new GobField("X", GobKind.Int), new GobField("Y", GobKind.Int));

    // encoding/gob doc.go: Point{22, 33} on a fresh encoder, type definition first.
    private static readonly byte[] PointStream = Convert.FromHexString(
        "1fff8103010105506f696e7401ff8200" +
        "010201015801040001015901040000" + "00" +
        "07ff82012c014200");

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(7UL, "07")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "ff80")]
    [InlineData(256UL, "fe0100")]
    [InlineData(ulong.MaxValue, "f8ffffffffffffffff")]
    public void WriteUint_DocumentedValues_MatchGob(ulong value, string hex)
    {
        var writer = new GobWriter();

        writer.WriteUint(value);

        Assert.Equal(hex, Convert.ToHexStringLower(writer.WrittenSpan));
        Assert.Equal(value, new GobReader(writer.WrittenSpan.ToArray()).ReadUint());
    }

    [Theory]
    [InlineData(-129L, "fe0101")]
    [InlineData(22L, "2c")]
    [InlineData(-1L, "01")]
    [InlineData(-65L, "ff81")]
    [InlineData(65L, "ff82")]
    [InlineData(long.MinValue, "f8ffffffffffffffff")]
    [InlineData(long.MaxValue, "f8fffffffffffffffe")]
    public void WriteInt_DocumentedValues_MatchGob(long value, string hex)
    {
        var writer = new GobWriter();

        writer.WriteInt(value);

        Assert.Equal(hex, Convert.ToHexStringLower(writer.WrittenSpan));
        Assert.Equal(value, new GobReader(writer.WrittenSpan.ToArray()).ReadInt());
    }

    [Fact]
    public void Encode_PointTwice_IsTheDocumentedStreamThenTheValueAlone()
    {
        var encoder = new GobEncoder();
        var first = new GobWriter();
        var second = new GobWriter();
        var point = new GobStruct(Point).Set(0, 22L).Set(1, 33L);

        encoder.Encode(first, point);
        encoder.Encode(second, point);

        Assert.Equal(Convert.ToHexStringLower(PointStream), Convert.ToHexStringLower(first.WrittenSpan));
        Assert.Equal("07ff82012c014200", Convert.ToHexStringLower(second.WrittenSpan));
    }

    [Fact]
    public void Decode_DocumentedPointStream_YieldsThePoint()
    {
        var values = DecodeAll(PointStream, Point);

        var point = Assert.Single(values);
        Assert.Equal(22, point.GetInt(0));
        Assert.Equal(33, point.GetInt(1));
    }

    [Fact]
    public void Decode_FieldsInAnotherOrderAndAnExtraOne_MatchByNameAndLeaveTheExtraZero()
    {
        var reordered = new GobStructType("Other", new GobField("Y", GobKind.Int), new GobField("Z", GobKind.String), new GobField("X", GobKind.Int));

        var value = Assert.Single(DecodeAll(PointStream, reordered));

        Assert.Equal(33, value.GetInt(0));
        Assert.Equal(string.Empty, value.GetString(1));
        Assert.Equal(22, value.GetInt(2));
    }

    [Fact]
    public void Decode_FieldMissingLocally_IsSkipped()
    {
        var onlyY = new GobStructType("OnlyY", new GobField("Y", GobKind.Int));

        var value = Assert.Single(DecodeAll(PointStream, onlyY));

        Assert.Equal(33, value.GetInt(0));
    }

    [Fact]
    public void Decode_UnknownFieldsOfEveryKind_AreSkipped()
    {
        var wide = new GobStructType(
            "Wide",
            new GobField("A", GobKind.Strings), new GobField("B", GobKind.Bytes), new GobField("C", GobKind.Bool),
            new GobField("D", GobKind.Uint), new GobField("E", GobKind.Int), new GobField("Keep", GobKind.String));
        var narrow = new GobStructType("Narrow", new GobField("Keep", GobKind.String));
        var stream = EncodeAll(new GobStruct(wide)
            .Set(0, new[] { "x", "", "z" }).Set(1, new byte[] { 0, 1, 2 }).Set(2, true).Set(3, ulong.MaxValue).Set(4, -5L).Set(5, "kept"));

        var value = Assert.Single(DecodeAll(stream, narrow));

        Assert.Equal("kept", value.GetString(0));
    }

    [Fact]
    public void Decode_SignednessChanged_Throws()
    {
        var unsigned = new GobStructType("Point", new GobField("X", GobKind.Int), new GobField("Y", GobKind.Uint));

        var error = Assert.Throws<InvalidDataException>(() => DecodeAll(PointStream, unsigned));

        Assert.Contains("field Y", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NoFieldNamesInCommon_Throws()
    {
        var other = new GobStructType("CD", new GobField("C", GobKind.Int), new GobField("D", GobKind.Int));

        var error = Assert.Throws<InvalidDataException>(() => DecodeAll(PointStream, other));

        Assert.Contains("no fields matched", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ValueOfAnUndefinedType_Throws()
    {
        var error = Assert.Throws<InvalidDataException>(() => DecodeAll(Convert.FromHexString("07ff82012c014200"), Point));

        Assert.Contains("65", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TypeDefinedTwice_Throws()
    {
        var twice = PointStream[..32].Concat(PointStream[..32]).ToArray();

        Assert.Throws<InvalidDataException>(() => DecodeAll(twice, Point));
    }

    [Theory]
    [InlineData("05ff82012c01")] // the value message claims 5 bytes, then ends
    [InlineData("08ff82012c01420000")] // a byte after the end of the struct
    [InlineData("00")] // an empty message
    [InlineData("f9ffffffffffffff")] // a message length with too many bytes
    public void Decode_MalformedValueMessage_Throws(string valueHex)
    {
        var stream = PointStream[..32].Concat(Convert.FromHexString(valueHex)).ToArray();

        Assert.ThrowsAny<Exception>(() => DecodeAll(stream, Point));
    }

    [Fact]
    public void Decode_RandomBytes_ThrowOnlyInvalidData()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(1, 64)];
            random.NextBytes(garbage);
            try
            {
                _ = DecodeAll(garbage, JujucWire.Request);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                // Expected: garbage is refused with a data error, never a crash of another kind.
            }
        }
    }

    [Fact]
    public void RoundTrip_JujucRequest_KeepsEveryField()
    {
        string[] args = ["-r", "db:7", "", "ünï€ødé 🚀", "multi\nline"];
        var request = new JujucRequest("unit-0-hook-1", "/var/lib/juju", "relation-set", args, [], "token");
        var encoder = new GobEncoder();
        var output = new GobWriter();

        encoder.Encode(output, JujucWire.ToGob(request));
        encoder.Encode(output, JujucWire.ToGob(request with { Stdin = null, Token = "" }));
        var values = DecodeAll(output.WrittenSpan.ToArray(), JujucWire.Request);

        var first = JujucWire.FromGob(values[0]);
        Assert.Equal(request.ContextId, first.ContextId);
        Assert.Equal(request.Dir, first.Dir);
        Assert.Equal(request.CommandName, first.CommandName);
        Assert.Equal(args, first.Args);
        Assert.NotNull(first.Stdin);
        Assert.Empty(first.Stdin);
        Assert.Equal("token", first.Token);
        var second = JujucWire.FromGob(values[1]);
        Assert.Null(second.Stdin);
        Assert.Equal(string.Empty, second.Token);
    }

    [Fact]
    public void RoundTrip_LargeBytes_KeepsThemAndUsesAMultiByteLength()
    {
        var stdout = new byte[300_000];
        new Random(5).NextBytes(stdout);

        var stream = EncodeAll(new GobStruct(JujucWire.ExecResponse).Set(0, -2L).Set(1, stdout));
        var value = DecodeAll(stream, JujucWire.ExecResponse)[0];

        Assert.Equal(-2, value.GetInt(0));
        Assert.Equal(stdout, value.GetBytes(1));
        Assert.Empty(value.GetBytes(2));
    }

    [Fact]
    public void Decode_ValueOfAnotherTypeIntoNull_IsSkipped()
    {
        var decoder = new GobDecoder();
        var messages = Messages(PointStream);

        Assert.False(decoder.TryDecode(messages[0], null, out _));
        Assert.True(decoder.TryDecode(messages[1], null, out var skipped));
        Assert.Null(skipped);
    }

    private static byte[] EncodeAll(params GobStruct[] values)
    {
        var encoder = new GobEncoder();
        var output = new GobWriter();
        foreach (var value in values)
        {
            encoder.Encode(output, value);
        }

        return output.WrittenSpan.ToArray();
    }

    private static List<GobStruct> DecodeAll(byte[] stream, GobStructType expected)
    {
        var decoder = new GobDecoder();
        var values = new List<GobStruct>();
        foreach (var message in Messages(stream))
        {
            if (decoder.TryDecode(message, expected, out var value))
            {
                values.Add(value!);
            }
        }

        return values;
    }

    private static List<byte[]> Messages(byte[] stream)
    {
        using var input = new MemoryStream(stream);
        var messages = new List<byte[]>();
        while (GobFraming.ReadMessage(input) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }
}
