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
    RelayWork Work)
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
/// terminal process changes the terminal and then sends one snapshot with reason "changed" (its 50 ms fingerprint moved),
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

    /// <summary>A short trailing run first, until the API has it all: every program has then compiled this path, as
    /// on a machine where they run for weeks.</summary>
    public static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan ReportingMargin = TimeSpan.FromMilliseconds(200);

    public static async Task<TrailingResult> RunAsync(ApartRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        await WarmUpAsync(rig);
        var start = rig.Arrivals.Count;
        var before = await rig.SignalCountsAsync();
        var workBefore = await rig.WorkAsync(before.Sent);
        var run = await rig.Terminal.TrailAsync(Duration, Period);
        var windowEnd = run.EndedAt;
        var duration = run.Duration;
        var rounds = run.Rounds.Count;
        var expected = (long)rounds * rig.Tickets.Count;
        // Judged by the API's stamps, from the terminal's last round; waited a little longer, as an arrival stamped
        // within the grace period may still be on its way through the sandbox process's pipe.
        await rig.WaitUntilReachedAsync(start, rig.Tickets, run.LastRound, Grace + ReportingMargin - Stopwatch.GetElapsedTime(windowEnd));
        var allAt = StateReached.AllAt(rig.Arrivals.Since(start), rig.Tickets, run.LastRound);
        var converged = allAt is { } reachedAll && Stopwatch.GetElapsedTime(windowEnd, reachedAll) <= Grace;
        var convergedAfter = converged ? Stopwatch.GetElapsedTime(windowEnd, allAt!.Value) : Grace;
        var work = (await rig.WorkAsync()).Since(workBefore);

        var arrivals = rig.Arrivals.Since(start);
        var reached = new StateReached(arrivals);
        var reachedMs = new List<double>((int)expected);
        foreach (var ticket in rig.Tickets)
        {
            foreach (var (round, changedAt) in run.Rounds)
            {
                if (reached.At(ticket, round) is { } at)
                {
                    reachedMs.Add(Stopwatch.GetElapsedTime(changedAt, at).TotalMilliseconds);
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

    private static async Task WarmUpAsync(ApartRig rig)
    {
        var start = rig.Arrivals.Count;
        var warmup = await rig.Terminal.TrailAsync(Warmup, Period);
        if (!await rig.WaitUntilReachedAsync(start, rig.Tickets, warmup.LastRound, TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("trailing: the warm-up's last round did not reach the API within 60 s.");
        }

        // Nothing of the warm-up left in the relay's queue to slow the measured run.
        await RelayProcess.PollAsync(async () => (await rig.SignalCountsAsync()).Pending == 0, "the relay sending the warm-up's signals");
    }
}
