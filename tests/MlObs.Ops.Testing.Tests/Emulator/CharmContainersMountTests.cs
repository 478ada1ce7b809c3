// CharmContainersMountTests: the emulator's private mount namespace. A process started through it
// sees the run's directory at /charm; the emulator itself and a run beside it do not; the thread that
// holds the namespace is gone once the mount is disposed. Needs Linux and root (CAP_SYS_ADMIN).
using System.Runtime.Versioning;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.Emulator;

namespace MlObs.Ops.Tests.Emulator;

[SupportedOSPlatform("linux")]
public sealed class CharmContainersMountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("charm-mount-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool IsRoot =>
        OperatingSystem.IsLinux() && File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:\t0\t", StringComparison.Ordinal));

    // A run's charm root holding one file whose name and content are unique to the test.
    private string CharmRootWith(string name, string content)
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        File.WriteAllText(Path.Combine(root, name), content);
        return root;
    }

    private static async Task<CharmContainersMount> CreateAsync(string runCharmRoot)
    {
        Skip.IfNot(IsRoot, "a private mount namespace needs Linux and root");
        var (mount, whyNot) = await CharmContainersMount.TryCreateAsync(runCharmRoot, CancellationToken.None);
        Assert.True(mount is not null, whyNot);
        return mount;
    }

    private static Task<ProcessResult> RunInAsync(CharmContainersMount mount, params string[] command) =>
        ChildProcess.RunAsync(
            command[0], command[1..], new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, "/", stdin: null, TimeSpan.FromSeconds(30), mount.Start, CancellationToken.None);

    private static string MountNamespace(string procDir) => new FileInfo(Path.Combine(procDir, "ns", "mnt")).LinkTarget!;

    [SkippableFact]
    public async Task Start_ProcessInTheNamespace_SeesTheRunsDirectoryAtCharm()
    {
        var name = $"marker-{Guid.NewGuid():N}";
        using var mount = await CreateAsync(CharmRootWith(name, "this run"));

        var cat = await RunInAsync(mount, "/bin/cat", $"{CharmContainersMount.CharmRoot}/{name}");

        Assert.True(cat.ExitCode == 0, cat.Describe());
        Assert.Equal("this run", cat.Stdout);
    }

    [SkippableFact]
    public async Task TryCreateAsync_TwoRunsAtOnce_EachSeesItsOwnCharm()
    {
        var first = $"first-{Guid.NewGuid():N}";
        var second = $"second-{Guid.NewGuid():N}";
        using var firstMount = await CreateAsync(CharmRootWith(first, "one"));
        using var secondMount = await CreateAsync(CharmRootWith(second, "two"));

        var firstSees = await RunInAsync(firstMount, "/bin/ls", CharmContainersMount.CharmRoot);
        var secondSees = await RunInAsync(secondMount, "/bin/ls", CharmContainersMount.CharmRoot);

        Assert.Equal([first], firstSees.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([second], secondSees.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [SkippableFact]
    public async Task TryCreateAsync_TheEmulatorsOwnMounts_AreUntouched()
    {
        var name = $"host-{Guid.NewGuid():N}";
        var root = CharmRootWith(name, "hidden");
        using var mount = await CreateAsync(root);

        // The process's own namespace (and this thread's) has no mount of the run's directory, while
        // the namespace's thread is in another namespace that has.
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(name, StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadLines("/proc/thread-self/mountinfo"), l => l.Contains(name, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(CharmContainersMount.CharmRoot, name)));
        var thread = $"/proc/self/task/{mount.ThreadId}";
        Assert.NotEqual(MountNamespace("/proc/self"), MountNamespace(thread));
        Assert.Contains(File.ReadLines(Path.Combine(thread, "mountinfo")), l => l.Contains(name, StringComparison.Ordinal) && l.Contains($" {CharmContainersMount.CharmRoot} ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Dispose_TheNamespacesThread_Exits()
    {
        var mount = await CreateAsync(CharmRootWith($"gone-{Guid.NewGuid():N}", "x"));
        var thread = $"/proc/self/task/{mount.ThreadId}";
        Assert.True(Directory.Exists(thread), $"{thread} should exist while the mount does");

        mount.Dispose();

        // The managed thread has ended when Dispose returns; the kernel task follows within moments.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists(thread) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.False(Directory.Exists(thread), $"{thread} still exists after Dispose");
    }

    [SkippableFact]
    public async Task Start_AfterDispose_Throws()
    {
        var mount = await CreateAsync(CharmRootWith($"late-{Guid.NewGuid():N}", "x"));
        mount.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => RunInAsync(mount, "/bin/true"));
    }
}
