// The entry point: BenchmarkDotNet's switcher, so `--filter *CharmMeta*` and friends work.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MlObs.Ops.Benchmarks.CharmMetaLoad).Assembly).Run(args);
