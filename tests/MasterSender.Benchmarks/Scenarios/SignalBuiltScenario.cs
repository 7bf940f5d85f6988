using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks.Scenarios;

/// <summary>
/// Trade change → signal built: a frame leaves the simulator, the ingress parses it and the book turns it into a
/// signal (no storage, no delivery). Changes go one at a time, back to back: each waits for the previous signal.
/// The first <see cref="Warmup"/> changes are not counted (the runtime tiers the code up meanwhile).
/// </summary>
internal static class SignalBuiltScenario
{
    public const int Warmup = 1_000;

    public static List<double> Run(IngressRig rig, int samples)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var journal = rig.Journal;
        var ticket = rig.Terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        journal.WaitFor(journal.Count + 1);

        var latencies = new List<double>(samples);
        for (var i = 0; i < Warmup + samples; i++)
        {
            var expected = journal.Count + 1;
            var started = Stopwatch.GetTimestamp();
            rig.Terminal.Modify(ticket, sl: i % 2 == 0 ? 1.07 : 1.075, tp: 0);
            journal.WaitFor(expected);
            if (i >= Warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started, journal.LastCommitTimestamp).TotalMilliseconds);
            }
        }

        return latencies;
    }
}
