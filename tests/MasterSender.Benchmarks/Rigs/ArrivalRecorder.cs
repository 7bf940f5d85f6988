using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MasterSender.SandboxApi;

namespace MasterSender.Benchmarks.Rigs;

/// <summary>A signal as the API accepted it, stamped with <see cref="Stopwatch.GetTimestamp"/> in the API's handler
/// (CLOCK_MONOTONIC on Linux: one clock for every process on the machine, so a stamp taken in the sandbox API's own
/// process compares with one taken in the terminal's). <paramref name="Sl"/>: the SL the signal carries, through which
/// scenarios tag each change (<see cref="SlTag"/>).</summary>
internal sealed record Arrival(long Timestamp, long Ticket, double Sl)
{
    private const string Word = "arrival";

    /// <summary>The SL of a signal body as the relay sent it (0 when it carries none).</summary>
    public static double SlOf(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("sl", out var sl) ? sl.GetDouble() : 0;
    }

    /// <summary>How the sandbox API's process reports it on its stdout: <c>arrival TIMESTAMP TICKET SL</c>.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture, $"{Word} {Timestamp} {Ticket} {Sl:R}");

    public static Arrival? FromLine(string line)
    {
        var words = line.Split(' ');
        return words.Length == 4 && words[0] == Word
            && long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            && long.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticket)
            && double.TryParse(words[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var sl)
            ? new Arrival(at, ticket, sl)
            : null;
    }
}

/// <summary>
/// Every signal the sandbox accepted, with its stamp, and a count a scenario can await (an event, not a sleep). Fed by
/// the sandbox API in the bench's process (<see cref="Of"/>: stamped in its handler) or by the sandbox API's own
/// process (<see cref="Record"/>, from its stdout lines).
/// </summary>
internal sealed class ArrivalRecorder : IDisposable
{
    private readonly SandboxApiState? _api;
    private readonly List<Arrival> _arrivals = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource? _reached;
    private int _target = int.MaxValue;

    public ArrivalRecorder()
    {
    }

    private ArrivalRecorder(SandboxApiState api)
    {
        _api = api;
        _api.SignalReceived += OnReceived;
    }

    /// <summary>Records what the sandbox API in this process accepts.</summary>
    public static ArrivalRecorder Of(SandboxApiState api) => new(api);

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
            return _arrivals.GetRange(start, _arrivals.Count - start);
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

    public void Dispose()
    {
        if (_api is not null)
        {
            _api.SignalReceived -= OnReceived;
        }
    }

    /// <summary>The stamp first, then the body's SL (about a microsecond, on the API's request thread).</summary>
    private void OnReceived(ReceivedSignal signal) => Record(new Arrival(Stopwatch.GetTimestamp(), signal.Ticket, Arrival.SlOf(signal.Body)));

    public void Record(Arrival arrival)
    {
        TaskCompletionSource? reached = null;
        lock (_gate)
        {
            _arrivals.Add(arrival);
            if (_arrivals.Count >= _target)
            {
                (reached, _reached, _target) = (_reached, null, int.MaxValue);
            }
        }

        // Completed outside the lock and asynchronously: the waiter never runs on the API's request thread.
        reached?.TrySetResult();
    }
}
