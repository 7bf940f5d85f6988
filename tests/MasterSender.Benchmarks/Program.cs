using BenchmarkDotNet.Running;
using MasterSender.Benchmarks;

// BenchmarkDotNet: dotnet run -c Release --project tests/MasterSender.Benchmarks -- --job short --filter '*'
// Latency harness (percentiles over real sockets): ... -- latency [samples]
if (args.Length > 0 && args[0] == "latency")
{
    return await IngressLatencyHarness.RunAsync(args.Skip(1).ToArray());
}

BenchmarkSwitcher.FromAssembly(typeof(BookBenchmarks).Assembly).Run(args);
return 0;
