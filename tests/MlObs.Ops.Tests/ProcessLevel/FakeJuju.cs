// FakeJuju: a throw-away Juju unit for process-level tests. It installs the fake hook tools
// (tools/fake-hook-tools) in a temp dir next to a charm dir and a FAKE_JUJU_DIR, sets canned
// answers, builds a Juju-like environment, runs a program as the unit agent would, and reads back
// the hook-tool calls it made.
using System.Globalization;
using System.Text;

namespace MlObs.Ops.Tests.ProcessLevel;

/// <summary>One hook-tool call from <c>calls.log</c>; <see cref="Stdin"/> is what it read from
/// stdin, when it was called with <c>--file -</c>.</summary>
internal sealed record RecordedCall(string Tool, IReadOnlyList<string> Args, string? Stdin);

internal sealed class FakeJuju : IDisposable
{
    public const string UnitName = "sample-k8s/0";
    public const string ModelName = "mlobs-test";
    public const string ModelUuid = "3f3a5c2e-8d0b-4c6e-9a57-1b2c3d4e5f60";
    public const string JujuVersion = "3.6.8";

    private const char FieldEnd = '\u001f';
    private const string RecordEnd = "\u001e\n";
    private const string StdinField = "stdin=";

    private int _contexts;

    private FakeJuju(string root)
    {
        Root = root;
        ToolsDir = Path.Combine(root, "tools");
        CharmDir = Directory.CreateDirectory(Path.Combine(root, "charm")).FullName;
        JujuDir = Directory.CreateDirectory(Path.Combine(root, "juju")).FullName;
        Directory.CreateDirectory(Path.Combine(JujuDir, "responses"));
    }

    /// <summary>The temp dir that holds everything below; deleted by <see cref="Dispose"/>.</summary>
    public string Root { get; }

    /// <summary>One symlink per hook tool; first on PATH.</summary>
    public string ToolsDir { get; }

    /// <summary>The charm dir: JUJU_CHARM_DIR and the working directory of a dispatch.</summary>
    public string CharmDir { get; }

    /// <summary>FAKE_JUJU_DIR: calls.log, responses/, stdin/, state.json.</summary>
    public string JujuDir { get; }

