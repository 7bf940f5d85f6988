using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>AllReceivedMs: from the first open until the API had all of them; Work: the relay process's CPU for them.</summary>
internal sealed record BurstResult(int Opens, double AllReceivedMs, List<double> PerSignalMs, RelayWork Work);

/// <summary>A basket or grid: 500 positions opened at once in the terminal process; time until the API has all of
/// them, and each one's latency (the terminal's stamp before its open to the API's stamp in its handler). After a
/// warm-up burst of <see cref="WarmupOpens"/>, so every program has compiled this path, as on a machine where they run
/// for weeks.</summary>
internal static class BurstScenario
{
    public const int Opens = 500;
    public const int WarmupOpens = 100;

    public static async Task<BurstResult> RunAsync(ApartRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        await rig.Terminal.OpenAsync(WarmupOpens);
        await rig.Arrivals.RequireCountAsync(rig.Arrivals.Count + WarmupOpens, TimeSpan.FromSeconds(60), "the warm-up burst");
        var start = rig.Arrivals.Count;
        var workBefore = await rig.WorkAsync(WarmupOpens);
        var opened = await rig.Terminal.OpenAsync(Opens);
        var openedAt = opened.ToDictionary(o => o.Ticket, o => o.At);

        await rig.Arrivals.RequireCountAsync(start + Opens, TimeSpan.FromSeconds(60), "the 500-open burst");
        var arrivals = rig.Arrivals.Since(start);
        var perSignal = arrivals.Select(a => Stopwatch.GetElapsedTime(openedAt[a.Ticket], a.Timestamp).TotalMilliseconds).ToList();
        var work = (await rig.WorkAsync(workBefore.SignalsSent + Opens)).Since(workBefore);
        return new BurstResult(
            Opens,
            Stopwatch.GetElapsedTime(opened.Min(o => o.At), arrivals.Max(a => a.Timestamp)).TotalMilliseconds,
            perSignal,
            work);
    }
}
