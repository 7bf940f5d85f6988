using System.Diagnostics;
using MasterSender.Benchmarks.Baselines;
using MasterSender.Benchmarks.Report;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Benchmarks.Scenarios;

namespace MasterSender.Benchmarks;

/// <summary>
/// Every scenario of the "Benchmarks" issue in one run, then one table, the SVG picture and optionally markdown.
/// Scenarios that need a relay get a fresh one each, so a backlog left by one (trailing) never slows another; the
/// heaviest scenario runs after the latency-sensitive ones for the same reason.
/// </summary>
internal static class BenchRun
{
    private const int Steps = 15;
    private const int TradeSeed = 20_241_124;
    // The default before the distant-API scenario showed it took four round trips for a 100-ticket basket.
    private const int NarrowParallel = 32;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new BenchResults(MachineInfo.Current(), options.Samples);
        var n = options.Samples;
        Console.WriteLine($"MasterSender bench on {results.Machine.Describe()}");
        Console.WriteLine($"{n} samples per latency path after {TradeToApiScenario.Warmup:#,0} warm-up changes (the seed poller takes {SeedSamples(n)}: each costs ~60 ms).");
        // Trade -> API, the burst and trailing run three processes as on a trader's machine (terminal side, the relay
        // as users run it, sandbox API), so the relay's CPU time is its own and no two programs share a thread pool or
        // a GC; the distant API and the outage run the relay inside the bench, whose sandbox faults they drive.
        var relayBuild = options.PublishedRelay is { } exe ? RelayBuild.Published(exe) : RelayBuild.FrameworkDependent();
        Console.WriteLine($"Relay measured: {relayBuild.Describe()}.");
        Console.WriteLine("Each relay scenario runs on a fresh relay: trade -> API, the burst and trailing with the terminal side, the relay and the sandbox API each in its own process; the distant API and the outage inside the bench's process.");
        if (await MachineLoad.SettleAsync(Progress.BusyShare, TimeSpan.FromSeconds(20)) is > Progress.BusyShare and var busy)
        {
            Console.WriteLine($"The machine is busy: other processes use {busy:0%} of the CPU; figures will be disturbed.");
        }

        var clock = Stopwatch.StartNew();
        var load = MachineLoad.Now();
        var progress = new Progress(Steps);

        List<double> built;
        SustainedResult sustained;
        await using (var ingress = await IngressRig.StartAsync())
        {
            built = progress.Run("trade change -> signal built", () => SignalBuiltScenario.Run(ingress, n));
            sustained = progress.Run("sustained state messages through ingress + book", () => SustainedScenario.Run(ingress));
        }

        var toApi = await progress.RunAsync("trade change -> loopback API, single trades at random times",
            () => WithApartRigAsync(new ApartRigOptions { Relay = relayBuild, Wire = true }, relay => TradeToApiScenario.RunAsync(relay, n, TradeSeed)));
        var toApiLongRunning = await progress.RunAsync($"trade change -> loopback API, long-running master's book ({TradeToApiScenario.LongRunningClosedBefore:#,0} closed before)",
            () => WithApartRigAsync(new ApartRigOptions { Relay = relayBuild, Wire = true, ClosedBefore = TradeToApiScenario.LongRunningClosedBefore }, relay => TradeToApiScenario.RunAsync(relay, n, TradeSeed)));
        var burst = await progress.RunAsync($"burst of {BurstScenario.Opens} opens", () => WithApartRigAsync(new ApartRigOptions { Relay = relayBuild }, BurstScenario.RunAsync));

