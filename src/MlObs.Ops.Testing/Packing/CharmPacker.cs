// CharmPacker: `mlobs charm pack`. Finds the charm's C# project, publishes it Native AOT, asks the binary what it
// observes (describe mode of CharmHost), checks charmcraft.yaml and the code against each other, and writes the .charm
// zip with the layout charmcraft gives it (dispatch, manifest.yaml, metadata.yaml, config.yaml, actions.yaml, assets).
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Testing.Packing;

/// <summary>Packs a C# charm project into a <c>.charm</c> as charmcraft would, after validating it.</summary>
public static partial class CharmPacker
{
    /// <summary>Where the Native AOT publish goes, relative to the charm project's directory (ignored by git as bin/).</summary>
    public const string PublishSubdirectory = "bin/charm-pack";

    /// <summary>The default layout directory of <see cref="CharmPackOptions.LayoutOnly"/>, relative to the charm dir.</summary>
    public const string DefaultLayoutDirectory = "build/charm";

    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // Files of src/ that are the charm's code, not assets to ship.
    private static readonly string[] CodeExtensions = [".cs", ".csproj", ".fs", ".fsproj", ".vb", ".vbproj", ".props", ".targets", ".sln", ".slnx", ".resx", ".editorconfig"];

    private static readonly string[] LegacyFiles = ["metadata.yaml", "config.yaml", "actions.yaml"];

    private static readonly string[] RelationSections = ["requires", "provides", "peers"];

    private static readonly string[] ExcludedDirectories = ["bin", "obj", "build", "node_modules"];

    // Entries of a charm's root that ship as they are (charmcraft's CHARM_OPTIONAL_FILES that a C# charm may have).
    private static readonly string[] RootFiles = ["README.md", "LICENSE", "icon.svg"];

