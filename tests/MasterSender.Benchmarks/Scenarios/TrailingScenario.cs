using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;

namespace MasterSender.Benchmarks.Scenarios;

internal sealed record TrailingResult(
    int Positions,
    int Rounds,
    TimeSpan Duration,
    long Expected,
    long Produced,
    int ReceivedInWindow,
    int ReceivedAfterGrace,
    TimeSpan Grace,
    List<double> PerSignalMs)
{
    public double SnapshotsPerSecond => Rounds / Duration.TotalSeconds;

    public double ChangesPerSecond => Expected / Duration.TotalSeconds;

    public double ProducedPerSecond => Produced / Duration.TotalSeconds;

    public double ReceivedPerSecond => ReceivedInWindow / Duration.TotalSeconds;

    /// <summary>Changes the relay had not turned into signals yet when the grace period ended.</summary>
    public long IngressBacklog => Expected - Produced;

    /// <summary>Signals produced but not yet at the API when the grace period ended.</summary>
    public long DeliveryBacklog => Produced - ReceivedAfterGrace;

    public bool KeptUp => ReceivedAfterGrace >= Expected;
}

/// <summary>
/// A trailing stop on a big book: every 50 ms the SL and TP of all 1,000 open positions move. As the real EA does, the
/// simulator changes the terminal and then sends one snapshot with reason "changed" (its 50 ms fingerprint moved),
/// rather than 1,000 single updates. Measures whether the relay keeps up end to end and how late each signal is.
/// </summary>
internal static class TrailingScenario
{
    public const int Positions = 1_000;
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    /// <summary>After the last change, how long the relay gets to deliver what is in flight: 20 periods.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public static async Task<TrailingResult> RunAsync(RelayRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var terminal = rig.Terminal.Terminal;
        var start = rig.Arrivals.Count;
        var producedBefore = rig.SignalsProduced;
        var changedAt = new List<long> { 0 };
        using var timer = new PeriodicTimer(Period);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Duration && await timer.WaitForNextTickAsync())
        {
            var round = changedAt.Count;
            changedAt.Add(Stopwatch.GetTimestamp());
            foreach (var ticket in rig.Tickets)
            {
                _ = terminal.Modify(ticket, SlTag.Of(round), 1.2 + (round * 1e-5));
            }

            rig.Terminal.SendSnapshot("changed");
        }

        var duration = clock.Elapsed;
        var windowEnd = Stopwatch.GetTimestamp();
        var rounds = changedAt.Count - 1;
        var expected = (long)rounds * rig.Tickets.Count;
        await rig.Arrivals.WaitForCountAsync(start + (int)expected, Grace);

        var arrivals = rig.Arrivals.Since(start);
        var perSignal = arrivals
            .Select(a => Stopwatch.GetElapsedTime(changedAt[SlTag.From(a.Sl)], a.Timestamp).TotalMilliseconds)
            .ToList();
        return new TrailingResult(
            rig.Tickets.Count,
            rounds,
            duration,
            expected,
            rig.SignalsProduced - producedBefore,
            arrivals.Count(a => a.Timestamp <= windowEnd),
            arrivals.Count,
            Grace,
            perSignal);
    }
}
