using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;

namespace MasterSender.Benchmarks.Scenarios;

internal sealed record DistantApiResult(int Tickets, int Rounds, List<double> AllReceivedMs, List<double> PerSignalMs);

/// <summary>
/// An API 50 ms away (the sandbox delays every broadcast answer by 50 ms): 100 tickets change at once, in one
/// "changed" snapshot. Delivered one after another this takes 100 × 50 ms = 5 s; in parallel, close to 50 ms.
/// Repeated for a few rounds, each after the previous one fully arrived; the first <see cref="WarmupRounds"/> are not
/// counted (a fresh relay opens its HTTP connections and tiers its code up then).
/// </summary>
internal static class DistantApiScenario
{
    public const int Tickets = 100;
    public const int Rounds = 10;
    public const int WarmupRounds = 3;
    public static readonly TimeSpan ApiDelay = TimeSpan.FromMilliseconds(50);

    public static async Task<DistantApiResult> RunAsync(RelayRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var terminal = rig.Terminal.Terminal;
        var allReceived = new List<double>(Rounds);
        var perSignal = new List<double>(Rounds * Tickets);
        for (var round = 1; round <= WarmupRounds + Rounds; round++)
        {
            var start = rig.Arrivals.Count;
            var changedAt = Stopwatch.GetTimestamp();
            foreach (var ticket in rig.Tickets)
            {
                _ = terminal.Modify(ticket, SlTag.Of(round), 0);
            }

            rig.Terminal.SendSnapshot("changed");
            await rig.Arrivals.RequireCountAsync(start + rig.Tickets.Count, TimeSpan.FromSeconds(30), "API 50 ms away");
            var arrivals = rig.Arrivals.Since(start);
            if (round <= WarmupRounds)
            {
                continue;
            }

            perSignal.AddRange(arrivals.Select(a => Stopwatch.GetElapsedTime(changedAt, a.Timestamp).TotalMilliseconds));
            allReceived.Add(Stopwatch.GetElapsedTime(changedAt, arrivals.Max(a => a.Timestamp)).TotalMilliseconds);
        }

        return new DistantApiResult(rig.Tickets.Count, Rounds, allReceived, perSignal);
    }
}
