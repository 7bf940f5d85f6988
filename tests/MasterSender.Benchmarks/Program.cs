using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/MasterSender.Benchmarks -- --job short --inProcess --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
