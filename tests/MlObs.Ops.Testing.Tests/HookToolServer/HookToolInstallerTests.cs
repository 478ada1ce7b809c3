// Tests of HookToolInstaller and the wire codec that need no published client.
using MlObs.Ops.Testing.HookTools;

namespace MlObs.Ops.Tests.HookToolServer;

public sealed class HookToolInstallerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlobs-installer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task InstallAsync_DefaultNames_OneLinkPerJuju36SidecarTool()
    {
        var client = Path.Combine(_root, "mlobs-jujuc");
        await File.WriteAllTextAsync(client, "");
        var tools = Path.Combine(_root, "tools");

        await HookToolInstaller.InstallAsync(tools, client);
        await HookToolInstaller.InstallAsync(tools, client); // again: replaces, does not fail

        var links = Directory.GetFileSystemEntries(tools).Select(path => new FileInfo(path)).ToList();
        Assert.Equal(39, links.Count);
        Assert.All(links, link => Assert.Equal(client, link.LinkTarget));
        Assert.Equal(HookToolInstaller.ToolNames.Order(StringComparer.Ordinal), links.Select(l => l.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InstallAsync_NameWithSlash_Throws()
    {
        var client = Path.Combine(_root, "mlobs-jujuc");
        await File.WriteAllTextAsync(client, "");

        await Assert.ThrowsAsync<ArgumentException>(() => HookToolInstaller.InstallAsync(Path.Combine(_root, "t"), client, ["../x"]));
    }
}
