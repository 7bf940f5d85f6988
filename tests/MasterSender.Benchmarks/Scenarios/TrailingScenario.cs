using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;

namespace MasterSender.Benchmarks.Scenarios;

internal sealed record TrailingResult(
    int Positions,
    int Rounds,
    TimeSpan Duration,
    long Expected,
    long Produced,
    int SentInWindow,
    int Sent,
    long Superseded,
    long PendingAtEnd,
    bool Converged,
    TimeSpan ConvergedAfter,
    TimeSpan Grace,
    List<double> ReachedMs,
    RelayWork? Work)
{
    public double SnapshotsPerSecond => Rounds / Duration.TotalSeconds;

    public double ChangesPerSecond => Expected / Duration.TotalSeconds;

    public double ProducedPerSecond => Produced / Duration.TotalSeconds;

    public double SentPerSecond => SentInWindow / Duration.TotalSeconds;

    /// <summary>Changes the relay had not turned into signals when the run was judged.</summary>
    public long IngressBacklog => Expected - Produced;

    /// <summary>Kept up: every change became a signal, every position's last SL/TP reached the API within the grace
    /// period, and nothing was left pending.</summary>
    public bool KeptUp => IngressBacklog == 0 && Converged && PendingAtEnd == 0;
}

/// <summary>
/// A trailing stop on a big book: every 50 ms the SL and TP of all 1,000 open positions move. As the real EA does, the
/// simulator changes the terminal and then sends one snapshot with reason "changed" (its 50 ms fingerprint moved),
/// rather than 1,000 single updates. Each change is timed until the API held its state or a newer one of the same
/// position (<see cref="StateReached"/>): the relay sends only the newest of the changes queued on a ticket.
/// </summary>
internal static class TrailingScenario
{
    public const int Positions = 1_000;
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    /// <summary>After the last change, how long the relay gets to bring every position to its last state: 20 periods.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public static async Task<TrailingResult> RunAsync(RelayRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var terminal = rig.Terminal.Terminal;
        var start = rig.Arrivals.Count;
        var before = await rig.SignalCountsAsync();
        var workBefore = await rig.WorkAsync();
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
        var converged = await rig.WaitUntilReachedAsync(start, rig.Tickets, rounds, Grace);
        var convergedAfter = Stopwatch.GetElapsedTime(windowEnd);
        var work = await rig.WorkAsync() is { } workAfter && workBefore is not null ? workAfter.Since(workBefore) : null;

        var arrivals = rig.Arrivals.Since(start);
        var reached = new StateReached(arrivals);
        var reachedMs = new List<double>((int)expected);
        foreach (var ticket in rig.Tickets)
        {
            for (var round = 1; round <= rounds; round++)
            {
                if (reached.At(ticket, round) is { } at)
                {
                    reachedMs.Add(Stopwatch.GetElapsedTime(changedAt[round], at).TotalMilliseconds);
                }
            }
        }

        var outbox = await rig.SignalCountsAsync();
        return new TrailingResult(
            rig.Tickets.Count,
            rounds,
            duration,
            expected,
            outbox.Produced - before.Produced,
            arrivals.Count(a => a.Timestamp <= windowEnd),
            arrivals.Count,
            outbox.Superseded - before.Superseded,
            outbox.Pending,
            converged,
            convergedAfter,
            Grace,
            reachedMs,
            work);
    }
}
