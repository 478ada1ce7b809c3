// LocalUnit: a throw-away Juju unit on this machine. It installs the fake hook tools
// (tools/fake-hook-tools, embedded in this assembly) in a temp dir next to a charm dir and a
// FAKE_JUJU_DIR, sets canned answers, builds a Juju-like environment, runs a charm's dispatch as
// the unit agent would, and reads back the hook-tool calls it made.
using System.Globalization;
using System.Text;

namespace MlObs.Ops.Testing;

/// <summary>One hook-tool call from <c>calls.log</c>.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Args">Its arguments.</param>
/// <param name="Stdin">What it read from stdin, when it was called with <c>--file -</c>.</param>
public sealed record RecordedCall(string Tool, IReadOnlyList<string> Args, string? Stdin)
{
    /// <summary>The call as a shell would show it, with stdin after <c>&lt;&lt;&lt;</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var line = string.Join(' ', new[] { Tool }.Concat(Args).Select(Quote));
        return Stdin is null ? line : $"{line} <<< {Stdin.Trim()}";
    }

    private static string Quote(string field) =>
        field.Length > 0 && field.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:,".Contains(c, StringComparison.Ordinal))
            ? field
            : "'" + field.Replace("'", "'\\''", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "'";
}

/// <summary>
/// A throw-away Juju unit: a charm dir, the fake hook tools first on PATH, and their
/// FAKE_JUJU_DIR (canned answers in, recorded calls out). Dispose deletes it all.
/// </summary>
public sealed class LocalUnit : IDisposable
{
    /// <summary>The Juju version the unit reports (<c>JUJU_VERSION</c>).</summary>
    public const string JujuVersion = "3.6.8";

    private const char FieldEnd = '\u001f';
    private const string RecordEnd = "\u001e\n";
    private const string StdinField = "stdin=";

    private int _contexts;

    private LocalUnit(string root, string unitName, string modelName, string modelUuid)
    {
        Root = root;
        UnitName = unitName;
        ModelName = modelName;
        ModelUuid = modelUuid;
        ToolsDir = Path.Combine(root, "tools");
        CharmDir = Directory.CreateDirectory(Path.Combine(root, "charm")).FullName;
        JujuDir = Directory.CreateDirectory(Path.Combine(root, "juju")).FullName;
        Directory.CreateDirectory(Path.Combine(JujuDir, "responses"));
    }

    /// <summary>The unit's name (<c>JUJU_UNIT_NAME</c>).</summary>
    public string UnitName { get; }

    /// <summary>The model's name (<c>JUJU_MODEL_NAME</c>).</summary>
    public string ModelName { get; }

    /// <summary>The model's UUID (<c>JUJU_MODEL_UUID</c>).</summary>
    public string ModelUuid { get; }

    /// <summary>Whether <see cref="Dispose"/> leaves the files in place (to look at them afterwards).</summary>
    public bool Keep { get; set; }

    /// <summary>The temp dir that holds everything below; deleted by <see cref="Dispose"/>.</summary>
    public string Root { get; }

    /// <summary>One symlink per hook tool; first on PATH.</summary>
    public string ToolsDir { get; }

    /// <summary>The charm dir: JUJU_CHARM_DIR and the working directory of a dispatch.</summary>
    public string CharmDir { get; }

    /// <summary>FAKE_JUJU_DIR: calls.log, responses/, stdin/, state.json.</summary>
    public string JujuDir { get; }

    /// <summary>Creates the dirs and installs the fake hook tools (embedded in this assembly).</summary>
    /// <param name="unitName">The unit's name.</param>
    /// <param name="modelName">The model's name.</param>
    /// <param name="modelUuid">The model's UUID.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>The unit, with an empty charm dir.</returns>
    public static async Task<LocalUnit> CreateAsync(
        string unitName = "sample-k8s/0",
        string modelName = "mlobs-test",
        string modelUuid = "3f3a5c2e-8d0b-4c6e-9a57-1b2c3d4e5f60",
        CancellationToken cancellationToken = default)
    {
        var unit = new LocalUnit(Directory.CreateTempSubdirectory("mlobs-unit-").FullName, unitName, modelName, modelUuid);
        try
        {
            var source = Directory.CreateDirectory(Path.Combine(unit.Root, "fake-hook-tools")).FullName;
            foreach (var name in new[] { "fake-hook-tool", "install.sh" })
            {
                await using var resource = typeof(LocalUnit).Assembly.GetManifestResourceStream(name)
                    ?? throw new InvalidOperationException($"resource {name} is missing from {typeof(LocalUnit).Assembly.GetName().Name}");
                await using var file = File.Create(Path.Combine(source, name));
                await resource.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            MakeExecutable(Path.Combine(source, "fake-hook-tool"));
            var result = await ChildProcess.RunAsync(
                "/bin/sh", [Path.Combine(source, "install.sh"), unit.ToolsDir], unit.JujuEnvironment("hooks/install"), unit.Root,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"install.sh failed: {result.Describe()}");
            }

            return unit;
        }
        catch
        {
            unit.Dispose();
            throw;
        }
    }

    /// <summary>Puts a published charm in the charm dir: the binary as an executable <c>dispatch</c>, and its metadata files beside it.</summary>
    /// <param name="dispatchBinary">The charm's executable (e.g. a Native AOT publish).</param>
    /// <param name="metadataFiles">charmcraft.yaml, or metadata.yaml/config.yaml/actions.yaml.</param>
    public void InstallCharm(string dispatchBinary, params string[] metadataFiles)
    {
        ArgumentNullException.ThrowIfNull(metadataFiles);
        var dispatch = Path.Combine(CharmDir, "dispatch");
        File.Copy(dispatchBinary, dispatch, overwrite: true);
        MakeExecutable(dispatch);
        foreach (var file in metadataFiles)
        {
            File.Copy(file, Path.Combine(CharmDir, Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>Forgets the calls recorded so far (calls.log) and every canned answer.</summary>
    public void Reset()
    {
        File.Delete(Path.Combine(JujuDir, "calls.log"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(JujuDir, "responses")))
        {
            File.Delete(file);
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

    /// <summary>Deletes the temp dir, unless <see cref="Keep"/> is set.</summary>
    public void Dispose()
    {
        if (Keep)
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child still writing must not fail the test; the OS cleans /tmp eventually.
        }
    }

    private static void MakeExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Juju units run on Linux.");
        }

        File.SetUnixFileMode(path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