    private static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Validates and packs the charm at <see cref="CharmPackOptions.CharmDir"/>. Problems in the charm (a missing or
    /// invalid charmcraft.yaml, no or several Native AOT projects, a failed publish, an action or relation the code and
    /// charmcraft.yaml disagree on) come back in <see cref="CharmPackResult.Problems"/> and nothing is written.
    /// </summary>
    /// <param name="options">What to pack.</param>
    /// <param name="progress">Where phase lines go (stderr on the command line).</param>
    /// <param name="cancellationToken">Cancels the publish and the pack.</param>
    /// <returns>The output path and every problem found.</returns>
    /// <exception cref="CharmPackUsageException">The charm dir does not exist, or the runtime identifier is not linux-x64 or linux-arm64.</exception>
    public static async Task<CharmPackResult> PackAsync(CharmPackOptions options, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var charmDir = Path.GetFullPath(options.CharmDir);
        if (!Directory.Exists(charmDir))
        {
            throw new CharmPackUsageException($"the charm dir {options.CharmDir} does not exist");
        }

        if (!CharmProject.IsKnownRuntime(options.RuntimeIdentifier))
        {
            throw new CharmPackUsageException($"--rid {options.RuntimeIdentifier}: charms run on linux-x64 (amd64) or linux-arm64 (arm64)");
        }

        var problems = new List<CharmPackProblem>();
        var project = ReadProject(charmDir, problems);
        var csproj = FindCharmProject(charmDir, problems);
        if (project is null || csproj is null || HasErrors(problems))
        {
            return Failed(problems);
        }

        project.Check(options.RuntimeIdentifier);
        problems.AddRange(project.Problems);
        var metadataFiles = RenderMetadata(project, options.TimeProvider.GetUtcNow());
        if (!HasErrors(problems))
        {
            // A backstop behind the checks above: what the charm reads at every dispatch must load in MlObs.Ops.
            CheckWithRuntimeParser(metadataFiles, problems);
        }

        if (HasErrors(problems))
        {
            return Failed(problems);
        }

        var binary = await PublishAsync(charmDir, csproj, options, progress, problems, cancellationToken).ConfigureAwait(false);
        if (binary is null)
        {
            return Failed(problems);
        }

        await progress.WriteLineAsync($"Asking {Path.GetFileName(binary)} which events it observes (describe mode) ...").ConfigureAwait(false);
        await CompareWithCodeAsync(charmDir, binary, project, problems, cancellationToken).ConfigureAwait(false);
        if (HasErrors(problems))
        {
            return Failed(problems);
        }

        var entries = Layout(charmDir, binary, metadataFiles, options.LayoutOnly);
        if (options.LayoutOnly)
        {
            var layoutDir = Path.GetFullPath(options.OutputDir ?? Path.Combine(charmDir, DefaultLayoutDirectory));
            WriteLayout(layoutDir, entries);
            await progress.WriteLineAsync($"Laid out {entries.Count} files in {layoutDir} for charmcraft pack (dump plugin).").ConfigureAwait(false);
            return Succeeded(layoutDir, entries, problems);
        }

        var outputDir = Path.GetFullPath(options.OutputDir ?? charmDir);
        Directory.CreateDirectory(outputDir);
        var charmPath = Path.Combine(outputDir, project.CharmFileName!);
        WriteZip(charmPath, entries);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Packed {entries.Count} files, {new FileInfo(charmPath).Length / 1024} KiB.")).ConfigureAwait(false);
        return Succeeded(charmPath, entries, problems);
    }

    private static CharmPackResult Failed(List<CharmPackProblem> problems) => new() { Problems = Sorted(problems) };

    private static CharmPackResult Succeeded(string path, IReadOnlyList<LayoutEntry> entries, List<CharmPackProblem> problems) =>
        new() { OutputPath = path, Entries = entries.Select(e => e.Path).ToList(), Problems = Sorted(problems) };

    private static List<CharmPackProblem> Sorted(List<CharmPackProblem> problems) =>
        problems.Where(p => p.Severity == CharmPackSeverity.Error).Concat(problems.Where(p => p.Severity != CharmPackSeverity.Error)).ToList();

    private static bool HasErrors(List<CharmPackProblem> problems) => problems.Exists(p => p.Severity == CharmPackSeverity.Error);

    private static CharmProject? ReadProject(string charmDir, List<CharmPackProblem> problems)
    {
        var path = Path.Combine(charmDir, CharmProject.FileName);
        if (!File.Exists(path))
        {
            problems.Add(new(CharmPackSeverity.Error, CharmProject.FileName, string.Empty, $"missing: {charmDir} is not a charm project"));
            return null;
        }

        foreach (var legacy in LegacyFiles)
        {
            if (File.Exists(Path.Combine(charmDir, legacy)))
            {
                problems.Add(new(CharmPackSeverity.Error, legacy, string.Empty, "charmcraft would ship this file instead of generating it from charmcraft.yaml; move its content into charmcraft.yaml and delete it"));
            }
        }

        return CharmProject.Parse(File.ReadAllText(path), problems);
    }

    /// <summary>The one *.csproj under the charm dir (bin, obj and build excluded) that sets PublishAot to true.</summary>
    private static string? FindCharmProject(string charmDir, List<CharmPackProblem> problems)
    {
        var candidates = EnumerateFiles(charmDir, "*.csproj")
            .Where(path => PublishAotRegex().IsMatch(File.ReadAllText(path)))
            .Order(StringComparer.Ordinal)
            .ToList();
        switch (candidates.Count)
        {
            case 1:
                return candidates[0];
            case 0:
                problems.Add(new(CharmPackSeverity.Error, "*.csproj", string.Empty, $"no C# project with <PublishAot>true</PublishAot> under {charmDir} (bin, obj and build excluded): the charm's code must be one Native AOT project"));
                return null;
            default:
                problems.Add(new(CharmPackSeverity.Error, "*.csproj", string.Empty, $"{candidates.Count} C# projects with <PublishAot>true</PublishAot> ({string.Join(", ", candidates.Select(c => Path.GetRelativePath(charmDir, c)))}); a charm dir holds exactly one charm project"));
                return null;
        }
    }

    private static IEnumerable<string> EnumerateFiles(string root, string pattern)
    {
        foreach (var file in Directory.EnumerateFiles(root, pattern))
        {
            yield return file;
        }

        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith('.') || ExcludedDirectories.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            foreach (var file in EnumerateFiles(dir, pattern))
            {
                yield return file;
            }
        }
    }

