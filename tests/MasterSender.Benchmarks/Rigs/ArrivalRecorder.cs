using System.Diagnostics;
using System.Text.Json;
using MasterSender.SandboxApi;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>A signal as the API accepted it, stamped with <see cref="Stopwatch.GetTimestamp"/> in the API's handler.</summary>
internal sealed record Arrival(long Timestamp, ReceivedSignal Signal)
{
    public long Ticket => Signal.Ticket;

    /// <summary>The SL the signal carries: scenarios tag each change through it (<see cref="SlTag"/>).</summary>
    public double Sl
    {
        get
        {
            using var body = JsonDocument.Parse(Signal.Body);
            return body.RootElement.GetProperty("sl").GetDouble();
        }
    }
}

/// <summary>
/// Stamps every signal the sandbox accepts the moment its handler records it, and lets a scenario await a count
/// (an event, not a sleep). Only the stamp is taken on Kestrel's thread; parsing happens after the run.
/// </summary>
internal sealed class ArrivalRecorder : IDisposable
{
    private readonly SandboxApiState _api;
    private readonly List<Arrival> _arrivals = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource? _reached;
    private int _target = int.MaxValue;

    public ArrivalRecorder(SandboxApiState api)
    {
        _api = api;
        _api.SignalReceived += OnReceived;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Arrivals from index <paramref name="start"/> on, in arrival order.</summary>
    public IReadOnlyList<Arrival> Since(int start)
    {
        lock (_gate)
        {
            return _arrivals.Skip(start).ToList();
        }
    }

    /// <summary>Waits until <paramref name="count"/> signals arrived in all; false if the timeout passed first.
    /// One waiter at a time (scenarios run one after another).</summary>
    public async Task<bool> WaitForCountAsync(int count, TimeSpan timeout)
    {
        Task reached;
        lock (_gate)
        {
            if (_arrivals.Count >= count)
            {
                return true;
            }

            _target = count;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            reached = _reached.Task;
        }

        try
        {
            await reached.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return Count >= count;
        }
    }

    /// <summary>As <see cref="WaitForCountAsync"/>, but a scenario that cannot finish stops the run with a clear message.</summary>
    public async Task RequireCountAsync(int count, TimeSpan timeout, string what)
    {
        if (!await WaitForCountAsync(count, timeout))
        {
            throw new TimeoutException($"{what}: the API had {Count} of {count} signals after {timeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose() => _api.SignalReceived -= OnReceived;

    private void OnReceived(ReceivedSignal signal)
    {
        var at = Stopwatch.GetTimestamp();
        TaskCompletionSource? reached = null;
        lock (_gate)
        {
            _arrivals.Add(new Arrival(at, signal));
            if (_arrivals.Count >= _target)
            {
                (reached, _reached, _target) = (_reached, null, int.MaxValue);
            }
        }

        // Completed outside the lock and asynchronously: the waiter never runs on the API's request thread.
        reached?.TrySetResult();
    }
}