        var distant = await progress.RunAsync("API 50 ms away, 100 tickets at once",
            () => WithRigAsync(new RelayRigOptions { OpenPositions = DistantApiScenario.Tickets, ApiDelay = DistantApiScenario.ApiDelay }, DistantApiScenario.RunAsync));
        var distantNarrow = await progress.RunAsync($"API 50 ms away, MaxParallelDeliveries={NarrowParallel}",
            () => WithRigAsync(new RelayRigOptions { OpenPositions = DistantApiScenario.Tickets, ApiDelay = DistantApiScenario.ApiDelay, MaxParallelDeliveries = NarrowParallel }, DistantApiScenario.RunAsync));
        var trailing = await progress.RunAsync($"trailing: {TrailingScenario.Positions:#,0} SL/TP every 50 ms for {TrailingScenario.Duration.TotalSeconds:0} s",
            () => WithApartRigAsync(new ApartRigOptions { Relay = relayBuild, OpenPositions = TrailingScenario.Positions }, TrailingScenario.RunAsync));

        var outage = await progress.RunAsync($"{OutageScenario.Opens} opens into a {OutageScenario.Outage.TotalSeconds:0} s API outage (503)",
            () => WithRigAsync(new RelayRigOptions(), OutageScenario.RunAsync));

        var netMq = progress.Run("floor: NetMQ DEALER -> ROUTER", () => NetMqFloor.Run(n));
        var http = await progress.RunAsync("floor: HTTP POST on loopback", () => HttpFloor.RunAsync(n));
        var commit = progress.Run("floor: durable outbox commit (fsync)", () => DurableCommitFloor.Run(n));
        var commitSpaced = progress.Run($"floor: durable outbox commit at random 0-{TradeToApiScenario.MaxGapMs:0} ms gaps", () => DurableCommitFloor.Run(DurableCommitFloor.SpacedSamples(n), TradeToApiScenario.MaxGapMs));
        var commitAged = progress.Run("floor: durable outbox commit on a long-running master's book", () => DurableCommitFloor.Run(n, book: DurableCommitFloor.LongRunningBook));
        var seed = await progress.RunAsync("seed design: 50 ms poller", () => SeedPoller.RunAsync(SeedSamples(n)));
        var idle = new List<IdleRelayResult>
        {
            await progress.RunAsync($"relay process, framework-dependent ({IdleRelayProcessScenario.Idle.TotalSeconds:0} s idle, then CPU per message and signal)",
                () => IdleRelayProcessScenario.RunAsync(RelayBuild.FrameworkDependent())),
        };
        if (options.PublishedRelay is { } published)
        {
            idle.Add(await progress.RunAsync("relay process, published build (as users run it)", () => IdleRelayProcessScenario.RunAsync(RelayBuild.Published(published))));
        }

        results.Duration = clock.Elapsed;
        if (MachineLoad.Now().OthersSince(load) is { } others)
        {
            // Step 11's relay process is one of them, for its few seconds of start-up; the rest is not ours.
            results.Notes.Add($"other processes used {others:0%} of the CPU during the run{(others > Progress.BusyShare ? ": tail figures are disturbed, run again on a quiet machine" : "")}.");
        }

        Findings.Fill(results, new Measurements(relayBuild.Name, built, sustained, toApi, toApiLongRunning, burst, distant, distantNarrow, NarrowParallel, trailing, netMq, http, commit, commitSpaced, commitAged, seed, idle, outage));
        Console.WriteLine();
        Console.Write(ResultTable.Console(results));
        await WriteAsync(options.SvgPath, SvgHistogram.Render(results), "picture");
        if (options.MarkdownPath is { } markdown)
        {
            await WriteAsync(markdown, ResultTable.Markdown(results), "markdown");
        }

        return 0;
    }

    private static int SeedSamples(int samples) => Math.Max(100, samples / 5);

    private static async Task<T> WithRigAsync<T>(RelayRigOptions options, Func<RelayRig, Task<T>> scenario)
    {
        await using var rig = await RelayRig.StartAsync(options);
        return await scenario(rig);
    }

    private static async Task<T> WithApartRigAsync<T>(ApartRigOptions options, Func<ApartRig, Task<T>> scenario)
    {
        await using var rig = await ApartRig.StartAsync(options);
        return await scenario(rig);
    }

    private static async Task WriteAsync(string path, string content, string what)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, content);
        Console.WriteLine($"{what}: {Path.GetFullPath(path)}");
    }
}
