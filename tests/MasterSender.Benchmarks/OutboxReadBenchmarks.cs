using BenchmarkDotNet.Attributes;
using MasterSender.Outbox;

namespace MasterSender.Benchmarks;

/// <summary>
/// What delivery pays to read a ticket's next signal before each send (one per signal in a burst): a pooled
/// connection, a parsed query, one row.
/// </summary>
[MemoryDiagnoser]
public class OutboxReadBenchmarks : IDisposable
{
    private SqliteOutbox _outbox = null!;
    private string _folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("ms-bench-outbox-read-").FullName;
        _outbox = new SqliteOutbox(Path.Combine(_folder, "outbox.db"), TimeProvider.System);
        _outbox.Commit(BenchSignals.Login, [BenchSignals.Make(1, 1, 0)], BenchSignals.NoBook);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _outbox.Dispose();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "next signal of a ticket (one queued)")]
    public async Task<long> NextToSend() => (await _outbox.NextToSendAsync(BenchSignals.Login, 1)).Next!.Id;
}
