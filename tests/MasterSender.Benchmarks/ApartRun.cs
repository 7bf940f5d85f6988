using System.Globalization;
using MasterSender.Benchmarks.Baselines;
using MasterSender.Benchmarks.Report;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Benchmarks.Scenarios;

namespace MasterSender.Benchmarks;

/// <summary>
/// `apart [--samples N] [--published EXE]`: only the scenarios that run the terminal side, the relay and the sandbox
/// API as three processes (trade → API on a new book at random gaps and back to back, and on a long-running master's
/// book, the burst, trailing), with the relay's CPU time for each, the disk's floor under trade → API
/// (<see cref="DurableCommitFloor"/>), then the relay's CPU per state message and per signal, in about three minutes:
/// for iterating on the relay's CPU cost and latency without the whole bench.
/// </summary>
internal static class ApartRun
{
    private const int TradeSeed = 20_241_124;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var build = options.PublishedRelay is { } exe ? RelayBuild.Published(exe) : RelayBuild.FrameworkDependent();
        Console.WriteLine($"MasterSender bench (apart) on {MachineInfo.Current().Describe()}");
        Console.WriteLine($"relay measured: {build.Describe()}; the terminal side and the sandbox API each in a process of their own");
        if (await MachineLoad.SettleAsync(Progress.BusyShare, TimeSpan.FromSeconds(20)) is > Progress.BusyShare and var busy)
        {
            Console.WriteLine($"The machine is busy: other processes use {busy:0%} of the CPU; figures will be disturbed.");
        }

        var load = MachineLoad.Now();
        await using (var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = build, Wire = true }))
        {
            var toApi = await TradeToApiScenario.RunAsync(rig, options.Samples, TradeSeed);
            var summary = new LatencySummary(toApi.TotalMs);
            Print($"trade -> API ({toApi.TotalMs.Count} changes, {toApi.Superseded} superseded)", toApi.Work,
                string.Create(CultureInfo.InvariantCulture, $"p50 {summary.P50:0.000} ms, p99 {summary.P99:0.000} ms, p99.9 {summary.P999:0.000} ms, max {summary.Max:0.000} ms"));
        }

        await using (var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = build, Wire = true }))
        {
            var toApi = await TradeToApiScenario.RunBackToBackAsync(rig, options.Samples, TradeSeed);
            var summary = new LatencySummary(toApi.TotalMs);
            Print($"trade -> API back to back (each change once the API has the last; {toApi.TotalMs.Count} changes)", toApi.Work,
                string.Create(CultureInfo.InvariantCulture, $"p50 {summary.P50:0.000} ms, p99 {summary.P99:0.000} ms, p99.9 {summary.P999:0.000} ms, max {summary.Max:0.000} ms"));
        }

        await using (var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = build, Wire = true, ClosedBefore = TradeToApiScenario.LongRunningClosedBefore }))
        {
            var toApi = await TradeToApiScenario.RunAsync(rig, options.Samples, TradeSeed);
            var summary = new LatencySummary(toApi.TotalMs);
            Print($"trade -> API, long-running master's book ({TradeToApiScenario.LongRunningClosedBefore:#,0} closed before)", toApi.Work,
                string.Create(CultureInfo.InvariantCulture, $"p50 {summary.P50:0.000} ms, p99 {summary.P99:0.000} ms, p99.9 {summary.P999:0.000} ms, max {summary.Max:0.000} ms"));
        }

        // The disk's floor under trade -> API, on this machine now: one durable commit of one signal.
        var commit = new LatencySummary(DurableCommitFloor.Run(options.Samples));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor: durable outbox commit of one signal (fsync): p50 {commit.P50:0.000} ms, p99 {commit.P99:0.000} ms"));
        var spaced = new LatencySummary(DurableCommitFloor.Run(DurableCommitFloor.SpacedSamples(options.Samples), TradeToApiScenario.MaxGapMs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor: same at random 0-{TradeToApiScenario.MaxGapMs:0} ms gaps: p50 {spaced.P50:0.000} ms, p99 {spaced.P99:0.000} ms"));
        var aged = new LatencySummary(DurableCommitFloor.Run(options.Samples, book: DurableCommitFloor.LongRunningBook));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor: same back to back, book of {DurableCommitFloor.LongRunningBook.Open} open and {DurableCommitFloor.LongRunningBook.ClosedBefore:#,0} closed before: p50 {aged.P50:0.000} ms, p99 {aged.P99:0.000} ms"));

        await using (var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = build }))
        {
            var burst = await BurstScenario.RunAsync(rig);
            var each = new LatencySummary(burst.PerSignalMs);
            Print($"burst of {burst.Opens}", burst.Work, string.Create(CultureInfo.InvariantCulture, $"all at the API after {burst.AllReceivedMs:0.0} ms (each open -> API p50 {each.P50:0.0} ms, p99 {each.P99:0.0} ms)"));
        }

        await using (var rig = await ApartRig.StartAsync(new ApartRigOptions { Relay = build, OpenPositions = TrailingScenario.Positions }))
        {
            var trailing = await TrailingScenario.RunAsync(rig);
            Print("trailing", trailing.Work, trailing.Converged
                ? string.Create(CultureInfo.InvariantCulture, $"converged {trailing.ConvergedAfter.TotalMilliseconds:0} ms after the last move; {trailing.SentPerSecond:0} signals/s sent")
                : string.Create(CultureInfo.InvariantCulture, $"not converged within {trailing.Grace.TotalSeconds:0.#} s of the last move ({trailing.PendingAtEnd:#,0} pending); {trailing.SentPerSecond:0} signals/s sent"));
        }

        // The machine-independent figures: the relay's CPU per state message that changes nothing and per signal
        // delivered one at a time (IdleRelayProcessScenario; its sandbox API and simulator in this process, as only
        // the relay's own CPU is read there).
        var idle = await IdleRelayProcessScenario.RunAsync(build);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"relay CPU: {idle.Cpu.MicrosecondsPerStateMessage:0.0} us per state message ingested ({idle.Cpu.StateMessages:#,0}), {idle.Cpu.MicrosecondsPerSignal:#,0} us per signal delivered ({idle.Cpu.Signals:#,0}, one at a time)"));
        if (MachineLoad.Now().OthersSince(load) is { } others)
        {
            Console.WriteLine($"other processes used {others:0%} of the CPU during the run{(others > Progress.BusyShare ? ": figures are disturbed, run again on a quiet machine" : "")}.");
        }

        return 0;
    }

    private static void Print(string scenario, RelayWork work, string outcome) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario}: {outcome}; relay CPU {work.Cpu.TotalMilliseconds:#,0} ms, {work.SignalsSent:#,0} signals, {work.Frames:#,0} frames: {work.MicrosecondsPerSignal:#,0} us per signal, {work.MicrosecondsPerFrame:#,0.0} us per frame"));
}
