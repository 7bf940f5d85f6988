using System.Diagnostics;
using MasterSender.Core.Book;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Signals;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>Counts signals and stamps the moment of the latest commit; no storage cost, so the figure is ingress + book.</summary>
internal sealed class TimingJournal : ISignalJournal, IDisposable
{
        private readonly ManualResetEventSlim _committed = new();
    private long _count;
    private long _lastCommit;

    public long Count => Interlocked.Read(ref _count);

    public long LastCommitTimestamp => Interlocked.Read(ref _lastCommit);

    public StoredBook? LoadBook(long login) => null;

    public void Commit(long login, IReadOnlyList<Signal> signals, BookChanges book)
    {
        Interlocked.Exchange(ref _lastCommit, Stopwatch.GetTimestamp());
        Interlocked.Add(ref _count, signals.Count);
        _committed.Set();
    }

    /// <summary>Blocks until <paramref name="count"/> signals were committed (60 s at most).</summary>
    public void WaitFor(long count)
    {
        // Block on an event the commit sets: a spinning waiter would steal one of the two cores from the relay.
        var deadline = Stopwatch.StartNew();
        while (Count < count)
        {
            _committed.Wait(TimeSpan.FromMilliseconds(100));
            _committed.Reset();
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Only {Count} of {count} signals arrived.");
            }
        }
    }

    public void Dispose() => _committed.Dispose();
}
