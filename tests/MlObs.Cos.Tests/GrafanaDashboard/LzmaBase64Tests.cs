// LzmaBase64Tests: base64(xz) as cosl writes and reads it, through the system's liblzma.
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using MlObs.Cos.Compression;

namespace MlObs.Cos.Tests.GrafanaDashboard;

public sealed class LzmaBase64Tests
{
    private static readonly byte[] XzMagic = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    [Fact]
    public void Compress_WritesAnXzStreamThatDecodesToTheInput()
    {
        const string json = """{"title": "caf\u00e9", "panels": []}""";

        var encoded = LzmaBase64.Compress(json);
        var bytes = Convert.FromBase64String(encoded);

        Assert.Equal(XzMagic, bytes[..6]);
        Assert.Equal([0x00, 0x04], bytes[6..8]); // stream flags: CRC64, as lzma.compress()
        Assert.Equal(json, LzmaBase64.Decompress(encoded));
    }

    [Fact]
    public void RoundTrip_AnyText() =>
        Gen.String.Sample(
            text =>
            {
                var valid = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)); // lone surrogates cannot be UTF-8
                Assert.Equal(valid, LzmaBase64.Decompress(LzmaBase64.Compress(valid)));
            },
            iter: 200);

    [Fact]
    public void Decompress_TheGoldenContent_GivesTheDashboardThePythonLibraryEncoded()
    {
        var content = GoldenTemplate()["content"]!.GetValue<string>();

        var text = LzmaBase64.Decompress(content);

        Assert.StartsWith("""{"title": "My App Overview", "version": 3, "uid": "02b2f5a06c5423a692195263e711685c65df3934", """, text, StringComparison.Ordinal);
        Assert.Equal(XzMagic, Convert.FromBase64String(content)[..6]);
    }

    [Fact]
    public void Compress_IsByteForByteWhatPythonsLzmaCompressWrites()
    {
        var content = GoldenTemplate()["content"]!.GetValue<string>();

        Assert.Equal(content, LzmaBase64.Compress(LzmaBase64.Decompress(content)));
    }

    [Fact]
    public void Decompress_LegacyLzmaAlone_AsPythonsFormatAuto()
    {
        // lzma.compress(b"hello", format=lzma.FORMAT_ALONE), as Python writes it.
        var alone = Convert.ToBase64String(LzmaAlone());

        Assert.Equal("hello", LzmaBase64.Decompress(alone));
    }

    [Fact]
    public void Decompress_ConcatenatedStreams_AndTrailingGarbage_AsPython()
    {
        var a = LzmaBase64.CompressBytes("ab"u8);
        var b = LzmaBase64.CompressBytes("cd"u8);

        Assert.Equal("abcd", LzmaBase64.Decompress(Convert.ToBase64String([.. a, .. b])));
        Assert.Equal("ab", LzmaBase64.Decompress(Convert.ToBase64String([.. a, .. "garbage"u8])));
    }

    [Theory]
    [InlineData("aGVsbG8=", "Input format not supported by decoder")]
    [InlineData("", "Compressed data ended before the end-of-stream marker was reached")]
    public void Decompress_NotXz_IsAnLzmaExceptionWithPythonsMessage(string base64, string message)
    {
        var ex = Assert.Throws<LzmaException>(() => LzmaBase64.Decompress(base64));

        Assert.Equal(message, ex.Message);
        Assert.False(ex.LimitExceeded);
    }

    [Fact]
    public void Decompress_Truncated_IsAnLzmaException()
    {
        var bytes = Convert.FromBase64String(LzmaBase64.Compress(new string('x', 1000)));

        var ex = Assert.Throws<LzmaException>(() => LzmaBase64.Decompress(Convert.ToBase64String(bytes[..20])));

        Assert.Equal("Compressed data ended before the end-of-stream marker was reached", ex.Message);
    }

    [Fact]
    public void Decompress_Corrupt_IsAnLzmaException()
    {
        var bytes = Convert.FromBase64String(LzmaBase64.Compress(new string('x', 1000)));
        bytes[^10] ^= 0xFF;

        Assert.Throws<LzmaException>(() => LzmaBase64.Decompress(Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void Decompress_AnXzBomb_StopsAtTheBound()
    {
        var bomb = Convert.ToBase64String(LzmaBase64.CompressBytes(new byte[4 * 1024 * 1024]));

        var ex = Assert.Throws<LzmaException>(() => LzmaBase64.Decompress(bomb, maxDecompressedBytes: 1024 * 1024));

        Assert.True(ex.LimitExceeded);
        Assert.Equal(4 * 1024 * 1024, LzmaBase64.Decompress(bomb).Length);
    }

    [Theory]
    [InlineData("a", "Invalid base64-encoded string: number of data characters (1) cannot be 1 more than a multiple of 4")]
    [InlineData("abc", "Incorrect padding")]
    [InlineData("YQ", "Incorrect padding")]
    public void Base64_Invalid_IsAFormatExceptionWithPythonsMessage(string text, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => PyBase64.Decode(text)).Message);

    [Theory]
    [InlineData("ab==", "i")]
    [InlineData("ab==cd==", "i")]
    [InlineData("YQ==YWJj", "a")]
    [InlineData("YWJj\n", "abc")]
    [InlineData("YQ===", "a")]
    [InlineData("=YQ==", "a")]
    [InlineData("YW=Jj", "abc")]
    [InlineData("!!!!", "")]
    public void Base64_IsDecodedAsPythonsNonStrictB64decode(string text, string expected) =>
        Assert.Equal(expected, Encoding.Latin1.GetString(PyBase64.Decode(text)));

    [Fact]
    public void Decompress_NotUtf8_IsAFormatException() =>
        Assert.Throws<FormatException>(() => LzmaBase64.Decompress(Convert.ToBase64String(LzmaBase64.CompressBytes([0xC3, 0x28]))));

    internal static JsonObject GoldenTemplate()
    {
        var databag = Golden.Load("golden/produce-grafana.out.json")["app databag"]!["dashboards"]!.GetValue<string>();
        return JsonNode.Parse(databag)!["templates"]!["file:overview"]!.AsObject();
    }

    private static byte[] LzmaAlone() => Convert.FromBase64String("XQAAgAD//////////wA0GUnujmgh////ueAAAA==");
}
