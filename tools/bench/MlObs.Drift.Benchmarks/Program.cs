// The entry point: BenchmarkDotNet's switcher, so `--filter *Ks*` and friends work.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MlObs.Drift.Benchmarks.WindowVersusReference).Assembly).Run(args);
