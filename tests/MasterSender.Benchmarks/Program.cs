using BenchmarkDotNet.Running;
using MasterSender.Benchmarks;

// `latency` runs the end-to-end harness (percentiles); anything else goes to BenchmarkDotNet's switcher
// (e.g. `--filter *Book*`, `--job short`).
if (args.Length > 0 && args[0] == "latency")
{
    return await IngressLatencyHarness.RunAsync(args.Skip(1).ToArray());
}

BenchmarkSwitcher.FromAssembly(typeof(BookBenchmarks).Assembly).Run(args);
return 0;
