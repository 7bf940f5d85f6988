using BenchmarkDotNet.Attributes;
using MasterSender.Core.Book;
using MasterSender.Core.Signals;
using MasterSender.Outbox;

namespace MasterSender.Benchmarks;

/// <summary>
/// What the pipeline pays per commit on a real SQLite file (WAL, synchronous=FULL, so one fsync each): one SL move
/// on a one-position book, and a 1,000-position grid whose every SL moved (the trailing case, one snapshot).
/// </summary>
[MemoryDiagnoser]
public class OutboxCommitBenchmarks : IDisposable
{
    private SqliteOutbox _outbox = null!;
    private string _folder = null!;
    private string _book = null!;
    private long _revision;

    [Params(1, 1000)]
    public int Positions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("ms-bench-outbox-").FullName;
        _outbox = new SqliteOutbox(Path.Combine(_folder, "outbox.db"), TimeProvider.System);
        _book = BenchSignals.BookState(Positions);
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

    [Benchmark(Description = "commit: SL moves + book state (fsync)")]
    public void Commit()
    {
        var revision = ++_revision;
        var signals = new List<Signal>(Positions);
        for (var ticket = 1; ticket <= Positions; ticket++)
        {
            signals.Add(BenchSignals.Make(ticket, revision, 0));
        }

        _outbox.Commit(BenchSignals.Login, signals, _book);
    }

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

    [Benchmark(Description = "serialize the book state")]
    public int SerializeBook() => BookState.Deserialize(_book)!.Serialize().Length;
}
