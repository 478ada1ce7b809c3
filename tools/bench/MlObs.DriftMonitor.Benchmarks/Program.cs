// The entry point: BenchmarkDotNet's switcher, so `--filter *Scrape*` and friends work.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MlObs.DriftMonitor.Benchmarks.WideModelMetrics).Assembly).Run(args);
