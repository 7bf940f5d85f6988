using BenchmarkDotNet.Attributes;
using MasterSender.Core.Book;
using MasterSender.Core.Protocol;

namespace MasterSender.Benchmarks;

/// <summary>The book's diff of a 1,000-position snapshot: unchanged (the 50 ms reconciliation's usual case) and
/// with every SL moved (a trailing stop on a grid).</summary>
[MemoryDiagnoser]
public class BookBenchmarks
{
    private Snapshot _same = null!;
    private Snapshot[] _trailed = null!;
    private TradeBook _book = null!;
    private int _step;

    [GlobalSetup]
    public void Setup()
    {
        var positions = Enumerable.Range(1, 1000).Select(i => Fixtures.Position(i)).ToList();
        _same = Fixtures.Snapshot(positions);
        _trailed =
        [
            Fixtures.Snapshot(positions.Select(p => p with { Sl = 1.07 })),
            Fixtures.Snapshot(positions),
        ];
        _book = new TradeBook(Fixtures.Login);
        _book.ApplySnapshot(_same, 0);
    }

    [Benchmark(Description = "diff 1,000 positions, nothing changed")]
    public int SnapshotUnchanged() => _book.ApplySnapshot(_same, 0).Count;

    [Benchmark(Description = "diff 1,000 positions, 1,000 SL moves")]
    public int SnapshotAllTrailed() => _book.ApplySnapshot(_trailed[_step++ & 1], 0).Count;
}