    private static async Task<string?> PublishAsync(string charmDir, string csproj, CharmPackOptions options, TextWriter progress, List<CharmPackProblem> problems, CancellationToken cancellationToken)
    {
        var projectDir = Path.GetDirectoryName(csproj)!;
        var relative = Path.GetRelativePath(charmDir, csproj);
        var assemblyName = AssemblyNameRegex().Match(File.ReadAllText(csproj)) is { Success: true } m && !m.Groups[1].Value.Contains('$', StringComparison.Ordinal)
            ? m.Groups[1].Value.Trim()
            : Path.GetFileNameWithoutExtension(csproj);
        var publishDir = Path.Combine(projectDir, PublishSubdirectory, options.RuntimeIdentifier);
        var binary = Path.Combine(publishDir, assemblyName);
        if (!options.Publish)
        {
            if (File.Exists(binary))
            {
                await progress.WriteLineAsync($"Reusing {Path.GetRelativePath(charmDir, binary)} (--no-publish).").ConfigureAwait(false);
                return binary;
            }

            problems.Add(new(CharmPackSeverity.Error, relative, string.Empty, $"--no-publish, but there is no published binary at {binary}; pack once without --no-publish"));
            return null;
        }

        await progress.WriteLineAsync($"Publishing {relative} Native AOT for {options.RuntimeIdentifier} → {Path.GetRelativePath(charmDir, publishDir)} (about a minute) ...").ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var publish = await ChildProcess.RunAsync(
            ChildProcess.Dotnet,
            ["publish", csproj, "-c", "Release", "-r", options.RuntimeIdentifier, "-p:PublishAot=true", "-o", publishDir, "-nologo"],
            ChildProcess.EnvironmentForDotnet(),
            projectDir,
            timeout: TimeSpan.FromMinutes(20),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (options.Verbose || publish.ExitCode != 0)
        {
            await progress.WriteAsync(publish.Stdout).ConfigureAwait(false);
            await progress.WriteAsync(publish.Stderr).ConfigureAwait(false);
        }

        if (publish.ExitCode != 0 || !File.Exists(binary))
        {
            problems.Add(new(CharmPackSeverity.Error, relative, string.Empty, publish.ExitCode != 0
                ? $"dotnet publish failed (exit {publish.ExitCode}); its output is above"
                : $"dotnet publish made no {assemblyName} in {publishDir}"));
            return null;
        }

        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Published {assemblyName} ({new FileInfo(binary).Length / 1024} KiB) in {watch.Elapsed.TotalSeconds:F0} s.")).ConfigureAwait(false);
        return binary;
    }

    /// <summary>The describe output: what the charm's constructor observes.</summary>
    private sealed record Observed(string Charm, string[] Relations, string[] Containers, string[] Storages, string[] Actions, string[] Events);

    private static async Task CompareWithCodeAsync(string charmDir, string binary, CharmProject project, List<CharmPackProblem> problems, CancellationToken cancellationToken)
    {
        var code = Path.GetFileName(binary);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MLOBS_DESCRIBE"] = "1",
            ["JUJU_CHARM_DIR"] = charmDir,
            ["PATH"] = "/usr/bin:/bin",
        };
        ProcessResult run;
        try
        {
            run = await ChildProcess.RunAsync(binary, ["--describe"], environment, charmDir, timeout: TimeSpan.FromMinutes(1), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception)
        {
            problems.Add(new(CharmPackSeverity.Error, code, string.Empty, $"could not run the charm in describe mode: {e.Message}"));
            return;
        }

        Observed observed;
        try
        {
            if (run.ExitCode != 0)
            {
                throw new FormatException($"exit {run.ExitCode}: {run.Stderr.Trim()}");
            }

            observed = ParseDescription(run.Stdout);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            problems.Add(new(CharmPackSeverity.Error, code, string.Empty, $"describe mode failed ({e.Message}); is the charm built on MlObs.Ops CharmHost.RunAsync?"));
            return;
        }

        Compare("relation endpoint", observed.Relations, project.RelationEndpoints.ToList(), DeclaredKeyOfRelation, warnWhenIgnored: true);
        Compare("action", observed.Actions, project.ActionNames.ToList(), name => $"actions.{name}", warnWhenIgnored: false);
        Compare("container", observed.Containers, project.ContainerNames.ToList(), name => $"containers.{name}", warnWhenIgnored: null);
        Compare("storage", observed.Storages, project.StorageNames.ToList(), name => $"storage.{name}", warnWhenIgnored: null);

        string DeclaredKeyOfRelation(string name) =>
            RelationSections.FirstOrDefault(s => project.Root[s] is YamlMap m && m[name] is not null) is { } section
                ? $"{section}.{name}"
                : name;

        // warnWhenIgnored: true → a declared name the code ignores is a warning; false → an error; null → fine.
        void Compare(string what, string[] inCode, List<string> declared, Func<string, string> keyOf, bool? warnWhenIgnored)
        {
            foreach (var name in inCode.Where(n => !declared.Contains(n, StringComparer.Ordinal)))
            {
                problems.Add(new(CharmPackSeverity.Error, CharmProject.FileName, keyOf(name),
                    $"the charm ({code}) observes the {what} '{name}', but charmcraft.yaml does not declare it"));
            }

            if (warnWhenIgnored is null)
            {
                return;
            }

            foreach (var name in declared.Where(n => !inCode.Contains(n, StringComparer.Ordinal)))
            {
                var severity = warnWhenIgnored.Value ? CharmPackSeverity.Warning : CharmPackSeverity.Error;
                var message = warnWhenIgnored.Value
                    ? $"declared, but the charm ({code}) observes none of the {what}'s events"
                    : $"declared, but the charm ({code}) has no handler for the {what} '{name}' (On.Action(\"{name}\").Observe(...)); Juju would run it and nothing would answer";
                problems.Add(new(severity, CharmProject.FileName, keyOf(name), message));
            }
        }
    }

    private static Observed ParseDescription(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string[] List(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
        return new Observed(root.GetProperty("charm").GetString() ?? string.Empty, List("relations"), List("containers"), List("storages"), List("actions"), List("events"));
    }

    /// <summary>metadata.yaml, config.yaml, actions.yaml (when the sections exist) and manifest.yaml, as text.</summary>
    private static SortedDictionary<string, string> RenderMetadata(CharmProject project, DateTimeOffset startedAt)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.yaml"] = CharmYaml.Dump(project.Metadata(), sortKeys: true),
            ["manifest.yaml"] = CharmYaml.Dump(project.Manifest(PackerVersion, startedAt), sortKeys: false),
        };
        if (project.Config() is { } config)
        {
            files["config.yaml"] = CharmYaml.Dump(config, sortKeys: true);
        }

        if (project.Actions() is { } actions)
        {
            files["actions.yaml"] = CharmYaml.Dump(actions, sortKeys: true);
        }

        return files;
    }

