using System.Diagnostics;
using MasterSender.Core.Book;
using MasterSender.Core.Protocol;
using MasterSender.Simulator;

namespace MasterSender.Benchmarks.Baselines;

/// <summary>
/// The seed's design: every 50 ms read every position and diff against the last read. A change made at a random
/// moment is seen at the next poll. Measured with real timers on this machine, same book diff code.
/// </summary>
internal static class SeedPoller
{
    public static async Task<List<double>> RunAsync(int samples, int pollMs = 50)
    {
        var terminal = SimulatedTerminal.Demo(Fixtures.Login);
        var (ticket, _) = terminal.Open("EURUSD", PositionSide.Buy, 1, 1.08);
        var book = new TradeBook(Fixtures.Login);
        book.ApplySnapshot(terminal.Snapshot("poll"), 0);
        var random = new Random(7);
        var latencies = new List<double>(samples);
        long changedAt = 0;
        var pending = false;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(pollMs));
        var poller = Task.Run(async () =>
        {
            while (latencies.Count < samples && await timer.WaitForNextTickAsync())
            {
                var signals = book.ApplySnapshot(terminal.Snapshot("poll"), 0);
                if (signals.Count > 0 && Volatile.Read(ref pending))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(Interlocked.Read(ref changedAt)).TotalMilliseconds);
                    Volatile.Write(ref pending, false);
                }
            }
        });

        for (var i = 0; latencies.Count < samples; i++)
        {
            await Task.Delay(random.Next(5, 60));
            if (Volatile.Read(ref pending))
            {
                continue;
            }

            Interlocked.Exchange(ref changedAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref pending, true);
            terminal.Modify(ticket, 1.0 + (i * 1e-5), 0);
        }

        await poller;
        return latencies;
    }
}
