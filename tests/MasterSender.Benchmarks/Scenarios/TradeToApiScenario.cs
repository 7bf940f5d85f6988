using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>
/// Per change, the whole path until the API held that change's state (<see cref="StateReached"/>).
/// <paramref name="Superseded"/>: changes that were overtaken in the queue by a newer one and never sent themselves;
/// <paramref name="Work"/>: the relay process's CPU time for the measured changes.
/// </summary>
internal sealed record TradeToApiResult(List<double> TotalMs, int Superseded, RelayWork Work);

/// <summary>
/// Trade change → received by the loopback API, for single trades at random moments (a seeded uniform 0–20 ms gap
/// before each), as a trader's changes come. Open loop: a change never waits for the previous signal, so a slow
/// delivery shows up in the next changes' latency instead of hiding in a longer gap. Latency is from the terminal
/// process's stamp just before it writes the change to the API process's stamp in its handler (one monotonic clock).
/// Measured after a warm-up of <see cref="Warmup"/> changes at short gaps: right after start the runtime is still
/// compiling the code of all three processes, which costs tens of milliseconds per signal for the first seconds; that
/// start-up phase is not the steady latency this path is about.
/// </summary>
internal static class TradeToApiScenario
{
    public const double MaxGapMs = 20;

    /// <summary>Tickets closed before on the long-running master's book the scenario also runs on (the most a book keeps).</summary>
    public const int LongRunningClosedBefore = 10_000;
    public const int Warmup = 1_000;
    private const double WarmupMaxGapMs = 2;

    public static async Task<TradeToApiResult> RunAsync(ApartRig rig, int samples, int seed)
    {
        var ticket = await WarmedUpTicketAsync(rig, seed);
        return await ChangeAtRandomTimesAsync(rig, ticket, seed + 1, samples, MaxGapMs);
    }

    /// <summary>
    /// The same path closed loop: each change is made once the API holds the previous one (a few tenths of a
    /// millisecond later: the API process's report, the bench, the terminal process's command), so the three
    /// processes' threads, caches and the disk are still busy from the last signal. Beside the random gaps, it tells the
    /// path's own work from what an idle pause before each change adds (every thread waking, the first fsync after a
    /// pause); nothing is superseded.
    /// </summary>
    public static async Task<TradeToApiResult> RunBackToBackAsync(ApartRig rig, int samples, int seed)
    {
        var ticket = await WarmedUpTicketAsync(rig, seed);
        var start = rig.Arrivals.Count;
        var workBefore = await rig.WorkAsync();
        var changedAt = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            changedAt[i] = (await rig.Terminal.ModifyAtRandomTimesAsync(ticket, 1, 0, seed, start + i))[0];
            await ReachedAsync(rig, ticket, start + i, start + i);
        }

        return await ResultAsync(rig, ticket, start, changedAt, workBefore);
    }

    private static async Task<TradeToApiResult> ChangeAtRandomTimesAsync(ApartRig rig, long ticket, int seed, int changes, double maxGapMs)
    {
        var start = rig.Arrivals.Count;
        var workBefore = await rig.WorkAsync();
        var changedAt = await rig.Terminal.ModifyAtRandomTimesAsync(ticket, changes, maxGapMs, seed, start);

        // The last change cannot be superseded: once it is at the API, every earlier one is there or overtaken.
        await ReachedAsync(rig, ticket, start, start + changes - 1);
        return await ResultAsync(rig, ticket, start, changedAt, workBefore);
    }

    /// <summary>One position opened and the warm-up's changes made, all at the API.</summary>
    private static async Task<long> WarmedUpTicketAsync(ApartRig rig, int seed)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var ticket = (await rig.Terminal.OpenAsync(1)).Single().Ticket;
        await rig.Arrivals.RequireCountAsync(rig.Arrivals.Count + 1, TimeSpan.FromSeconds(10), "the first OPEN");
        await ChangeAtRandomTimesAsync(rig, ticket, seed, Warmup, WarmupMaxGapMs);
        return ticket;
    }

    private static async Task ReachedAsync(ApartRig rig, long ticket, int start, int tag)
    {
        if (!await rig.WaitUntilReachedAsync(start, [ticket], tag, TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"trade → API: the change tagged {tag} (or a newer one) did not reach the API within 60 s.");
        }
    }

    private static async Task<TradeToApiResult> ResultAsync(ApartRig rig, long ticket, int start, long[] changedAt, RelayWork workBefore)
    {
        var changes = changedAt.Length;
        var work = (await rig.WorkAsync(workBefore.SignalsSent + rig.Arrivals.Count - start)).Since(workBefore);
        var reached = new StateReached(rig.Arrivals.Since(start));
        var total = new List<double>(changes);
        for (var i = 0; i < changes; i++)
        {
            var at = reached.At(ticket, start + i) ?? throw new InvalidOperationException($"change {i} never reached the API");
            total.Add(Stopwatch.GetElapsedTime(changedAt[i], at).TotalMilliseconds);
        }

        return new TradeToApiResult(total, changes - rig.Arrivals.Since(start).Count, work);
    }
}
