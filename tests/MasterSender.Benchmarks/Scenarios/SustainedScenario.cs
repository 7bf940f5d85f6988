using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks.Scenarios;

internal sealed record SustainedResult(int Messages, TimeSpan Elapsed)
{
    public double PerSecond => Messages / Elapsed.TotalSeconds;
}

/// <summary>
/// Sustained rate through ingress + book: a stream of state messages, each a real change (a trailing SL), sent as
/// fast as the simulator can, until every one became a signal.
/// </summary>
internal static class SustainedScenario
{
    public const int Messages = 50_000;

    public static SustainedResult Run(IngressRig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var ticket = rig.Terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        rig.Journal.WaitFor(rig.Journal.Count + 1);
        var before = rig.Journal.Count;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Messages; i++)
        {
            rig.Terminal.Modify(ticket, sl: 1.0 + (i * 1e-5), tp: 0);
        }

        rig.Journal.WaitFor(before + Messages);
        return new SustainedResult(Messages, clock.Elapsed);
    }
}
