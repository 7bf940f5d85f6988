using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>
/// Trade change → received by the loopback API, for single trades at random moments (a seeded uniform 0–20 ms gap
/// before each), as a trader's changes come. Open loop: a change never waits for the previous signal, so a slow
/// delivery shows up in the next changes' latency instead of hiding in a longer gap. Latency is from just before the
/// simulator call to the API handler's stamp.
/// </summary>
internal static class TradeToApiScenario
{
    public const double MaxGapMs = 20;

    public static async Task<List<double>> RunAsync(RelayRig rig, int samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var ticket = rig.Terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        await rig.Arrivals.RequireCountAsync(rig.Arrivals.Count + 1, TimeSpan.FromSeconds(10), "the first OPEN");

        var start = rig.Arrivals.Count;
        var random = new Random(seed);
        var changedAt = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            // Pacing only; arrivals are awaited below, on the API's own event.
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * MaxGapMs));
            changedAt[i] = Stopwatch.GetTimestamp();
            rig.Terminal.Modify(ticket, SlTag.Of(i), 0);
        }

        await rig.Arrivals.RequireCountAsync(start + samples, TimeSpan.FromSeconds(30), "trade → API");
        return rig.Arrivals.Since(start)
            .Select(arrival => Stopwatch.GetElapsedTime(changedAt[SlTag.From(arrival.Sl)], arrival.Timestamp).TotalMilliseconds)
            .ToList();
    }
}
