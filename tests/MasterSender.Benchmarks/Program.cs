using BenchmarkDotNet.Running;
using MasterSender.Benchmarks;
using MasterSender.Benchmarks.Apart;
using MasterSender.Benchmarks.Report;
using MasterSender.Benchmarks.Rigs;
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

// The trailing-stop scenario alone (issue 15: converge within 0.5 s of the last move): ... -- trailing [N] [P] [--published EXE]
//   (N runs, default 1; P: Signals:MaxParallelDeliveries, default the relay's; three processes as in "apart")
if (args.Length > 0 && args[0] is "trailing")
{
    var (relay, rest) = RelayArgument(args[1..]);
    var runs = rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
    int? parallel = rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : null;
    for (var run = 0; run < runs; run++)
    {
        await using var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = relay, OpenPositions = TrailingScenario.Positions, MaxParallelDeliveries = parallel });
        var trailing = await TrailingScenario.RunAsync(rig);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var end = trailing.Converged
            ? string.Create(inv, $"converged {trailing.ConvergedAfter.TotalSeconds:0.00} s after the last move")
            : string.Create(inv, $"NOT converged within {trailing.Grace.TotalSeconds:0.#} s, {trailing.PendingAtEnd:#,0} pending");
        Console.WriteLine(string.Create(inv, $"trailing: {trailing.ChangesPerSecond:#,0} changes/s, {trailing.ProducedPerSecond:#,0} signals/s produced ({trailing.IngressBacklog:#,0} changes not yet signals), {trailing.SentPerSecond:#,0} signals/s sent, {trailing.Superseded:#,0} superseded; {end}"));
    }

    return 0;
}

// The 500-open burst alone (issue 15: all at the API within 100 ms): ... -- burst [N] [--published EXE]
//   (N runs, each on a fresh rig of three processes as in "apart"; a burst is over in a tenth of a second, so one run
//   says little: compare builds over several)
if (args.Length > 0 && args[0] is "burst")
{
    var (relay, rest) = RelayArgument(args[1..]);
    var runs = rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
    for (var run = 0; run < runs; run++)
    {
        await using var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = relay });
        var burst = await BurstScenario.RunAsync(rig);
        var each = new LatencySummary(burst.PerSignalMs);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"burst of {burst.Opens}: all at the API after {burst.AllReceivedMs:0.0} ms (each p50 {each.P50:0.0}, p99 {each.P99:0.0} ms); relay CPU {burst.Work.Cpu.TotalMilliseconds:#,0} ms, {burst.Work.MicrosecondsPerSignal:#,0} us per signal"));
    }

    return 0;
}

// Only the relay process's CPU per state message and per signal (issue 15): ... -- cpu [N] [--published EXE]
//   (N runs, default 1; EXE: a published relay instead of the framework-dependent build)
if (args.Length > 0 && args[0] is "cpu")
{
    var (relay, rest) = RelayArgument(args[1..]);
    var runs = rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
    for (var run = 0; run < runs; run++)
    {
        var idle = await IdleRelayProcessScenario.RunAsync(relay);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"relay process CPU time: {idle.Cpu.MicrosecondsPerStateMessage:0.0} us per state message, {idle.Cpu.MicrosecondsPerSignal:#,0} us per signal delivered; page listening after {idle.PageListeningIn.TotalMilliseconds:0} ms"));
    }

    return 0;
}

// Only the scenarios with the terminal side, the relay and the sandbox API in three processes (trade -> API, burst,
// trailing) and the relay's CPU time for each, then its CPU per state message and per signal:
//   ... -- apart [--samples N] [--published EXE]
if (args.Length > 0 && args[0] is "apart")
{
    return BenchOptions.Parse(args[1..]) is { } apart ? await ApartRun.RunAsync(apart) : 2;
}

// The two other programs of those scenarios, each in its own process, started by the bench (Apart/*Verb.cs).
if (args.Length > 0 && args[0] is SandboxProcessVerb.Verb)
{
    return await SandboxProcessVerb.RunAsync();
}

if (args.Length > 0 && args[0] is TerminalProcessVerb.Verb)
{
    return await TerminalProcessVerb.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] is "bench" or "latency")
{
    return BenchOptions.Parse(args[1..]) is { } options ? await BenchRun.RunAsync(options) : 2;
}

BenchmarkSwitcher.FromAssembly(typeof(BookBenchmarks).Assembly).Run(args);
return 0;

// "--published EXE" anywhere in a verb's arguments: that relay instead of the framework-dependent build.
static (RelayBuild Relay, string[] Others) RelayArgument(string[] arguments)
{
    var at = Array.IndexOf(arguments, "--published");
    if (at < 0 || at + 1 >= arguments.Length)
    {
        return (RelayBuild.FrameworkDependent(), arguments);
    }

    return (RelayBuild.Published(arguments[at + 1]), [.. arguments[..at], .. arguments[(at + 2)..]]);
}
