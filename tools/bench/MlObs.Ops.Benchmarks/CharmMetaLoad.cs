// CharmMetaLoad: CharmMeta from the drift-monitor-k8s charm's charmcraft.yaml (7 KB: 4 relations, a container, storage,
// 17 config options, 4 actions), once through MetaParser's fast reader and once through YamlDotNet alone. The text
// that goes to YamlDotNet alone starts with a `---` line: the same document, but outside the fast reader's subset,
// so MetaParser reads it exactly as it did before the fast reader existed.
using BenchmarkDotNet.Attributes;
using MlObs.Ops.Metadata;

namespace MlObs.Ops.Benchmarks;

/// <summary>Reading drift-monitor-k8s's metadata: the fast reader against YamlDotNet.</summary>
[MemoryDiagnoser]
[MedianColumn]
[ShortRunJob]
public class CharmMetaLoad
{
    private string _charmcraft = null!;
    private string _charmcraftForYamlDotNet = null!;

    /// <summary>Reads charms/drift-monitor-k8s/charmcraft.yaml of the checkout that holds the benchmark.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _charmcraft = File.ReadAllText(Path.Combine(RepositoryRoot(), "charms", "drift-monitor-k8s", "charmcraft.yaml"));
        _charmcraftForYamlDotNet = "---\n" + _charmcraft;
        if (!CharmMeta.FromCharmcraftYaml(_charmcraft).Equals(CharmMeta.FromCharmcraftYaml(_charmcraftForYamlDotNet)))
        {
            throw new InvalidOperationException("the two readers disagree on drift-monitor-k8s's charmcraft.yaml");
        }
    }

    /// <summary>MetaParser as a dispatch runs it: the fast reader builds the nodes.</summary>
    [Benchmark]
    public CharmMeta FastReader() => CharmMeta.FromCharmcraftYaml(_charmcraft);

    /// <summary>YamlDotNet's scanner, parser and representation model build the nodes.</summary>
    [Benchmark(Baseline = true)]
    public CharmMeta YamlDotNet() => CharmMeta.FromCharmcraftYaml(_charmcraftForYamlDotNet);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlObs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no MlObs.sln above {AppContext.BaseDirectory}");
    }
}
