// GeneratorCommand: the command line of juju-net-generator and the file writing/checking around
// CodeGenerator. Paths default to the repository layout (found from the current directory).
using System.CommandLine;

namespace Juju.Net.Generator;

/// <summary>Builds the generator's command line.</summary>
internal static class GeneratorCommand
{
    /// <summary>The root command: options --schema, --config, --out and --check.</summary>
    public static RootCommand Create()
    {
        var schema = new Option<FileInfo?>("--schema") { HelpName = "FILE", Description = "Juju's client API schema (default: ../shared/juju-schema/schema.json beside the repository root). It is read, never copied." };
        var config = new Option<FileInfo?>("--config") { HelpName = "FILE", Description = "The facades to generate and their versions (default: tools/Juju.Net.Generator/facades.json)." };
        var output = new Option<DirectoryInfo?>("--out") { HelpName = "DIR", Description = "Where the .g.cs files go (default: src/Juju.Net/Generated). Stale .g.cs files there are deleted." };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 and list the files that differ when the committed code is not what the schema and config generate." };
        var root = new RootCommand("Generates Juju.Net's C# (records, one client per facade, the System.Text.Json context) from Juju's API schema. Run it from the repository root (or anywhere below it) to regenerate src/Juju.Net/Generated. Exit codes: 0 done (or up to date with --check), 1 --check found differences, 2 bad input (the message names the file and key).")
        {
            schema, config, output, check,
        };
        root.SetAction((parse, _) =>
        {
            try
            {
                var repo = FindRepositoryRoot(Environment.CurrentDirectory);
                var schemaPath = parse.GetValue(schema)?.FullName ?? DefaultPath(repo, "--schema", "..", "shared", "juju-schema", "schema.json");
                var configPath = parse.GetValue(config)?.FullName ?? DefaultPath(repo, "--config", "tools", "Juju.Net.Generator", "facades.json");
                var outDir = parse.GetValue(output)?.FullName ?? DefaultPath(repo, "--out", "src", "Juju.Net", "Generated");
                if (!File.Exists(schemaPath))
                {
                    throw new GeneratorException($"--schema: {schemaPath} does not exist.");
                }

                if (!File.Exists(configPath))
                {
                    throw new GeneratorException($"--config: {configPath} does not exist.");
                }

                var files = Generate(schemaPath, configPath);
                if (parse.GetValue(check))
                {
                    var differences = Compare(files, outDir);
                    foreach (var difference in differences)
                    {
                        Console.Error.WriteLine(difference);
                    }

                    Console.WriteLine(differences.Count == 0 ? $"{outDir}: up to date ({files.Count} files)." : $"{outDir}: {differences.Count} file(s) differ; run without --check to regenerate.");
                    return Task.FromResult(differences.Count == 0 ? 0 : 1);
                }

                Write(files, outDir);
                Console.WriteLine($"{outDir}: wrote {files.Count} files.");
                return Task.FromResult(0);
            }
            catch (GeneratorException e)
            {
                Console.Error.WriteLine($"juju-net-generator: {e.Message}");
                return Task.FromResult(2);
            }
        });
        return root;
    }

    /// <summary>The generated files for a schema file and a config file.</summary>
    public static SortedDictionary<string, string> Generate(string schemaPath, string configPath)
    {
        var config = GeneratorConfig.Load(configPath);
        return CodeGenerator.Generate(JujuSchema.Load(schemaPath, config), config);
    }

    /// <summary>One line per file that is missing, extra or different in <paramref name="dir"/>.</summary>
    public static List<string> Compare(IReadOnlyDictionary<string, string> files, string dir)
    {
        var differences = new List<string>();
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path))
            {
                differences.Add($"missing: {path}");
            }
            else if (File.ReadAllText(path) != text)
            {
                differences.Add($"differs: {path}");
            }
        }

        if (Directory.Exists(dir))
        {
            differences.AddRange(Directory.EnumerateFiles(dir, "*.g.cs")
                .Where(path => !files.ContainsKey(Path.GetFileName(path)))
                .Order(StringComparer.Ordinal)
                .Select(path => $"not generated: {path}"));
        }

        return differences;
    }

    private static void Write(SortedDictionary<string, string> files, string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var stale in Directory.EnumerateFiles(dir, "*.g.cs").Where(path => !files.ContainsKey(Path.GetFileName(path))))
        {
            File.Delete(stale);
        }

        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), text);
        }
    }

    /// <summary>The nearest directory at or above <paramref name="start"/> that holds MlObs.sln, or null.</summary>
    internal static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string DefaultPath(string? repo, string option, params string[] parts) =>
        repo is null
            ? throw new GeneratorException($"{option}: no default outside the MlObs repository (no MlObs.sln above {Environment.CurrentDirectory}); give {option}.")
            : Path.GetFullPath(Path.Combine([repo, .. parts]));
}
