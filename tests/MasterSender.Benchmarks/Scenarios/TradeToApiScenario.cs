using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>
/// Trade change → received by the loopback API, for single trades at random moments (a seeded uniform 0–20 ms gap
/// before each), as a trader's changes come. Open loop: a change never waits for the previous signal, so a slow
/// delivery shows up in the next changes' latency instead of hiding in a longer gap. Latency is from just before the
/// simulator call to the API handler's stamp.
/// Measured after a warm-up of <see cref="Warmup"/> changes at short gaps: right after start the runtime is still
/// tiering the relay's code up (with dynamic PGO, instrumented code first), which costs tens of milliseconds per signal
/// for the first seconds; that start-up phase is not the steady latency this path is about.
/// </summary>
/// <summary>
/// Per change: the whole path, until the relay's SQLite commit returned, and from that commit to the API; each until
/// the API held that change's state (<see cref="StateReached"/>). <paramref name="Superseded"/>: changes that were
/// overtaken in the queue by a newer one and never sent themselves. The split at the commit is only known when the
/// relay runs inside the bench (empty lists otherwise); <paramref name="Work"/> only when it runs as its own process.
/// </summary>
internal sealed record TradeToApiResult(List<double> TotalMs, List<double> UntilCommittedMs, List<double> CommittedToApiMs, int Superseded, RelayWork? Work);

internal static class TradeToApiScenario
{
    public const double MaxGapMs = 20;
    public const int Warmup = 1_000;
    private const double WarmupMaxGapMs = 2;

    public static async Task<TradeToApiResult> RunAsync(RelayRig rig, int samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var ea = rig.Wire ?? throw new ArgumentException("Trade → API is measured on a rig with the wire client.", nameof(rig));
        var ticket = ea.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        await rig.Arrivals.RequireCountAsync(rig.Arrivals.Count + 1, TimeSpan.FromSeconds(10), "the first OPEN");

        var random = new Random(seed);
        await ChangeAtRandomTimesAsync(rig, ea, ticket, random, Warmup, WarmupMaxGapMs);
        return await ChangeAtRandomTimesAsync(rig, ea, ticket, random, samples, MaxGapMs);
    }

    private static async Task<TradeToApiResult> ChangeAtRandomTimesAsync(RelayRig rig, EaWireClient ea, long ticket, Random random, int changes, double maxGapMs)
    {
        var start = rig.Arrivals.Count;
        var commitStart = rig.Commits?.Count ?? 0;
        var workBefore = await rig.WorkAsync();
        var changedAt = new long[changes];
        for (var i = 0; i < changes; i++)
        {
            // Pacing only; arrivals are awaited below, on the API's own event.
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * maxGapMs));
            changedAt[i] = Stopwatch.GetTimestamp();
            ea.Modify(ticket, SlTag.Of(start + i), 0);
        }

        // The last change cannot be superseded: once it is at the API, every earlier one is there or overtaken.
        if (!await rig.WaitUntilReachedAsync(start, [ticket], start + changes - 1, TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"trade → API: the last of {changes} changes did not reach the API within 60 s.");
        }

        var work = await rig.WorkAsync(workBefore?.SignalsSent + rig.Arrivals.Count - start ?? 0) is { } workAfter && workBefore is not null ? workAfter.Since(workBefore) : null;
        var committedAt = new long[changes];
        foreach (var commit in rig.Commits?.Since(commitStart) ?? [])
        {
            committedAt[SlTag.From(commit.Signal.Sl) - start] = commit.Timestamp;
        }

        var reached = new StateReached(rig.Arrivals.Since(start));
        var total = new List<double>(changes);
        var untilCommitted = new List<double>(changes);
        var committedToApi = new List<double>(changes);
        for (var i = 0; i < changes; i++)
        {
            var at = reached.At(ticket, start + i) ?? throw new InvalidOperationException($"change {i} never reached the API");
            total.Add(Ms(changedAt[i], at));
            if (rig.Commits is not null)
            {
                untilCommitted.Add(Ms(changedAt[i], committedAt[i]));
                committedToApi.Add(Ms(committedAt[i], at));
            }
        }

        return new TradeToApiResult(total, untilCommitted, committedToApi, changes - rig.Arrivals.Since(start).Count, work);
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
