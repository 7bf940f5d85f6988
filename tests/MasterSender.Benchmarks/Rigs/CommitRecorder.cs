using System.Diagnostics;
using MasterSender.Core.Pipeline;
using MasterSender.Core.Signals;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>A signal the relay's pipeline made durable, stamped the moment its commit returned.</summary>
internal sealed record Commit(long Timestamp, Signal Signal);

/// <summary>
/// Stamps each signal when the relay's SQLite commit returns (the pipeline's Committed event, on the ingress thread):
/// splits a trade-to-API latency into "until durable" and "delivery" without touching the relay.
/// </summary>
internal sealed class CommitRecorder : IDisposable
{
    private readonly SignalPipeline _pipeline;
    private readonly List<Commit> _commits = [];
    private readonly Lock _gate = new();

    public CommitRecorder(SignalPipeline pipeline)
    {
        _pipeline = pipeline;
        _pipeline.Committed += OnCommitted;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _commits.Count;
            }
        }
    }

    public IReadOnlyList<Commit> Since(int start)
    {
        lock (_gate)
        {
            return _commits.Skip(start).ToList();
        }
    }

    public void Dispose() => _pipeline.Committed -= OnCommitted;

    private void OnCommitted(long login, IReadOnlyList<Signal> signals)
    {
        var at = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _commits.AddRange(signals.Select(signal => new Commit(at, signal)));
        }
    }
}
