using BenchmarkDotNet.Attributes;
using MasterSender.Core.Book;
using MasterSender.Core.Signals;
using MasterSender.Outbox;

namespace MasterSender.Benchmarks;

/// <summary>
/// What the pipeline pays per commit on a real SQLite file (WAL, synchronous=FULL, so one fsync each), with the book's
/// changed pieces as the pipeline stores them: one SL move on a one-position book and a 1,000-position grid whose every
/// SL moved (the trailing case, one snapshot), each on a new book and on a book with history (10,000 positions closed
/// before: 235 KB of book per commit, fsync'ed, while the book was stored whole as one document).
/// </summary>
[MemoryDiagnoser]
public class OutboxCommitBenchmarks : IDisposable
{
    private SqliteOutbox _outbox = null!;
    private string _folder = null!;
    private TradeBook _book = null!;
    private long _step;

    [Params(1, 1000)]
    public int Positions { get; set; }

    [Params(0, 10_000)]
    public int ClosedBefore { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("ms-bench-outbox-").FullName;
        _outbox = new SqliteOutbox(Path.Combine(_folder, "outbox.db"), TimeProvider.System);
        _book = BenchSignals.Book(Positions, ClosedBefore);
        _outbox.Commit(BenchSignals.Login, [], _book.TakeChanges());
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _outbox.Dispose();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Steady state: what was committed has been delivered before the next commit, as when the API keeps up.</summary>
    [IterationSetup(Target = nameof(Commit))]
    public void DeliverEverything() => BenchSignals.MarkAllSent(_outbox.DatabasePath);

    [Benchmark(Description = "commit: SL moves + the book's changes (fsync)")]
    public void Commit() => _outbox.Commit(BenchSignals.Login, BenchSignals.MoveStops(_book, Positions, ++_step), _book.TakeChanges());

    [Benchmark(Description = "canonical bodies")]
    public int Bodies()
    {
        var n = 0;
        for (var ticket = 1; ticket <= Positions; ticket++)
        {
            n += MasterSender.Core.Canonical.CanonicalJson.Serialize(BenchSignals.Make(ticket, 1, 0).ToPayload()).Length;
        }

        return n;
    }
}
