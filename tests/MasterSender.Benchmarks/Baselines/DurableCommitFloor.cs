using System.Diagnostics;
using MasterSender.Benchmarks.Rigs;
using MasterSender.Outbox;

namespace MasterSender.Benchmarks.Baselines;

/// <summary>
/// The disk's part of every signal: one SL move and what it changed in a one-position book committed to the relay's own outbox
/// (SQLite WAL, synchronous=FULL: one fsync), back to back, in a folder beside the relay processes' (the temp folder),
/// so on the same file system. A signal reaches the API only after this commit is durable (a power cut must not lose a
/// signal the API never got), so trade → API can never be faster than this floor plus the two transport floors; on a
/// VM with slow synchronous writes it is most of the median. With <c>maxGapMs</c>, each commit comes after a random
/// pause of up to that long, as trade → API's changes do: a commit after an idle gap costs more than one straight after
/// another (AMD VM, 2026-12-02: p50 1.04 against 0.52 ms, p99 4.2 against 2.0 ms). With <see cref="LongRunningBook"/>,
/// the same SL move on a master's book after weeks of trading: what a commit writes must not grow with the book.
/// </summary>
internal static class DurableCommitFloor
{
    /// <summary>500 positions open, 10,000 closed before (the revision counters the book keeps for retired tickets).</summary>
    public static readonly (int Open, int ClosedBefore) LongRunningBook = (500, 10_000);

    private const int Warmup = 200;
    // Now and then, untimed, everything pending is marked sent, as in a relay whose API keeps up.
    private const int RetireEvery = 100;

    /// <summary>Samples for the run at gaps: about 10 ms each, so a quarter of the other floors' count keeps it near
    /// five seconds.</summary>
    public static int SpacedSamples(int samples) => Math.Max(100, samples / 4);

    public static List<double> Run(int samples, double maxGapMs = 0, (int Open, int ClosedBefore)? book = null)
    {
        var folder = Directory.CreateTempSubdirectory("ms-bench-commit-").FullName;
        try
        {
            using var outbox = new SqliteOutbox(Path.Combine(folder, "outbox.db"), TimeProvider.System);
            var shape = book ?? (1, 0);
            var trades = BenchSignals.Book(shape.Open, shape.ClosedBefore);
            outbox.Commit(BenchSignals.Login, [], trades.TakeChanges());
            var latencies = new List<double>(samples);
            var gaps = new Random(20_241_124);
            for (var i = 0; i < samples + Warmup; i++)
            {
                if (i % RetireEvery == 0)
                {
                    BenchSignals.MarkAllSent(outbox.DatabasePath);
                }

                if (maxGapMs > 0)
                {
                    Thread.Sleep(TimeSpan.FromMilliseconds(gaps.NextDouble() * maxGapMs));
                }

                var signal = BenchSignals.MoveStops(trades, 1, i + 1);
                var started = Stopwatch.GetTimestamp();
                outbox.Commit(BenchSignals.Login, signal, trades.TakeChanges());
                if (i >= Warmup)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            return latencies;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TempFolder.TryDelete(folder);
        }
    }
}