    /// <summary>Creates the dirs and installs the fake tools with <c>install.sh</c>.</summary>
    public static async Task<FakeJuju> CreateAsync(CancellationToken cancellationToken = default)
    {
        var fake = new FakeJuju(Directory.CreateTempSubdirectory("mlobs-fake-juju-").FullName);
        try
        {
            var install = Path.Combine(RepoPaths.Root, "tools", "fake-hook-tools", "install.sh");
            var result = await ChildProcess.RunAsync(
                "/bin/sh", [install, fake.ToolsDir], fake.JujuEnvironment("hooks/install"), fake.Root,
                cancellationToken: cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"install.sh failed: {result.Describe()}");
            }

            return fake;
        }
        catch
        {
            fake.Dispose();
            throw;
        }
    }

    /// <summary>The path of one fake tool, e.g. <c>ToolPath("relation-set")</c>.</summary>
    public string ToolPath(string tool) => Path.Combine(ToolsDir, tool);

    /// <summary>
    /// Makes <paramref name="tool"/> print <paramref name="stdout"/> (null: its default answer)
    /// and, when <paramref name="exitCode"/> is not 0 or <paramref name="stderr"/> is set, exit
    /// with that code after printing <paramref name="stderr"/>.
    /// </summary>
    public void Respond(string tool, string? stdout, int exitCode = 0, string? stderr = null)
    {
        var response = Path.Combine(JujuDir, "responses", tool);
        Write(response, stdout);
        var fails = exitCode != 0 || stderr is not null;
        Write(response + ".exit", fails ? exitCode.ToString(CultureInfo.InvariantCulture) : null);
        Write(response + ".stderr", fails ? stderr : null);

        static void Write(string path, string? content)
        {
            if (content is null)
            {
                File.Delete(path);
            }
            else
            {
                File.WriteAllText(path, content);
            }
        }
    }

    /// <summary>
    /// The environment Juju gives a hook or action at <paramref name="dispatchPath"/>
    /// (<c>hooks/install</c>, <c>actions/backup</c>), with FAKE_JUJU_DIR and PATH = tools dir +
    /// <c>:/usr/bin:/bin</c>; <paramref name="extra"/> adds or overrides variables (relation,
    /// workload, secret, action ones).
    /// </summary>
    public Dictionary<string, string> JujuEnvironment(
        string dispatchPath, IReadOnlyDictionary<string, string>? extra = null)
    {
        var name = dispatchPath[(dispatchPath.LastIndexOf('/') + 1)..];
        var isHook = dispatchPath.StartsWith("hooks/", StringComparison.Ordinal);
        var context = Interlocked.Increment(ref _contexts);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = ToolsDir + ":/usr/bin:/bin",
            ["FAKE_JUJU_DIR"] = JujuDir,
            ["JUJU_DISPATCH_PATH"] = dispatchPath,
            // Juju leaves the hook name empty for actions.
            ["JUJU_HOOK_NAME"] = isHook ? name : "",
            ["JUJU_UNIT_NAME"] = UnitName,
            ["JUJU_MODEL_NAME"] = ModelName,
            ["JUJU_MODEL_UUID"] = ModelUuid,
            ["JUJU_VERSION"] = JujuVersion,
            ["JUJU_CHARM_DIR"] = CharmDir,
            ["JUJU_CONTEXT_ID"] = string.Create(CultureInfo.InvariantCulture, $"{UnitName}-{name}-{context}"),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>Runs <paramref name="executable"/> with exactly <paramref name="environment"/>
    /// in the charm dir.</summary>
    public Task<ProcessResult> RunAsync(
        string executable,
        IReadOnlyDictionary<string, string> environment,
        IEnumerable<string>? arguments = null,
        string? stdin = null,
        CancellationToken cancellationToken = default) =>
        ChildProcess.RunAsync(
            executable, arguments ?? [], environment, CharmDir, stdin, cancellationToken: cancellationToken);

    /// <summary>Runs <c>./dispatch</c> for <paramref name="dispatchPath"/> as Juju would.</summary>
    public Task<ProcessResult> DispatchAsync(
        string dispatchPath,
        IReadOnlyDictionary<string, string>? extra = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(Path.Combine(CharmDir, "dispatch"), JujuEnvironment(dispatchPath, extra),
            cancellationToken: cancellationToken);

    /// <summary>The hook-tool calls so far, oldest first.</summary>
    public IReadOnlyList<RecordedCall> Calls()
    {
        var log = Path.Combine(JujuDir, "calls.log");
        if (!File.Exists(log))
        {
            return [];
        }

        var stdinPrefix = StdinField + Path.Combine(JujuDir, "stdin") + "/";
        var calls = new List<RecordedCall>();
        foreach (var record in File.ReadAllText(log, Encoding.UTF8).Split(RecordEnd))
        {
            if (record.Length == 0)
            {
                continue;
            }

            // Every field ends with the separator, so the last split element is empty.
            var fields = record.Split(FieldEnd).SkipLast(1).ToList();
            string? stdin = null;
            if (fields.Count > 1 && fields[^1].StartsWith(stdinPrefix, StringComparison.Ordinal))
            {
                stdin = File.ReadAllText(fields[^1][StdinField.Length..], Encoding.UTF8);
                fields.RemoveAt(fields.Count - 1);
            }

            calls.Add(new RecordedCall(fields[0], fields.Skip(1).ToList(), stdin));
        }

        return calls;
    }

    /// <summary>Deletes the temp dir.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child still writing must not fail the test; the OS cleans /tmp eventually.
        }
    }
}
