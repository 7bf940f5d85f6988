using BenchmarkDotNet.Running;
using MasterSender.Benchmarks;
using MasterSender.Benchmarks.Scenarios;

// Whole scenario run (one table, an SVG picture, optional markdown):
//   tests/bench/run [--samples N] [--svg PATH] [--markdown PATH]
//   = dotnet run -c Release --project tests/MasterSender.Benchmarks -- bench ...   ("latency [N]" is the older name)
// BenchmarkDotNet micro-benchmarks: dotnet run -c Release --project tests/MasterSender.Benchmarks -- --job short --filter '*'
// One scenario alone, the 5 s API outage (issue 12): dotnet run -c Release --project tests/MasterSender.Benchmarks -- outage
if (args.Length > 0 && args[0] is "outage")
{
    return await OutageScenario.RunAloneAsync();
}

if (args.Length > 0 && args[0] is "bench" or "latency")
{
    return BenchOptions.Parse(args[1..]) is { } options ? await BenchRun.RunAsync(options) : 2;
}

BenchmarkSwitcher.FromAssembly(typeof(BookBenchmarks).Assembly).Run(args);
return 0;