    /// <summary>What manifest.yaml names as the packer in <c>charmcraft-version</c>: this tool, not charmcraft.</summary>
    public static string PackerVersion { get; } = "mlobs-" + ((typeof(CharmPacker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0]);

    // The files the charm reads at every dispatch must parse with the framework's own parser (CharmMeta.Load).
    private static void CheckWithRuntimeParser(SortedDictionary<string, string> files, List<CharmPackProblem> problems)
    {
        try
        {
            _ = CharmMeta.FromLegacy(files["metadata.yaml"], files.GetValueOrDefault("config.yaml"), files.GetValueOrDefault("actions.yaml"));
        }
        catch (CharmMetaException e)
        {
            problems.Add(new(CharmPackSeverity.Error, CharmProject.FileName, string.Empty, $"the generated metadata does not load in MlObs.Ops: {e.Message}"));
        }
    }

    /// <summary>One file of the packed charm: from disk or generated text, with its Unix mode.</summary>
    private sealed record LayoutEntry(string Path, string? Source, string? Text, UnixFileMode Mode);

    private static List<LayoutEntry> Layout(string charmDir, string binary, SortedDictionary<string, string> metadataFiles, bool layoutOnly)
    {
        // dispatch is the Native AOT binary itself: Juju executes it directly (see tools/MlObs.Cli/README.md, charm pack).
        var entries = new List<LayoutEntry> { new("dispatch", binary, null, Executable) };
        if (!layoutOnly)
        {
            entries.AddRange(metadataFiles.Select(f => new LayoutEntry(f.Key, null, f.Value, Regular)));
        }

        foreach (var name in RootFiles)
        {
            var path = Path.Combine(charmDir, name);
            if (File.Exists(path))
            {
                entries.Add(new(name, path, null, Regular));
            }
        }

        var src = Path.Combine(charmDir, "src");
        if (Directory.Exists(src))
        {
            foreach (var file in EnumerateFiles(src, "*"))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith('.') || CodeExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                var mode = OperatingSystem.IsWindows() ? Regular : File.GetUnixFileMode(file);
                entries.Add(new(Path.GetRelativePath(charmDir, file).Replace('\\', '/'), file, null, (mode & UnixFileMode.UserExecute) != 0 ? Executable : Regular));
            }
        }

        return entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    private static void WriteZip(string charmPath, List<LayoutEntry> entries)
    {
        var temporary = charmPath + ".partial";
        using (var stream = File.Create(temporary))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            foreach (var entry in entries)
            {
                var zipEntry = zip.CreateEntry(entry.Path, CompressionLevel.Optimal);
                zipEntry.LastWriteTime = EntryTimestamp;
                // The high 16 bits of the external attributes are the Unix st_mode (regular file + permissions); Juju
                // and unzip restore the mode from them.
                zipEntry.ExternalAttributes = (int)((0x8000u | (uint)entry.Mode) << 16);
                using var output = zipEntry.Open();
                if (entry.Source is not null)
                {
                    using var input = File.OpenRead(entry.Source);
                    input.CopyTo(output);
                }
                else
                {
                    output.Write(Encoding.UTF8.GetBytes(entry.Text!));
                }
            }
        }

        File.Move(temporary, charmPath, overwrite: true);
    }

    private static void WriteLayout(string layoutDir, List<LayoutEntry> entries)
    {
        if (Directory.Exists(layoutDir))
        {
            if (Directory.EnumerateFileSystemEntries(layoutDir).Any() && !File.Exists(Path.Combine(layoutDir, "dispatch")))
            {
                throw new CharmPackUsageException($"{layoutDir} is not empty and holds no earlier layout (no dispatch); choose another -o");
            }

            Directory.Delete(layoutDir, recursive: true);
        }

        foreach (var entry in entries)
        {
            var path = Path.Combine(layoutDir, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (entry.Source is not null)
            {
                File.Copy(entry.Source, path);
            }
            else
            {
                File.WriteAllText(path, entry.Text);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, entry.Mode);
            }
        }
    }

    [GeneratedRegex(@"<PublishAot>\s*true\s*</PublishAot>", RegexOptions.IgnoreCase)]
    private static partial Regex PublishAotRegex();

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNameRegex();
}
