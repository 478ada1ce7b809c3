// InputDigestTests: the digest that lets a leader skip re-deriving its application databags tells apart every
// change of the inputs: file contents (with the same size and mtime, as in packed charms), names, item boundaries.
namespace MlObs.Cos.Tests;

public sealed class InputDigestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlobs-digest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AddPath_ContentChangedWithSameSizeAndMtime_Differs()
    {
        var file = Write("rules/a.rule", "expr: up == 0");
        var time = File.GetLastWriteTimeUtc(file);
        var before = Digest("rules");

        File.WriteAllText(file, "expr: up == 1");
        File.SetLastWriteTimeUtc(file, time);

        Assert.NotEqual(before, Digest("rules"));
    }

    [Fact]
    public void AddPath_LastByteOfALargeFileChanged_Differs()
    {
        var content = new string('x', 100_000);
        var file = Write("dashboards/big.json", content + "a");
        var before = Digest("dashboards");

        File.WriteAllText(file, content + "b");

        Assert.NotEqual(before, Digest("dashboards"));
    }

    [Fact]
    public void AddPath_SameFilesElsewhere_SameDigest()
    {
        Write("one/a.rule", "a");
        Write("one/sub/b.rule", "b");
        Write("two/a.rule", "a");
        Write("two/sub/b.rule", "b");

        Assert.Equal(Digest("one"), Digest("two"));
        Assert.Equal(Digest("one"), InputDigest.OfPath(Path.Combine(_dir, "one") + Path.DirectorySeparatorChar, recursive: true));
    }

    [Fact]
    public void AddPath_RenamedOrMovedFile_Differs()
    {
        Write("one/a.rule", "a");
        Write("two/b.rule", "a");
        Write("three/sub/a.rule", "a");

        Assert.NotEqual(Digest("one"), Digest("two"));
        Assert.NotEqual(Digest("one"), Digest("three"));
    }

    [Fact]
    public void AddPath_ContentMovedBetweenFiles_Differs()
    {
        Write("one/a", "ab");
        Write("one/b", "c");
        Write("two/a", "a");
        Write("two/b", "bc");

        Assert.NotEqual(Digest("one"), Digest("two"));
    }

    [Fact]
    public void AddPath_NotRecursive_IgnoresSubdirectories()
    {
        Write("one/a", "a");
        var before = InputDigest.OfPath(Path.Combine(_dir, "one"), recursive: false);

        Write("one/sub/b", "b");

        Assert.Equal(before, InputDigest.OfPath(Path.Combine(_dir, "one"), recursive: false));
        Assert.NotEqual(before, Digest("one"));
    }

    [Fact]
    public void AddPath_MissingEmptyAndFile_AllDiffer()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "empty"));
        var file = Write("file/a", string.Empty);

        string[] digests = [Digest("missing"), Digest("empty"), InputDigest.OfPath(file, recursive: true), new InputDigest().Hex()];

        Assert.Equal(digests.Length, digests.Distinct().Count());
    }

    [Fact]
    public void Add_BoundariesNullAndFilesCount()
    {
        var file = Write("file/a", "abc");
        string[] digests =
        [
            new InputDigest().Add("ab").Add("c").Hex(),
            new InputDigest().Add("a").Add("bc").Hex(),
            new InputDigest().Add("abc").Hex(),
            new InputDigest().Add(null).Hex(),
            new InputDigest().Add(string.Empty).Hex(),
            new InputDigest().AddPath(file, recursive: true).Hex(),
            new InputDigest().Add(new string('é', 5000)).Hex(),
            new InputDigest().Add(new string('é', 5001)).Hex(),
        ];

        Assert.Equal(digests.Length, digests.Distinct().Count());
        Assert.Equal(new InputDigest().Add("ab").Add("c").Hex(), digests[0]);
        Assert.Equal(new InputDigest().Add(new string('é', 5000)).Hex(), digests[6]);
    }

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private string Digest(string relative) => InputDigest.OfPath(Path.Combine(_dir, relative), recursive: true);
}
