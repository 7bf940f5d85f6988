using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>AllCommittedMs: until the relay's outbox held all of them (ingress + book + SQLite; only known when the
/// relay runs inside the bench); AllReceivedMs: until the API had all of them; Work: the relay process's CPU for them.</summary>
internal sealed record BurstResult(int Opens, double? AllCommittedMs, double AllReceivedMs, List<double> PerSignalMs, RelayWork? Work);

/// <summary>A basket or grid: 500 positions opened at once; time until the API has all of them, and each one's latency.</summary>
internal static class BurstScenario
{
    public const int Opens = 500;

    public static async Task<BurstResult> RunAsync(RelayRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var start = rig.Arrivals.Count;
        var commitStart = rig.Commits?.Count ?? 0;
        var workBefore = await rig.WorkAsync();
        var openedAt = new Dictionary<long, long>(Opens);
        var first = Stopwatch.GetTimestamp();
        for (var i = 0; i < Opens; i++)
        {
            var at = Stopwatch.GetTimestamp();
            var ticket = rig.Terminal.Open("EURUSD", i % 2 == 0 ? PositionSide.Buy : PositionSide.Sell, 0.01, 1.08 + (i * 1e-5));
            openedAt[ticket] = at;
        }

        await rig.Arrivals.RequireCountAsync(start + Opens, TimeSpan.FromSeconds(60), "the 500-open burst");
        var arrivals = rig.Arrivals.Since(start);
        var perSignal = arrivals.Select(a => Stopwatch.GetElapsedTime(openedAt[a.Ticket], a.Timestamp).TotalMilliseconds).ToList();
        var allCommitted = rig.Commits?.Since(commitStart).Max(c => c.Timestamp);
        var work = await rig.WorkAsync(workBefore?.SignalsSent + Opens ?? 0) is { } workAfter && workBefore is not null ? workAfter.Since(workBefore) : null;
        return new BurstResult(
            Opens,
            allCommitted is { } committed ? Stopwatch.GetElapsedTime(first, committed).TotalMilliseconds : null,
            Stopwatch.GetElapsedTime(first, arrivals.Max(a => a.Timestamp)).TotalMilliseconds,
            perSignal,
            work);
    }
}
